//! Runtime APIs: the standard set, plus what the node and wallets need from the pool.

use alloc::vec::Vec;

use frame_support::genesis_builder_helper::{build_state, get_preset};
use pallet_shielded_pool::DigestBytes;
use sp_api::impl_runtime_apis;
use sp_core::OpaqueMetadata;
use sp_runtime::{
    ApplyExtrinsicResult,
    traits::Block as BlockT,
    transaction_validity::{TransactionSource, TransactionValidity},
};

use super::*;

sp_api::decl_runtime_apis! {
    /// The shielded pool's state, for wallets and the node.
    pub trait ShieldedPoolApi {
        /// The commitment tree's current root.
        fn tree_root() -> DigestBytes;
        /// Number of note commitments in the tree.
        fn tree_size() -> u64;
        /// Roots currently accepted as anchors, oldest first.
        fn anchors() -> Vec<DigestBytes>;
        /// Whether a nullifier has been revealed.
        fn is_spent(nullifier: DigestBytes) -> bool;
        /// The chain binding digest shielded-only proofs must carry.
        fn chain_binding() -> DigestBytes;
        /// The chain identifier (preimage of the binding).
        fn chain_id() -> Vec<u8>;
        /// The fee a standard transfer pays.
        fn transfer_fee() -> u64;
    }

    /// Data-availability parameters and commitments, for nodes and wallets.
    pub trait DataAvailabilityApi {
        /// The hot retention window in blocks.
        fn retention_blocks() -> BlockNumber;
        /// The encoded DA commitment of `block`, if it has one.
        fn commitment(block: BlockNumber) -> Option<Vec<u8>>;
    }

    /// The archive market as a provider's node needs it.
    pub trait ArchiveMarketApi {
        /// What `who` must keep and answer now.
        fn provider_duties(who: AccountId) -> pallet_archive_market::ProviderDuties<BlockNumber>;
    }
}

impl_runtime_apis! {
    impl sp_api::Core<Block> for Runtime {
        fn version() -> RuntimeVersion {
            VERSION
        }
        fn execute_block(block: <Block as BlockT>::LazyBlock) {
            Executive::execute_block(block);
        }
        fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
            Executive::initialize_block(header)
        }
    }

    impl sp_api::Metadata<Block> for Runtime {
        fn metadata() -> OpaqueMetadata {
            OpaqueMetadata::new(Runtime::metadata().into())
        }
        fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
            Runtime::metadata_at_version(version)
        }
        fn metadata_versions() -> Vec<u32> {
            Runtime::metadata_versions()
        }
    }

    impl sp_block_builder::BlockBuilder<Block> for Runtime {
        fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
            Executive::apply_extrinsic(extrinsic)
        }
        fn finalize_block() -> <Block as BlockT>::Header {
            Executive::finalize_block()
        }
        fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
            data.create_extrinsics()
        }
        fn check_inherents(block: <Block as BlockT>::LazyBlock, data: sp_inherents::InherentData) -> sp_inherents::CheckInherentsResult {
            data.check_extrinsics(&block)
        }
    }

    impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
        fn validate_transaction(
            source: TransactionSource,
            tx: <Block as BlockT>::Extrinsic,
            block_hash: <Block as BlockT>::Hash,
        ) -> TransactionValidity {
            Executive::validate_transaction(source, tx, block_hash)
        }
    }

    impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
        fn offchain_worker(header: &<Block as BlockT>::Header) {
            Executive::offchain_worker(header)
        }
    }

    impl sp_session::SessionKeys<Block> for Runtime {
        fn generate_session_keys(_owner: Vec<u8>, _seed: Option<Vec<u8>>) -> sp_session::OpaqueGeneratedSessionKeys {
            Default::default()
        }
        fn decode_session_keys(_encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, sp_core::crypto::KeyTypeId)>> {
            None
        }
    }

    impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
        fn account_nonce(account: AccountId) -> Nonce {
            System::account_nonce(account)
        }
    }

    impl self::ShieldedPoolApi<Block> for Runtime {
        fn tree_root() -> DigestBytes {
            ShieldedPool::tree_root()
        }
        fn tree_size() -> u64 {
            pallet_shielded_pool::Tree::<Runtime>::get().size
        }
        fn anchors() -> Vec<DigestBytes> {
            pallet_shielded_pool::Anchors::<Runtime>::get().into_inner()
        }
        fn is_spent(nullifier: DigestBytes) -> bool {
            ShieldedPool::is_spent(&nullifier)
        }
        fn chain_binding() -> DigestBytes {
            ShieldedPool::expected_binding(None)
        }
        fn chain_id() -> Vec<u8> {
            pallet_shielded_pool::ChainId::<Runtime>::get().into_inner()
        }
        fn transfer_fee() -> u64 {
            FeeLanes::transfer_fee()
        }
    }

    impl self::DataAvailabilityApi<Block> for Runtime {
        fn retention_blocks() -> BlockNumber {
            pallet_data_availability::RetentionBlocks::<Runtime>::get()
        }
        fn commitment(block: BlockNumber) -> Option<Vec<u8>> {
            pallet_data_availability::Commitments::<Runtime>::get(block).map(|c| c.0.to_vec())
        }
    }

    impl self::ArchiveMarketApi<Block> for Runtime {
        fn provider_duties(who: AccountId) -> pallet_archive_market::ProviderDuties<BlockNumber> {
            ArchiveMarket::duties(&who)
        }
    }

    impl sp_consensus_pow::DifficultyApi<Block, Difficulty> for Runtime {
        fn difficulty() -> Difficulty {
            pallet_difficulty::Pallet::<Runtime>::difficulty()
        }
    }

    impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
        fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
            build_state::<RuntimeGenesisConfig>(config)
        }
        fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
            get_preset::<RuntimeGenesisConfig>(id, genesis_config_presets::get_preset)
        }
        fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
            genesis_config_presets::preset_names()
        }
    }
}
