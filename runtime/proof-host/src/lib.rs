//! Transaction-proof and aggregated-proof verification as runtime host functions.
//!
//! Verifying a transfer proof is a consensus rule. The runtime (WASM) calls these functions, and
//! the node executes them natively: the STARK verifier runs about 3 ms natively, and a batch
//! runs on all cores. Every node registers [`shielded_proofs::HostFunctions`] with its executor,
//! so every node applies the same rule. The host side is `transaction_circuit::verify`, which
//! never panics on hostile bytes (size and shape checks, then `catch_unwind`).
//!
//! A verified `(public inputs, proof)` pair is remembered in a bounded in-memory cache keyed by a
//! BLAKE3 hash of both, so a transfer already verified at pool admission costs a hash lookup at
//! block import. The cache only ever records successes; a miss re-verifies.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;

use sp_runtime_interface::pass_by::{
    AllocateAndReturnByCodec, PassFatPointerAndDecode, PassFatPointerAndRead,
};
use sp_runtime_interface::runtime_interface;

#[cfg(feature = "std")]
mod cache;

/// Verifies one transaction proof against its encoded public inputs.
#[cfg(feature = "std")]
pub fn verify_native(public_inputs: &[u8], proof: &[u8]) -> bool {
    cache::verify_cached(public_inputs, proof)
}

/// The host functions the runtime imports.
#[runtime_interface]
pub trait ShieldedProofs {
    /// `true` iff `proof` is a valid transaction proof for `public_inputs`
    /// (`TransactionPublicInputs::to_bytes`).
    fn verify_transaction(
        public_inputs: PassFatPointerAndRead<&[u8]>,
        proof: PassFatPointerAndRead<&[u8]>,
    ) -> bool {
        verify_native(public_inputs, proof)
    }

    /// `true` iff `proof` is the aggregated proof of transfers with these public inputs
    /// (concatenated encodings, in block order; `docs/spec/aggregation.md#blocks`). The first
    /// call at a new tree depth builds that depth's keys (seconds per level); they are kept.
    fn verify_aggregate(
        public_inputs: PassFatPointerAndRead<&[u8]>,
        proof: PassFatPointerAndRead<&[u8]>,
    ) -> bool {
        aggregation_circuit::block::verify_block(public_inputs, proof).is_ok()
    }

    /// Verifies a batch of `(public_inputs, proof)` pairs in parallel; one result per pair, in
    /// order.
    fn verify_transactions(
        batch: PassFatPointerAndDecode<Vec<(Vec<u8>, Vec<u8>)>>,
    ) -> AllocateAndReturnByCodec<Vec<bool>> {
        use rayon::prelude::*;
        batch
            .par_iter()
            .map(|(public, proof)| verify_native(public, proof))
            .collect()
    }
}
