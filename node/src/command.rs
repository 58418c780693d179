//! Subcommand dispatch.

use sc_cli::SubstrateCli;
use sp_core::Get;

use crate::{
    archive, chain_spec,
    cli::{Cli, Subcommand},
    service,
};

impl SubstrateCli for Cli {
    fn impl_name() -> String {
        "Hegemon Node".into()
    }
    fn impl_version() -> String {
        env!("CARGO_PKG_VERSION").into()
    }
    fn description() -> String {
        env!("CARGO_PKG_DESCRIPTION").into()
    }
    fn author() -> String {
        "Hegemon developers".into()
    }
    fn support_url() -> String {
        "https://github.com/hegemon/hegemon/issues".into()
    }
    fn copyright_start_year() -> i32 {
        2026
    }
    fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
        Ok(match id {
            "dev" => Box::new(chain_spec::development()?),
            "" | "local" => Box::new(chain_spec::local_testnet()?),
            path => Box::new(chain_spec::ChainSpec::from_json_file(
                std::path::PathBuf::from(path),
            )?),
        })
    }
}

/// Parse the command line and run the node or a subcommand.
pub fn run() -> sc_cli::Result<()> {
    let cli = Cli::from_args();
    match &cli.subcommand {
        Some(Subcommand::BuildSpec(cmd)) => {
            let runner = cli.create_runner(cmd)?;
            runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
        }
        Some(Subcommand::CheckBlock(cmd)) => {
            let runner = cli.create_runner(cmd)?;
            runner.async_run(|config| {
                let (client, _, import_queue, task_manager) = service::new_chain_ops(&config)?;
                Ok((cmd.run(client, import_queue), task_manager))
            })
        }
        Some(Subcommand::ExportBlocks(cmd)) => {
            let runner = cli.create_runner(cmd)?;
            runner.async_run(|config| {
                let (client, _, _, task_manager) = service::new_chain_ops(&config)?;
                Ok((cmd.run(client, config.database), task_manager))
            })
        }
        Some(Subcommand::ExportState(cmd)) => {
            let runner = cli.create_runner(cmd)?;
            runner.async_run(|config| {
                let (client, _, _, task_manager) = service::new_chain_ops(&config)?;
                Ok((cmd.run(client, config.chain_spec), task_manager))
            })
        }
        Some(Subcommand::ImportBlocks(cmd)) => {
            let runner = cli.create_runner(cmd)?;
            runner.async_run(|config| {
                let (client, _, import_queue, task_manager) = service::new_chain_ops(&config)?;
                Ok((cmd.run(client, import_queue), task_manager))
            })
        }
        Some(Subcommand::PurgeChain(cmd)) => {
            let runner = cli.create_runner(cmd)?;
            runner.sync_run(|config| cmd.run(config.database))
        }
        Some(Subcommand::Revert(cmd)) => {
            let runner = cli.create_runner(cmd)?;
            runner.async_run(|config| {
                let (client, backend, _, task_manager) = service::new_chain_ops(&config)?;
                Ok((cmd.run(client, backend, None), task_manager))
            })
        }
        Some(Subcommand::ArchiveKey { out }) => {
            let key = archive::create_key_file(out)?;
            let account = archive::account_of(&key);
            println!("archive provider key written to {}", out.display());
            println!("account: {account} (0x{})", hex::encode(&account));
            println!("fund the account with the bond plus fees, then run the node with");
            println!(
                "  --archive-provider {} --archive-endpoint URL",
                out.display()
            );
            Ok(())
        }
        None => {
            let archive = cli.archive_options()?;
            let runner = cli.create_runner(&cli.run)?;
            runner.run_node_until_exit(|config| async move {
                let options = service::NodeOptions {
                    mine_threads: cli.mining().then_some(cli.mine_threads),
                    miner_address: cli.miner_address.clone(),
                    da_serve: cli.da_serve,
                    archive,
                    aggregate: cli.aggregate.then_some(usize::from(cli.aggregate_max)),
                };
                service::new_full::<sc_network::NetworkWorker<_, _>>(config, options)
                    .map_err(sc_cli::Error::Service)
            })
        }
    }
}

impl Cli {
    /// The archive-provider key and terms, if `--archive-provider` is given.
    fn archive_options(&self) -> sc_cli::Result<Option<archive::ProviderOptions>> {
        let Some(path) = &self.archive_provider else {
            return Ok(None);
        };
        let min_bond = <hegemon_runtime::Runtime as pallet_archive_market::Config>::MinBond::get();
        let bond = self.archive_bond.unwrap_or(min_bond);
        if bond < min_bond {
            return Err(format!(
                "--archive-bond must be at least the runtime's minimum, {min_bond}"
            )
            .into());
        }
        Ok(Some(archive::ProviderOptions {
            key: archive::read_key_file(path)?,
            terms: archive::Terms {
                bond,
                price: self.archive_price,
                capacity: self.archive_capacity,
                endpoint: self.archive_endpoint.clone().unwrap_or_default(),
            },
        }))
    }
}
