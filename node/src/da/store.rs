//! The DA sidecar store: the payload of every block this node holds, on disk, by DA root.
//!
//! A ParityDb database of its own under `<chain dir>/da`, apart from the client database, so the
//! chain database keeps Substrate's layout. Columns:
//!
//! | column | key | value |
//! |---|---|---|
//! | `PAYLOADS` | DA root | commitment (53 bytes) ‖ payload |
//! | `BLOCKS` | block hash | DA root |
//! | `BY_NUMBER` (B-tree) | block number (u32 BE) ‖ block hash | DA root |
//!
//! A block's three writes go in one ParityDb commit, so a kill at any point leaves either all or
//! none of them. Only the payload is stored (half the bytes of all `2k` chunks); chunks and
//! proofs are served from a re-encoding, and the latest few re-encodings are kept in memory.

use std::{
    collections::VecDeque,
    path::Path,
    sync::{Arc, Mutex},
};

use hegemon_da::{DaCommitment, DaError, DaRoot, EncodedBlock, commitment::COMMITMENT_BYTES};

const PAYLOADS: u8 = 0;
const BLOCKS: u8 = 1;
const BY_NUMBER: u8 = 2;
const COLUMNS: u8 = 3;
/// Re-encoded blocks kept in memory for serving chunks.
const ENCODED_CACHE: usize = 8;

/// Why the store failed. The node logs these; RPC maps them to its own typed errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed (I/O, corruption detected by ParityDb).
    #[error("DA store database error: {0}")]
    Db(#[from] parity_db::Error),
    /// A stored payload no longer encodes to its recorded root: the disk is corrupt.
    #[error("stored DA payload for root {} is corrupt: {}", hex(.0), .1)]
    Corrupt(DaRoot, DaError),
}

/// The on-disk sidecar store.
pub struct DaStore {
    db: parity_db::Db,
    encoded: Mutex<VecDeque<Arc<EncodedBlock>>>,
}

impl DaStore {
    /// Opens (or creates) the store in `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut options = parity_db::Options::with_columns(path, COLUMNS);
        options.columns[BY_NUMBER as usize].btree_index = true;
        Ok(Self {
            db: parity_db::Db::open_or_create(&options)?,
            encoded: Mutex::new(VecDeque::with_capacity(ENCODED_CACHE)),
        })
    }

    /// Records that block `hash` (at `number`) carries `block`'s payload. `payload` must be
    /// the bytes `block` encodes; callers get both from [`hegemon_da::encode`] or from
    /// reconstruction.
    pub fn insert(
        &self,
        number: u32,
        hash: [u8; 32],
        payload: &[u8],
        block: Arc<EncodedBlock>,
    ) -> Result<(), StoreError> {
        let root = block.commitment().root;
        let mut value = Vec::with_capacity(COMMITMENT_BYTES + payload.len());
        value.extend_from_slice(&block.commitment().to_bytes());
        value.extend_from_slice(payload);
        self.db.commit([
            (PAYLOADS, root.to_vec(), Some(value)),
            (BLOCKS, hash.to_vec(), Some(root.to_vec())),
            (BY_NUMBER, number_key(number, &hash), Some(root.to_vec())),
        ])?;
        self.remember(block);
        Ok(())
    }

    /// The DA root of block `hash`, if the block carries a payload this node holds.
    pub fn root_of(&self, hash: &[u8; 32]) -> Result<Option<DaRoot>, StoreError> {
        Ok(self.db.get(BLOCKS, hash)?.and_then(|v| v.try_into().ok()))
    }

    /// The commitment and payload bytes for `root`.
    pub fn payload(&self, root: &DaRoot) -> Result<Option<(DaCommitment, Vec<u8>)>, StoreError> {
        let Some(mut value) = self.db.get(PAYLOADS, root)? else {
            return Ok(None);
        };
        if value.len() < COMMITMENT_BYTES {
            return Err(StoreError::Corrupt(
                *root,
                DaError::Malformed {
                    what: "stored payload",
                },
            ));
        }
        let commitment = DaCommitment::from_bytes(&value[..COMMITMENT_BYTES])
            .map_err(|e| StoreError::Corrupt(*root, e))?;
        value.drain(..COMMITMENT_BYTES);
        Ok(Some((commitment, value)))
    }

    /// The encoded block (chunks and tree) for `root`, re-encoding the stored payload on a cache
    /// miss and checking that it still commits to `root`.
    pub fn encoded(&self, root: &DaRoot) -> Result<Option<Arc<EncodedBlock>>, StoreError> {
        if let Some(block) = self.cached(root) {
            return Ok(Some(block));
        }
        let Some((commitment, payload)) = self.payload(root)? else {
            return Ok(None);
        };
        let block = hegemon_da::encode(&payload).map_err(|e| StoreError::Corrupt(*root, e))?;
        if *block.commitment() != commitment || commitment.root != *root {
            return Err(StoreError::Corrupt(*root, DaError::InconsistentEncoding));
        }
        let block = Arc::new(block);
        self.remember(block.clone());
        Ok(Some(block))
    }

    /// Whether the store holds the payload committed to by `root`.
    pub fn holds(&self, root: &DaRoot) -> Result<bool, StoreError> {
        Ok(self.db.get_size(PAYLOADS, root)?.is_some())
    }

    /// Deletes every block below `number` and its payload, except blocks `keep` names (an
    /// archive provider's contracted ranges); returns how many blocks went.
    pub fn prune_below(
        &self,
        number: u32,
        keep: impl Fn(u32) -> bool,
    ) -> Result<usize, StoreError> {
        let mut doomed = Vec::new();
        let mut iter = self.db.iter(BY_NUMBER)?;
        iter.seek_to_first()?;
        while let Some((key, root)) = iter.next()? {
            let Some(block) = key.first_chunk::<4>().map(|n| u32::from_be_bytes(*n)) else {
                break;
            };
            if key.len() != 36 || block >= number {
                break;
            }
            if !keep(block) {
                doomed.push((key, root));
            }
        }
        drop(iter);
        if doomed.is_empty() {
            return Ok(0);
        }
        let count = doomed.len();
        let mut tx = Vec::with_capacity(3 * count);
        for (key, root) in doomed {
            tx.push((BLOCKS, key[4..].to_vec(), None));
            tx.push((PAYLOADS, root.clone(), None));
            tx.push((BY_NUMBER, key, None));
            self.forget(&root);
        }
        self.db.commit(tx)?;
        Ok(count)
    }

    fn cached(&self, root: &DaRoot) -> Option<Arc<EncodedBlock>> {
        let cache = self.encoded.lock().ok()?;
        cache.iter().find(|b| b.commitment().root == *root).cloned()
    }

    fn remember(&self, block: Arc<EncodedBlock>) {
        if let Ok(mut cache) = self.encoded.lock() {
            let root = block.commitment().root;
            cache.retain(|b| b.commitment().root != root);
            if cache.len() == ENCODED_CACHE {
                cache.pop_back();
            }
            cache.push_front(block);
        }
    }

    fn forget(&self, root: &[u8]) {
        if let Ok(mut cache) = self.encoded.lock() {
            cache.retain(|b| b.commitment().root[..] != *root);
        }
    }
}

fn number_key(number: u32, hash: &[u8; 32]) -> Vec<u8> {
    let mut key = number.to_be_bytes().to_vec();
    key.extend_from_slice(hash);
    key
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(payload: &[u8]) -> Arc<EncodedBlock> {
        Arc::new(hegemon_da::encode(payload).expect("encodes"))
    }

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("hegemon-da-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn payloads_survive_reopening_and_serve_verifiable_chunks() {
        let dir = temp_dir("reopen");
        let payload = vec![7u8; 10_000];
        let encoded = block(&payload);
        let root = encoded.commitment().root;
        {
            let store = DaStore::open(&dir).unwrap();
            store.insert(5, [1; 32], &payload, encoded.clone()).unwrap();
        }
        let store = DaStore::open(&dir).unwrap();
        assert_eq!(store.root_of(&[1; 32]).unwrap(), Some(root));
        assert!(store.payload(&root).unwrap().is_some());
        let served = store.encoded(&root).unwrap().expect("held");
        let proof = served.open(40).unwrap();
        hegemon_da::verify_chunk(encoded.commitment(), &proof).expect("verifies");
        assert_eq!(store.payload(&root).unwrap().unwrap().1, payload);
        drop(store); // ParityDb flushes in the background until closed
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn pruning_removes_exactly_the_blocks_below_the_bound_not_kept() {
        let dir = temp_dir("prune");
        let store = DaStore::open(&dir).unwrap();
        let roots: Vec<_> = (0u32..4)
            .map(|n| {
                let payload = vec![n as u8 + 1; 100];
                let b = block(&payload);
                let root = b.commitment().root;
                store.insert(n * 10, [n as u8; 32], &payload, b).unwrap();
                root
            })
            .collect();
        assert_eq!(
            store.prune_below(20, |n| n == 0).unwrap(),
            1,
            "block 0 is kept"
        );
        assert_eq!(store.prune_below(20, |_| false).unwrap(), 1);
        assert_eq!(store.prune_below(20, |_| false).unwrap(), 0);
        for (n, root) in roots.iter().enumerate() {
            let kept = n >= 2;
            assert_eq!(store.holds(root).unwrap(), kept, "block {n}");
            assert_eq!(store.payload(root).unwrap().is_some(), kept, "block {n}");
            assert_eq!(store.root_of(&[n as u8; 32]).unwrap().is_some(), kept);
        }
        drop(store); // ParityDb flushes in the background until closed
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn unknown_roots_and_blocks_are_absent_not_errors() {
        let dir = temp_dir("absent");
        let store = DaStore::open(&dir).unwrap();
        assert!(store.encoded(&[9; 32]).unwrap().is_none());
        assert!(store.root_of(&[9; 32]).unwrap().is_none());
        drop(store); // ParityDb flushes in the background until closed
        let _ = std::fs::remove_dir_all(&dir);
    }
}
