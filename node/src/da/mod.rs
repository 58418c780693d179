//! The DA sidecar: what the node keeps of every block's payload, how it builds payloads as an
//! author, serves chunks to peers, and samples peers before importing a block.
//!
//! - [`store`]: payloads on disk by DA root, pruned past the retention window (except what an
//!   archive provider's contracts cover, [`crate::archive`]);
//! - [`sidecar`]: ciphertexts of pooled transfers and payloads of block templates (memory);
//! - [`proposer`]: the author's block builder (canonical order, payload, commitment inherent);
//! - [`protocol`]: the `/hegemon/da/chunks/1` request-response protocol, server and fetcher;
//! - [`relay`]: `/hegemon/ciphertexts/1`, so ciphertexts follow their transfers between pools;
//! - [`import`]: sampling and payload checks before a block is imported;
//! - [`payload`]: the rule tying a payload to its block body.
//!
//! Spec: `docs/spec/node.md`, `docs/spec/data-availability.md`.

pub mod import;
pub mod payload;
pub mod proposer;
pub mod protocol;
pub mod relay;
pub mod sidecar;
pub mod store;

use std::sync::Arc;

use frame_system_rpc_runtime_api::AccountNonceApi;
use futures::StreamExt;
use hegemon_runtime::{
    AccountId, Nonce,
    apis::{ArchiveMarketApi, DataAvailabilityApi},
    opaque::Block,
};
use sc_client_api::BlockchainEvents;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;

use crate::archive::Provider;

/// On every new best block: an archive provider's duties first (which name the blocks to keep),
/// then pruning the store past the runtime's retention window.
pub async fn maintain_on_import<C, P>(
    client: Arc<C>,
    store: Arc<store::DaStore>,
    mut provider: Option<Provider<C, P>>,
) where
    C: BlockchainEvents<Block> + ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync,
    C: 'static,
    C::Api: DataAvailabilityApi<Block>
        + ArchiveMarketApi<Block>
        + AccountNonceApi<Block, AccountId, Nonce>,
    P: TransactionPool<Block = Block> + 'static,
{
    let mut imports = client.import_notification_stream();
    while let Some(notification) = imports.next().await {
        if !notification.is_new_best {
            continue;
        }
        let number = notification.header.number;
        let keep = match provider.as_mut() {
            Some(p) => p.on_best_block(notification.hash, number).await,
            None => Vec::new(),
        };
        let Ok(retention) = client.runtime_api().retention_blocks(notification.hash) else {
            continue;
        };
        let kept = |block: u32| {
            keep.iter()
                .any(|(first, last)| (*first..=*last).contains(&block))
        };
        match store.prune_below(number.saturating_sub(retention), kept) {
            Ok(0) => {}
            Ok(n) => log::debug!(target: "hegemon-da", "pruned {n} blocks' payloads"),
            Err(e) => log::warn!(target: "hegemon-da", "pruning failed: {e}"),
        }
    }
}
