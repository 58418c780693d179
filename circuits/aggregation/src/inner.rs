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
use p3_commit::{CommitmentOpening, MatrixOpening, PointOpening, PolynomialSpace};
use p3_field::coset::TwoAdicMultiplicativeCoset;
use p3_field::{PrimeCharacteristicRing, TwoAdicField};
use p3_fri::verifier::{fold_query, open_inputs};
use p3_fri::{
    FriShape, PcsVerifierTranscript, TwoAdicFriFolding, VerifierTranscript, fold_schedule,
};
use p3_koala_bear::default_koalabear_poseidon2_24;
use p3_symmetric::{
    CryptographicHasher, MerkleCap, PaddingFreeSponge, PseudoCompressionFunction,
    TruncatedPermutation,
};
use p3_uni_stark::{Proof, StarkGenericConfig, StarkShape, StarkVerifierTranscript};

use crate::config::{
    AggregationConfig, BATCH_POW_BITS, LOG_BLOWUP, LOG_FINAL_POLY_LEN, MAX_LOG_ARITY,
    fri_parameters, stark_config_with_cap, val_mmcs,
};
use crate::field::{EXT_DEGREE, Ext, Val, coefficients};
use crate::gadgets::pcs::{MatrixShape, PcsLayout};
use crate::gadgets::stark::{InnerShape, ext_input_values, ood_values};

type Digest = [Val; 12];
type Cap = MerkleCap<Val, Digest>;

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
    let fri = fri_parameters(());
    let log_n = shape.degree_bits;
    let trace_points = if shape.opens_next { 2 } else { 1 };
    let batches = alloc::vec![
        alloc::vec![MatrixShape {
            log_size: log_n,
            width: shape.width
        }],
        alloc::vec![MatrixShape { log_size: log_n, width: EXT_DEGREE }; shape.num_quotient_chunks],
    ];
    let pcs_shape = p3_fri::PcsShape {
        claimed_evaluation_counts: alloc::vec![
            alloc::vec![alloc::vec![shape.width; trace_points]],
            alloc::vec![alloc::vec![EXT_DEGREE]; shape.num_quotient_chunks],
        ],
        batch_pow_bits: BATCH_POW_BITS,
    };
    let mut pcs_seed = Recorder(Vec::new());
    pcs_shape.domain_separator::<Val, Ext>().seed(&mut pcs_seed);
    let log_max = log_n + LOG_BLOWUP;
    let log_arities = fold_schedule(&[log_max], LOG_BLOWUP + LOG_FINAL_POLY_LEN, MAX_LOG_ARITY);
    let fri_shape = FriShape::with_schedule(&fri, log_arities.clone(), log_max);
    let mut fri_seed = Recorder(Vec::new());
    fri_shape.domain_separator::<Val, Ext>().seed(&mut fri_seed);
    PcsLayout {
        pcs_seed: pcs_seed.0,
        fri_seed: fri_seed.0,
        log_blowup: LOG_BLOWUP,
        cap_height: shape.cap_height,
        num_queries: fri.num_queries,
        batch_pow_bits: fri.batch_proof_of_work_bits,
        query_pow_bits: fri.query_proof_of_work_bits,
        log_arities,
        final_poly_len: fri.final_poly_len(),
        batches,
    }
}

fn ext_values(values: &[Ext]) -> impl Iterator<Item = Ext> + '_ {
    values.iter().flat_map(ext_input_values)
}

fn base_values(values: &[Val]) -> impl Iterator<Item = Ext> + '_ {
    values.iter().map(|v| Ext::from(*v))
}

/// Full authentication paths (lowest sibling first) for `leaves` of a binary tree whose `depth`
/// levels end at `cap`, from a pruned multi-opening: the frontier walk of p3-merkle-tree,
/// computing the nodes the proof leaves out.
fn restore_paths(
    leaves: &BTreeMap<usize, Digest>,
    supplied: &[Digest],
    depth: usize,
    cap: &Cap,
) -> Result<BTreeMap<usize, Vec<Digest>>, InnerError> {
    let compress = TruncatedPermutation::<_, 2, 12, 24>::new(default_koalabear_poseidon2_24());
    let mut supplied = supplied.iter();
    let mut levels: Vec<BTreeMap<usize, Digest>> = Vec::with_capacity(depth);
    let mut frontier = leaves.clone();
    for _ in 0..depth {
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
            let node = compress.compress([known[&(2 * parent)], known[&(2 * parent + 1)]]);
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
            let path = (0..depth).map(|l| levels[l][&((i >> l) ^ 1)]).collect();
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

/// The verifier circuit's private inputs for `proof` with `public` values: the out-of-domain
/// part, then the opening argument.
pub fn uni_stark_values(
    shape: &InnerShape,
    layout: &PcsLayout,
    config_seed: &[Val],
    proof: &Proof<AggregationConfig>,
    public: &[Val],
) -> Result<Vec<Ext>, InnerError> {
    let opened = &proof.opened_values;
    if proof.degree_bits != shape.degree_bits
        || public.len() != shape.num_public
        || opened.trace_local.len() != shape.width
        || opened.trace_next.as_ref().map_or(0, Vec::len)
            != if shape.opens_next { shape.width } else { 0 }
        || opened.quotient_chunks.len() != shape.num_quotient_chunks
        || opened.quotient_chunks.iter().any(|c| c.len() != EXT_DEGREE)
        || opened.preprocessed.is_some()
        || proof.commitments.random.is_some()
    {
        return Err(InnerError::Shape("opened values"));
    }
    let config = stark_config_with_cap(config_seed, shape.cap_height);
    let input_mmcs = val_mmcs(shape.cap_height);
    let fri = fri_parameters(p3_commit::ExtensionMmcs::<Val, Ext, _>::new(
        input_mmcs.clone(),
    ));
    let pcs = &proof.opening_proof;
    let log_n = shape.degree_bits;
    let log_max = log_n + LOG_BLOWUP;
    let trace_domain =
        TwoAdicMultiplicativeCoset::new(Val::ONE, log_n).ok_or(InnerError::Shape("degree bits"))?;
    let transcript_error =
        |e: &dyn core::fmt::Debug| InnerError::Transcript(alloc::format!("{e:?}"));

    // Challenges, with Plonky3's transcripts in `verify`'s order.
    let mut challenger = config.initialise_challenger();
    let mut stark = StarkVerifierTranscript::<_, Val, Ext>::new(
        &mut challenger,
        StarkShape::new::<Val, _>(
            &AirWidth(shape),
            0,
            log_n,
            log_n,
            shape.num_quotient_chunks,
            false,
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
            None,
            proof.ood_pow_witness,
        )
        .map_err(|e| transcript_error(&e))?;
    let zeta_next = trace_domain
        .next_point(zeta)
        .ok_or(InnerError::Shape("next point"))?;
    let mut trace_points = alloc::vec![PointOpening {
        point: zeta,
        values: opened.trace_local.clone(),
    }];
    if let Some(next) = &opened.trace_next {
        trace_points.push(PointOpening {
            point: zeta_next,
            values: next.clone(),
        });
    }
    let claims = alloc::vec![
        CommitmentOpening {
            commitment: proof.commitments.trace.clone(),
            matrices: alloc::vec![MatrixOpening {
                domain: trace_domain,
                points: trace_points,
            }],
        },
        CommitmentOpening {
            commitment: proof.commitments.quotient_chunks.clone(),
            matrices: opened
                .quotient_chunks
                .iter()
                .map(|values| MatrixOpening {
                    domain: trace_domain,
                    points: alloc::vec![PointOpening {
                        point: zeta,
                        values: values.clone(),
                    }],
                })
                .collect(),
        },
    ];
    let (alpha, betas, indices) = stark.delegate(|challenger| {
        let mut pcs_transcript = PcsVerifierTranscript::<_, Val, Ext>::new(
            challenger,
            p3_fri::PcsShape::from_claims(&fri, &claims),
        );
        pcs_transcript
            .claimed_openings(&claims)
            .map_err(|e| transcript_error(&e))?;
        let alpha = pcs_transcript
            .batch_phase(Some(pcs.batch_pow_witness))
            .map_err(|e| transcript_error(&e))?;
        let (betas, indices) = pcs_transcript.delegate(|challenger| {
            let mut fri_transcript = VerifierTranscript::<_, Val, Ext>::new(
                challenger,
                FriShape::with_schedule(&fri, layout.log_arities.clone(), log_max),
            );
            let betas = fri_transcript
                .commit_rounds(&pcs.commit_phase_commits, &pcs.commit_pow_witnesses)
                .map_err(|e| transcript_error(&e))?;
            let indices = fri_transcript
                .query_phase(&pcs.final_poly, Some(pcs.query_pow_witness))
                .map_err(|e| transcript_error(&e))?;
            fri_transcript.finish();
            Ok::<_, InnerError>((betas, indices))
        })?;
        pcs_transcript.finish();
        Ok::<_, InnerError>((alpha, betas, indices))
    })?;
    stark.finish();

    // Reduced openings and the fold rows, with p3-fri's own functions.
    let reduced = open_inputs(
        &fri,
        log_max,
        &indices,
        &pcs.input_openings,
        alpha,
        &input_mmcs,
        &claims,
    )
    .map_err(|e| InnerError::Opening(alloc::format!("{e:?}")))?;
    let rounds = layout.log_arities.len();
    let mut group_indices: Vec<Vec<usize>> = alloc::vec![Vec::new(); rounds];
    let mut rows: Vec<Vec<Vec<Vec<Ext>>>> = alloc::vec![Vec::new(); rounds];
    let folding = TwoAdicFriFolding::<(), ()>(PhantomData);
    for (query, (&index, ro)) in indices.iter().zip(reduced).enumerate() {
        let mut domain_index = index;
        let folded = fold_query::<_, Val, Ext, _>(
            &folding,
            query,
            &mut domain_index,
            &betas,
            &layout.log_arities,
            &pcs.commit_phase_openings,
            ro,
            log_max,
            LOG_BLOWUP + LOG_FINAL_POLY_LEN,
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

    // Full paths.
    let sponge = PaddingFreeSponge::<_, 24, 12, 12>::new(default_koalabear_poseidon2_24());
    let mut input_paths = Vec::with_capacity(pcs.input_openings.len());
    for (batch, claim) in pcs.input_openings.iter().zip(&claims) {
        let leaves: BTreeMap<usize, Digest> = indices
            .iter()
            .zip(&batch.opened_values)
            .map(|(&i, rows)| (i, sponge.hash_iter(rows.iter().flatten().copied())))
            .collect();
        let cap = check_cap(&claim.commitment, shape.cap_height)?;
        input_paths.push(restore_paths(
            &leaves,
            &batch.opening_proof.sibling_hashes,
            log_max - shape.cap_height,
            cap,
        )?);
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
        let leaves: BTreeMap<usize, Digest> = group_indices[round]
            .iter()
            .zip(&rows[round])
            .map(|(&i, row)| {
                let flat = row.iter().flatten().flat_map(|v| coefficients(*v));
                (i, sponge.hash_iter(flat))
            })
            .collect();
        let cap = check_cap(&pcs.commit_phase_commits[round], shape.cap_height)?;
        round_paths.push(restore_paths(
            &leaves,
            &opening.opening_proof.sibling_hashes,
            log_height - shape.cap_height,
            cap,
        )?);
    }

    // Layout, in `OodWires::allocate` then `PcsProofWires::allocate` order.
    let mut values = ood_values(proof, public);
    values.push(Ext::from(pcs.batch_pow_witness));
    for commit in &pcs.commit_phase_commits {
        values.extend(base_values(
            check_cap(commit, shape.cap_height)?.roots().as_flattened(),
        ));
    }
    values.extend(ext_values(&pcs.final_poly));
    values.push(Ext::from(pcs.query_pow_witness));
    for (query, &index) in indices.iter().enumerate() {
        for (batch, paths) in pcs.input_openings.iter().zip(&input_paths) {
            for row in &batch.opened_values[query] {
                values.extend(base_values(row));
            }
            for d in &paths[&index] {
                values.extend(base_values(d));
            }
        }
        for round in 0..rounds {
            for row in &rows[round][query] {
                values.extend(ext_values(row));
            }
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

    fn main_next_row_columns(&self) -> alloc::vec::Vec<usize> {
        if self.0.opens_next {
            (0..self.0.width).collect()
        } else {
            Vec::new()
        }
    }
}
