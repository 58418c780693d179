//! Weights of the shielded pool.
//!
//! Not placeholders, but documented estimates from measurements until the FRAME benchmarks run
//! in the node issue. Proof verification: 3.0 ms per proof natively (`circuits-bench`, one
//! core), charged at one core with no parallel or cache credit. Storage per transfer: read two
//! nullifiers, the anchors and the tree; write two nullifiers, the tree and the fee total.

use frame_support::weights::{Weight, constants::RocksDbWeight};

/// Weight functions of the pallet.
pub trait WeightInfo {
    /// Applying `n` already-verified transfers (storage and hashing).
    fn submit_transfers(n: u32) -> Weight;
    /// Verifying `n` proofs (in `authorize`).
    fn verify_proofs(n: u32) -> Weight;
    /// Verifying one aggregated proof over `n` transfers (in `authorize`).
    fn verify_aggregate(n: u32) -> Weight;
}

/// Native proof verification, in picoseconds of reference time (3.0 ms).
pub const VERIFY_PROOF_REF_TIME: u64 = 3_000_000_000;
/// One aggregated proof, natively (40 ms at depth 6, `docs/benchmarks.md#aggregation`).
pub const VERIFY_AGGREGATE_REF_TIME: u64 = 40_000_000_000;
/// Per transfer of an aggregated batch: decoding and hashing its public inputs into the root
/// digest (about 20 Poseidon2 permutations), rounded up.
pub const AGGREGATE_TRANSFER_REF_TIME: u64 = 50_000_000;
/// Per transfer: two commitments appended (one Poseidon2 permutation amortized each, 1.3 µs)
/// and bookkeeping, rounded up.
pub const APPLY_TRANSFER_REF_TIME: u64 = 20_000_000;
/// Bytes of proof size per transfer touched in storage (two nullifier entries and the frontier).
pub const APPLY_TRANSFER_PROOF_SIZE: u64 = 2 * 100 + 1_600;

/// Weights for the Hegemon runtime.
impl WeightInfo for () {
    fn submit_transfers(n: u32) -> Weight {
        let n = u64::from(n);
        Weight::from_parts(
            APPLY_TRANSFER_REF_TIME.saturating_mul(n),
            APPLY_TRANSFER_PROOF_SIZE.saturating_mul(n),
        )
        .saturating_add(RocksDbWeight::get().reads(3 + 2 * n))
        .saturating_add(RocksDbWeight::get().writes(2 + 2 * n))
    }

    fn verify_proofs(n: u32) -> Weight {
        Weight::from_parts(VERIFY_PROOF_REF_TIME.saturating_mul(u64::from(n)), 0)
    }

    fn verify_aggregate(n: u32) -> Weight {
        let per_transfer = AGGREGATE_TRANSFER_REF_TIME.saturating_mul(u64::from(n));
        Weight::from_parts(VERIFY_AGGREGATE_REF_TIME.saturating_add(per_transfer), 0)
    }
}
