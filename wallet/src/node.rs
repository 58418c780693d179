//! The node's JSON-RPC, as the wallet uses it (`docs/spec/node.md#rpc`). Plain HTTP to a node
//! the user runs or trusts; the wallet verifies what it can (tree positions, commitments that
//! ciphertexts open) and never sends keys.

use std::time::Duration;

use serde::{Deserialize, de::DeserializeOwned};
use serde_json::{Value, json};

use crate::{error::WalletError, state::StoredFrontier};

/// The node's error code for a block past its hot window (`docs/spec/node.md#rpc-errors`).
pub const OUTSIDE_RETENTION: i64 = 4002;

/// The notes one block created, as `hegemon_blockNotes` serves them.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockNotes {
    /// Block number.
    pub number: u32,
    /// Block hash.
    pub hash: String,
    /// Tree position of the first commitment.
    pub first_position: u64,
    /// Commitments (hex).
    pub commitments: Vec<String>,
    /// Ciphertexts (hex), aligned with `commitments`; empty when asked without them.
    pub ciphertexts: Vec<String>,
    /// The block's DA commitment (hex, 53 bytes).
    pub da_commitment: String,
    /// Nullifiers the block revealed (hex).
    #[serde(default)]
    pub nullifiers: Vec<String>,
}

/// A page of `hegemon_blockNotes`.
#[derive(Debug, Clone, Deserialize)]
pub struct NotesPage {
    /// Blocks with notes.
    pub blocks: Vec<BlockNotes>,
    /// The first block not covered.
    pub next: u32,
}

/// A node's RPC endpoint.
pub struct NodeClient {
    url: String,
    agent: ureq::Agent,
}

impl NodeClient {
    /// Talks to `url` (for example `http://127.0.0.1:9944`).
    pub fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(60))
                .build(),
        }
    }

    fn call<T: DeserializeOwned>(
        &self,
        method: &'static str,
        params: Value,
    ) -> Result<T, WalletError> {
        let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let response: Value = self
            .agent
            .post(&self.url)
            .send_json(request)
            .map_err(|e| WalletError::Node(format!("{method}: {e}")))?
            .into_json()
            .map_err(|e| WalletError::Node(format!("{method}: unreadable response: {e}")))?;
        if let Some(error) = response.get("error") {
            return Err(WalletError::Rpc {
                method,
                code: error.get("code").and_then(Value::as_i64).unwrap_or(0),
                message: error
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
            });
        }
        serde_json::from_value(response.get("result").cloned().unwrap_or(Value::Null))
            .map_err(|e| WalletError::Node(format!("{method}: unexpected result: {e}")))
    }

    /// Hash of block `number` on the best chain, if it exists.
    pub fn block_hash(&self, number: u32) -> Result<Option<String>, WalletError> {
        self.call("chain_getBlockHash", json!([number]))
    }

    /// The best block's number.
    pub fn best_number(&self) -> Result<u32, WalletError> {
        let header: Value = self.call("chain_getHeader", json!([]))?;
        header
            .get("number")
            .and_then(Value::as_str)
            .and_then(|n| u32::from_str_radix(n.trim_start_matches("0x"), 16).ok())
            .ok_or_else(|| WalletError::Node("chain_getHeader: no block number".into()))
    }

    /// The tree frontier after block `number`.
    pub fn tree_frontier(&self, number: u32) -> Result<StoredFrontier, WalletError> {
        self.call("hegemon_treeFrontier", json!([number]))
    }

    /// Notes of blocks `from..=to`.
    pub fn block_notes(&self, from: u32, to: u32) -> Result<NotesPage, WalletError> {
        self.call("hegemon_blockNotes", json!([from, to]))
    }

    /// Commitments and DA commitments of blocks `from..=to`, without ciphertexts: served for
    /// blocks of any age.
    pub fn block_commitments(&self, from: u32, to: u32) -> Result<NotesPage, WalletError> {
        self.call("hegemon_blockNotes", json!([from, to, true]))
    }

    /// Chunks `indices` of the block named `block` (hash), with their Merkle paths.
    pub fn da_chunks(
        &self,
        block: &str,
        indices: &[u32],
    ) -> Result<Vec<crate::archive::ServedChunk>, WalletError> {
        self.call("da_getChunks", json!([block, indices]))
    }

    /// The fee of a standard transfer.
    pub fn fee_quote(&self) -> Result<u64, WalletError> {
        self.call("hegemon_feeQuote", json!([]))
    }

    /// The chain binding digest shielded transfers must carry.
    pub fn chain_binding(&self) -> Result<hegemon_crypto::Digest, WalletError> {
        let hex: String = self.call("hegemon_chainBinding", json!([]))?;
        crate::state::parse_digest(&hex)
    }

    /// Submits a proven transfer; returns its pool hash.
    pub fn submit_transfer(
        &self,
        transfer: &crate::send::ProvenTransfer,
    ) -> Result<String, WalletError> {
        let hex = |b: &[u8]| format!("0x{}", hex::encode(b));
        self.call(
            "hegemon_submitTransfer",
            json!([
                hex(&transfer.public_inputs),
                hex(&transfer.proof),
                [hex(&transfer.ciphertexts[0]), hex(&transfer.ciphertexts[1])]
            ]),
        )
    }
}
