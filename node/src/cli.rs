//! Command-line interface.

use std::path::PathBuf;

use sc_cli::{RunCmd, clap};

use hegemon_crypto::{Address, address::Network};

use crate::da::protocol::ServeMode;

fn parse_endpoint(text: &str) -> Result<String, String> {
    if text.len() > pallet_archive_market::MAX_ENDPOINT_BYTES as usize {
        return Err(format!(
            "at most {} bytes",
            pallet_archive_market::MAX_ENDPOINT_BYTES
        ));
    }
    Ok(text.to_owned())
}

fn parse_address(text: &str) -> Result<Address, String> {
    Address::decode(Network::Test, text)
        .map_err(|e| format!("not a Hegemon address ({e}); get one with `hegemon-wallet address`"))
}

/// Hegemon node arguments.
#[derive(Debug, clap::Parser)]
pub struct Cli {
    /// A subcommand (omit to run the node).
    #[command(subcommand)]
    pub subcommand: Option<Subcommand>,

    /// Node options.
    #[clap(flatten)]
    pub run: RunCmd,

    /// Mine blocks. On by default with `--dev`, or when the environment has `HEGEMON_MINE=1`.
    #[arg(long)]
    pub mine: bool,

    /// Pay each mined block's coinbase note (reward + fees) to this shielded address.
    #[arg(long, value_name = "ADDRESS", value_parser = parse_address)]
    pub miner_address: Option<Address>,

    /// Mining threads (1–255).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..))]
    pub mine_threads: u8,

    /// Run as an archive provider with the ML-DSA-65 key in this file (64 hex characters; make
    /// one with `hegemon-node archive-key --out FILE`). The key's account registers itself on
    /// first start with the `--archive-*` terms, keeps the blocks its contracts cover past the
    /// hot window, answers the market's audits, and serves those chunks over `da_*` RPC.
    #[arg(long, value_name = "KEY_FILE", requires = "archive_endpoint")]
    pub archive_provider: Option<PathBuf>,

    /// Where wallets reach this provider's `da_*` RPC (registered on chain, ≤ 128 bytes).
    #[arg(long, value_name = "URL", value_parser = parse_endpoint)]
    pub archive_endpoint: Option<String>,

    /// Price per byte per block of storage, registered on first start.
    #[arg(long, value_name = "UNITS", default_value_t = 1)]
    pub archive_price: u64,

    /// Bytes offered to clients, registered on first start.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 30)]
    pub archive_capacity: u64,

    /// Bond reserved at registration (default: the runtime's minimum).
    #[arg(long, value_name = "UNITS")]
    pub archive_bond: Option<u128>,

    /// Author blocks whose shielded transfers carry ONE aggregated proof (a recursive STARK over
    /// their proofs) instead of a proof each. Proving takes seconds per transfer and tens of
    /// seconds per tree node on the author; importing nodes verify one proof per block.
    #[arg(long)]
    pub aggregate: bool,

    /// Most transfers per aggregated proof (1–1024; a tree of N transfers costs about N/8 leaf
    /// and N/8 node proofs; from 64 transfers the proof is also wrapped, which needs about 11 GB
    /// of memory while proving).
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub aggregate_max: u16,

    /// How to answer peers' DA chunk requests. Only for testing that peers reject blocks whose
    /// chunks are withheld or corrupted; never use on a real network.
    #[arg(long, value_enum, default_value_t = ServeMode::Honest, hide = true)]
    pub da_serve: ServeMode,
}

impl Cli {
    /// Whether this node mines: `--mine`, `--dev` or `HEGEMON_MINE=1`.
    pub fn mining(&self) -> bool {
        self.mine
            || self.run.shared_params.dev
            || std::env::var("HEGEMON_MINE").is_ok_and(|v| v == "1")
    }
}

/// Subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Subcommand {
    /// Build a chain spec.
    BuildSpec(sc_cli::BuildSpecCmd),
    /// Validate blocks.
    CheckBlock(sc_cli::CheckBlockCmd),
    /// Export blocks.
    ExportBlocks(sc_cli::ExportBlocksCmd),
    /// Export the state of a given block into a chain spec.
    ExportState(sc_cli::ExportStateCmd),
    /// Import blocks.
    ImportBlocks(sc_cli::ImportBlocksCmd),
    /// Remove the whole chain.
    PurgeChain(sc_cli::PurgeChainCmd),
    /// Revert the chain to a previous state.
    Revert(sc_cli::RevertCmd),
    /// Make an archive-provider key file and print its account.
    ArchiveKey {
        /// The file to create (never overwritten).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}
