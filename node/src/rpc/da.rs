//! `da_*`: chunks of block payloads with Merkle paths, for wallets, light clients and archive
//! providers (`docs/spec/node.md#rpc`).

use std::sync::Arc;

use hegemon_da::{DaRoot, EncodedBlock};
use hegemon_runtime::{apis::DataAvailabilityApi, opaque::Block};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use serde::Serialize;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;

use super::error::{RpcError, parse_hex_array, to_hex};
use crate::da::{protocol, store::DaStore};

/// Most chunks one `da_getChunks` call returns.
pub const MAX_CHUNKS_PER_CALL: usize = 64;

/// The DA code and sampling parameters.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DaParams {
    /// Bytes per chunk.
    pub chunk_size: u32,
    /// Fewest original chunks in a payload.
    pub min_original_chunks: u32,
    /// Most original chunks in a payload.
    pub max_original_chunks: u32,
    /// Chunks a node samples before importing a block.
    pub samples: u32,
    /// The hot retention window, in blocks.
    pub retention_blocks: u32,
    /// The peer-to-peer chunk protocol.
    pub protocol: String,
    /// Most chunks per `da_getChunks` call.
    pub max_chunks_per_call: u32,
}

/// One chunk with its Merkle path to the block's DA root.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChunkResponse {
    /// Chunk index (originals first, then parity).
    pub index: u32,
    /// The chunk bytes.
    pub chunk: String,
    /// Sibling hashes from the leaf level up.
    pub path: Vec<String>,
    /// The block's DA commitment (53 bytes).
    pub commitment: String,
}

/// DA methods.
#[rpc(server)]
pub trait DaApi {
    /// Code and sampling parameters.
    #[method(name = "da_getParams")]
    fn params(&self) -> RpcResult<DaParams>;

    /// Chunk `index` of a block's payload; `block` is a block hash or a DA root (hex).
    #[method(name = "da_getChunk")]
    fn chunk(&self, block: String, index: u32) -> RpcResult<ChunkResponse>;

    /// Several chunks of one block (at most [`MAX_CHUNKS_PER_CALL`]).
    #[method(name = "da_getChunks")]
    fn chunks(&self, block: String, indices: Vec<u32>) -> RpcResult<Vec<ChunkResponse>>;

    /// Whether this node holds the payload of `block` (a block hash or DA root).
    #[method(name = "da_isAvailable")]
    fn is_available(&self, block: String) -> RpcResult<bool>;
}

/// Serves `da_*` from the DA store.
pub struct Da<C> {
    client: Arc<C>,
    store: Arc<DaStore>,
}

impl<C> Da<C> {
    /// Serves from `store`, reading chain facts from `client`.
    pub fn new(client: Arc<C>, store: Arc<DaStore>) -> Self {
        Self { client, store }
    }
}

impl<C> Da<C>
where
    C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
    C::Api: DataAvailabilityApi<Block>,
{
    fn retention(&self) -> Result<u32, RpcError> {
        let best = self.client.info().best_hash;
        self.client
            .runtime_api()
            .retention_blocks(best)
            .map_err(|e| RpcError::Internal(e.to_string()))
    }

    /// The encoded payload `block` names: by block hash first, then by DA root.
    fn resolve(&self, block: &str) -> Result<Arc<EncodedBlock>, RpcError> {
        let id: [u8; 32] = parse_hex_array("block", block)?;
        let internal = |e: crate::da::store::StoreError| RpcError::Internal(e.to_string());
        let root: DaRoot = self.store.root_of(&id).map_err(internal)?.unwrap_or(id);
        if let Some(encoded) = self.store.encoded(&root).map_err(internal)? {
            return Ok(encoded);
        }
        // Not held: say why, if the chain knows the block.
        if let Ok(Some(header)) = self.client.header(id.into()) {
            let (best, retention) = (self.client.info().best_number, self.retention()?);
            if header.number + retention < best {
                return Err(RpcError::OutsideRetention {
                    number: header.number,
                    retention,
                });
            }
        }
        Err(RpcError::UnknownPayload(block.to_owned()))
    }
}

fn open(encoded: &EncodedBlock, index: u32) -> Result<ChunkResponse, RpcError> {
    let proof = encoded.open(index).map_err(|_| RpcError::IndexOutOfRange {
        index,
        count: encoded.commitment().chunk_count,
    })?;
    Ok(ChunkResponse {
        index,
        chunk: to_hex(&proof.chunk),
        path: proof.path.iter().map(|n| to_hex(n)).collect(),
        commitment: to_hex(&encoded.commitment().to_bytes()),
    })
}

impl<C> DaApiServer for Da<C>
where
    C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
    C::Api: DataAvailabilityApi<Block>,
{
    fn params(&self) -> RpcResult<DaParams> {
        Ok(DaParams {
            chunk_size: hegemon_da::CHUNK_SIZE as u32,
            min_original_chunks: hegemon_da::MIN_ORIGINAL_CHUNKS as u32,
            max_original_chunks: hegemon_da::MAX_ORIGINAL_CHUNKS as u32,
            samples: hegemon_da::DEFAULT_SAMPLES as u32,
            retention_blocks: self.retention()?,
            protocol: protocol::PROTOCOL.to_owned(),
            max_chunks_per_call: MAX_CHUNKS_PER_CALL as u32,
        })
    }

    fn chunk(&self, block: String, index: u32) -> RpcResult<ChunkResponse> {
        let encoded = self.resolve(&block)?;
        Ok(open(&encoded, index)?)
    }

    fn chunks(&self, block: String, indices: Vec<u32>) -> RpcResult<Vec<ChunkResponse>> {
        if indices.len() > MAX_CHUNKS_PER_CALL {
            return Err(RpcError::TooMany {
                got: indices.len(),
                max: MAX_CHUNKS_PER_CALL,
            }
            .into());
        }
        let encoded = self.resolve(&block)?;
        Ok(indices
            .into_iter()
            .map(|i| open(&encoded, i))
            .collect::<Result<_, _>>()?)
    }

    fn is_available(&self, block: String) -> RpcResult<bool> {
        match self.resolve(&block) {
            Ok(_) => Ok(true),
            Err(RpcError::UnknownPayload(_) | RpcError::OutsideRetention { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}
