//! The public table: binds the public-input wires to the proof's public values.
//!
//! One active row (preprocessed `active = [1, 0, …]`) whose columns are the public inputs; the
//! first row must equal the public values and reads each column's wire on the bus.

use alloc::vec::Vec;

use p3_air::{AirBuilder, BaseAir};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use super::{Preprocessed, main_row, preprocessed_row, read_base_wire};
use crate::circuit::{Circuit, Witness};
use crate::field::Val;

/// The public table of one circuit.
#[derive(Clone, Debug)]
pub struct PublicTable {
    /// The wire index of each public input.
    wires: Vec<usize>,
    prep: Preprocessed,
}

impl PublicTable {
    pub(crate) fn new(circuit: &Circuit, min_log_height: usize) -> Self {
        Self {
            wires: circuit.public_wires().iter().map(|w| w.index()).collect(),
            prep: Preprocessed::for_rows(1, alloc::vec![alloc::vec![Val::ONE]], min_log_height),
        }
    }

    pub(crate) fn height(&self) -> usize {
        self.prep.height()
    }

    pub(crate) fn trace(&self, witness: &Witness) -> RowMajorMatrix<Val> {
        let width = self.wires.len();
        let mut values = Val::zero_vec(width * self.prep.height());
        values[..width].copy_from_slice(witness.public());
        RowMajorMatrix::new(values, width)
    }

    pub(crate) fn eval<AB: InteractionBuilder<F = Val>>(&self, builder: &mut AB)
    where
        AB::Var: Copy,
    {
        let active = preprocessed_row(builder)[0].clone();
        let main = main_row(builder);
        let public: Vec<AB::Expr> = builder.public_values().iter().map(|&p| p.into()).collect();
        for (j, (&column, wire)) in main.iter().zip(&self.wires).enumerate() {
            builder
                .when_first_row()
                .assert_eq(column, public[j].clone());
            read_base_wire(
                builder,
                Val::from_usize(*wire).into(),
                column.into(),
                active.clone(),
            );
        }
    }
}

impl BaseAir<Val> for PublicTable {
    fn width(&self) -> usize {
        self.wires.len()
    }

    fn num_public_values(&self) -> usize {
        self.wires.len()
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        Some(self.prep.matrix())
    }

    fn preprocessed_width(&self) -> usize {
        1
    }
}
