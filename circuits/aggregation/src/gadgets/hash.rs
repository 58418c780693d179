//! The commitment hashes of the STARK configurations, in-circuit: the padding-free overwrite
//! sponge `PaddingFreeSponge<P2-24, 24, 12, 12>` (leaves) and the truncated-permutation
//! compression `TruncatedPermutation<P2-24, 2, 12, 24>` (Merkle nodes).

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

/// `compress(left, right)` if `bit` is 0, `compress(right, left)` if it is 1, in one permutation
/// row (the table exchanges the halves).
pub fn compress_swapped(
    builder: &mut CircuitBuilder,
    left: &DigestWires,
    right: &DigestWires,
    bit: Wire,
) -> DigestWires {
    let state: [Wire; WIDTH] =
        core::array::from_fn(|i| if i < RATE { left[i] } else { right[i - RATE] });
    let out = builder.permute_swapped(state, bit);
    core::array::from_fn(|i| out[i])
}
