//! FRI's arithmetic in-circuit, as `p3-fri` 0.9's `TwoAdicFriFolding` and `verify_fri` compute
//! it: query points from index bits, the arity-`2^k` fold of a row, the final polynomial.

use alloc::vec::Vec;

use p3_field::{Field, PrimeCharacteristicRing, TwoAdicField};
use p3_util::reverse_slice_index_bits;

use crate::circuit::{CircuitBuilder, Wire};
use crate::field::Val;

/// `generator^rev(index)`, with `index` given by its bits (least significant first) and `rev`
/// reversing all `bits.len()` of them. Each bit is one scaled row,
/// `acc · (1 + bit · (f − 1)) = (f − 1) · bit · acc + acc` for the bit's factor `f`.
pub fn reversed_power(builder: &mut CircuitBuilder, generator: Val, bits: &[Wire]) -> Wire {
    let n = bits.len();
    let mut acc = builder.one();
    for (i, &bit) in bits.iter().enumerate() {
        // Bit i of the index is bit n−1−i of its reversal.
        acc = times_power_if(builder, acc, bit, generator.exp_power_of_2(n - 1 - i));
    }
    acc
}

/// `x · f` if `bit` is one, `x` if it is zero: `(f − 1) · bit · x + x`, one row.
fn times_power_if(builder: &mut CircuitBuilder, x: Wire, bit: Wire, f: Val) -> Wire {
    builder.scaled_mul_add(f - Val::ONE, bit, x, Val::ONE, x)
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
    let omega = Val::two_adic_generator(log_arity);
    let mut s = points.at(builder, log_height);
    for (b, &bit) in position.iter().enumerate() {
        let factor = omega.exp_power_of_2(log_arity - 1 - b).inverse();
        s = times_power_if(builder, s, bit, factor);
    }
    let mut c: Vec<Val> = omega.powers().take(arity).collect();
    reverse_slice_index_bits(&mut c);
    // Barycentric at β over the roots of X^a − s^a:
    // ((β^a − s^a) · s / s^a) · Σⱼ evalⱼ · (cⱼ / a) / (β − s·cⱼ)
    //   = ((β^a − s^a) / s^a) · Σⱼ (cⱼ / a) · evalⱼ / (β/s − cⱼ),
    // two rows per evaluation: a division shifted by −cⱼ, a constant-weighted sum.
    let inverse_arity = Val::from_usize(arity).inverse();
    let one = builder.one();
    let beta_over_s = builder.div(beta, s);
    let mut sum = builder.zero();
    for (&cj, &eval) in c.iter().zip(evals) {
        let quotient = builder.div_shifted(eval, beta_over_s, -cj);
        sum = builder.scaled_mul_add(cj * inverse_arity, quotient, one, Val::ONE, sum);
    }
    let s_arity = points.at(builder, log_height - log_arity);
    let vanishing = builder.sub(beta_arity, s_arity);
    let scaled = builder.mul(sum, vanishing);
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
