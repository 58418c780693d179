//! The second half of the uni-STARK verifier in-circuit: the opening argument
//! (`TwoAdicFriPcs::verify` and `verify_fri` of p3-fri 0.9) over binary Merkle trees with a cap
//! of `2^h` digests, plain (`MerkleTreeMmcs`) or salted (`MerkleTreeHidingMmcs`, whose leaves
//! hash `row₁ ‖ salt₁ ‖ row₂ ‖ salt₂ …`; the FRI rounds' trees are salted the same way).
//!
//! Transcript, continuing the challenger of [`super::stark::verify_ood`]: the PCS seed, every
//! claimed evaluation's coefficients, the batch proof of work, the batch challenge `α`; the FRI
//! seed, per round the commitment and its `β`; the final polynomial, the query proof of work and
//! the query indices.
//!
//! Per query: every input batch's opened rows are hashed and their path checked; the rows are
//! reduced at each height to `Σ α^k (p_k(z) − p_k(x)) / (z − x)`; the reduction at the largest
//! height starts the fold chain, where each round's row must hold the running value at the
//! query's position, is folded at `β`, and is checked against the round's commitment; the chain
//! must end on the final polynomial at the query's point.
//!
//! The prover sends full paths per query (the native side restores them from Plonky3's pruned
//! multi-openings); checking every path in full is sound whichever way they were obtained.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use p3_field::Field;

use super::challenger::{ChallengerWires, extension_generator};
use super::fri::{QueryPoints, fold_row, horner};
use super::hash::{DigestWires, sponge};
use super::merkle::verify_path;
use super::stark::ExtInput;
use crate::circuit::{CircuitBuilder, HORNER_STEPS, Wire};
use crate::field::{EXT_DEGREE, Val};

/// The fixed shape of an opening argument.
#[derive(Clone, Debug)]
pub struct PcsLayout {
    /// Everything the PCS transcript absorbs before the claims (its domain separator seed).
    pub pcs_seed: Vec<Val>,
    /// What the FRI transcript absorbs before its first commitment.
    pub fri_seed: Vec<Val>,
    /// `log2` of the blowup.
    pub log_blowup: usize,
    /// Commitments are caps of `2^cap_height` digests.
    pub cap_height: usize,
    /// Per committed batch, the level its paths end at (`2^h` digests): the commitment's cap,
    /// or a deeper level of a tree the verifier knows in full (the preprocessed columns').
    pub input_cap_heights: Vec<usize>,
    /// Salt elements after every committed row (0: plain trees).
    pub salt_elems: usize,
    /// FRI queries.
    pub num_queries: usize,
    /// Batch-combination proof-of-work bits.
    pub batch_pow_bits: usize,
    /// Query proof-of-work bits.
    pub query_pow_bits: usize,
    /// One `log2` arity per fold round.
    pub log_arities: Vec<usize>,
    /// Coefficients of the final polynomial.
    pub final_poly_len: usize,
    /// Per committed batch, per matrix: `log2` of its trace-domain size and its width.
    pub batches: Vec<Vec<MatrixShape>>,
}

/// One committed matrix.
#[derive(Clone, Copy, Debug)]
pub struct MatrixShape {
    /// `log2` of the trace domain (the committed LDE is `log_blowup` taller).
    pub log_size: usize,
    /// Columns.
    pub width: usize,
}

impl PcsLayout {
    /// `log2` of the tallest committed LDE.
    pub fn log_max_height(&self) -> usize {
        self.batches
            .iter()
            .flatten()
            .map(|m| m.log_size + self.log_blowup)
            .max()
            .unwrap_or(0)
    }
}

/// What is claimed about one committed batch: its commitment and, per matrix, its opening points
/// with the claimed values.
#[derive(Clone, Debug)]
pub struct ClaimWires {
    /// The batch's commitment (its cap's digests).
    pub commitment: Vec<DigestWires>,
    /// Per matrix, per point: the point and the claimed column values.
    pub matrices: Vec<Vec<(Wire, Vec<ExtInput>)>>,
}

/// The opening argument's proof, as wires.
#[derive(Clone, Debug)]
pub struct PcsProofWires {
    batch_pow: Wire,
    commit_phase_commits: Vec<Vec<DigestWires>>,
    final_poly: Vec<ExtInput>,
    query_pow: Wire,
    queries: Vec<QueryWires>,
}

#[derive(Clone, Debug)]
struct QueryWires {
    /// Per batch: per matrix the opened row followed by its salt, then the batch's path.
    inputs: Vec<(Vec<Vec<Wire>>, Vec<DigestWires>)>,
    /// Per round: the row of `arity` values, its salt and its path.
    rounds: Vec<(Vec<ExtInput>, Vec<Wire>, Vec<DigestWires>)>,
}

fn digest(builder: &mut CircuitBuilder) -> DigestWires {
    core::array::from_fn(|_| builder.private_input())
}

fn digests(builder: &mut CircuitBuilder, n: usize) -> Vec<DigestWires> {
    (0..n).map(|_| digest(builder)).collect()
}

impl PcsProofWires {
    /// Private inputs for the whole opening proof, in the order `inner::pcs_values` lists them.
    pub fn allocate(builder: &mut CircuitBuilder, shape: &PcsLayout) -> Self {
        let batch_pow = builder.private_input();
        let commit_phase_commits = (0..shape.log_arities.len())
            .map(|_| digests(builder, 1 << shape.cap_height))
            .collect();
        let final_poly = (0..shape.final_poly_len)
            .map(|_| ExtInput::allocate(builder))
            .collect();
        let query_pow = builder.private_input();
        let log_max = shape.log_max_height();
        let queries = (0..shape.num_queries)
            .map(|_| {
                let inputs = shape
                    .batches
                    .iter()
                    .zip(&shape.input_cap_heights)
                    .map(|(matrices, &cap_height)| {
                        let rows = matrices
                            .iter()
                            .map(|m| {
                                (0..m.width + shape.salt_elems)
                                    .map(|_| builder.private_input())
                                    .collect()
                            })
                            .collect();
                        let below_cap = batch_log_height(shape, matrices) - cap_height;
                        (rows, digests(builder, below_cap))
                    })
                    .collect();
                let mut log_height = log_max;
                let rounds = shape
                    .log_arities
                    .iter()
                    .map(|&a| {
                        log_height -= a;
                        let row = (0..1 << a).map(|_| ExtInput::allocate(builder)).collect();
                        let salt = (0..shape.salt_elems)
                            .map(|_| builder.private_input())
                            .collect();
                        (row, salt, digests(builder, log_height - shape.cap_height))
                    })
                    .collect();
                QueryWires { inputs, rounds }
            })
            .collect();
        Self {
            batch_pow,
            commit_phase_commits,
            final_poly,
            query_pow,
            queries,
        }
    }
}

fn batch_log_height(shape: &PcsLayout, matrices: &[MatrixShape]) -> usize {
    matrices
        .iter()
        .map(|m| m.log_size + shape.log_blowup)
        .max()
        .unwrap_or(0)
}

/// `α^e` for each exponent in `exponents`: the squares `α^(2^i)` once, then one product per
/// further set bit of each exponent.
fn powers_at(
    builder: &mut CircuitBuilder,
    alpha: Wire,
    exponents: impl IntoIterator<Item = usize>,
) -> BTreeMap<usize, Wire> {
    let mut squares = alloc::vec![alpha];
    let mut out = BTreeMap::new();
    for e in exponents {
        if out.contains_key(&e) {
            continue;
        }
        let mut power = None;
        for bit in (0..usize::BITS as usize).filter(|b| e >> b & 1 == 1) {
            while squares.len() <= bit {
                let last = squares[squares.len() - 1];
                squares.push(builder.mul(last, last));
            }
            power = Some(match power {
                None => squares[bit],
                Some(p) => builder.mul(p, squares[bit]),
            });
        }
        let power = power.unwrap_or_else(|| builder.one());
        out.insert(e, power);
    }
    out
}

/// `Σ αᵏ · valuesₖ` over extension values read from the proof. Beyond one Horner row's worth
/// of values, and with a Horner table, each of the five coefficient columns is a power sum
/// there (six values a row), recombined at `X` by four ALU rows; otherwise one ALU row per
/// value.
fn ext_power_sum(builder: &mut CircuitBuilder, alpha: Wire, values: &[ExtInput]) -> Wire {
    if !builder.has_horner_table() || values.len() <= HORNER_STEPS {
        let values: Vec<Wire> = values.iter().map(|v| v.value).collect();
        return horner(builder, &values, alpha);
    }
    let sums: Vec<Wire> = (0..EXT_DEGREE)
        .map(|j| {
            let column: Vec<Wire> = values.iter().map(|v| v.coefficients[j]).collect();
            builder.power_sum(alpha, &column)
        })
        .collect();
    let x = extension_generator(builder);
    sums[..EXT_DEGREE - 1]
        .iter()
        .rev()
        .fold(sums[EXT_DEGREE - 1], |acc, &s| builder.mul_add(acc, x, s))
}

/// `row[position]`, with the position given by its bits (least significant first).
fn select_at(builder: &mut CircuitBuilder, row: &[Wire], bits: &[Wire]) -> Wire {
    let mut candidates = row.to_vec();
    for &bit in bits {
        candidates = candidates
            .chunks_exact(2)
            .map(|pair| builder.select(bit, pair[1], pair[0]))
            .collect();
    }
    candidates[0]
}

/// Verifies the opening argument for `claims` on the challenger `verify_ood` left.
pub fn verify_pcs(
    builder: &mut CircuitBuilder,
    challenger: &mut ChallengerWires,
    shape: &PcsLayout,
    claims: &[ClaimWires],
    proof: &PcsProofWires,
) {
    // PCS transcript.
    for &c in &shape.pcs_seed {
        let w = builder.constant_base(c);
        challenger.observe(builder, w);
    }
    for claim in claims {
        for (_, values) in claim.matrices.iter().flatten() {
            for v in values {
                challenger.observe_slice(builder, &v.coefficients);
            }
        }
    }
    challenger.check_pow(builder, shape.batch_pow_bits, proof.batch_pow);
    let alpha = challenger.sample_ext(builder);

    // FRI transcript.
    for &c in &shape.fri_seed {
        let w = builder.constant_base(c);
        challenger.observe(builder, w);
    }
    let betas: Vec<Wire> = proof
        .commit_phase_commits
        .iter()
        .map(|commit| {
            challenger.observe_slice(builder, commit.as_flattened());
            challenger.sample_ext(builder)
        })
        .collect();
    for c in &proof.final_poly {
        challenger.observe_slice(builder, &c.coefficients);
    }
    challenger.check_pow(builder, shape.query_pow_bits, proof.query_pow);
    let log_max = shape.log_max_height();
    let index_bits: Vec<Vec<Wire>> = (0..shape.num_queries)
        .map(|_| challenger.sample_bits(builder, log_max))
        .collect();

    // The openings grouped by (height, point): every group's reduction is
    // `(Σ αᵏ p_k(z) − Σ αᵏ p_k(x)) / (z − x)`, one division per group. The columns of one height
    // take consecutive powers of α (a "ladder"); each (matrix, point) starts at its offset.
    let mut offsets: BTreeMap<usize, usize> = BTreeMap::new();
    let starts: Vec<Vec<Vec<usize>>> = shape
        .batches
        .iter()
        .zip(claims)
        .map(|(matrices, claim)| {
            matrices
                .iter()
                .zip(&claim.matrices)
                .map(|(m, points)| {
                    let offset = offsets.entry(m.log_size + shape.log_blowup).or_default();
                    points
                        .iter()
                        .map(|(_, values)| {
                            let start = *offset;
                            *offset += values.len();
                            start
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let alpha_powers = powers_at(builder, alpha, starts.iter().flatten().flatten().copied());
    let mut groups: Vec<OpeningGroup> = Vec::new();
    let mut terms: Vec<Vec<MatrixTerms>> = Vec::with_capacity(claims.len());
    for ((matrices, claim), starts) in shape.batches.iter().zip(claims).zip(&starts) {
        let mut batch_terms = Vec::with_capacity(matrices.len());
        for ((m, points), starts) in matrices.iter().zip(&claim.matrices).zip(starts) {
            let log_height = m.log_size + shape.log_blowup;
            let mut point_terms = Vec::with_capacity(points.len());
            for (&(z, ref values), &start) in points.iter().zip(starts) {
                let sum = ext_power_sum(builder, alpha, values);
                let sum = match start {
                    0 => sum,
                    _ => builder.mul(alpha_powers[&start], sum),
                };
                let group = match groups
                    .iter()
                    .position(|g| g.log_height == log_height && g.point == z)
                {
                    Some(g) => {
                        groups[g].sum_at_point = builder.add(groups[g].sum_at_point, sum);
                        g
                    }
                    None => {
                        groups.push(OpeningGroup {
                            log_height,
                            point: z,
                            sum_at_point: sum,
                        });
                        groups.len() - 1
                    }
                };
                point_terms.push((group, start));
            }
            batch_terms.push(MatrixTerms {
                width: m.width,
                points: point_terms,
            });
        }
        terms.push(batch_terms);
    }

    let log_final = shape.log_blowup + log2_of(shape.final_poly_len);
    let reduction = Reduction {
        alpha,
        alpha_powers: &alpha_powers,
        groups: &groups,
        terms: &terms,
        caps: claims.iter().map(|c| &c.commitment[..]).collect(),
    };
    // β^arity of each round, for its fold and for the reduced inputs its folded height takes in.
    let beta_powers: Vec<Wire> = shape
        .log_arities
        .iter()
        .zip(&betas)
        .map(|(&log_arity, &beta)| {
            let mut power = beta;
            for _ in 0..log_arity {
                power = builder.mul(power, power);
            }
            power
        })
        .collect();
    for (query, bits) in proof.queries.iter().zip(&index_bits) {
        let mut points = QueryPoints::new(builder, bits);
        // Every tree's leaf index is the query's index shifted right, so every path ends at
        // the cap entry the index's top bits name.
        let mut cap_indices = CapIndices::new(bits);
        let reduced = reduce_inputs(
            builder,
            shape,
            &reduction,
            query,
            bits,
            &mut cap_indices,
            &mut points,
        );
        let mut reduced = reduced.into_iter().rev().peekable();
        let Some((top, mut folded)) = reduced.next() else {
            unreachable!("every shape has a committed matrix")
        };
        debug_assert_eq!(top, log_max);
        let mut bits: &[Wire] = bits;
        let mut log_height = log_max;
        for (((&log_arity, (row, salt, path)), (&beta, cap)), &beta_power) in shape
            .log_arities
            .iter()
            .zip(&query.rounds)
            .zip(betas.iter().zip(&proof.commit_phase_commits))
            .zip(&beta_powers)
        {
            let values: Vec<Wire> = row.iter().map(|v| v.value).collect();
            let (position, above) = bits.split_at(log_arity);
            let at = select_at(builder, &values, position);
            builder.connect(at, folded);
            folded = fold_row(
                builder,
                &mut points,
                log_height,
                position,
                beta,
                beta_power,
                &values,
            );
            bits = above;
            log_height -= log_arity;
            let mut leaf_input: Vec<Wire> = row.iter().flat_map(|v| v.coefficients).collect();
            leaf_input.extend_from_slice(salt);
            let leaf = sponge(builder, &leaf_input);
            let below_cap = &bits[..bits.len() - shape.cap_height];
            let cap_index = cap_indices.at(builder, shape.cap_height);
            verify_path(builder, leaf, below_cap, path, &[], cap, cap_index);
            if let Some((_, ro)) = reduced.next_if(|(h, _)| *h == log_height) {
                folded = builder.mul_add(beta_power, ro, folded);
            }
        }
        debug_assert_eq!(log_height, log_final);
        debug_assert!(reduced.next().is_none());
        let x = points.at(builder, log_height);
        let expected = ext_power_sum(builder, x, &proof.final_poly);
        builder.connect(folded, expected);
    }
}

/// A query's cap entries: per cap height `h`, the index's top `h` bits as one wire.
struct CapIndices<'a> {
    bits: &'a [Wire],
    by_height: BTreeMap<usize, Wire>,
}

impl<'a> CapIndices<'a> {
    fn new(bits: &'a [Wire]) -> Self {
        Self {
            bits,
            by_height: BTreeMap::new(),
        }
    }

    fn at(&mut self, builder: &mut CircuitBuilder, cap_height: usize) -> Wire {
        let top = &self.bits[self.bits.len() - cap_height..];
        *self
            .by_height
            .entry(cap_height)
            .or_insert_with(|| builder.bit_sum(top))
    }
}

/// The openings at one point of the matrices of one height, and `Σ αᵏ p_k(z)` over all of them.
struct OpeningGroup {
    log_height: usize,
    point: Wire,
    sum_at_point: Wire,
}

/// One committed matrix's place in the reduction: per opening point, its group and the offset
/// of its first column on the height's α ladder.
struct MatrixTerms {
    width: usize,
    points: Vec<(usize, usize)>,
}

/// What every query's reduction shares.
struct Reduction<'a> {
    alpha: Wire,
    alpha_powers: &'a BTreeMap<usize, Wire>,
    groups: &'a [OpeningGroup],
    terms: &'a [Vec<MatrixTerms>],
    /// Each batch's commitment.
    caps: Vec<&'a [DigestWires]>,
}

fn log2_of(n: usize) -> usize {
    n.trailing_zeros() as usize
}

/// Checks one query's input openings and returns its reduced openings by height, ascending.
///
/// A matrix opened at several points has the same row at `x` under each, so its columns'
/// share of `Σ αᵏ p_k(x)` at each point is `α^offset · Σ_j α^j row_j`, with one power sum per
/// matrix.
fn reduce_inputs(
    builder: &mut CircuitBuilder,
    shape: &PcsLayout,
    reduction: &Reduction<'_>,
    query: &QueryWires,
    bits: &[Wire],
    cap_indices: &mut CapIndices<'_>,
    points: &mut QueryPoints,
) -> BTreeMap<usize, Wire> {
    let log_max = shape.log_max_height();
    let mut sums_at_x: Vec<Option<Wire>> = alloc::vec![None; reduction.groups.len()];
    for (((matrices, (rows, path)), cap), &cap_height) in shape
        .batches
        .iter()
        .zip(&query.inputs)
        .zip(&reduction.caps)
        .zip(&shape.input_cap_heights)
    {
        let batch_height = batch_log_height(shape, matrices);
        let heights: Vec<usize> = matrices
            .iter()
            .map(|m| m.log_size + shape.log_blowup)
            .collect();
        // The rows of the matrices of one height, each followed by its salt.
        let group = |height: usize| -> Option<Vec<Wire>> {
            let input: Vec<Wire> = rows
                .iter()
                .zip(&heights)
                .filter(|(_, h)| **h == height)
                .flat_map(|(row, _)| row.iter().copied())
                .collect();
            (!input.is_empty()).then_some(input)
        };
        let injected: Vec<Option<Vec<Wire>>> = (1..=batch_height)
            .map(|level| group(batch_height - level))
            .collect();
        // The leaf is hashed just before the path starts from it, so that the first step is
        // chained to it (an exchanged row cannot read its node from the witness).
        let Some(leaf) = group(batch_height).map(|input| sponge(builder, &input)) else {
            unreachable!("the tallest height has a matrix")
        };
        let cap_index = cap_indices.at(builder, cap_height);
        verify_path(
            builder,
            leaf,
            &bits[log_max - batch_height..log_max - cap_height],
            path,
            &injected,
            cap,
            cap_index,
        );
    }
    for (batch_terms, (rows, _)) in reduction.terms.iter().zip(&query.inputs) {
        for (m, row) in batch_terms.iter().zip(rows) {
            if m.points.is_empty() {
                continue;
            }
            // One Horner pass per matrix, in the Horner table; each point weighs it by its
            // offset on the ladder.
            let row_sum = builder.power_sum(reduction.alpha, &row[..m.width]);
            for &(group, offset) in &m.points {
                let weight = reduction.alpha_powers[&offset];
                let sum = &mut sums_at_x[group];
                *sum = Some(match (*sum, offset) {
                    (None, 0) => row_sum,
                    (None, _) => builder.mul(weight, row_sum),
                    (Some(acc), _) => builder.mul_add(weight, row_sum, acc),
                });
            }
        }
    }
    // x = g · ω^rev(index >> (log_max − log_height)) on each height's LDE coset.
    let generator = builder.constant_base(Val::GENERATOR);
    let mut reduced: BTreeMap<usize, Wire> = BTreeMap::new();
    for (group, sum_at_x) in reduction.groups.iter().zip(sums_at_x) {
        let Some(sum_at_x) = sum_at_x else {
            unreachable!("every group has a matrix")
        };
        let log_height = group.log_height;
        let point = points.at(builder, log_height);
        let denominator = builder.sub_mul(group.point, point, generator);
        let quotient = builder.sub_div(group.sum_at_point, sum_at_x, denominator);
        let sum = match reduced.get(&log_height) {
            Some(&sum) => builder.add(sum, quotient),
            None => quotient,
        };
        reduced.insert(log_height, sum);
    }
    reduced
}
