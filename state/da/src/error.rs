//! The crate's one error type: every way bad input can be rejected.

/// Why a DA operation rejected its input. Nothing here panics on bad input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DaError {
    /// The payload exceeds what one block can carry.
    #[error("payload is {len} bytes; at most {max} fit in one block")]
    PayloadTooLarge {
        /// Payload length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A chunk has the wrong size.
    #[error("chunk {index} is {got} bytes; chunks are {expected} bytes")]
    WrongChunkSize {
        /// Chunk index.
        index: u32,
        /// Required size.
        expected: usize,
        /// Size received.
        got: usize,
    },
    /// A chunk index beyond the commitment's chunk count.
    #[error("chunk index {index} is out of range (the block has {count} chunks)")]
    IndexOutOfRange {
        /// Requested index.
        index: u32,
        /// Chunk count.
        count: u32,
    },
    /// The Merkle path does not lead to the committed root.
    #[error("chunk {index} fails its Merkle proof")]
    BadProof {
        /// Chunk index.
        index: u32,
    },
    /// Fewer distinct chunks than needed to reconstruct.
    #[error("need {need} distinct chunks to reconstruct, have {have}")]
    TooFewChunks {
        /// Distinct chunks supplied.
        have: usize,
        /// Original chunk count.
        need: usize,
    },
    /// The chunks decode, but re-encoding them does not give the committed root: the block was
    /// encoded wrongly or the chunks do not belong to it.
    #[error("reconstructed data does not re-encode to the committed root")]
    InconsistentEncoding,
    /// The commitment is malformed (bad version, counts or sizes).
    #[error("malformed DA commitment: {reason}")]
    BadCommitment {
        /// Which field.
        reason: &'static str,
    },
    /// Encoded bytes (a commitment, a chunk proof or an item list) are truncated or malformed.
    #[error("malformed {what}")]
    Malformed {
        /// What was being decoded.
        what: &'static str,
    },
    /// The erasure codec refused its input (should not happen with valid parameters).
    #[error("erasure codec error: {0}")]
    Codec(&'static str),
}

impl DaError {
    /// True when the error shows the block producer (not the transport) misbehaved.
    pub fn is_producer_fault(&self) -> bool {
        matches!(self, Self::InconsistentEncoding)
    }
}
