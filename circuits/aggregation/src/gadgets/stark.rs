//! The first half of a uni-STARK verifier in-circuit: the transcript up to the out-of-domain
//! point and the constraint check there, exactly as `p3_uni_stark::verify` does them, for proofs
//! with the plain PCS (aggregation layers) or the hiding one (transaction proofs).
//!
//! Transcript (p3-uni-stark 0.9, `StarkVerifierTranscript`): the configuration's pre-seed (the
//! circuit digest), the domain separator's seed (a constant for a fixed shape), the trace
//! commitment, the public values, `α`, the quotient commitment, the random commitment (hiding
//! only), `ζ`. The separator's labels only drive a pattern checker, never the sponge, so the seed
//! is all of it that reaches the challenger.
//!
//! Check: with `n` the trace length and `Z_H(ζ) = ζⁿ − 1`,
//! `fold_α(constraints at ζ) = Z_H(ζ) · Σᵢ zpᵢ(ζ) · chunkᵢ(ζ)`, where `chunkᵢ` recombines the
//! quotient chunk's five base columns and `zpᵢ = Πⱼ≠ᵢ Zⱼ(ζ) / Zⱼ(firstᵢ)` over the chunk cosets.
//!
//! Zero knowledge (`HidingFriPcs`) changes the shape, not the check: the committed trace has
//! `2n` rows (`n` rows and `n` of masks), the quotient has twice the chunks, each of size `n`, and
//! a random polynomial is committed after the quotient and opened first. Selectors, periodic
//! columns and `ζ·g` stay on the `n`-point domain.

use alloc::vec::Vec;

use p3_air::symbolic::{AirLayout, SymbolicAirBuilder};
use p3_air::{Air, BaseAir};
use p3_commit::Pcs;
use p3_commit::PolynomialSpace;
use p3_field::coset::TwoAdicMultiplicativeCoset;
use p3_field::{Field, PrimeCharacteristicRing, TwoAdicField};
use p3_uni_stark::{Proof, StarkGenericConfig, StarkShape, get_log_num_quotient_chunks_for_domain};

use super::challenger::{ChallengerWires, from_base_coefficients, from_coefficients};
use super::constraints::{Constraint, ConstraintPoint, fold_constraints, symbolic_constraints};
use super::hash::{DigestWires, RATE};
use super::pcs::{ClaimWires, PcsLayout, PcsProofWires, verify_pcs};
use super::periodic::periodic_at;
use crate::circuit::{CircuitBuilder, Wire};
use crate::field::{EXT_DEGREE, Ext, Val};
use crate::inner::Recorder;

/// The zero-knowledge parameters of a hiding PCS (`HidingFriPcs` over `MerkleTreeHidingMmcs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hiding {
    /// Random codewords added to every committed matrix (and opened beside it).
    pub random_codewords: usize,
    /// Salt elements after every committed row (Merkle leaves hash `row ‖ salt`).
    pub salt_elems: usize,
}

/// What the verifier knows about the inner proof before reading it: fixed per inner circuit.
#[derive(Clone, Debug)]
pub struct InnerShape {
    /// `log2` of the trace length (before zero-knowledge padding).
    pub degree_bits: usize,
    /// Main trace width.
    pub width: usize,
    /// Number of public values.
    pub num_public: usize,
    /// Whether the AIR reads the next row.
    pub opens_next: bool,
    /// Quotient chunks.
    pub num_quotient_chunks: usize,
    /// Commitments are caps of `2^cap_height` digests.
    pub cap_height: usize,
    /// Everything the challenger absorbs before the trace commitment.
    pub transcript_prefix: Vec<Val>,
    /// The AIR's constraints, in assertion order.
    pub constraints: Vec<Constraint>,
    /// The AIR's periodic columns (each of power-of-two period).
    pub periodic: Vec<Vec<Val>>,
    /// Zero knowledge, if the inner configuration has it.
    pub hiding: Option<Hiding>,
}

impl InnerShape {
    /// The shape of proofs of `air` over `2^degree_bits` rows, in a configuration whose
    /// challenger is pre-seeded with `config_seed` and whose commitments are caps of
    /// `2^cap_height` digests.
    pub fn new<A>(air: &A, degree_bits: usize, config_seed: &[Val], cap_height: usize) -> Self
    where
        A: Air<SymbolicAirBuilder<Val>> + BaseAir<Val>,
    {
        Self::with_hiding(air, degree_bits, config_seed, cap_height, None)
    }

    /// The shape of proofs of `air` in a configuration with the hiding PCS `hiding` (or the
    /// plain one with `None`).
    pub fn with_hiding<A>(
        air: &A,
        degree_bits: usize,
        config_seed: &[Val],
        cap_height: usize,
        hiding: Option<Hiding>,
    ) -> Self
    where
        A: Air<SymbolicAirBuilder<Val>> + BaseAir<Val>,
    {
        let layout = AirLayout::from_air::<Val>(air);
        let domain = TwoAdicMultiplicativeCoset::new(Val::ONE, degree_bits)
            .unwrap_or_else(|| unreachable!("the inner trace fits KoalaBear's two-adicity"));
        let is_zk = usize::from(hiding.is_some());
        let log_chunks =
            get_log_num_quotient_chunks_for_domain::<Val, A>(air, layout, domain, is_zk);
        let num_quotient_chunks = 1 << (log_chunks + is_zk);
        let shape = StarkShape::new::<Val, A>(
            air,
            0,
            degree_bits + is_zk,
            degree_bits,
            num_quotient_chunks,
            hiding.is_some(),
            0,
        );
        let mut recorder = Recorder(config_seed.to_vec());
        shape.domain_separator::<Val, Ext>().seed(&mut recorder);
        Self {
            degree_bits,
            width: air.width(),
            num_public: air.num_public_values(),
            opens_next: !air.main_next_row_columns().is_empty(),
            num_quotient_chunks,
            cap_height,
            transcript_prefix: recorder.0,
            constraints: symbolic_constraints(air),
            periodic: air.periodic_columns().into_owned(),
            hiding,
        }
    }

    /// `log2` of the committed trace's height: doubled by zero-knowledge padding.
    pub fn committed_degree_bits(&self) -> usize {
        self.degree_bits + usize::from(self.hiding.is_some())
    }

    /// Random codewords per committed matrix (0 without zero knowledge).
    pub fn random_codewords(&self) -> usize {
        self.hiding.map_or(0, |h| h.random_codewords)
    }
}

/// The parts of an inner proof the out-of-domain check reads, as wires.
#[derive(Clone, Debug)]
pub struct OodWires {
    /// The trace commitment (its cap's digests).
    pub trace_commitment: Vec<DigestWires>,
    /// The quotient commitment.
    pub quotient_commitment: Vec<DigestWires>,
    /// The random polynomial's commitment (hiding only; empty otherwise).
    pub random_commitment: Vec<DigestWires>,
    /// Public values.
    pub public: Vec<Wire>,
    /// Trace at `ζ`.
    pub trace_local: Vec<ExtInput>,
    /// Trace at `ζ·g` (empty if the AIR never reads the next row).
    pub trace_next: Vec<ExtInput>,
    /// Each quotient chunk's five base columns at `ζ`.
    pub quotient_chunks: Vec<[ExtInput; EXT_DEGREE]>,
    /// The random polynomial's five base columns at `ζ` (hiding only; empty otherwise).
    pub random: Vec<ExtInput>,
}

/// An extension element read from the proof: its five base coefficients (what the transcript
/// absorbs) and their recombination (what the arithmetic uses).
#[derive(Clone, Copy, Debug)]
pub struct ExtInput {
    /// The element.
    pub value: Wire,
    /// Its coefficients, lowest first.
    pub coefficients: [Wire; EXT_DEGREE],
}

impl ExtInput {
    /// Five private base inputs and their recombination.
    pub fn allocate(builder: &mut CircuitBuilder) -> Self {
        let coefficients = core::array::from_fn(|_| builder.private_input());
        Self {
            value: from_base_coefficients(builder, &coefficients),
            coefficients,
        }
    }
}

/// The private-input values of an extension element, as [`ExtInput::allocate`] reads them.
pub fn ext_input_values(value: &Ext) -> [Ext; EXT_DEGREE] {
    crate::field::coefficients(*value).map(Ext::from)
}

impl OodWires {
    /// Private-input wires for every part, in the order [`ood_values`] lists their values.
    pub fn allocate(builder: &mut CircuitBuilder, shape: &InnerShape) -> Self {
        let mut cap = || -> Vec<DigestWires> {
            (0..1 << shape.cap_height)
                .map(|_| core::array::from_fn(|_| builder.private_input()))
                .collect()
        };
        let trace_commitment = cap();
        let quotient_commitment = cap();
        let random_commitment = if shape.hiding.is_some() {
            cap()
        } else {
            Vec::new()
        };
        let public = (0..shape.num_public)
            .map(|_| builder.private_input())
            .collect();
        let mut ext =
            |n: usize| -> Vec<ExtInput> { (0..n).map(|_| ExtInput::allocate(builder)).collect() };
        let trace_local = ext(shape.width);
        let trace_next = ext(if shape.opens_next { shape.width } else { 0 });
        let random_len = if shape.hiding.is_some() {
            EXT_DEGREE
        } else {
            0
        };
        let quotient_chunks = (0..shape.num_quotient_chunks)
            .map(|_| core::array::from_fn(|_| ExtInput::allocate(builder)))
            .collect();
        let random = (0..random_len)
            .map(|_| ExtInput::allocate(builder))
            .collect();
        Self {
            trace_commitment,
            quotient_commitment,
            random_commitment,
            public,
            trace_local,
            trace_next,
            quotient_chunks,
            random,
        }
    }
}

/// A commitment as the verifier reads it: a cap of digests.
pub type Cap = p3_symmetric::MerkleCap<Val, [Val; RATE]>;

/// The values of [`OodWires::allocate`]'s wires for a proof (of either PCS) and its public
/// values.
pub fn ood_values<SC>(proof: &Proof<SC>, public: &[Val]) -> Vec<Ext>
where
    SC: StarkGenericConfig<Challenge = Ext>,
    SC::Pcs: Pcs<Ext, SC::Challenger, Commitment = Cap, Domain = TwoAdicMultiplicativeCoset<Val>>,
{
    let digest = |cap: &Cap| -> Vec<Ext> {
        cap.roots()
            .iter()
            .flatten()
            .map(|v| Ext::from(*v))
            .collect()
    };
    let opened = &proof.opened_values;
    let mut values = digest(&proof.commitments.trace);
    values.extend(digest(&proof.commitments.quotient_chunks));
    values.extend(proof.commitments.random.iter().flat_map(digest));
    values.extend(public.iter().map(|v| Ext::from(*v)));
    let opened_values = opened
        .trace_local
        .iter()
        .chain(opened.trace_next.iter().flatten())
        .chain(opened.quotient_chunks.iter().flatten())
        .chain(opened.random.iter().flatten());
    values.extend(opened_values.flat_map(ext_input_values));
    values
}

/// `x^(2^k)`.
pub(crate) fn pow2k(builder: &mut CircuitBuilder, mut x: Wire, k: usize) -> Wire {
    for _ in 0..k {
        x = builder.mul(x, x);
    }
    x
}

/// Replays the transcript to `ζ` and checks the constraints there. Returns `(α, ζ)`; the PCS
/// opening argument that follows continues on the same challenger.
pub fn verify_ood(
    builder: &mut CircuitBuilder,
    challenger: &mut ChallengerWires,
    shape: &InnerShape,
    proof: &OodWires,
) -> (Wire, Wire) {
    for &c in &shape.transcript_prefix {
        let w = builder.constant_base(c);
        challenger.observe(builder, w);
    }
    challenger.observe_slice(builder, proof.trace_commitment.as_flattened());
    challenger.observe_slice(builder, &proof.public);
    let alpha = challenger.sample_ext(builder);
    challenger.observe_slice(builder, proof.quotient_commitment.as_flattened());
    challenger.observe_slice(builder, proof.random_commitment.as_flattened());
    let zeta = challenger.sample_ext(builder);

    let log_n = shape.degree_bits;
    let selectors = Selectors::at(builder, zeta, log_n);

    let values = |inputs: &[ExtInput]| -> Vec<Wire> { inputs.iter().map(|e| e.value).collect() };
    let (main_local, main_next) = (values(&proof.trace_local), values(&proof.trace_next));
    let periodic = periodic_at(builder, &shape.periodic, Val::ONE, log_n, zeta);
    let point = ConstraintPoint {
        main_local: &main_local,
        main_next: &main_next,
        preprocessed_local: &[],
        preprocessed_next: &[],
        periodic: &periodic,
        public: &proof.public,
        permutation_local: &[],
        permutation_next: &[],
        permutation_challenges: &[],
        permutation_values: &[],
        is_first_row: selectors.is_first_row,
        is_last_row: selectors.is_last_row,
        is_transition: selectors.is_transition,
    };
    let folded = fold_constraints(builder, &shape.constraints, &point, alpha);
    let quotient = recompose_quotient(
        builder,
        log_n,
        shape.num_quotient_chunks,
        zeta,
        &proof.quotient_chunks,
    );
    // folded · Z_H(ζ)⁻¹ = quotient, written without the inverse.
    let expected = builder.mul(quotient, selectors.z_h);
    builder.connect(folded, expected);
    (alpha, zeta)
}

/// The selectors of the trace domain `H = <g>`, `|H| = 2^log_n`, at a point.
pub(crate) struct Selectors {
    /// `Z_H(ζ) = ζⁿ − 1`.
    pub(crate) z_h: Wire,
    pub(crate) is_first_row: Wire,
    pub(crate) is_last_row: Wire,
    pub(crate) is_transition: Wire,
}

impl Selectors {
    pub(crate) fn at(builder: &mut CircuitBuilder, zeta: Wire, log_n: usize) -> Self {
        let one = builder.one();
        let zeta_n = pow2k(builder, zeta, log_n);
        let z_h = builder.sub(zeta_n, one);
        let zeta_minus_one = builder.sub(zeta, one);
        let is_first_row = builder.div(z_h, zeta_minus_one);
        let g_inv = builder.constant_base(Val::two_adic_generator(log_n).inverse());
        let is_transition = builder.sub(zeta, g_inv);
        let is_last_row = builder.div(z_h, is_transition);
        Self {
            z_h,
            is_first_row,
            is_last_row,
            is_transition,
        }
    }
}

/// `Σᵢ zpᵢ(ζ) · chunkᵢ(ζ)` over the cosets of `num_chunks` quotient chunks of a trace of
/// `2^log_n` rows (as `recompose_quotient_from_chunks`).
pub(crate) fn recompose_quotient(
    builder: &mut CircuitBuilder,
    log_n: usize,
    num_chunks: usize,
    zeta: Wire,
    chunks: &[[ExtInput; EXT_DEGREE]],
) -> Wire {
    let trace = TwoAdicMultiplicativeCoset::new(Val::ONE, log_n)
        .unwrap_or_else(|| unreachable!("inner traces fit KoalaBear's two-adicity"));
    let domains = trace
        .create_disjoint_domain(num_chunks << log_n)
        .split_domains(num_chunks);
    let one = builder.one();
    // Z_j(ζ) = (ζ / shift_j)^n − 1 for every chunk coset j.
    let vanishing: Vec<Wire> = domains
        .iter()
        .map(|d| {
            let shift_inv = builder.constant_base(d.shift_inverse());
            let unshifted = builder.mul(zeta, shift_inv);
            let power = pow2k(builder, unshifted, d.log_size());
            builder.sub(power, one)
        })
        .collect();
    let mut quotient = builder.zero();
    for (i, (domain, chunk)) in domains.iter().zip(chunks).enumerate() {
        let mut zp = one;
        let mut denominator = Val::ONE;
        for (j, other) in domains.iter().enumerate() {
            if j != i {
                zp = builder.mul(zp, vanishing[j]);
                denominator *= other.vanishing_poly_at_point(domain.first_point());
            }
        }
        let scale = builder.constant_base(denominator.inverse());
        let zp = builder.mul(zp, scale);
        let value = from_coefficients(builder, &chunk.map(|c| c.value));
        quotient = builder.mul_add(zp, value, quotient);
    }
    quotient
}

/// A whole uni-STARK proof as the verifier circuit's private inputs.
#[derive(Clone, Debug)]
pub struct UniStarkWires {
    /// What the out-of-domain check reads.
    pub ood: OodWires,
    /// The random codewords' values at every opening point, in claim order (hiding only).
    pub masks: Vec<Vec<ExtInput>>,
    /// The opening argument.
    pub pcs: PcsProofWires,
}

/// The opening points of a proof of `shape`, in the order Plonky3 claims them: the random
/// polynomial at `ζ` (hiding only), the trace at `ζ` (and `ζ·g`), each quotient chunk at `ζ`.
pub fn opening_point_count(shape: &InnerShape) -> usize {
    usize::from(shape.hiding.is_some())
        + 1
        + usize::from(shape.opens_next)
        + shape.num_quotient_chunks
}

/// The full verifier of one inner proof: the out-of-domain check, then the opening argument for
/// the random polynomial (hiding only), the trace at `ζ` (and `ζ·g`) and the quotient chunks at
/// `ζ`. With the hiding PCS every claimed row is extended by the random codewords' values, as
/// `HidingFriPcs::verify` does. Private inputs are allocated in the order
/// `inner::uni_stark_values` lays them out.
pub fn verify_uni_stark(
    builder: &mut CircuitBuilder,
    shape: &InnerShape,
    layout: &PcsLayout,
) -> UniStarkWires {
    let ood = OodWires::allocate(builder, shape);
    let masks: Vec<Vec<ExtInput>> = (0..opening_point_count(shape))
        .map(|_| {
            (0..shape.random_codewords())
                .map(|_| ExtInput::allocate(builder))
                .collect()
        })
        .collect();
    let pcs = PcsProofWires::allocate(builder, layout);
    let mut challenger = ChallengerWires::new(builder);
    let (_, zeta) = verify_ood(builder, &mut challenger, shape, &ood);
    let g = builder.constant_base(Val::two_adic_generator(shape.degree_bits));
    let zeta_next = builder.mul(zeta, g);

    let mut masks_iter = masks.iter();
    let mut claim = |values: &[ExtInput]| -> Vec<ExtInput> {
        let mut values = values.to_vec();
        let Some(mask) = masks_iter.next() else {
            unreachable!("one mask list per opening point")
        };
        values.extend_from_slice(mask);
        values
    };
    let mut claims = Vec::with_capacity(3);
    if shape.hiding.is_some() {
        claims.push(ClaimWires {
            commitment: ood.random_commitment.clone(),
            matrices: alloc::vec![alloc::vec![(zeta, claim(&ood.random))]],
        });
    }
    let mut trace_points = alloc::vec![(zeta, claim(&ood.trace_local))];
    if shape.opens_next {
        trace_points.push((zeta_next, claim(&ood.trace_next)));
    }
    claims.push(ClaimWires {
        commitment: ood.trace_commitment.clone(),
        matrices: alloc::vec![trace_points],
    });
    claims.push(ClaimWires {
        commitment: ood.quotient_commitment.clone(),
        matrices: ood
            .quotient_chunks
            .iter()
            .map(|chunk| alloc::vec![(zeta, claim(chunk))])
            .collect(),
    });
    verify_pcs(builder, &mut challenger, layout, &claims, &pcs);
    UniStarkWires { ood, masks, pcs }
}
