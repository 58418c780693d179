//! `make demo`: the whole system on one machine (`docs/demo.md`).
//!
//! 1. Starts `hegemon-node --dev --tmp`, mining to a new wallet: its coinbase notes fund it.
//! 2. Once the wallet holds a few notes, runs `stress`: at least `--transfers` shielded transfers,
//!    in rounds, each splitting every note beside a dummy spend.
//! 3. Restores a fresh wallet from the recovery phrase, syncs it from the node's DA-backed RPC,
//!    and checks that it finds every note the first wallet holds.
//! 4. Prints a summary (lines for people, then one JSON line).
//!
//! Usage: `make demo`, or `demo --node-bin PATH [--transfers N]` (`target/debug/examples/demo`)

use std::{
    fs::File,
    io::{BufRead, BufReader},
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use hegemon_wallet::{
    Wallet,
    node::NodeClient,
    stress::{StressEvent, StressOptions},
    vault::KdfCost,
};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Coinbase notes the wallet waits for before the first round.
const INITIAL_NOTES: usize = 4;

/// The node, killed when the demo ends however it ends.
struct NodeProcess(Child);

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Args {
    node_bin: PathBuf,
    transfers: usize,
}

fn args() -> Result<Args> {
    let mut node_bin = None;
    let mut transfers = 1_000;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--node-bin" => node_bin = Some(PathBuf::from(value()?)),
            "--transfers" => transfers = value()?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(Args {
        node_bin: node_bin.ok_or("--node-bin PATH is required (build hegemon-node first)")?,
        transfers,
    })
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn start_node(bin: &Path, payee: &str, work: &Path) -> Result<(NodeProcess, NodeClient)> {
    let (rpc, p2p) = (free_port()?, free_port()?);
    let log = File::create(work.join("node.log"))?;
    let child = Command::new(bin)
        .args([
            "--dev",
            "--tmp",
            "--no-prometheus",
            "--no-telemetry",
            "--no-mdns",
        ])
        .args(["--miner-address", payee])
        .args(["--rpc-port", &rpc.to_string(), "--port", &p2p.to_string()])
        // Room for a whole round of ~90 KB transfers in the pool.
        .args(["--pool-kbytes", "1048576", "--pool-limit", "16384"])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let node = NodeProcess(child);
    let client = NodeClient::new(&format!("http://127.0.0.1:{rpc}"));
    let start = Instant::now();
    while client.best_number().is_err() {
        if start.elapsed() > Duration::from_secs(300) {
            return Err("the node's RPC did not come up in 5 minutes; see node.log".into());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    Ok((node, client))
}

/// Per-block figures over `first..=last`: (number, transfers, DA payload bytes).
fn block_figures(client: &NodeClient, first: u32, last: u32) -> Result<Vec<(u32, usize, u64)>> {
    let mut out = Vec::new();
    let mut next = first;
    while next <= last {
        let page = client.block_commitments(next, last.min(next + 255))?;
        for block in page.blocks {
            let bytes = hex::decode(block.da_commitment.trim_start_matches("0x"))?;
            let da = hegemon_da::DaCommitment::from_bytes(&bytes).map_err(|e| e.to_string())?;
            // Two notes per transfer, plus the block's coinbase note.
            let transfers = block.commitments.len().saturating_sub(1) / 2;
            if transfers > 0 {
                out.push((block.number, transfers, da.byte_len));
            }
        }
        next = page.next.max(next + 1);
    }
    Ok(out)
}

/// Import times the node logged: `#N: K transfers imported in X ms`.
fn import_times(log: &Path) -> Result<Vec<(u32, u64)>> {
    let mut out = Vec::new();
    for line in BufReader::new(File::open(log)?).lines() {
        let line = line?;
        let Some(rest) = line.split(" #").nth(1) else {
            continue;
        };
        let Some((number, tail)) = rest.split_once(": ") else {
            continue;
        };
        let Some(ms) = tail
            .split(" imported in ")
            .nth(1)
            .and_then(|t| t.split(' ').next())
        else {
            continue;
        };
        if let (Ok(number), Ok(ms)) = (number.parse(), ms.parse()) {
            out.push((number, ms));
        }
    }
    Ok(out)
}

fn median(mut values: Vec<u64>) -> u64 {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
}

fn main() -> Result<()> {
    let args = args()?;
    let work = std::env::temp_dir().join(format!("hegemon-demo-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    println!("== Hegemon demo (work directory {})", work.display());

    let (mut alice, phrase) =
        Wallet::create(&work.join("alice.hgm"), "demo", None, KdfCost::DEFAULT)?;
    let (_node, client) = start_node(&args.node_bin, &alice.address(0), &work)?;
    println!("node up; mining pays the demo wallet's coinbase notes");
    while alice.history().len() < INITIAL_NOTES {
        std::thread::sleep(Duration::from_secs(2));
        alice.sync(&client, |_, _| {})?;
    }
    let first = alice.state().synced.as_ref().map_or(1, |p| p.number + 1);
    println!(
        "funded: {} coinbase notes, balance {}",
        alice.history().len(),
        alice.balance()
    );

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let options = StressOptions {
        transfers: args.transfers,
        to: None,
        threads,
    };
    let started = Instant::now();
    let mut last_round = 0;
    let report = alice.stress(&client, &options, |event| match event {
        StressEvent::Sent {
            round,
            done,
            planned,
        } if done == planned && round != last_round => {
            last_round = round;
            println!("round {round}: {planned} transfers proven and submitted");
        }
        _ => {}
    })?;
    let stress_seconds = started.elapsed().as_secs_f64();
    let last = alice.state().synced.as_ref().map_or(first, |p| p.number);

    let blocks = block_figures(&client, first, last)?;
    let imports: Vec<u64> = import_times(&work.join("node.log"))?
        .into_iter()
        .filter(|(n, _)| (first..=last).contains(n))
        .map(|(_, ms)| ms)
        .collect();
    let per_block: Vec<usize> = blocks.iter().map(|b| b.1).collect();
    let da_bytes: Vec<u64> = blocks.iter().map(|b| b.2).collect();

    // A fresh wallet from the phrase alone.
    let (mut restored, _) = Wallet::create(
        &work.join("restored.hgm"),
        "demo",
        Some(&phrase),
        KdfCost::DEFAULT,
    )?;
    let sync_start = Instant::now();
    let sync = restored.sync(&client, |_, _| {})?;
    let sync_seconds = sync_start.elapsed().as_secs_f64();
    let upto = restored.state().synced.as_ref().map_or(0, |p| p.number);
    alice.sync(&client, |_, _| {})?;
    let notes = |w: &Wallet| -> Vec<_> {
        w.history()
            .into_iter()
            .filter(|e| e.block <= upto)
            .collect()
    };
    let (expected, found) = (notes(&alice), notes(&restored));
    if expected != found {
        return Err(format!(
            "the restored wallet found {} notes, the original holds {}",
            found.len(),
            expected.len()
        )
        .into());
    }

    let max_per_block = per_block.iter().copied().max().unwrap_or(0);
    println!("== summary");
    println!(
        "transfers: {} submitted and mined in {} rounds ({:.1} s proving on {} threads, {:.1} \
         transfers/s, {:.1} s of it in node admission; {:.0} s including mining)",
        report.submitted,
        report.rounds,
        report.proving_seconds,
        threads,
        report.transfers_per_second,
        report.submit_seconds,
        stress_seconds
    );
    println!(
        "blocks: {} carried transfers (#{first}–#{last}); {} per block at most, {:.1} on average",
        per_block.len(),
        max_per_block,
        per_block.iter().sum::<usize>() as f64 / per_block.len().max(1) as f64
    );
    println!(
        "block import on the mining node (proof checks cached at pool admission): median {} ms, \
         max {} ms",
        median(imports.clone()),
        imports.iter().max().copied().unwrap_or(0)
    );
    println!(
        "DA payload per block: median {} bytes, max {} bytes",
        median(da_bytes.clone()),
        da_bytes.iter().max().copied().unwrap_or(0)
    );
    println!(
        "restored wallet: {} blocks, {} notes scanned in {:.2} s ({:.0} notes/s); found {} of {} \
         notes",
        sync.blocks,
        sync.scanned,
        sync_seconds,
        sync.scanned as f64 / sync_seconds.max(1e-9),
        found.len(),
        expected.len()
    );
    if max_per_block < 1_024 {
        println!(
            "note: a block holds at most ~68 transfers while each carries its own proof in the \
             block body; a node run with --aggregate puts up to 1,024 under one proof, at \
             minutes of proving per block (docs/spec/node.md#aggregated-blocks)"
        );
    }
    println!(
        "{{\"demo\":\"hegemon\",\"transfers\":{},\"rounds\":{},\"proving_s\":{:.2},\"submit_s\":{:.2},\"blocks\":{},\
         \"max_transfers_per_block\":{},\"median_import_ms\":{},\"median_da_bytes\":{},\
         \"sync_s\":{:.2},\"notes_scanned\":{},\"notes_found\":{}}}",
        report.submitted,
        report.rounds,
        report.proving_seconds,
        report.submit_seconds,
        per_block.len(),
        max_per_block,
        median(imports),
        median(da_bytes),
        sync_seconds,
        sync.scanned,
        found.len()
    );
    std::fs::remove_dir_all(&work)?;
    Ok(())
}
