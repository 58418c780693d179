//! The Hegemon runtime: FRAME pallets composed into the chain's state transition function,
//! built to WASM (`wasm32v1-none`).
//!
//! - [`accounts`]: ML-DSA-65 transparent accounts (`AccountId = BLAKE2-256(public key)`).
//! - [`configs`]: one documented `Config` per pallet; the proof verifier is the node's native
//!   host function (`hegemon-proof-host`).
//! - [`apis`]: the runtime APIs the node and wallets call.
//! - [`genesis_config_presets`]: `development` and `local`.
//!
//! Spec: `docs/spec/runtime.md`.
#![cfg_attr(not(feature = "std"), no_std)]
// `impl_runtime_apis!` and `#[runtime]` generate items without docs.
#![allow(missing_docs)]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

use alloc::vec::Vec;

pub mod accounts;
pub mod apis;
pub mod configs;
pub mod genesis_config_presets;

use frame_support::weights::Weight;
use sp_runtime::{generic, traits::BlakeTwo256};
use sp_version::{RuntimeVersion, runtime_version};

pub use accounts::{PqPublic, PqSignature};

/// Block number.
pub type BlockNumber = u32;
/// Transaction signature (ML-DSA-65 with the signer's key).
pub type Signature = PqSignature;
/// Account identifier: BLAKE2-256 of an ML-DSA-65 public key.
pub type AccountId = sp_core::crypto::AccountId32;
/// Transparent balance of the native asset, in its smallest unit.
pub type Balance = u128;
/// Account nonce.
pub type Nonce = u32;
/// Block and state hash.
pub type Hash = sp_core::H256;
/// The PoW difficulty.
pub type Difficulty = sp_core::U256;

/// The runtime version.
#[runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
    spec_name: alloc::borrow::Cow::Borrowed("hegemon"),
    impl_name: alloc::borrow::Cow::Borrowed("hegemon"),
    authoring_version: 1,
    spec_version: 1,
    impl_version: 1,
    apis: apis::RUNTIME_API_VERSIONS,
    transaction_version: 1,
    system_version: 1,
};

/// Target time between blocks (the difficulty pallet retargets toward it).
pub const TARGET_BLOCK_TIME_MS: u64 = 10_000;
/// Blocks per day at the target block time.
pub const DAYS: BlockNumber = (24 * 60 * 60 * 1000 / TARGET_BLOCK_TIME_MS) as BlockNumber;

/// Opaque types for the node.
pub mod opaque {
    use super::*;
    pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;
    /// Header.
    pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
    /// Block.
    pub type Block = generic::Block<Header, UncheckedExtrinsic>;
}

#[frame_support::runtime]
mod runtime {
    #[runtime::runtime]
    #[runtime::derive(
        RuntimeCall,
        RuntimeEvent,
        RuntimeError,
        RuntimeOrigin,
        RuntimeFreezeReason,
        RuntimeHoldReason,
        RuntimeSlashReason,
        RuntimeLockId,
        RuntimeTask,
        RuntimeViewFunction
    )]
    pub struct Runtime;

    #[runtime::pallet_index(0)]
    pub type System = frame_system;

    #[runtime::pallet_index(1)]
    pub type Timestamp = pallet_timestamp;

    #[runtime::pallet_index(2)]
    pub type Balances = pallet_balances;

    #[runtime::pallet_index(3)]
    pub type TransactionPayment = pallet_transaction_payment;

    #[runtime::pallet_index(4)]
    pub type ShieldedPool = pallet_shielded_pool;

    #[runtime::pallet_index(5)]
    pub type DataAvailability = pallet_data_availability;

    #[runtime::pallet_index(6)]
    pub type DifficultyAdjustment = pallet_difficulty;

    #[runtime::pallet_index(7)]
    pub type FeeLanes = pallet_fee_lanes;

    #[runtime::pallet_index(8)]
    pub type ArchiveMarket = pallet_archive_market;
}

/// Account address in extrinsics.
pub type Address = sp_runtime::MultiAddress<AccountId, ()>;
/// Header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// Transaction extensions, in order. `AuthorizeCall` first: shielded transfers are authorized by
/// their proofs and skip the signed-only checks that follow.
pub type TxExtension = (
    frame_system::AuthorizeCall<Runtime>,
    frame_system::CheckNonZeroSender<Runtime>,
    frame_system::CheckSpecVersion<Runtime>,
    frame_system::CheckTxVersion<Runtime>,
    frame_system::CheckGenesis<Runtime>,
    frame_system::CheckEra<Runtime>,
    frame_system::CheckNonce<Runtime>,
    frame_system::CheckWeight<Runtime>,
    pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
);
/// Extrinsic.
pub type UncheckedExtrinsic =
    generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The extensions every transaction carries: immortal, no tip, `nonce` (zero and unchecked for
/// proof-authorized transfers).
fn extension(nonce: Nonce) -> TxExtension {
    (
        frame_system::AuthorizeCall::new(),
        frame_system::CheckNonZeroSender::new(),
        frame_system::CheckSpecVersion::new(),
        frame_system::CheckTxVersion::new(),
        frame_system::CheckGenesis::new(),
        frame_system::CheckEra::from(sp_runtime::generic::Era::Immortal),
        frame_system::CheckNonce::from(nonce),
        frame_system::CheckWeight::new(),
        pallet_transaction_payment::ChargeTransactionPayment::from(0),
    )
}

/// A transaction authorized by its call (extrinsic v5 *General*), as wallets submit shielded
/// transfers: the proofs authorize it, so the extensions carry no signer, nonce or tip.
pub fn proof_authorized(call: RuntimeCall) -> UncheckedExtrinsic {
    UncheckedExtrinsic::new_transaction(call, extension(0))
}

/// A transaction signed by the transparent account of `key` with account nonce `nonce`, on
/// the chain whose genesis block is `genesis` (immortal, no tip). `randomness` hedges the
/// ML-DSA signature (FIPS 204 §3.4); pass fresh OS randomness.
///
/// Errors: signing failed (libcrux refuses only on an internal fault).
#[cfg(feature = "std")]
pub fn signed_transaction(
    call: RuntimeCall,
    key: &hegemon_crypto::mldsa::MlDsaKeyPair,
    nonce: Nonce,
    genesis: Hash,
    randomness: [u8; 32],
) -> Result<UncheckedExtrinsic, hegemon_crypto::mldsa::MlDsaError> {
    use codec::Encode;
    use sp_runtime::traits::IdentifyAccount;
    let extension = extension(nonce);
    let implicit = (
        (),
        (),
        VERSION.spec_version,
        VERSION.transaction_version,
        genesis,
        genesis,
        (),
        (),
        (),
    );
    let payload = SignedPayload::from_raw(call, extension, implicit);
    let signature =
        payload.using_encoded(|bytes| key.sign(bytes, accounts::SIGNING_CONTEXT, randomness))?;
    let public = *key.public_key().as_bytes();
    let (call, extension, _) = payload.deconstruct();
    Ok(UncheckedExtrinsic::new_signed(
        call,
        Address::Id(PqPublic(public).into_account()),
        PqSignature {
            public,
            signature: *signature.as_bytes(),
        },
        extension,
    ))
}
/// The payload signed by transparent accounts.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;
/// Dispatches blocks and transactions.
pub type Executive = frame_executive::Executive<
    Runtime,
    Block,
    frame_system::ChainContext<Runtime>,
    Runtime,
    AllPalletsWithSystem,
>;

/// Reference-time budget of one block: 6 s, enough to verify 1,024 transfer proofs on one core
/// (3 ms each) with margin; the node verifies in parallel and from its cache.
pub const MAX_BLOCK_REF_TIME: u64 =
    6 * frame_support::weights::constants::WEIGHT_REF_TIME_PER_SECOND;
/// The block weight limit.
pub const MAX_BLOCK_WEIGHT: Weight = Weight::from_parts(MAX_BLOCK_REF_TIME, u64::MAX);
