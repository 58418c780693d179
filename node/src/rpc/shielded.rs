//! `hegemon_*`: what wallets need from a node: submit a transfer with its ciphertexts, read new
//! notes (commitments and ciphertexts, served from the DA store), quote the fee, check
//! nullifiers, see the pool (`docs/spec/node.md#rpc`).

use std::sync::Arc;

use codec::{Decode, Encode};
use hegemon_crypto::note_encryption::NOTE_CIPHERTEXT_BYTES;
use hegemon_runtime::{
    RuntimeCall,
    apis::{DataAvailabilityApi, ShieldedPoolApi},
    opaque::Block,
};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use pallet_shielded_pool::{MAX_PROOF_BYTES, ShieldedTransfer};
use sc_client_api::{BlockBackend, StorageProvider};
use sc_transaction_pool_api::{TransactionPool, TransactionSource};
use serde::Serialize;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_runtime::traits::Block as BlockT;
use transaction_circuit::{PUBLIC_INPUT_BYTES, TransactionPublicInputs};

use super::error::{RpcError, parse_hex, parse_hex_array, to_hex};
use crate::{
    da::{payload::BodyDa, sidecar::Sidecar, store::DaStore},
    service::FullBackend,
};

/// Most blocks one `hegemon_blockNotes` call scans.
pub const MAX_BLOCKS_PER_CALL: u32 = 256;
/// A `hegemon_blockNotes` page stops after the block that reaches this many notes.
pub const MAX_NOTES_PER_PAGE: usize = 2_048;

/// The notes one block created.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockNotes {
    /// Block number.
    pub number: u32,
    /// Block hash.
    pub hash: String,
    /// Tree position of the first commitment.
    pub first_position: u64,
    /// Note commitments in tree order (48 bytes each).
    pub commitments: Vec<String>,
    /// Their ciphertexts, aligned with `commitments` (empty when asked without them).
    pub ciphertexts: Vec<String>,
    /// The block's DA commitment (53 bytes), which the ciphertexts' chunks verify against.
    pub da_commitment: String,
    /// Nullifiers the block's transfers revealed (48 bytes each): wallets track spends from
    /// these instead of asking per note.
    pub nullifiers: Vec<String>,
}

/// The note tree's frontier: enough to append new notes and witness them.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TreeFrontier {
    /// Leaves in the tree.
    pub size: u64,
    /// The 32 ommers, leaf level first (48 bytes each; meaningful where bit `l` of `size` is 1).
    pub ommers: Vec<String>,
}

/// A page of blocks' notes.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotesPage {
    /// Blocks with notes, in order.
    pub blocks: Vec<BlockNotes>,
    /// The first block not covered: ask again from here (past the best block when done).
    pub next: u32,
}

/// What the pool holds.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolStatus {
    /// Transactions ready for the next block.
    pub ready: usize,
    /// Transactions waiting on others.
    pub future: usize,
}

/// Wallet-facing methods.
#[rpc(server)]
pub trait ShieldedApi {
    /// Submits one shielded transfer: its public inputs (416 bytes), proof, and its two output
    /// ciphertexts (which go to the block's DA payload, not its body). Returns the pool hash.
    #[method(name = "hegemon_submitTransfer")]
    async fn submit_transfer(
        &self,
        public_inputs: String,
        proof: String,
        ciphertexts: Vec<String>,
    ) -> RpcResult<String>;

    /// Notes created in blocks `from..=to` of the best chain (at most 256 blocks; a page stops
    /// early once it holds 2,048 notes, and `next` says where to continue). With
    /// `withoutCiphertexts`, only commitments and DA commitments, for any block however old: a
    /// wallet recovering past the hot window fetches the ciphertexts from an archive provider.
    #[method(name = "hegemon_blockNotes")]
    fn block_notes(
        &self,
        from: u32,
        to: u32,
        without_ciphertexts: Option<bool>,
    ) -> RpcResult<NotesPage>;

    /// The note tree's frontier after block `number` of the best chain.
    #[method(name = "hegemon_treeFrontier")]
    fn tree_frontier(&self, number: u32) -> RpcResult<TreeFrontier>;

    /// The chain binding digest (48 bytes, hex) shielded-only proofs must carry.
    #[method(name = "hegemon_chainBinding")]
    fn chain_binding(&self) -> RpcResult<String>;

    /// The fee every standard transfer pays now.
    #[method(name = "hegemon_feeQuote")]
    fn fee_quote(&self) -> RpcResult<u64>;

    /// Whether a nullifier (48 bytes, hex) is on chain.
    #[method(name = "hegemon_isNullifierSpent")]
    fn is_nullifier_spent(&self, nullifier: String) -> RpcResult<bool>;

    /// Transactions in the pool.
    #[method(name = "hegemon_poolStatus")]
    fn pool_status(&self) -> RpcResult<PoolStatus>;
}

/// Serves `hegemon_*`.
pub struct Shielded<C, P> {
    client: Arc<C>,
    pool: Arc<P>,
    store: Arc<DaStore>,
    sidecar: Sidecar,
}

impl<C, P> Shielded<C, P> {
    /// Serves from `client`, `pool` and `store`; submitted ciphertexts go to `sidecar`.
    pub fn new(client: Arc<C>, pool: Arc<P>, store: Arc<DaStore>, sidecar: Sidecar) -> Self {
        Self {
            client,
            pool,
            store,
            sidecar,
        }
    }
}

impl<C, P> Shielded<C, P>
where
    C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + BlockBackend<Block> + Send + Sync,
    C::Api: ShieldedPoolApi<Block> + DataAvailabilityApi<Block>,
{
    /// The notes of block `number`, or `None` if it created none; ciphertexts only if asked.
    fn notes_of(
        &self,
        number: u32,
        best: u32,
        ciphertexts: bool,
    ) -> Result<Option<BlockNotes>, RpcError> {
        let internal = |e: &dyn std::fmt::Display| RpcError::Internal(e.to_string());
        let Some(hash) = self.client.hash(number).map_err(|e| internal(&e))? else {
            return Ok(None);
        };
        let body = self
            .client
            .block_body(hash)
            .map_err(|e| internal(&e))?
            .unwrap_or_default();
        let da = BodyDa::read(&body);
        let commitments = da.note_commitments().map_err(|e| internal(&e))?;
        if commitments.is_empty() {
            return Ok(None);
        }
        let da_commitment = da.commitment.ok_or_else(|| {
            RpcError::Internal(format!("block #{number} has notes but no DA commitment"))
        })?;
        let nullifiers = da
            .public_inputs()
            .map_err(|e| internal(&e))?
            .iter()
            .flat_map(|p| p.nullifiers.iter().map(|n| to_hex(&n.to_bytes())))
            .collect();
        let mut notes = BlockNotes {
            nullifiers,
            number,
            hash: to_hex(&hash.0),
            first_position: self.first_position(hash)?,
            commitments: commitments.iter().map(|c| to_hex(&c.to_bytes())).collect(),
            ciphertexts: Vec::new(),
            da_commitment: to_hex(&da_commitment.to_bytes()),
        };
        if !ciphertexts {
            return Ok(Some(notes));
        }
        let payload = match self.store.root_of(&hash.0).map_err(|e| internal(&e))? {
            Some(root) => self.store.payload(&root).map_err(|e| internal(&e))?,
            None => None,
        };
        let Some((_, payload)) = payload else {
            let retention = self
                .client
                .runtime_api()
                .retention_blocks(self.client.info().best_hash)
                .map_err(|e| internal(&e))?;
            return Err(if number + retention < best {
                RpcError::OutsideRetention { number, retention }
            } else {
                RpcError::UnknownPayload(format!("block #{number}"))
            });
        };
        let ciphertexts = hegemon_da::items::decode_items(&payload).map_err(|e| internal(&e))?;
        notes.ciphertexts = ciphertexts.iter().map(|c| to_hex(c)).collect();
        Ok(Some(notes))
    }

    /// The tree position of block `hash`'s first note: the tree size after its parent.
    fn first_position(&self, hash: <Block as BlockT>::Hash) -> Result<u64, RpcError> {
        let internal = |e: &dyn std::fmt::Display| RpcError::Internal(e.to_string());
        let parent = self
            .client
            .header(hash)
            .map_err(|e| internal(&e))?
            .ok_or_else(|| RpcError::Internal(format!("no header for {hash}")))?
            .parent_hash;
        self.client
            .runtime_api()
            .tree_size(parent)
            .map_err(|e| internal(&e))
    }
}

/// Parses and checks a submission without touching node state.
fn parse_submission(
    public_inputs: &str,
    proof: &str,
    ciphertexts: &[String],
) -> Result<(ShieldedTransfer, [Vec<u8>; 2]), RpcError> {
    let public_inputs: [u8; PUBLIC_INPUT_BYTES] = parse_hex_array("publicInputs", public_inputs)?;
    let public = TransactionPublicInputs::from_bytes(&public_inputs).map_err(|e| {
        RpcError::InvalidParam {
            name: "publicInputs",
            reason: e.to_string(),
        }
    })?;
    let proof = parse_hex("proof", proof)?;
    let proof_len = proof.len();
    let proof = proof.try_into().map_err(|_| RpcError::InvalidParam {
        name: "proof",
        reason: format!("{proof_len} bytes; at most {MAX_PROOF_BYTES}"),
    })?;
    let [c0, c1] = ciphertexts else {
        return Err(RpcError::InvalidParam {
            name: "ciphertexts",
            reason: format!("{} given; a transfer has 2", ciphertexts.len()),
        });
    };
    let ciphertexts = [
        parse_hex_array::<NOTE_CIPHERTEXT_BYTES>("ciphertexts", c0)?.to_vec(),
        parse_hex_array::<NOTE_CIPHERTEXT_BYTES>("ciphertexts", c1)?.to_vec(),
    ];
    for (index, (c, hash)) in ciphertexts.iter().zip(public.ciphertext_hashes).enumerate() {
        if hegemon_crypto::spec::ciphertext_hash(c) != hash {
            return Err(RpcError::CiphertextMismatch { index });
        }
    }
    Ok((
        ShieldedTransfer {
            public_inputs,
            proof,
        },
        ciphertexts,
    ))
}

#[jsonrpsee::core::async_trait]
impl<C, P> ShieldedApiServer for Shielded<C, P>
where
    C: ProvideRuntimeApi<Block>
        + HeaderBackend<Block>
        + BlockBackend<Block>
        + StorageProvider<Block, FullBackend>
        + Send
        + Sync
        + 'static,
    C::Api: ShieldedPoolApi<Block> + DataAvailabilityApi<Block>,
    P: TransactionPool<Block = Block> + 'static,
{
    async fn submit_transfer(
        &self,
        public_inputs: String,
        proof: String,
        ciphertexts: Vec<String>,
    ) -> RpcResult<String> {
        let (transfer, ciphertexts) = parse_submission(&public_inputs, &proof, &ciphertexts)?;
        let hash = transfer.hash();
        let call = RuntimeCall::ShieldedPool(pallet_shielded_pool::Call::submit_transfers {
            transfers: vec![transfer]
                .try_into()
                .map_err(|_| RpcError::Internal("one transfer fits a batch".into()))?,
        });
        let xt = hegemon_runtime::proof_authorized(call).encode();
        let xt = sp_runtime::OpaqueExtrinsic::decode(&mut &xt[..])
            .map_err(|e| RpcError::Internal(e.to_string()))?;
        // Ciphertexts first, so the author sees them as soon as the pool has the transfer.
        self.sidecar.add_ciphertexts(hash, ciphertexts);
        let best = self.client.info().best_hash;
        match self
            .pool
            .submit_one(best, TransactionSource::External, xt)
            .await
        {
            Ok(pool_hash) => Ok(to_hex(&pool_hash.encode())),
            Err(e) => {
                self.sidecar.remove_ciphertexts(&hash);
                Err(RpcError::Rejected(e.to_string()).into())
            }
        }
    }

    fn block_notes(
        &self,
        from: u32,
        to: u32,
        without_ciphertexts: Option<bool>,
    ) -> RpcResult<NotesPage> {
        if to < from {
            return Err(RpcError::InvalidParam {
                name: "to",
                reason: format!("{to} is below from = {from}"),
            }
            .into());
        }
        if to - from >= MAX_BLOCKS_PER_CALL {
            return Err(RpcError::TooMany {
                got: (to - from) as usize + 1,
                max: MAX_BLOCKS_PER_CALL as usize,
            }
            .into());
        }
        let best = self.client.info().best_number;
        let (mut blocks, mut notes) = (Vec::new(), 0);
        let mut next = from;
        while next <= to.min(best) && notes < MAX_NOTES_PER_PAGE {
            if let Some(block) = self.notes_of(next, best, without_ciphertexts != Some(true))? {
                notes += block.commitments.len();
                blocks.push(block);
            }
            next += 1;
        }
        Ok(NotesPage { blocks, next })
    }

    fn tree_frontier(&self, number: u32) -> RpcResult<TreeFrontier> {
        let internal = |e: &dyn std::fmt::Display| RpcError::Internal(e.to_string());
        let hash = self
            .client
            .hash(number)
            .map_err(|e| internal(&e))?
            .ok_or(RpcError::UnknownBlock(number))?;
        // `ShieldedPool::Tree`, a plain storage value: twox128(pallet) ‖ twox128(item).
        let key = [
            sp_io::hashing::twox_128(b"ShieldedPool"),
            sp_io::hashing::twox_128(b"Tree"),
        ]
        .concat();
        let tree = match self
            .client
            .storage(hash, &sc_client_api::StorageKey(key))
            .map_err(|e| internal(&e))?
        {
            Some(data) => pallet_shielded_pool::TreeState::decode(&mut &data.0[..])
                .map_err(|e| internal(&e))?,
            None => pallet_shielded_pool::TreeState::default(),
        };
        Ok(TreeFrontier {
            size: tree.size,
            ommers: tree.ommers.iter().map(|o| to_hex(o)).collect(),
        })
    }

    fn chain_binding(&self) -> RpcResult<String> {
        let best = self.client.info().best_hash;
        let binding = self
            .client
            .runtime_api()
            .chain_binding(best)
            .map_err(|e| RpcError::Internal(e.to_string()))?;
        Ok(to_hex(&binding))
    }

    fn fee_quote(&self) -> RpcResult<u64> {
        let best = self.client.info().best_hash;
        Ok(self
            .client
            .runtime_api()
            .transfer_fee(best)
            .map_err(|e| RpcError::Internal(e.to_string()))?)
    }

    fn is_nullifier_spent(&self, nullifier: String) -> RpcResult<bool> {
        let nullifier = parse_hex_array::<48>("nullifier", &nullifier)?;
        let best = self.client.info().best_hash;
        Ok(self
            .client
            .runtime_api()
            .is_spent(best, nullifier)
            .map_err(|e| RpcError::Internal(e.to_string()))?)
    }

    fn pool_status(&self) -> RpcResult<PoolStatus> {
        let status = self.pool.status();
        Ok(PoolStatus {
            ready: status.ready,
            future: status.future,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_submissions_get_typed_errors() {
        // All-zero public inputs decode; their ciphertext hashes (zero) match no ciphertext.
        let pi = to_hex(&[0u8; PUBLIC_INPUT_BYTES]);
        let ct = to_hex(&[0u8; NOTE_CIPHERTEXT_BYTES]);
        let err = |r: Result<_, RpcError>| r.map(|_| ()).unwrap_err();
        assert!(matches!(
            err(parse_submission("0x00", "0x", &[])),
            RpcError::InvalidParam {
                name: "publicInputs",
                ..
            }
        ));
        let huge = to_hex(&vec![0u8; MAX_PROOF_BYTES as usize + 1]);
        assert!(matches!(
            err(parse_submission(&pi, &huge, &[ct.clone(), ct.clone()])),
            RpcError::InvalidParam { name: "proof", .. }
        ));
        assert!(matches!(
            err(parse_submission(&pi, "0x01", std::slice::from_ref(&ct))),
            RpcError::InvalidParam {
                name: "ciphertexts",
                ..
            }
        ));
        assert!(matches!(
            err(parse_submission(&pi, "0x01", &[ct.clone(), "0x00".into()])),
            RpcError::InvalidParam {
                name: "ciphertexts",
                ..
            }
        ));
        assert!(matches!(
            err(parse_submission(&pi, "0x01", &[ct.clone(), ct])),
            RpcError::CiphertextMismatch { index: 0 }
        ));
    }
}
