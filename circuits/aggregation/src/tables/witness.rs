//! The witness table: row `r` holds the values of wires `2r` and `2r + 1` and provides each on
//! the wire bus as often as the other tables read it. Constants are preprocessed and enforced
//! here.
//!
//! Two wires per row halve the table's height at the same number of cells: the witness table is
//! the circuit's tallest, so every commitment's Merkle tree and every extension follow its
//! height, and a 6-column row filled only half of a 12-element sponge absorption.
//!
//! Preprocessed: `index` (the row's first wire), then per wire `is_const, const[5]`.
//! Main: per wire `value[5], uses`.

use alloc::vec::Vec;

use p3_air::BaseAir;
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{InteractionBuilder, LookupBus};
use p3_matrix::dense::RowMajorMatrix;

use super::{Preprocessed, WIRE_BUS, height_for, main_row, preprocessed_row};
use crate::circuit::{Circuit, Op, Witness};
use crate::field::{EXT_DEGREE, Val, coefficients};
use crate::tables::poseidon2::CHAIN_LANES;

/// Wires per row.
pub const WIRES_PER_ROW: usize = 2;
/// Preprocessed columns per wire: `is_const, const[5]`.
const PREP_PER_WIRE: usize = 1 + EXT_DEGREE;
const PREP_WIDTH: usize = 1 + WIRES_PER_ROW * PREP_PER_WIRE;
/// Main columns per wire: `value[5], uses`.
pub const MAIN_PER_WIRE: usize = EXT_DEGREE + 1;
const WIDTH: usize = WIRES_PER_ROW * MAIN_PER_WIRE;

/// The witness table of one circuit.
#[derive(Clone, Debug)]
pub struct WitnessTable {
    prep: Preprocessed,
}

impl WitnessTable {
    pub(crate) fn new(circuit: &Circuit) -> Self {
        let height = height_for(circuit.num_wires().div_ceil(WIRES_PER_ROW));
        let mut rows: Vec<Vec<Val>> = (0..height)
            .map(|r| {
                let mut row = alloc::vec![Val::ZERO; PREP_WIDTH];
                row[0] = Val::from_usize(r * WIRES_PER_ROW);
                row
            })
            .collect();
        for (w, c) in circuit.constants() {
            let at = 1 + (w.index() % WIRES_PER_ROW) * PREP_PER_WIRE;
            let row = &mut rows[w.index() / WIRES_PER_ROW];
            row[at] = Val::ONE;
            row[at + 1..at + PREP_PER_WIRE].copy_from_slice(&coefficients(c));
        }
        Self {
            prep: Preprocessed::new(PREP_WIDTH, height, rows),
        }
    }

    pub(crate) fn height(&self) -> usize {
        self.prep.height()
    }

    pub(crate) fn trace(&self, circuit: &Circuit, witness: &Witness) -> RowMajorMatrix<Val> {
        let mut uses = alloc::vec![0u32; circuit.num_wires()];
        for op in circuit.ops() {
            match op {
                Op::Public(w, _) => uses[w.index()] += 1,
                Op::Alu(alu) => alu.wires.iter().for_each(|w| uses[w.index()] += 1),
                Op::Perm(perm) => perm.input[if perm.chained { CHAIN_LANES } else { 0 }..]
                    .iter()
                    .chain(&perm.output)
                    .chain(&perm.swap)
                    .filter(|w| circuit.is_live(**w))
                    .for_each(|w| uses[w.index()] += 1),
                Op::Const(..) | Op::Private(..) | Op::Bits { .. } => {}
            }
        }
        // Wire `i`'s columns are the `i`-th run of `MAIN_PER_WIRE`, rows being consecutive.
        let mut values = Val::zero_vec(WIDTH * self.prep.height());
        // `uses` has one entry per live slot, so this stops before the dead ones.
        for (cells, (value, n)) in values
            .chunks_exact_mut(MAIN_PER_WIRE)
            .zip(witness.values.iter().zip(uses))
        {
            cells[..EXT_DEGREE].copy_from_slice(&coefficients(*value));
            cells[EXT_DEGREE] = Val::from_u32(n);
        }
        RowMajorMatrix::new(values, WIDTH)
    }

    pub(crate) fn eval<AB: InteractionBuilder<F = Val>>(&self, builder: &mut AB)
    where
        AB::Var: Copy,
    {
        let prep = preprocessed_row(builder);
        let main = main_row(builder);
        for k in 0..WIRES_PER_ROW {
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
        WIDTH
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        Some(self.prep.matrix())
    }

    fn preprocessed_width(&self) -> usize {
        PREP_WIDTH
    }
}
