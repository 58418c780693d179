//! The author's aggregator (`--aggregate`): proves one aggregated proof over the pool's shielded
//! transfers, so the block carries `submit_aggregated` (their public inputs and that one proof)
//! in place of a proof per transfer (`docs/spec/node.md#aggregated-blocks`).
//!
//! Proving a tree takes seconds per leaf and tens of seconds per node, far longer than a block,
//! so it runs on its own thread: it takes the ready transfers whose ciphertexts this node holds
//! (canonical order, at most `max`), proves, and offers the result to the block author. An
//! offered aggregate is dropped once any of its transfers leaves the pool (mined, or invalid) or
//! the author finds it no longer applies; the next one is then proven. Proving runs on its own
//! thread pool, so block imports (whose proof checks use the global pool) never queue behind it.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use codec::{Decode, Encode};
use hegemon_runtime::{RuntimeCall, opaque::Block};
use pallet_shielded_pool::ShieldedTransfer;
use sc_transaction_pool_api::{InPoolTransaction, TransactionPool};
use sp_runtime::traits::Block as BlockT;
use transaction_circuit::{TransactionProof, TransactionPublicInputs};

use crate::da::{payload::shielded_transfer_of, sidecar::Sidecar, store::hex};

/// How often the aggregator looks at the pool.
const POLL: Duration = Duration::from_secs(1);

/// One proven aggregate, ready for a block.
pub struct Aggregate {
    /// The transfers' hashes, in canonical (block) order.
    pub hashes: Vec<[u8; 32]>,
    /// `ShieldedPool::submit_aggregated` over them.
    pub extrinsic: <Block as BlockT>::Extrinsic,
}

/// The handle the block author reads aggregates from.
#[derive(Clone, Default)]
pub struct Aggregator {
    ready: Arc<Mutex<Option<Arc<Aggregate>>>>,
}

impl Aggregator {
    /// The aggregate on offer, if any.
    pub fn ready(&self) -> Option<Arc<Aggregate>> {
        self.slot().clone()
    }

    /// Drops `aggregate` (the author found it no longer applies), so the next one is proven.
    pub fn reject(&self, aggregate: &Arc<Aggregate>) {
        let mut slot = self.slot();
        if slot.as_ref().is_some_and(|a| Arc::ptr_eq(a, aggregate)) {
            *slot = None;
        }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Arc<Aggregate>>> {
        self.ready.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts the proving thread over `pool`'s transfers, at most `max` per aggregate.
    pub fn start<P>(pool: Arc<P>, sidecar: Sidecar, max: usize) -> std::io::Result<Self>
    where
        P: TransactionPool<Block = Block> + 'static,
    {
        let aggregator = Self::default();
        let handle = aggregator.clone();
        let provers = rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("aggregator-{i}"))
            .build()
            .map_err(std::io::Error::other)?;
        std::thread::Builder::new()
            .name("aggregator".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(POLL);
                    provers.install(|| handle.step(&*pool, &sidecar, max));
                }
            })?;
        Ok(aggregator)
    }

    /// One look at the pool: drop a stale offer, or prove a new one if there is none.
    fn step<P: TransactionPool<Block = Block>>(&self, pool: &P, sidecar: &Sidecar, max: usize) {
        let mut pending: Vec<([u8; 32], ShieldedTransfer)> = pool
            .ready()
            .filter_map(|tx| shielded_transfer_of(&**tx.data()))
            .map(|t| (t.hash(), t))
            .filter(|(hash, _)| sidecar.ciphertexts(hash).is_some())
            .collect();
        let in_pool: HashSet<[u8; 32]> = pending.iter().map(|(h, _)| *h).collect();
        if let Some(offer) = self.ready() {
            if offer.hashes.iter().all(|h| in_pool.contains(h)) {
                return;
            }
            self.reject(&offer);
        }
        if pending.is_empty() {
            return;
        }
        pending.sort_by_key(|(hash, _)| *hash);
        pending.truncate(max);
        match prove(&pending) {
            Ok(aggregate) => *self.slot() = Some(Arc::new(aggregate)),
            Err(e) => log::warn!(target: "hegemon-aggregate", "aggregation failed: {e}"),
        }
    }
}

/// Proves the aggregate over `transfers` (canonical order), logging progress.
fn prove(transfers: &[([u8; 32], ShieldedTransfer)]) -> Result<Aggregate, String> {
    let inputs = transfers
        .iter()
        .map(|(hash, t)| {
            let public = TransactionPublicInputs::from_bytes(&t.public_inputs);
            let proof = TransactionProof::from_bytes(&t.proof);
            match (public, proof) {
                (Ok(public), Ok(proof)) => Ok((public, proof)),
                _ => Err(format!("transfer {} does not decode", hex(hash))),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let n = inputs.len();
    let depth = aggregation_circuit::tree::TreeKeys::depth_for(n);
    log::info!(
        target: "hegemon-aggregate",
        "aggregating {n} transfers (tree depth {depth}; the first proof at a new depth builds its keys)"
    );
    let started = Instant::now();
    let proof = aggregation_circuit::block::prove_block(&inputs, |level, done, total| {
        log::info!(
            target: "hegemon-aggregate",
            "level {level}: {done}/{total} proofs ({} s)",
            started.elapsed().as_secs()
        );
    })
    .map_err(|e| e.to_string())?;
    log::info!(
        target: "hegemon-aggregate",
        "aggregated {n} transfers in {} s: one proof of {} bytes",
        started.elapsed().as_secs(),
        proof.len()
    );
    let call = RuntimeCall::ShieldedPool(pallet_shielded_pool::Call::submit_aggregated {
        transfers: transfers
            .iter()
            .map(|(_, t)| t.public_inputs)
            .collect::<Vec<_>>()
            .try_into()
            .map_err(|_| "more transfers than a batch holds".to_string())?,
        proof: proof
            .try_into()
            .map_err(|_| "the aggregated proof exceeds its size bound".to_string())?,
    });
    let extrinsic = hegemon_runtime::proof_authorized(call).encode();
    let extrinsic = <Block as BlockT>::Extrinsic::decode(&mut &extrinsic[..])
        .map_err(|e| format!("cannot encode the aggregate: {e}"))?;
    Ok(Aggregate {
        hashes: transfers.iter().map(|(h, _)| *h).collect(),
        extrinsic,
    })
}
