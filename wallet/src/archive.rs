//! Recovery past the hot window (`docs/spec/wallet.md#recover`): a block's ciphertexts rebuilt
//! from chunks served over `da_getChunks` (by an archive provider, or by the node while the
//! block is hot), every chunk verified against the DA commitment the user's own node reports
//! from the chain. A provider can withhold data but cannot forge it.

use hegemon_da::{ChunkProof, DaCommitment, verify_chunk};
use serde::Deserialize;

use crate::{error::WalletError, node::NodeClient};

/// Most chunk indices per `da_getChunks` call (the node's bound).
const MAX_CHUNKS_PER_CALL: usize = 64;

/// One chunk as `da_getChunks` serves it.
#[derive(Debug, Clone, Deserialize)]
pub struct ServedChunk {
    /// Chunk index.
    pub index: u32,
    /// Chunk bytes (hex).
    pub chunk: String,
    /// Merkle path, leaf level first (hex, 32 bytes each).
    pub path: Vec<String>,
}

/// The payload items (ciphertexts, hex) of the block committed to by `commitment` (53 bytes,
/// hex, from the user's node) and named `block_hash`, from `source`.
pub fn fetch_ciphertexts(
    source: &NodeClient,
    block_hash: &str,
    commitment: &str,
) -> Result<Vec<String>, WalletError> {
    let commitment = parse_commitment(commitment)?;
    let k = commitment.original_chunks() as u32;
    let mut verified: Vec<ChunkProof> = Vec::with_capacity(k as usize);
    // Originals first (they are the payload itself), then parity for whatever is missing.
    for range in [0..k, k..2 * k] {
        let missing = (k as usize).saturating_sub(verified.len());
        if missing == 0 {
            break;
        }
        let held: Vec<u32> = verified.iter().map(|p| p.index).collect();
        let wanted: Vec<u32> = range.filter(|i| !held.contains(i)).take(missing).collect();
        for batch in wanted.chunks(MAX_CHUNKS_PER_CALL) {
            let served = source
                .da_chunks(block_hash, batch)
                .map_err(|e| WalletError::Archive(e.to_string()))?;
            for served in served {
                verified.push(verify_served(&commitment, served)?);
            }
        }
    }
    ciphertexts_from(&commitment, &verified)
}

fn parse_commitment(hex_text: &str) -> Result<DaCommitment, WalletError> {
    let bytes = hex::decode(hex_text.trim_start_matches("0x"))
        .map_err(|e| WalletError::Inconsistent(format!("DA commitment: {e}")))?;
    DaCommitment::from_bytes(&bytes)
        .map_err(|e| WalletError::Inconsistent(format!("DA commitment: {e}")))
}

/// A served chunk, checked against the chain's commitment.
fn verify_served(
    commitment: &DaCommitment,
    served: ServedChunk,
) -> Result<ChunkProof, WalletError> {
    let bad = |why: String| {
        WalletError::Archive(format!(
            "chunk {} fails verification against the chain's DA commitment ({why})",
            served.index
        ))
    };
    let chunk =
        hex::decode(served.chunk.trim_start_matches("0x")).map_err(|e| bad(e.to_string()))?;
    let path = served
        .path
        .iter()
        .map(|node| {
            hex::decode(node.trim_start_matches("0x"))
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| bad("malformed path".into()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let proof = ChunkProof {
        index: served.index,
        chunk,
        path,
    };
    verify_chunk(commitment, &proof).map_err(|e| bad(e.to_string()))?;
    Ok(proof)
}

/// Reconstructs the payload from verified chunks and splits it into its items.
fn ciphertexts_from(
    commitment: &DaCommitment,
    verified: &[ChunkProof],
) -> Result<Vec<String>, WalletError> {
    let pieces: Vec<(u32, &[u8])> = verified.iter().map(|p| (p.index, &p.chunk[..])).collect();
    let payload = hegemon_da::reconstruct(commitment, &pieces).map_err(|e| {
        WalletError::Archive(format!("the served chunks do not rebuild the payload: {e}"))
    })?;
    let items = hegemon_da::items::decode_items(&payload)
        .map_err(|e| WalletError::Archive(format!("the payload is not an item list: {e}")))?;
    Ok(items
        .iter()
        .map(|item| format!("0x{}", hex::encode(item)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served(block: &hegemon_da::EncodedBlock, index: u32) -> ServedChunk {
        let proof = block.open(index).expect("in range");
        ServedChunk {
            index,
            chunk: hex::encode(&proof.chunk),
            path: proof.path.iter().map(hex::encode).collect(),
        }
    }

    fn block() -> (hegemon_da::EncodedBlock, Vec<Vec<u8>>) {
        let items = vec![vec![1u8; 1_600], vec![2u8; 1_600], vec![3u8; 900]];
        let refs: Vec<&Vec<u8>> = items.iter().collect();
        let payload = hegemon_da::items::encode_items(&refs);
        (hegemon_da::encode(&payload).expect("encodes"), items)
    }

    #[test]
    fn verified_chunks_rebuild_the_ciphertexts_from_originals_or_parity() {
        let (block, items) = block();
        let commitment = *block.commitment();
        let k = commitment.original_chunks() as u32;
        let expected: Vec<String> = items
            .iter()
            .map(|i| format!("0x{}", hex::encode(i)))
            .collect();
        for indices in [(0..k).collect::<Vec<_>>(), (k..2 * k).collect()] {
            let verified: Vec<ChunkProof> = indices
                .iter()
                .map(|i| verify_served(&commitment, served(&block, *i)).expect("verifies"))
                .collect();
            assert_eq!(ciphertexts_from(&commitment, &verified).unwrap(), expected);
        }
    }

    #[test]
    fn a_tampered_chunk_path_or_index_is_refused() {
        let (block, _) = block();
        let commitment = *block.commitment();
        let mut chunk = served(&block, 3);
        let mut bytes = hex::decode(&chunk.chunk).unwrap();
        bytes[10] ^= 1;
        chunk.chunk = hex::encode(bytes);
        assert!(matches!(
            verify_served(&commitment, chunk),
            Err(WalletError::Archive(_))
        ));

        let mut path = served(&block, 3);
        path.path[0] = hex::encode([0u8; 32]);
        assert!(verify_served(&commitment, path).is_err());

        let mut moved = served(&block, 3);
        moved.index = 4;
        assert!(
            verify_served(&commitment, moved).is_err(),
            "chunk 3 claimed as chunk 4"
        );

        let other = hegemon_da::encode(b"another block").expect("encodes");
        assert!(verify_served(other.commitment(), served(&block, 0)).is_err());
    }

    #[test]
    fn too_few_chunks_do_not_rebuild_a_payload() {
        let (block, _) = block();
        let commitment = *block.commitment();
        let one = vec![verify_served(&commitment, served(&block, 0)).unwrap()];
        assert!(matches!(
            ciphertexts_from(&commitment, &one),
            Err(WalletError::Archive(_))
        ));
    }
}
