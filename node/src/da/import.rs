//! DA admission on import: a block whose payload is not available, or is not exactly its
//! transfers' ciphertexts, is not imported (`docs/spec/node.md#da-admission`).
//!
//! Sits between the PoW import (which checks the seal first, so DA work cannot be forced by an
//! unsealed block) and the client. For a block that needs a payload:
//! 1. the author's own block: the payload comes from its template;
//! 2. a payload already held (same root): linked to this block too;
//! 3. a block stamped longer ago than the hot window lasts: imported without its payload (peers
//!    no longer serve it; a node syncing old history relies on the network having checked it);
//! 4. from the network: sample [`DEFAULT_SAMPLES`] chunks at indices only this node can predict,
//!    each verified against the commitment; if any is unavailable, reject. Then fetch `k` chunks,
//!    reconstruct (which re-checks the encoding), check the items against the transfers, store.
//!
//! Blocks imported from a file (`import-blocks`) have no peers to sample and are admitted with a
//! warning; the operator vouches for the file.

use std::{
    ops::Deref,
    sync::{Arc, OnceLock},
    time::Instant,
};

use hegemon_da::{DEFAULT_SAMPLES, DaCommitment, sample_indices};
use hegemon_runtime::{TARGET_BLOCK_TIME_MS, apis::DataAvailabilityApi, opaque::Block};
use sc_consensus::{BlockCheckParams, BlockImport, BlockImportParams, ImportResult};
use sp_api::ProvideRuntimeApi;
use sp_consensus::{BlockOrigin, Error as ConsensusError};
use sp_runtime::traits::{Block as BlockT, Header as HeaderT};

use super::{payload::BodyDa, protocol::ChunkFetcher, sidecar::Sidecar, store::DaStore};

/// The runtime API of the client an import wraps.
type ApiOf<I> = <<I as Deref>::Target as ProvideRuntimeApi<Block>>::Api;

/// The network side, set once the network is built (after the import queue that needs it).
pub type FetcherSlot = Arc<OnceLock<ChunkFetcher>>;

/// Wraps the client's block import with DA admission.
#[derive(Clone)]
pub struct DaBlockImport<I> {
    inner: I,
    store: Arc<DaStore>,
    sidecar: Sidecar,
    fetcher: FetcherSlot,
    secret: [u8; 32],
}

impl<I> DaBlockImport<I>
where
    I: Deref<Target: ProvideRuntimeApi<Block>>,
    ApiOf<I>: DataAvailabilityApi<Block>,
{
    /// `secret` seeds this node's sample indices; it must be unpredictable to block producers.
    pub fn new(
        inner: I,
        store: Arc<DaStore>,
        sidecar: Sidecar,
        fetcher: FetcherSlot,
        secret: [u8; 32],
    ) -> Self {
        Self {
            inner,
            store,
            sidecar,
            fetcher,
            secret,
        }
    }

    async fn admit(
        &self,
        da: BodyDa,
        (hash, parent): ([u8; 32], <Block as BlockT>::Hash),
        number: u32,
        origin: BlockOrigin,
    ) -> Result<(), String> {
        let Some(commitment) = da.required_commitment().map_err(|e| e.to_string())? else {
            return Ok(());
        };
        if self.store.root_of(&hash).map_err(|e| e.to_string())? == Some(commitment.root) {
            return Ok(());
        }
        let (payload, encoded) = if let Some(t) = self.sidecar.template(&commitment.root) {
            (t.payload.as_ref().clone(), t.encoded)
        } else if let Some((_, payload)) = self
            .store
            .payload(&commitment.root)
            .map_err(|e| e.to_string())?
        {
            let encoded = encode(&payload)?;
            (payload, encoded)
        } else if let Some(age) = self.past_hot_window(&da, parent) {
            log::debug!(
                target: "hegemon-da",
                "#{number}: {} s old, past the hot window; imported without its DA payload",
                age / 1000
            );
            return Ok(());
        } else if matches!(origin, BlockOrigin::File | BlockOrigin::Genesis) {
            log::warn!(
                target: "hegemon-da",
                "#{number}: imported from a file without its DA payload; not sampled"
            );
            return Ok(());
        } else {
            let payload = self.fetch_from_peers(&hash, number, &commitment).await?;
            let encoded = encode(&payload)?;
            (payload, encoded)
        };
        if *encoded.commitment() != commitment {
            return Err("the DA payload does not match the block's commitment".into());
        }
        da.check_payload(&payload).map_err(|e| e.to_string())?;
        // Ciphertexts of mined transfers stay in the sidecar until evicted: if a reorg returns
        // a transfer to the pool, an author can still include it.
        self.store
            .insert(number, hash, &payload, encoded)
            .map_err(|e| e.to_string())
    }

    /// The age in milliseconds of a block stamped longer ago than the hot window lasts
    /// (`RetentionBlocks` × the target block time), or `None` for a younger block. Peers are no
    /// longer bound to serve such a block's chunks, so a node syncing old history imports it
    /// without them: availability was the network's to check when the block was new. A block
    /// cannot claim an old stamp at the tip, since the runtime only accepts timestamps at or
    /// after the parent's.
    fn past_hot_window(&self, da: &BodyDa, parent: <Block as BlockT>::Hash) -> Option<u64> {
        let stamp = da.timestamp?;
        let retention = self.inner.runtime_api().retention_blocks(parent).ok()?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_millis() as u64;
        let age = now.saturating_sub(stamp);
        (age > u64::from(retention).saturating_mul(TARGET_BLOCK_TIME_MS)).then_some(age)
    }

    /// Samples, then fetches and reconstructs the payload.
    async fn fetch_from_peers(
        &self,
        hash: &[u8; 32],
        number: u32,
        commitment: &DaCommitment,
    ) -> Result<Vec<u8>, String> {
        let fetcher = self
            .fetcher
            .get()
            .ok_or("the network is not up yet; cannot sample DA chunks")?;
        let start = Instant::now();
        let indices = sample_indices(&self.secret, hash, commitment.chunk_count, DEFAULT_SAMPLES);
        let samples = fetcher.fetch(commitment, &indices).await;
        if samples.len() < indices.len() {
            return Err(format!(
                "DA sampling failed: {} of {} sampled chunks available from peers",
                samples.len(),
                indices.len()
            ));
        }
        let sampled = start.elapsed();
        let (payload, chunks) = fetcher.fetch_payload(commitment, samples).await?;
        log::info!(
            target: "hegemon-da",
            "#{number}: sampled {} chunks in {} ms; payload {} bytes from {chunks} chunks in {} ms",
            indices.len(),
            sampled.as_millis(),
            payload.len(),
            start.elapsed().as_millis()
        );
        Ok(payload)
    }
}

fn encode(payload: &[u8]) -> Result<Arc<hegemon_da::EncodedBlock>, String> {
    hegemon_da::encode(payload)
        .map(Arc::new)
        .map_err(|e| e.to_string())
}

#[async_trait::async_trait]
impl<I> BlockImport<Block> for DaBlockImport<I>
where
    I: BlockImport<Block, Error = ConsensusError> + Send + Sync,
    I: Deref<Target: ProvideRuntimeApi<Block>>,
    ApiOf<I>: DataAvailabilityApi<Block>,
{
    type Error = ConsensusError;

    async fn check_block(
        &self,
        block: BlockCheckParams<Block>,
    ) -> Result<ImportResult, Self::Error> {
        self.inner.check_block(block).await
    }

    async fn import_block(
        &self,
        block: BlockImportParams<Block>,
    ) -> Result<ImportResult, Self::Error> {
        let number = *block.header.number();
        let start = Instant::now();
        let mut transfers = 0;
        // Header-only imports carry nothing to check here.
        if let Some(body) = &block.body {
            let da = BodyDa::read(body);
            transfers = da.transfers.len();
            let ids = (
                block.post_hash().to_fixed_bytes(),
                *block.header.parent_hash(),
            );
            if let Err(reason) = self.admit(da, ids, number, block.origin).await {
                log::warn!(target: "hegemon-da", "rejecting block #{number}: {reason}");
                return Err(ConsensusError::ClientImport(format!(
                    "block #{number} rejected: {reason}"
                )));
            }
        }
        let admitted = start.elapsed();
        let result = self.inner.import_block(block).await;
        if transfers > 0 && result.is_ok() {
            // Operators (and `make demo`) read import cost per block from this line.
            log::info!(
                target: "hegemon-da",
                "#{number}: {transfers} transfers imported in {} ms (DA admission {} ms)",
                start.elapsed().as_millis(),
                admitted.as_millis()
            );
        }
        result
    }
}

/// This node's sampling secret: fresh randomness at every start.
pub fn fresh_secret() -> Result<[u8; 32], String> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| format!("no OS randomness for DA sampling: {e}"))?;
    Ok(secret)
}
