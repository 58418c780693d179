//! Running a circuit: compute every wire from the inputs and check every operation natively.

use alloc::vec::Vec;

use p3_field::{Field, PrimeCharacteristicRing, PrimeField32};

use super::{AluOp, CapRead, Circuit, HornerOp, Op, PermOp, Solve, Wire};
use crate::field::{Ext, Val, as_base};
use crate::gadgets::hash::RATE;
use crate::tables::poseidon2::{CAPACITY_LANE, WIDTH};

/// Why a witness does not satisfy a circuit. `op` is the index in [`Circuit::ops`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// The wrong number of public inputs was given.
    #[error("the circuit takes {expected} public inputs, {got} were given")]
    PublicCount {
        /// What the circuit takes.
        expected: usize,
        /// What was given.
        got: usize,
    },
    /// The wrong number of private inputs was given.
    #[error("the circuit takes {expected} private inputs, {got} were given")]
    PrivateCount {
        /// What the circuit takes.
        expected: usize,
        /// What was given.
        got: usize,
    },
    /// An operation read a wire nothing had defined yet (a circuit-construction bug).
    #[error("operation {op} reads wire {wire}, which is not defined before it")]
    Undefined {
        /// The operation.
        op: usize,
        /// The wire.
        wire: usize,
    },
    /// Two operations give one wire different values: the witness breaks a constraint.
    #[error("operation {op} gives wire {wire} a value that contradicts an earlier one")]
    Unsatisfied {
        /// The operation.
        op: usize,
        /// The wire.
        wire: usize,
    },
    /// A division by zero.
    #[error("operation {op} divides by zero")]
    DivisionByZero {
        /// The operation.
        op: usize,
    },
    /// A Merkle cap row's index is not below the cap's size.
    #[error("operation {op} names a cap entry (wire {wire}) beyond the cap")]
    CapIndex {
        /// The operation.
        op: usize,
        /// The index wire.
        wire: usize,
    },
    /// A permutation's exchange bit or a bit-sum value is neither 0 nor 1.
    #[error("operation {op} needs a bit (0 or 1) on wire {wire}")]
    NotBoolean {
        /// The operation.
        op: usize,
        /// The wire.
        wire: usize,
    },
    /// A permutation lane or a decomposed wire is not a base-field element.
    #[error("operation {op} needs a base-field value on wire {wire}")]
    NotBase {
        /// The operation.
        op: usize,
        /// The wire.
        wire: usize,
    },
}

/// The value of every wire of a circuit, satisfying every operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witness {
    /// The value of every slot.
    pub(crate) values: Vec<Ext>,
    /// The slot of every builder wire.
    slots: Vec<u32>,
    pub(crate) public: Vec<Val>,
}

impl Witness {
    /// The value of a builder wire.
    pub fn value(&self, w: Wire) -> Ext {
        self.values[self.slots[w.index()] as usize]
    }

    /// The value of a slot (an operation's wire after compiling).
    pub(crate) fn slot_value(&self, slot: Wire) -> Ext {
        self.values[slot.index()]
    }

    /// The public inputs.
    pub fn public(&self) -> &[Val] {
        &self.public
    }
}

struct Runner {
    values: Vec<Option<Ext>>,
    op: usize,
}

impl Runner {
    fn get(&self, w: Wire) -> Result<Ext, RunError> {
        self.values[w.index()].ok_or(RunError::Undefined {
            op: self.op,
            wire: w.index(),
        })
    }

    fn get_base(&self, w: Wire) -> Result<Val, RunError> {
        as_base(self.get(w)?).ok_or(RunError::NotBase {
            op: self.op,
            wire: w.index(),
        })
    }

    /// Defines `w`, or checks it if another operation already did.
    fn set(&mut self, w: Wire, value: Ext) -> Result<(), RunError> {
        match self.values[w.index()] {
            Some(existing) if existing != value => Err(RunError::Unsatisfied {
                op: self.op,
                wire: w.index(),
            }),
            _ => {
                self.values[w.index()] = Some(value);
                Ok(())
            }
        }
    }

    fn alu(
        &mut self,
        AluOp {
            wires,
            solve,
            scales: [k, l],
        }: &AluOp,
    ) -> Result<(), RunError> {
        let [a, b, c, d] = *wires;
        let (k, l) = (Ext::from(*k), Ext::from(*l));
        let divide = |numerator: Ext, denominator: Ext, op| {
            denominator
                .try_inverse()
                .map(|inverse| numerator * inverse)
                .ok_or(RunError::DivisionByZero { op })
        };
        match solve {
            Solve::D => {
                let value = k * self.get(a)? * self.get(b)? + l * self.get(c)?;
                self.set(d, value)
            }
            Solve::C => {
                let value = divide(self.get(d)? - k * self.get(a)? * self.get(b)?, l, self.op)?;
                self.set(c, value)
            }
            Solve::B => {
                let value = divide(self.get(d)? - l * self.get(c)?, k * self.get(a)?, self.op)?;
                self.set(b, value)
            }
            Solve::Shared => {
                let value = divide(self.get(d)?, k * self.get(a)? + l, self.op)?;
                self.set(b, value)
            }
        }
    }

    fn perm(
        &mut self,
        PermOp {
            input,
            output,
            swap,
            cap,
            tag,
            ..
        }: &PermOp,
    ) -> Result<(), RunError> {
        let mut state = [Val::ZERO; WIDTH];
        for (lane, w) in state.iter_mut().zip(input) {
            *lane = self.get_base(*w)?;
        }
        state[CAPACITY_LANE] += *tag;
        if let Some(bit) = swap {
            match self.get_base(*bit)? {
                b if b == Val::ONE => state.rotate_left(WIDTH / 2),
                b if b == Val::ZERO => {}
                _ => {
                    return Err(RunError::NotBoolean {
                        op: self.op,
                        wire: bit.index(),
                    });
                }
            }
        }
        crate::field::permute(&mut state);
        // A cap row's lanes 0‥11 are checked against the cap entry its index names.
        let offset = match cap {
            None => 0,
            Some(CapRead { index, entries }) => {
                let entry = self.get_base(*index)?.as_canonical_u32();
                if entry >= *entries {
                    return Err(RunError::CapIndex {
                        op: self.op,
                        wire: index.index(),
                    });
                }
                entry * RATE as u32
            }
        };
        for (k, (w, lane)) in output.iter().zip(state).enumerate() {
            let w = if k < RATE { Wire(w.0 + offset) } else { *w };
            self.set(w, Ext::from(lane))?;
        }
        Ok(())
    }

    fn horner(&mut self, op: &HornerOp) -> Result<(), RunError> {
        let alpha = self.get(op.alpha)?;
        let mut acc = self.get(op.acc_in)?;
        for v in &op.values {
            let value = self.get_base(*v)?;
            if op.bits && value != Val::ZERO && value != Val::ONE {
                return Err(RunError::NotBoolean {
                    op: self.op,
                    wire: v.index(),
                });
            }
            acc = acc * alpha + value;
        }
        self.set(op.acc_out, acc)
    }

    fn bits(&mut self, input: Wire, bits: &[Wire]) -> Result<(), RunError> {
        let Some((high, low)) = bits.split_last() else {
            return Ok(());
        };
        let mut value = self.get_base(input)?.as_canonical_u32() as u64;
        for w in low {
            self.set(*w, Ext::from(Val::from_u64(value & 1)))?;
            value >>= 1;
        }
        self.set(*high, Ext::from(Val::from_u64(value)))
    }
}

impl Circuit {
    /// Computes every wire from the inputs, checking every operation.
    pub fn run(&self, public: &[Val], private: &[Ext]) -> Result<Witness, RunError> {
        if public.len() != self.num_public {
            return Err(RunError::PublicCount {
                expected: self.num_public,
                got: public.len(),
            });
        }
        if private.len() != self.num_private {
            return Err(RunError::PrivateCount {
                expected: self.num_private,
                got: private.len(),
            });
        }
        let mut runner = Runner {
            values: alloc::vec![None; self.num_slots],
            op: 0,
        };
        for (index, op) in self.ops.iter().enumerate() {
            runner.op = index;
            match op {
                Op::Const(w, c) => runner.set(*w, *c)?,
                Op::Public(w, j) => runner.set(*w, Ext::from(public[*j]))?,
                Op::Private(w, j) => runner.set(*w, private[*j])?,
                Op::Alu(alu) => runner.alu(alu)?,
                Op::Horner(horner) => runner.horner(horner)?,
                Op::Perm(perm) => runner.perm(perm)?,
                Op::Bits { input, bits } => runner.bits(*input, bits)?,
            }
        }
        // Wires that no operation defines (none in a well-formed circuit) read as zero.
        let values = runner
            .values
            .into_iter()
            .map(|v| v.unwrap_or(Ext::ZERO))
            .collect();
        Ok(Witness {
            values,
            slots: self.slots.clone(),
            public: public.to_vec(),
        })
    }
}
