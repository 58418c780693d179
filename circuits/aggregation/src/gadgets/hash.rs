//! Hashes in-circuit:
//! - the commitment hashes of the STARK configurations: the padding-free overwrite sponge
//!   `PaddingFreeSponge<P2-24, 24, 12, 12>` (leaves) and the truncated-permutation compression
//!   `TruncatedPermutation<P2-24, 2, 12, 24>` (Merkle nodes);
//! - the protocol's own sponge and level-tweaked compression (`hegemon_crypto::poseidon2`), for
//!   what aggregation proofs expose.

use alloc::vec::Vec;

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
pub fn compress(
    builder: &mut CircuitBuilder,
    left: &DigestWires,
    right: &DigestWires,
) -> DigestWires {
    let mut state: Vec<Wire> = left.to_vec();
    state.extend_from_slice(right);
    let state: [Wire; WIDTH] = core::array::from_fn(|i| state[i]);
    let out = builder.permute(state);
    core::array::from_fn(|i| out[i])
}

/// `compress(left, right)` if `bit` is 0, `compress(right, left)` if it is 1.
///
/// When `left` is the output of the permutation just before (a Merkle path's node), this is
/// one permutation row whose halves the table exchanges; `right` must then be free witness,
/// used by nothing else (a Merkle sibling), or building the circuit fails. Otherwise `left`
/// has to be read from the witness, which an exchanged row cannot do
/// ([`CircuitBuilder::permute_swapped`]): the halves are then ordered by 24 selections.
pub fn compress_swapped(
    builder: &mut CircuitBuilder,
    left: &DigestWires,
    right: &DigestWires,
    bit: Wire,
) -> DigestWires {
    let (state, swap) = ordered(builder, left, right, Some(bit));
    let out = match swap {
        Some(bit) => builder.permute_swapped(state, bit),
        None => builder.permute(state),
    };
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
    let (state, swap) = ordered(builder, left, right, bit);
    builder.permute_into_cap(state, swap, cap, index);
}

/// The permutation input `left ‖ right` and the exchange bit its row takes, or the halves
/// ordered by selections when `left` does not follow the last permutation.
fn ordered(
    builder: &mut CircuitBuilder,
    left: &DigestWires,
    right: &DigestWires,
    bit: Option<Wire>,
) -> ([Wire; WIDTH], Option<Wire>) {
    let concat = |l: &DigestWires, r: &DigestWires| -> [Wire; WIDTH] {
        core::array::from_fn(|i| if i < RATE { l[i] } else { r[i - RATE] })
    };
    match bit {
        Some(bit) if !builder.follows_last_permutation(left) => {
            builder.assert_bool(bit);
            let first = core::array::from_fn(|i| builder.select(bit, right[i], left[i]));
            let second = core::array::from_fn(|i| builder.select(bit, left[i], right[i]));
            (concat(&first, &second), None)
        }
        bit => (concat(left, right), bit),
    }
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

/// `hegemon_crypto::poseidon2::compress(level, left, right)`: the level tweak added to the last
/// lane before the permutation.
pub fn compress_level(
    builder: &mut CircuitBuilder,
    level: u32,
    left: &DigestWires,
    right: &DigestWires,
) -> DigestWires {
    use hegemon_crypto::poseidon2::{LEVEL_LANE, MERKLE_LEVEL_BASE};
    use p3_field::PrimeCharacteristicRing;

    let mut state: [Wire; WIDTH] =
        core::array::from_fn(|i| if i < RATE { left[i] } else { right[i - RATE] });
    let tweak = builder.constant_base(crate::field::Val::from_u32(MERKLE_LEVEL_BASE + level));
    state[LEVEL_LANE] = builder.add(state[LEVEL_LANE], tweak);
    let out = builder.permute(state);
    core::array::from_fn(|i| out[i])
}
