//! Hegemon wallet: keys from a recovery phrase, an encrypted wallet file written atomically,
//! and sync from a node's DA-backed RPC (trial decryption, witnesses, spent tracking).
//!
//! Spec: `docs/spec/wallet.md`.

pub mod archive;
pub mod error;
pub mod node;
pub mod scan;
pub mod send;
pub mod state;
pub mod stress;
pub mod vault;

use std::path::{Path, PathBuf};

use hegemon_crypto::{FullViewingKey, Mnemonic, SpendingKeys, address::Network};
use zeroize::Zeroizing;

pub use error::WalletError;
use node::NodeClient;
use scan::{LiveTree, Scanner};
use state::{STATE_VERSION, StoredFrontier, StoredWitness, SyncPoint, WalletState};
use vault::KdfCost;

/// Blocks asked for per `hegemon_blockNotes` call (the node's limit).
const PAGE_BLOCKS: u32 = 256;

/// An open wallet.
pub struct Wallet {
    path: PathBuf,
    password: Zeroizing<String>,
    cost: KdfCost,
    state: WalletState,
    keys: Keys,
}

/// What a wallet can do: spend (from a phrase), or only watch (from a full viewing key).
enum Keys {
    Spending(Box<SpendingKeys>),
    Watching(Box<FullViewingKey>),
}

impl Keys {
    fn from_state(state: &WalletState) -> Result<Self, WalletError> {
        match (&state.mnemonic, &state.viewing_key) {
            (Some(phrase), None) => {
                let mnemonic =
                    Mnemonic::parse(phrase).map_err(|e| WalletError::BadMnemonic(e.to_string()))?;
                Ok(Self::Spending(Box::new(SpendingKeys::from_mnemonic(
                    &mnemonic, "",
                ))))
            }
            (None, Some(text)) => Ok(Self::Watching(Box::new(parse_viewing_key(text)?))),
            _ => Err(WalletError::Malformed(
                "a wallet holds exactly one of a recovery phrase and a viewing key".into(),
            )),
        }
    }

    fn viewing(&self) -> &FullViewingKey {
        match self {
            Self::Spending(keys) => keys.full_viewing_key(),
            Self::Watching(fvk) => fvk,
        }
    }

    fn spending(&self) -> Result<&SpendingKeys, WalletError> {
        match self {
            Self::Spending(keys) => Ok(keys),
            Self::Watching(_) => Err(WalletError::WatchOnly),
        }
    }
}

fn parse_viewing_key(text: &str) -> Result<FullViewingKey, WalletError> {
    FullViewingKey::decode(Network::Test, text.trim())
        .map_err(|e| WalletError::BadViewingKey(e.to_string()))
}

/// Where a received note stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteStatus {
    /// Spendable.
    Unspent,
    /// Spent by a transfer this wallet submitted, not yet on chain.
    Pending,
    /// Its nullifier is on chain.
    Spent,
}

/// One received note, as `history` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Block it arrived in.
    pub block: u32,
    /// Value.
    pub value: u64,
    /// The address it was paid to.
    pub address_index: u32,
    /// Spent, pending or unspent.
    pub status: NoteStatus,
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// Blocks scanned.
    pub blocks: u32,
    /// Notes (commitments) scanned.
    pub scanned: u64,
    /// Notes found that are ours.
    pub found: usize,
    /// Notes newly seen spent.
    pub spent: usize,
    /// Whether a reorganisation forced a rescan.
    pub rescanned: bool,
}

impl Wallet {
    /// Creates a wallet at `path`: from `phrase` if given (restore), else from fresh entropy.
    /// Returns the wallet and its recovery phrase (show it once).
    pub fn create(
        path: &Path,
        password: &str,
        phrase: Option<&str>,
        cost: KdfCost,
    ) -> Result<(Self, Zeroizing<String>), WalletError> {
        if path.exists() {
            return Err(WalletError::Exists(path.display().to_string()));
        }
        let mnemonic = match phrase {
            Some(p) => Mnemonic::parse(p).map_err(|e| WalletError::BadMnemonic(e.to_string()))?,
            None => {
                let mut entropy = Zeroizing::new([0u8; 32]);
                getrandom::fill(entropy.as_mut())
                    .map_err(|e| WalletError::Io(format!("no OS randomness: {e}")))?;
                Mnemonic::from_entropy(entropy.as_ref())
                    .map_err(|e| WalletError::BadMnemonic(e.to_string()))?
            }
        };
        let words = mnemonic.phrase();
        let wallet = Self::create_with(
            path,
            password,
            cost,
            Keys::Spending(Box::new(SpendingKeys::from_mnemonic(&mnemonic, ""))),
            (Some(words.to_string()), None),
        )?;
        Ok((wallet, words))
    }

    /// Creates a watch-only wallet at `path` from a full viewing key (text): it finds incoming
    /// notes and sees them spent, and cannot spend.
    pub fn watch(
        path: &Path,
        password: &str,
        viewing_key: &str,
        cost: KdfCost,
    ) -> Result<Self, WalletError> {
        if path.exists() {
            return Err(WalletError::Exists(path.display().to_string()));
        }
        let fvk = parse_viewing_key(viewing_key)?;
        let text = fvk.encode(Network::Test).to_string();
        Self::create_with(
            path,
            password,
            cost,
            Keys::Watching(Box::new(fvk)),
            (None, Some(text)),
        )
    }

    fn create_with(
        path: &Path,
        password: &str,
        cost: KdfCost,
        keys: Keys,
        (mnemonic, viewing_key): (Option<String>, Option<String>),
    ) -> Result<Self, WalletError> {
        let wallet = Self {
            path: path.to_owned(),
            password: Zeroizing::new(password.to_owned()),
            cost,
            keys,
            state: WalletState {
                version: STATE_VERSION,
                genesis: String::new(),
                mnemonic,
                viewing_key,
                addresses: 1,
                birthday: 0,
                synced: None,
                tree: None,
                notes: Vec::new(),
            },
        };
        wallet.save()?;
        Ok(wallet)
    }

    /// Whether this wallet only watches (made from a viewing key).
    pub fn is_watch_only(&self) -> bool {
        matches!(self.keys, Keys::Watching(_))
    }

    /// Opens the wallet at `path`.
    pub fn open(path: &Path, password: &str) -> Result<Self, WalletError> {
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => WalletError::Missing(path.display().to_string()),
            _ => WalletError::Io(format!("{}: {e}", path.display())),
        })?;
        let (plaintext, cost) = vault::open(&bytes, password)?;
        let state: WalletState = serde_json::from_slice(&plaintext)
            .map_err(|e| WalletError::Malformed(e.to_string()))?;
        if !(1..=STATE_VERSION).contains(&state.version) {
            return Err(WalletError::UnsupportedVersion(state.version as u16));
        }
        let mut state = state;
        state.version = STATE_VERSION; // version 1 is a subset; the next save writes 2
        Ok(Self {
            path: path.to_owned(),
            password: Zeroizing::new(password.to_owned()),
            cost,
            keys: Keys::from_state(&state)?,
            state,
        })
    }

    /// Writes the state, encrypted, atomically.
    pub fn save(&self) -> Result<(), WalletError> {
        let plaintext = Zeroizing::new(
            serde_json::to_vec(&self.state).map_err(|e| WalletError::Malformed(e.to_string()))?,
        );
        let sealed = vault::seal(&plaintext, &self.password, self.cost)?;
        vault::write_atomic(&self.path, &sealed)
    }

    /// Address `index` (test-network encoding).
    pub fn address(&self, index: u32) -> String {
        self.keys
            .viewing()
            .incoming()
            .address(index)
            .encode(Network::Test)
    }

    /// Hands out a new address (and scans for it from now on).
    pub fn new_address(&mut self) -> Result<String, WalletError> {
        let index = self.state.addresses;
        self.state.addresses += 1;
        self.save()?;
        Ok(self.address(index))
    }

    /// The state (read-only).
    pub fn state(&self) -> &WalletState {
        &self.state
    }

    /// The full viewing key, text-encoded: it sees every incoming and outgoing note but cannot
    /// spend. Share it only with an auditor you trust.
    pub fn export_viewing_key(&self) -> Zeroizing<String> {
        self.keys.viewing().encode(Network::Test)
    }

    /// Every note received, oldest first: block, value, and whether it is spent or pending.
    pub fn history(&self) -> Vec<HistoryEntry> {
        self.state
            .notes
            .iter()
            .map(|n| HistoryEntry {
                block: n.block,
                value: n.value,
                address_index: n.address_index,
                status: if n.spent {
                    NoteStatus::Spent
                } else if n.pending {
                    NoteStatus::Pending
                } else {
                    NoteStatus::Unspent
                },
            })
            .collect()
    }

    /// Unspent native balance.
    pub fn balance(&self) -> u64 {
        self.state
            .notes
            .iter()
            .filter(|n| n.spendable())
            .map(|n| n.value)
            .sum()
    }

    /// Scans new blocks from `node`, saving after every page so an interrupted sync resumes.
    /// `progress(scanned_to, best)` is called after each page. Blocks past the node's hot
    /// window fail with [`WalletError::PastHotWindow`]: see [`Wallet::recover`].
    pub fn sync(
        &mut self,
        node: &NodeClient,
        progress: impl FnMut(u32, u32),
    ) -> Result<SyncReport, WalletError> {
        self.scan(node, None, progress)
    }

    /// [`Wallet::sync`], fetching the ciphertexts of blocks past the node's hot window from
    /// `archive` (a provider's `da_getChunks` endpoint), each chunk verified against the DA
    /// commitment `node` reports from the chain.
    pub fn recover(
        &mut self,
        node: &NodeClient,
        archive: &NodeClient,
        progress: impl FnMut(u32, u32),
    ) -> Result<SyncReport, WalletError> {
        self.scan(node, Some(archive), progress)
    }

    fn scan(
        &mut self,
        node: &NodeClient,
        archive: Option<&NodeClient>,
        mut progress: impl FnMut(u32, u32),
    ) -> Result<SyncReport, WalletError> {
        let genesis = node
            .block_hash(0)?
            .ok_or_else(|| WalletError::Node("the node has no genesis block".into()))?;
        if self.state.genesis.is_empty() {
            self.state.genesis = genesis;
        } else if self.state.genesis != genesis {
            return Err(WalletError::WrongChain {
                wallet: self.state.genesis.clone(),
                node: genesis,
            });
        }
        let mut report = SyncReport {
            blocks: 0,
            scanned: 0,
            found: 0,
            spent: 0,
            rescanned: false,
        };
        // A reorganisation under the last scanned block: rescan from the birthday.
        if let Some(point) = &self.state.synced
            && node.block_hash(point.number)?.as_deref() != Some(point.hash.as_str())
        {
            self.state.synced = None;
            self.state.tree = None;
            self.state.notes.clear();
            report.rescanned = true;
        }
        let start = self
            .state
            .synced
            .as_ref()
            .map_or(self.state.birthday.max(1), |p| p.number + 1);
        if self.state.tree.is_none() {
            self.state.tree = Some(node.tree_frontier(start - 1)?);
        }
        let scanner = Scanner::new(self.keys.viewing(), self.state.addresses);
        let best = node.best_number()?;
        let mut next = start;
        while next <= best {
            let to = best.min(next + PAGE_BLOCKS - 1);
            let page = notes_page(node, archive, next, to)?;
            let mut tree = self.live_tree()?;
            for block in &page.blocks {
                report.scanned += block.commitments.len() as u64;
                report.found += scanner.apply(&mut tree, block)?;
                report.spent += Scanner::mark_spent(&mut tree, block);
            }
            let last = page.next.saturating_sub(1).max(next);
            let hash = node
                .block_hash(last)?
                .ok_or_else(|| WalletError::Inconsistent(format!("block #{last} vanished")))?;
            self.store_tree(&tree, SyncPoint { number: last, hash });
            self.save()?;
            report.blocks += last + 1 - next;
            next = last + 1;
            progress(last, best);
        }
        self.save()?;
        Ok(report)
    }

    /// Pays `amount` to `to`: syncs, selects two notes, proves locally, submits. The notes are
    /// marked pending until a sync sees their nullifiers on chain. Returns the pool hash.
    pub fn send(
        &mut self,
        node: &NodeClient,
        to: &str,
        amount: u64,
        mut progress: impl FnMut(&str),
    ) -> Result<String, WalletError> {
        self.keys.spending()?; // a watch-only wallet fails before any work
        let to = hegemon_crypto::Address::decode(Network::Test, to)
            .map_err(|e| WalletError::BadAddress(e.to_string()))?;
        progress("syncing");
        self.sync(node, |_, _| {})?;
        let fee = node.fee_quote()?;
        let [a, b] = send::select(&self.state.notes, amount.saturating_add(fee))?;
        let tree = self.live_tree()?.frontier;
        let keys = self.keys.spending()?;
        let change_to = keys.full_viewing_key().incoming().address(0);
        progress("proving");
        let proven = send::prove_transfer(
            keys,
            &send::TransferPlan {
                spends: [
                    send::Spend::Note(&self.state.notes[a]),
                    send::Spend::Note(&self.state.notes[b]),
                ],
                tree: &tree,
                to: &to,
                amount,
                fee,
                change_to: &change_to,
                chain_binding: node.chain_binding()?,
            },
        )?;
        progress("submitting");
        let hash = node.submit_transfer(&proven)?;
        for i in [a, b] {
            self.state.notes[i].pending = true;
        }
        self.save()?;
        Ok(hash)
    }

    fn live_tree(&self) -> Result<LiveTree, WalletError> {
        let frontier = self
            .state
            .tree
            .as_ref()
            .ok_or_else(|| WalletError::Malformed("no tree state".into()))?
            .to_live()?;
        let notes = self
            .state
            .notes
            .iter()
            .map(|n| Ok((n.clone(), n.witness.to_live()?)))
            .collect::<Result<_, WalletError>>()?;
        Ok(LiveTree { frontier, notes })
    }

    fn store_tree(&mut self, tree: &LiveTree, point: SyncPoint) {
        self.state.tree = Some(StoredFrontier::from_live(&tree.frontier));
        self.state.notes = tree
            .notes
            .iter()
            .map(|(n, w)| {
                let mut n = n.clone();
                n.witness = StoredWitness::from_live(w);
                n
            })
            .collect();
        self.state.synced = Some(point);
    }
}

/// Blocks `from..=to`'s notes from `node`; if some are past its hot window, their ciphertexts
/// from `archive` (or, for blocks still hot, from `node`'s own chunks).
fn notes_page(
    node: &NodeClient,
    archive: Option<&NodeClient>,
    from: u32,
    to: u32,
) -> Result<node::NotesPage, WalletError> {
    match node.block_notes(from, to) {
        Err(WalletError::Rpc { code, .. }) if code == node::OUTSIDE_RETENTION => {
            let archive = archive.ok_or(WalletError::PastHotWindow(from))?;
            let mut page = node.block_commitments(from, to)?;
            for block in &mut page.blocks {
                let fetch =
                    |source| archive::fetch_ciphertexts(source, &block.hash, &block.da_commitment);
                block.ciphertexts = fetch(archive).or_else(|e| fetch(node).map_err(|_| e))?;
            }
            Ok(page)
        }
        page => page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(json: &str) -> WalletState {
        serde_json::from_str(json).expect("parses")
    }

    const PHRASE: &str = "abandon abandon abandon abandon abandon abandon abandon abandon \
                          abandon abandon abandon abandon abandon abandon abandon abandon abandon \
                          abandon abandon abandon abandon abandon abandon art";

    #[test]
    fn version_1_states_open_and_a_wallet_holds_exactly_one_secret() {
        let fields =
            r#""genesis":"","addresses":1,"birthday":0,"synced":null,"tree":null,"notes":[]"#;
        let v1 = state(&format!(
            r#"{{"version":1,"mnemonic":"{PHRASE}",{fields}}}"#
        ));
        let spending = Keys::from_state(&v1).expect("a version-1 wallet opens");
        assert!(spending.spending().is_ok());

        let fvk = spending.viewing().encode(Network::Test).to_string();
        let watch = state(&format!(
            r#"{{"version":2,"viewing_key":"{fvk}",{fields}}}"#
        ));
        let watching = Keys::from_state(&watch).expect("watch-only");
        assert!(matches!(watching.spending(), Err(WalletError::WatchOnly)));
        assert_eq!(
            watching.viewing().incoming().address(3),
            spending.viewing().incoming().address(3)
        );

        let neither = state(&format!(r#"{{"version":2,{fields}}}"#));
        let both = state(&format!(
            r#"{{"version":2,"mnemonic":"{PHRASE}","viewing_key":"{fvk}",{fields}}}"#
        ));
        for bad in [neither, both] {
            assert!(matches!(
                Keys::from_state(&bad),
                Err(WalletError::Malformed(_))
            ));
        }
    }
}
