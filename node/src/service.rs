//! Service assembly: client, PoW import queue, network, RPC and (optionally) the miner.

use std::{sync::Arc, time::Duration};

use futures::FutureExt;
use hegemon_runtime::{apis::RuntimeApi, opaque::Block};
use sc_client_api::Backend;
use sc_consensus_pow::PowBlockImport;
use sc_service::{Configuration, TaskManager, error::Error as ServiceError};
use sc_transaction_pool_api::OffchainTransactionPoolFactory;
use sp_runtime::traits::Block as BlockT;

use crate::aggregator::Aggregator;
use crate::{
    da::{
        import::{DaBlockImport, FetcherSlot},
        proposer::DaProposerFactory,
        protocol::{self, ChunkFetcher, PeerSource, ServeMode},
        relay,
        sidecar::Sidecar,
        store::DaStore,
    },
    miner,
    pow::Blake2Pow,
};

/// Host functions: Substrate's plus the multi-core transaction-proof verifier the runtime calls.
pub type HostFunctions = (
    sp_io::SubstrateHostFunctions,
    hegemon_proof_host::shielded_proofs::HostFunctions,
);
/// The full client type.
pub type FullClient =
    sc_service::TFullClient<Block, RuntimeApi, sc_executor::WasmExecutor<HostFunctions>>;
/// The full backend type.
pub type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;
type Pool = sc_transaction_pool::TransactionPoolHandle<Block, FullClient>;

/// Blocks whose inherents are not re-checked on import (none: check from genesis on).
const CHECK_INHERENTS_AFTER: u32 = 0;
/// How long the proposer may spend building a block, and how often a stale template is rebuilt.
const PROPOSE_BUILD_TIME: Duration = Duration::from_secs(2);
const TEMPLATE_TIMEOUT: Duration = Duration::from_secs(10);

async fn inherent_data(
    _parent: <Block as BlockT>::Hash,
    _: (),
) -> Result<sp_timestamp::InherentDataProvider, Box<dyn std::error::Error + Send + Sync>> {
    Ok(sp_timestamp::InherentDataProvider::from_system_time())
}

/// The node's DA side: its store, pending ciphertexts and templates, and the network fetcher
/// import uses once the network is up.
#[derive(Clone)]
pub struct DaParts {
    store: Arc<DaStore>,
    sidecar: Sidecar,
    fetcher: FetcherSlot,
}

impl DaParts {
    fn open(config: &Configuration) -> Result<Self, ServiceError> {
        let path = config.data_path.join("da");
        let store = DaStore::open(&path).map_err(|e| {
            ServiceError::Other(format!(
                "cannot open the DA store at {}: {e}",
                path.display()
            ))
        })?;
        Ok(Self {
            store: Arc::new(store),
            sidecar: Sidecar::default(),
            fetcher: FetcherSlot::default(),
        })
    }
}

type ClientImport = DaBlockImport<Arc<FullClient>>;

/// The parts `command.rs` needs for the chain-maintenance subcommands.
pub type Parts = (
    Arc<FullClient>,
    Arc<FullBackend>,
    sc_consensus::DefaultImportQueue<Block>,
    TaskManager,
);

/// Client, backend and PoW import queue (no networking).
pub fn new_chain_ops(config: &Configuration) -> Result<Parts, ServiceError> {
    let (client, backend, _keystore, task_manager, _select, _pool, import, _da) =
        new_partial(config)?;
    Ok((client, backend, import.1, task_manager))
}

#[allow(clippy::type_complexity)]
fn new_partial(
    config: &Configuration,
) -> Result<
    (
        Arc<FullClient>,
        Arc<FullBackend>,
        sc_service::KeystoreContainer,
        TaskManager,
        FullSelectChain,
        Arc<Pool>,
        (
            PowBlockImport<
                Block,
                ClientImport,
                FullClient,
                FullSelectChain,
                Blake2Pow<FullClient>,
                fn(<Block as BlockT>::Hash, ()) -> InherentFuture,
            >,
            sc_consensus::DefaultImportQueue<Block>,
        ),
        DaParts,
    ),
    ServiceError,
> {
    let executor = sc_service::new_wasm_executor::<HostFunctions>(&config.executor);
    let (client, backend, keystore, task_manager) =
        sc_service::new_full_parts::<Block, RuntimeApi, _>(config, None, executor, vec![])?;
    let client = Arc::new(client);
    let select_chain = sc_consensus::LongestChain::new(backend.clone());
    let pool = Arc::from(
        sc_transaction_pool::Builder::new(
            task_manager.spawn_essential_handle(),
            client.clone(),
            config.role.is_authority().into(),
        )
        .with_options(config.transaction_pool.clone())
        .with_prometheus(config.prometheus_registry())
        .build(),
    );
    let algorithm = Blake2Pow::new(client.clone());
    let da = DaParts::open(config)?;
    let secret = crate::da::import::fresh_secret().map_err(ServiceError::Other)?;
    let da_import = DaBlockImport::new(
        client.clone(),
        da.store.clone(),
        da.sidecar.clone(),
        da.fetcher.clone(),
        secret,
    );
    let pow_import = PowBlockImport::new(
        da_import,
        client.clone(),
        algorithm.clone(),
        CHECK_INHERENTS_AFTER,
        select_chain.clone(),
        inherent_data_boxed as fn(_, ()) -> InherentFuture,
    );
    let queue = sc_consensus_pow::import_queue(
        Box::new(pow_import.clone()),
        None,
        algorithm,
        &task_manager.spawn_essential_handle(),
        config.prometheus_registry(),
    )?;
    Ok((
        client,
        backend,
        keystore,
        task_manager,
        select_chain,
        pool,
        (pow_import, queue),
        da,
    ))
}

type InherentFuture = std::pin::Pin<
    Box<
        dyn std::future::Future<
                Output = Result<
                    sp_timestamp::InherentDataProvider,
                    Box<dyn std::error::Error + Send + Sync>,
                >,
            > + Send,
    >,
>;

fn inherent_data_boxed(parent: <Block as BlockT>::Hash, extra: ()) -> InherentFuture {
    inherent_data(parent, extra).boxed()
}

/// What the command line asks of a full node beyond Substrate's configuration.
pub struct NodeOptions {
    /// Mine with this many threads.
    pub mine_threads: Option<u8>,
    /// Where mined blocks' coinbase notes go (none: blocks mint no coinbase).
    pub miner_address: Option<hegemon_crypto::Address>,
    /// How to answer peers' DA chunk requests.
    pub da_serve: ServeMode,
    /// Archive-provider mode: the provider key and terms.
    pub archive: Option<crate::archive::ProviderOptions>,
    /// Author blocks with aggregated proofs of at most this many transfers.
    pub aggregate: Option<usize>,
}

/// Start a full node as `options` say.
pub fn new_full<N: sc_network::NetworkBackend<Block, <Block as BlockT>::Hash>>(
    config: Configuration,
    options: NodeOptions,
) -> Result<TaskManager, ServiceError> {
    let (
        client,
        backend,
        keystore,
        mut task_manager,
        select_chain,
        pool,
        (pow_import, import_queue),
        da,
    ) = new_partial(&config)?;

    let mut net_config = sc_network::config::FullNetworkConfiguration::<
        Block,
        <Block as BlockT>::Hash,
        N,
    >::new(&config.network, config.prometheus_registry().cloned());
    let (chunk_requests_tx, chunk_requests) = async_channel::bounded(protocol::INBOUND_QUEUE);
    net_config.add_request_response_protocol(N::request_response_config(
        protocol::PROTOCOL.into(),
        Vec::new(),
        protocol::MAX_REQUEST_BYTES,
        protocol::MAX_RESPONSE_BYTES,
        protocol::REQUEST_TIMEOUT,
        Some(chunk_requests_tx),
    ));
    let (relay_requests_tx, relay_requests) = async_channel::bounded(protocol::INBOUND_QUEUE);
    net_config.add_request_response_protocol(N::request_response_config(
        relay::PROTOCOL.into(),
        Vec::new(),
        relay::MAX_REQUEST_BYTES,
        relay::MAX_RESPONSE_BYTES,
        relay::REQUEST_TIMEOUT,
        Some(relay_requests_tx),
    ));
    let metrics = N::register_notification_metrics(config.prometheus_registry());
    let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
        sc_service::build_network(sc_service::BuildNetworkParams {
            config: &config,
            net_config,
            client: client.clone(),
            transaction_pool: pool.clone(),
            spawn_handle: task_manager.spawn_handle(),
            spawn_essential_handle: task_manager.spawn_essential_handle(),
            import_queue,
            block_announce_validator_builder: None,
            warp_sync_config: None,
            block_relay: None,
            metrics,
            gap_sync_body_policy: None,
        })?;

    let peers: PeerSource = {
        let sync = sync_service.clone();
        Arc::new(move || {
            let sync = sync.clone();
            async move {
                let peers = sync.peers_info().await.unwrap_or_default();
                peers.into_iter().map(|(peer, _)| peer).collect()
            }
            .boxed()
        })
    };
    let _ = da
        .fetcher
        .set(ChunkFetcher::new(network.clone(), peers.clone()));
    task_manager.spawn_handle().spawn(
        "da-chunk-server",
        Some("da"),
        protocol::serve(da.store.clone(), chunk_requests, options.da_serve),
    );
    task_manager.spawn_handle().spawn(
        "ciphertext-relay-server",
        Some("da"),
        relay::serve(da.sidecar.clone(), relay_requests),
    );
    task_manager.spawn_handle().spawn(
        "ciphertext-relay",
        Some("da"),
        relay::fetch_missing(pool.clone(), da.sidecar.clone(), network.clone(), peers),
    );
    let provider = options.archive.map(|archive| {
        crate::archive::Provider::new(
            client.clone(),
            pool.clone(),
            da.store.clone(),
            da.fetcher.clone(),
            archive,
        )
    });
    task_manager.spawn_handle().spawn(
        "da-maintenance",
        Some("da"),
        crate::da::maintain_on_import(client.clone(), da.store.clone(), provider),
    );

    if config.offchain_worker.enabled {
        let offchain = sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
            runtime_api_provider: client.clone(),
            is_validator: config.role.is_authority(),
            keystore: Some(keystore.keystore()),
            offchain_db: backend.offchain_storage(),
            transaction_pool: Some(OffchainTransactionPoolFactory::new(pool.clone())),
            network_provider: Arc::new(network.clone()),
            enable_http_requests: false,
            custom_extensions: |_| vec![],
        })?;
        task_manager.spawn_handle().spawn(
            "offchain-workers-runner",
            "offchain-worker",
            offchain
                .run(client.clone(), task_manager.spawn_handle())
                .boxed(),
        );
    }

    let rpc_builder = {
        let (client, pool, da) = (client.clone(), pool.clone(), da.clone());
        Box::new(move |_| {
            crate::rpc::create_full(crate::rpc::Deps {
                client: client.clone(),
                pool: pool.clone(),
                store: da.store.clone(),
                sidecar: da.sidecar.clone(),
            })
            .map_err(Into::into)
        })
    };
    sc_service::spawn_tasks(sc_service::SpawnTasksParams {
        network,
        client: client.clone(),
        keystore: keystore.keystore(),
        task_manager: &mut task_manager,
        transaction_pool: pool.clone(),
        rpc_builder,
        backend,
        system_rpc_tx,
        tx_handler_controller,
        sync_service: sync_service.clone(),
        config,
        telemetry: None,
        tracing_execute_block: None,
    })?;

    if let Some(threads) = options.mine_threads {
        let aggregator = options
            .aggregate
            .map(|max| Aggregator::start(pool.clone(), da.sidecar.clone(), max))
            .transpose()
            .map_err(|e| ServiceError::Other(format!("cannot start the aggregator: {e}")))?;
        let proposer = DaProposerFactory::new(
            client.clone(),
            pool,
            da.sidecar.clone(),
            options.miner_address,
            aggregator,
        );
        let algorithm = Blake2Pow::new(client.clone());
        let (worker, task) = sc_consensus_pow::start_mining_worker(
            Box::new(pow_import),
            client,
            select_chain,
            algorithm,
            proposer,
            sync_service.clone(),
            sync_service,
            None,
            inherent_data_boxed as fn(_, ()) -> InherentFuture,
            TEMPLATE_TIMEOUT,
            PROPOSE_BUILD_TIME,
        );
        task_manager
            .spawn_essential_handle()
            .spawn_blocking("pow", Some("block-authoring"), task);
        for index in 0..threads {
            let worker = worker.clone();
            std::thread::Builder::new()
                .name(format!("miner-{index}"))
                .spawn(move || miner::run(worker, index))
                .map_err(|e| ServiceError::Other(format!("cannot start miner thread: {e}")))?;
        }
    }
    Ok(task_manager)
}
