//! The aggregator's native side: for an inner uni-STARK proof, the constants of its verifier
//! circuit (transcript seeds, fold schedule) and the circuit's private inputs (the proof laid out
//! in allocation order, with Merkle paths restored from Plonky3's pruned multi-openings).
//!
//! Challenges are re-derived with Plonky3's own transcript objects, in the order
//! `p3_uni_stark::verify` drives them, so the layout never depends on our replica being right:
//! the circuit must reach the same values on its own.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;
use core::marker::PhantomData;

use p3_challenger::CanObserve;
use p3_commit::{
    CommitmentOpening, ExtensionMmcs, MatrixOpening, Mmcs, OpenedValues, Pcs, PointOpening,
    PolynomialSpace,
};
use p3_field::coset::TwoAdicMultiplicativeCoset;
use p3_field::{PrimeCharacteristicRing, TwoAdicField};
use p3_fri::verifier::{fold_query, open_inputs};
use p3_fri::{
    BatchMultiOpening, FriParameters, FriProof, FriShape, PcsVerifierTranscript, TwoAdicFriFolding,
    VerifierTranscript, fold_schedule,
};
use p3_koala_bear::default_koalabear_poseidon2_24;
use p3_merkle_tree::PrunedMerklePaths;
use p3_symmetric::{
    CryptographicHasher, PaddingFreeSponge, PseudoCompressionFunction, TruncatedPermutation,
};
use p3_uni_stark::{Proof, StarkGenericConfig, StarkShape, StarkVerifierTranscript};

use crate::config::{
    AggregationConfig, Challenger, PREPROCESSED_PATH_CAP_HEIGHT, fri_parameters,
    stark_config_with_cap, val_mmcs,
};
use crate::field::{EXT_DEGREE, Ext, Val, coefficients};
use crate::gadgets::batch::{BatchInnerShape, batch_ood_values};
use crate::gadgets::pcs::{MatrixShape, PcsLayout};
use crate::gadgets::stark::{Cap, InnerShape, ext_input_values, ood_values};
use crate::proof::{CircuitKey, CircuitProof};
use p3_batch_stark::BatchVerifierTranscript;
use p3_batch_stark::verifier::commitments_with_opening_points;
use p3_lookup::logup::LogUpGadget;

type Digest = [Val; 12];
/// The FRI proof of a PCS whose input trees are `M` (the FRI rounds commit with the same trees).
pub type FriProofOf<M> =
    FriProof<Ext, ExtensionMmcs<Val, Ext, M>, Val, Vec<BatchMultiOpening<Val, M>>>;

/// What the circuit reads from a Merkle multi-opening of either commitment scheme: the salts
/// (`salts[query][matrix]`, salted trees only) and the pruned siblings.
pub trait MultiOpening {
    /// Per query, per matrix, the salt after the row; `None` for plain trees.
    fn salts(&self) -> Option<&[Vec<Vec<Val>>]>;
    /// The siblings Plonky3 sends, pruned of the nodes the verifier can compute.
    fn siblings(&self) -> &[Digest];
}

impl MultiOpening for PrunedMerklePaths<Val, 12> {
    fn salts(&self) -> Option<&[Vec<Vec<Val>>]> {
        None
    }

    fn siblings(&self) -> &[Digest] {
        &self.sibling_hashes
    }
}

impl MultiOpening for (Vec<Vec<Vec<Val>>>, PrunedMerklePaths<Val, 12>) {
    fn salts(&self) -> Option<&[Vec<Vec<Val>>]> {
        Some(&self.0)
    }

    fn siblings(&self) -> &[Digest] {
        &self.1.sibling_hashes
    }
}

/// The salt of `matrix` at `query`: empty for plain trees.
fn salt_of(opening: &impl MultiOpening, query: usize, matrix: usize) -> Result<&[Val], InnerError> {
    match opening.salts() {
        None => Ok(&[]),
        Some(salts) => salts
            .get(query)
            .and_then(|s| s.get(matrix))
            .map(Vec::as_slice)
            .ok_or(InnerError::Shape("missing salt")),
    }
}

/// Why an inner proof cannot be laid out (it would not verify natively either).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InnerError {
    /// The proof's shape is not the verifier circuit's.
    #[error("the inner proof's shape does not match the verifier circuit: {0}")]
    Shape(&'static str),
    /// Plonky3's transcript rejected the proof.
    #[error("the inner proof's transcript is invalid: {0}")]
    Transcript(alloc::string::String),
    /// An opening does not verify.
    #[error("the inner proof's openings do not verify: {0}")]
    Opening(alloc::string::String),
    /// The proof's bytes do not decode.
    #[error("the inner proof does not decode: {0}")]
    Decode(alloc::string::String),
}

/// Records what a transcript's domain-separator seed absorbs: the constants a verifier circuit
/// observes in its place.
pub(crate) struct Recorder(pub(crate) Vec<Val>);

impl CanObserve<Val> for Recorder {
    fn observe(&mut self, value: Val) {
        self.0.push(value);
    }
}

/// The opening-argument layout of a uni-STARK proof of `shape` in the aggregation configuration.
pub fn pcs_layout(shape: &InnerShape) -> PcsLayout {
    pcs_layout_with(shape, &fri_parameters(()))
}

/// The opening-argument layout of a uni-STARK proof of `shape` under the FRI parameters `fri`.
/// Batches in claim order: the random polynomial (hiding only), the trace, the quotient chunks;
/// with the hiding PCS every matrix is as much wider as there are random codewords, and every
/// row is followed by its salt.
pub fn pcs_layout_with<M>(shape: &InnerShape, fri: &FriParameters<M>) -> PcsLayout {
    let log_n = shape.committed_degree_bits();
    let codewords = shape.random_codewords();
    let trace_points = if shape.opens_next { 2 } else { 1 };
    let matrix = |width: usize| MatrixShape {
        log_size: log_n,
        width: width + codewords,
    };
    let mut batches = Vec::with_capacity(3);
    if shape.hiding.is_some() {
        batches.push(alloc::vec![matrix(EXT_DEGREE)]);
    }
    batches.push(alloc::vec![matrix(shape.width)]);
    batches.push(alloc::vec![matrix(EXT_DEGREE); shape.num_quotient_chunks]);
    let claimed_evaluation_counts = batches
        .iter()
        .enumerate()
        .map(|(b, matrices)| {
            // The trace is the batch before the quotient's.
            let points = if b == batches.len() - 2 {
                trace_points
            } else {
                1
            };
            matrices
                .iter()
                .map(|m| alloc::vec![m.width; points])
                .collect()
        })
        .collect();
    let salt_elems = shape.hiding.map_or(0, |h| h.salt_elems);
    let input_cap_heights = alloc::vec![shape.cap_height; batches.len()];
    layout_from(
        batches,
        claimed_evaluation_counts,
        shape.cap_height,
        input_cap_heights,
        salt_elems,
        fri,
    )
}

/// The layout of committed `batches` whose matrices are claimed at as many points as
/// `claimed_evaluation_counts` lists (per batch, per matrix, the values per point): the PCS and
/// FRI domain separators' seeds and the fold schedule over every distinct height. Commitments
/// are caps of `2^cap_height` digests; each batch's paths end at the level of
/// `input_cap_heights`.
fn layout_from<M>(
    batches: Vec<Vec<MatrixShape>>,
    claimed_evaluation_counts: Vec<Vec<Vec<usize>>>,
    cap_height: usize,
    input_cap_heights: Vec<usize>,
    salt_elems: usize,
    fri: &FriParameters<M>,
) -> PcsLayout {
    let pcs_shape = p3_fri::PcsShape {
        claimed_evaluation_counts,
        batch_pow_bits: fri.batch_proof_of_work_bits,
    };
    let mut pcs_seed = Recorder(Vec::new());
    pcs_shape.domain_separator::<Val, Ext>().seed(&mut pcs_seed);
    let heights: BTreeSet<usize> = batches
        .iter()
        .flatten()
        .map(|m| m.log_size + fri.log_blowup)
        .collect();
    let heights: Vec<usize> = heights.into_iter().rev().collect();
    let log_max = heights.first().copied().unwrap_or(0);
    let log_arities = fold_schedule(
        &heights,
        fri.log_blowup + fri.log_final_poly_len,
        fri.max_log_arity,
    );
    let fri_shape = FriShape::with_schedule(fri, log_arities.clone(), log_max);
    let mut fri_seed = Recorder(Vec::new());
    fri_shape.domain_separator::<Val, Ext>().seed(&mut fri_seed);
    PcsLayout {
        pcs_seed: pcs_seed.0,
        fri_seed: fri_seed.0,
        log_blowup: fri.log_blowup,
        cap_height,
        input_cap_heights,
        salt_elems,
        num_queries: fri.num_queries,
        batch_pow_bits: fri.batch_proof_of_work_bits,
        query_pow_bits: fri.query_proof_of_work_bits,
        log_arities,
        final_poly_len: fri.final_poly_len(),
        batches,
    }
}

/// The opening-argument layout of proofs of an aggregation circuit: batches in Plonky3's claim
/// order (`p3_batch_stark::verifier::commitments_with_opening_points`): the main traces, the
/// quotient chunks, the preprocessed traces, the permutation traces.
pub fn batch_pcs_layout(shape: &BatchInnerShape) -> PcsLayout {
    let points = |next: bool| if next { 2 } else { 1 };
    let mut batches: Vec<Vec<MatrixShape>> = Vec::with_capacity(4);
    let mut counts: Vec<Vec<Vec<usize>>> = Vec::with_capacity(4);
    let mut cap_heights: Vec<usize> = Vec::with_capacity(4);
    let mut push = |matrices: Vec<(MatrixShape, usize)>, cap_height: usize| {
        cap_heights.push(cap_height);
        counts.push(
            matrices
                .iter()
                .map(|(m, p)| alloc::vec![m.width; *p])
                .collect(),
        );
        batches.push(matrices.into_iter().map(|(m, _)| m).collect());
    };
    let matrix = |log_size: usize, width: usize| MatrixShape { log_size, width };
    push(
        shape
            .tables
            .iter()
            .map(|t| (matrix(t.degree_bits, t.width), points(t.opens_next)))
            .collect(),
        shape.cap_height,
    );
    push(
        shape
            .tables
            .iter()
            .flat_map(|t| {
                (0..t.num_quotient_chunks).map(|_| (matrix(t.degree_bits, EXT_DEGREE), 1))
            })
            .collect(),
        shape.cap_height,
    );
    if !shape.preprocessed_commitment.is_empty() {
        push(
            shape
                .tables
                .iter()
                .filter(|t| t.preprocessed_width > 0)
                .map(|t| {
                    let m = matrix(t.degree_bits, t.preprocessed_width);
                    (m, points(t.preprocessed_opens_next))
                })
                .collect(),
            PREPROCESSED_PATH_CAP_HEIGHT,
        );
    }
    if shape.tables.iter().any(|t| !t.buses.is_empty()) {
        push(
            shape
                .tables
                .iter()
                .filter(|t| !t.buses.is_empty())
                .map(|t| (matrix(t.degree_bits, t.permutation_width() * EXT_DEGREE), 2))
                .collect(),
            shape.cap_height,
        );
    }
    layout_from(
        batches,
        counts,
        shape.cap_height,
        cap_heights,
        0,
        &fri_parameters(()),
    )
}

/// The verifier circuit's private inputs for `proof`, a proof of the aggregation circuit of
/// `key` with public inputs `public`: the out-of-domain part, then the opening argument.
/// Challenges come from Plonky3's own batch transcript and claims from its
/// `commitments_with_opening_points`, so the layout never depends on the circuit's replica.
pub fn batch_proof_values(
    key: &CircuitKey,
    shape: &BatchInnerShape,
    layout: &PcsLayout,
    proof: &CircuitProof,
    public: &[Val],
) -> Result<Vec<Ext>, InnerError> {
    use p3_uni_stark::StarkGenericConfig as _;
    let batch = proof.batch();
    let public_values = key.table_public_values(public);
    let mut values = batch_ood_values(shape, batch, &public_values)?;
    let transcript_error =
        |e: &dyn core::fmt::Debug| InnerError::Transcript(alloc::format!("{e:?}"));
    let config = key.config();
    let lookups = key.lookups();
    let mut challenger = config.initialise_challenger();
    let mut transcript = BatchVerifierTranscript::<Challenger, Val, Ext, Cap>::new(
        &mut challenger,
        shape.batch_shape.clone(),
    );
    transcript.instance_bindings(&batch.degree_bits);
    transcript.main_phase(batch.commitments.main.clone(), &public_values);
    transcript.preprocessed_phase(key.preprocessed_commitment().cloned());
    transcript
        .lookup_phase(&lookups, &LogUpGadget::new(), batch.lookup_pow_witness)
        .map_err(|e| transcript_error(&e))?;
    let terminals: Vec<Ext> = batch
        .lookup_terminals
        .iter()
        .flatten()
        .map(|t| t.0)
        .collect();
    // The constraint challenge serves the out-of-domain check, which the circuit does itself.
    let _alpha = transcript.permutation_phase(batch.commitments.permutation.clone(), &terminals);
    transcript.quotient_phase(batch.commitments.quotient_chunks.clone(), None);
    let zeta = transcript
        .ood_phase(batch.ood_pow_witness)
        .map_err(|e| transcript_error(&e))?;
    let preprocessed_widths: Vec<usize> =
        shape.tables.iter().map(|t| t.preprocessed_width).collect();
    let log_chunks: Vec<usize> = shape
        .tables
        .iter()
        .map(|t| t.num_quotient_chunks.trailing_zeros() as usize)
        .collect();
    let claims = match commitments_with_opening_points(
        config,
        key.tables(),
        zeta,
        &batch.commitments,
        &batch.opened_values,
        key.common(),
        &batch.degree_bits,
        &preprocessed_widths,
        &log_chunks,
    ) {
        Ok((claims, _, _)) => claims,
        Err(e) => {
            transcript.abort();
            return Err(InnerError::Opening(alloc::format!("{e:?}")));
        }
    };
    let input_mmcs = val_mmcs(shape.cap_height);
    let fri = fri_parameters(ExtensionMmcs::<Val, Ext, _>::new(input_mmcs.clone()));
    let challenges = transcript.delegate(|challenger| {
        opening_challenges(challenger, &fri, layout, &claims, &batch.opening_proof)
    });
    transcript.finish();
    values.extend(opening_values(
        layout,
        &fri,
        &input_mmcs,
        &batch.opening_proof,
        &claims,
        &challenges?,
        shape.cap_height,
    )?);
    Ok(values)
}

fn ext_values(values: &[Ext]) -> impl Iterator<Item = Ext> + '_ {
    values.iter().flat_map(ext_input_values)
}

fn base_values(values: &[Val]) -> impl Iterator<Item = Ext> + '_ {
    values.iter().map(|v| Ext::from(*v))
}

/// Authentication paths for `leaves` of a binary tree whose `depth` levels end at `cap` (lowest
/// sibling first, up to the cap), from a pruned multi-opening: the frontier walk of p3-merkle-tree,
/// computing the nodes the proof leaves out.
///
/// `injected[l]` holds, for nodes `l + 1` levels above the leaves, the digest of the rows of
/// shorter matrices that `MerkleTreeMmcs` compresses into them (`compress(node, rows)`).
fn restore_paths(
    leaves: &BTreeMap<usize, Digest>,
    injected: &[BTreeMap<usize, Digest>],
    supplied: &[Digest],
    depth: usize,
    cap: &Cap,
) -> Result<BTreeMap<usize, Vec<Digest>>, InnerError> {
    let compress = TruncatedPermutation::<_, 2, 12, 24>::new(default_koalabear_poseidon2_24());
    let mut supplied = supplied.iter();
    let mut levels: Vec<BTreeMap<usize, Digest>> = Vec::with_capacity(depth);
    let mut frontier = leaves.clone();
    for level in 0..depth {
        let parents: BTreeSet<usize> = frontier.keys().map(|i| i / 2).collect();
        let mut known = frontier.clone();
        let mut next = BTreeMap::new();
        for parent in parents {
            for child in [2 * parent, 2 * parent + 1] {
                if let alloc::collections::btree_map::Entry::Vacant(slot) = known.entry(child) {
                    let d = supplied
                        .next()
                        .ok_or(InnerError::Shape("pruned path too short"))?;
                    slot.insert(*d);
                }
            }
            let mut node = compress.compress([known[&(2 * parent)], known[&(2 * parent + 1)]]);
            if let Some(rows) = injected.get(level).and_then(|m| m.get(&parent)) {
                node = compress.compress([node, *rows]);
            }
            next.insert(parent, node);
        }
        levels.push(known);
        frontier = next;
    }
    if supplied.next().is_some() {
        return Err(InnerError::Shape("pruned path too long"));
    }
    let roots = cap.roots();
    if frontier.iter().any(|(i, d)| roots.get(*i) != Some(d)) {
        return Err(InnerError::Opening(
            "a Merkle path does not reach its cap".into(),
        ));
    }
    Ok(leaves
        .keys()
        .map(|&i| {
            let path: Vec<Digest> = (0..depth).map(|l| levels[l][&((i >> l) ^ 1)]).collect();
            (i, path)
        })
        .collect())
}

fn check_cap(cap: &Cap, cap_height: usize) -> Result<&Cap, InnerError> {
    if cap.roots().len() == 1 << cap_height {
        Ok(cap)
    } else {
        Err(InnerError::Shape("commitment cap size"))
    }
}

/// The verifier circuit's private inputs for an aggregation-configuration `proof` with `public`
/// values: the out-of-domain part, then the opening argument.
pub fn uni_stark_values(
    shape: &InnerShape,
    layout: &PcsLayout,
    config_seed: &[Val],
    proof: &Proof<AggregationConfig>,
    public: &[Val],
) -> Result<Vec<Ext>, InnerError> {
    use p3_uni_stark::StarkGenericConfig as _;
    let config = stark_config_with_cap(config_seed, shape.cap_height);
    let input_mmcs = val_mmcs(shape.cap_height);
    let fri = fri_parameters(ExtensionMmcs::<Val, Ext, _>::new(input_mmcs.clone()));
    let parts = ProofParts {
        challenger: config.initialise_challenger(),
        fri: &fri,
        input_mmcs: &input_mmcs,
        opening: &proof.opening_proof,
        masks: None,
    };
    proof_values(shape, layout, parts, proof, public)
}

/// What [`proof_values`] needs besides the STARK proof: the configuration's fresh challenger,
/// its FRI parameters and input commitment scheme, the FRI proof, and (hiding PCS only) the
/// random codewords' values at every opening point.
pub struct ProofParts<'a, M: Mmcs<Val>> {
    /// The configuration's challenger, pre-seeded and unused.
    pub challenger: Challenger,
    /// FRI parameters over the round commitments.
    pub fri: &'a FriParameters<ExtensionMmcs<Val, Ext, M>>,
    /// The input commitment scheme.
    pub input_mmcs: &'a M,
    /// The FRI proof.
    pub opening: &'a FriProofOf<M>,
    /// `masks[round][matrix][point]`: the random codewords' values (hiding only).
    pub masks: Option<&'a OpenedValues<Ext>>,
}

/// The verifier circuit's private inputs for `proof` (plain or hiding PCS) with `public` values,
/// checked as Plonky3 checks them: an error here means Plonky3 rejects the proof too.
pub fn proof_values<SC, M>(
    shape: &InnerShape,
    layout: &PcsLayout,
    parts: ProofParts<'_, M>,
    proof: &Proof<SC>,
    public: &[Val],
) -> Result<Vec<Ext>, InnerError>
where
    SC: StarkGenericConfig<Challenge = Ext>,
    SC::Pcs: Pcs<Ext, SC::Challenger, Commitment = Cap, Domain = TwoAdicMultiplicativeCoset<Val>>,
    M: Mmcs<Val, Commitment = Cap>,
    M::MultiProof: MultiOpening,
{
    let ProofParts {
        mut challenger,
        fri,
        input_mmcs,
        opening: pcs,
        masks,
    } = parts;
    let opened = &proof.opened_values;
    let hiding = shape.hiding.is_some();
    let codewords = shape.random_codewords();
    if proof.degree_bits != shape.committed_degree_bits()
        || public.len() != shape.num_public
        || opened.trace_local.len() != shape.width
        || opened.trace_next.as_ref().map_or(0, Vec::len)
            != if shape.opens_next { shape.width } else { 0 }
        || opened.quotient_chunks.len() != shape.num_quotient_chunks
        || opened.quotient_chunks.iter().any(|c| c.len() != EXT_DEGREE)
        || opened.preprocessed.is_some()
        || proof.commitments.random.is_some() != hiding
        || opened.random.as_ref().map(Vec::len) != hiding.then_some(EXT_DEGREE)
        || masks.is_some() != hiding
    {
        return Err(InnerError::Shape("opened values"));
    }
    let log_n = shape.committed_degree_bits();
    let trace_domain =
        TwoAdicMultiplicativeCoset::new(Val::ONE, log_n).ok_or(InnerError::Shape("degree bits"))?;
    let init_domain = TwoAdicMultiplicativeCoset::new(Val::ONE, shape.degree_bits)
        .ok_or(InnerError::Shape("degree bits"))?;
    let transcript_error =
        |e: &dyn core::fmt::Debug| InnerError::Transcript(alloc::format!("{e:?}"));

    // Challenges, with Plonky3's transcripts in `verify`'s order.
    let mut stark = StarkVerifierTranscript::<_, Val, Ext>::new(
        &mut challenger,
        StarkShape::new::<Val, _>(
            &AirWidth(shape),
            0,
            log_n,
            shape.degree_bits,
            shape.num_quotient_chunks,
            hiding,
            0,
        ),
    );
    // α only serves the constraint check, which the circuit does itself.
    let _alpha = stark
        .constraint_phase(proof.commitments.trace.clone(), None, public)
        .map_err(|e| transcript_error(&e))?;
    let zeta = stark
        .ood_phase(
            proof.commitments.quotient_chunks.clone(),
            proof.commitments.random.clone(),
            proof.ood_pow_witness,
        )
        .map_err(|e| transcript_error(&e))?;
    let zeta_next = init_domain
        .next_point(zeta)
        .ok_or(InnerError::Shape("next point"))?;
    let point = |point: Ext, values: &Vec<Ext>| PointOpening {
        point,
        values: values.clone(),
    };
    let matrix = |points: Vec<PointOpening<Ext>>| MatrixOpening {
        domain: trace_domain,
        points,
    };
    let mut claims = Vec::with_capacity(3);
    if let (Some(commitment), Some(values)) = (&proof.commitments.random, &opened.random) {
        claims.push(CommitmentOpening {
            commitment: commitment.clone(),
            matrices: alloc::vec![matrix(alloc::vec![point(zeta, values)])],
        });
    }
    let mut trace_points = alloc::vec![point(zeta, &opened.trace_local)];
    if let Some(next) = &opened.trace_next {
        trace_points.push(point(zeta_next, next));
    }
    claims.push(CommitmentOpening {
        commitment: proof.commitments.trace.clone(),
        matrices: alloc::vec![matrix(trace_points)],
    });
    claims.push(CommitmentOpening {
        commitment: proof.commitments.quotient_chunks.clone(),
        matrices: opened
            .quotient_chunks
            .iter()
            .map(|values| matrix(alloc::vec![point(zeta, values)]))
            .collect(),
    });
    // The hiding PCS extends every claimed row by the random codewords' values.
    let mut mask_values = Vec::new();
    if let Some(masks) = masks {
        if masks.len() != claims.len() {
            return Err(InnerError::Shape("random codeword openings"));
        }
        for (claim, round) in claims.iter_mut().zip(masks) {
            if round.len() != claim.matrices.len() {
                return Err(InnerError::Shape("random codeword openings"));
            }
            for (m, mask) in claim.matrices.iter_mut().zip(round) {
                if mask.len() != m.points.len() || mask.iter().any(|v| v.len() != codewords) {
                    return Err(InnerError::Shape("random codeword openings"));
                }
                for (p, values) in m.points.iter_mut().zip(mask) {
                    p.values.extend_from_slice(values);
                    mask_values.extend(ext_values(values));
                }
            }
        }
    }
    // A failing phase poisons its own driver (dropped silently); every enclosing driver is
    // finished before the error propagates, as Plonky3's verifier does.
    let challenges =
        stark.delegate(|challenger| opening_challenges(challenger, fri, layout, &claims, pcs));
    stark.finish();
    let challenges = challenges?;
    let mut values = ood_values(proof, public);
    values.extend(mask_values);
    values.extend(opening_values(
        layout,
        fri,
        input_mmcs,
        pcs,
        &claims,
        &challenges,
        shape.cap_height,
    )?);
    Ok(values)
}

/// The opening argument's challenges: batch `α`, the fold `β`s and the query indices.
pub(crate) struct OpeningChallenges {
    alpha: Ext,
    betas: Vec<Ext>,
    indices: Vec<usize>,
}

/// Plays the PCS and FRI transcripts on the challenger the STARK transcript lends.
pub(crate) fn opening_challenges<M>(
    challenger: &mut Challenger,
    fri: &FriParameters<ExtensionMmcs<Val, Ext, M>>,
    layout: &PcsLayout,
    claims: &[CommitmentOpening<Ext, Cap, TwoAdicMultiplicativeCoset<Val>>],
    pcs: &FriProofOf<M>,
) -> Result<OpeningChallenges, InnerError>
where
    M: Mmcs<Val, Commitment = Cap>,
{
    let transcript_error =
        |e: &dyn core::fmt::Debug| InnerError::Transcript(alloc::format!("{e:?}"));
    let log_max = layout.log_max_height();
    let mut pcs_transcript = PcsVerifierTranscript::<_, Val, Ext>::new(
        challenger,
        p3_fri::PcsShape::from_claims(fri, claims),
    );
    pcs_transcript
        .claimed_openings(claims)
        .map_err(|e| transcript_error(&e))?;
    let alpha = pcs_transcript
        .batch_phase(Some(pcs.batch_pow_witness))
        .map_err(|e| transcript_error(&e))?;
    let fri_challenges = pcs_transcript.delegate(|challenger| {
        let mut fri_transcript = VerifierTranscript::<_, Val, Ext>::new(
            challenger,
            FriShape::with_schedule(fri, layout.log_arities.clone(), log_max),
        );
        let betas = fri_transcript
            .commit_rounds(&pcs.commit_phase_commits, &pcs.commit_pow_witnesses)
            .map_err(|e| transcript_error(&e))?;
        let indices = fri_transcript
            .query_phase(&pcs.final_poly, Some(pcs.query_pow_witness))
            .map_err(|e| transcript_error(&e))?;
        fri_transcript.finish();
        Ok::<_, InnerError>((betas, indices))
    });
    pcs_transcript.finish();
    let (betas, indices) = fri_challenges?;
    Ok(OpeningChallenges {
        alpha,
        betas,
        indices,
    })
}

/// The opening argument as the circuit's private inputs (`PcsProofWires::allocate` order),
/// checked with p3-fri's own functions: reduced openings, fold chains, final polynomial, and
/// full Merkle paths restored from the pruned multi-openings.
pub(crate) fn opening_values<M>(
    layout: &PcsLayout,
    fri: &FriParameters<ExtensionMmcs<Val, Ext, M>>,
    input_mmcs: &M,
    pcs: &FriProofOf<M>,
    claims: &[CommitmentOpening<Ext, Cap, TwoAdicMultiplicativeCoset<Val>>],
    challenges: &OpeningChallenges,
    cap_height: usize,
) -> Result<Vec<Ext>, InnerError>
where
    M: Mmcs<Val, Commitment = Cap>,
    M::MultiProof: MultiOpening,
{
    let OpeningChallenges {
        alpha,
        betas,
        indices,
    } = challenges;
    let (alpha, indices) = (*alpha, indices.as_slice());
    let log_max = layout.log_max_height();
    // Reduced openings and the fold rows, with p3-fri's own functions.
    let reduced = open_inputs(
        fri,
        log_max,
        indices,
        &pcs.input_openings,
        alpha,
        input_mmcs,
        claims,
    )
    .map_err(|e| InnerError::Opening(alloc::format!("{e:?}")))?;
    let rounds = layout.log_arities.len();
    let mut group_indices: Vec<Vec<usize>> = alloc::vec![Vec::new(); rounds];
    let mut rows: Vec<Vec<Vec<Vec<Ext>>>> = alloc::vec![Vec::new(); rounds];
    let folding = TwoAdicFriFolding::<(), ()>(PhantomData);
    let log_final = layout.log_blowup + layout.final_poly_len.trailing_zeros() as usize;
    for (query, (&index, ro)) in indices.iter().zip(reduced).enumerate() {
        let mut domain_index = index;
        let folded = fold_query::<_, Val, Ext, _>(
            &folding,
            query,
            &mut domain_index,
            betas,
            &layout.log_arities,
            &pcs.commit_phase_openings,
            ro,
            log_max,
            log_final,
            &mut group_indices,
            &mut rows,
        )
        .map_err(|e| InnerError::Opening(alloc::format!("{e:?}")))?;
        let x = Val::two_adic_generator(log_max)
            .exp_u64(p3_util::reverse_bits_len(domain_index, log_max) as u64);
        let final_eval = pcs
            .final_poly
            .iter()
            .rev()
            .fold(Ext::ZERO, |acc, c| acc * x + *c);
        if final_eval != folded {
            return Err(InnerError::Opening(
                "the fold chain misses the final polynomial".into(),
            ));
        }
    }

    // Full paths. A leaf hashes the rows (each followed by its salt) of the batch's tallest
    // matrices; shorter matrices' rows are hashed and compressed in at their height.
    let sponge = PaddingFreeSponge::<_, 24, 12, 12>::new(default_koalabear_poseidon2_24());
    let mut input_paths = Vec::with_capacity(pcs.input_openings.len());
    for (((batch, claim), matrices), &path_cap_height) in pcs
        .input_openings
        .iter()
        .zip(claims)
        .zip(&layout.batches)
        .zip(&layout.input_cap_heights)
    {
        let heights: Vec<usize> = matrices
            .iter()
            .map(|m| m.log_size + layout.log_blowup)
            .collect();
        let top = heights.iter().copied().max().unwrap_or(0);
        let mut leaves = BTreeMap::new();
        let mut injected: Vec<BTreeMap<usize, Digest>> = alloc::vec![BTreeMap::new(); top];
        for (query, (&i, rows)) in indices.iter().zip(&batch.opened_values).enumerate() {
            let index = i >> (log_max - top);
            let mut groups: BTreeMap<usize, Vec<Val>> = BTreeMap::new();
            for (m, row) in rows.iter().enumerate() {
                let group = groups.entry(heights[m]).or_default();
                group.extend_from_slice(row);
                group.extend_from_slice(salt_of(&batch.opening_proof, query, m)?);
            }
            for (&height, group) in &groups {
                let digest = sponge.hash_iter(group.iter().copied());
                if height == top {
                    leaves.insert(index, digest);
                } else {
                    injected[top - height - 1].insert(index >> (top - height), digest);
                }
            }
        }
        let cap = check_cap(&claim.commitment, cap_height)?;
        let mut paths = restore_paths(
            &leaves,
            &injected,
            batch.opening_proof.siblings(),
            top - cap_height,
            cap,
        )?;
        // The circuit ends this batch's paths at its own cap level, below the commitment's.
        let below_cap = top - path_cap_height;
        for path in paths.values_mut() {
            path.truncate(below_cap);
        }
        input_paths.push((top, paths));
    }
    let mut round_paths = Vec::with_capacity(rounds);
    let mut log_height = log_max;
    for (round, (&log_arity, opening)) in layout
        .log_arities
        .iter()
        .zip(&pcs.commit_phase_openings)
        .enumerate()
    {
        log_height -= log_arity;
        let mut leaves = BTreeMap::new();
        for (query, (&i, row)) in group_indices[round].iter().zip(&rows[round]).enumerate() {
            let mut leaf: Vec<Val> = row
                .iter()
                .flatten()
                .flat_map(|v| coefficients(*v))
                .collect();
            leaf.extend_from_slice(salt_of(&opening.opening_proof, query, 0)?);
            leaves.insert(i, sponge.hash_iter(leaf));
        }
        let cap = check_cap(&pcs.commit_phase_commits[round], cap_height)?;
        round_paths.push(restore_paths(
            &leaves,
            &[],
            opening.opening_proof.siblings(),
            log_height - cap_height,
            cap,
        )?);
    }

    let mut values = Vec::new();
    values.push(Ext::from(pcs.batch_pow_witness));
    for commit in &pcs.commit_phase_commits {
        values.extend(base_values(
            check_cap(commit, cap_height)?.roots().as_flattened(),
        ));
    }
    values.extend(ext_values(&pcs.final_poly));
    values.push(Ext::from(pcs.query_pow_witness));
    for (query, &index) in indices.iter().enumerate() {
        for (batch, (top, paths)) in pcs.input_openings.iter().zip(&input_paths) {
            for (m, row) in batch.opened_values[query].iter().enumerate() {
                values.extend(base_values(row));
                values.extend(base_values(salt_of(&batch.opening_proof, query, m)?));
            }
            for d in &paths[&(index >> (log_max - top))] {
                values.extend(base_values(d));
            }
        }
        for (round, opening) in pcs.commit_phase_openings.iter().enumerate() {
            for row in &rows[round][query] {
                values.extend(ext_values(row));
            }
            values.extend(base_values(salt_of(&opening.opening_proof, query, 0)?));
            for d in &round_paths[round][&group_indices[round][query]] {
                values.extend(base_values(d));
            }
        }
    }
    Ok(values)
}

/// The dimensions `StarkShape::new` reads from an AIR, taken from the shape instead.
struct AirWidth<'a>(&'a InnerShape);

impl p3_air::BaseAir<Val> for AirWidth<'_> {
    fn width(&self) -> usize {
        self.0.width
    }

    fn num_public_values(&self) -> usize {
        self.0.num_public
    }

    fn num_periodic_columns(&self) -> usize {
        self.0.periodic.len()
    }

    fn periodic_columns(&self) -> alloc::borrow::Cow<'_, [Vec<Val>]> {
        alloc::borrow::Cow::Borrowed(&self.0.periodic)
    }

    fn main_next_row_columns(&self) -> alloc::vec::Vec<usize> {
        if self.0.opens_next {
            (0..self.0.width).collect()
        } else {
            Vec::new()
        }
    }
}
