//! The block author: picks the pool's transfers whose ciphertexts this node holds, orders them
//! canonically (with `--aggregate`, shielded transfers enter only through the aggregator's
//! proven batch, [`crate::aggregator`]), mints the coinbase note to the miner's address (`--miner-address`), puts all
//! the new notes' ciphertexts in the block's DA payload and the payload's commitment in the
//! block (`docs/spec/node.md#block-building`).
//!
//! Inherents come first in a block, but the DA commitment depends on which transfers apply, so
//! a template is built twice: a dry run finds the transfers that apply, then the real block is
//! built with the commitment inherent and exactly those transfers. The second run's proof
//! checks are verification-cache hits.

use std::{collections::HashMap, pin::Pin, sync::Arc, time::Instant};

use futures::{Future, FutureExt};
use hegemon_crypto::{Address, AssetId, Memo, Note, NoteValue, Rseed, encrypt_note, spec};
use hegemon_runtime::opaque::Block;
use pallet_shielded_pool::CoinbaseNote;
use sc_block_builder::{BlockBuilderBuilder, BuiltBlock};
use sc_transaction_pool_api::{InPoolTransaction, TransactionPool};
use sp_api::{CallApiAt, ProvideRuntimeApi};
use sp_blockchain::{ApplyExtrinsicFailed, Error as ClientError, HeaderBackend};
use sp_consensus::{Environment, Proposal, ProposeArgs, Proposer};
use sp_runtime::traits::{Block as BlockT, Header as HeaderT};

use super::{
    payload::{PoolShape, shape_of},
    sidecar::{Ciphertexts, Sidecar, TemplatePayload},
};
use transaction_circuit::TransactionPublicInputs;

use crate::aggregator::{Aggregate, Aggregator};

/// Builds block templates for the miner.
pub struct DaProposerFactory<C, P> {
    client: Arc<C>,
    pool: Arc<P>,
    sidecar: Sidecar,
    payout: Option<Arc<Address>>,
    aggregator: Option<Aggregator>,
}

impl<C, P> DaProposerFactory<C, P> {
    /// Proposes on `client`, taking transactions from `pool` and ciphertexts from `sidecar`;
    /// mints each block's coinbase note to `payout`, if given; with an `aggregator`, includes
    /// shielded transfers only through its aggregates.
    pub fn new(
        client: Arc<C>,
        pool: Arc<P>,
        sidecar: Sidecar,
        payout: Option<Address>,
        aggregator: Option<Aggregator>,
    ) -> Self {
        Self {
            client,
            pool,
            sidecar,
            payout: payout.map(Arc::new),
            aggregator,
        }
    }
}

/// Builds one template on a fixed parent.
pub struct DaProposer<C, P> {
    client: Arc<C>,
    pool: Arc<P>,
    sidecar: Sidecar,
    payout: Option<Arc<Address>>,
    aggregator: Option<Aggregator>,
    parent_hash: <Block as BlockT>::Hash,
    parent_number: u32,
}

impl<C, P> Environment<Block> for DaProposerFactory<C, P>
where
    C: ProvideRuntimeApi<Block> + CallApiAt<Block> + HeaderBackend<Block> + Send + Sync + 'static,
    C::Api: sp_block_builder::BlockBuilder<Block>,
    P: TransactionPool<Block = Block> + 'static,
{
    type Proposer = DaProposer<C, P>;
    type CreateProposer = futures::future::Ready<Result<Self::Proposer, ClientError>>;
    type Error = ClientError;

    fn init(&mut self, parent: &<Block as BlockT>::Header) -> Self::CreateProposer {
        futures::future::ready(Ok(DaProposer {
            client: self.client.clone(),
            pool: self.pool.clone(),
            sidecar: self.sidecar.clone(),
            payout: self.payout.clone(),
            aggregator: self.aggregator.clone(),
            parent_hash: parent.hash(),
            parent_number: *parent.number(),
        }))
    }
}

/// A transaction the author may include.
struct Candidate {
    extrinsic: <Block as BlockT>::Extrinsic,
    /// The transfers it applies, in order (none for other transactions).
    transfers: Vec<PooledTransfer>,
    /// The aggregator's batch it is, if it is one.
    aggregate: Option<Arc<Aggregate>>,
}

struct PooledTransfer {
    hash: [u8; 32],
    ciphertexts: Ciphertexts,
    fee: u64,
}

impl<C, P> Proposer<Block> for DaProposer<C, P>
where
    C: ProvideRuntimeApi<Block> + CallApiAt<Block> + HeaderBackend<Block> + Send + Sync + 'static,
    C::Api: sp_block_builder::BlockBuilder<Block>,
    P: TransactionPool<Block = Block> + 'static,
{
    type Error = ClientError;
    type Proposal = Pin<Box<dyn Future<Output = Result<Proposal<Block>, ClientError>> + Send>>;

    fn propose(self, args: ProposeArgs<Block>) -> Self::Proposal {
        async move {
            let deadline = Instant::now() + args.max_duration;
            let ready = self
                .pool
                .ready_at_with_timeout(self.parent_hash, args.max_duration / 4)
                .await;
            let candidates = self.candidates(ready.map(|tx| (**tx.data()).clone()));
            let applied = self.dry_run(&args, &candidates, deadline)?;
            self.build(args, applied)
        }
        .boxed()
    }
}

impl<C, P> DaProposer<C, P>
where
    C: ProvideRuntimeApi<Block> + CallApiAt<Block> + HeaderBackend<Block> + Send + Sync + 'static,
    C::Api: sp_block_builder::BlockBuilder<Block>,
{
    /// Transfers first, sorted by hash (the pallet's canonical order; no fee buys position),
    /// then everything else in pool order. Transfers whose ciphertexts this node lacks are
    /// left for an author that has them.
    fn candidates(
        &self,
        ready: impl Iterator<Item = <Block as BlockT>::Extrinsic>,
    ) -> Vec<Candidate> {
        let (mut transfers, mut others) = (Vec::new(), Vec::new());
        // With an aggregator, shielded transfers wait for its batch.
        let mut for_aggregate = HashMap::new();
        for extrinsic in ready {
            // Multi-transfer batches are not re-batched by this author, so they are left out.
            match shape_of(&extrinsic) {
                PoolShape::Other => others.push(Candidate {
                    extrinsic,
                    transfers: Vec::new(),
                    aggregate: None,
                }),
                PoolShape::Batch => {}
                PoolShape::Transfer {
                    transfer,
                    aggregatable,
                } => {
                    let Some(pooled) = self.pooled(&transfer) else {
                        continue;
                    };
                    if self.aggregator.is_some() && aggregatable {
                        for_aggregate.insert(pooled.hash, pooled);
                        continue;
                    }
                    transfers.push(Candidate {
                        extrinsic,
                        transfers: vec![pooled],
                        aggregate: None,
                    });
                }
            }
        }
        if let Some(aggregate) = self.aggregator.as_ref().and_then(Aggregator::ready) {
            // Offered only while all its transfers are ready here.
            let pooled: Option<Vec<PooledTransfer>> = aggregate
                .hashes
                .iter()
                .map(|hash| for_aggregate.remove(hash))
                .collect();
            if let Some(pooled) = pooled {
                transfers.push(Candidate {
                    extrinsic: aggregate.extrinsic.clone(),
                    transfers: pooled,
                    aggregate: Some(aggregate),
                });
            }
        }
        transfers.sort_by_key(|c| c.transfers.first().map(|t| t.hash));
        transfers.extend(others);
        transfers
    }

    /// A pool transfer with its hash, fee and ciphertexts, if this node holds them.
    fn pooled(&self, transfer: &pallet_shielded_pool::ShieldedTransfer) -> Option<PooledTransfer> {
        let hash = transfer.hash();
        let fee = TransactionPublicInputs::from_bytes(&transfer.public_inputs).map_or(0, |p| p.fee);
        let Some(ciphertexts) = self.sidecar.ciphertexts(&hash) else {
            log::debug!(
                target: "hegemon-da",
                "skipping transfer {}: its ciphertexts are not held here",
                super::store::hex(&hash)
            );
            return None;
        };
        Some(PooledTransfer {
            hash,
            ciphertexts,
            fee,
        })
    }

    fn builder(
        &self,
        args: &ProposeArgs<Block>,
    ) -> Result<sc_block_builder::BlockBuilder<'_, Block, C>, ClientError> {
        BlockBuilderBuilder::new(&*self.client)
            .on_parent_block(self.parent_hash)
            .with_parent_block_number(self.parent_number)
            .with_inherent_digests(args.inherent_digests.clone())
            .build()
    }

    /// Applies the candidates on top of the inherents without a DA commitment; returns those
    /// that applied, stopping when the block is full or the time is up.
    fn dry_run<'a>(
        &self,
        args: &ProposeArgs<Block>,
        candidates: &'a [Candidate],
        deadline: Instant,
    ) -> Result<Vec<&'a Candidate>, ClientError> {
        let mut builder = self.builder(args)?;
        for inherent in builder.create_inherents(args.inherent_data.clone())? {
            builder.push(inherent)?;
        }
        let mut applied = Vec::new();
        for candidate in candidates {
            if Instant::now() >= deadline {
                break;
            }
            match builder.push(candidate.extrinsic.clone()) {
                Ok(()) => applied.push(candidate),
                Err(ClientError::ApplyExtrinsicFailed(ApplyExtrinsicFailed::Validity(e)))
                    if e.exhausted_resources() =>
                {
                    break;
                }
                Err(e) => {
                    log::debug!(target: "hegemon-da", "dropping a transaction: {e}");
                    if let (Some(aggregate), Some(aggregator)) =
                        (&candidate.aggregate, &self.aggregator)
                    {
                        log::info!(
                            target: "hegemon-aggregate",
                            "an aggregate of {} transfers no longer applies ({e}); proving anew",
                            aggregate.hashes.len()
                        );
                        aggregator.reject(aggregate);
                    }
                }
            }
        }
        Ok(applied)
    }

    /// Builds the block: inherents (the coinbase if paying out, and the DA commitment if the
    /// block creates notes), then `applied` in order.
    fn build(
        &self,
        mut args: ProposeArgs<Block>,
        applied: Vec<&Candidate>,
    ) -> Result<Proposal<Block>, ClientError> {
        let app = |e: String| ClientError::Application(e.into());
        let transfers: Vec<&PooledTransfer> = applied.iter().flat_map(|c| &c.transfers).collect();
        let mut ciphertexts: Vec<&[u8]> = transfers
            .iter()
            .flat_map(|t| t.ciphertexts.iter().map(Vec::as_slice))
            .collect();
        let coinbase = match &self.payout {
            Some(to) => {
                let fees = transfers.iter().map(|t| t.fee).sum::<u64>();
                Some(coinbase(to, hegemon_runtime::configs::BLOCK_REWARD + fees).map_err(app)?)
            }
            None => None,
        };
        if let Some((note, ciphertext)) = &coinbase {
            args.inherent_data
                .put_data(pallet_shielded_pool::COINBASE_INHERENT_IDENTIFIER, note)
                .map_err(|e| ClientError::Application(Box::new(e)))?;
            ciphertexts.push(ciphertext);
        }
        if !ciphertexts.is_empty() {
            let payload = hegemon_da::items::encode_items(&ciphertexts);
            let encoded =
                hegemon_da::encode(&payload).map_err(|e| ClientError::Application(Box::new(e)))?;
            args.inherent_data
                .put_data(
                    pallet_data_availability::INHERENT_IDENTIFIER,
                    &pallet_data_availability::CommitmentBytes(encoded.commitment().to_bytes()),
                )
                .map_err(|e| ClientError::Application(Box::new(e)))?;
            self.sidecar.add_template(TemplatePayload {
                payload: Arc::new(payload),
                encoded: Arc::new(encoded),
            });
        }
        let mut builder = self.builder(&args)?;
        for inherent in builder.create_inherents(args.inherent_data)? {
            builder.push(inherent)?;
        }
        for candidate in applied {
            builder.push(candidate.extrinsic.clone())?;
        }
        let BuiltBlock {
            block,
            storage_changes,
        } = builder.build()?;
        log::debug!(
            target: "hegemon-da",
            "template #{} with {} transfers",
            self.parent_number + 1,
            transfers.len()
        );
        Ok(Proposal {
            block,
            storage_changes,
        })
    }
}

/// The author's coinbase note of `value` to `to`, and its ciphertext (which goes last in the
/// block's DA payload).
fn coinbase(to: &Address, value: u64) -> Result<(CoinbaseNote, Vec<u8>), String> {
    let random = || {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map(|()| bytes)
    };
    let rseed = random().map_err(|e| format!("no OS randomness: {e}"))?;
    let note = Note {
        value: NoteValue::from_u64(value),
        asset_id: AssetId::NATIVE,
        recipient: to.recipient(),
        rseed: Rseed::from_bytes(rseed),
    };
    let kem = random().map_err(|e| format!("no OS randomness: {e}"))?;
    let ciphertext = encrypt_note(&note, &Memo::empty(), to, kem)
        .map_err(|e| format!("cannot encrypt the coinbase note: {e}"))?
        .as_bytes()
        .to_vec();
    Ok((
        CoinbaseNote {
            value,
            pk_enc_digest: note.recipient.pk_enc_digest.to_bytes(),
            pk_auth: note.recipient.pk_auth.to_bytes(),
            rseed,
            ciphertext_hash: spec::ciphertext_hash(&ciphertext).to_bytes(),
        },
        ciphertext,
    ))
}
