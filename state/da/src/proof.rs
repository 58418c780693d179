//! A chunk with its Merkle path, and its verification against a commitment (`no_std`).
//!
//! Wire layout: `index u32 ‖ chunk (chunk_size bytes) ‖ path_len u8 ‖ path (32 bytes each)`.

use alloc::vec::Vec;

use crate::commitment::{DaCommitment, bind_root};
use crate::error::DaError;
use crate::merkle::{self, Node};

/// One chunk of a block and the path proving it belongs to the block's commitment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkProof {
    /// Chunk index (originals first, then parity).
    pub index: u32,
    /// The chunk bytes.
    pub chunk: Vec<u8>,
    /// Siblings from the leaf level up.
    pub path: Vec<Node>,
}

impl ChunkProof {
    /// The wire encoding.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(5 + self.chunk.len() + 32 * self.path.len());
        out.extend_from_slice(&self.index.to_le_bytes());
        out.extend_from_slice(&self.chunk);
        out.push(self.path.len() as u8);
        self.path.iter().for_each(|n| out.extend_from_slice(n));
        out
    }

    /// Parses the wire encoding of a proof for a block with `commitment`'s chunk size.
    pub fn from_bytes(bytes: &[u8], commitment: &DaCommitment) -> Result<Self, DaError> {
        let malformed = DaError::Malformed {
            what: "chunk proof",
        };
        let size = commitment.chunk_size as usize;
        let index = bytes.get(..4).ok_or(malformed.clone())?;
        let index = u32::from_le_bytes([index[0], index[1], index[2], index[3]]);
        let chunk = bytes.get(4..4 + size).ok_or(malformed.clone())?.to_vec();
        let path_len = *bytes.get(4 + size).ok_or(malformed.clone())? as usize;
        let rest = &bytes[5 + size..];
        if rest.len() != 32 * path_len {
            return Err(malformed);
        }
        let path = rest.chunks_exact(32).map(|c| {
            let mut n = [0u8; 32];
            n.copy_from_slice(c);
            n
        });
        Ok(Self {
            index,
            chunk,
            path: path.collect(),
        })
    }
}

/// Verifies that `proof` is chunk `proof.index` of the block committed to by `commitment`.
pub fn verify_chunk(commitment: &DaCommitment, proof: &ChunkProof) -> Result<(), DaError> {
    commitment.validate()?;
    let (index, count) = (proof.index, commitment.chunk_count);
    if index >= count {
        return Err(DaError::IndexOutOfRange { index, count });
    }
    if proof.chunk.len() != commitment.chunk_size as usize {
        return Err(DaError::WrongChunkSize {
            index,
            expected: commitment.chunk_size as usize,
            got: proof.chunk.len(),
        });
    }
    if proof.path.len() != commitment.tree_depth() {
        return Err(DaError::BadProof { index });
    }
    let tree_root = merkle::root_from_path(index, merkle::leaf(index, &proof.chunk), &proof.path);
    let root = bind_root(
        count,
        commitment.chunk_size,
        commitment.byte_len,
        &tree_root,
    );
    if root != commitment.root {
        return Err(DaError::BadProof { index });
    }
    Ok(())
}
