//! The ALU table: one `k · a · b + l · c = d` per lane over the quintic extension, `k` and `l`
//! base-field constants of the circuit (a plain multiply–add has both one). The constants save
//! rows where a product or an addend is scaled by a constant: a select against a constant
//! factor, a division by a value shifted by a constant, a constant-weighted sum.
//!
//! A row holds one or two lanes (operations `lanes · r + j`): two when one would make the table
//! the circuit's tallest. Every commitment's Merkle tree and every extension follow the tallest
//! table, and a height of its own costs an FRI round, so an ALU table twice as wide and half as
//! tall costs its prover the same cells and shortens every path a verifier of the proof walks
//! (`docs/spec/aggregation.md#alu-lanes`).
//!
//! Preprocessed, per lane: the four wire indices, `active`, `k` and `l`. Main, per lane: the four
//! values, five coefficients each. Padding lanes are all zero, which satisfies the constraint and
//! reads nothing.

use alloc::vec::Vec;

use p3_air::BaseAir;
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use super::{Preprocessed, height_for, main_row, preprocessed_row, read_wire};
use crate::circuit::{Circuit, Witness};
use crate::field::{EXT_DEGREE, Val, coefficients, ext_mul_coefficients};

const ACTIVE: usize = 4;
const SCALES: usize = 5;
const PREP_WIDTH: usize = 7;
const WIDTH: usize = 4 * EXT_DEGREE;
/// Most lanes a row holds.
const MAX_LANES: usize = 2;

/// The ALU table of one circuit.
#[derive(Clone, Debug)]
pub struct AluTable {
    lanes: usize,
    prep: Preprocessed,
}

impl AluTable {
    /// The ALU table of `circuit`, with the fewest lanes a row that keep it no taller than
    /// `tallest` rows (the circuit's tallest other table).
    pub(crate) fn new(circuit: &Circuit, tallest: usize, min_log_height: usize) -> Self {
        let ops = circuit.alu_ops().count();
        let lanes = (1..=MAX_LANES)
            .find(|&lanes| height_for(ops.div_ceil(lanes), min_log_height) <= tallest)
            .unwrap_or(MAX_LANES);
        let rows: Vec<Vec<Val>> = circuit
            .alu_ops()
            .flat_map(|op| {
                op.wires
                    .iter()
                    .map(|w| Val::from_usize(w.index()))
                    .chain([Val::ONE])
                    .chain(op.scales)
            })
            .collect::<Vec<Val>>()
            .chunks(lanes * PREP_WIDTH)
            .map(|row| {
                let mut row = row.to_vec();
                row.resize(lanes * PREP_WIDTH, Val::ZERO);
                row
            })
            .collect();
        Self {
            lanes,
            prep: Preprocessed::for_rows(lanes * PREP_WIDTH, rows, min_log_height),
        }
    }

    pub(crate) fn height(&self) -> usize {
        self.prep.height()
    }

    pub(crate) fn trace(&self, circuit: &Circuit, witness: &Witness) -> RowMajorMatrix<Val> {
        let mut values = Val::zero_vec(self.width() * self.prep.height());
        for (lane, op) in values.chunks_exact_mut(WIDTH).zip(circuit.alu_ops()) {
            for (slot, w) in lane.chunks_exact_mut(EXT_DEGREE).zip(op.wires) {
                slot.copy_from_slice(&coefficients(witness.slot_value(w)));
            }
        }
        RowMajorMatrix::new(values, self.width())
    }

    fn width(&self) -> usize {
        self.lanes * WIDTH
    }

    pub(crate) fn eval<AB: InteractionBuilder<F = Val>>(&self, builder: &mut AB)
    where
        AB::Var: Copy,
    {
        let prep_row = preprocessed_row(builder);
        let main_row = main_row(builder);
        for (prep, main) in prep_row
            .chunks_exact(PREP_WIDTH)
            .zip(main_row.chunks_exact(WIDTH))
        {
            let value = |slot: usize| -> [AB::Expr; EXT_DEGREE] {
                core::array::from_fn(|k| main[slot * EXT_DEGREE + k].into())
            };
            let (a, b, c, d) = (value(0), value(1), value(2), value(3));
            let product = ext_mul_coefficients(&a, &b);
            let (k, l) = (prep[SCALES].clone(), prep[SCALES + 1].clone());
            for i in 0..EXT_DEGREE {
                builder.assert_eq(
                    k.clone() * product[i].clone() + l.clone() * c[i].clone(),
                    d[i].clone(),
                );
            }
            let active = prep[ACTIVE].clone();
            for (slot, v) in [a, b, c, d].into_iter().enumerate() {
                read_wire(builder, prep[slot].clone(), v, active.clone());
            }
        }
    }
}

impl BaseAir<Val> for AluTable {
    fn width(&self) -> usize {
        self.width()
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        Some(self.prep.matrix())
    }

    fn preprocessed_width(&self) -> usize {
        self.lanes * PREP_WIDTH
    }
}
