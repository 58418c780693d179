//! Merkle path verification for `MerkleTreeMmcs` openings of one matrix (binary tree, optional
//! cap), in-circuit.

use alloc::vec::Vec;

use super::hash::{DigestWires, compress_swapped};
use crate::circuit::{CircuitBuilder, Wire};

/// Recomputes the root from `leaf`, walking up `siblings` (lowest first) with the index `bits`
/// (least significant first: bit `i` set means the node at level `i` is a right child). Returns
/// the node reached after the last sibling. The permutation table constrains the bits boolean.
pub fn walk(
    builder: &mut CircuitBuilder,
    leaf: DigestWires,
    bits: &[Wire],
    siblings: &[DigestWires],
) -> DigestWires {
    debug_assert_eq!(bits.len(), siblings.len());
    let mut node = leaf;
    for (&bit, sibling) in bits.iter().zip(siblings) {
        // bit = 1: the node is the right child, so the permutation exchanges the halves.
        node = compress_swapped(builder, &node, sibling, bit);
    }
    node
}

/// Checks an opening against a cap of `2^h` digests: walk the path with the low bits, then the
/// top `h` bits select the cap entry the walk must reach.
pub fn verify_path(
    builder: &mut CircuitBuilder,
    leaf: DigestWires,
    bits: &[Wire],
    siblings: &[DigestWires],
    cap: &[DigestWires],
) {
    let path_len = siblings.len();
    let cap_bits = &bits[path_len..];
    debug_assert_eq!(cap.len(), 1 << cap_bits.len());
    let top = walk(builder, leaf, &bits[..path_len], siblings);
    let mut candidates: Vec<DigestWires> = cap.to_vec();
    for &bit in cap_bits {
        candidates = candidates
            .chunks_exact(2)
            .map(|pair| core::array::from_fn(|k| builder.select(bit, pair[1][k], pair[0][k])))
            .collect();
    }
    for (a, b) in top.iter().zip(&candidates[0]) {
        builder.connect(*a, *b);
    }
}
