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

/// How one circuit's proofs are committed and queried. Every layer of the tree uses
/// [`AGGREGATION`], which the in-circuit verifiers replay; the block's final proof uses
/// [`WRAP`], which only native verifiers read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FriSetting {
    /// `log2` of the FRI blowup.
    pub log_blowup: usize,
    /// FRI queries.
    pub num_queries: usize,
    /// Proof-of-work bits before query sampling.
    pub query_pow_bits: usize,
    /// Proof-of-work bits on the FRI batch-combination challenge. A batch opens about a
    /// thousand columns of traces up to `2^18` rows, which costs the combination challenge
    /// enough bits that it would otherwise bind below 128 (measured: 127.2 at `2^14`).
    pub batch_pow_bits: usize,
    /// Proof-of-work bits on each FRI folding challenge (they bind below 128 over a large
    /// extension folded 16 to 1).
    pub commit_pow_bits: usize,
    /// Largest FRI folding arity, as `log2`.
    pub max_log_arity: usize,
    /// `log2` of the final FRI polynomial's length.
    pub log_final_poly_len: usize,
    /// `log2` of the shortest table. FRI takes only inputs taller than its final polynomial's
    /// extension, and each input height of its own ends a folding round.
    pub min_log_height: usize,
    /// Commitments are caps of `2^cap_height` digests.
    pub cap_height: usize,
}

/// The setting of every proof a recursive verifier reads. Blowup 4, the least the four quotient
/// chunks allow: proving time scales with the blowup, while the verifier circuit's size scales
/// with the queries and rounds up to the same table heights either way (node: 21 s at blowup 4
/// against 36 s at blowup 8). 55 queries at 1.968 conjectured bits each, plus 20 bits of query
/// grinding (16 candidates per packed permutation: a small share of a proof), reach 128.2;
/// with 16 bits it took 57, and two queries are 258 permutations of a node, which bring a node
/// over nodes under `2^14` Poseidon2 rows (2.5–2.8 CPU-seconds against 3.2). Caps of 64
/// digests: the verifier circuit reads each path's last node against its cap entry
/// (`gadgets::merkle`), six levels fewer per path for 63 more digests per commitment in the
/// transcript.
pub const AGGREGATION: FriSetting = FriSetting {
    log_blowup: 2,
    num_queries: 55,
    query_pow_bits: 20,
    batch_pow_bits: 8,
    commit_pow_bits: 0,
    max_log_arity: 3,
    log_final_poly_len: 7,
    min_log_height: 9,
    cap_height: 6,
};

/// The setting of a block's final proof ([`crate::wrap`]): blowup 64, so each query carries
/// about 5.9 conjectured bits, and 18 of them plus 22 bits of query grinding (seconds, against
/// minutes of proving) reach 128. Proving pays a 16× taller extension once per block; the proof
/// is less than half the size of an [`AGGREGATION`] proof (`docs/benchmarks.md#the-wrap`).
/// Folding 16 to 1 and a final polynomial of 8 coefficients keep the FRI rounds, each a Merkle
/// path per query, to four (FRI takes only inputs strictly taller than the final polynomial's
/// extension, and the public table's is `2^4 · 64` rows). Only native verifiers read it, and
/// their pruned multi-openings already share the top levels, so it has no cap.
pub const WRAP: FriSetting = FriSetting {
    log_blowup: 6,
    num_queries: 18,
    query_pow_bits: 22,
    batch_pow_bits: 10,
    commit_pow_bits: 4,
    max_log_arity: 4,
    log_final_poly_len: 3,
    min_log_height: 4,
    cap_height: 0,
};

/// Proof-of-work bits on the LogUp challenges, for the same reason at larger heights.
pub const LOOKUP_POW_BITS: usize = 8;

/// `log2` of the digests at which in-circuit verifiers end the preprocessed commitment's paths.
/// That commitment is part of a child circuit's key, so its whole Merkle tree is known when the
/// parent circuit is built: a parent holds the tree's `2^10` nodes of that level as constants
/// and reads each path's last node against them, four compressions before the `2^6`-digest
/// cap (which the transcript still absorbs). Each level is one permutation per child query, 110
/// a node, for `2^h · 12` constant slots; at `2^11` the node over leaves would outgrow five
/// wires a witness row (`docs/spec/aggregation.md#preprocessed-paths`).
pub const PREPROCESSED_PATH_CAP_HEIGHT: usize = 10;
/// Fraction-pin degree every table's lookups are packed up to. Every table's own constraints
/// are at most cubic, so at 3 every quotient takes two chunks instead of four and is evaluated
/// on a domain half as large. That outweighs the extra LogUp columns: the Poseidon2 table's 37
/// reads take 19 columns instead of 11 (a node 2.40 → 2.25 s), the ALU's four reads two
/// instead of one (7.0 → 6.6 s when it was measured).
pub const LOOKUP_DEGREE: usize = 3;

impl FriSetting {
    /// The FRI parameters over any MMCS (the security estimate uses `()`).
    pub fn parameters<M>(&self, mmcs: M) -> FriParameters<M> {
        FriParameters {
            log_blowup: self.log_blowup,
            log_final_poly_len: self.log_final_poly_len,
            max_log_arity: self.max_log_arity,
            num_queries: self.num_queries,
            batch_proof_of_work_bits: self.batch_pow_bits,
            commit_proof_of_work_bits: self.commit_pow_bits,
            query_proof_of_work_bits: self.query_pow_bits,
            mmcs,
        }
    }
}

/// The [`AGGREGATION`] FRI parameters over any MMCS.
pub fn fri_parameters<M>(mmcs: M) -> FriParameters<M> {
    AGGREGATION.parameters(mmcs)
}

/// The commitment scheme with a cap of `2^cap_height` digests.
pub fn val_mmcs(cap_height: usize) -> ValMmcs {
    let perm = default_koalabear_poseidon2_24();
    ValMmcs::new(Hash::new(perm.clone()), Compress::new(perm), cap_height)
}

/// The configuration for one circuit, with commitments capped at `2^cap_height` digests (the
/// recursive verifier handles any cap; the transaction proof uses 4). The circuit's digest is
/// absorbed before anything else, so a proof for one circuit never verifies as a proof for
/// another.
pub fn stark_config_with_cap(circuit_digest: &[Val], cap_height: usize) -> AggregationConfig {
    stark_config_in(AGGREGATION, circuit_digest, cap_height)
}

/// [`stark_config_with_cap`] in any FRI setting.
pub fn stark_config_in(
    setting: FriSetting,
    circuit_digest: &[Val],
    cap_height: usize,
) -> AggregationConfig {
    let val_mmcs = val_mmcs(cap_height);
    let fri = setting.parameters(ChallengeMmcs::new(val_mmcs.clone()));
    let pcs = Pcs::new(Dft::default(), val_mmcs, fri);
    let mut challenger = Challenger::new(default_koalabear_poseidon2_24());
    challenger.observe_slice(circuit_digest);
    AggregationConfig::new(pcs, challenger).with_lookup_proof_of_work_bits(LOOKUP_POW_BITS)
}
