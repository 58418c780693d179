//! Chain specifications: `dev` and `local`, built from the runtime's genesis presets.

use hegemon_runtime::WASM_BINARY;
use sc_service::ChainType;

/// The node's chain spec type (no extensions).
pub type ChainSpec = sc_service::GenericChainSpec;

fn from_preset(
    name: &str,
    id: &str,
    chain_type: ChainType,
    preset: &str,
) -> Result<ChainSpec, String> {
    let wasm = WASM_BINARY
        .ok_or("the runtime WASM blob was not built; rebuild without SKIP_WASM_BUILD")?;
    Ok(ChainSpec::builder(wasm, None)
        .with_name(name)
        .with_id(id)
        .with_chain_type(chain_type)
        .with_genesis_config_preset_name(preset)
        .build())
}

/// A single-node development chain: the runtime's `development` preset (dev accounts funded,
/// low difficulty) plus genesis notes owned by the published dev spending key ([`crate::dev`]).
pub fn development() -> Result<ChainSpec, String> {
    let wasm = WASM_BINARY
        .ok_or("the runtime WASM blob was not built; rebuild without SKIP_WASM_BUILD")?;
    let mut genesis = hegemon_runtime::genesis_config_presets::development_config_genesis();
    genesis["shieldedPool"]["commitments"] = serde_json::json!(crate::dev::genesis_commitments());
    Ok(ChainSpec::builder(wasm, None)
        .with_name("Hegemon Development")
        .with_id("hegemon_dev")
        .with_chain_type(ChainType::Development)
        .with_genesis_config_patch(genesis)
        .build())
}

/// A multi-node local testnet.
pub fn local_testnet() -> Result<ChainSpec, String> {
    from_preset(
        "Hegemon Local Testnet",
        "hegemon_local",
        ChainType::Local,
        sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
    )
}
