//! Merkle path verification for `MerkleTreeMmcs` / `MerkleTreeHidingMmcs` openings (binary
//! tree, commitments capped at `2^h` digests), in-circuit.
//!
//! A path walks from its leaf up to the cap's level, and its last step's output is read against
//! the cap entry that the index's top `h` bits name, at a slot computed from them
//! ([`crate::circuit::CapRead`]): no selection of the entry, and no walk through the cap's
//! own tree. With `h` levels fewer per path, a node's 55 queries of seven paths each cost about
//! 2,400 fewer permutations per child proof than the `2^h` digests of a commitment's cap add to
//! its transcript.

use alloc::vec::Vec;

use super::hash::{DigestWires, compress, compress_into_cap, compress_swapped, sponge};
use crate::circuit::{CircuitBuilder, Wire};

/// Checks a path from `leaf` to digest `index` of `cap`. `siblings` are the tree's own levels
/// below the cap, lowest first, `bits` the leaf index's bits for those levels (least
/// significant first: bit `l` set means the node at level `l` is a right child). After the step
/// at level `l`, the node is compressed with the hash of `injected[l]` when given: the rows of
/// the shorter matrices `MerkleTreeMmcs` takes in at that height. `index` is the leaf index's
/// top bits, the cap's levels, as one wire.
///
/// Each injected row is hashed just before its compression, which then takes the digest across
/// halves from the permutation before and reads the node from the witness
/// ([`crate::circuit::PermOp::crossed`]): the table reads no input lane 12‥23.
pub fn verify_path(
    builder: &mut CircuitBuilder,
    leaf: DigestWires,
    bits: &[Wire],
    siblings: &[DigestWires],
    injected: &[Option<Vec<Wire>>],
    cap: &[DigestWires],
    index: Wire,
) {
    assert_eq!(bits.len(), siblings.len(), "one index bit per level");
    assert!(
        injected.iter().skip(bits.len()).all(Option::is_none),
        "no matrix is as short as the cap"
    );
    // Each step compresses the node with a sibling, ordered by a bit, or with the hash of the
    // rows taken in; the last step is emitted against the cap.
    enum Step<'a> {
        Sibling(&'a DigestWires, Wire),
        Rows(&'a [Wire]),
    }
    let mut steps: Vec<Step<'_>> = Vec::new();
    for (level, (&bit, sibling)) in bits.iter().zip(siblings).enumerate() {
        steps.push(Step::Sibling(sibling, bit));
        if let Some(Some(rows)) = injected.get(level) {
            steps.push(Step::Rows(rows));
        }
    }
    let Some((last, rest)) = steps.split_last() else {
        unreachable!("every tree the verifier reads is taller than its cap")
    };
    // The digest a step compresses the node with, and its bit; rows are hashed here, just
    // before their compression.
    let other = |builder: &mut CircuitBuilder, step: &Step<'_>| match *step {
        Step::Sibling(sibling, bit) => (*sibling, Some(bit)),
        Step::Rows(rows) => (sponge(builder, rows), None),
    };
    let mut node = leaf;
    for step in rest {
        node = match other(builder, step) {
            (sibling, Some(bit)) => compress_swapped(builder, &node, &sibling, bit),
            (digest, None) => compress(builder, &node, &digest),
        };
    }
    let (other, bit) = other(builder, last);
    compress_into_cap(builder, &node, &other, bit, cap, index);
}
