//! The STARK configuration of aggregation proofs: KoalaBear⁵, Poseidon2-24 Merkle commitments
//! and a duplex challenger like the transaction proof, but without zero knowledge. Aggregators
//! see only proofs and public inputs, so there is nothing to hide, and plain commitments are
//! cheaper to verify recursively.

use p3_challenger::{CanObserve, DuplexChallenger};
use p3_commit::ExtensionMmcs;
use p3_dft::Radix2DitParallel;
use p3_field::Field;
use p3_fri::{FriParameters, TwoAdicFriPcs};
use p3_koala_bear::default_koalabear_poseidon2_24;
use p3_merkle_tree::MerkleTreeMmcs;
use p3_symmetric::{PaddingFreeSponge, TruncatedPermutation};
use p3_uni_stark::StarkConfig;
use transaction_circuit::config::Perm;

use crate::field::{Ext, Val};

type Hash = PaddingFreeSponge<Perm, 24, 12, 12>;
type Compress = TruncatedPermutation<Perm, 2, 12, 24>;
/// The Merkle commitment of base-field matrices (plain, not hiding).
pub type ValMmcs =
    MerkleTreeMmcs<<Val as Field>::Packing, <Val as Field>::Packing, Hash, Compress, 2, 12>;
type ChallengeMmcs = ExtensionMmcs<Val, Ext, ValMmcs>;
type Dft = Radix2DitParallel<Val>;
type Pcs = TwoAdicFriPcs<Val, Dft, ValMmcs, ChallengeMmcs>;
/// The Fiat–Shamir challenger, pre-seeded with the circuit's digest.
pub type Challenger = DuplexChallenger<Val, Perm, 24, 12>;
/// The aggregation STARK configuration.
pub type AggregationConfig = StarkConfig<Pcs, Ext, Challenger>;

/// `log2` of the FRI blowup: 4, the least the four quotient chunks allow. Proving time scales with
/// the blowup, while the verifier circuit's size scales with the queries and rounds up to the
/// same table heights either way (node: 21 s at blowup 4 against 36 s at blowup 8).
pub const LOG_BLOWUP: usize = 2;
/// FRI queries: 1.968 conjectured bits each at rate 1/4, so 57 (with the query grinding) reach
/// 128.
pub const NUM_QUERIES: usize = 57;
/// Proof-of-work bits before query sampling.
pub const QUERY_POW_BITS: usize = 16;
/// Proof-of-work bits on the FRI batch-combination challenge. The batch opens about a thousand
/// columns of traces up to `2^16` rows, which costs the combination challenge enough bits that
/// it would otherwise bind below 128 (measured: 127.2 at `2^14`).
pub const BATCH_POW_BITS: usize = 8;
/// Proof-of-work bits on the LogUp challenges, for the same reason at larger heights.
pub const LOOKUP_POW_BITS: usize = 8;
/// Fraction-pin degree the Poseidon2 table's lookups may be packed up to (several lookups per
/// LogUp column, more quotient chunks).
pub const POSEIDON2_LOOKUP_DEGREE: usize = 5;
/// Largest FRI folding arity (`2^3`).
pub const MAX_LOG_ARITY: usize = 3;
/// `log2` of the final FRI polynomial's length.
pub const LOG_FINAL_POLY_LEN: usize = 2;
/// Merkle cap height.
pub const CAP_HEIGHT: usize = 0;

/// The FRI parameters over any MMCS (the security estimate uses `()`).
pub fn fri_parameters<M>(mmcs: M) -> FriParameters<M> {
    FriParameters {
        log_blowup: LOG_BLOWUP,
        log_final_poly_len: LOG_FINAL_POLY_LEN,
        max_log_arity: MAX_LOG_ARITY,
        num_queries: NUM_QUERIES,
        batch_proof_of_work_bits: BATCH_POW_BITS,
        commit_proof_of_work_bits: 0,
        query_proof_of_work_bits: QUERY_POW_BITS,
        mmcs,
    }
}

/// The commitment scheme with a cap of `2^cap_height` digests.
pub fn val_mmcs(cap_height: usize) -> ValMmcs {
    let perm = default_koalabear_poseidon2_24();
    ValMmcs::new(Hash::new(perm.clone()), Compress::new(perm), cap_height)
}

/// The configuration for one circuit: its digest is absorbed before anything else, so a proof
/// for one circuit never verifies as a proof for another.
pub fn stark_config(circuit_digest: &[Val]) -> AggregationConfig {
    stark_config_with_cap(circuit_digest, CAP_HEIGHT)
}

/// [`stark_config`] with commitments capped at `2^cap_height` digests (the recursive verifier
/// handles any cap; the transaction proof uses 4).
pub fn stark_config_with_cap(circuit_digest: &[Val], cap_height: usize) -> AggregationConfig {
    let val_mmcs = val_mmcs(cap_height);
    let fri = fri_parameters(ChallengeMmcs::new(val_mmcs.clone()));
    let pcs = Pcs::new(Dft::default(), val_mmcs, fri);
    let mut challenger = Challenger::new(default_koalabear_poseidon2_24());
    challenger.observe_slice(circuit_digest);
    AggregationConfig::new(pcs, challenger).with_lookup_proof_of_work_bits(LOOKUP_POW_BITS)
}
