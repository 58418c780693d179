//! Genesis presets: `development` (dev accounts funded, chain id `hegemon-dev`) and `local`.
//!
//! Dev accounts are ML-DSA-65 keys from the published seed phrase [`DEV_SEED`] (account `i`:
//! `ξ = BLAKE2-256(DEV_SEED ‖ i)`), so anyone can sign as them on a dev chain and nowhere else.

use alloc::{vec, vec::Vec};

use frame_support::build_struct_json_patch;
use hegemon_crypto::mldsa::MlDsaKeyPair;
use serde_json::Value;
use sp_genesis_builder::PresetId;
use sp_runtime::traits::IdentifyAccount;

use crate::{
    AccountId, Balance, BalancesConfig, DifficultyAdjustmentConfig, PqPublic, RuntimeGenesisConfig,
    ShieldedPoolConfig,
};

/// The published development seed (never use for real funds).
pub const DEV_SEED: &[u8] = b"hegemon development seed: do not use for real funds";
/// Dev accounts funded at genesis.
pub const DEV_ACCOUNTS: u32 = 4;
/// Each dev account's balance.
pub const DEV_BALANCE: Balance = 1_000_000_000_000;

/// The ML-DSA key of dev account `index`.
pub fn dev_key(index: u32) -> MlDsaKeyPair {
    let mut input = DEV_SEED.to_vec();
    input.extend_from_slice(&index.to_le_bytes());
    MlDsaKeyPair::from_seed(&sp_io::hashing::blake2_256(&input))
}

/// The account of dev account `index`.
pub fn dev_account(index: u32) -> AccountId {
    PqPublic(*dev_key(index).public_key().as_bytes()).into_account()
}

/// Starting difficulty of dev chains: a few thousand hashes, so a laptop mines in seconds.
pub const DEV_DIFFICULTY: u128 = 4_096;

fn genesis(chain_id: &[u8], endowed: Vec<AccountId>, difficulty: u128) -> Value {
    build_struct_json_patch!(RuntimeGenesisConfig {
        balances: BalancesConfig {
            balances: endowed.into_iter().map(|a| (a, DEV_BALANCE)).collect()
        },
        shielded_pool: ShieldedPoolConfig {
            chain_id: chain_id.to_vec()
        },
        difficulty_adjustment: DifficultyAdjustmentConfig {
            initial_difficulty: difficulty
        },
    })
}

/// The `development` preset.
pub fn development_config_genesis() -> Value {
    genesis(
        b"hegemon-dev",
        (0..DEV_ACCOUNTS).map(dev_account).collect(),
        DEV_DIFFICULTY,
    )
}

/// The `local` preset (a multi-node local testnet).
pub fn local_config_genesis() -> Value {
    genesis(
        b"hegemon-local",
        (0..DEV_ACCOUNTS).map(dev_account).collect(),
        4 * DEV_DIFFICULTY,
    )
}

/// The preset `id`, serialized.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
    let patch = match id.as_ref() {
        sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
        sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
        _ => return None,
    };
    Some(
        serde_json::to_string(&patch)
            .expect("serializable")
            .into_bytes(),
    )
}

/// Names of the presets.
pub fn preset_names() -> Vec<PresetId> {
    vec![
        PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
        PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
    ]
}
