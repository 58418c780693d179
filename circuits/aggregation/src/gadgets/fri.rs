//! FRI's arithmetic in-circuit, as `p3-fri` 0.9's `TwoAdicFriFolding` and `verify_fri` compute
//! it: query points from index bits, the arity-`2^k` fold of a row, the final polynomial.

use alloc::vec::Vec;

use p3_field::{Field, PrimeCharacteristicRing, TwoAdicField};
use p3_util::reverse_slice_index_bits;

use crate::circuit::{CircuitBuilder, Wire};
use crate::field::Val;

/// `generator^rev(index)`, with `index` given by its bits (least significant first) and `rev`
/// reversing all `bits.len()` of them. Each bit costs a select against a constant and a
/// multiplication.
pub fn reversed_power(builder: &mut CircuitBuilder, generator: Val, bits: &[Wire]) -> Wire {
    let n = bits.len();
    let one = builder.one();
    let mut acc = one;
    for (i, &bit) in bits.iter().enumerate() {
        // Bit i of the index is bit n−1−i of its reversal.
        let power = generator.exp_power_of_2(n - 1 - i);
        let step = builder.constant_base(power - Val::ONE);
        let factor = builder.mul_add(bit, step, one);
        acc = builder.mul(acc, factor);
    }
    acc
}

/// A query's point on every domain it meets: on the domain of `2^h` points (in bit-reversed
/// order) the query's row is `index >> (log_max − h)`, at `ω_h^rev(index >> (log_max − h))`,
/// which is the point on the tallest domain raised to `2^(log_max − h)` (dropping an index's
/// low bits drops its reversal's high bits). So one [`reversed_power`] and a squaring per
/// halving give every height's point.
pub struct QueryPoints {
    log_max: usize,
    /// `squares[k]` is the point on the domain of `2^(log_max − k)` points.
    squares: Vec<Wire>,
}

impl QueryPoints {
    /// The points of the query whose index on the tallest domain (`2^bits.len()` points) has
    /// these bits, least significant first.
    pub fn new(builder: &mut CircuitBuilder, bits: &[Wire]) -> Self {
        let log_max = bits.len();
        let top = reversed_power(builder, Val::two_adic_generator(log_max), bits);
        Self {
            log_max,
            squares: alloc::vec![top],
        }
    }

    /// The query's point on the domain of `2^log_height` points (at most the tallest).
    pub fn at(&mut self, builder: &mut CircuitBuilder, log_height: usize) -> Wire {
        let k = self.log_max - log_height;
        while self.squares.len() <= k {
            let last = self.squares[self.squares.len() - 1];
            let square = builder.mul(last, last);
            self.squares.push(square);
        }
        self.squares[k]
    }
}

/// `TwoAdicFriFolding::fold_row`: interpolate a row's `2^log_arity` evaluations at `β`.
///
/// The row sits on the domain of `2^log_height` points, where the query's point is
/// `points.at(log_height)`, and `position` holds the low `log_arity` bits of the query's index
/// there (its place in the row, least significant first). The row's points are `s·cₖ`
/// (bit-reversed order) with `cₖ = ω_arity^rev(k)` and `s` the row's first point,
/// `point / c_position`; they are the roots of `X^a − s^a`, and `s^a` is the query's point on
/// the folded domain. `beta_arity` is `β^a`.
pub fn fold_row(
    builder: &mut CircuitBuilder,
    points: &mut QueryPoints,
    log_height: usize,
    position: &[Wire],
    beta: Wire,
    beta_arity: Wire,
    evals: &[Wire],
) -> Wire {
    let log_arity = position.len();
    let arity = 1usize << log_arity;
    debug_assert_eq!(evals.len(), arity);
    // s = point · ω_arity^(−rev(position)): a constant factor per set bit.
    let one = builder.one();
    let omega = Val::two_adic_generator(log_arity);
    let mut s = points.at(builder, log_height);
    for (b, &bit) in position.iter().enumerate() {
        let factor = omega.exp_power_of_2(log_arity - 1 - b).inverse();
        let step = builder.constant_base(factor - Val::ONE);
        let factor = builder.mul_add(bit, step, one);
        s = builder.mul(s, factor);
    }
    let mut c: Vec<Val> = omega.powers().take(arity).collect();
    reverse_slice_index_bits(&mut c);
    // Barycentric at β over the roots of X^a − s^a:
    // ((β^a − s^a) · s / s^a) · Σⱼ evalⱼ · (cⱼ / a) / (β − s·cⱼ), three rows per evaluation.
    let inverse_arity = Val::from_usize(arity).inverse();
    let mut sum = builder.zero();
    for (&cj, &eval) in c.iter().zip(evals) {
        let cj_wire = builder.constant_base(cj);
        let difference = builder.sub_mul(beta, s, cj_wire);
        let quotient = builder.div(eval, difference);
        let weight = builder.constant_base(cj * inverse_arity);
        sum = builder.mul_add(quotient, weight, sum);
    }
    let s_arity = points.at(builder, log_height - log_arity);
    let vanishing = builder.sub(beta_arity, s_arity);
    let scaled = builder.mul(sum, vanishing);
    let scaled = builder.mul(scaled, s);
    builder.div(scaled, s_arity)
}

/// `Σ cᵢ xⁱ` by Horner's rule (`coefficients` lowest degree first).
pub fn horner(builder: &mut CircuitBuilder, coefficients: &[Wire], x: Wire) -> Wire {
    let mut acc = builder.zero();
    for &c in coefficients.iter().rev() {
        acc = builder.mul_add(acc, x, c);
    }
    acc
}
