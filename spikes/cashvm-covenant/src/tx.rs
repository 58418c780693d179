//! Bitcoin Cash transactions and outputs with CashTokens, in their exact wire encoding.
//!
//! Output: `value u64 ‖ CompactSize(len) ‖ [token prefix] ‖ locking bytecode`. The token prefix
//! (CHIP-2022-02, 2026 limits): `0xef ‖ category (32) ‖ bitfield ‖ [CompactSize commitment
//! length ‖ commitment] ‖ [CompactSize amount]`. Bitfield high nibble: `0x40` has commitment,
//! `0x20` has NFT, `0x10` has amount (`0x80` reserved); low nibble: NFT capability (none,
//! mutable, minting). Decoding enforces every *encoding* rule (as every implementation must parse
//! the same bytes the same way), so a decoded output re-encodes to the same bytes; the 128-byte
//! commitment limit is a *consensus* rule checked separately ([`Output::check_token_limits`]), as
//! the VMB vectors require ("must be parsable by all implementations, but disabled by
//! consensus").

use crate::encoding::{DecodeError, Reader, write_compact_size, write_var_bytes};

/// The byte that starts a token prefix.
pub const PREFIX_TOKEN: u8 = 0xef;
/// Longest NFT commitment (2026 rules).
pub const MAX_COMMITMENT_BYTES: usize = 128;
/// Largest fungible token amount.
pub const MAX_TOKEN_AMOUNT: u64 = i64::MAX as u64;

const HAS_COMMITMENT: u8 = 0x40;
const HAS_NFT: u8 = 0x20;
const HAS_AMOUNT: u8 = 0x10;
const RESERVED: u8 = 0x80;

/// Why a token prefix is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The reserved bitfield bit is set.
    #[error("reserved token bitfield bit set")]
    ReservedBit,
    /// The capability is not none, mutable or minting.
    #[error("unknown NFT capability {0}")]
    UnknownCapability(u8),
    /// A commitment or capability without the NFT flag.
    #[error("commitment or capability present without an NFT")]
    NotAnNft,
    /// Neither an NFT nor an amount.
    #[error("token prefix encodes neither an NFT nor an amount")]
    Empty,
    /// A zero-length commitment with the commitment flag (encoding rule).
    #[error("commitment flag set with an empty commitment")]
    EmptyCommitment,
    /// A commitment over 128 bytes (consensus rule, not an encoding rule).
    #[error("commitment of {0} bytes exceeds the 128-byte limit")]
    CommitmentTooLong(usize),
    /// A zero or over-range fungible amount.
    #[error("token amount {0} is outside 1..=2^63-1")]
    AmountRange(u64),
}

/// An NFT's capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NftCapability {
    /// Immutable.
    None,
    /// Can change its commitment.
    Mutable,
    /// Can mint NFTs of its category.
    Minting,
}

/// The tokens an output carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Token category (a transaction id, internal byte order).
    pub category: [u8; 32],
    /// The NFT, if any: capability and commitment.
    pub nft: Option<(NftCapability, Vec<u8>)>,
    /// Fungible amount (0 = none).
    pub amount: u64,
}

impl Token {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(PREFIX_TOKEN);
        out.extend_from_slice(&self.category);
        let mut bits = 0u8;
        if let Some((cap, commitment)) = &self.nft {
            bits |= HAS_NFT | *cap as u8;
            if !commitment.is_empty() {
                bits |= HAS_COMMITMENT;
            }
        }
        if self.amount > 0 {
            bits |= HAS_AMOUNT;
        }
        out.push(bits);
        if let Some((_, commitment)) = &self.nft
            && !commitment.is_empty()
        {
            write_var_bytes(out, commitment);
        }
        if self.amount > 0 {
            write_compact_size(out, self.amount);
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let category = r.array::<32>()?;
        let bits = r.u8()?;
        if bits & RESERVED != 0 {
            return Err(TokenError::ReservedBit.into());
        }
        let capability = match bits & 0x0f {
            0 => NftCapability::None,
            1 => NftCapability::Mutable,
            2 => NftCapability::Minting,
            other => return Err(TokenError::UnknownCapability(other).into()),
        };
        let has_nft = bits & HAS_NFT != 0;
        if !has_nft && (bits & HAS_COMMITMENT != 0 || capability != NftCapability::None) {
            return Err(TokenError::NotAnNft.into());
        }
        if !has_nft && bits & HAS_AMOUNT == 0 {
            return Err(TokenError::Empty.into());
        }
        let commitment = if bits & HAS_COMMITMENT != 0 {
            let c = r.var_bytes()?;
            if c.is_empty() {
                return Err(TokenError::EmptyCommitment.into());
            }
            c.to_vec()
        } else {
            Vec::new()
        };
        let amount = if bits & HAS_AMOUNT != 0 {
            let a = r.compact_size()?;
            if a == 0 || a > MAX_TOKEN_AMOUNT {
                return Err(TokenError::AmountRange(a).into());
            }
            a
        } else {
            0
        };
        Ok(Self {
            category,
            nft: has_nft.then_some((capability, commitment)),
            amount,
        })
    }
}

/// A transaction output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Satoshis.
    pub value: u64,
    /// Tokens, if any.
    pub token: Option<Token>,
    /// The locking bytecode.
    pub locking: Vec<u8>,
}

impl Output {
    /// Appends the wire encoding.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.value.to_le_bytes());
        let mut script = Vec::with_capacity(self.locking.len() + 64);
        if let Some(token) = &self.token {
            token.encode(&mut script);
        }
        script.extend_from_slice(&self.locking);
        write_var_bytes(out, &script);
    }

    /// Reads one output.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let value = r.u64()?;
        let script = r.var_bytes()?;
        let mut inner = Reader::new(script);
        let token = if script.first() == Some(&PREFIX_TOKEN) {
            inner.take(1)?;
            Some(Token::decode(&mut inner)?)
        } else {
            None
        };
        let locking = inner.take(inner.remaining())?.to_vec();
        Ok(Self {
            value,
            token,
            locking,
        })
    }

    /// Consensus limits on the token (beyond its encoding): commitment ≤ 128 bytes.
    pub fn check_token_limits(&self) -> Result<(), TokenError> {
        match &self.token {
            Some(Token {
                nft: Some((_, c)), ..
            }) if c.len() > MAX_COMMITMENT_BYTES => Err(TokenError::CommitmentTooLong(c.len())),
            _ => Ok(()),
        }
    }

    /// Encoded length in bytes.
    pub fn encoded_len(&self) -> usize {
        let mut out = Vec::new();
        self.encode(&mut out);
        out.len()
    }

    /// Decodes a `CompactSize count ‖ outputs` list (the vectors' source outputs).
    pub fn decode_list(bytes: &[u8]) -> Result<Vec<Self>, DecodeError> {
        let mut r = Reader::new(bytes);
        let count = r.compact_size()?;
        let mut outputs = Vec::new();
        for _ in 0..count {
            outputs.push(Self::decode(&mut r)?);
        }
        match r.remaining() {
            0 => Ok(outputs),
            n => Err(DecodeError::TrailingBytes(n)),
        }
    }
}

/// A reference to an output: transaction id (internal byte order) and index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Outpoint {
    /// Transaction id.
    pub txid: [u8; 32],
    /// Output index.
    pub index: u32,
}

/// A transaction input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxInput {
    /// The output it spends.
    pub outpoint: Outpoint,
    /// The unlocking bytecode.
    pub unlocking: Vec<u8>,
    /// Sequence number.
    pub sequence: u32,
}

/// A transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// Version.
    pub version: u32,
    /// Inputs.
    pub inputs: Vec<TxInput>,
    /// Outputs.
    pub outputs: Vec<Output>,
    /// Lock time.
    pub locktime: u32,
}

impl Transaction {
    /// The wire encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&self.version.to_le_bytes());
        write_compact_size(&mut out, self.inputs.len() as u64);
        for input in &self.inputs {
            out.extend_from_slice(&input.outpoint.txid);
            out.extend_from_slice(&input.outpoint.index.to_le_bytes());
            write_var_bytes(&mut out, &input.unlocking);
            out.extend_from_slice(&input.sequence.to_le_bytes());
        }
        write_compact_size(&mut out, self.outputs.len() as u64);
        self.outputs.iter().for_each(|o| o.encode(&mut out));
        out.extend_from_slice(&self.locktime.to_le_bytes());
        out
    }

    /// Serialized size in bytes (what standardness limits count).
    pub fn size(&self) -> usize {
        self.encode().len()
    }

    /// Decodes a whole transaction (no trailing bytes).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let version = r.u32()?;
        let input_count = r.compact_size()?;
        let mut inputs = Vec::new();
        for _ in 0..input_count {
            let txid = r.array::<32>()?;
            let index = r.u32()?;
            let unlocking = r.var_bytes()?.to_vec();
            let sequence = r.u32()?;
            inputs.push(TxInput {
                outpoint: Outpoint { txid, index },
                unlocking,
                sequence,
            });
        }
        let output_count = r.compact_size()?;
        let mut outputs = Vec::new();
        for _ in 0..output_count {
            outputs.push(Output::decode(&mut r)?);
        }
        let locktime = r.u32()?;
        match r.remaining() {
            0 => Ok(Self {
                version,
                inputs,
                outputs,
                locktime,
            }),
            n => Err(DecodeError::TrailingBytes(n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_output(bits_payload: &[u8]) -> Vec<u8> {
        let mut script = vec![PREFIX_TOKEN];
        script.extend_from_slice(&[7u8; 32]);
        script.extend_from_slice(bits_payload);
        script.push(0x51); // OP_1 as the locking bytecode
        let mut out = 1000u64.to_le_bytes().to_vec();
        write_var_bytes(&mut out, &script);
        out
    }

    #[test]
    fn token_prefixes_round_trip() {
        for payload in [
            vec![HAS_AMOUNT, 5],
            vec![HAS_NFT | 2],
            vec![HAS_NFT | HAS_COMMITMENT | 1, 2, 0xaa, 0xbb],
            vec![
                HAS_NFT | HAS_COMMITMENT | HAS_AMOUNT,
                1,
                0x01,
                0xfd,
                0x00,
                0x01,
            ],
        ] {
            let bytes = token_output(&payload);
            let o = Output::decode(&mut Reader::new(&bytes)).expect("valid");
            let mut again = Vec::new();
            o.encode(&mut again);
            assert_eq!(again, bytes);
            assert_eq!(o.locking, vec![0x51]);
        }
    }

    #[test]
    fn every_token_rule_is_enforced() {
        let err = |payload: &[u8]| {
            Output::decode(&mut Reader::new(&token_output(payload))).expect_err("invalid")
        };
        assert_eq!(
            err(&[RESERVED | HAS_AMOUNT, 1]),
            DecodeError::Token(TokenError::ReservedBit)
        );
        assert_eq!(
            err(&[HAS_NFT | 3]),
            DecodeError::Token(TokenError::UnknownCapability(3))
        );
        assert_eq!(
            err(&[HAS_COMMITMENT | HAS_AMOUNT, 1, 0, 1]),
            DecodeError::Token(TokenError::NotAnNft)
        );
        assert_eq!(err(&[0]), DecodeError::Token(TokenError::Empty));
        assert_eq!(
            err(&[HAS_NFT | HAS_COMMITMENT, 0]),
            DecodeError::Token(TokenError::EmptyCommitment)
        );
        assert_eq!(
            err(&[HAS_AMOUNT, 0]),
            DecodeError::Token(TokenError::AmountRange(0))
        );
        // A 129-byte commitment parses (encoding) but breaks the consensus limit.
        let mut long = vec![HAS_NFT | HAS_COMMITMENT, 129];
        long.extend([0u8; 129]);
        let o = Output::decode(&mut Reader::new(&token_output(&long))).expect("parses");
        assert_eq!(
            o.check_token_limits(),
            Err(TokenError::CommitmentTooLong(129))
        );
    }

    #[test]
    fn transactions_reject_trailing_and_truncated_bytes() {
        let tx = Transaction {
            version: 2,
            inputs: vec![TxInput {
                outpoint: Outpoint {
                    txid: [1; 32],
                    index: 0,
                },
                unlocking: vec![0x51],
                sequence: 0,
            }],
            outputs: vec![Output {
                value: 5,
                token: None,
                locking: vec![0x6a],
            }],
            locktime: 0,
        };
        let bytes = tx.encode();
        assert_eq!(Transaction::decode(&bytes), Ok(tx.clone()));
        assert_eq!(tx.size(), bytes.len());
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert_eq!(
            Transaction::decode(&trailing),
            Err(DecodeError::TrailingBytes(1))
        );
        assert!(matches!(
            Transaction::decode(&bytes[..bytes.len() - 1]),
            Err(DecodeError::Truncated { .. })
        ));
    }
}

/// An input with the output it spends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedInput {
    /// The spent outpoint.
    pub prevout: Outpoint,
    /// The output it names (value, tokens, locking bytecode).
    pub prev_output: Output,
    /// The unlocking bytecode.
    pub unlocking: Vec<u8>,
    /// The sequence number.
    pub sequence: u32,
}

/// A transaction whose inputs carry the outputs they spend: everything the VM may inspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedTx {
    /// Version.
    pub version: u32,
    /// Inputs with their spent outputs.
    pub inputs: Vec<ResolvedInput>,
    /// Outputs.
    pub outputs: Vec<Output>,
    /// Locktime.
    pub locktime: u32,
}

/// The spent outputs do not match the inputs one for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{inputs} inputs but {spent} spent outputs")]
pub struct MismatchedSpentOutputs {
    /// Inputs in the transaction.
    pub inputs: usize,
    /// Spent outputs given.
    pub spent: usize,
}

impl ResolvedTx {
    /// Pairs `tx`'s inputs with the outputs they spend, in order.
    pub fn new(tx: Transaction, spent: Vec<Output>) -> Result<Self, MismatchedSpentOutputs> {
        if tx.inputs.len() != spent.len() {
            return Err(MismatchedSpentOutputs {
                inputs: tx.inputs.len(),
                spent: spent.len(),
            });
        }
        Ok(Self {
            version: tx.version,
            inputs: tx
                .inputs
                .into_iter()
                .zip(spent)
                .map(|(input, prev_output)| ResolvedInput {
                    prevout: input.outpoint,
                    prev_output,
                    unlocking: input.unlocking,
                    sequence: input.sequence,
                })
                .collect(),
            outputs: tx.outputs,
            locktime: tx.locktime,
        })
    }

    /// The transaction itself (without the spent outputs).
    pub fn transaction(&self) -> Transaction {
        Transaction {
            version: self.version,
            inputs: self
                .inputs
                .iter()
                .map(|i| TxInput {
                    outpoint: i.prevout,
                    unlocking: i.unlocking.clone(),
                    sequence: i.sequence,
                })
                .collect(),
            outputs: self.outputs.clone(),
            locktime: self.locktime,
        }
    }
}
