//! The circuit model: a fixed list of operations over wires that each hold one element of the
//! challenge field (KoalaBear⁵).
//!
//! A circuit is written once with [`CircuitBuilder`] and compiled into a [`Circuit`]: the same
//! list of operations for every witness, so the STARK tables' index columns are preprocessed and
//! a prover cannot rewire anything. Running a circuit ([`Circuit::run`]) computes every wire and
//! checks every operation; the tables ([`crate::tables`]) then prove the same checks.
//!
//! Everything is an extension element on purpose: the recursive verifier does most of its work
//! in the extension (openings, FRI folds, constraint evaluation), base values are extension
//! values with four zero coefficients, and one uniform wire bus keeps the tables simple.
//! The layout is specified in `docs/spec/aggregation.md`.

mod builder;
mod run;

pub use builder::CircuitBuilder;
pub use run::{RunError, Witness};

use alloc::vec::Vec;

use hegemon_crypto::poseidon2::{DIGEST_ELEMS, hash_elements};
use hegemon_crypto::spec::domain;
use p3_field::PrimeCharacteristicRing;

use crate::field::{Ext, Val};
use crate::tables::poseidon2::{CHAIN_LANES, WIDTH};

/// First element of an aggregation circuit's identity, telling it apart from the transaction
/// circuit's (which starts with its version number, 1).
const AGGREGATION_CIRCUIT_TAG: u32 = 0x4147_0001;

/// A wire, as the builder hands it out. Compiling maps every wire to its class of connected
/// wires ([`Circuit::slot`]); the tables and the witness work on those slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Wire(pub(crate) u32);

impl Wire {
    /// The wire's index in the witness.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Which position of an ALU row the runner computes; the row's constraint is the same
/// (`a · b + c = d`) whichever it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Solve {
    /// `d = a · b + c`.
    D,
    /// `c = d − a · b` (subtraction).
    C,
    /// `b = (d − l·c) / (k·a)` (division; fails if `k·a = 0`).
    B,
    /// `b = c = d / (k·a + l)`: one wire in both places, a division by `a` shifted by a
    /// constant (fails if `k·a + l = 0`).
    Shared,
}

/// One ALU row: `k · a · b + l · c = d` in the extension field, with base-field constants
/// `k, l` fixed by the circuit (both one for a plain multiply–add).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AluOp {
    /// The four wires, in constraint order `k · a · b + l · c = d`.
    pub wires: [Wire; 4],
    /// Which wire the runner computes.
    pub solve: Solve,
    /// `[k, l]`.
    pub scales: [Val; 2],
}

/// One Poseidon2 permutation row: `output = permute(input)` on base-field lanes, where the two
/// halves of the input are exchanged first if the `swap` bit is one (a Merkle step: the node is
/// the left or the right child).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PermOp {
    /// Input lanes (before the optional exchange).
    pub input: [Wire; WIDTH],
    /// Output lanes.
    pub output: [Wire; WIDTH],
    /// The exchange bit, if any (must be 0 or 1).
    pub swap: Option<Wire>,
    /// Output lanes 0‥11 checked against one digest of a Merkle cap instead of defined here
    /// (see [`CapRead`]).
    pub cap: Option<CapRead>,
    /// A constant added to input lane 12, the first capacity lane, before permuting: the
    /// duplex challenger binds the length of each absorption there. With the tag in the row
    /// rather than on an ALU row, the challenger's capacity chains from one permutation to the
    /// next. Zero on rows with an exchange.
    pub tag: Val,
    /// Set by compiling, per half of the lanes: `chained[h]` when input lanes `12h‥12h+11`
    /// (before the exchange) are the previous permutation's output lanes `12h‥12h+11`, so the
    /// table links the two rows directly instead of through the witness. The low half links
    /// a Merkle path or a chain of compressions, the high half a sponge's or the challenger's
    /// carried state.
    pub chained: [bool; 2],
    /// Set by compiling: input lanes `12‥23` are the previous permutation's output lanes
    /// `0‥11`, linked across halves (a digest compressed as the right child just after it is
    /// computed: the rows a Merkle tree takes in at a lower height).
    pub crossed: bool,
    /// Set by compiling: input lanes `12‥23` are constants, zero beyond lane 13 (a sponge's or
    /// the challenger's first capacity, with the protocol sponge's domain and length), which
    /// the table fixes without reading them.
    pub preset: bool,
}

/// A permutation whose output lanes 0‥11 must equal digest `index` of a Merkle cap: the end of
/// a Merkle path, checked against its commitment's cap entry without selecting it. The cap's
/// digests are consecutive slots, `12·e + k` after the first for lane `k` of digest `e`; the
/// row's output wires `0‥11` are digest 0's, and the table reads lane `k` at slot
/// `output[k] + 12·index`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapRead {
    /// The digest's index in the cap (a base wire, below `entries`).
    pub index: Wire,
    /// Digests in the cap.
    pub entries: u32,
}

impl PermOp {
    /// Whether the table defines input lane `lane` (from the previous row, or as a preset
    /// constant) rather than reading it from the witness.
    pub fn from_table(&self, lane: usize) -> bool {
        match lane / CHAIN_LANES {
            0 => self.chained[0],
            _ => self.chained[1] || self.crossed || self.preset,
        }
    }
}

/// Steps of one Horner row ([`HornerOp`]).
pub const HORNER_STEPS: usize = 6;

/// One Horner row: `acc_out` is `acc_in` after the steps `acc ← acc · α + v` for each `v` of
/// `values` in order (base-field values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HornerOp {
    /// The multiplier.
    pub alpha: Wire,
    /// The accumulator before the first step.
    pub acc_in: Wire,
    /// The values, first step first.
    pub values: [Wire; HORNER_STEPS],
    /// The accumulator after the last step.
    pub acc_out: Wire,
    /// Whether every value is constrained to be a bit (0 or 1): a bit decomposition's
    /// recomposition, at `α = 2`, checks its bits on the same row.
    pub bits: bool,
}

impl HornerOp {
    /// Every wire of the row, `acc_out` last.
    pub fn wires(&self) -> impl Iterator<Item = &Wire> {
        [&self.alpha, &self.acc_in]
            .into_iter()
            .chain(&self.values)
            .chain([&self.acc_out])
    }

    /// The wires the Horner table reads on every row: `α` and the values. `acc_in` is never
    /// read (zero, or the previous row's `acc_out`, linked by the table), and `acc_out` only
    /// where something else uses it.
    pub fn always_read(&self) -> impl Iterator<Item = &Wire> {
        core::iter::once(&self.alpha).chain(&self.values)
    }
}

/// How a wire gets its value when the circuit runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// A constant, fixed by the circuit (preprocessed in the witness table).
    Const(Wire, Ext),
    /// The `j`-th public input (a base-field element, bound by the public table or by the
    /// permutation that computes it, [`Circuit::public_permutation`]).
    Public(Wire, usize),
    /// The `j`-th private input (any extension element; constrained only by its uses).
    Private(Wire, usize),
    /// A constrained ALU row.
    Alu(AluOp),
    /// A constrained Poseidon2 permutation.
    Perm(PermOp),
    /// A constrained Horner row.
    Horner(HornerOp),
    /// Witness hint, unconstrained: the little-endian bits of a base-field wire's canonical
    /// value. Gadgets constrain the bits themselves.
    Bits {
        /// The decomposed wire.
        input: Wire,
        /// Its bits, least significant first.
        bits: Vec<Wire>,
    },
}

/// A compiled circuit: its operations, in execution order, over canonical wires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Circuit {
    /// The slot of every builder wire (connected wires share one).
    pub(crate) slots: Vec<u32>,
    /// Slots in all; the runner computes every one.
    pub(crate) num_slots: usize,
    /// Live slots (`0..num_wires`), the witness table's rows; the rest are permutation outputs
    /// nothing reads.
    pub(crate) num_wires: usize,
    pub(crate) num_public: usize,
    pub(crate) num_private: usize,
    pub(crate) ops: Vec<Op>,
}

impl Circuit {
    /// The slot (witness-table row) of a builder wire.
    pub fn slot(&self, w: Wire) -> Wire {
        Wire(self.slots[w.index()])
    }

    /// Whether a slot has a witness-table row (permutation outputs nothing reads do not).
    pub fn is_live(&self, slot: Wire) -> bool {
        slot.index() < self.num_wires
    }

    /// Number of live slots (distinct wires after connecting, that something reads).
    pub fn num_wires(&self) -> usize {
        self.num_wires
    }

    /// Number of public inputs.
    pub fn num_public(&self) -> usize {
        self.num_public
    }

    /// Number of private inputs.
    pub fn num_private(&self) -> usize {
        self.num_private
    }

    /// The operations, in execution order.
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// The ALU rows, in order.
    pub fn alu_ops(&self) -> impl Iterator<Item = &AluOp> {
        self.ops.iter().filter_map(|op| match op {
            Op::Alu(alu) => Some(alu),
            _ => None,
        })
    }

    /// The permutation rows, in order.
    pub fn perm_ops(&self) -> impl Iterator<Item = &PermOp> {
        self.ops.iter().filter_map(|op| match op {
            Op::Perm(perm) => Some(perm),
            _ => None,
        })
    }

    /// The Horner rows, in order.
    pub fn horner_ops(&self) -> impl Iterator<Item = &HornerOp> {
        self.ops.iter().filter_map(|op| match op {
            Op::Horner(horner) => Some(horner),
            _ => None,
        })
    }

    /// The Poseidon2 table's row whose output lanes 0‥11 are the circuit's public inputs, in
    /// order, if the circuit has exactly twelve (a digest every aggregation circuit but the
    /// wrap computes last). That row binds them, and the circuit needs no public table: a
    /// table of a height of its own costs every query a leaf hash and an injection in each
    /// of the four trees.
    pub fn public_permutation(&self) -> Option<usize> {
        use crate::gadgets::hash::RATE;
        let public = self.public_wires();
        if public.len() != RATE {
            return None;
        }
        self.perm_ops()
            .position(|op| op.cap.is_none() && op.output[..RATE] == public[..])
    }

    /// The wire of each public input, in order.
    pub fn public_wires(&self) -> Vec<Wire> {
        let mut wires = alloc::vec![Wire(0); self.num_public];
        for op in &self.ops {
            if let Op::Public(w, j) = op {
                wires[*j] = *w;
            }
        }
        wires
    }

    /// The circuit's identity: every operation hashed under the circuit-id domain. The proof's
    /// transcript starts with it.
    pub fn digest(&self) -> [Val; DIGEST_ELEMS] {
        let mut input = alloc::vec![
            Val::from_u32(AGGREGATION_CIRCUIT_TAG),
            Val::from_usize(self.num_slots),
            Val::from_usize(self.num_wires),
            Val::from_usize(self.num_public),
            Val::from_usize(self.num_private),
        ];
        let wire = |w: &Wire| Val::from_u32(w.0);
        for op in &self.ops {
            match op {
                Op::Const(w, c) => {
                    input.extend([Val::ONE, wire(w)]);
                    input.extend(crate::field::coefficients(*c));
                }
                Op::Public(w, j) => input.extend([Val::TWO, wire(w), Val::from_usize(*j)]),
                Op::Private(w, j) => {
                    input.extend([Val::from_u8(3), wire(w), Val::from_usize(*j)]);
                }
                Op::Alu(AluOp {
                    wires,
                    solve,
                    scales,
                }) => {
                    input.push(Val::from_u8(4));
                    input.extend(wires.iter().map(wire));
                    input.push(Val::from_u8(*solve as u8));
                    input.extend(scales);
                }
                Op::Perm(PermOp {
                    input: i,
                    output: o,
                    swap,
                    cap,
                    tag,
                    ..
                }) => {
                    input.push(Val::from_u8(5));
                    input.extend(i.iter().chain(o).map(wire));
                    input.push(swap.as_ref().map_or(Val::NEG_ONE, wire));
                    input.push(*tag);
                    if let Some(CapRead { index, entries }) = cap {
                        input.extend([wire(index), Val::from_u32(*entries)]);
                    }
                }
                Op::Bits { input: w, bits } => {
                    input.extend([Val::from_u8(6), wire(w), Val::from_usize(bits.len())]);
                    input.extend(bits.iter().map(wire));
                }
                Op::Horner(horner) => {
                    input.push(Val::from_u8(if horner.bits { 8 } else { 7 }));
                    input.extend(horner.wires().map(wire));
                }
            }
        }
        *hash_elements(domain::CIRCUIT_ID, &input).elements()
    }

    /// The constant of each wire that has one.
    pub fn constants(&self) -> impl Iterator<Item = (Wire, Ext)> + '_ {
        self.ops.iter().filter_map(|op| match op {
            Op::Const(w, c) => Some((*w, *c)),
            _ => None,
        })
    }
}
