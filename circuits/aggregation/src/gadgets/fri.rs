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

/// `TwoAdicFriFolding::fold_row`: interpolate the row's `2^log_arity` evaluations at `β`. The
/// row's points are `s·ωᵢ` (bit-reversed order) with `s = ω_{log_height+log_arity}^rev(index)`
/// and `index` the folded index, given by its `log_height` bits.
pub fn fold_row(
    builder: &mut CircuitBuilder,
    index_bits: &[Wire],
    log_arity: usize,
    beta: Wire,
    evals: &[Wire],
) -> Wire {
    let log_height = index_bits.len();
    let arity = 1usize << log_arity;
    debug_assert_eq!(evals.len(), arity);
    let start = Val::two_adic_generator(log_height + log_arity);
    let s = reversed_power(builder, start, index_bits);
    // The points as multiples of s: cₖ = ω_arity^k, bit-reversed like the row.
    let mut c: Vec<Val> = Val::two_adic_generator(log_arity)
        .powers()
        .take(arity)
        .collect();
    reverse_slice_index_bits(&mut c);
    // Lagrange at β: Σⱼ evalⱼ · Πₖ≠ⱼ (β − s·cₖ) / (s^(a−1) · Πₖ≠ⱼ (cⱼ − cₖ)).
    let t: Vec<Wire> = c
        .iter()
        .map(|&ck| {
            let ck = builder.constant_base(ck);
            builder.sub_mul(beta, s, ck)
        })
        .collect();
    let mut product = builder.one();
    for &tk in &t {
        product = builder.mul(product, tk);
    }
    let mut s_power = builder.one();
    for _ in 1..arity {
        s_power = builder.mul(s_power, s);
    }
    let mut sum = builder.zero();
    for (j, (&eval, &tj)) in evals.iter().zip(&t).enumerate() {
        let numerator = builder.div(product, tj);
        let denominator: Val = (0..arity)
            .filter(|&k| k != j)
            .map(|k| c[j] - c[k])
            .product();
        let weight = builder.constant_base(denominator.inverse());
        let term = builder.mul(numerator, weight);
        sum = builder.mul_add(eval, term, sum);
    }
    builder.div(sum, s_power)
}

/// `Σ cᵢ xⁱ` by Horner's rule (`coefficients` lowest degree first).
pub fn horner(builder: &mut CircuitBuilder, coefficients: &[Wire], x: Wire) -> Wire {
    let mut acc = builder.zero();
    for &c in coefficients.iter().rev() {
        acc = builder.mul_add(acc, x, c);
    }
    acc
}
