//! The node's in-memory side of DA before a block exists: ciphertexts of transfers waiting in
//! the pool, and the payloads of block templates this node is mining on.
//!
//! Both are bounded FIFOs. Ciphertexts of mined transfers stay until evicted, so a transfer a
//! reorg returns to the pool can still be included. Like the transaction pool itself, neither
//! survives a restart: a wallet whose transfer was not yet mined resubmits it. Payloads of mined
//! blocks go to the [`DaStore`](super::store::DaStore) when the block is imported.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
};

use hegemon_da::{DaRoot, EncodedBlock};

/// Transfers whose ciphertexts are held at once.
const MAX_PENDING: usize = 16_384;
/// Block templates whose payloads are held (the miner rebuilds one every few seconds).
const MAX_TEMPLATES: usize = 16;

/// A transfer's two output ciphertexts.
pub type Ciphertexts = [Vec<u8>; 2];

/// A template's payload and its encoding.
#[derive(Clone)]
pub struct TemplatePayload {
    /// The item list.
    pub payload: Arc<Vec<u8>>,
    /// Its chunks and commitment.
    pub encoded: Arc<EncodedBlock>,
}

#[derive(Default)]
struct Inner {
    ciphertexts: HashMap<[u8; 32], Ciphertexts>,
    order: VecDeque<[u8; 32]>,
    templates: VecDeque<TemplatePayload>,
}

/// Shared between the RPC (which adds ciphertexts), the proposer and the import pipeline.
#[derive(Default, Clone)]
pub struct Sidecar {
    inner: Arc<Mutex<Inner>>,
}

impl Sidecar {
    /// Holds the ciphertexts of transfer `hash` until it is mined (or evicted).
    pub fn add_ciphertexts(&self, hash: [u8; 32], ciphertexts: Ciphertexts) {
        let mut inner = self.lock();
        if inner.ciphertexts.insert(hash, ciphertexts).is_none() {
            inner.order.push_back(hash);
        }
        while inner.order.len() > MAX_PENDING {
            if let Some(old) = inner.order.pop_front() {
                inner.ciphertexts.remove(&old);
            }
        }
    }

    /// The ciphertexts of transfer `hash`, if held.
    pub fn ciphertexts(&self, hash: &[u8; 32]) -> Option<Ciphertexts> {
        self.lock().ciphertexts.get(hash).cloned()
    }

    /// Forgets the ciphertexts of transfer `hash` (the pool refused it).
    pub fn remove_ciphertexts(&self, hash: &[u8; 32]) {
        let mut inner = self.lock();
        if inner.ciphertexts.remove(hash).is_some() {
            inner.order.retain(|h| h != hash);
        }
    }

    /// Keeps a template's payload until its block is mined or the template is stale.
    pub fn add_template(&self, template: TemplatePayload) {
        let mut inner = self.lock();
        if inner.templates.len() == MAX_TEMPLATES {
            inner.templates.pop_front();
        }
        inner.templates.push_back(template);
    }

    /// The payload of a template with DA root `root`.
    pub fn template(&self, root: &DaRoot) -> Option<TemplatePayload> {
        let inner = self.lock();
        inner
            .templates
            .iter()
            .find(|t| t.encoded.commitment().root == *root)
            .cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the maps inconsistent in a harmful way.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ciphertexts_are_bounded_and_removable() {
        let sidecar = Sidecar::default();
        for i in 0..MAX_PENDING as u32 + 10 {
            let mut h = [0u8; 32];
            h[..4].copy_from_slice(&i.to_le_bytes());
            sidecar.add_ciphertexts(h, [vec![1], vec![2]]);
        }
        assert!(sidecar.ciphertexts(&[0; 32]).is_none(), "oldest evicted");
        let mut last = [0u8; 32];
        last[..4].copy_from_slice(&(MAX_PENDING as u32 + 9).to_le_bytes());
        assert!(sidecar.ciphertexts(&last).is_some());
        sidecar.remove_ciphertexts(&last);
        assert!(sidecar.ciphertexts(&last).is_none());
        assert_eq!(sidecar.lock().order.len(), MAX_PENDING - 1);
    }
}
