//! The ALU table: one row per `a · b + c = d` over the quintic extension.
//!
//! Preprocessed: the four wire indices and `active`. Main: the four values, five coefficients
//! each. Padding rows are all zero, which satisfies the constraint and reads nothing.

use alloc::vec::Vec;

use p3_air::BaseAir;
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use super::{Preprocessed, main_row, preprocessed_row, read_wire};
use crate::circuit::{Circuit, Witness};
use crate::field::{EXT_DEGREE, Val, coefficients, ext_mul_coefficients};

const PREP_WIDTH: usize = 5;
const WIDTH: usize = 4 * EXT_DEGREE;

/// The ALU table of one circuit.
#[derive(Clone, Debug)]
pub struct AluTable {
    prep: Preprocessed,
}

impl AluTable {
    pub(crate) fn new(circuit: &Circuit) -> Self {
        let rows: Vec<Vec<Val>> = circuit
            .alu_ops()
            .map(|op| {
                let mut row: Vec<Val> = op
                    .wires
                    .iter()
                    .map(|w| Val::from_usize(w.index()))
                    .collect();
                row.push(Val::ONE);
                row
            })
            .collect();
        Self {
            prep: Preprocessed::for_rows(PREP_WIDTH, rows),
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
        for k in 0..EXT_DEGREE {
            builder.assert_eq(product[k].clone() + c[k].clone(), d[k].clone());
        }
        let active = prep[4].clone();
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
