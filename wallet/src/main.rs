//! `hegemon-wallet`: a command-line wallet for Hegemon.

use std::{io::BufRead, path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use hegemon_wallet::{
    Wallet, WalletError,
    node::NodeClient,
    stress::{StressEvent, StressOptions},
    vault::KdfCost,
};

mod progress;

/// Hegemon wallet: keys stay on this machine; proofs are made here; sync is over a node's RPC.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// The wallet file.
    #[arg(long, env = "HEGEMON_WALLET", default_value = "wallet.hgm")]
    wallet: PathBuf,
    /// The node's JSON-RPC endpoint.
    #[arg(long, env = "HEGEMON_NODE", default_value = "http://127.0.0.1:9944")]
    node: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a wallet (prints the recovery phrase once), or restore one with `--restore`.
    Init {
        /// Restore from a recovery phrase (read from HEGEMON_WALLET_PHRASE or stdin).
        #[arg(long)]
        restore: bool,
    },
    /// Create a watch-only wallet from a full viewing key (read from HEGEMON_VIEWING_KEY or
    /// stdin): it finds incoming notes and sees them spent, but cannot spend.
    Watch,
    /// Print a receiving address.
    Address {
        /// Hand out a fresh address instead of the first one.
        #[arg(long)]
        new: bool,
    },
    /// Scan new blocks for incoming notes and spends.
    Sync,
    /// Scan like `sync`, fetching blocks past the node's hot window from an archive provider
    /// (every chunk verified against the chain's DA commitments).
    Recover {
        /// The archive provider's RPC endpoint (its registered endpoint in the archive market).
        #[arg(long)]
        archive: String,
    },
    /// Print the unspent balance (syncs first).
    Balance,
    /// List received notes, oldest first (syncs first).
    History,
    /// Print the full viewing key (sees all notes, cannot spend).
    ExportViewingKey,
    /// Load test: split notes with `--transfers` transfers in rounds, proven on `--threads`
    /// threads and submitted in parallel with proving; prints a JSON report.
    Stress {
        /// Transfers to submit in total.
        #[arg(long)]
        transfers: usize,
        /// Payee (default: this wallet, so each round doubles its notes).
        #[arg(long)]
        to: Option<String>,
        /// Proving threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Pay `--amount` to `--to`: proves locally, submits to the node.
    Send {
        /// The payee's address.
        #[arg(long)]
        to: String,
        /// The amount, in base units.
        #[arg(long)]
        amount: u64,
    },
}

/// A secret from the environment, else one line of stdin.
fn secret(var: &str, prompt: &str) -> Result<String, WalletError> {
    if let Ok(value) = std::env::var(var) {
        return Ok(value);
    }
    eprint!("{prompt}: ");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| WalletError::Io(e.to_string()))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn password() -> Result<String, WalletError> {
    secret("HEGEMON_WALLET_PASSWORD", "wallet password")
}

fn sync(wallet: &mut Wallet, node: &str, archive: Option<&str>) -> Result<(), WalletError> {
    let node = NodeClient::new(node);
    let mut bar = progress::Bar::new("syncing", "blocks");
    let report = match archive {
        Some(url) => wallet.recover(&node, &NodeClient::new(url), |at, best| bar.set(at, best)),
        None => wallet.sync(&node, |at, best| bar.set(at, best)),
    };
    bar.finish();
    let report = report?;
    if report.rescanned {
        eprintln!("the chain reorganised below the last synced block: rescanned");
    }
    println!(
        "scanned {} blocks, {} notes; found {}, newly spent {}",
        report.blocks, report.scanned, report.found, report.spent
    );
    Ok(())
}

fn run(cli: Cli) -> Result<(), WalletError> {
    match cli.command {
        Command::Init { restore } => {
            let phrase = if restore {
                Some(secret("HEGEMON_WALLET_PHRASE", "recovery phrase")?)
            } else {
                None
            };
            let (wallet, words) = Wallet::create(
                &cli.wallet,
                &password()?,
                phrase.as_deref(),
                KdfCost::DEFAULT,
            )?;
            if !restore {
                println!(
                    "recovery phrase (write it down; it is shown once):\n{}",
                    &*words
                );
            }
            println!("address: {}", wallet.address(0));
        }
        Command::Watch => {
            let key = secret("HEGEMON_VIEWING_KEY", "full viewing key")?;
            let wallet = Wallet::watch(&cli.wallet, &password()?, &key, KdfCost::DEFAULT)?;
            println!("watch-only wallet created; address: {}", wallet.address(0));
        }
        Command::Address { new } => {
            let mut wallet = Wallet::open(&cli.wallet, &password()?)?;
            let address = if new {
                wallet.new_address()?
            } else {
                wallet.address(0)
            };
            println!("{address}");
        }
        Command::Sync => sync(
            &mut Wallet::open(&cli.wallet, &password()?)?,
            &cli.node,
            None,
        )?,
        Command::Recover { archive } => {
            let mut wallet = Wallet::open(&cli.wallet, &password()?)?;
            sync(&mut wallet, &cli.node, Some(&archive))?;
            println!("balance: {}", wallet.balance());
        }
        Command::Balance => {
            let mut wallet = Wallet::open(&cli.wallet, &password()?)?;
            sync(&mut wallet, &cli.node, None)?;
            println!("balance: {}", wallet.balance());
        }
        Command::History => {
            let mut wallet = Wallet::open(&cli.wallet, &password()?)?;
            sync(&mut wallet, &cli.node, None)?;
            for entry in wallet.history() {
                println!(
                    "#{:<8} {:>16}  address {:<4} {:?}",
                    entry.block, entry.value, entry.address_index, entry.status
                );
            }
        }
        Command::ExportViewingKey => {
            let wallet = Wallet::open(&cli.wallet, &password()?)?;
            println!("{}", &*wallet.export_viewing_key());
        }
        Command::Stress {
            transfers,
            to,
            threads,
        } => {
            let mut wallet = Wallet::open(&cli.wallet, &password()?)?;
            let threads = threads.unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
            });
            let options = StressOptions {
                transfers,
                to,
                threads,
            };
            let mut bar: Option<(usize, progress::Bar)> = None;
            let report =
                wallet.stress(&NodeClient::new(&cli.node), &options, |event| match event {
                    StressEvent::Sent {
                        round,
                        done,
                        planned,
                    } => {
                        if bar.as_ref().is_none_or(|(r, _)| *r != round) {
                            if let Some((_, old)) = bar.take() {
                                old.finish();
                            }
                            bar = Some((round, progress::Bar::new("round", "transfers")));
                        }
                        if let Some((_, bar)) = bar.as_mut() {
                            bar.set(done as u32, planned as u32);
                        }
                    }
                    StressEvent::Waiting { pending } => {
                        if let Some((_, old)) = bar.take() {
                            old.finish();
                        }
                        eprintln!("waiting for {pending} pending notes to be mined…");
                    }
                });
            if let Some((_, bar)) = bar {
                bar.finish();
            }
            let report = report?;
            println!(
                "{}",
                serde_json::to_string(&report).map_err(|e| WalletError::Io(e.to_string()))?
            );
        }
        Command::Send { to, amount } => {
            let mut wallet = Wallet::open(&cli.wallet, &password()?)?;
            let mut spinner = None;
            let hash = wallet.send(&NodeClient::new(&cli.node), &to, amount, |step| {
                drop(spinner.take()); // the previous step ends before the next one shows
                spinner = Some(progress::Spinner::start(step));
            });
            drop(spinner);
            let hash = hash?;
            println!("submitted {hash}; run `sync` to see it confirmed");
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
