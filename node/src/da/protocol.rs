//! `/hegemon/da/chunks/1`: the request-response protocol peers use to sample and fetch DA chunks.
//!
//! Request: SCALE `ChunkRequest { root, indices }` with at most [`MAX_INDICES`] indices.
//! Response: SCALE `Vec<Option<Vec<u8>>>`, one entry per requested index, in order: the chunk
//! proof's wire bytes (`hegemon_da::ChunkProof::to_bytes`) or `None` when the peer does not hold
//! the block. Requesters verify every proof against the commitment in the block; a peer that
//! answers with a bad proof is not asked again for that block. Spec: `docs/spec/node.md`.

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use codec::{Decode, Encode};
use futures::StreamExt;
use hegemon_da::{ChunkProof, DaCommitment, DaRoot, verify_chunk};
use sc_cli::clap;
use sc_network::{
    IfDisconnected, PeerId, ProtocolName,
    config::{IncomingRequest, OutgoingResponse},
    service::traits::NetworkService,
};

use super::store::DaStore;

/// The protocol's name.
pub const PROTOCOL: &str = "/hegemon/da/chunks/1";
/// Most chunk indices in one request.
pub const MAX_INDICES: usize = 256;
/// Largest request: the root, a compact length and the indices.
pub const MAX_REQUEST_BYTES: u64 = 32 + 5 + 4 * MAX_INDICES as u64;
/// Largest response: [`MAX_INDICES`] proofs of a 64 MiB block (2,048-byte chunk, 17-level path).
pub const MAX_RESPONSE_BYTES: u64 = MAX_INDICES as u64 * (8 + 4 + 2048 + 1 + 32 * 17) + 8;
/// How long one request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Inbound requests queued before new ones are refused.
pub const INBOUND_QUEUE: usize = 64;

/// Asks a peer for chunks of the block with DA root `root`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct ChunkRequest {
    /// The block's DA root.
    pub root: DaRoot,
    /// Chunk indices wanted.
    pub indices: Vec<u32>,
}

/// How this node answers chunk requests. Anything but `Honest` exists only to test that peers
/// reject blocks whose chunks are withheld or corrupted (hidden flag `--da-serve`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ServeMode {
    /// Serve what the store holds.
    #[default]
    Honest,
    /// Answer `None` for everything.
    Withhold,
    /// Serve chunks with one byte flipped.
    Corrupt,
}

/// Answers inbound chunk requests from `store` until the network shuts down.
pub async fn serve(
    store: Arc<DaStore>,
    requests: async_channel::Receiver<IncomingRequest>,
    mode: ServeMode,
) {
    let mut requests = std::pin::pin!(requests);
    while let Some(request) = requests.next().await {
        let result = answer(&store, &request.payload, mode).map(|r| r.encode());
        if let Err(reason) = &result {
            log::debug!(target: "hegemon-da", "bad chunk request from {}: {reason}", request.peer);
        }
        let _ = request.pending_response.send(OutgoingResponse {
            result: result.map_err(|_| ()),
            reputation_changes: Vec::new(),
            sent_feedback: None,
        });
    }
}

fn answer(
    store: &DaStore,
    payload: &[u8],
    mode: ServeMode,
) -> Result<Vec<Option<Vec<u8>>>, String> {
    let request = ChunkRequest::decode(&mut &payload[..]).map_err(|e| e.to_string())?;
    if request.indices.len() > MAX_INDICES {
        return Err(format!(
            "{} indices (at most {MAX_INDICES})",
            request.indices.len()
        ));
    }
    let block = match mode {
        ServeMode::Withhold => None,
        _ => store.encoded(&request.root).map_err(|e| e.to_string())?,
    };
    Ok(request
        .indices
        .iter()
        .map(|&i| {
            let mut proof = block.as_ref()?.open(i).ok()?;
            if mode == ServeMode::Corrupt {
                proof.chunk[0] ^= 1;
            }
            Some(proof.to_bytes())
        })
        .collect())
}

/// Lists the peers to ask (the connected ones).
pub type PeerSource =
    Arc<dyn Fn() -> futures::future::BoxFuture<'static, Vec<PeerId>> + Send + Sync>;

/// Fetches chunks from connected peers.
#[derive(Clone)]
pub struct ChunkFetcher {
    network: Arc<dyn NetworkService>,
    peers: PeerSource,
}

impl ChunkFetcher {
    /// Fetches through `network`, asking the peers `peers` lists.
    pub fn new(network: Arc<dyn NetworkService>, peers: PeerSource) -> Self {
        Self { network, peers }
    }

    /// Chunks `indices` of the block committed to by `commitment`, each verified against it.
    /// Asks peer after peer for what is still missing; returns what it could verify (a caller
    /// that needs every index checks the count).
    pub async fn fetch(&self, commitment: &DaCommitment, indices: &[u32]) -> Vec<ChunkProof> {
        let mut missing: Vec<u32> = indices.to_vec();
        let mut found = Vec::with_capacity(indices.len());
        for peer in (self.peers)().await {
            for batch in missing.clone().chunks(MAX_INDICES) {
                let Some(proofs) = self.ask(peer, commitment, batch).await else {
                    break; // this peer failed or lied: try the next one
                };
                missing.retain(|i| !proofs.iter().any(|p| p.index == *i));
                found.extend(proofs);
            }
            if missing.is_empty() {
                break;
            }
        }
        found
    }

    /// The whole payload of the block committed to by `commitment`, reconstructed from `k`
    /// verified chunks: the ones in `have` (e.g. samples), then originals, then parity.
    /// Returns the payload and how many chunks it took.
    pub async fn fetch_payload(
        &self,
        commitment: &DaCommitment,
        mut have: Vec<ChunkProof>,
    ) -> Result<(Vec<u8>, usize), String> {
        let k = commitment.original_chunks() as u32;
        for range in [0..k, k..2 * k] {
            let held: BTreeSet<u32> = have.iter().map(|p| p.index).collect();
            let need = (k as usize).saturating_sub(held.len());
            if need == 0 {
                break;
            }
            let wanted: Vec<u32> = range.filter(|i| !held.contains(i)).take(need).collect();
            have.extend(self.fetch(commitment, &wanted).await);
        }
        let pieces: Vec<(u32, &[u8])> = have.iter().map(|p| (p.index, &p.chunk[..])).collect();
        let payload = hegemon_da::reconstruct(commitment, &pieces)
            .map_err(|e| format!("DA payload cannot be reconstructed: {e}"))?;
        Ok((payload, have.len()))
    }

    /// One request to `peer`; `None` if it fails or any returned proof does not verify.
    async fn ask(
        &self,
        peer: PeerId,
        commitment: &DaCommitment,
        indices: &[u32],
    ) -> Option<Vec<ChunkProof>> {
        let request = ChunkRequest {
            root: commitment.root,
            indices: indices.to_vec(),
        };
        let response = self
            .network
            .request(
                peer,
                ProtocolName::from(PROTOCOL),
                request.encode(),
                None,
                IfDisconnected::ImmediateError,
            )
            .await;
        let (bytes, _) = response
            .inspect_err(|e| log::debug!(target: "hegemon-da", "chunk request to {peer}: {e}"))
            .ok()?;
        let answers = Vec::<Option<Vec<u8>>>::decode(&mut &bytes[..]).ok()?;
        if answers.len() != indices.len() {
            return None;
        }
        let mut proofs = Vec::new();
        for (index, answer) in indices.iter().zip(answers) {
            let Some(bytes) = answer else { continue };
            let proof = ChunkProof::from_bytes(&bytes, commitment).ok()?;
            if proof.index != *index || verify_chunk(commitment, &proof).is_err() {
                log::warn!(
                    target: "hegemon-da",
                    "peer {peer} served a chunk {index} that fails its proof; ignoring the peer for this block"
                );
                return None;
            }
            proofs.push(proof);
        }
        Some(proofs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(name: &str, payload: &[u8]) -> (Arc<DaStore>, DaCommitment, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("hegemon-da-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = DaStore::open(&dir).unwrap();
        let block = Arc::new(hegemon_da::encode(payload).unwrap());
        let commitment = *block.commitment();
        store.insert(1, [3; 32], payload, block).unwrap();
        (Arc::new(store), commitment, dir)
    }

    fn decode(answers: &[Option<Vec<u8>>], commitment: &DaCommitment) -> Vec<Option<ChunkProof>> {
        answers
            .iter()
            .map(|a| {
                a.as_ref()
                    .map(|b| ChunkProof::from_bytes(b, commitment).unwrap())
            })
            .collect()
    }

    #[test]
    fn honest_answers_verify_withheld_are_none_corrupt_fail() {
        let (store, commitment, dir) = store_with("honest", &[5u8; 5_000]);
        let request = ChunkRequest {
            root: commitment.root,
            indices: vec![0, 17, 63, 64],
        }
        .encode();

        let honest = answer(&store, &request, ServeMode::Honest).unwrap();
        let honest = decode(&honest, &commitment);
        for proof in &honest[..3] {
            verify_chunk(&commitment, proof.as_ref().unwrap()).unwrap();
        }
        assert!(
            honest[3].is_none(),
            "index 64 is out of range for 64 chunks"
        );

        let withheld = answer(&store, &request, ServeMode::Withhold).unwrap();
        assert!(withheld.iter().all(Option::is_none));

        let corrupt = answer(&store, &request, ServeMode::Corrupt).unwrap();
        for proof in decode(&corrupt, &commitment).into_iter().take(3) {
            assert!(verify_chunk(&commitment, &proof.unwrap()).is_err());
        }
        drop(store); // ParityDb flushes in the background until closed
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn malformed_and_oversized_requests_are_refused() {
        let (store, commitment, dir) = store_with("malformed", &[1u8; 10]);
        assert!(answer(&store, &[1, 2, 3], ServeMode::Honest).is_err());
        let big = ChunkRequest {
            root: commitment.root,
            indices: vec![0; MAX_INDICES + 1],
        };
        assert!(answer(&store, &big.encode(), ServeMode::Honest).is_err());
        assert!(big.encode().len() as u64 > MAX_REQUEST_BYTES - 4);
        drop(store); // ParityDb flushes in the background until closed
        let _ = std::fs::remove_dir_all(dir);
    }
}
