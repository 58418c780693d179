//! What the wallet file holds (inside the encryption), and its conversions to the live tree
//! types (`docs/spec/wallet.md#state`).

use hegemon_crypto::Digest;
use hegemon_merkle::{NoteFrontier, NoteWitness, WitnessParts};
use serde::{Deserialize, Serialize};

use crate::error::WalletError;

/// Current state format: 2 added watch-only wallets (`viewing_key`); version-1 files (always
/// with a phrase) still open.
pub const STATE_VERSION: u32 = 2;

/// The wallet's whole state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WalletState {
    /// [`STATE_VERSION`].
    pub version: u32,
    /// The chain's genesis hash (hex): a wallet works with one chain.
    pub genesis: String,
    /// The recovery phrase (the only secret; everything else is derived or public); `None` in a
    /// watch-only wallet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mnemonic: Option<String>,
    /// A watch-only wallet's full viewing key (text encoding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewing_key: Option<String>,
    /// Address indices handed out; sync trial-decrypts for `0..addresses`.
    pub addresses: u32,
    /// First block to scan.
    pub birthday: u32,
    /// The last block scanned, if any.
    pub synced: Option<SyncPoint>,
    /// The note tree's frontier after `synced` (or before `birthday`).
    pub tree: Option<StoredFrontier>,
    /// Notes received, in tree order.
    pub notes: Vec<OwnedNote>,
}

/// A block the wallet has scanned through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncPoint {
    /// Block number.
    pub number: u32,
    /// Block hash (hex), to detect reorganisations.
    pub hash: String,
}

/// A tree frontier.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredFrontier {
    /// Leaves.
    pub size: u64,
    /// The 32 ommers (hex).
    pub ommers: Vec<String>,
}

/// A note this wallet owns.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OwnedNote {
    /// Tree position.
    pub position: u64,
    /// Value.
    pub value: u64,
    /// Asset id.
    pub asset: u32,
    /// Address index it was paid to.
    pub address_index: u32,
    /// The note's randomness (hex).
    pub rseed: String,
    /// Its nullifier (hex).
    pub nullifier: String,
    /// Block it was created in.
    pub block: u32,
    /// Whether its nullifier is on chain.
    pub spent: bool,
    /// Spent by a transfer this wallet submitted that is not yet on chain.
    #[serde(default)]
    pub pending: bool,
    /// Its authentication path's state.
    pub witness: StoredWitness,
}

impl OwnedNote {
    /// Unspent, not in a pending transfer, native.
    pub fn spendable(&self) -> bool {
        !self.spent && !self.pending && self.asset == hegemon_crypto::AssetId::NATIVE.get()
    }
}

/// A witness.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredWitness {
    /// Leaf position.
    pub position: u64,
    /// The leaf (hex).
    pub leaf: String,
    /// Left siblings (hex).
    pub left: Vec<String>,
    /// Completed right siblings (hex).
    pub right: Vec<String>,
    /// The right sibling being filled: level, frontier size, ommers (hex).
    pub cursor: Option<(usize, u64, Vec<String>)>,
    /// Leaves after this one.
    pub appended: u64,
}

/// A digest as hex.
pub fn digest_hex(d: &Digest) -> String {
    format!("0x{}", hex::encode(d.to_bytes()))
}

/// A digest from (`0x`-prefixed) hex.
pub fn parse_digest(text: &str) -> Result<Digest, WalletError> {
    let bytes = hex::decode(text.strip_prefix("0x").unwrap_or(text))
        .map_err(|e| WalletError::Malformed(format!("digest {text}: {e}")))?;
    let array: [u8; 48] = bytes
        .try_into()
        .map_err(|_| WalletError::Malformed(format!("digest {text}: not 48 bytes")))?;
    Digest::from_bytes(&array)
        .ok_or_else(|| WalletError::Malformed(format!("digest {text}: not canonical")))
}

/// Exactly `N` bytes from (`0x`-prefixed) hex.
pub fn parse_bytes<const N: usize>(text: &str) -> Result<[u8; N], WalletError> {
    hex::decode(text.strip_prefix("0x").unwrap_or(text))
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| WalletError::Malformed(format!("{text}: not {N} bytes of hex")))
}

fn digests<const N: usize>(texts: &[String]) -> Result<[Digest; N], WalletError> {
    let parsed: Vec<Digest> = texts
        .iter()
        .map(|t| parse_digest(t))
        .collect::<Result<_, _>>()?;
    parsed
        .try_into()
        .map_err(|_| WalletError::Malformed(format!("expected {N} digests")))
}

impl StoredFrontier {
    /// From a live frontier.
    pub fn from_live(f: &NoteFrontier) -> Self {
        Self {
            size: f.size(),
            ommers: f.ommers().iter().map(digest_hex).collect(),
        }
    }

    /// To a live frontier.
    pub fn to_live(&self) -> Result<NoteFrontier, WalletError> {
        NoteFrontier::from_parts(self.size, digests(&self.ommers)?)
            .map_err(|e| WalletError::Malformed(e.to_string()))
    }
}

impl StoredWitness {
    /// From a live witness.
    pub fn from_live(w: &NoteWitness) -> Self {
        let p = w.to_parts();
        Self {
            position: p.position,
            leaf: digest_hex(&p.leaf),
            left: p.left.iter().map(digest_hex).collect(),
            right: p.right.iter().map(digest_hex).collect(),
            cursor: p
                .cursor
                .map(|(l, size, ommers)| (l, size, ommers.iter().map(digest_hex).collect())),
            appended: p.appended,
        }
    }

    /// To a live witness.
    pub fn to_live(&self) -> Result<NoteWitness, WalletError> {
        let cursor = match &self.cursor {
            Some((l, size, ommers)) => Some((*l, *size, digests(ommers)?)),
            None => None,
        };
        NoteWitness::from_parts(WitnessParts {
            position: self.position,
            leaf: parse_digest(&self.leaf)?,
            left: digests(&self.left)?,
            right: self
                .right
                .iter()
                .map(|t| parse_digest(t))
                .collect::<Result<_, _>>()?,
            cursor,
            appended: self.appended,
        })
        .map_err(|e| WalletError::Malformed(e.to_string()))
    }
}
