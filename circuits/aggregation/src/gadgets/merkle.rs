//! Merkle path verification for `MerkleTreeMmcs` / `MerkleTreeHidingMmcs` openings (binary
//! tree, optional cap), in-circuit.
//!
//! A commitment is a cap of `2^h` digests. Rather than selecting the cap entry a path must reach
//! (`2^h − 1` selections of twelve lanes, two ALU rows each, per path), the circuit hashes the
//! cap into its root once per commitment and walks every path on to that root, `h` levels
//! further, with the cap tree's siblings as free witness. By collision resistance the walk
//! reaches the root only through the cap entry the index names.

use alloc::vec::Vec;

use super::hash::{DigestWires, compress, compress_swapped};
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

/// The root of the binary tree over a cap's `2^h` digests (the digest itself when `h = 0`).
pub fn cap_root(builder: &mut CircuitBuilder, cap: &[DigestWires]) -> DigestWires {
    debug_assert!(cap.len().is_power_of_two());
    let mut level: Vec<DigestWires> = cap.to_vec();
    while level.len() > 1 {
        level = level
            .chunks_exact(2)
            .map(|pair| compress(builder, &pair[0], &pair[1]))
            .collect();
    }
    level[0]
}

/// Checks an opening against a commitment whose cap hashes to `root` (see [`cap_root`]): the
/// path has one sibling per index bit, the tree's own levels then the cap tree's.
pub fn verify_path(
    builder: &mut CircuitBuilder,
    leaf: DigestWires,
    bits: &[Wire],
    siblings: &[DigestWires],
    root: &DigestWires,
) {
    let top = walk(builder, leaf, bits, siblings);
    for (a, b) in top.iter().zip(root) {
        builder.connect(*a, *b);
    }
}
