//! The Poseidon2 table: one row per permutation, reusing the transaction circuit's flat
//! degree-3 permutation columns. Each row reads its 24 input and 24 output lanes as base-field
//! wires.
//!
//! Preprocessed: 24 input indices, 24 output indices, `active` (for the inputs) and one flag per
//! output lane (zero for a lane nothing else reads, which has no witness row). Padding rows
//! permute zeros.

use alloc::vec::Vec;

use p3_air::BaseAir;
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;
pub use transaction_circuit::poseidon2_cols::WIDTH;
use transaction_circuit::poseidon2_cols::{self, NUM_POSEIDON2_COLS as COLS, Poseidon2Cols};

use super::{height_for, main_row, preprocessed, preprocessed_row, read_base_wire};
use crate::circuit::{Circuit, Witness};
use crate::field::{Val, as_base};

const PREP_WIDTH: usize = 3 * WIDTH + 1;

/// The Poseidon2 table of one circuit.
#[derive(Clone, Debug)]
pub struct Poseidon2Table {
    height: usize,
    prep: RowMajorMatrix<Val>,
}

impl Poseidon2Table {
    pub(crate) fn new(circuit: &Circuit) -> Self {
        let rows: Vec<Vec<Val>> = circuit
            .perm_ops()
            .map(|op| {
                let mut row: Vec<Val> = op
                    .input
                    .iter()
                    .chain(&op.output)
                    .map(|w| Val::from_usize(w.index()))
                    .collect();
                row.push(Val::ONE);
                row.extend(
                    op.output
                        .iter()
                        .map(|w| Val::from_bool(circuit.is_live(*w))),
                );
                row
            })
            .collect();
        let height = height_for(rows.len());
        Self {
            height,
            prep: preprocessed(PREP_WIDTH, height, rows),
        }
    }

    pub(crate) fn height(&self) -> usize {
        self.height
    }

    pub(crate) fn trace(&self, circuit: &Circuit, witness: &Witness) -> RowMajorMatrix<Val> {
        let mut values = Vec::with_capacity(COLS * self.height);
        let mut used = 0;
        for op in circuit.perm_ops() {
            // `run` has checked every lane is a base element.
            let input = op
                .input
                .map(|w| as_base(witness.slot_value(w)).unwrap_or_default());
            poseidon2_cols::fill(input).write_to(&mut values);
            used += 1;
        }
        let padding = poseidon2_cols::fill([Val::ZERO; WIDTH]);
        for _ in used..self.height {
            padding.write_to(&mut values);
        }
        RowMajorMatrix::new(values, COLS)
    }

    pub(crate) fn eval<AB: InteractionBuilder<F = Val>>(&self, builder: &mut AB)
    where
        AB::Var: Copy,
    {
        let prep = preprocessed_row(builder);
        let main = main_row(builder);
        let cols = Poseidon2Cols::from_slice(&main);
        poseidon2_cols::eval(builder, &cols);
        let active = prep[2 * WIDTH].clone();
        for (i, lane) in cols.input.iter().enumerate() {
            read_base_wire(builder, prep[i].clone(), (*lane).into(), active.clone());
        }
        for (i, lane) in cols.output().iter().enumerate() {
            let read = prep[2 * WIDTH + 1 + i].clone();
            read_base_wire(builder, prep[WIDTH + i].clone(), (*lane).into(), read);
        }
    }
}

impl BaseAir<Val> for Poseidon2Table {
    fn width(&self) -> usize {
        COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        Some(self.prep.clone())
    }

    fn preprocessed_width(&self) -> usize {
        PREP_WIDTH
    }
}
