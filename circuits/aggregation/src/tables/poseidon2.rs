//! The Poseidon2 table: one row per permutation, reusing the transaction circuit's flat
//! degree-3 permutation columns, plus one exchange bit.
//!
//! A row reads each live input lane and each live output lane of the rate (`0‥11`) as a
//! base-field wire, input column `i` at the slot of lane `i`. It reads nothing else: output
//! lanes `12‥23` only feed the next row's capacity, and input lanes `12‥23` are defined by the
//! table (the builder refuses a circuit that would read one). They are
//! - *chained*: the previous row's output lanes `12‥23` (a sponge's or the challenger's
//!   carried capacity);
//! - *crossed*: the previous row's output lanes `0‥11` (a digest just computed, compressed as
//!   the right child: the rows a Merkle tree takes in at a lower height);
//! - *preset*: constants, lanes 12 and 13 as preprocessed and the rest zero (a sponge's first
//!   capacity, with the protocol sponge's domain and length);
//! - or *free*: a Merkle sibling, or any lane nothing else uses.
//!
//! So a row makes at most 26 reads (12 inputs, 12 outputs, the exchange bit, a cap entry), all
//! of degree 1, two to a LogUp column (at [`crate::config::LOOKUP_DEGREE`] 3): 14 columns.
//! Reading the capacity too took 38 reads and 20 columns, for rows that almost always read
//! zeros there.
//!
//! With the exchange bit `s` set, the permutation's input is the lanes with their halves
//! exchanged (input column `i` holds lane `i ± 12`): a Merkle step, node left or right of its
//! sibling, at no ALU cost. Such a row reads no input lane (the builder refuses a circuit
//! where one would: the node comes chained from the previous row, the sibling is free
//! witness). `s` is constrained boolean and is zero on rows without an exchange. Lanes without
//! a witness row (a free sibling, an unread output) have read flag zero.
//!
//! A row can be chained to the previous one in either half of its lanes: input lanes `0‥11`
//! (a Merkle path, chained compressions) or `12‥23` are then the previous row's outputs in
//! that half, linked by a transition constraint instead of read from the witness, so the
//! carried lanes take no witness slots.
//!
//! A row's `tag` is added to input lane 12 before permuting ([`crate::circuit::PermOp::tag`]):
//! input column 12 holds lane 12 plus the tag.
//!
//! A cap row ([`crate::circuit::CapRead`], the end of a Merkle path) reads its output lanes at
//! `out_index_k + 12·e`, where the main column `e` is the cap entry's index, read from its wire:
//! the path's node must be entry `e` of the commitment's cap. Every other row has `e = 0`.
//!
//! When a permutation computes the circuit's twelve public inputs
//! ([`crate::circuit::Circuit::public_permutation`]), the table carries them as its public
//! values and that row's output lanes 0‥11 must equal them (`is_public` preprocessed): the
//! circuit has no public table.
//!
//! Preprocessed (60 columns): 12 input and 12 output indices, 12 input and 12 output read
//! flags, `has_swap`, the bit's index, per half whether the next row is chained there, whether
//! it is crossed, `is_preset` and the preset lanes 12 and 13 (lane 12 with the tag), the next
//! row's tag, `has_cap` and the entry index's slot, `is_public`. Main: the permutation columns,
//! then `s`, then `e`. Padding rows permute zeros and read nothing.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use p3_air::{BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;
pub use transaction_circuit::poseidon2_cols::WIDTH;
use transaction_circuit::poseidon2_cols::{self, NUM_POSEIDON2_COLS, Poseidon2Cols};

use super::{Preprocessed, main_row, preprocessed_row, read_base_wire};
use crate::circuit::{Circuit, Witness};
use crate::field::{Ext, Val, as_base};

const HALF: usize = WIDTH / 2;
/// Lanes a chained row takes from the previous row's output.
pub const CHAIN_LANES: usize = HALF;
/// Output lanes a row can read: the rate (digests, challenger samples). Output lanes 12‥23
/// only feed the next row's capacity.
pub const READ_OUTPUTS: usize = HALF;
/// Input lanes a row can read: the rate. Lanes 12‥23 are chained, crossed, preset or free.
const READ_INPUTS: usize = HALF;
/// The capacity lanes a preset row may set to a non-zero constant (the protocol sponge's domain
/// and length); the others are zero.
pub const PRESET_LANES: core::ops::RangeInclusive<usize> = HALF..=HALF + 1;
const OUT_INDEX: usize = READ_INPUTS;
const IN_READ: usize = OUT_INDEX + READ_OUTPUTS;
const OUT_READ: usize = IN_READ + READ_INPUTS;
const HAS_SWAP: usize = OUT_READ + READ_OUTPUTS;
const SWAP_INDEX: usize = HAS_SWAP + 1;
/// Per half of the lanes, whether the next row is chained to this one there.
const FEEDS_NEXT: usize = SWAP_INDEX + 1;
/// Whether the next row's lanes 12‥23 are this row's output lanes 0‥11.
const FEEDS_CROSSED: usize = FEEDS_NEXT + 2;
const IS_PRESET: usize = FEEDS_CROSSED + 1;
/// The preset values of lanes 12 and 13 (lane 12 with the row's tag added).
const PRESET: usize = IS_PRESET + 1;
const NEXT_TAG: usize = PRESET + 2;
const HAS_CAP: usize = NEXT_TAG + 1;
const CAP_INDEX: usize = HAS_CAP + 1;
const IS_PUBLIC: usize = CAP_INDEX + 1;
const PREP_WIDTH: usize = IS_PUBLIC + 1;
/// The lane a row's tag is added to: the first capacity lane.
pub const CAPACITY_LANE: usize = HALF;
const SWAP_BIT: usize = NUM_POSEIDON2_COLS;
const CAP_ENTRY: usize = SWAP_BIT + 1;
const COLS: usize = CAP_ENTRY + 1;

/// The Poseidon2 table of one circuit.
#[derive(Clone, Debug)]
pub struct Poseidon2Table {
    prep: Preprocessed,
    /// Whether a row binds the circuit's public inputs.
    binds_public: bool,
}

impl Poseidon2Table {
    pub(crate) fn new(circuit: &Circuit, min_log_height: usize) -> Self {
        let index = |w: &crate::circuit::Wire| Val::from_usize(w.index());
        let ops: Vec<_> = circuit.perm_ops().collect();
        let public_row = circuit.public_permutation();
        let constants: BTreeMap<usize, Ext> =
            circuit.constants().map(|(w, c)| (w.index(), c)).collect();
        let rows: Vec<Vec<Val>> = ops
            .iter()
            .enumerate()
            .map(|(r, op)| {
                debug_assert!(
                    op.swap.is_none() || op.tag == Val::ZERO,
                    "exchanged rows have no tag"
                );
                let inputs = &op.input[..READ_INPUTS];
                let outputs = &op.output[..READ_OUTPUTS];
                let mut row: Vec<Val> = inputs.iter().chain(outputs).map(index).collect();
                let live = |w: &crate::circuit::Wire| Val::from_bool(circuit.is_live(*w));
                // Linked lanes come from the previous row, not the witness.
                row.extend(
                    inputs
                        .iter()
                        .enumerate()
                        .map(|(k, w)| if op.from_table(k) { Val::ZERO } else { live(w) }),
                );
                row.extend(outputs.iter().map(live));
                row.push(Val::from_bool(op.swap.is_some()));
                row.push(op.swap.as_ref().map_or(Val::ZERO, index));
                let next = ops.get(r + 1);
                for half in 0..2 {
                    row.push(Val::from_bool(next.is_some_and(|next| next.chained[half])));
                }
                row.push(Val::from_bool(next.is_some_and(|next| next.crossed)));
                row.push(Val::from_bool(op.preset));
                // Lanes 12 and 13 of a preset row, lane 12 with the row's tag.
                for lane in PRESET_LANES {
                    let constant = constants
                        .get(&op.input[lane].index())
                        .and_then(|&c| as_base(c));
                    let tag = if lane == CAPACITY_LANE {
                        op.tag
                    } else {
                        Val::ZERO
                    };
                    row.push(match op.preset {
                        true => constant.unwrap_or_default() + tag,
                        false => Val::ZERO,
                    });
                }
                row.push(next.map_or(Val::ZERO, |next| next.tag));
                row.push(Val::from_bool(op.cap.is_some()));
                row.push(op.cap.map_or(Val::ZERO, |c| index(&c.index)));
                row.push(Val::from_bool(public_row == Some(r)));
                row
            })
            .collect();
        Self {
            prep: Preprocessed::for_rows(PREP_WIDTH, rows, min_log_height),
            binds_public: public_row.is_some(),
        }
    }

    pub(crate) fn height(&self) -> usize {
        self.prep.height()
    }

    pub(crate) fn trace(&self, circuit: &Circuit, witness: &Witness) -> RowMajorMatrix<Val> {
        let mut values = Vec::with_capacity(COLS * self.prep.height());
        let mut used = 0;
        for op in circuit.perm_ops() {
            // `run` has checked every lane is a base element and the bit is 0 or 1.
            let mut input = op
                .input
                .map(|w| as_base(witness.slot_value(w)).unwrap_or_default());
            let bit = op.swap.map_or(Val::ZERO, |w| {
                as_base(witness.slot_value(w)).unwrap_or_default()
            });
            input[CAPACITY_LANE] += op.tag;
            if bit == Val::ONE {
                input.rotate_left(HALF);
            }
            poseidon2_cols::fill(input).write_to(&mut values);
            values.push(bit);
            values.push(op.cap.map_or(Val::ZERO, |c| {
                as_base(witness.slot_value(c.index)).unwrap_or_default()
            }));
            used += 1;
        }
        let padding = poseidon2_cols::fill([Val::ZERO; WIDTH]);
        for _ in used..self.prep.height() {
            padding.write_to(&mut values);
            values.extend([Val::ZERO; 2]);
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
        let bit: AB::Expr = main[SWAP_BIT].into();
        let has_swap = prep[HAS_SWAP].clone();
        builder.assert_bool(bit.clone());
        builder.assert_zero((AB::Expr::ONE - has_swap.clone()) * bit.clone());
        read_base_wire(builder, prep[SWAP_INDEX].clone(), bit.clone(), has_swap);

        // Rows that read an input lane have no exchange: column i holds lane i.
        for (i, lane) in cols.input[..READ_INPUTS].iter().enumerate() {
            read_base_wire(
                builder,
                prep[i].clone(),
                (*lane).into(),
                prep[IN_READ + i].clone(),
            );
        }
        // A preset row's lanes 12‥23 (it has no exchange): lanes 12 and 13 as preprocessed
        // (lane 12 with its tag), the others zero.
        let is_preset = prep[IS_PRESET].clone();
        for (k, lane) in cols.input[HALF..].iter().enumerate() {
            let mut value: AB::Expr = (*lane).into();
            if PRESET_LANES.contains(&(HALF + k)) {
                value -= prep[PRESET + k].clone();
            }
            builder.assert_zero(is_preset.clone() * value);
        }
        // A row feeding the next in a half: the next row's lanes of that half before its
        // exchange are this row's outputs there (lane k sits in column k, or k ± 12 when the
        // next row exchanges; lane 12 carries the next row's tag, which exchanges never have).
        let next = builder.main().next_slice().to_vec();
        let next_cols = Poseidon2Cols::from_slice(&next);
        let next_bit: AB::Expr = next[SWAP_BIT].into();
        let next_lane = |k: usize| -> AB::Expr {
            let (plain, swapped): (AB::Expr, AB::Expr) = (
                next_cols.input[k].into(),
                next_cols.input[(k + HALF) % WIDTH].into(),
            );
            let mut lane = plain.clone() + next_bit.clone() * (swapped - plain);
            if k == CAPACITY_LANE {
                lane -= prep[NEXT_TAG].clone();
            }
            lane
        };
        for k in 0..WIDTH {
            let feeds_next = prep[FEEDS_NEXT + k / CHAIN_LANES].clone();
            let out: AB::Expr = cols.output()[k].into();
            builder.assert_zero(feeds_next * (next_lane(k) - out));
        }
        // A row feeding the next across halves: the next row's lanes 12‥23 are this row's
        // output lanes 0‥11 (a digest taken in as the right child).
        let feeds_crossed = prep[FEEDS_CROSSED].clone();
        for k in 0..HALF {
            let out: AB::Expr = cols.output()[k].into();
            builder.assert_zero(feeds_crossed.clone() * (next_lane(HALF + k) - out));
        }
        // Output lane i at its slot, or on a cap row at that slot plus 12 per cap entry.
        let entry: AB::Expr = main[CAP_ENTRY].into();
        let has_cap = prep[HAS_CAP].clone();
        builder.assert_zero((AB::Expr::ONE - has_cap.clone()) * entry.clone());
        read_base_wire(builder, prep[CAP_INDEX].clone(), entry.clone(), has_cap);
        if self.binds_public {
            let public: Vec<AB::Expr> = builder.public_values().iter().map(|&p| p.into()).collect();
            let is_public = prep[IS_PUBLIC].clone();
            for (lane, value) in cols.output()[..READ_OUTPUTS].iter().zip(public) {
                let lane: AB::Expr = (*lane).into();
                builder.assert_zero(is_public.clone() * (lane - value));
            }
        }
        let stride = AB::Expr::from_usize(READ_OUTPUTS);
        for (i, lane) in cols.output()[..READ_OUTPUTS].iter().enumerate() {
            let read = prep[OUT_READ + i].clone();
            let slot = prep[OUT_INDEX + i].clone() + entry.clone() * stride.clone();
            read_base_wire(builder, slot, (*lane).into(), read);
        }
    }
}

impl BaseAir<Val> for Poseidon2Table {
    fn width(&self) -> usize {
        COLS
    }

    fn num_public_values(&self) -> usize {
        if self.binds_public { READ_OUTPUTS } else { 0 }
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        (0..WIDTH).chain([SWAP_BIT]).collect()
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        Some(self.prep.matrix())
    }

    fn preprocessed_width(&self) -> usize {
        PREP_WIDTH
    }
}
