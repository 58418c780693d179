//! `stress`: many transfers proven in parallel and submitted (`docs/spec/wallet.md#stress`).
//!
//! Work goes in rounds. Each round first syncs until the previous round's transfers are mined,
//! then splits every spendable note with a transfer that spends it beside a dummy: half to the
//! payee (this wallet by default, so the note count doubles each round), the rest back as change.
//! Proofs are made on several threads and each transfer is submitted as soon as it is proven. A
//! transfer the node refuses (for example a full pool) leaves its note spendable for the next
//! round.

use std::{
    sync::mpsc,
    time::{Duration, Instant},
};

use hegemon_crypto::{Address, address::Network};
use serde::Serialize;

use crate::{
    Wallet,
    error::WalletError,
    node::NodeClient,
    send::{self, Spend, TransferPlan},
};

/// How long a round may wait for its transfers to be mined before giving up.
const MINING_PATIENCE: Duration = Duration::from_secs(600);

/// What to do.
#[derive(Debug, Clone)]
pub struct StressOptions {
    /// Transfers to submit in total.
    pub transfers: usize,
    /// The payee (default: this wallet's first address).
    pub to: Option<String>,
    /// Proving threads.
    pub threads: usize,
}

/// What happened.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StressReport {
    /// Transfers the node accepted.
    pub submitted: usize,
    /// Transfers the node refused (their notes stayed spendable).
    pub refused: usize,
    /// Rounds run.
    pub rounds: usize,
    /// Proving threads.
    pub threads: usize,
    /// Wall time of the proving phases (all threads at once, submissions overlapping), in
    /// seconds.
    pub proving_seconds: f64,
    /// Time the submitting thread spent in `hegemon_submitTransfer` calls (the node checks each
    /// proof at admission), in seconds.
    pub submit_seconds: f64,
    /// Submitted transfers per second of proving wall time.
    pub transfers_per_second: f64,
    /// Whole run, including waiting for blocks, in seconds.
    pub total_seconds: f64,
}

/// Progress of a stress run.
#[derive(Debug, Clone, Copy)]
pub enum StressEvent {
    /// Waiting for the previous round's transfers to be mined.
    Waiting {
        /// Notes still pending.
        pending: usize,
    },
    /// A transfer of round `round` was proven and submitted (or refused).
    Sent {
        /// Round number, from 1.
        round: usize,
        /// Transfers handled this round so far.
        done: usize,
        /// Transfers planned this round.
        planned: usize,
    },
}

impl Wallet {
    /// Builds, proves and submits `options.transfers` transfers in rounds (see the module).
    pub fn stress(
        &mut self,
        node: &NodeClient,
        options: &StressOptions,
        mut progress: impl FnMut(StressEvent),
    ) -> Result<StressReport, WalletError> {
        let own = self
            .keys
            .spending()?
            .full_viewing_key()
            .incoming()
            .address(0);
        let to = match &options.to {
            Some(text) => Address::decode(Network::Test, text)
                .map_err(|e| WalletError::BadAddress(e.to_string()))?,
            None => own.clone(),
        };
        let threads = options.threads.max(1);
        let start = Instant::now();
        let mut report = StressReport {
            threads,
            ..StressReport::default()
        };
        let (mut proving, mut submitting) = (Duration::ZERO, Duration::ZERO);
        while report.submitted < options.transfers {
            self.wait_until_mined(node, &mut progress)?;
            let fee = node.fee_quote()?;
            let binding = node.chain_binding()?;
            let tree = self.live_tree()?.frontier;
            // Notes worth splitting: both halves must be non-zero after the fee.
            let notes: Vec<_> = self
                .state
                .notes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.spendable() && n.value > fee.saturating_add(1))
                .take(options.transfers - report.submitted)
                .map(|(i, n)| (i, n.clone()))
                .collect();
            if notes.is_empty() {
                return Err(WalletError::InsufficientFunds {
                    have: self.balance(),
                    need: fee.saturating_add(2),
                });
            }
            report.rounds += 1;
            let (round, planned) = (report.rounds, notes.len());
            let keys = self.keys.spending()?;
            let (tx, rx) = mpsc::channel();
            let (mut accepted, mut refusal) = (Vec::new(), None);
            let proving_start = Instant::now();
            std::thread::scope(|scope| -> Result<(), WalletError> {
                for share in notes.chunks(planned.div_ceil(threads)) {
                    let (tx, tree, to, own) = (tx.clone(), &tree, &to, &own);
                    scope.spawn(move || {
                        for (index, note) in share {
                            let plan = TransferPlan {
                                spends: [Spend::Note(note), Spend::Dummy],
                                tree,
                                to,
                                amount: (note.value - fee) / 2,
                                fee,
                                change_to: own,
                                chain_binding: binding,
                            };
                            if tx
                                .send((*index, send::prove_transfer(keys, &plan)))
                                .is_err()
                            {
                                return; // the submitter stopped on an error
                            }
                        }
                    });
                }
                drop(tx);
                for (done, (index, proven)) in rx.iter().enumerate() {
                    let proven = proven?;
                    let submit_start = Instant::now();
                    match node.submit_transfer(&proven) {
                        Ok(_) => accepted.push(index),
                        Err(e) => refusal = Some(e),
                    }
                    submitting += submit_start.elapsed();
                    progress(StressEvent::Sent {
                        round,
                        done: done + 1,
                        planned,
                    });
                }
                Ok(())
            })?;
            proving += proving_start.elapsed();
            report.submitted += accepted.len();
            report.refused += planned - accepted.len();
            if accepted.is_empty() {
                let why = refusal.map_or_else(String::new, |e| e.to_string());
                return Err(WalletError::Node(format!(
                    "the node refused every transfer of round {round}: {why}"
                )));
            }
            for index in accepted {
                self.state.notes[index].pending = true;
            }
            self.save()?;
        }
        self.wait_until_mined(node, &mut progress)?;
        report.proving_seconds = proving.as_secs_f64();
        report.submit_seconds = submitting.as_secs_f64();
        report.transfers_per_second = report.submitted as f64 / report.proving_seconds.max(1e-9);
        report.total_seconds = start.elapsed().as_secs_f64();
        Ok(report)
    }

    /// Syncs until no note is pending (this wallet's transfers are all mined or dropped).
    fn wait_until_mined(
        &mut self,
        node: &NodeClient,
        progress: &mut impl FnMut(StressEvent),
    ) -> Result<(), WalletError> {
        let start = Instant::now();
        loop {
            self.sync(node, |_, _| {})?;
            let pending = self.state.notes.iter().filter(|n| n.pending).count();
            if pending == 0 {
                return Ok(());
            }
            if start.elapsed() > MINING_PATIENCE {
                return Err(WalletError::Node(format!(
                    "{pending} notes still pending after {} s; is the node mining?",
                    MINING_PATIENCE.as_secs()
                )));
            }
            progress(StressEvent::Waiting { pending });
            std::thread::sleep(Duration::from_secs(2));
        }
    }
}
