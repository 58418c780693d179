//! Whole-transaction validation: the consensus rules around the VM (sizes, values, duplicate
//! outpoints, version, CashTokens accounting), the relay rules in standard mode, then every
//! input's evaluation. The order follows the reference VM so the first reported failure is the
//! same one.

use std::collections::{BTreeMap, HashSet};

use crate::standardness::{self, StandardnessError};
use crate::tx::{MAX_COMMITMENT_BYTES, MAX_TOKEN_AMOUNT, NftCapability, Output, ResolvedTx};
use crate::vm::{Metrics, Mode, Vm, VmError};

/// Smallest valid transaction (64-byte transactions could pass for Merkle tree nodes).
pub const MIN_TX_BYTES: usize = 65;
/// Largest valid transaction.
pub const MAX_TX_BYTES: usize = 1_000_000;
/// 21 million coins, in satoshis.
pub const MAX_MONEY: u64 = 21_000_000 * 100_000_000;

/// Why a transaction is invalid or non-standard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TxError {
    /// No inputs.
    #[error("the transaction has no inputs")]
    NoInputs,
    /// No outputs.
    #[error("the transaction has no outputs")]
    NoOutputs,
    /// Under 65 bytes.
    #[error("the transaction is {len} bytes; at least {min} are required")]
    TooSmall {
        /// Encoded length.
        len: usize,
        /// Minimum.
        min: usize,
    },
    /// Over 1,000,000 bytes.
    #[error("the transaction is {len} bytes; the consensus limit is {max}")]
    TooLarge {
        /// Encoded length.
        len: usize,
        /// Limit.
        max: usize,
    },
    /// Inputs or outputs summing past 21 million coins.
    #[error("values sum to {sum} satoshis, over the {max} money supply")]
    ValueOutOfRange {
        /// The sum.
        sum: u128,
        /// The supply.
        max: u64,
    },
    /// Outputs worth more than inputs.
    #[error("outputs ({outputs} satoshis) exceed inputs ({inputs})")]
    OutputsExceedInputs {
        /// Sum of inputs.
        inputs: u128,
        /// Sum of outputs.
        outputs: u128,
    },
    /// One outpoint spent twice.
    #[error("input {index} spends an outpoint already spent by an earlier input")]
    DuplicateOutpoint {
        /// The second spender.
        index: usize,
    },
    /// Version other than 1 or 2.
    #[error("version {0} is not 1 or 2")]
    BadVersion(u32),
    /// A relay rule (standard mode only).
    #[error("non-standard: {0}")]
    Nonstandard(#[from] StandardnessError),
    /// A CashTokens accounting rule.
    #[error("token validation: {0}")]
    Tokens(#[from] TokenRuleError),
    /// An input failed evaluation.
    #[error("input {index}: {error}")]
    Input {
        /// Input index.
        index: usize,
        /// Why.
        error: VmError,
    },
}

/// CashTokens rules over a whole transaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenRuleError {
    /// A commitment over 128 bytes (parsable, but invalid by consensus).
    #[error("a {len}-byte commitment exceeds the {max}-byte limit")]
    CommitmentTooLong {
        /// Its length.
        len: usize,
        /// Limit.
        max: usize,
    },
    /// A minting NFT created without a genesis input or a minting input of its category.
    #[error("a minting NFT is created without minting authority")]
    UnsubstantiatedMinting,
    /// Outputs of one category summing over 2^63 − 1.
    #[error("fungible outputs of one category exceed the maximum amount")]
    AmountOverflow,
    /// Fungible tokens created outside genesis.
    #[error("fungible tokens created without a genesis input")]
    FungibleMint,
    /// Fungible outputs exceed the inputs of their category.
    #[error("fungible outputs ({outputs}) exceed inputs ({inputs}) for a category")]
    FungibleInflation {
        /// Input sum.
        inputs: u128,
        /// Output sum.
        outputs: u128,
    },
    /// More mutable NFTs out than mutable NFTs in.
    #[error("more mutable NFTs created than spent for a category")]
    ExcessMutable,
    /// Immutable NFTs that match no input and no spare mutable NFT.
    #[error("immutable NFTs created without a matching input or a spare mutable NFT")]
    ExcessImmutable,
}

/// Consensus rules that need no evaluation: shape, sizes, values, outpoints, version, tokens;
/// in standard mode the relay rules as well.
pub fn check_transaction(tx: &ResolvedTx, mode: Mode) -> Result<(), TxError> {
    if tx.inputs.is_empty() {
        return Err(TxError::NoInputs);
    }
    if tx.outputs.is_empty() {
        return Err(TxError::NoOutputs);
    }
    let len = tx.transaction().size();
    if len < MIN_TX_BYTES {
        return Err(TxError::TooSmall {
            len,
            min: MIN_TX_BYTES,
        });
    }
    if len > MAX_TX_BYTES {
        return Err(TxError::TooLarge {
            len,
            max: MAX_TX_BYTES,
        });
    }
    let inputs: u128 = tx
        .inputs
        .iter()
        .map(|i| u128::from(i.prev_output.value))
        .sum();
    let outputs: u128 = tx.outputs.iter().map(|o| u128::from(o.value)).sum();
    for sum in [inputs, outputs] {
        if sum > u128::from(MAX_MONEY) {
            return Err(TxError::ValueOutOfRange {
                sum,
                max: MAX_MONEY,
            });
        }
    }
    if outputs > inputs {
        return Err(TxError::OutputsExceedInputs { inputs, outputs });
    }
    let mut seen = HashSet::new();
    for (index, input) in tx.inputs.iter().enumerate() {
        if !seen.insert(input.prevout) {
            return Err(TxError::DuplicateOutpoint { index });
        }
    }
    if !(1..=2).contains(&tx.version) {
        return Err(TxError::BadVersion(tx.version));
    }
    if mode == Mode::Standard {
        standardness::check_standard(tx)?;
    }
    check_tokens(tx)?;
    Ok(())
}

/// [`check_transaction`], then every input's evaluation; returns each input's metrics.
pub fn verify_transaction(tx: &ResolvedTx, mode: Mode) -> Result<Vec<Metrics>, TxError> {
    check_transaction(tx, mode)?;
    let vm = Vm::new(mode);
    (0..tx.inputs.len())
        .map(|index| {
            vm.eval_input(tx, index)
                .map_err(|error| TxError::Input { index, error })
        })
        .collect()
}

/// Per-category token totals on one side of a transaction.
#[derive(Default)]
struct Side {
    amounts: BTreeMap<[u8; 32], u128>,
    mutable: BTreeMap<[u8; 32], i64>,
    minting: Vec<[u8; 32]>,
    immutable: Vec<([u8; 32], Vec<u8>)>,
}

impl Side {
    fn of<'a>(outputs: impl Iterator<Item = &'a Output>) -> Self {
        let mut side = Self::default();
        for token in outputs.filter_map(|o| o.token.as_ref()) {
            *side.amounts.entry(token.category).or_default() += u128::from(token.amount);
            match &token.nft {
                Some((NftCapability::None, commitment)) => {
                    side.immutable.push((token.category, commitment.clone()));
                }
                Some((NftCapability::Mutable, _)) => {
                    *side.mutable.entry(token.category).or_default() += 1;
                }
                Some((NftCapability::Minting, _)) => side.minting.push(token.category),
                None => {}
            }
        }
        side
    }
}

/// The CashTokens accounting rules (CHIP-2022-02 "Token Validation Algorithm").
pub fn check_tokens(tx: &ResolvedTx) -> Result<(), TokenRuleError> {
    let commitments = tx
        .inputs
        .iter()
        .map(|i| &i.prev_output)
        .chain(&tx.outputs)
        .filter_map(|o| o.token.as_ref()?.nft.as_ref());
    for (_, commitment) in commitments {
        if commitment.len() > MAX_COMMITMENT_BYTES {
            return Err(TokenRuleError::CommitmentTooLong {
                len: commitment.len(),
                max: MAX_COMMITMENT_BYTES,
            });
        }
    }
    // A category is born from the transaction id of an outpoint with index 0.
    let genesis: Vec<[u8; 32]> = tx
        .inputs
        .iter()
        .filter(|i| i.prevout.index == 0)
        .map(|i| i.prevout.txid)
        .collect();
    let spent = Side::of(tx.inputs.iter().map(|i| &i.prev_output));
    let created = Side::of(tx.outputs.iter());
    let minting_authority =
        |category: &[u8; 32]| genesis.contains(category) || spent.minting.contains(category);
    if created.minting.iter().any(|c| !minting_authority(c)) {
        return Err(TokenRuleError::UnsubstantiatedMinting);
    }
    for (category, &sum) in &created.amounts {
        if sum > u128::from(MAX_TOKEN_AMOUNT) {
            return Err(TokenRuleError::AmountOverflow);
        }
        match spent.amounts.get(category) {
            None if sum > 0 && !genesis.contains(category) => {
                return Err(TokenRuleError::FungibleMint);
            }
            Some(&available) if sum > available => {
                return Err(TokenRuleError::FungibleInflation {
                    inputs: available,
                    outputs: sum,
                });
            }
            _ => {}
        }
    }
    let mut mutable_left = spent.mutable.clone();
    for (category, count) in &created.mutable {
        if !minting_authority(category) {
            *mutable_left.entry(*category).or_default() -= count;
        }
    }
    if mutable_left.values().any(|&left| left < 0) {
        return Err(TokenRuleError::ExcessMutable);
    }
    let mut available = spent.immutable.clone();
    let mut needs_mutable: BTreeMap<[u8; 32], i64> = BTreeMap::new();
    for token in &created.immutable {
        if minting_authority(&token.0) {
            continue;
        }
        match available.iter().position(|a| a == token) {
            Some(found) => {
                available.remove(found);
            }
            None => *needs_mutable.entry(token.0).or_default() += 1,
        }
    }
    for (category, needed) in needs_mutable {
        if mutable_left.get(&category).copied().unwrap_or(0) < needed {
            return Err(TokenRuleError::ExcessImmutable);
        }
    }
    Ok(())
}
