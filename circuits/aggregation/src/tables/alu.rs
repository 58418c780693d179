//! The ALU table: one row per `k · a · b + l · c = d` over the quintic extension, `k` and `l`
//! base-field constants of the circuit (a plain multiply–add has both one). The constants save
//! rows where a product or an addend is scaled by a constant: a select against a constant
//! factor, a division by a value shifted by a constant, a constant-weighted sum.
//!
//! Preprocessed: the four wire indices, `active`, `k` and `l`. Main: the four values, five
//! coefficients each. Padding rows are all zero, which satisfies the constraint and reads
//! nothing.

use alloc::vec::Vec;

use p3_air::BaseAir;
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use super::{Preprocessed, main_row, preprocessed_row, read_wire};
use crate::circuit::{Circuit, Witness};
use crate::field::{EXT_DEGREE, Val, coefficients, ext_mul_coefficients};

const ACTIVE: usize = 4;
const SCALES: usize = 5;
const PREP_WIDTH: usize = 7;
const WIDTH: usize = 4 * EXT_DEGREE;

/// The ALU table of one circuit.
#[derive(Clone, Debug)]
pub struct AluTable {
    prep: Preprocessed,
}

impl AluTable {
    pub(crate) fn new(circuit: &Circuit, min_log_height: usize) -> Self {
        let rows: Vec<Vec<Val>> = circuit
            .alu_ops()
            .map(|op| {
                let mut row: Vec<Val> = op
                    .wires
                    .iter()
                    .map(|w| Val::from_usize(w.index()))
                    .collect();
                row.push(Val::ONE);
                row.extend(op.scales);
                row
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
        for (row, op) in values.chunks_exact_mut(WIDTH).zip(circuit.alu_ops()) {
            for (slot, w) in row.chunks_exact_mut(EXT_DEGREE).zip(op.wires) {
                slot.copy_from_slice(&coefficients(witness.slot_value(w)));
            }
        }
        RowMajorMatrix::new(values, WIDTH)
    }

    pub(crate) fn eval<AB: InteractionBuilder<F = Val>>(&self, builder: &mut AB)
    where
        AB::Var: Copy,
    {
        let prep = preprocessed_row(builder);
        let main = main_row(builder);
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

impl BaseAir<Val> for AluTable {
    fn width(&self) -> usize {
        WIDTH
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        Some(self.prep.matrix())
    }

    fn preprocessed_width(&self) -> usize {
        PREP_WIDTH
    }
}
