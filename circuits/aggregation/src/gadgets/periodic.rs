//! Periodic columns at the out-of-domain point, as `TwoAdicMultiplicativeCoset::
//! evaluate_periodic_column_at` computes them: a column of period `P` over a trace domain
//! `s·H` of size `n` is the degree-`< P` polynomial interpolating it on `s^(n/P)·H_P`, evaluated
//! at `ζ^(n/P)`.
//!
//! The interpolant's coefficients are constants of the circuit (computed here, natively, once);
//! in-circuit the evaluation is a few squarings and one Horner row per coefficient.

use alloc::vec::Vec;

use p3_field::{Field, PrimeCharacteristicRing, TwoAdicField};

use crate::circuit::{CircuitBuilder, Wire};
use crate::field::Val;

/// Coefficients (lowest first) of the polynomial taking `column[i]` at `shift·ω_P^i`.
pub fn interpolant(column: &[Val], shift: Val) -> Vec<Val> {
    let period = column.len();
    let log_period = period.trailing_zeros() as usize;
    debug_assert!(period.is_power_of_two());
    let omega_inv = Val::two_adic_generator(log_period).inverse();
    let period_inv = Val::from_usize(period).inverse();
    let shift_inv = shift.inverse();
    // c_k = s^(−k) · (1/P) · Σᵢ column[i] · ω^(−ik)
    let mut shift_power = Val::ONE;
    (0..period)
        .map(|k| {
            let step = omega_inv.exp_u64(k as u64);
            let mut w = Val::ONE;
            let mut sum = Val::ZERO;
            for &v in column {
                sum += v * w;
                w *= step;
            }
            let c = sum * period_inv * shift_power;
            shift_power *= shift_inv;
            c
        })
        .collect()
}

/// Every column at `point`, for a trace domain `shift·H` of size `2^log_n`.
pub fn periodic_at(
    builder: &mut CircuitBuilder,
    columns: &[Vec<Val>],
    shift: Val,
    log_n: usize,
    point: Wire,
) -> Vec<Wire> {
    columns
        .iter()
        .map(|column| {
            let log_period = column.len().trailing_zeros() as usize;
            let folds = log_n - log_period;
            let coefficients = interpolant(column, shift.exp_power_of_2(folds));
            let mut x = point;
            for _ in 0..folds {
                x = builder.mul(x, x);
            }
            let mut acc = builder.zero();
            for &c in coefficients.iter().rev() {
                let c = builder.constant_base(c);
                acc = builder.mul_add(acc, x, c);
            }
            acc
        })
        .collect()
}
