//! Hegemon full node.

// `sc_cli::Error` is Substrate's (176 bytes); every command returns it.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod da;
mod dev;
mod miner;
mod pow;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
    command::run()
}
