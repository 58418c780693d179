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

/// A single-node development chain (dev accounts funded, low difficulty).
pub fn development() -> Result<ChainSpec, String> {
    from_preset(
        "Hegemon Development",
        "hegemon_dev",
        ChainType::Development,
        sp_genesis_builder::DEV_RUNTIME_PRESET,
    )
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
