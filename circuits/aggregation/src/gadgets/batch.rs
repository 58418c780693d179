//! The out-of-domain half of a batch-STARK verifier in-circuit, for proofs of an aggregation
//! circuit (`p3_batch_stark::verify_batch` over the circuit's tables; plain PCS): the batch
//! transcript up to `ζ`, every table's constraints and LogUp constraints at `ζ`, and the LogUp
//! terminals' zero sum. This is what a recursive 2-to-1 node (M3) checks of each child proof
//! before the opening argument.
//!
//! Transcript (p3-batch-stark 0.9, `BatchVerifierTranscript`), continuing the configuration's
//! pre-seed (the circuit digest) and the batch domain separator's seed:
//! 1. every table's `degree_bits`, as an extension element;
//! 2. the main commitment; every table's public values;
//! 3. the preprocessed commitment (a constant: part of the verifying key);
//! 4. the lookup proof of work, then the lookup challenges `α_L`, `β`;
//! 5. the permutation commitment; every table's LogUp terminal;
//! 6. the constraint challenge `α`; the quotient commitment; `ζ`.
//!
//! Lookup challenges per table, as `lay_out_lookup_challenges` lays them out: per lookup
//! `[prefix(bus), β]` with `prefix(b) = α_L + (b + 1) · β^w` (`w` the widest message).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use p3_air::BaseAir;
use p3_air::symbolic::AirLayout;
use p3_batch_stark::{BatchProof, BatchShape};
use p3_field::coset::TwoAdicMultiplicativeCoset;
use p3_field::{PrimeCharacteristicRing, TwoAdicField};
use p3_lookup::logup::LogUpGadget;
use p3_lookup::{Kind, Lookup};

use super::challenger::{ChallengerWires, from_coefficients};
use super::constraints::{Constraint, ConstraintPoint, fold_constraints, lookup_constraints};
use super::hash::DigestWires;
use super::pcs::{ClaimWires, PcsLayout, PcsProofWires, verify_pcs};
use super::stark::{Cap, ExtInput, Selectors, ext_input_values, recompose_quotient};
use crate::circuit::{CircuitBuilder, Wire};
use crate::config::{AggregationConfig, LOOKUP_POW_BITS};
use crate::field::{EXT_DEGREE, Ext, Val};
use crate::inner::{InnerError, Recorder};
use crate::proof::CircuitKey;

/// What the verifier knows of one table before reading a proof.
#[derive(Clone, Debug)]
pub struct TableShape {
    /// `log2` of the table's height.
    pub degree_bits: usize,
    /// Main columns.
    pub width: usize,
    /// Preprocessed columns.
    pub preprocessed_width: usize,
    /// Whether the main trace is opened at `ζ·g`.
    pub opens_next: bool,
    /// Whether the preprocessed trace is opened at `ζ·g`.
    pub preprocessed_opens_next: bool,
    /// Public values.
    pub num_public: usize,
    /// The bus index of each lookup.
    pub buses: Vec<usize>,
    /// Quotient chunks.
    pub num_quotient_chunks: usize,
    /// The table's constraints and its LogUp constraints, in emission order.
    pub constraints: Vec<Constraint>,
}

impl TableShape {
    /// Permutation-trace columns (extension elements): one per lookup and the running sum.
    pub fn permutation_width(&self) -> usize {
        if self.buses.is_empty() {
            0
        } else {
            self.buses.len() + 1
        }
    }
}

/// What the verifier knows of every proof of one aggregation circuit.
#[derive(Clone, Debug)]
pub struct BatchInnerShape {
    /// The tables, in proof order.
    pub tables: Vec<TableShape>,
    /// Commitments are caps of `2^cap_height` digests.
    pub cap_height: usize,
    /// What the challenger absorbs before the main commitment: the pre-seed, the domain
    /// separator's seed and the tables' heights.
    pub transcript_prefix: Vec<Val>,
    /// The preprocessed commitment's digests (absorbed by the transcript).
    pub preprocessed_commitment: Vec<[Val; 12]>,
    /// The preprocessed tree's digests at `PREPROCESSED_PATH_CAP_HEIGHT`, where its paths end.
    pub preprocessed_path_cap: Vec<[Val; 12]>,
    /// Proof-of-work bits before the lookup challenges.
    pub lookup_pow_bits: usize,
    /// The widest lookup message.
    pub max_message_width: usize,
    /// Plonky3's description of the batch transcript.
    pub batch_shape: BatchShape,
}

impl BatchInnerShape {
    /// The shape of proofs made with `key`.
    ///
    /// # Panics
    /// If `key`'s proofs are not in the [`AGGREGATION`](crate::config::AGGREGATION) setting,
    /// the only one the in-circuit opening argument replays.
    pub fn new(key: &CircuitKey) -> Self {
        assert_eq!(
            key.setting(),
            crate::config::AGGREGATION,
            "in-circuit verifiers read aggregation-setting proofs only"
        );
        let lookups = key.lookups();
        let (buses, max_message_width) = bus_layout(&lookups);
        let gadget = LogUpGadget::new();
        let tables: Vec<TableShape> = key
            .tables()
            .iter()
            .zip(&lookups)
            .zip(buses)
            .zip(key.log_heights())
            .map(|(((table, lookups), buses), &degree_bits)| {
                let layout = AirLayout::from_air::<Val>(table);
                let domain = TwoAdicMultiplicativeCoset::new(Val::ONE, degree_bits)
                    .unwrap_or_else(|| unreachable!("tables fit KoalaBear's two-adicity"));
                let log_chunks = p3_batch_stark::symbolic::get_log_num_quotient_chunks_for_domain::<
                    Val,
                    Ext,
                    _,
                    _,
                >(table, layout, domain, lookups, 0, &gadget);
                TableShape {
                    degree_bits,
                    width: BaseAir::<Val>::width(table),
                    preprocessed_width: BaseAir::<Val>::preprocessed_width(table),
                    opens_next: !BaseAir::<Val>::main_next_row_columns(table).is_empty(),
                    preprocessed_opens_next: !BaseAir::<Val>::preprocessed_next_row_columns(table)
                        .is_empty(),
                    num_public: BaseAir::<Val>::num_public_values(table),
                    buses,
                    num_quotient_chunks: 1 << log_chunks,
                    constraints: lookup_constraints(table, lookups),
                }
            })
            .collect();
        let preprocessed_commitment = key
            .preprocessed_commitment()
            .map(|c| c.roots().to_vec())
            .unwrap_or_default();
        let preprocessed_path_cap = key
            .preprocessed_path_cap()
            .map(|c| c.roots().to_vec())
            .unwrap_or_default();
        let batch_shape = BatchShape {
            trace_widths: tables.iter().map(|t| t.width).collect(),
            public_value_counts: tables.iter().map(|t| t.num_public).collect(),
            preprocessed_widths: tables.iter().map(|t| t.preprocessed_width).collect(),
            has_preprocessed_commitment: !preprocessed_commitment.is_empty(),
            num_lookup_instances: tables.iter().filter(|t| !t.buses.is_empty()).count(),
            lookup_pow_bits: LOOKUP_POW_BITS,
            has_randomization_commitment: false,
            ood_pow_bits: 0,
        };
        let mut recorder = Recorder(key.config_seed().to_vec());
        batch_shape
            .domain_separator::<Val, Ext>()
            .seed(&mut recorder);
        for t in &tables {
            recorder.0.push(Val::from_usize(t.degree_bits));
            recorder.0.extend([Val::ZERO; EXT_DEGREE - 1]);
        }
        Self {
            tables,
            cap_height: key.setting().cap_height,
            transcript_prefix: recorder.0,
            preprocessed_commitment,
            preprocessed_path_cap,
            lookup_pow_bits: LOOKUP_POW_BITS,
            max_message_width,
            batch_shape,
        }
    }

    pub(crate) fn has_lookups(&self) -> bool {
        self.tables.iter().any(|t| !t.buses.is_empty())
    }
}

/// Bus indices per table per lookup, and the widest message, as `lay_out_lookup_challenges`
/// assigns them: global buses by name in order of first use, each local lookup a fresh one.
fn bus_layout(lookups: &[&[Lookup<Val>]]) -> (Vec<Vec<usize>>, usize) {
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    let mut next = 0usize;
    let mut widest = 1usize;
    let buses = lookups
        .iter()
        .map(|table| {
            table
                .iter()
                .map(|lookup| {
                    widest = widest.max(lookup.elements.first().map_or(0, Vec::len));
                    match &lookup.kind {
                        Kind::Global(name) => *names.entry(name.as_str()).or_insert_with(|| {
                            next += 1;
                            next - 1
                        }),
                        Kind::Local => {
                            next += 1;
                            next - 1
                        }
                    }
                })
                .collect()
        })
        .collect();
    (buses, widest)
}

/// One table's opened values, as wires.
#[derive(Clone, Debug)]
pub struct TableOodWires {
    /// Public values.
    pub public: Vec<Wire>,
    /// Main trace at `ζ`.
    pub trace_local: Vec<ExtInput>,
    /// Main trace at `ζ·g` (empty if not opened there).
    pub trace_next: Vec<ExtInput>,
    /// Preprocessed trace at `ζ`.
    pub preprocessed_local: Vec<ExtInput>,
    /// Preprocessed trace at `ζ·g`.
    pub preprocessed_next: Vec<ExtInput>,
    /// Permutation trace at `ζ`, as its base columns (five per extension column).
    pub permutation_local: Vec<ExtInput>,
    /// Permutation trace at `ζ·g`.
    pub permutation_next: Vec<ExtInput>,
    /// Quotient chunks at `ζ`.
    pub quotient_chunks: Vec<[ExtInput; EXT_DEGREE]>,
    /// The LogUp terminal (tables with lookups).
    pub terminal: Option<ExtInput>,
}

/// The parts of a batch proof the out-of-domain check reads, as wires.
#[derive(Clone, Debug)]
pub struct BatchOodWires {
    /// The main commitment.
    pub main_commitment: Vec<DigestWires>,
    /// The permutation commitment (empty without lookups).
    pub permutation_commitment: Vec<DigestWires>,
    /// The quotient commitment.
    pub quotient_commitment: Vec<DigestWires>,
    /// The lookup proof-of-work witness.
    pub lookup_pow: Wire,
    /// Per table.
    pub tables: Vec<TableOodWires>,
}

impl BatchOodWires {
    /// Private inputs in the order [`batch_ood_values`] lays them out.
    pub fn allocate(builder: &mut CircuitBuilder, shape: &BatchInnerShape) -> Self {
        let cap = |builder: &mut CircuitBuilder| -> Vec<DigestWires> {
            (0..1 << shape.cap_height)
                .map(|_| core::array::from_fn(|_| builder.private_input()))
                .collect()
        };
        let main_commitment = cap(builder);
        let permutation_commitment = if shape.has_lookups() {
            cap(builder)
        } else {
            Vec::new()
        };
        let quotient_commitment = cap(builder);
        let lookup_pow = builder.private_input();
        let ext = |builder: &mut CircuitBuilder, n: usize| -> Vec<ExtInput> {
            (0..n).map(|_| ExtInput::allocate(builder)).collect()
        };
        let tables = shape
            .tables
            .iter()
            .map(|t| {
                let public = (0..t.num_public).map(|_| builder.private_input()).collect();
                let trace_local = ext(builder, t.width);
                let trace_next = ext(builder, if t.opens_next { t.width } else { 0 });
                let preprocessed_local = ext(builder, t.preprocessed_width);
                let next = if t.preprocessed_opens_next {
                    t.preprocessed_width
                } else {
                    0
                };
                let preprocessed_next = ext(builder, next);
                let permutation_local = ext(builder, t.permutation_width() * EXT_DEGREE);
                let permutation_next = ext(builder, t.permutation_width() * EXT_DEGREE);
                let quotient_chunks = (0..t.num_quotient_chunks)
                    .map(|_| core::array::from_fn(|_| ExtInput::allocate(builder)))
                    .collect();
                let terminal = (!t.buses.is_empty()).then(|| ExtInput::allocate(builder));
                TableOodWires {
                    public,
                    trace_local,
                    trace_next,
                    preprocessed_local,
                    preprocessed_next,
                    permutation_local,
                    permutation_next,
                    quotient_chunks,
                    terminal,
                }
            })
            .collect();
        Self {
            main_commitment,
            permutation_commitment,
            quotient_commitment,
            lookup_pow,
            tables,
        }
    }
}

/// The values of [`BatchOodWires::allocate`]'s wires for `proof` with per-table public values,
/// after checking the proof has the shape (a proof of another shape is refused, as Plonky3
/// refuses it).
pub fn batch_ood_values(
    shape: &BatchInnerShape,
    proof: &BatchProof<AggregationConfig>,
    public_values: &[Vec<Val>],
) -> Result<Vec<Ext>, InnerError> {
    let bad = |what: &'static str| InnerError::Shape(what);
    let instances = &proof.opened_values.instances;
    if instances.len() != shape.tables.len()
        || public_values.len() != shape.tables.len()
        || proof.degree_bits.len() != shape.tables.len()
        || proof.lookup_terminals.len() != shape.tables.len()
        || proof.commitments.random.is_some()
        || proof.commitments.permutation.is_some() != shape.has_lookups()
        || proof.lookup_pow_witness.is_some() != shape.has_lookups()
        || proof.ood_pow_witness != Val::ZERO
    {
        return Err(bad("batch proof"));
    }
    let cap = |c: &Cap| -> Result<Vec<Ext>, InnerError> {
        if c.roots().len() != 1 << shape.cap_height {
            return Err(bad("commitment cap size"));
        }
        Ok(c.roots().iter().flatten().map(|v| Ext::from(*v)).collect())
    };
    let mut values = cap(&proof.commitments.main)?;
    if let Some(permutation) = &proof.commitments.permutation {
        values.extend(cap(permutation)?);
    }
    values.extend(cap(&proof.commitments.quotient_chunks)?);
    values.push(Ext::from(proof.lookup_pow_witness.unwrap_or(Val::ZERO)));
    let ext = |values: &mut Vec<Ext>, opened: &[Ext], n: usize| -> Result<(), InnerError> {
        if opened.len() != n {
            return Err(bad("opened values"));
        }
        values.extend(opened.iter().flat_map(ext_input_values));
        Ok(())
    };
    for ((((t, opened), public), &bits), terminal) in shape
        .tables
        .iter()
        .zip(instances)
        .zip(public_values)
        .zip(&proof.degree_bits)
        .zip(&proof.lookup_terminals)
    {
        let base = &opened.base_opened_values;
        if bits != t.degree_bits
            || public.len() != t.num_public
            || base.random.is_some()
            || base.trace_next.is_some() != t.opens_next
            || base.quotient_chunks.len() != t.num_quotient_chunks
            || terminal.is_some() == t.buses.is_empty()
        {
            return Err(bad("table"));
        }
        values.extend(public.iter().map(|v| Ext::from(*v)));
        ext(&mut values, &base.trace_local, t.width)?;
        if let Some(next) = &base.trace_next {
            ext(&mut values, next, t.width)?;
        }
        let (pre_local, pre_next) = match &base.preprocessed {
            Some(p) => (p.local.as_slice(), p.next.as_deref()),
            None => (&[][..], None),
        };
        if pre_next.is_some() != t.preprocessed_opens_next {
            return Err(bad("preprocessed values"));
        }
        ext(&mut values, pre_local, t.preprocessed_width)?;
        if let Some(next) = pre_next {
            ext(&mut values, next, t.preprocessed_width)?;
        }
        let perm = t.permutation_width() * EXT_DEGREE;
        ext(&mut values, &opened.permutation_local, perm)?;
        ext(&mut values, &opened.permutation_next, perm)?;
        for chunk in &base.quotient_chunks {
            ext(&mut values, chunk, EXT_DEGREE)?;
        }
        if let Some(terminal) = terminal {
            values.extend(ext_input_values(&terminal.0));
        }
    }
    Ok(values)
}

/// Extension columns from their base columns' values (`from_ext_basis_coefficients`).
fn recombine(builder: &mut CircuitBuilder, flat: &[ExtInput]) -> Vec<Wire> {
    flat.chunks_exact(EXT_DEGREE)
        .map(|chunk| {
            let coefficients: [Wire; EXT_DEGREE] = core::array::from_fn(|k| chunk[k].value);
            from_coefficients(builder, &coefficients)
        })
        .collect()
}

/// Replays the batch transcript to `ζ`, checks every table's constraints there and the LogUp
/// terminals' zero sum. Returns `ζ`; the opening argument continues on the same challenger.
pub fn verify_batch_ood(
    builder: &mut CircuitBuilder,
    challenger: &mut ChallengerWires,
    shape: &BatchInnerShape,
    proof: &BatchOodWires,
) -> Wire {
    for &c in &shape.transcript_prefix {
        let w = builder.constant_base(c);
        challenger.observe(builder, w);
    }
    challenger.observe_slice(builder, proof.main_commitment.as_flattened());
    for t in &proof.tables {
        challenger.observe_slice(builder, &t.public);
    }
    for &c in shape.preprocessed_commitment.as_flattened() {
        let w = builder.constant_base(c);
        challenger.observe(builder, w);
    }
    let lookup = shape.has_lookups().then(|| {
        challenger.check_pow(builder, shape.lookup_pow_bits, proof.lookup_pow);
        let alpha = challenger.sample_ext(builder);
        let beta = challenger.sample_ext(builder);
        (alpha, beta)
    });
    challenger.observe_slice(builder, proof.permutation_commitment.as_flattened());
    for terminal in proof.tables.iter().filter_map(|t| t.terminal.as_ref()) {
        challenger.observe_slice(builder, &terminal.coefficients);
    }
    let alpha = challenger.sample_ext(builder);
    challenger.observe_slice(builder, proof.quotient_commitment.as_flattened());
    let zeta = challenger.sample_ext(builder);

    // Bus prefixes: α_L + (b + 1) · β^w.
    let mut prefixes: Vec<Wire> = Vec::new();
    if let Some((lookup_alpha, beta)) = lookup {
        let mut gamma = builder.one();
        for _ in 0..shape.max_message_width {
            gamma = builder.mul(gamma, beta);
        }
        let num_buses = shape
            .tables
            .iter()
            .flat_map(|t| t.buses.iter().copied())
            .max()
            .map_or(0, |b| b + 1);
        let mut prefix = lookup_alpha;
        for _ in 0..num_buses {
            prefix = builder.add(prefix, gamma);
            prefixes.push(prefix);
        }
    }

    let mut terminal_sum = builder.zero();
    for (t, wires) in shape.tables.iter().zip(&proof.tables) {
        let selectors = Selectors::at(builder, zeta, t.degree_bits);

        let values =
            |inputs: &[ExtInput]| -> Vec<Wire> { inputs.iter().map(|e| e.value).collect() };
        let permutation_local = recombine(builder, &wires.permutation_local);
        let permutation_next = recombine(builder, &wires.permutation_next);
        let challenges: Vec<Wire> = match lookup {
            Some((_, beta)) => t
                .buses
                .iter()
                .flat_map(|&bus| [prefixes[bus], beta])
                .collect(),
            None => Vec::new(),
        };
        let terminal: Vec<Wire> = wires.terminal.iter().map(|e| e.value).collect();
        if let Some(&value) = terminal.first() {
            terminal_sum = builder.add(terminal_sum, value);
        }
        let point = ConstraintPoint {
            main_local: &values(&wires.trace_local),
            main_next: &values(&wires.trace_next),
            preprocessed_local: &values(&wires.preprocessed_local),
            preprocessed_next: &values(&wires.preprocessed_next),
            periodic: &[],
            public: &wires.public,
            permutation_local: &permutation_local,
            permutation_next: &permutation_next,
            permutation_challenges: &challenges,
            permutation_values: &terminal,
            is_first_row: selectors.is_first_row,
            is_last_row: selectors.is_last_row,
            is_transition: selectors.is_transition,
        };
        let folded = fold_constraints(builder, &t.constraints, &point, alpha);
        let quotient = recompose_quotient(
            builder,
            t.degree_bits,
            t.num_quotient_chunks,
            zeta,
            &wires.quotient_chunks,
        );
        let expected = builder.mul(quotient, selectors.z_h);
        builder.connect(folded, expected);
    }
    builder.assert_zero(terminal_sum);
    zeta
}

/// A whole proof of an aggregation circuit as the verifier circuit's private inputs.
#[derive(Clone, Debug)]
pub struct BatchStarkWires {
    /// What the out-of-domain check reads.
    pub ood: BatchOodWires,
    /// The opening argument.
    pub pcs: PcsProofWires,
}

/// The full verifier of one proof of an aggregation circuit: the out-of-domain check, then the
/// opening argument for the main traces, quotient chunks, preprocessed traces (against the
/// verifying key's commitment) and permutation traces, in Plonky3's claim order. Private inputs
/// are allocated in the order `inner::batch_proof_values` lays them out.
pub fn verify_batch_stark(
    builder: &mut CircuitBuilder,
    shape: &BatchInnerShape,
    layout: &PcsLayout,
) -> BatchStarkWires {
    let ood = BatchOodWires::allocate(builder, shape);
    let pcs = PcsProofWires::allocate(builder, layout);
    let mut challenger = ChallengerWires::new(builder);
    let zeta = verify_batch_ood(builder, &mut challenger, shape, &ood);
    let zeta_next: Vec<Wire> = shape
        .tables
        .iter()
        .map(|t| {
            let g = builder.constant_base(Val::two_adic_generator(t.degree_bits));
            builder.mul(zeta, g)
        })
        .collect();
    let at = |zeta_next: Wire, local: &[ExtInput], next: &[ExtInput]| {
        let mut points = alloc::vec![(zeta, local.to_vec())];
        if !next.is_empty() {
            points.push((zeta_next, next.to_vec()));
        }
        points
    };
    let tables = || shape.tables.iter().zip(&ood.tables).zip(&zeta_next);
    let mut claims = alloc::vec![
        ClaimWires {
            commitment: ood.main_commitment.clone(),
            matrices: tables()
                .map(|((_, w), &next)| at(next, &w.trace_local, &w.trace_next))
                .collect(),
        },
        ClaimWires {
            commitment: ood.quotient_commitment.clone(),
            matrices: ood
                .tables
                .iter()
                .flat_map(|w| w.quotient_chunks.iter())
                .map(|chunk| alloc::vec![(zeta, chunk.to_vec())])
                .collect(),
        },
    ];
    if !shape.preprocessed_commitment.is_empty() {
        // Its paths end at a level of the tree below the cap, read at computed slots: the
        // level's constants take consecutive wires.
        let flat = builder.constant_block(shape.preprocessed_path_cap.as_flattened());
        let commitment = flat
            .chunks_exact(12)
            .map(|d| core::array::from_fn(|k| d[k]))
            .collect();
        claims.push(ClaimWires {
            commitment,
            matrices: tables()
                .filter(|((t, _), _)| t.preprocessed_width > 0)
                .map(|((_, w), &next)| at(next, &w.preprocessed_local, &w.preprocessed_next))
                .collect(),
        });
    }
    if shape.has_lookups() {
        claims.push(ClaimWires {
            commitment: ood.permutation_commitment.clone(),
            matrices: tables()
                .filter(|((t, _), _)| !t.buses.is_empty())
                .map(|((_, w), &next)| at(next, &w.permutation_local, &w.permutation_next))
                .collect(),
        });
    }
    verify_pcs(builder, &mut challenger, layout, &claims, &pcs);
    BatchStarkWires { ood, pcs }
}
