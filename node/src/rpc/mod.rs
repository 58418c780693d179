//! JSON-RPC: Substrate's standard methods, `system_accountNextIndex`, and Hegemon's own `da_*`
//! and `hegemon_*` methods with typed errors (`docs/spec/node.md#rpc`).

mod da;
mod error;
mod shielded;

use std::sync::Arc;

use hegemon_runtime::{
    AccountId, Nonce,
    apis::{DataAvailabilityApi, ShieldedPoolApi},
    opaque::Block,
};
use jsonrpsee::RpcModule;
use sc_client_api::{BlockBackend, StorageProvider};
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

use crate::da::{sidecar::Sidecar, store::DaStore};

/// What the RPC methods read from.
pub struct Deps<C, P> {
    /// The client.
    pub client: Arc<C>,
    /// The transaction pool.
    pub pool: Arc<P>,
    /// Block payloads.
    pub store: Arc<DaStore>,
    /// Ciphertexts of submitted transfers.
    pub sidecar: Sidecar,
}

/// Build the node's RPC extensions.
pub fn create_full<C, P>(
    deps: Deps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
    C: ProvideRuntimeApi<Block>
        + HeaderBackend<Block>
        + BlockBackend<Block>
        + StorageProvider<Block, crate::service::FullBackend>
        + HeaderMetadata<Block, Error = BlockChainError>
        + Send
        + Sync
        + 'static,
    C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
    C::Api: sp_block_builder::BlockBuilder<Block>,
    C::Api: DataAvailabilityApi<Block> + ShieldedPoolApi<Block>,
    P: TransactionPool<Block = Block> + 'static,
{
    use da::DaApiServer;
    use shielded::ShieldedApiServer;
    use substrate_frame_rpc_system::{System, SystemApiServer};
    let Deps {
        client,
        pool,
        store,
        sidecar,
    } = deps;
    let mut module = RpcModule::new(());
    module.merge(System::new(client.clone(), pool.clone()).into_rpc())?;
    module.merge(da::Da::new(client.clone(), store.clone()).into_rpc())?;
    module.merge(shielded::Shielded::new(client, pool, store, sidecar).into_rpc())?;
    Ok(module)
}
