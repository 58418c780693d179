//! The witness table: row `r` holds the values of wires `wr … wr + w − 1` and provides each on
//! the wire bus as often as the other tables read it. Constants are preprocessed and enforced
//! here.
//!
//! `w` (1 to 8 wires per row) is the fewest that keep the table no taller than the circuit's
//! tallest other table. Every commitment's Merkle tree and every extension follow the tallest
//! table; a table of a height of its own also costs an FRI round (FRI commits at every input
//! height); and fewer wires per row mean fewer columns to open at every query.
//!
//! Preprocessed: `index` (the row's first wire), then per wire `is_const, const[5]`.
//! Main: per wire `value[5], uses`.

use alloc::vec::Vec;

use p3_air::BaseAir;
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_lookup::{InteractionBuilder, LookupBus};
use p3_matrix::dense::RowMajorMatrix;

use super::{Preprocessed, WIRE_BUS, height_for, main_row, preprocessed_row};
use crate::circuit::{Circuit, Op, Wire, Witness};
use crate::field::{EXT_DEGREE, Val, as_base, coefficients};
use crate::tables::poseidon2::{READ_OUTPUTS, WIDTH as LANES};

/// Fewest and most wires per row.
const WIRES_PER_ROW: core::ops::RangeInclusive<usize> = 1..=8;
/// Preprocessed columns per wire: `is_const, const[5]`.
const PREP_PER_WIRE: usize = 1 + EXT_DEGREE;
/// Main columns per wire: `value[5], uses`.
pub const MAIN_PER_WIRE: usize = EXT_DEGREE + 1;

/// The witness table of one circuit.
#[derive(Clone, Debug)]
pub struct WitnessTable {
    wires_per_row: usize,
    prep: Preprocessed,
}

impl WitnessTable {
    /// The witness table of `circuit`, whose other tables are at most `tallest` rows.
    pub(crate) fn new(circuit: &Circuit, tallest: usize, min_log_height: usize) -> Self {
        let rows_for = |w: usize| height_for(circuit.num_wires().div_ceil(w), min_log_height);
        let wires_per_row = WIRES_PER_ROW
            .clone()
            .find(|&w| rows_for(w) <= tallest)
            .unwrap_or(*WIRES_PER_ROW.end());
        let height = rows_for(wires_per_row);
        let prep_width = 1 + wires_per_row * PREP_PER_WIRE;
        let mut rows: Vec<Vec<Val>> = (0..height)
            .map(|r| {
                let mut row = alloc::vec![Val::ZERO; prep_width];
                row[0] = Val::from_usize(r * wires_per_row);
                row
            })
            .collect();
        for (w, c) in circuit.constants() {
            let at = 1 + (w.index() % wires_per_row) * PREP_PER_WIRE;
            let row = &mut rows[w.index() / wires_per_row];
            row[at] = Val::ONE;
            row[at + 1..at + PREP_PER_WIRE].copy_from_slice(&coefficients(c));
        }
        Self {
            wires_per_row,
            prep: Preprocessed::new(prep_width, height, rows),
        }
    }

    fn width(&self) -> usize {
        self.wires_per_row * MAIN_PER_WIRE
    }

    pub(crate) fn height(&self) -> usize {
        self.prep.height()
    }

    pub(crate) fn trace(&self, circuit: &Circuit, witness: &Witness) -> RowMajorMatrix<Val> {
        let mut uses = alloc::vec![0u32; circuit.num_wires()];
        // The public table reads the public inputs, unless a permutation binds them.
        let binds_public = circuit.public_permutation().is_none();
        for op in circuit.ops() {
            match op {
                Op::Public(w, _) if binds_public => uses[w.index()] += 1,
                Op::Alu(alu) => alu.wires.iter().for_each(|w| uses[w.index()] += 1),
                Op::Horner(horner) => horner
                    .always_read()
                    .copied()
                    .chain(Some(horner.acc_out).filter(|w| circuit.is_live(*w)))
                    .for_each(|w| uses[w.index()] += 1),
                Op::Perm(perm) => {
                    // A cap row reads its output lanes at the entry its index names.
                    let entry = perm.cap.map_or(0, |c| {
                        as_base(witness.slot_value(c.index)).map_or(0, |e| e.as_canonical_u32())
                    });
                    let outputs = perm.output.iter().enumerate().map(|(k, w)| {
                        if perm.cap.is_some() && k < READ_OUTPUTS {
                            Wire(w.0 + entry * READ_OUTPUTS as u32)
                        } else {
                            *w
                        }
                    });
                    (0..LANES)
                        .filter(|&k| !perm.from_table(k))
                        .map(|k| perm.input[k])
                        .chain(outputs)
                        .chain(perm.swap)
                        .chain(perm.cap.map(|c| c.index))
                        .filter(|w| circuit.is_live(*w))
                        .for_each(|w| uses[w.index()] += 1)
                }
                Op::Const(..) | Op::Public(..) | Op::Private(..) | Op::Bits { .. } => {}
            }
        }
        // Wire `i`'s columns are the `i`-th run of `MAIN_PER_WIRE`, rows being consecutive.
        let mut values = Val::zero_vec(self.width() * self.prep.height());
        // `uses` has one entry per live slot, so this stops before the dead ones.
        for (cells, (value, n)) in values
            .chunks_exact_mut(MAIN_PER_WIRE)
            .zip(witness.values.iter().zip(uses))
        {
            cells[..EXT_DEGREE].copy_from_slice(&coefficients(*value));
            cells[EXT_DEGREE] = Val::from_u32(n);
        }
        RowMajorMatrix::new(values, self.width())
    }

    pub(crate) fn eval<AB: InteractionBuilder<F = Val>>(&self, builder: &mut AB)
    where
        AB::Var: Copy,
    {
        let prep = preprocessed_row(builder);
        let main = main_row(builder);
        for k in 0..self.wires_per_row {
            let (constant, wire) = (
                &prep[1 + k * PREP_PER_WIRE..1 + (k + 1) * PREP_PER_WIRE],
                &main[k * MAIN_PER_WIRE..(k + 1) * MAIN_PER_WIRE],
            );
            for c in 0..EXT_DEGREE {
                let value: AB::Expr = wire[c].into();
                builder.assert_zero(constant[0].clone() * (value - constant[1 + c].clone()));
            }
            let mut key = Vec::with_capacity(1 + EXT_DEGREE);
            key.push(prep[0].clone() + AB::Expr::from_usize(k));
            key.extend(wire[..EXT_DEGREE].iter().map(|&v| v.into()));
            LookupBus::new(WIRE_BUS).table_entry(builder, key, wire[EXT_DEGREE]);
        }
    }
}

impl BaseAir<Val> for WitnessTable {
    fn width(&self) -> usize {
        WitnessTable::width(self)
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        Some(self.prep.matrix())
    }

    fn preprocessed_width(&self) -> usize {
        1 + self.wires_per_row * PREP_PER_WIRE
    }
}
