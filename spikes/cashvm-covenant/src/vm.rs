//! The CashVM 2026 interpreter: evaluates one input of a [`ResolvedTx`] under the `BCH_2026_05`
//! rules (VM limits and BigInt from 2025; loops, functions, bitwise ops and P2S from 2026),
//! metering operation cost and hash digest iterations exactly as consensus does.
//!
//! Signature opcodes are elliptic-curve checks that Hegemon's covenant never uses; they fail
//! with [`VmError::SignatureUnsupported`] when executed rather than pulling curve code in.
//! Spec: `docs/cashvm.md`.

use std::collections::HashMap;
use std::rc::Rc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, Zero};
use sha2::Digest;

use crate::num::{self, NumError};
use crate::script::{self, Malformed, Script, op};
use crate::tx::{NftCapability, Output, ResolvedTx};

/// Consensus limits of the 2026 VM.
pub mod limits {
    /// Longest unlocking, locking or redeem bytecode.
    pub const MAX_BYTECODE: usize = 10_000;
    /// Longest stack item (and VM number).
    pub const MAX_ITEM: usize = 10_000;
    /// Stack + alternate stack + defined functions.
    pub const MAX_MEMORY_SLOTS: usize = 1_000;
    /// Nested IF/NOTIF, BEGIN and INVOKE frames.
    pub const MAX_CONTROL_DEPTH: usize = 100;
    /// Longest function identifier.
    pub const MAX_FUNCTION_ID: usize = 7;
    /// Per-input length credit in the density control length.
    pub const DENSITY_BASE: u64 = 41;
    /// Operation cost bought per byte of density control length.
    pub const OP_COST_PER_BYTE: u64 = 800;
    /// Cost of every evaluated instruction.
    pub const BASE_INSTRUCTION_COST: u64 = 100;
    /// Cost of one signature check.
    pub const SIG_CHECK_COST: u64 = 26_000;
}

/// Standard (relay) or block-validation (consensus only) rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Relay policy: hash iterations cost 192 and are budgeted at 0.5 per byte; upgradable
    /// NOPs fail.
    Standard,
    /// Block validation: hash iterations cost 64 and are budgeted at 3.5 per byte.
    Consensus,
}

impl Mode {
    fn hash_iteration_cost(self) -> u64 {
        match self {
            Self::Standard => 192,
            Self::Consensus => 64,
        }
    }

    /// Hash digest iterations allowed for a density control length.
    fn max_hash_iterations(self, density: u64) -> u64 {
        match self {
            Self::Standard => density / 2,
            Self::Consensus => density * 7 / 2,
        }
    }
}

/// What evaluating one input consumed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Metrics {
    /// `41 + unlocking bytecode length`.
    pub density_control_length: u64,
    /// Instructions stepped over, executed or not.
    pub instructions: u64,
    /// Bytes pushed to the main stack.
    pub pushed_bytes: u64,
    /// Arithmetic surcharges (result encodings, multiplication and division operand products).
    pub arithmetic_cost: u64,
    /// Hash digest iterations.
    pub hash_iterations: u64,
    /// Signature checks.
    pub sig_checks: u64,
}

impl Metrics {
    /// The operation cost under `mode`.
    pub fn op_cost(&self, mode: Mode) -> u64 {
        self.instructions * limits::BASE_INSTRUCTION_COST
            + self.sig_checks * limits::SIG_CHECK_COST
            + self.hash_iterations * mode.hash_iteration_cost()
            + self.arithmetic_cost
            + self.pushed_bytes
    }

    /// The operation cost budget.
    pub fn max_op_cost(&self) -> u64 {
        self.density_control_length * limits::OP_COST_PER_BYTE
    }
}

/// Which bytecode was being evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The input's unlocking bytecode.
    Unlocking,
    /// The spent output's locking bytecode.
    Locking,
    /// The P2SH redeem bytecode.
    Redeem,
}

/// Why an input fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VmError {
    /// No such input.
    #[error("input {index} does not exist ({count} inputs)")]
    NoSuchInput {
        /// Requested.
        index: usize,
        /// Inputs in the transaction.
        count: usize,
    },
    /// Bytecode over 10,000 bytes.
    #[error("{phase:?} bytecode of {len} bytes exceeds the {max}-byte limit")]
    BytecodeTooLong {
        /// Which bytecode.
        phase: Phase,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A push running past the end of the bytecode.
    #[error("{phase:?} bytecode is malformed: {source}")]
    Malformed {
        /// Which bytecode.
        phase: Phase,
        /// The broken instruction.
        source: Malformed,
    },
    /// Unlocking bytecode with a non-push opcode.
    #[error("unlocking bytecode may contain only push operations")]
    NotPushOnly,
    /// A phase ended inside an IF, BEGIN or function.
    #[error("{phase:?} bytecode completed with {depth} open control-stack entries")]
    UnclosedControl {
        /// Which bytecode.
        phase: Phase,
        /// Entries left.
        depth: usize,
    },
    /// Not exactly one item left.
    #[error("{phase:?} bytecode left {depth} stack items; exactly one is required")]
    NotCleanStack {
        /// The final phase.
        phase: Phase,
        /// Items left.
        depth: usize,
    },
    /// The final item (or the P2SH hash check) is false.
    #[error("evaluation completed with a false item on top of the stack")]
    FalseResult,
    /// The redeem bytecode does not hash to the P2SH commitment.
    #[error("the redeem bytecode does not match the P2SH hash")]
    P2shMismatch,
    /// Popping from an empty stack.
    #[error("{opcode}: the stack is empty")]
    EmptyStack {
        /// The failing opcode.
        opcode: String,
    },
    /// Popping from an empty alternate stack.
    #[error("OP_FROMALTSTACK: the alternate stack is empty")]
    EmptyAltStack,
    /// Operation cost over `(41 + unlocking length) · 800`.
    #[error("operation cost {cost} exceeds the budget of {max}")]
    OpCostExceeded {
        /// Cost after the operation.
        cost: u64,
        /// Budget.
        max: u64,
    },
    /// Hash digest iterations over the density budget.
    #[error("{iterations} hash digest iterations exceed the budget of {max}")]
    HashingExceeded {
        /// Iterations after the operation.
        iterations: u64,
        /// Budget.
        max: u64,
    },
    /// Stack + alternate stack + functions over 1,000.
    #[error("{used} memory slots exceed the limit of {max}")]
    MemorySlotsExceeded {
        /// Slots in use.
        used: usize,
        /// Limit.
        max: usize,
    },
    /// Control stack over 100.
    #[error("control stack depth {depth} exceeds the limit of {max}")]
    ControlDepthExceeded {
        /// Depth.
        depth: usize,
        /// Limit.
        max: usize,
    },
    /// An item over 10,000 bytes.
    #[error("{opcode}: a {len}-byte item exceeds the {max}-byte stack item limit")]
    ItemTooLong {
        /// The failing opcode.
        opcode: String,
        /// Item length.
        len: usize,
        /// Limit.
        max: usize,
    },
    /// A push not in its shortest form.
    #[error("push operations must use the smallest possible encoding")]
    NonMinimalPush,
    /// An operand that is not a valid VM number.
    #[error("{opcode}: {source}")]
    BadNumber {
        /// The failing opcode.
        opcode: String,
        /// Why.
        source: NumError,
    },
    /// An opcode that fails when executed (`OP_RESERVED`, `OP_VER`, unassigned codepoints).
    #[error("executed {opcode}, which is reserved or unassigned")]
    BadOpcode {
        /// Its name.
        opcode: String,
    },
    /// An upgradable NOP in standard mode.
    #[error("{opcode} is reserved for upgrades and non-standard")]
    UpgradableNop {
        /// Its name.
        opcode: String,
    },
    /// OP_RETURN executed.
    #[error("OP_RETURN executed")]
    Return,
    /// A VERIFY (or EQUALVERIFY, NUMEQUALVERIFY) on a false item.
    #[error("{opcode} failed")]
    VerifyFailed {
        /// The failing opcode.
        opcode: String,
    },
    /// ELSE, ENDIF or UNTIL without its opening opcode.
    #[error("{opcode} without a matching opener")]
    UnbalancedControl {
        /// The failing opcode.
        opcode: String,
    },
    /// An index or depth outside what it refers to.
    #[error("{opcode}: index {index} is out of range")]
    IndexOutOfRange {
        /// The failing opcode.
        opcode: String,
        /// The index given.
        index: i64,
    },
    /// Bitwise operands of different lengths.
    #[error("{opcode}: operands of {left} and {right} bytes")]
    MismatchedLengths {
        /// The failing opcode.
        opcode: String,
        /// First operand length.
        left: usize,
        /// Second operand length.
        right: usize,
    },
    /// Division or modulo by zero.
    #[error("division by zero")]
    DivisionByZero,
    /// A result over 10,000 bytes.
    #[error("{opcode}: the result of {len} bytes exceeds the VM number range")]
    NumberOverflow {
        /// The failing opcode.
        opcode: String,
        /// Its length.
        len: usize,
    },
    /// OP_NUM2BIN asked for fewer bytes than the number needs.
    #[error("OP_NUM2BIN: {needed} bytes needed, {requested} requested")]
    Num2BinTooShort {
        /// Minimal length.
        needed: usize,
        /// Requested length.
        requested: i64,
    },
    /// A negative shift.
    #[error("{opcode}: invalid bit count")]
    BadShift {
        /// The failing opcode.
        opcode: String,
    },
    /// A function identifier over 7 bytes.
    #[error("OP_DEFINE: a {len}-byte identifier exceeds {max} bytes")]
    FunctionIdTooLong {
        /// Its length.
        len: usize,
        /// Limit.
        max: usize,
    },
    /// OP_DEFINE of an identifier already defined.
    #[error("OP_DEFINE: function 0x{id} is already defined")]
    FunctionRedefined {
        /// Hex identifier.
        id: String,
    },
    /// OP_INVOKE of an undefined identifier.
    #[error("OP_INVOKE: function 0x{id} is undefined")]
    FunctionUndefined {
        /// Hex identifier.
        id: String,
    },
    /// OP_INVOKE of a body with a truncated push.
    #[error("OP_INVOKE: the function body is malformed: {0}")]
    MalformedFunction(Malformed),
    /// A failed timelock check.
    #[error("{opcode}: {reason}")]
    Timelock {
        /// The failing opcode.
        opcode: String,
        /// Why.
        reason: &'static str,
    },
    /// A signature opcode that would need an elliptic-curve check.
    #[error("{opcode} needs an elliptic-curve signature check, which this VM does not perform")]
    SignatureUnsupported {
        /// The opcode.
        opcode: String,
    },
}

/// One entry of the control stack.
#[derive(Debug, Clone)]
enum Control {
    /// An IF/NOTIF branch: whether it executes.
    If(bool),
    /// An OP_BEGIN: the instruction index to loop back to, `None` when not executing.
    Begin(Option<usize>),
    /// The caller of an OP_INVOKE: its bytecode and the instruction to resume at.
    Frame { script: Rc<Script>, resume: usize },
}

/// The state of one phase's evaluation (stacks carry over between phases, functions do not).
struct Machine<'a> {
    mode: Mode,
    /// Longest stack item ([`limits::MAX_ITEM`], except in detached evaluations).
    max_item: usize,
    tx: &'a ResolvedTx,
    input: usize,
    metrics: &'a mut Metrics,
    stack: Vec<Vec<u8>>,
    alt: Vec<Vec<u8>>,
    control: Vec<Control>,
    functions: HashMap<Vec<u8>, Rc<Vec<u8>>>,
    script: Rc<Script>,
    ip: usize,
    /// Index (in whichever bytecode is active) of the last executed OP_CODESEPARATOR.
    last_code_separator: Option<usize>,
}

type Step = Result<(), VmError>;

/// The 2026 virtual machine.
#[derive(Debug, Clone, Copy)]
pub struct Vm {
    mode: Mode,
    max_item: usize,
}

impl Default for Vm {
    fn default() -> Self {
        Self::new(Mode::Standard)
    }
}

const P2SH20_LEN: usize = 23;
const P2SH32_LEN: usize = 35;

fn is_p2sh20(lock: &[u8]) -> bool {
    lock.len() == P2SH20_LEN && lock[..2] == [op::OP_HASH160, 20] && lock[22] == op::OP_EQUAL
}

fn is_p2sh32(lock: &[u8]) -> bool {
    lock.len() == P2SH32_LEN && lock[..2] == [op::OP_HASH256, 32] && lock[34] == op::OP_EQUAL
}

/// A segwit program pushed into P2SH20 by mistake: spendable so those coins can be recovered.
fn is_witness_program(bytecode: &[u8]) -> bool {
    (4..=42).contains(&bytecode.len())
        && (bytecode[0] == op::OP_0 || (op::OP_1..=op::OP_16).contains(&bytecode[0]))
        && usize::from(bytecode[1]) + 2 == bytecode.len()
}

impl Vm {
    /// A VM applying `mode`'s rules.
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            max_item: limits::MAX_ITEM,
        }
    }

    /// The rules this VM applies.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Evaluates input `input_index` of `spending` (unlocking, then locking, then P2SH redeem
    /// bytecode) and checks its success: a clean stack with a true item.
    pub fn eval_output(&self, spending: &ResolvedTx, input_index: usize) -> Result<(), VmError> {
        self.eval_input(spending, input_index).map(|_| ())
    }

    /// As [`Vm::eval_output`], returning what the evaluation consumed.
    pub fn eval_input(&self, tx: &ResolvedTx, input_index: usize) -> Result<Metrics, VmError> {
        let input = tx.inputs.get(input_index).ok_or(VmError::NoSuchInput {
            index: input_index,
            count: tx.inputs.len(),
        })?;
        let unlocking = &input.unlocking;
        let locking = &input.prev_output.locking;
        let parse = |bytes: &[u8], phase| {
            if bytes.len() > limits::MAX_BYTECODE {
                return Err(VmError::BytecodeTooLong {
                    phase,
                    len: bytes.len(),
                    max: limits::MAX_BYTECODE,
                });
            }
            Script::parse(bytes).map_err(|source| VmError::Malformed { phase, source })
        };
        let unlocking_script = parse(unlocking, Phase::Unlocking)?;
        if !script::is_push_only(unlocking) {
            return Err(VmError::NotPushOnly);
        }
        let locking_script = parse(locking, Phase::Locking)?;

        let mut metrics = Metrics {
            density_control_length: limits::DENSITY_BASE + unlocking.len() as u64,
            ..Metrics::default()
        };
        let unlocked = self.run(
            tx,
            input_index,
            &mut metrics,
            unlocking_script,
            Vec::new(),
            Phase::Unlocking,
        )?;
        let locked = self.run(
            tx,
            input_index,
            &mut metrics,
            locking_script,
            unlocked.clone(),
            Phase::Locking,
        )?;
        let (p2sh20, p2sh32) = (is_p2sh20(locking), is_p2sh32(locking));
        if !p2sh20 && !p2sh32 {
            return Self::success(locked, Phase::Locking).map(|()| metrics);
        }
        if !locked.last().is_some_and(|top| num::is_truthy(top)) {
            return Err(VmError::P2shMismatch);
        }
        let mut stack = unlocked;
        let redeem = stack.pop().unwrap_or_default();
        if p2sh20 && stack.is_empty() && is_witness_program(&redeem) {
            return Ok(metrics);
        }
        let redeem_script = Script::parse(&redeem).map_err(|source| VmError::Malformed {
            phase: Phase::Redeem,
            source,
        })?;
        let redeemed = self.run(
            tx,
            input_index,
            &mut metrics,
            redeem_script,
            stack,
            Phase::Redeem,
        )?;
        Self::success(redeemed, Phase::Redeem).map(|()| metrics)
    }

    fn success(stack: Vec<Vec<u8>>, phase: Phase) -> Result<(), VmError> {
        match stack.as_slice() {
            [top] if num::is_truthy(top) => Ok(()),
            [_] => Err(VmError::FalseResult),
            _ => Err(VmError::NotCleanStack {
                phase,
                depth: stack.len(),
            }),
        }
    }

    /// Runs one phase from `stack`, returning the stack it leaves.
    fn run(
        &self,
        tx: &ResolvedTx,
        input: usize,
        metrics: &mut Metrics,
        script: Script,
        stack: Vec<Vec<u8>>,
        phase: Phase,
    ) -> Result<Vec<Vec<u8>>, VmError> {
        let mut m = Machine {
            mode: self.mode,
            max_item: self.max_item,
            tx,
            input,
            metrics,
            stack,
            alt: Vec::new(),
            control: Vec::new(),
            functions: HashMap::new(),
            script: Rc::new(script),
            ip: 0,
            last_code_separator: None,
        };
        m.run()?;
        if !m.control.is_empty() {
            return Err(VmError::UnclosedControl {
                phase,
                depth: m.control.len(),
            });
        }
        Ok(m.stack)
    }
}

/// Evaluates `bytecode` alone (one phase, empty stack, a placeholder one-input transaction,
/// block-validation rules, the cost budget and item length of a 1 MB input) and returns the
/// stack it leaves: the assembler's `$(…)` evaluations, which build the oversized items that
/// invalid vectors push. Not a consensus path.
pub fn evaluate_detached(bytecode: &[u8]) -> Result<Vec<Vec<u8>>, VmError> {
    let script = Script::parse(bytecode).map_err(|source| VmError::Malformed {
        phase: Phase::Locking,
        source,
    })?;
    let tx = ResolvedTx {
        version: 2,
        inputs: vec![crate::tx::ResolvedInput {
            prevout: crate::tx::Outpoint {
                txid: [0; 32],
                index: 0,
            },
            prev_output: Output {
                value: 0,
                token: None,
                locking: bytecode.to_vec(),
            },
            unlocking: Vec::new(),
            sequence: 0,
        }],
        outputs: Vec::new(),
        locktime: 0,
    };
    let mut metrics = Metrics {
        density_control_length: 1_000_000,
        ..Metrics::default()
    };
    let vm = Vm {
        mode: Mode::Consensus,
        max_item: 1_000_000,
    };
    vm.run(&tx, 0, &mut metrics, script, Vec::new(), Phase::Locking)
}

impl Machine<'_> {
    fn run(&mut self) -> Step {
        loop {
            // A function body that ran to its end returns to its caller.
            while self.ip >= self.script.instructions().len() {
                match self.control.last() {
                    Some(Control::Frame { .. }) => {
                        if let Some(Control::Frame { script, resume }) = self.control.pop() {
                            self.script = script;
                            self.ip = resume;
                        }
                    }
                    _ => return Ok(()),
                }
            }
            let next = self.step()?;
            self.metrics.instructions += 1;
            self.check_limits()?;
            self.ip = next;
        }
    }

    fn check_limits(&self) -> Step {
        let cost = self.metrics.op_cost(self.mode);
        let max = self.metrics.max_op_cost();
        if cost > max {
            return Err(VmError::OpCostExceeded { cost, max });
        }
        let max = self
            .mode
            .max_hash_iterations(self.metrics.density_control_length);
        if self.metrics.hash_iterations > max {
            return Err(VmError::HashingExceeded {
                iterations: self.metrics.hash_iterations,
                max,
            });
        }
        let used = self.stack.len() + self.alt.len() + self.functions.len();
        if used > limits::MAX_MEMORY_SLOTS {
            return Err(VmError::MemorySlotsExceeded {
                used,
                max: limits::MAX_MEMORY_SLOTS,
            });
        }
        if self.control.len() > limits::MAX_CONTROL_DEPTH {
            return Err(VmError::ControlDepthExceeded {
                depth: self.control.len(),
                max: limits::MAX_CONTROL_DEPTH,
            });
        }
        Ok(())
    }

    fn executing(&self) -> bool {
        !self
            .control
            .iter()
            .any(|entry| matches!(entry, Control::If(false)))
    }

    fn name(&self) -> String {
        script::opcode_name(self.script.instructions()[self.ip].opcode)
    }

    fn pop(&mut self) -> Result<Vec<u8>, VmError> {
        self.stack.pop().ok_or_else(|| VmError::EmptyStack {
            opcode: self.name(),
        })
    }

    fn pop_n<const N: usize>(&mut self) -> Result<[Vec<u8>; N], VmError> {
        if self.stack.len() < N {
            return Err(VmError::EmptyStack {
                opcode: self.name(),
            });
        }
        let items: Vec<Vec<u8>> = self.stack.split_off(self.stack.len() - N);
        Ok(items.try_into().unwrap_or_else(|_| unreachable!()))
    }

    /// Pushes `item`, charging `charged` bytes of operation cost.
    fn push_charged(&mut self, item: Vec<u8>, charged: usize) {
        self.metrics.pushed_bytes += charged as u64;
        self.stack.push(item);
    }

    fn push(&mut self, item: Vec<u8>) {
        let len = item.len();
        self.push_charged(item, len);
    }

    /// Pushes `item` after checking it against the stack item limit.
    fn push_checked(&mut self, item: Vec<u8>) -> Step {
        if item.len() > self.max_item {
            return Err(VmError::ItemTooLong {
                opcode: self.name(),
                len: item.len(),
                max: self.max_item,
            });
        }
        self.push(item);
        Ok(())
    }

    fn push_bool(&mut self, value: bool) {
        self.push(if value { vec![1] } else { Vec::new() });
    }

    fn push_int(&mut self, value: i64) {
        self.push(num::encode_i64(value));
    }

    /// Pushes an arithmetic result, failing past 10,000 bytes; `encoding_cost` charges its length
    /// once more (the arithmetic surcharge).
    fn push_number(&mut self, value: &BigInt, encoding_cost: bool) -> Step {
        let encoded = num::encode(value);
        if encoded.len() > self.max_item {
            return Err(VmError::NumberOverflow {
                opcode: self.name(),
                len: encoded.len(),
            });
        }
        if encoding_cost {
            self.metrics.arithmetic_cost += encoded.len() as u64;
        }
        self.push(encoded);
        Ok(())
    }

    /// Pops a minimally encoded VM number of at most `max` bytes (any length when `None`).
    fn pop_number_limited(&mut self, max: Option<usize>, minimal: bool) -> Result<BigInt, VmError> {
        let item = self.pop()?;
        num::decode(&item, max, minimal).map_err(|source| VmError::BadNumber {
            opcode: self.name(),
            source,
        })
    }

    fn pop_number(&mut self) -> Result<BigInt, VmError> {
        self.pop_number_limited(Some(self.max_item), true)
    }

    /// Pops an index or count: any minimal number, saturated to `i64`.
    fn pop_index(&mut self) -> Result<i64, VmError> {
        self.pop_number_limited(None, true)
            .map(|n| num::saturating_i64(&n))
    }

    fn verify(&mut self) -> Step {
        let top = self.pop()?;
        if num::is_truthy(&top) {
            Ok(())
        } else {
            Err(VmError::VerifyFailed {
                opcode: self.name(),
            })
        }
    }

    fn out_of_range(&self, index: i64) -> VmError {
        VmError::IndexOutOfRange {
            opcode: self.name(),
            index,
        }
    }

    fn hash_iterations(message_len: usize, double: bool) -> u64 {
        1 + (message_len as u64 + 8) / 64 + u64::from(double)
    }

    /// Executes the instruction at `ip`; returns the index of the next one.
    fn step(&mut self) -> Result<usize, VmError> {
        let instruction = self.script.instructions()[self.ip].clone();
        let opcode = instruction.opcode;
        let next = self.ip + 1;
        if opcode <= op::OP_PUSHDATA_4 {
            let data = self.script.data(&instruction);
            if data.len() > self.max_item {
                return Err(VmError::ItemTooLong {
                    opcode: self.name(),
                    len: data.len(),
                    max: self.max_item,
                });
            }
            if self.executing() {
                if !script::is_minimal_push(opcode, data) {
                    return Err(VmError::NonMinimalPush);
                }
                let data = data.to_vec();
                self.push(data);
            }
            return Ok(next);
        }
        match opcode {
            op::OP_IF | op::OP_NOTIF => {
                let branch = if self.executing() {
                    let top = self.pop()?;
                    num::is_truthy(&top) == (opcode == op::OP_IF)
                } else {
                    false
                };
                self.control.push(Control::If(branch));
                return Ok(next);
            }
            op::OP_ELSE => {
                return match self.control.last_mut() {
                    Some(Control::If(branch)) => {
                        *branch = !*branch;
                        Ok(next)
                    }
                    _ => Err(VmError::UnbalancedControl {
                        opcode: self.name(),
                    }),
                };
            }
            op::OP_ENDIF => {
                return match self.control.pop() {
                    Some(Control::If(_)) => Ok(next),
                    _ => Err(VmError::UnbalancedControl {
                        opcode: self.name(),
                    }),
                };
            }
            op::OP_BEGIN => {
                let target = self.executing().then_some(self.ip);
                self.control.push(Control::Begin(target));
                return Ok(next);
            }
            op::OP_UNTIL => {
                let Some(Control::Begin(target)) = self.control.last().cloned() else {
                    return Err(VmError::UnbalancedControl {
                        opcode: self.name(),
                    });
                };
                if !self.executing() {
                    self.control.pop();
                    return match target {
                        None => Ok(next),
                        Some(_) => Err(VmError::UnbalancedControl {
                            opcode: self.name(),
                        }),
                    };
                }
                let top = self.pop()?;
                if num::is_truthy(&top) {
                    self.control.pop();
                    return Ok(next);
                }
                // Loop: resume after the OP_BEGIN.
                return Ok(target.map_or(next, |begin| begin + 1));
            }
            _ => {}
        }
        if !self.executing() {
            return Ok(next);
        }
        self.execute(opcode, next)
    }

    /// Executes a non-push, non-flow-control opcode in an executing branch.
    fn execute(&mut self, opcode: u8, next: usize) -> Result<usize, VmError> {
        match opcode {
            op::OP_1NEGATE => self.push_int(-1),
            op::OP_1..=op::OP_16 => self.push_int(i64::from(opcode - op::OP_1) + 1),
            op::OP_NOP => {}
            op::OP_NOP1 | op::OP_NOP4..=op::OP_NOP10 => {
                if self.mode == Mode::Standard {
                    return Err(VmError::UpgradableNop {
                        opcode: self.name(),
                    });
                }
            }
            op::OP_VERIFY => self.verify()?,
            op::OP_RETURN => return Err(VmError::Return),
            op::OP_TOALTSTACK => {
                let item = self.pop()?;
                self.alt.push(item);
            }
            op::OP_FROMALTSTACK => {
                let item = self.alt.pop().ok_or(VmError::EmptyAltStack)?;
                self.push(item);
            }
            op::OP_DEFINE => self.define()?,
            op::OP_INVOKE => return self.invoke(next),
            op::OP_CODESEPARATOR => self.last_code_separator = Some(self.ip),
            op::OP_CHECKLOCKTIMEVERIFY => self.check_locktime()?,
            op::OP_CHECKSEQUENCEVERIFY => self.check_sequence()?,
            op::OP_CHECKSIG
            | op::OP_CHECKSIGVERIFY
            | op::OP_CHECKMULTISIG
            | op::OP_CHECKMULTISIGVERIFY
            | op::OP_CHECKDATASIG
            | op::OP_CHECKDATASIGVERIFY => {
                return Err(VmError::SignatureUnsupported {
                    opcode: self.name(),
                });
            }
            op::OP_2DROP..=op::OP_TUCK => self.stack_op(opcode)?,
            op::OP_CAT..=op::OP_EQUALVERIFY | op::OP_LSHIFTBIN | op::OP_RSHIFTBIN => {
                self.bytes_op(opcode)?;
            }
            op::OP_REVERSEBYTES => {
                let mut item = self.pop()?;
                item.reverse();
                self.push(item);
            }
            op::OP_1ADD..=op::OP_RSHIFTNUM
            | op::OP_NEGATE..=op::OP_MOD
            | op::OP_BOOLAND..=op::OP_WITHIN => self.arithmetic(opcode)?,
            op::OP_RIPEMD160..=op::OP_HASH256 => self.hash(opcode)?,
            op::OP_INPUTINDEX..=op::OP_OUTPUTTOKENAMOUNT => self.introspect(opcode)?,
            _ => {
                return Err(VmError::BadOpcode {
                    opcode: self.name(),
                });
            }
        }
        Ok(next)
    }

    fn stack_op(&mut self, opcode: u8) -> Step {
        match opcode {
            op::OP_2DROP => {
                self.pop_n::<2>()?;
            }
            op::OP_2DUP => {
                let [a, b] = self.pop_n()?;
                let charged = a.len() + b.len();
                self.stack.extend([a.clone(), b.clone(), a]);
                self.push_charged(b, charged);
            }
            op::OP_3DUP => {
                let [a, b, c] = self.pop_n()?;
                let charged = a.len() + b.len() + c.len();
                self.stack.extend([a.clone(), b.clone(), c.clone(), a, b]);
                self.push_charged(c, charged);
            }
            op::OP_2OVER => {
                let [a, b, c, d] = self.pop_n()?;
                let charged = a.len() + b.len();
                self.stack.extend([a.clone(), b.clone(), c, d, a]);
                self.push_charged(b, charged);
            }
            op::OP_2ROT => {
                let [a, b, c, d, e, f] = self.pop_n()?;
                let charged = a.len() + b.len();
                self.stack.extend([c, d, e, f, a]);
                self.push_charged(b, charged);
            }
            op::OP_2SWAP => {
                let [a, b, c, d] = self.pop_n()?;
                self.stack.extend([c, d, a, b]);
            }
            op::OP_IFDUP => {
                let a = self.pop()?;
                if num::is_truthy(&a) {
                    self.stack.push(a.clone());
                    self.push(a);
                } else {
                    self.stack.push(a);
                }
            }
            op::OP_DEPTH => self.push_int(self.stack.len() as i64),
            op::OP_DROP => {
                self.pop()?;
            }
            op::OP_DUP => {
                let a = self.pop()?;
                self.stack.push(a.clone());
                self.push(a);
            }
            op::OP_NIP => {
                let [_, b] = self.pop_n()?;
                self.stack.push(b);
            }
            op::OP_OVER => {
                let [a, b] = self.pop_n()?;
                self.stack.extend([a.clone(), b]);
                self.push(a);
            }
            op::OP_PICK | op::OP_ROLL => {
                let depth = self.pop_index()?;
                let len = self.stack.len() as i64;
                if depth < 0 || depth >= len {
                    return Err(self.out_of_range(depth));
                }
                let index = (len - 1 - depth) as usize;
                if opcode == op::OP_PICK {
                    let item = self.stack[index].clone();
                    self.push(item);
                } else {
                    let item = self.stack.remove(index);
                    let charged = item.len() + depth as usize;
                    self.push_charged(item, charged);
                }
            }
            op::OP_ROT => {
                let [a, b, c] = self.pop_n()?;
                self.stack.extend([b, c, a]);
            }
            op::OP_SWAP => {
                let [a, b] = self.pop_n()?;
                self.stack.extend([b, a]);
            }
            op::OP_TUCK => {
                let [a, b] = self.pop_n()?;
                // Only the copy of `b` (slid under `a`) is charged.
                let charged = b.len();
                self.stack.extend([b.clone(), a]);
                self.push_charged(b, charged);
            }
            _ => unreachable!("stack_op called with {opcode:#x}"),
        }
        Ok(())
    }

    fn bytes_op(&mut self, opcode: u8) -> Step {
        match opcode {
            op::OP_CAT => {
                let [mut a, b] = self.pop_n()?;
                a.extend_from_slice(&b);
                self.push_checked(a)?;
            }
            op::OP_SPLIT => {
                let index = self.pop_index()?;
                let mut item = self.pop()?;
                if index < 0 || index > item.len() as i64 {
                    return Err(self.out_of_range(index));
                }
                let right = item.split_off(index as usize);
                self.push(item);
                self.push(right);
            }
            op::OP_NUM2BIN => {
                let len = self.pop_index()?;
                if len > self.max_item as i64 {
                    return Err(VmError::ItemTooLong {
                        opcode: self.name(),
                        len: usize::try_from(len).unwrap_or(usize::MAX),
                        max: self.max_item,
                    });
                }
                let value = self.pop_number_limited(Some(self.max_item), false)?;
                let encoded = num::encode(&value);
                if encoded.len() as i64 > len {
                    return Err(VmError::Num2BinTooShort {
                        needed: encoded.len(),
                        requested: len,
                    });
                }
                self.push(num::pad(encoded, len as usize));
            }
            op::OP_BIN2NUM => {
                let value = self.pop_number_limited(Some(self.max_item), false)?;
                self.push(num::encode(&value));
            }
            op::OP_SIZE => {
                let len = self.stack.last().map(Vec::len);
                let len = len.ok_or_else(|| VmError::EmptyStack {
                    opcode: self.name(),
                })?;
                self.push_int(len as i64);
            }
            op::OP_INVERT => {
                let a = self.pop()?;
                self.push(a.iter().map(|b| !b).collect());
            }
            op::OP_AND | op::OP_OR | op::OP_XOR => {
                let [a, b] = self.pop_n()?;
                if a.len() != b.len() {
                    return Err(VmError::MismatchedLengths {
                        opcode: self.name(),
                        left: a.len(),
                        right: b.len(),
                    });
                }
                let combine = match opcode {
                    op::OP_AND => |x: u8, y: u8| x & y,
                    op::OP_OR => |x: u8, y: u8| x | y,
                    _ => |x: u8, y: u8| x ^ y,
                };
                self.push(a.iter().zip(&b).map(|(x, y)| combine(*x, *y)).collect());
            }
            op::OP_EQUAL | op::OP_EQUALVERIFY => {
                let [a, b] = self.pop_n()?;
                self.push_bool(a == b);
                if opcode == op::OP_EQUALVERIFY {
                    self.verify()?;
                }
            }
            op::OP_LSHIFTBIN | op::OP_RSHIFTBIN => {
                let bits = self.pop_shift()?;
                let item = self.pop()?;
                self.push(shift_bytes(&item, bits, opcode == op::OP_LSHIFTBIN));
            }
            _ => unreachable!("bytes_op called with {opcode:#x}"),
        }
        Ok(())
    }

    /// Pops a shift's bit count (a non-negative VM number of any length).
    fn pop_shift(&mut self) -> Result<BigInt, VmError> {
        let bits = self.pop_number_limited(None, true)?;
        if bits.is_negative() {
            return Err(VmError::BadShift {
                opcode: self.name(),
            });
        }
        Ok(bits)
    }

    fn arithmetic(&mut self, opcode: u8) -> Step {
        match opcode {
            op::OP_LSHIFTNUM | op::OP_RSHIFTNUM => return self.shift_number(opcode),
            op::OP_MUL | op::OP_DIV | op::OP_MOD => {
                // Charged on the operands as they are, before they are read.
                let n = self.stack.len();
                let product = match (n.checked_sub(2), n.checked_sub(1)) {
                    (Some(i), Some(j)) => self.stack[i].len() * self.stack[j].len(),
                    _ => 0,
                };
                self.metrics.arithmetic_cost += product as u64;
            }
            _ => {}
        }
        let unary = matches!(opcode, op::OP_1ADD..=op::OP_1SUB | op::OP_NEGATE..=op::OP_0NOTEQUAL);
        if unary {
            let a = self.pop_number()?;
            let (result, encoding_cost) = match opcode {
                op::OP_1ADD => (a + 1, true),
                op::OP_1SUB => (a - 1, true),
                op::OP_NEGATE => (-a, true),
                op::OP_ABS => (a.abs(), true),
                op::OP_NOT => (BigInt::from(u8::from(a.is_zero())), false),
                _ => (BigInt::from(u8::from(!a.is_zero())), false),
            };
            return self.push_number(&result, encoding_cost);
        }
        if opcode == op::OP_WITHIN {
            let max = self.pop_number()?;
            let min = self.pop_number()?;
            let x = self.pop_number()?;
            return self.push_number(&BigInt::from(u8::from(min <= x && x < max)), false);
        }
        let b = self.pop_number()?;
        let a = self.pop_number()?;
        let flag = |value: bool| (BigInt::from(u8::from(value)), false);
        let (result, encoding_cost) = match opcode {
            op::OP_ADD => (a + b, true),
            op::OP_SUB => (a - b, true),
            op::OP_MUL => (a * b, true),
            op::OP_DIV | op::OP_MOD => {
                if b.is_zero() {
                    return Err(VmError::DivisionByZero);
                }
                // Truncating division; the remainder takes the dividend's sign.
                let (q, r) = a.div_rem(&b);
                (if opcode == op::OP_DIV { q } else { r }, true)
            }
            op::OP_BOOLAND => flag(!a.is_zero() && !b.is_zero()),
            op::OP_BOOLOR => flag(!a.is_zero() || !b.is_zero()),
            op::OP_NUMEQUAL | op::OP_NUMEQUALVERIFY => flag(a == b),
            op::OP_NUMNOTEQUAL => flag(a != b),
            op::OP_LESSTHAN => flag(a < b),
            op::OP_GREATERTHAN => flag(a > b),
            op::OP_LESSTHANOREQUAL => flag(a <= b),
            op::OP_GREATERTHANOREQUAL => flag(a >= b),
            op::OP_MIN => (a.min(b), true),
            op::OP_MAX => (a.max(b), true),
            _ => unreachable!("arithmetic called with {opcode:#x}"),
        };
        self.push_number(&result, encoding_cost)?;
        if opcode == op::OP_NUMEQUALVERIFY {
            self.verify()?;
        }
        Ok(())
    }

    /// OP_LSHIFTNUM (`value · 2^n`) and OP_RSHIFTNUM (`⌊value / 2^n⌋`); no encoding surcharge.
    fn shift_number(&mut self, opcode: u8) -> Step {
        let bits = self.pop_shift()?;
        let value_len = self.stack.last().map_or(0, Vec::len);
        let value = self.pop_number_limited(None, true)?;
        if value.is_zero() {
            self.push(Vec::new());
            return Ok(());
        }
        let max_bits = BigInt::from(self.max_item * 8);
        if opcode == op::OP_LSHIFTNUM {
            if bits > max_bits {
                return Err(VmError::BadShift {
                    opcode: self.name(),
                });
            }
            let shift = num::saturating_i64(&bits) as usize;
            return self.push_number(&(value << shift), false);
        }
        if bits > BigInt::from(value_len * 8) {
            self.push_int(if value.is_negative() { -1 } else { 0 });
            return Ok(());
        }
        let shift = num::saturating_i64(&bits) as usize;
        // Floor division by 2^n (toward negative infinity).
        let shifted = if value.is_negative() {
            let magnitude_less_one: BigInt = -value - 1;
            -(magnitude_less_one >> shift) - 1
        } else {
            value >> shift
        };
        self.push_number(&shifted, false)
    }

    fn hash(&mut self, opcode: u8) -> Step {
        let message = self.pop()?;
        let sha256 = |m: &[u8]| sha2::Sha256::digest(m).to_vec();
        let ripemd160 = |m: &[u8]| ripemd::Ripemd160::digest(m).to_vec();
        let (digest, double) = match opcode {
            op::OP_RIPEMD160 => (ripemd160(&message), false),
            op::OP_SHA1 => (sha1::Sha1::digest(&message).to_vec(), false),
            op::OP_SHA256 => (sha256(&message), false),
            op::OP_HASH160 => (ripemd160(&sha256(&message)), true),
            _ => (sha256(&sha256(&message)), true),
        };
        self.metrics.hash_iterations += Self::hash_iterations(message.len(), double);
        self.push(digest);
        Ok(())
    }

    fn define(&mut self) -> Step {
        let id = self.pop()?;
        if id.len() > limits::MAX_FUNCTION_ID {
            return Err(VmError::FunctionIdTooLong {
                len: id.len(),
                max: limits::MAX_FUNCTION_ID,
            });
        }
        if self.functions.contains_key(&id) {
            return Err(VmError::FunctionRedefined { id: hex(&id) });
        }
        let body = self.pop()?;
        self.functions.insert(id, Rc::new(body));
        Ok(())
    }

    fn invoke(&mut self, next: usize) -> Result<usize, VmError> {
        let id = self.pop()?;
        let body = self
            .functions
            .get(&id)
            .cloned()
            .ok_or_else(|| VmError::FunctionUndefined { id: hex(&id) })?;
        let body = Script::parse(&body).map_err(VmError::MalformedFunction)?;
        let caller = std::mem::replace(&mut self.script, Rc::new(body));
        self.control.push(Control::Frame {
            script: caller,
            resume: next,
        });
        Ok(0)
    }

    /// The top item as a timelock: a non-negative number of at most 5 bytes (not popped).
    fn peek_locktime(&self) -> Result<i64, VmError> {
        let top = self.stack.last().ok_or_else(|| VmError::EmptyStack {
            opcode: self.name(),
        })?;
        let value = num::decode(top, Some(5), true).map_err(|source| VmError::BadNumber {
            opcode: self.name(),
            source,
        })?;
        let value = num::saturating_i64(&value);
        if value < 0 {
            return Err(self.timelock("negative locktime"));
        }
        Ok(value)
    }

    fn timelock(&self, reason: &'static str) -> VmError {
        VmError::Timelock {
            opcode: self.name(),
            reason,
        }
    }

    fn check_locktime(&mut self) -> Step {
        const THRESHOLD: i64 = 500_000_000;
        let required = self.peek_locktime()?;
        let locktime = i64::from(self.tx.locktime);
        if (required < THRESHOLD) != (locktime < THRESHOLD) {
            return Err(self.timelock("block-height and time locktimes cannot be compared"));
        }
        if required > locktime {
            return Err(self.timelock("the transaction's locktime is earlier than required"));
        }
        if self.tx.inputs[self.input].sequence == u32::MAX {
            return Err(self.timelock("a final sequence number disables the locktime"));
        }
        Ok(())
    }

    fn check_sequence(&mut self) -> Step {
        const DISABLE: i64 = 1 << 31;
        const TYPE: i64 = 1 << 22;
        const MASK: i64 = 0xffff;
        let required = self.peek_locktime()?;
        if required & DISABLE != 0 {
            return Ok(());
        }
        if self.tx.version < 2 {
            return Err(self.timelock("relative locktimes need transaction version 2"));
        }
        let sequence = i64::from(self.tx.inputs[self.input].sequence);
        if sequence & DISABLE != 0 {
            return Err(self.timelock("the input's sequence number disables relative locktime"));
        }
        if required & TYPE != sequence & TYPE {
            return Err(self.timelock("block-based and time-based relative locktimes differ"));
        }
        if required & MASK > sequence & MASK {
            return Err(self.timelock("the input's relative locktime is shorter than required"));
        }
        Ok(())
    }

    fn introspect(&mut self, opcode: u8) -> Step {
        let tx = self.tx;
        match opcode {
            op::OP_INPUTINDEX => self.push_int(self.input as i64),
            op::OP_ACTIVEBYTECODE => {
                let from = self.last_code_separator.map_or(0, |i| i + 1);
                let bytes = self.script.bytes_from(from).to_vec();
                self.push_checked(bytes)?;
            }
            // The version is read as a signed 32-bit integer.
            op::OP_TXVERSION => self.push_int(i64::from(tx.version as i32)),
            op::OP_TXINPUTCOUNT => self.push_int(tx.inputs.len() as i64),
            op::OP_TXOUTPUTCOUNT => self.push_int(tx.outputs.len() as i64),
            op::OP_TXLOCKTIME => self.push_int(i64::from(tx.locktime)),
            op::OP_UTXOVALUE..=op::OP_INPUTSEQUENCENUMBER
            | op::OP_UTXOTOKENCATEGORY..=op::OP_UTXOTOKENAMOUNT => {
                let index = self.pop_index()?;
                let input = usize::try_from(index)
                    .ok()
                    .and_then(|i| tx.inputs.get(i))
                    .ok_or_else(|| self.out_of_range(index))?;
                match opcode {
                    op::OP_UTXOVALUE => self.push_u64(input.prev_output.value),
                    op::OP_UTXOBYTECODE => self.push_checked(input.prev_output.locking.clone())?,
                    op::OP_OUTPOINTTXHASH => self.push(input.prevout.txid.to_vec()),
                    op::OP_OUTPOINTINDEX => self.push_int(i64::from(input.prevout.index)),
                    op::OP_INPUTBYTECODE => self.push_checked(input.unlocking.clone())?,
                    op::OP_INPUTSEQUENCENUMBER => self.push_int(i64::from(input.sequence)),
                    _ => self.push_token(opcode - op::OP_UTXOTOKENCATEGORY, &input.prev_output)?,
                }
            }
            _ => {
                let index = self.pop_index()?;
                let output = usize::try_from(index)
                    .ok()
                    .and_then(|i| tx.outputs.get(i))
                    .ok_or_else(|| self.out_of_range(index))?;
                match opcode {
                    op::OP_OUTPUTVALUE => self.push_u64(output.value),
                    op::OP_OUTPUTBYTECODE => self.push_checked(output.locking.clone())?,
                    _ => self.push_token(opcode - op::OP_OUTPUTTOKENCATEGORY, output)?,
                }
            }
        }
        Ok(())
    }

    fn push_u64(&mut self, value: u64) {
        self.push(num::encode(&BigInt::from(value)));
    }

    /// Token introspection: `which` 0 = category (plus a capability byte for mutable and
    /// minting NFTs), 1 = commitment, 2 = fungible amount; 0 when the output has none.
    fn push_token(&mut self, which: u8, output: &Output) -> Step {
        let Some(token) = &output.token else {
            self.push(Vec::new());
            return Ok(());
        };
        match which {
            0 => {
                let mut category = token.category.to_vec();
                match token.nft.as_ref().map(|(capability, _)| capability) {
                    Some(NftCapability::Mutable) => category.push(1),
                    Some(NftCapability::Minting) => category.push(2),
                    _ => {}
                }
                self.push(category);
            }
            1 => match &token.nft {
                Some((_, commitment)) => self.push_checked(commitment.clone())?,
                None => self.push(Vec::new()),
            },
            _ => self.push_u64(token.amount),
        }
        Ok(())
    }
}

/// A fixed-length logical shift of `item` by `bits` (left toward index 0).
fn shift_bytes(item: &[u8], bits: BigInt, left: bool) -> Vec<u8> {
    let len = item.len();
    let total_bits = BigInt::from(len) * 8;
    if len == 0 || bits >= total_bits {
        return vec![0; len];
    }
    let bits = num::saturating_i64(&bits) as usize;
    let (bytes, rem) = (bits / 8, bits % 8);
    let mut out = vec![0u8; len];
    if left {
        out[..len - bytes].copy_from_slice(&item[bytes..]);
        if rem > 0 {
            let mut carry = 0u8;
            for b in out.iter_mut().rev() {
                let v = *b;
                *b = (v << rem) | carry;
                carry = v >> (8 - rem);
            }
        }
    } else {
        out[bytes..].copy_from_slice(&item[..len - bytes]);
        if rem > 0 {
            let mut carry = 0u8;
            for b in out.iter_mut() {
                let v = *b;
                *b = (v >> rem) | carry;
                carry = v << (8 - rem);
            }
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
