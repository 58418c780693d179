//! Builds the runtime to WASM (`wasm32v1-none`) with substrate-wasm-builder.

fn main() {
    #[cfg(feature = "std")]
    substrate_wasm_builder::WasmBuilder::build_using_defaults();
}
