//! Recovering a payload from any half of its chunks, with the encoding re-checked.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use reed_solomon_simd::ReedSolomonDecoder;

use crate::CHUNK_SIZE;
use crate::commitment::DaCommitment;
use crate::encode::{commit, extend};
use crate::error::DaError;

/// Reconstructs the payload committed to by `commitment` from any `k` distinct chunks
/// (`(index, bytes)`), then re-encodes all `2k` chunks and checks the root: chunks that do not
/// belong, or a block whose parity was not the true encoding of its data, give
/// [`DaError::InconsistentEncoding`]. Verify chunks with [`crate::verify_chunk`] first to tell a
/// lying peer ([`DaError::BadProof`]) from a lying producer.
pub fn reconstruct(commitment: &DaCommitment, chunks: &[(u32, &[u8])]) -> Result<Vec<u8>, DaError> {
    commitment.validate()?;
    let k = commitment.original_chunks();
    let count = commitment.chunk_count;
    let mut distinct: BTreeMap<u32, &[u8]> = BTreeMap::new();
    for &(index, chunk) in chunks {
        if index >= count {
            return Err(DaError::IndexOutOfRange { index, count });
        }
        if chunk.len() != CHUNK_SIZE {
            return Err(DaError::WrongChunkSize {
                index,
                expected: CHUNK_SIZE,
                got: chunk.len(),
            });
        }
        distinct.entry(index).or_insert(chunk);
    }
    if distinct.len() < k {
        return Err(DaError::TooFewChunks {
            have: distinct.len(),
            need: k,
        });
    }
    let mut originals = alloc::vec![0u8; k * CHUNK_SIZE];
    let missing: Vec<usize> = (0..k)
        .filter(|i| !distinct.contains_key(&(*i as u32)))
        .collect();
    for (&index, chunk) in distinct.range(..k as u32) {
        let start = index as usize * CHUNK_SIZE;
        originals[start..start + CHUNK_SIZE].copy_from_slice(chunk);
    }
    if !missing.is_empty() {
        let mut decoder = ReedSolomonDecoder::new(k, k, CHUNK_SIZE)
            .map_err(|_| DaError::Codec("decoder parameters"))?;
        // Exactly k shards: every original we hold, then parity to make up the rest.
        let parity_needed = missing.len();
        for (&index, chunk) in distinct.range(..k as u32) {
            decoder
                .add_original_shard(index as usize, chunk)
                .map_err(|_| DaError::Codec("original shard"))?;
        }
        for (&index, chunk) in distinct.range(k as u32..).take(parity_needed) {
            decoder
                .add_recovery_shard(index as usize - k, chunk)
                .map_err(|_| DaError::Codec("recovery shard"))?;
        }
        let result = decoder.decode().map_err(|_| DaError::Codec("decode"))?;
        for i in missing {
            let restored = result
                .restored_original(i)
                .ok_or(DaError::Codec("missing restored shard"))?;
            originals[i * CHUNK_SIZE..(i + 1) * CHUNK_SIZE].copy_from_slice(restored);
        }
    }
    // Re-encode and re-commit: the only way to know the parity is the true encoding.
    let data = extend(originals, k)?;
    let byte_len =
        usize::try_from(commitment.byte_len).map_err(|_| DaError::InconsistentEncoding)?;
    let (_, recomputed) = commit(&data, byte_len);
    if recomputed.root != commitment.root {
        return Err(DaError::InconsistentEncoding);
    }
    // A producer could commit to a well-formed tree over non-zero padding; only the canonical
    // framing is accepted, so one payload has one commitment.
    if data[byte_len..k * CHUNK_SIZE].iter().any(|&b| b != 0) {
        return Err(DaError::InconsistentEncoding);
    }
    Ok(data[..byte_len].to_vec())
}
