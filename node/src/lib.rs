//! Hegemon full node: PoW consensus and mining, the DA sidecar (store, chunk protocol, sampling
//! before import), the block author, and JSON-RPC. The binary is `src/main.rs`; the library
//! exposes the parts that tests and benchmarks drive directly.

// `sc_cli::Error` is Substrate's (176 bytes); every command returns it.
#![allow(clippy::result_large_err)]

pub mod aggregator;
pub mod archive;
pub mod chain_spec;
mod cli;
pub mod command;
pub mod da;
pub mod dev;
mod miner;
pub mod pow;
mod rpc;
pub mod service;
