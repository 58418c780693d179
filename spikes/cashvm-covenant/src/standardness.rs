//! Relay (standardness) rules of the 2026 network, each rejection naming the exact limit.
//!
//! Consensus accepts more: a non-standard transaction is valid in a block but nodes will not
//! relay it. Limits from the P2S CHIP (2026) and BCHN policy.

use crate::script::{self, Script, op};
use crate::tx::{Output, ResolvedTx};
use crate::vm::limits::MAX_BYTECODE;

/// Largest standard transaction.
pub const MAX_STANDARD_TX_BYTES: usize = 100_000;
/// Longest standard unlocking bytecode (the consensus bytecode limit since 2026).
pub const MAX_STANDARD_UNLOCKING_BYTES: usize = MAX_BYTECODE;
/// Longest standard locking bytecode of a created (or spent) output.
pub const MAX_STANDARD_LOCKING_BYTES: usize = 201;
/// Total bytes of data-carrier (OP_RETURN) outputs.
pub const MAX_DATA_CARRIER_BYTES: usize = 223;
/// Dust relay fee, satoshis per 1,000 bytes.
pub const DUST_RELAY_FEE_PER_KB: u64 = 1_000;

/// Why a transaction is non-standard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StandardnessError {
    /// Over 100,000 bytes.
    #[error("the transaction is {len} bytes; the standard limit is {max}")]
    TooLarge {
        /// Encoded length.
        len: usize,
        /// Limit.
        max: usize,
    },
    /// A spent output's locking bytecode over 201 bytes (bare multisig excepted).
    #[error("spent output {index} has {len}-byte locking bytecode; the standard limit is {max}")]
    NonstandardSpentOutput {
        /// Input index.
        index: usize,
        /// Its length.
        len: usize,
        /// Limit.
        max: usize,
    },
    /// A created output's locking bytecode over 201 bytes that is not a data carrier.
    #[error("output {index} has {len}-byte locking bytecode; the standard limit is {max}")]
    NonstandardOutput {
        /// Output index.
        index: usize,
        /// Its length.
        len: usize,
        /// Limit.
        max: usize,
    },
    /// An output worth less than the dust threshold.
    #[error("output {index} holds {value} satoshis, under the dust threshold of {threshold}")]
    Dust {
        /// Output index.
        index: usize,
        /// Its value.
        value: u64,
        /// Threshold.
        threshold: u64,
    },
    /// Data-carrier outputs over 223 bytes in total.
    #[error("data-carrier outputs hold {len} bytes; the standard limit is {max}")]
    DataCarrierTooLarge {
        /// Total (each output's locking length + 1).
        len: usize,
        /// Limit.
        max: usize,
    },
    /// Unlocking bytecode over 10,000 bytes.
    #[error("input {index} has {len}-byte unlocking bytecode; the standard limit is {max}")]
    UnlockingTooLong {
        /// Input index.
        index: usize,
        /// Its length.
        len: usize,
        /// Limit.
        max: usize,
    },
    /// Unlocking bytecode with non-push operations.
    #[error("input {index}'s unlocking bytecode contains non-push operations")]
    NonPushUnlocking {
        /// Input index.
        index: usize,
    },
}

/// Whether `locking` is a data carrier: `OP_RETURN` followed by pushes only.
pub fn is_data_carrier(locking: &[u8]) -> bool {
    locking.first() == Some(&op::OP_RETURN) && script::is_push_only(&locking[1..])
}

/// The smallest standard value of `output`: three times the fee, at the dust relay rate, of
/// spending it (its encoding plus a 148-byte P2PKH input); 0 for data carriers.
pub fn dust_threshold(output: &Output) -> u64 {
    if is_data_carrier(&output.locking) {
        return 0;
    }
    let len = (output.encoded_len() + 148) as u64;
    let fee = (len * DUST_RELAY_FEE_PER_KB / 1_000).max(1);
    3 * fee
}

/// A bare `m`-of-`n` multisig locking bytecode with well-formed public keys: standard to spend
/// at any length.
fn is_bare_multisig(locking: &[u8]) -> bool {
    let Ok(parsed) = Script::parse(locking) else {
        return false;
    };
    let code = parsed.instructions();
    let small_number = |opcode: u8| {
        matches!(opcode, op::OP_0 | op::OP_1NEGATE) || (op::OP_1..=op::OP_16).contains(&opcode)
    };
    if code.len() < 4 || code[code.len() - 1].opcode != op::OP_CHECKMULTISIG {
        return false;
    }
    if !small_number(code[0].opcode) || !small_number(code[code.len() - 2].opcode) {
        return false;
    }
    code[1..code.len() - 2].iter().all(|key| {
        key.data.is_some()
            && match parsed.data(key) {
                [0x02 | 0x03, ..] => parsed.data(key).len() == 33,
                [0x04 | 0x06 | 0x07, ..] => parsed.data(key).len() == 65,
                _ => false,
            }
    })
}

/// Checks the relay rules that do not need evaluation.
pub fn check_standard(tx: &ResolvedTx) -> Result<(), StandardnessError> {
    let len = tx.transaction().size();
    if len > MAX_STANDARD_TX_BYTES {
        return Err(StandardnessError::TooLarge {
            len,
            max: MAX_STANDARD_TX_BYTES,
        });
    }
    for (index, input) in tx.inputs.iter().enumerate() {
        let lock = &input.prev_output.locking;
        if lock.len() > MAX_STANDARD_LOCKING_BYTES && !is_bare_multisig(lock) {
            return Err(StandardnessError::NonstandardSpentOutput {
                index,
                len: lock.len(),
                max: MAX_STANDARD_LOCKING_BYTES,
            });
        }
    }
    let mut data_carrier = 0;
    for (index, output) in tx.outputs.iter().enumerate() {
        let carrier = is_data_carrier(&output.locking);
        if carrier {
            data_carrier += output.locking.len() + 1;
        }
        if output.locking.len() > MAX_STANDARD_LOCKING_BYTES && !carrier {
            return Err(StandardnessError::NonstandardOutput {
                index,
                len: output.locking.len(),
                max: MAX_STANDARD_LOCKING_BYTES,
            });
        }
        let threshold = dust_threshold(output);
        if output.value < threshold {
            return Err(StandardnessError::Dust {
                index,
                value: output.value,
                threshold,
            });
        }
    }
    if data_carrier > MAX_DATA_CARRIER_BYTES {
        return Err(StandardnessError::DataCarrierTooLarge {
            len: data_carrier,
            max: MAX_DATA_CARRIER_BYTES,
        });
    }
    for (index, input) in tx.inputs.iter().enumerate() {
        if input.unlocking.len() > MAX_STANDARD_UNLOCKING_BYTES {
            return Err(StandardnessError::UnlockingTooLong {
                index,
                len: input.unlocking.len(),
                max: MAX_STANDARD_UNLOCKING_BYTES,
            });
        }
        if !script::is_push_only(&input.unlocking) {
            return Err(StandardnessError::NonPushUnlocking { index });
        }
    }
    Ok(())
}
