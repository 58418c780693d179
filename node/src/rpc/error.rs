//! The typed errors of Hegemon's own RPC methods (`docs/spec/node.md#rpc-errors`).

use jsonrpsee::types::{ErrorObjectOwned, error::INVALID_PARAMS_CODE};

/// Every way a `da_*` or `hegemon_*` call fails. The code is stable; the message says what to
/// do next.
#[derive(Debug, thiserror::Error)]
pub enum RpcError {
    /// A parameter is malformed (bad hex, wrong length).
    #[error("invalid parameter `{name}`: {reason}")]
    InvalidParam {
        /// Which parameter.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// No DA payload with that block hash or root is known to this node.
    #[error("no DA payload for {0}: the block has no transfers, or is not on this node's chain")]
    UnknownPayload(String),
    /// No block with that number on the best chain.
    #[error("no block #{0} on this node's best chain")]
    UnknownBlock(u32),
    /// The block is older than the hot retention window and its chunks are pruned.
    #[error(
        "block #{number} is outside the DA retention window ({retention} blocks); fetch it from an archive provider"
    )]
    OutsideRetention {
        /// The block's number.
        number: u32,
        /// The window.
        retention: u32,
    },
    /// A chunk index beyond the block's chunk count.
    #[error("chunk index {index} is out of range (the block has {count} chunks)")]
    IndexOutOfRange {
        /// Requested index.
        index: u32,
        /// Chunk count.
        count: u32,
    },
    /// A batch request asks for too much.
    #[error("too many items: {got} (at most {max} per call)")]
    TooMany {
        /// Items asked for.
        got: usize,
        /// The bound.
        max: usize,
    },
    /// A ciphertext does not match the hash the transfer's proof binds.
    #[error("ciphertext {index} does not hash to the transfer's ciphertext hash {index}")]
    CiphertextMismatch {
        /// Which output.
        index: usize,
    },
    /// The transaction pool (runtime validation: proof, anchor, nullifiers, fee) refused it.
    #[error("transfer rejected: {0}")]
    Rejected(String),
    /// The node failed internally (database, runtime API).
    #[error("internal error: {0}")]
    Internal(String),
}

impl RpcError {
    /// The JSON-RPC error code.
    pub fn code(&self) -> i32 {
        match self {
            Self::InvalidParam { .. } => INVALID_PARAMS_CODE,
            Self::UnknownPayload(_) => 4001,
            Self::UnknownBlock(_) => 4005,
            Self::OutsideRetention { .. } => 4002,
            Self::IndexOutOfRange { .. } => 4003,
            Self::TooMany { .. } => 4004,
            Self::CiphertextMismatch { .. } => 4010,
            Self::Rejected(_) => 4011,
            Self::Internal(_) => 4500,
        }
    }
}

impl From<RpcError> for ErrorObjectOwned {
    fn from(e: RpcError) -> Self {
        ErrorObjectOwned::owned(e.code(), e.to_string(), None::<()>)
    }
}

/// Parses `0x`-prefixed (or bare) hex.
pub fn parse_hex(name: &'static str, text: &str) -> Result<Vec<u8>, RpcError> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    hex::decode(digits).map_err(|e| RpcError::InvalidParam {
        name,
        reason: format!("not hex: {e}"),
    })
}

/// Parses hex of exactly `N` bytes.
pub fn parse_hex_array<const N: usize>(
    name: &'static str,
    text: &str,
) -> Result<[u8; N], RpcError> {
    let bytes = parse_hex(name, text)?;
    let len = bytes.len();
    bytes.try_into().map_err(|_| RpcError::InvalidParam {
        name,
        reason: format!("{len} bytes; expected {N}"),
    })
}

/// `0x`-prefixed hex.
pub fn to_hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_parameters_are_checked() {
        assert_eq!(parse_hex("x", "0x0a0b").unwrap(), vec![10, 11]);
        assert_eq!(parse_hex("x", "0a").unwrap(), vec![10]);
        assert!(matches!(
            parse_hex("x", "0xzz"),
            Err(RpcError::InvalidParam { .. })
        ));
        assert!(parse_hex_array::<2>("x", "0x0a").is_err());
        assert_eq!(parse_hex_array::<1>("x", "0x0a").unwrap(), [10]);
    }

    #[test]
    fn codes_are_distinct() {
        let all = [
            RpcError::InvalidParam {
                name: "a",
                reason: String::new(),
            },
            RpcError::UnknownPayload(String::new()),
            RpcError::UnknownBlock(0),
            RpcError::OutsideRetention {
                number: 0,
                retention: 0,
            },
            RpcError::IndexOutOfRange { index: 0, count: 0 },
            RpcError::TooMany { got: 0, max: 0 },
            RpcError::CiphertextMismatch { index: 0 },
            RpcError::Rejected(String::new()),
            RpcError::Internal(String::new()),
        ];
        let mut codes: Vec<i32> = all.iter().map(RpcError::code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
