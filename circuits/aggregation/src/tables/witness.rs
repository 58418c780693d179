//! The witness table: row `r` of a table of height `H` holds the values of wires
//! `r, H + r, …, (w − 1)·H + r` and provides each on the wire bus as often as the other tables
//! read it. Its first column thus holds wires `0‥H − 1`, where the builder puts every constant
//! ([`crate::CircuitBuilder::build`]), so that one preprocessed constant per row fixes them:
//! wire 0 is the extension's generator `X`, fixed on the first row, and the others are
//! base-field constants (the builder makes any other extension constant from `X` on ALU rows).
//! Each wire position more costs a verifier three opened values, not six.
//!
//! `w` (1 to 8 wires per row) is the fewest that keep the table no taller than the circuit's
//! tallest other table. Every commitment's Merkle tree and every extension follow the tallest
//! table; a table of a height of its own also costs an FRI round (FRI commits at every input
//! height); and fewer wires per row mean fewer columns to open at every query.
//!
//! Preprocessed: `index` (the row's first wire, `r`), `is_const`, `const` (of the first wire).
//! Main: per wire `value[5], uses`.

use alloc::vec::Vec;

use p3_air::{AirBuilder, BaseAir};
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_lookup::{InteractionBuilder, LookupBus};
use p3_matrix::dense::RowMajorMatrix;

use super::{Preprocessed, WIRE_BUS, height_for, main_row, preprocessed_row};
use crate::circuit::{Circuit, Op, Wire, Witness};
use crate::field::{EXT_DEGREE, Val, as_base, coefficients, extension_generator};
use crate::tables::poseidon2::{READ_OUTPUTS, WIDTH as LANES};

/// Fewest and most wires per row.
const WIRES_PER_ROW: core::ops::RangeInclusive<usize> = 1..=8;
const IS_CONST: usize = 1;
const CONST: usize = 2;
const PREP_WIDTH: usize = 3;
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
        // The constants, all in the first column.
        let constants: Vec<(usize, Val)> = circuit
            .constants()
            .filter(|(w, c)| {
                let generator = w.index() == 0;
                assert_eq!(
                    generator,
                    *c == extension_generator(),
                    "wire 0 holds the generator X, and only wire 0"
                );
                !generator
            })
            .map(|(w, c)| {
                let value = as_base(c).unwrap_or_else(|| {
                    unreachable!("the builder makes extension constants from X on ALU rows")
                });
                (w.index(), value)
            })
            .collect();
        let first_column = constants.iter().map(|(w, _)| w + 1).max().unwrap_or(1);
        let rows_for = |w: usize| {
            height_for(circuit.num_wires().div_ceil(w), min_log_height)
                .max(first_column.next_power_of_two())
        };
        let wires_per_row = WIRES_PER_ROW
            .clone()
            .find(|&w| rows_for(w) <= tallest)
            .unwrap_or(*WIRES_PER_ROW.end());
        let height = rows_for(wires_per_row);
        let mut rows: Vec<Vec<Val>> = (0..height)
            .map(|r| alloc::vec![Val::from_usize(r), Val::ZERO, Val::ZERO])
            .collect();
        for (w, c) in constants {
            rows[w][IS_CONST] = Val::ONE;
            rows[w][CONST] = c;
        }
        Self {
            wires_per_row,
            prep: Preprocessed::new(PREP_WIDTH, height, rows),
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
        // Wire `i` is in row `i mod H`, at position `⌊i / H⌋`.
        let height = self.prep.height();
        let mut values = Val::zero_vec(self.width() * height);
        // `uses` has one entry per live slot, so this stops before the dead ones.
        for (i, (value, n)) in witness.values.iter().zip(uses).enumerate() {
            let at = (i % height) * self.width() + (i / height) * MAIN_PER_WIRE;
            let cells = &mut values[at..at + MAIN_PER_WIRE];
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
        // The first column: a base constant where `is_const`, and `X` on the first row.
        let first: Vec<AB::Expr> = main[..EXT_DEGREE].iter().map(|&v| v.into()).collect();
        let is_const = prep[IS_CONST].clone();
        for (k, value) in first.iter().enumerate() {
            let constant = if k == 0 {
                prep[CONST].clone()
            } else {
                AB::Expr::ZERO
            };
            builder.assert_zero(is_const.clone() * (value.clone() - constant));
        }
        let generator = coefficients(extension_generator());
        for (value, x) in first.into_iter().zip(generator) {
            builder.when_first_row().assert_eq(value, x);
        }
        let height = self.prep.height();
        for k in 0..self.wires_per_row {
            let wire = &main[k * MAIN_PER_WIRE..(k + 1) * MAIN_PER_WIRE];
            let mut key = Vec::with_capacity(1 + EXT_DEGREE);
            key.push(prep[0].clone() + AB::Expr::from_usize(k * height));
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
        PREP_WIDTH
    }
}
