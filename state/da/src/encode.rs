//! Encoding a payload: zero padding to `k` chunks, `k` Reed-Solomon parity chunks, and the
//! Merkle commitment over all `2k` (which binds the payload's exact length).

use alloc::vec::Vec;

use reed_solomon_simd::ReedSolomonEncoder;

use crate::commitment::{DaCommitment, bind_root};
use crate::error::DaError;
use crate::merkle::{self, Node};
use crate::proof::ChunkProof;
use crate::{CHUNK_SIZE, DA_VERSION, MAX_PAYLOAD_BYTES, original_chunks_for};

/// A payload's chunks, their tree and its commitment. Chunks live in one contiguous buffer.
#[derive(Debug, Clone)]
pub struct EncodedBlock {
    commitment: DaCommitment,
    data: Vec<u8>,
    levels: Vec<Vec<Node>>,
}

impl EncodedBlock {
    /// The commitment to put in the block.
    pub fn commitment(&self) -> &DaCommitment {
        &self.commitment
    }

    /// Chunk `index` (originals first, then parity).
    pub fn chunk(&self, index: u32) -> Result<&[u8], DaError> {
        let count = self.commitment.chunk_count;
        if index >= count {
            return Err(DaError::IndexOutOfRange { index, count });
        }
        let start = index as usize * CHUNK_SIZE;
        Ok(&self.data[start..start + CHUNK_SIZE])
    }

    /// Every chunk in index order.
    pub fn chunks(&self) -> impl Iterator<Item = &[u8]> {
        self.data.chunks_exact(CHUNK_SIZE)
    }

    /// Chunk `index` with its Merkle path.
    pub fn open(&self, index: u32) -> Result<ChunkProof, DaError> {
        let chunk = self.chunk(index)?.to_vec();
        let path = (0..self.levels.len() - 1)
            .map(|level| self.levels[level][((index as usize) >> level) ^ 1])
            .collect();
        Ok(ChunkProof { index, chunk, path })
    }
}

/// Reed-Solomon parity for `k` original chunks laid out contiguously in `originals`; returns
/// `originals ‖ parity` (`2k` chunks).
pub(crate) fn extend(mut originals: Vec<u8>, k: usize) -> Result<Vec<u8>, DaError> {
    let mut encoder = ReedSolomonEncoder::new(k, k, CHUNK_SIZE)
        .map_err(|_| DaError::Codec("encoder parameters"))?;
    for shard in originals.chunks_exact(CHUNK_SIZE) {
        encoder
            .add_original_shard(shard)
            .map_err(|_| DaError::Codec("original shard"))?;
    }
    let result = encoder.encode().map_err(|_| DaError::Codec("encode"))?;
    originals.reserve(k * CHUNK_SIZE);
    for shard in result.recovery_iter() {
        originals.extend_from_slice(shard);
    }
    Ok(originals)
}

/// The tree levels over `2k` chunks and the commitment.
pub(crate) fn commit(data: &[u8], byte_len: usize) -> (Vec<Vec<Node>>, DaCommitment) {
    let leaves = data
        .chunks_exact(CHUNK_SIZE)
        .enumerate()
        .map(|(i, c)| merkle::leaf(i as u32, c))
        .collect();
    let levels = merkle::levels(leaves);
    let chunk_count = (data.len() / CHUNK_SIZE) as u32;
    let tree_root = levels[levels.len() - 1][0];
    let commitment = DaCommitment {
        version: DA_VERSION,
        root: bind_root(chunk_count, CHUNK_SIZE as u32, byte_len as u64, &tree_root),
        chunk_count,
        chunk_size: CHUNK_SIZE as u32,
        byte_len: byte_len as u64,
    };
    (levels, commitment)
}

/// The canonical original data: `payload ‖ zeros` to `k` whole chunks.
pub(crate) fn frame(payload: &[u8]) -> (Vec<u8>, usize) {
    let k = original_chunks_for(payload.len());
    let mut data = Vec::with_capacity(2 * k * CHUNK_SIZE);
    data.extend_from_slice(payload);
    data.resize(k * CHUNK_SIZE, 0);
    (data, k)
}

/// Encodes and commits to `payload`.
pub fn encode(payload: &[u8]) -> Result<EncodedBlock, DaError> {
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(DaError::PayloadTooLarge {
            len: payload.len(),
            max: MAX_PAYLOAD_BYTES,
        });
    }
    let (originals, k) = frame(payload);
    let data = extend(originals, k)?;
    let (levels, commitment) = commit(&data, payload.len());
    Ok(EncodedBlock {
        commitment,
        data,
        levels,
    })
}
