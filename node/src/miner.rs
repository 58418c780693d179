//! The hashing loop: grind nonces for the mining worker's current template and submit seals.

use std::{thread, time::Duration};

use futures::executor::block_on;
use hegemon_runtime::{Difficulty, opaque::Block};
use sc_consensus_pow::{MiningHandle, PowAlgorithm};

use crate::pow;

/// Nonces tried between checks for a new template.
const ROUND: u64 = 16_384;

/// Mine on the current thread forever: grind each template until a seal meets its difficulty or
/// the worker moves to a new template, then submit. Thread `index` searches its own 2^56-nonce
/// stripe so threads never duplicate work.
pub fn run<A, L>(worker: MiningHandle<Block, A, L>, index: u8)
where
    A: PowAlgorithm<Block, Difficulty = Difficulty>,
    L: sc_consensus::JustificationSyncLink<Block>,
{
    let mut nonce: u64 = (u64::from(index) << 56) | (random_start() >> 8);
    loop {
        // Version first: a template replaced after this read is caught before submitting.
        let version = worker.version();
        let Some(metadata) = worker.metadata() else {
            thread::sleep(Duration::from_millis(250));
            continue;
        };
        let found = (0..ROUND).map(|i| nonce.wrapping_add(i)).find(|n| {
            pallet_difficulty::meets_difficulty(
                &pow::seal_hash(&metadata.pre_hash, *n),
                metadata.difficulty,
            )
        });
        nonce = nonce.wrapping_add(ROUND);
        if let Some(n) = found
            && worker.version() == version
        {
            let accepted = block_on(worker.submit(pow::encode_seal(n)));
            log::debug!(
                target: "miner",
                "seal {n} on {} at difficulty {}: {}",
                metadata.best_hash,
                metadata.difficulty,
                if accepted { "imported" } else { "rejected" }
            );
        }
    }
}

/// A start nonce that differs between runs, so restarted miners do not repeat work.
fn random_start() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default()
}
