//! Which chunks a node samples before accepting a block.
//!
//! Indices come from `BLAKE3-keyed(node secret, "…DA sample v1" ‖ block hash)`'s XOF: unpredictable
//! to the block producer (who does not know the secret), fixed for a given node and block (so a
//! retry asks for the same chunks). With rate-1/2 coding, an unrecoverable block lacks more than
//! half of its chunks, so `s` distinct uniform samples all succeed with probability below `2^-s`
//! (see `docs/spec/data-availability.md`).

use alloc::vec::Vec;

use crate::commitment::DaCommitment;
use crate::error::DaError;
use crate::proof::{ChunkProof, verify_chunk};

/// Samples per block: an unavailable block passes a node's check with probability < 2^-30.
pub const DEFAULT_SAMPLES: usize = 30;

/// `samples` distinct chunk indices in `[0, chunk_count)` (all of them if fewer exist).
pub fn sample_indices(
    secret: &[u8; 32],
    block_hash: &[u8; 32],
    chunk_count: u32,
    samples: usize,
) -> Vec<u32> {
    if (chunk_count as usize) <= samples {
        return (0..chunk_count).collect();
    }
    let mut hasher = blake3::Hasher::new_keyed(secret);
    hasher.update(b"Hegemon 2026 DA sample v1");
    hasher.update(block_hash);
    let mut xof = hasher.finalize_xof();
    // Rejection sampling below the largest multiple of `chunk_count` keeps indices uniform.
    let zone = u32::MAX - (u32::MAX % chunk_count);
    let mut picked = Vec::with_capacity(samples);
    while picked.len() < samples {
        let mut word = [0u8; 4];
        xof.fill(&mut word);
        let candidate = u32::from_le_bytes(word);
        if candidate < zone {
            let index = candidate % chunk_count;
            if !picked.contains(&index) {
                picked.push(index);
            }
        }
    }
    picked
}

/// Checks that `proofs` answer exactly the sampled `indices` and each verifies.
pub fn verify_samples(
    commitment: &DaCommitment,
    indices: &[u32],
    proofs: &[ChunkProof],
) -> Result<(), DaError> {
    for &index in indices {
        let proof = proofs
            .iter()
            .find(|p| p.index == index)
            .ok_or(DaError::BadProof { index })?;
        verify_chunk(commitment, proof)?;
    }
    Ok(())
}
