//! The Horner table: one row per six steps `acc ← acc · α + v` of a Horner evaluation, with
//! `α` and the accumulator in the extension and the six `v` in the base field.
//!
//! It exists for the opening argument's reduction `Σ αᵏ p_k(x)`: per query, every opened
//! (base-field) column would otherwise take an ALU row and a witness slot for its running sum;
//! here six columns take one row and one slot. It also recombines extension inputs from
//! their five base coefficients (one row at `X` instead of four ALU rows;
//! `docs/spec/aggregation.md#tables-and-the-wire-bus`).
//!
//! Six steps a row: the narrowest row that keeps a node's table within `2^15` rows (30.5 K),
//! as tall as the node's witness and ALU tables, so FRI needs no round of its own for it. A
//! parent opens each column at every query: at eight steps a row (24.2 K rows) a node's child
//! opened 14 values more per query, and its node took 242 permutations more; at sixteen, 60
//! more columns.
//!
//! A row can also check that its six values are bits (`v · (v − 1) = 0`): a bit
//! decomposition is recomposed at `α = 2` on rows that check its bits, instead of a boolean
//! ALU row and a multiply–add per bit.
//!
//! Rows are chained like permutation rows: a sum's rows are consecutive, and a row's `acc_in`
//! is the previous row's `acc_out` (`feeds_next` on the previous row) or zero (a sum's first
//! row), by a transition constraint, never read. `acc_out` is read only where something else
//! uses it (a sum's last row): one read and one witness slot per sum rather than two per row.
//!
//! Preprocessed: the wire indices of `α`, `acc_out` and the six `v`, `active`, `bits`,
//! `feeds_next` and whether `acc_out` is read. Main: `α`, `acc_in` (five coefficients each),
//! the six `v`, the accumulator after every second step up to the fourth (`s₁ s₂`), and
//! `acc_out`. Each pin `s_{i+1} = (s_i · α + v_{2i}) · α + v_{2i+1}` is of degree 3, so two
//! steps share one intermediate. Padding rows are all zero, which satisfies every pin and
//! reads nothing.

use alloc::vec::Vec;

use p3_air::{BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use super::{Preprocessed, main_row, preprocessed_row, read_base_wire, read_wire};
use crate::circuit::{Circuit, HORNER_STEPS, Witness};
use crate::field::{EXT_DEGREE, Ext, Val, coefficients, ext_mul_coefficients};

/// Steps per committed intermediate accumulator.
const STEPS_PER_PIN: usize = 2;
const PINS: usize = HORNER_STEPS / STEPS_PER_PIN;
const ALPHA: usize = 0;
const ACC_IN: usize = ALPHA + EXT_DEGREE;
const VALUES: usize = ACC_IN + EXT_DEGREE;
/// `s₁ … s₇` then `acc_out`: the accumulator after every pin.
const ACCS: usize = VALUES + HORNER_STEPS;
const WIDTH: usize = ACCS + PINS * EXT_DEGREE;
/// Preprocessed: the wire indices of `α`, `acc_out` and the values, then the flags.
const PREP_ALPHA: usize = 0;
const PREP_ACC_OUT: usize = 1;
const PREP_VALUES: usize = 2;
const ACTIVE: usize = PREP_VALUES + HORNER_STEPS;
const BITS: usize = ACTIVE + 1;
/// Whether the next row continues this row's sum (its `acc_in` is this row's `acc_out`).
const FEEDS_NEXT: usize = BITS + 1;
/// Whether `acc_out` is read (something other than the next row uses it).
const OUT_READ: usize = FEEDS_NEXT + 1;
const PREP_WIDTH: usize = OUT_READ + 1;

/// The Horner table of one circuit.
#[derive(Clone, Debug)]
pub struct HornerTable {
    prep: Preprocessed,
}

impl HornerTable {
    pub(crate) fn new(circuit: &Circuit, min_log_height: usize) -> Self {
        let ops: Vec<_> = circuit.horner_ops().collect();
        let rows: Vec<Vec<Val>> = ops
            .iter()
            .enumerate()
            .map(|(r, op)| {
                let feeds_next = ops.get(r + 1).is_some_and(|next| next.acc_in == op.acc_out);
                [op.alpha, op.acc_out]
                    .iter()
                    .chain(&op.values)
                    .map(|w| Val::from_usize(w.index()))
                    .chain([
                        Val::ONE,
                        Val::from_bool(op.bits),
                        Val::from_bool(feeds_next),
                        Val::from_bool(circuit.is_live(op.acc_out)),
                    ])
                    .collect()
            })
            .collect();
        Self {
            prep: Preprocessed::for_rows(PREP_WIDTH, rows, min_log_height),
        }
    }

    pub(crate) fn height(&self) -> usize {
        self.prep.height()
    }

    pub(crate) fn trace(&self, circuit: &Circuit, witness: &Witness) -> RowMajorMatrix<Val> {
        let mut values = Val::zero_vec(WIDTH * self.prep.height());
        for (row, op) in values.chunks_exact_mut(WIDTH).zip(circuit.horner_ops()) {
            let alpha = witness.slot_value(op.alpha);
            row[ALPHA..ACC_IN].copy_from_slice(&coefficients(alpha));
            row[ACC_IN..VALUES].copy_from_slice(&coefficients(witness.slot_value(op.acc_in)));
            for (cell, v) in row[VALUES..ACCS].iter_mut().zip(&op.values) {
                // Base-field values: the runner has checked the high coefficients are zero.
                *cell = coefficients(witness.slot_value(*v))[0];
            }
            fill_pins(row, alpha);
        }
        RowMajorMatrix::new(values, WIDTH)
    }

    pub(crate) fn eval<AB: InteractionBuilder<F = Val>>(&self, builder: &mut AB)
    where
        AB::Var: Copy,
    {
        let prep = preprocessed_row(builder);
        let main = main_row(builder);
        let ext =
            |at: usize| -> [AB::Expr; EXT_DEGREE] { core::array::from_fn(|k| main[at + k].into()) };
        let alpha = ext(ALPHA);
        let mut acc = ext(ACC_IN);
        for pin in 0..PINS {
            for k in 0..STEPS_PER_PIN {
                let mut next = ext_mul_coefficients(&acc, &alpha);
                next[0] = next[0].clone() + main[VALUES + pin * STEPS_PER_PIN + k].into();
                acc = next;
            }
            let pinned = ext(ACCS + pin * EXT_DEGREE);
            for (a, p) in acc.into_iter().zip(pinned.clone()) {
                builder.assert_eq(a, p);
            }
            acc = pinned;
        }
        let bits = prep[BITS].clone();
        for k in 0..HORNER_STEPS {
            let v: AB::Expr = main[VALUES + k].into();
            builder.assert_zero(bits.clone() * v.clone() * (v - AB::Expr::ONE));
        }
        // The next row's `acc_in` is this row's `acc_out` where it continues the sum, and zero
        // where it starts one. On the last row `feeds_next` is zero, so row 0 starts from zero.
        let next = builder.main().next_slice().to_vec();
        let feeds_next = prep[FEEDS_NEXT].clone();
        for (k, out) in acc.iter().enumerate() {
            let next_in: AB::Expr = next[ACC_IN + k].into();
            builder.assert_zero(next_in - feeds_next.clone() * out.clone());
        }
        let active = prep[ACTIVE].clone();
        read_wire(
            builder,
            prep[PREP_ALPHA].clone(),
            ext(ALPHA),
            active.clone(),
        );
        read_wire(
            builder,
            prep[PREP_ACC_OUT].clone(),
            acc,
            prep[OUT_READ].clone(),
        );
        for (k, index) in prep[PREP_VALUES..PREP_VALUES + HORNER_STEPS]
            .iter()
            .enumerate()
        {
            read_base_wire(
                builder,
                index.clone(),
                main[VALUES + k].into(),
                active.clone(),
            );
        }
    }
}

/// Fills a trace row's pins and `acc_out` from its `α` (given), `acc_in` and values.
fn fill_pins(row: &mut [Val], alpha: Ext) {
    use p3_field::BasedVectorSpace;
    let mut acc = Ext::from_basis_coefficients_fn(|k| row[ACC_IN + k]);
    for pin in 0..PINS {
        for k in 0..STEPS_PER_PIN {
            acc = acc * alpha + row[VALUES + pin * STEPS_PER_PIN + k];
        }
        let at = ACCS + pin * EXT_DEGREE;
        row[at..at + EXT_DEGREE].copy_from_slice(&coefficients(acc));
    }
}

/// Forges a trace row: `shift` added to its `acc_in`, its pins and `acc_out` recomputed, so
/// that it satisfies its own constraints.
#[cfg(test)]
pub(crate) fn forge_row(row: &mut [Val], shift: Val) {
    use p3_field::BasedVectorSpace;
    let alpha = Ext::from_basis_coefficients_fn(|k| row[ALPHA + k]);
    row[ACC_IN] += shift;
    fill_pins(row, alpha);
}

impl BaseAir<Val> for HornerTable {
    fn width(&self) -> usize {
        WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        (ACC_IN..ACC_IN + EXT_DEGREE).collect()
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        Some(self.prep.matrix())
    }

    fn preprocessed_width(&self) -> usize {
        PREP_WIDTH
    }
}
