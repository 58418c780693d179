//! Periodic columns at the out-of-domain point, as `TwoAdicMultiplicativeCoset::
//! evaluate_periodic_column_at` computes them: a column of period `P` over a trace domain
//! `s·H` of size `n` is the degree-`< P` polynomial interpolating it on `s'·H_P` (`s' =
//! s^(n/P)`), evaluated at `x = ζ^(n/P)`.
//!
//! In-circuit the evaluation is barycentric: with `yᵢ = s'·ωᵢ` and `Z(x) = x^P − s'^P`,
//! `col(x) = Z(x) · Σᵢ col[i] · cᵢ / (x − yᵢ)`, `cᵢ = ωⁱ / (P · s'^(P−1))`. The inverses
//! `1 / (x − yᵢ)` are shared by every column of the period and only rows where some column is
//! non-zero need one; selector columns are sparse, so the transaction AIR's 38 columns cost about
//! a fifth of one Horner row per coefficient. If `x` is some `yᵢ` (ζ in the trace domain, which
//! Plonky3 refuses too) the inverse does not exist and the circuit cannot be satisfied.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;

use p3_field::{Field, PrimeCharacteristicRing, TwoAdicField};

use crate::circuit::{CircuitBuilder, Wire};
use crate::field::Val;

/// Every column at `point`, for a trace domain `shift·H` of size `2^log_n`.
pub fn periodic_at(
    builder: &mut CircuitBuilder,
    columns: &[Vec<Val>],
    shift: Val,
    log_n: usize,
    point: Wire,
) -> Vec<Wire> {
    // Per period: the rows some column needs, then their shared inverses.
    let mut needed: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for column in columns {
        let rows = needed.entry(column.len()).or_default();
        rows.extend((0..column.len()).filter(|&i| column[i] != Val::ZERO));
    }
    let bases: BTreeMap<usize, Basis> = needed
        .into_iter()
        .filter(|(period, _)| *period > 1)
        .map(|(period, rows)| {
            let basis = Basis::new(builder, period, shift, log_n, point, &rows);
            (period, basis)
        })
        .collect();
    columns
        .iter()
        .map(|column| match bases.get(&column.len()) {
            None => builder.constant_base(column.first().copied().unwrap_or(Val::ZERO)),
            Some(basis) => basis.evaluate(builder, column),
        })
        .collect()
}

/// The barycentric weights of one period at `x`.
struct Basis {
    /// `Z(x) = x^P − s'^P`.
    vanishing: Wire,
    /// `1 / (x − yᵢ)` for the needed rows `i`.
    inverses: BTreeMap<usize, Wire>,
    /// `cᵢ` for every row.
    weights: Vec<Val>,
}

impl Basis {
    fn new(
        builder: &mut CircuitBuilder,
        period: usize,
        shift: Val,
        log_n: usize,
        point: Wire,
        rows: &BTreeSet<usize>,
    ) -> Self {
        let log_period = period.trailing_zeros() as usize;
        debug_assert!(period.is_power_of_two() && log_period <= log_n);
        let folds = log_n - log_period;
        let s = shift.exp_power_of_2(folds);
        let mut x = point;
        for _ in 0..folds {
            x = builder.mul(x, x);
        }
        let mut x_p = x;
        for _ in 0..log_period {
            x_p = builder.mul(x_p, x_p);
        }
        let s_p = builder.constant_base(s.exp_power_of_2(log_period));
        let vanishing = builder.sub(x_p, s_p);
        let omega = Val::two_adic_generator(log_period);
        let scale = (Val::from_usize(period) * s.exp_u64(period as u64 - 1)).inverse();
        let weights: Vec<Val> = omega.powers().take(period).map(|w| w * scale).collect();
        let inverses = rows
            .iter()
            .map(|&i| {
                let y = builder.constant_base(s * omega.exp_u64(i as u64));
                let difference = builder.sub(x, y);
                (i, builder.inverse(difference))
            })
            .collect();
        Self {
            vanishing,
            inverses,
            weights,
        }
    }

    fn evaluate(&self, builder: &mut CircuitBuilder, column: &[Val]) -> Wire {
        let mut sum = builder.zero();
        for (i, &value) in column.iter().enumerate() {
            if value != Val::ZERO {
                let weight = builder.constant_base(value * self.weights[i]);
                sum = builder.mul_add(self.inverses[&i], weight, sum);
            }
        }
        builder.mul(self.vanishing, sum)
    }
}
