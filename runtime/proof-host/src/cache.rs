//! The host's verification cache: successes only, bounded, keyed by a hash of inputs and proof.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use transaction_circuit::{TransactionProof, TransactionPublicInputs, verify};

/// Entries kept (about 3 blocks of 1,024 transfers); the oldest are evicted first.
const CAPACITY: usize = 4096;

#[derive(Default)]
struct Cache {
    set: HashSet<[u8; 32]>,
    order: VecDeque<[u8; 32]>,
}

fn cache() -> &'static Mutex<Cache> {
    static CACHE: std::sync::OnceLock<Mutex<Cache>> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(Cache::default()))
}

fn key(public_inputs: &[u8], proof: &[u8]) -> [u8; 32] {
    let mut h = blake3::Hasher::new_derive_key("Hegemon 2026 proof cache key v1");
    h.update(&(public_inputs.len() as u64).to_le_bytes());
    h.update(public_inputs);
    h.update(proof);
    *h.finalize().as_bytes()
}

fn verify_uncached(public_inputs: &[u8], proof: &[u8]) -> bool {
    let Ok(public) = TransactionPublicInputs::from_bytes(public_inputs) else {
        return false;
    };
    let Ok(proof) = TransactionProof::from_bytes(proof) else {
        return false;
    };
    verify(&public, &proof).is_ok()
}

/// Verifies, consulting and filling the cache.
pub(crate) fn verify_cached(public_inputs: &[u8], proof: &[u8]) -> bool {
    let key = key(public_inputs, proof);
    if cache()
        .lock()
        .map(|c| c.set.contains(&key))
        .unwrap_or(false)
    {
        return true;
    }
    let ok = verify_uncached(public_inputs, proof);
    if ok && let Ok(mut c) = cache().lock() {
        if c.set.insert(key) {
            c.order.push_back(key);
        }
        while c.order.len() > CAPACITY {
            if let Some(old) = c.order.pop_front() {
                c.set.remove(&old);
            }
        }
    }
    ok
}
