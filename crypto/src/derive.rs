//! Out-of-circuit key and randomness derivation with BLAKE3.
//!
//! BLAKE3's `derive_key` mode with a fixed, versioned context string per purpose
//! ([spec § Key hierarchy][keys]). Field elements are sampled from the XOF by rejection, so they
//! are exactly uniform in `[0, p)`.
//!
//! [keys]: ../../docs/spec/keys-and-notes.md#key-hierarchy

use p3_field::{PrimeCharacteristicRing, PrimeField32, integers::QuotientMap};

use crate::poseidon2::{DIGEST_ELEMS, Felt};

/// BLAKE3 `derive_key` contexts. Changing one changes every key derived from a seed.
pub mod context {
    /// Mnemonic seed → wallet master key.
    pub const MASTER: &str = "Hegemon 2026 wallet master key v1";
    /// Master key → `sk_spend` (field elements).
    pub const SPEND_KEY: &str = "Hegemon 2026 spend key v1";
    /// Master key → the root secret of all address ML-KEM keys (part of the viewing keys).
    pub const KEM_ROOT: &str = "Hegemon 2026 address KEM root v1";
    /// KEM root + address index → one address's ML-KEM-1024 key generation seed.
    pub const ADDRESS_KEM_SEED: &str = "Hegemon 2026 address KEM seed v1";
    /// Master key + account index → an ML-DSA-65 transparent-account key seed.
    pub const TRANSPARENT_KEY: &str = "Hegemon 2026 transparent account key v1";
    /// Note `rseed` → `rho`.
    pub const NOTE_RHO: &str = "Hegemon 2026 note rho v1";
    /// Note `rseed` → commitment randomness `r`.
    pub const NOTE_RCM: &str = "Hegemon 2026 note rcm v1";
    /// ML-KEM shared secret → note AEAD key.
    pub const NOTE_AEAD_KEY: &str = "Hegemon 2026 note AEAD key v1";
    /// Text-encoding checksum.
    pub const TEXT_CHECKSUM: &str = "Hegemon 2026 text checksum v1";
}

/// `BLAKE3-derive_key(context, parts...)` into `N` bytes.
pub fn derive_bytes<const N: usize>(context: &str, parts: &[&[u8]]) -> [u8; N] {
    let mut hasher = blake3::Hasher::new_derive_key(context);
    for part in parts {
        hasher.update(part);
    }
    let mut out = [0u8; N];
    hasher.finalize_xof().fill(&mut out);
    out
}

/// Twelve uniform field elements from `BLAKE3-derive_key(context, parts...)`'s XOF: each 32-bit
/// word is masked to 31 bits and kept only if `< p` (acceptance ≈ 99.2 %).
pub fn derive_elements(context: &str, parts: &[&[u8]]) -> [Felt; DIGEST_ELEMS] {
    let mut hasher = blake3::Hasher::new_derive_key(context);
    for part in parts {
        hasher.update(part);
    }
    let mut xof = hasher.finalize_xof();
    let mut out = [Felt::ZERO; DIGEST_ELEMS];
    let mut filled = 0;
    while filled < DIGEST_ELEMS {
        let mut word = [0u8; 4];
        xof.fill(&mut word);
        let candidate = u32::from_le_bytes(word) & 0x7fff_ffff;
        if candidate < Felt::ORDER_U32 {
            out[filled] = Felt::from_canonical_checked(candidate).unwrap_or(Felt::ZERO);
            filled += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivations_are_deterministic_and_separated() {
        let a: [u8; 32] = derive_bytes(context::MASTER, &[b"seed"]);
        assert_eq!(a, derive_bytes::<32>(context::MASTER, &[b"seed"]));
        assert_ne!(a, derive_bytes::<32>(context::KEM_ROOT, &[b"seed"]));
        let e = derive_elements(context::SPEND_KEY, &[b"seed"]);
        assert_eq!(e, derive_elements(context::SPEND_KEY, &[b"seed"]));
        assert_ne!(e, derive_elements(context::NOTE_RHO, &[b"seed"]));
    }
}
