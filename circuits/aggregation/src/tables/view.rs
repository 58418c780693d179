//! A table as a native verifier hands it to Plonky3.
//!
//! `p3_batch_stark::verify_batch` re-derives every table's constraint degree on each call by
//! evaluating the AIR over symbolic expressions (to know how many quotient chunks to expect).
//! For a wrap proof that is about a seventh of verification, most of it the Poseidon2 table's
//! expression trees being built and dropped. The degree is a property of the circuit, fixed
//! when its key is built, so the key measures it once and the verifier reads it from this view
//! through the AIR's degree hint ([`BaseAir::max_constraint_degree`]).

use alloc::vec::Vec;

use p3_air::symbolic::AirLayout;
use p3_air::{Air, BaseAir};
use p3_batch_stark::folder::VerifierConstraintFolderWithLookups;
use p3_batch_stark::symbolic::get_max_constraint_degree;
use p3_lookup::{InteractionSymbolicBuilder, LogUpGadget, Lookup};
use p3_matrix::dense::RowMajorMatrix;

use super::Table;
use crate::config::AggregationConfig;
use crate::field::{Ext, Val};

/// A table whose symbolic evaluation is empty and whose degree hint is the degree of its
/// constraints and lookups, measured from the real table by [`constraint_degree`]. Every other
/// evaluation, above all the out-of-domain check, runs the real constraints.
pub(crate) struct VerifierView<'a> {
    table: &'a Table,
    degree: usize,
}

impl<'a> VerifierView<'a> {
    pub(crate) fn new(table: &'a Table, degree: usize) -> Self {
        Self { table, degree }
    }
}

/// The largest degree among `table`'s constraints and its `lookups`' constraints, exactly as
/// `verify_batch` derives it for a trace of `2^log_height` rows.
pub(crate) fn constraint_degree(
    table: &Table,
    log_height: usize,
    lookups: &[Lookup<Val>],
) -> usize {
    get_max_constraint_degree::<Val, Ext, _, _>(
        table,
        layout(table),
        1 << log_height,
        lookups,
        &LogUpGadget::new(),
    )
}

/// The columns `verify_batch` lays out for `table` before adding its lookups'.
pub(crate) fn layout(table: &Table) -> AirLayout {
    AirLayout {
        preprocessed_width: BaseAir::<Val>::preprocessed_width(table),
        main_width: BaseAir::<Val>::width(table),
        num_public_values: BaseAir::<Val>::num_public_values(table),
        num_periodic_columns: BaseAir::<Val>::num_periodic_columns(table),
        ..Default::default()
    }
}

impl BaseAir<Val> for VerifierView<'_> {
    fn width(&self) -> usize {
        BaseAir::<Val>::width(self.table)
    }

    fn num_public_values(&self) -> usize {
        BaseAir::<Val>::num_public_values(self.table)
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        BaseAir::<Val>::preprocessed_trace(self.table)
    }

    fn preprocessed_width(&self) -> usize {
        BaseAir::<Val>::preprocessed_width(self.table)
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        BaseAir::<Val>::preprocessed_next_row_columns(self.table)
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        BaseAir::<Val>::main_next_row_columns(self.table)
    }

    fn num_periodic_columns(&self) -> usize {
        BaseAir::<Val>::num_periodic_columns(self.table)
    }

    fn max_constraint_degree(&self) -> Option<usize> {
        Some(self.degree)
    }
}

/// The symbolic pass only sizes the quotient; the hint above carries the degree.
impl Air<InteractionSymbolicBuilder<Val, Ext>> for VerifierView<'_> {
    fn eval(&self, _builder: &mut InteractionSymbolicBuilder<Val, Ext>) {}
}

/// Every evaluation with values (the out-of-domain check) runs the table's constraints.
impl<'b> Air<VerifierConstraintFolderWithLookups<'b, AggregationConfig>> for VerifierView<'_> {
    fn eval(&self, builder: &mut VerifierConstraintFolderWithLookups<'b, AggregationConfig>) {
        self.table.eval(builder)
    }
}
