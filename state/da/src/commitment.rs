//! The compact per-block DA commitment.
//!
//! Encoded layout (53 bytes): `version (1) ‖ root (32) ‖ chunk_count u32 ‖ chunk_size u32 ‖
//! byte_len u64 ‖ tree_depth u32`. `root` binds every other field and the chunk tree:
//! `root = BLAKE3-derive_key("…DA root v1", version ‖ chunk_count ‖ chunk_size ‖ byte_len ‖
//! tree_root)`, so the 32-byte root alone identifies the block's data.

use crate::error::DaError;
use crate::merkle::{self, Node};
use crate::{
    CHUNK_SIZE, DA_VERSION, MAX_ORIGINAL_CHUNKS, MIN_ORIGINAL_CHUNKS, original_chunks_for,
};

/// A block's DA root: binds the chunk tree and the encoding parameters.
pub type DaRoot = [u8; 32];

/// Bytes of an encoded [`DaCommitment`].
pub const COMMITMENT_BYTES: usize = 1 + 32 + 4 + 4 + 8 + 4;

/// What a block carries about its DA payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DaCommitment {
    /// Format version.
    pub version: u8,
    /// The DA root.
    pub root: DaRoot,
    /// Total chunks, original and parity (`2 k`).
    pub chunk_count: u32,
    /// Bytes per chunk.
    pub chunk_size: u32,
    /// Payload length in bytes (before padding).
    pub byte_len: u64,
}

/// `root` over the parameters and the chunk tree's root.
pub(crate) fn bind_root(
    chunk_count: u32,
    chunk_size: u32,
    byte_len: u64,
    tree_root: &Node,
) -> DaRoot {
    let mut h = blake3::Hasher::new_derive_key("Hegemon 2026 DA root v1");
    h.update(&[DA_VERSION]);
    h.update(&chunk_count.to_le_bytes());
    h.update(&chunk_size.to_le_bytes());
    h.update(&byte_len.to_le_bytes());
    h.update(tree_root);
    *h.finalize().as_bytes()
}

impl DaCommitment {
    /// Original (data) chunks: half the total.
    pub fn original_chunks(&self) -> usize {
        self.chunk_count as usize / 2
    }

    /// Depth of the chunk tree (siblings per proof).
    pub fn tree_depth(&self) -> usize {
        merkle::depth(self.chunk_count)
    }

    /// Checks that the parameters are ones [`crate::encode()`] produces.
    pub fn validate(&self) -> Result<(), DaError> {
        if self.version != DA_VERSION {
            return Err(DaError::BadCommitment {
                reason: "unknown version",
            });
        }
        if self.chunk_size as usize != CHUNK_SIZE {
            return Err(DaError::BadCommitment {
                reason: "chunk size",
            });
        }
        let k = self.original_chunks();
        if !self.chunk_count.is_multiple_of(2)
            || !(MIN_ORIGINAL_CHUNKS..=MAX_ORIGINAL_CHUNKS).contains(&k)
        {
            return Err(DaError::BadCommitment {
                reason: "chunk count",
            });
        }
        let byte_len = usize::try_from(self.byte_len).map_err(|_| DaError::BadCommitment {
            reason: "byte length",
        })?;
        if byte_len > crate::MAX_PAYLOAD_BYTES || original_chunks_for(byte_len) != k {
            return Err(DaError::BadCommitment {
                reason: "byte length does not match chunk count",
            });
        }
        Ok(())
    }

    /// The fixed 53-byte encoding.
    pub fn to_bytes(&self) -> [u8; COMMITMENT_BYTES] {
        let mut out = [0u8; COMMITMENT_BYTES];
        out[0] = self.version;
        out[1..33].copy_from_slice(&self.root);
        out[33..37].copy_from_slice(&self.chunk_count.to_le_bytes());
        out[37..41].copy_from_slice(&self.chunk_size.to_le_bytes());
        out[41..49].copy_from_slice(&self.byte_len.to_le_bytes());
        out[49..53].copy_from_slice(&(self.tree_depth() as u32).to_le_bytes());
        out
    }

    /// Parses and [validates](Self::validate) the encoding.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DaError> {
        let bytes: &[u8; COMMITMENT_BYTES] = bytes.try_into().map_err(|_| DaError::Malformed {
            what: "DA commitment",
        })?;
        let u32_at =
            |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let mut root = [0u8; 32];
        root.copy_from_slice(&bytes[1..33]);
        let mut len = [0u8; 8];
        len.copy_from_slice(&bytes[41..49]);
        let c = Self {
            version: bytes[0],
            root,
            chunk_count: u32_at(33),
            chunk_size: u32_at(37),
            byte_len: u64::from_le_bytes(len),
        };
        c.validate()?;
        if u32_at(49) as usize != c.tree_depth() {
            return Err(DaError::BadCommitment {
                reason: "tree depth",
            });
        }
        Ok(c)
    }
}
