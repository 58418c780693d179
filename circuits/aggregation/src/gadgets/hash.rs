//! Hashes in-circuit:
//! - the commitment hashes of the STARK configurations: the padding-free overwrite sponge
//!   `PaddingFreeSponge<P2-24, 24, 12, 12>` (leaves) and the truncated-permutation compression
//!   `TruncatedPermutation<P2-24, 2, 12, 24>` (Merkle nodes);
//! - the protocol's own sponge (`hegemon_crypto::poseidon2::hash_elements`), for what
//!   aggregation proofs expose.

use crate::circuit::{CircuitBuilder, Wire};
use crate::tables::poseidon2::WIDTH;

/// Sponge rate and digest length.
pub const RATE: usize = 12;

/// A digest: twelve base-field wires.
pub type DigestWires = [Wire; RATE];

/// Hashes base-field wires like `PaddingFreeSponge`: start from zeros, overwrite the first lanes
/// with each block of up to twelve inputs, permute after each non-empty block.
pub fn sponge(builder: &mut CircuitBuilder, input: &[Wire]) -> DigestWires {
    let zero = builder.zero();
    let mut state = [zero; WIDTH];
    for block in input.chunks(RATE) {
        state[..block.len()].copy_from_slice(block);
        state = builder.permute(state);
    }
    core::array::from_fn(|i| state[i])
}

/// Compresses two digests like `TruncatedPermutation`: permute `left ‖ right`, keep twelve lanes.
/// The table reads `left`; `right` must be the previous permutation's output lanes 0‥11 (it is
/// then taken across halves, [`crate::circuit::PermOp::crossed`]) or free witness, or building
/// the circuit fails.
pub fn compress(
    builder: &mut CircuitBuilder,
    left: &DigestWires,
    right: &DigestWires,
) -> DigestWires {
    let out = builder.permute(concat(left, right));
    core::array::from_fn(|i| out[i])
}

/// `compress(left, right)` if `bit` is 0, `compress(right, left)` if it is 1: one permutation
/// row whose halves the table exchanges. `left` must be the output of the permutation just
/// before (a Merkle path's node) and `right` free witness, used by nothing else (a Merkle
/// sibling): the table reads no lane of an exchanged row.
pub fn compress_swapped(
    builder: &mut CircuitBuilder,
    left: &DigestWires,
    right: &DigestWires,
    bit: Wire,
) -> DigestWires {
    assert_follows(builder, left);
    let out = builder.permute_swapped(concat(left, right), bit);
    core::array::from_fn(|i| out[i])
}

/// [`compress_swapped`] (or [`compress`] without a bit) whose result must be digest `index` of
/// `cap` ([`CircuitBuilder::permute_into_cap`]): a Merkle path's last step.
pub fn compress_into_cap(
    builder: &mut CircuitBuilder,
    left: &DigestWires,
    right: &DigestWires,
    bit: Option<Wire>,
    cap: &[DigestWires],
    index: Wire,
) {
    if bit.is_some() {
        assert_follows(builder, left);
    }
    builder.permute_into_cap(concat(left, right), bit, cap, index);
}

/// An exchanged row reads no lane, so its node must come chained from the permutation before.
fn assert_follows(builder: &mut CircuitBuilder, node: &DigestWires) {
    assert!(
        builder.follows_last_permutation(node),
        "an exchanged compression's node must be the previous permutation's output"
    );
}

/// The permutation input `left ‖ right`.
fn concat(left: &DigestWires, right: &DigestWires) -> [Wire; WIDTH] {
    core::array::from_fn(|i| if i < RATE { left[i] } else { right[i - RATE] })
}

/// `hegemon_crypto::poseidon2::hash_elements`: the domain tag and the input length in the
/// capacity, each block zero-filled into the rate, one permutation per block (at least one).
pub fn hash_elements(builder: &mut CircuitBuilder, domain: u32, input: &[Wire]) -> DigestWires {
    use hegemon_crypto::poseidon2::{DOMAIN_LANE, LENGTH_LANE};
    use p3_field::PrimeCharacteristicRing;

    let zero = builder.zero();
    let mut state = [zero; WIDTH];
    state[DOMAIN_LANE] = builder.constant_base(crate::field::Val::from_u32(domain));
    state[LENGTH_LANE] = builder.constant_base(crate::field::Val::from_usize(input.len()));
    if input.is_empty() {
        state = builder.permute(state);
    }
    for block in input.chunks(RATE) {
        state[..RATE].fill(zero);
        state[..block.len()].copy_from_slice(block);
        state = builder.permute(state);
    }
    core::array::from_fn(|i| state[i])
}
