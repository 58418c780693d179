//! The DA sidecar: what the node keeps of every block's payload, how it builds payloads as an
//! author, serves chunks to peers, and samples peers before importing a block.
//!
//! - [`store`]: payloads on disk by DA root, pruned past the retention window;
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

use futures::StreamExt;
use hegemon_runtime::{apis::DataAvailabilityApi, opaque::Block};
use sc_client_api::BlockchainEvents;
use sp_api::ProvideRuntimeApi;

/// Prunes the store past the runtime's retention window whenever the best block moves.
pub async fn prune_on_import<C>(client: Arc<C>, store: Arc<store::DaStore>)
where
    C: BlockchainEvents<Block> + ProvideRuntimeApi<Block>,
    C::Api: DataAvailabilityApi<Block>,
{
    let mut imports = client.import_notification_stream();
    while let Some(notification) = imports.next().await {
        if !notification.is_new_best {
            continue;
        }
        let number = notification.header.number;
        let Ok(retention) = client.runtime_api().retention_blocks(notification.hash) else {
            continue;
        };
        match store.prune_below(number.saturating_sub(retention)) {
            Ok(0) => {}
            Ok(n) => log::debug!(target: "hegemon-da", "pruned {n} blocks' payloads"),
            Err(e) => log::warn!(target: "hegemon-da", "pruning failed: {e}"),
        }
    }
}
