//! The witness table: row `i` holds wire `i`'s value and provides it on the wire bus as often as
//! the other tables read it. Constants are preprocessed and enforced here.
//!
//! Preprocessed: `index, is_const, const[5]`. Main: `value[5], uses`.

use alloc::vec::Vec;

use p3_air::BaseAir;
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{InteractionBuilder, LookupBus};
use p3_matrix::dense::RowMajorMatrix;

use super::{Preprocessed, WIRE_BUS, height_for, main_row, preprocessed_row};
use crate::circuit::{Circuit, Op, Witness};
use crate::field::{EXT_DEGREE, Val, coefficients};
use crate::tables::poseidon2::CHAIN_LANES;

const PREP_WIDTH: usize = 2 + EXT_DEGREE;
const WIDTH: usize = EXT_DEGREE + 1;

/// The witness table of one circuit.
#[derive(Clone, Debug)]
pub struct WitnessTable {
    prep: Preprocessed,
}

impl WitnessTable {
    pub(crate) fn new(circuit: &Circuit) -> Self {
        let height = height_for(circuit.num_wires());
        let mut rows: Vec<Vec<Val>> = (0..height)
            .map(|i| {
                let mut row = alloc::vec![Val::ZERO; PREP_WIDTH];
                row[0] = Val::from_usize(i);
                row
            })
            .collect();
        for (w, c) in circuit.constants() {
            let row = &mut rows[w.index()];
            row[1] = Val::ONE;
            row[2..].copy_from_slice(&coefficients(c));
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
        let mut values = Val::zero_vec(WIDTH * self.prep.height());
        // `uses` has one entry per live slot, so this stops before the dead ones.
        for (i, (value, n)) in witness.values.iter().zip(uses).enumerate() {
            let row = &mut values[i * WIDTH..(i + 1) * WIDTH];
            row[..EXT_DEGREE].copy_from_slice(&coefficients(*value));
            row[EXT_DEGREE] = Val::from_u32(n);
        }
        RowMajorMatrix::new(values, WIDTH)
    }

    pub(crate) fn eval<AB: InteractionBuilder<F = Val>>(&self, builder: &mut AB)
    where
        AB::Var: Copy,
    {
        let prep = preprocessed_row(builder);
        let main = main_row(builder);
        let (index, is_const) = (prep[0].clone(), prep[1].clone());
        for k in 0..EXT_DEGREE {
            let value: AB::Expr = main[k].into();
            builder.assert_zero(is_const.clone() * (value - prep[2 + k].clone()));
        }
        let mut key = Vec::with_capacity(1 + EXT_DEGREE);
        key.push(index);
        key.extend(main[..EXT_DEGREE].iter().map(|&v| v.into()));
        LookupBus::new(WIRE_BUS).table_entry(builder, key, main[EXT_DEGREE]);
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
