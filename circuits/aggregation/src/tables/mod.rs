//! The STARK tables that prove a circuit run, connected by one LogUp bus of wires.
//!
//! Every table row that reads or writes wire `i` with value `v` queries the tuple
//! `(i, v₀, …, v₄)` on the [`WIRE_BUS`]; the [`witness`] table provides each tuple once per
//! query. Because the witness table holds exactly one entry per index, every use of a wire sees the
//! same value. The index columns of every table are preprocessed from the [`Circuit`], so the
//! wiring is fixed by the verifier, never chosen by the prover.
//!
//! - [`witness`]: one to eight wires per row: their values and how often each is used; the
//!   constants in its first column.
//! - [`public`]: binds the public-input wires to the proof's public values.
//! - [`alu`]: one or two `k · a · b + l · c = d` a row in the extension field.
//! - [`poseidon2`]: one row per permutation of base-field lanes.
//! - [`horner`]: one row per six Horner steps over base-field values (or bits).

pub mod alu;
pub mod horner;
pub mod poseidon2;
pub mod public;
pub(crate) mod view;
pub mod witness;

use alloc::vec::Vec;

use p3_air::{Air, AirBuilder, BaseAir};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder, LookupBus};
use p3_matrix::dense::RowMajorMatrix;

use crate::circuit::{Circuit, Witness};
use crate::field::{EXT_DEGREE, Val};

/// The bus on which every table reads wires.
pub const WIRE_BUS: &str = "wire";

/// The trace height for `rows` used rows, in a setting whose tables are at least
/// `2^min_log_height` rows ([`crate::config::FriSetting::min_log_height`]).
pub(crate) fn height_for(rows: usize, min_log_height: usize) -> usize {
    rows.next_power_of_two().max(1 << min_log_height)
}

/// Queries `(index, value)` on the wire bus when `active` is one.
pub(crate) fn read_wire<AB: InteractionBuilder<F = Val>>(
    builder: &mut AB,
    index: AB::Expr,
    value: [AB::Expr; EXT_DEGREE],
    active: AB::Expr,
) {
    let mut key = Vec::with_capacity(1 + EXT_DEGREE);
    key.push(index);
    key.extend(value);
    LookupBus::new(WIRE_BUS).lookup_key(builder, key, Count::bounded(active, 1));
}

/// Queries a base-field wire: the four high coefficients are zero.
pub(crate) fn read_base_wire<AB: InteractionBuilder<F = Val>>(
    builder: &mut AB,
    index: AB::Expr,
    value: AB::Expr,
    active: AB::Expr,
) {
    let value = core::array::from_fn(|k| {
        if k == 0 {
            value.clone()
        } else {
            AB::Expr::ZERO
        }
    });
    read_wire(builder, index, value, active);
}

/// One table of a circuit's proof.
#[derive(Clone, Debug)]
pub enum Table {
    /// Wire values.
    Witness(witness::WitnessTable),
    /// Public inputs.
    Public(public::PublicTable),
    /// Extension-field multiply–add.
    Alu(alu::AluTable),
    /// Poseidon2 permutations.
    Poseidon2(poseidon2::Poseidon2Table),
    /// Horner steps.
    Horner(horner::HornerTable),
}

/// The tables of a circuit, in proof order. A table is left out when the circuit has no row for
/// it (the witness table is always there, first). No table is shorter than `2^min_log_height`
/// rows.
pub fn tables(circuit: &Circuit, min_log_height: usize) -> Vec<Table> {
    let mut tables = Vec::new();
    if circuit.num_public() > 0 && circuit.public_permutation().is_none() {
        tables.push(Table::Public(public::PublicTable::new(
            circuit,
            min_log_height,
        )));
    }
    if circuit.perm_ops().next().is_some() {
        tables.push(Table::Poseidon2(poseidon2::Poseidon2Table::new(
            circuit,
            min_log_height,
        )));
    }
    if circuit.horner_ops().next().is_some() {
        tables.push(Table::Horner(horner::HornerTable::new(
            circuit,
            min_log_height,
        )));
    }
    let tallest = |tables: &[Table]| {
        tables
            .iter()
            .map(|t| 1 << t.log_height())
            .max()
            .unwrap_or(1 << min_log_height)
    };
    if circuit.alu_ops().next().is_some() {
        let alu = alu::AluTable::new(circuit, tallest(&tables), min_log_height);
        let after_public = usize::from(matches!(tables.first(), Some(Table::Public(_))));
        tables.insert(after_public, Table::Alu(alu));
    }
    let tallest = tallest(&tables);
    let witness = witness::WitnessTable::new(circuit, tallest, min_log_height);
    tables.insert(0, Table::Witness(witness));
    tables
}

/// Runs `$body` on whichever table `$self` is.
macro_rules! dispatch {
    ($self:expr, $t:ident => $body:expr) => {
        match $self {
            Table::Witness($t) => $body,
            Table::Public($t) => $body,
            Table::Alu($t) => $body,
            Table::Poseidon2($t) => $body,
            Table::Horner($t) => $body,
        }
    };
}

impl Table {
    /// The table's main trace for a witness of its circuit.
    pub fn trace(&self, circuit: &Circuit, witness: &Witness) -> RowMajorMatrix<Val> {
        match self {
            Self::Witness(t) => t.trace(circuit, witness),
            Self::Public(t) => t.trace(witness),
            Self::Alu(t) => t.trace(circuit, witness),
            Self::Poseidon2(t) => t.trace(circuit, witness),
            Self::Horner(t) => t.trace(circuit, witness),
        }
    }

    /// The public values this table's instance carries: the circuit's for the table that binds
    /// them (the public table, or the Poseidon2 table when a permutation computes them), none
    /// for the others.
    pub fn public_values(&self, public: &[Val]) -> Vec<Val> {
        if BaseAir::<Val>::num_public_values(self) > 0 {
            public.to_vec()
        } else {
            Vec::new()
        }
    }

    /// `log2` of the trace height.
    pub fn log_height(&self) -> usize {
        dispatch!(self, t => t.height()).trailing_zeros() as usize
    }
}

impl BaseAir<Val> for Table {
    fn width(&self) -> usize {
        dispatch!(self, t => BaseAir::<Val>::width(t))
    }

    fn num_public_values(&self) -> usize {
        dispatch!(self, t => BaseAir::<Val>::num_public_values(t))
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        dispatch!(self, t => BaseAir::<Val>::preprocessed_trace(t))
    }

    fn preprocessed_width(&self) -> usize {
        dispatch!(self, t => BaseAir::<Val>::preprocessed_width(t))
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        match self {
            Table::Poseidon2(t) => BaseAir::<Val>::main_next_row_columns(t),
            Table::Horner(t) => BaseAir::<Val>::main_next_row_columns(t),
            _ => Vec::new(),
        }
    }
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for Table
where
    AB::Var: Copy,
{
    fn eval(&self, builder: &mut AB) {
        dispatch!(self, t => t.eval(builder))
    }
}

/// A table's height and preprocessed columns.
#[derive(Clone, Debug)]
pub struct Preprocessed {
    height: usize,
    matrix: RowMajorMatrix<Val>,
}

impl Preprocessed {
    /// `rows` (of `width` values each), then zero rows up to `height`.
    pub(crate) fn new(width: usize, height: usize, rows: Vec<Vec<Val>>) -> Self {
        let mut values = Val::zero_vec(width * height);
        for (r, row) in rows.into_iter().enumerate() {
            values[r * width..(r + 1) * width].copy_from_slice(&row);
        }
        Self {
            height,
            matrix: RowMajorMatrix::new(values, width),
        }
    }

    /// One row per operation, at least `2^min_log_height` rows.
    pub(crate) fn for_rows(width: usize, rows: Vec<Vec<Val>>, min_log_height: usize) -> Self {
        Self::new(width, height_for(rows.len(), min_log_height), rows)
    }

    pub(crate) fn height(&self) -> usize {
        self.height
    }

    pub(crate) fn matrix(&self) -> RowMajorMatrix<Val> {
        self.matrix.clone()
    }
}

/// The builder's preprocessed row as owned expressions.
pub(crate) fn preprocessed_row<AB: AirBuilder>(builder: &AB) -> Vec<AB::Expr> {
    use p3_air::WindowAccess;
    builder
        .preprocessed()
        .current_slice()
        .iter()
        .map(|v| (*v).into())
        .collect()
}

/// The builder's main row as variables.
pub(crate) fn main_row<AB: AirBuilder>(builder: &AB) -> Vec<AB::Var>
where
    AB::Var: Copy,
{
    use p3_air::WindowAccess;
    builder.main().current_slice().to_vec()
}
