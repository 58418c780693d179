//! The protocol's hash functions, exactly as the transaction circuit computes them.
//!
//! Each function is one Poseidon2 sponge call under its own domain tag ([`domain`]), over inputs
//! laid out as [Hegemon spec § Hash functions][hashes] fixes them. Integers enter the field as
//! 16-bit little-endian limbs, because the field (`p < 2^31`) cannot hold a `u32` or `u64` and
//! 16-bit limbs are what the circuit range-checks.
//!
//! [hashes]: ../../docs/spec/keys-and-notes.md#hash-functions

use alloc::vec::Vec;

use p3_field::PrimeCharacteristicRing;

use crate::poseidon2::{DIGEST_ELEMS, Digest, Felt, compress, hash_elements};

/// Domain tags: the value in the sponge's first capacity lane, one per protocol function.
///
/// Listed in [spec § Domain tags][tags]; a new function takes a new number, never a reused one.
///
/// [tags]: ../../docs/spec/keys-and-notes.md#domain-tags
pub mod domain {
    /// Note commitment `cm`.
    pub const NOTE_COMMITMENT: u32 = 1;
    /// Nullifier `nf = PRF_nk(position, rho)`.
    pub const NULLIFIER: u32 = 2;
    /// Authorizing key `ak = H(sk_spend)`.
    pub const AUTH_KEY: u32 = 3;
    /// Per-address spend-authority key `pk_auth = H(ak, index)`.
    pub const PK_AUTH: u32 = 4;
    /// Nullifier key `nk = H(sk_spend)`.
    pub const NULLIFIER_KEY: u32 = 5;
    /// Digest of an address's ML-KEM-1024 encapsulation key.
    pub const PK_ENC: u32 = 6;
    /// Hash of one output's note ciphertext.
    pub const CIPHERTEXT: u32 = 7;
    /// Chain identifier bound into every transaction.
    pub const CHAIN_ID: u32 = 8;
    /// The empty leaf of the note commitment tree.
    pub const EMPTY_LEAF: u32 = 9;
    /// A circuit's identity, absorbed into its proof transcript before anything else.
    pub const CIRCUIT_ID: u32 = 10;
    /// The public values of one aggregated proof (a leaf of an aggregation tree).
    pub const AGGREGATED_PUBLIC_VALUES: u32 = 11;
    /// A node of an aggregation tree over its two children's digests.
    pub const AGGREGATION_NODE: u32 = 12;
}

/// Splits a `u64` into four 16-bit limbs, least significant first.
pub fn u64_limbs(value: u64) -> [Felt; 4] {
    core::array::from_fn(|i| Felt::from_u16((value >> (16 * i)) as u16))
}

/// Splits a `u32` into two 16-bit limbs, least significant first.
pub fn u32_limbs(value: u32) -> [Felt; 2] {
    [
        Felt::from_u16(value as u16),
        Felt::from_u16((value >> 16) as u16),
    ]
}

/// Packs bytes into field elements for hashing: the byte length as a `u32` in two 16-bit limbs,
/// then 3 bytes (24 bits, always `< p`) per element, little-endian, the last element holding the
/// remaining 1-2 bytes. The length prefix makes the packing injective. Inputs are protocol
/// objects of a few kilobytes; a length beyond `u32::MAX` saturates (never reached).
pub fn bytes_to_elements(bytes: &[u8]) -> Vec<Felt> {
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(2 + bytes.len().div_ceil(3));
    out.extend_from_slice(&u32_limbs(len));
    out.extend(bytes.chunks(3).map(|c| {
        let mut word = [0u8; 4];
        word[..c.len()].copy_from_slice(c);
        Felt::from_u32(u32::from_le_bytes(word))
    }));
    out
}

/// `ak = H_AUTH_KEY(sk_spend)`: the key a viewing wallet holds to recognise its notes.
pub fn derive_auth_key(sk_spend: &[Felt; DIGEST_ELEMS]) -> Digest {
    hash_elements(domain::AUTH_KEY, sk_spend)
}

/// `nk = H_NULLIFIER_KEY(sk_spend)`: derived from the spend key, so only a holder of `sk_spend`
/// (or of the full viewing key) can compute nullifiers.
pub fn derive_nullifier_key(sk_spend: &[Felt; DIGEST_ELEMS]) -> Digest {
    hash_elements(domain::NULLIFIER_KEY, sk_spend)
}

/// `pk_auth = H_PK_AUTH(ak ‖ index)`: one per diversified address, unlinkable without `ak`.
pub fn derive_pk_auth(ak: &Digest, address_index: u32) -> Digest {
    let mut input = [Felt::ZERO; DIGEST_ELEMS + 2];
    input[..DIGEST_ELEMS].copy_from_slice(ak.elements());
    input[DIGEST_ELEMS..].copy_from_slice(&u32_limbs(address_index));
    hash_elements(domain::PK_AUTH, &input)
}

/// Number of field elements a note commitment absorbs.
pub const NOTE_COMMITMENT_INPUT_LEN: usize = 4 * DIGEST_ELEMS + 4 + 2;

/// The note commitment over `pk_auth ‖ pk_enc_digest ‖ rho ‖ r ‖ value ‖ asset_id`.
///
/// `pk_auth` inside the commitment is what binds spend authority: opening a commitment is not
/// enough to spend it, the spender must also know the `sk_spend` behind `pk_auth`. The order puts
/// each 12-element block where the circuit produces it (`pk_auth` is the previous hash's output).
pub fn note_commitment(
    value: u64,
    asset_id: u32,
    pk_enc_digest: &Digest,
    pk_auth: &Digest,
    rho: &Digest,
    r: &Digest,
) -> Digest {
    let mut input = Vec::with_capacity(NOTE_COMMITMENT_INPUT_LEN);
    input.extend_from_slice(pk_auth.elements()); // recipient spend authority
    input.extend_from_slice(pk_enc_digest.elements()); // recipient encryption key digest
    input.extend_from_slice(rho.elements()); // uniqueness seed
    input.extend_from_slice(r.elements()); // hiding randomness
    input.extend_from_slice(&u64_limbs(value)); // value: 4 × 16-bit limbs
    input.extend_from_slice(&u32_limbs(asset_id)); // asset id: 2 × 16-bit limbs
    hash_elements(domain::NOTE_COMMITMENT, &input)
}

/// The nullifier `PRF_nk(rho, position)` over `nk ‖ rho ‖ position`.
///
/// The leaf position makes two notes with equal `rho` (a sender's choice) spend to different
/// nullifiers, so no sender can make a recipient's notes unspendable.
pub fn nullifier(nk: &Digest, position: u32, rho: &Digest) -> Digest {
    let mut input = [Felt::ZERO; NULLIFIER_INPUT_LEN];
    input[..DIGEST_ELEMS].copy_from_slice(nk.elements()); // nullifier key
    input[DIGEST_ELEMS..2 * DIGEST_ELEMS].copy_from_slice(rho.elements()); // note's rho
    input[2 * DIGEST_ELEMS..].copy_from_slice(&u32_limbs(position)); // leaf index
    hash_elements(domain::NULLIFIER, &input)
}

/// Number of field elements a nullifier absorbs.
pub const NULLIFIER_INPUT_LEN: usize = 2 * DIGEST_ELEMS + 2;

/// A node of the note commitment tree at `level` (0 = parents of leaves).
pub fn merkle_node(level: u32, left: &Digest, right: &Digest) -> Digest {
    compress(level, left, right)
}

/// The value of an unused leaf of the note commitment tree.
pub fn empty_leaf() -> Digest {
    hash_elements(domain::EMPTY_LEAF, &[])
}

/// Digest of an ML-KEM-1024 encapsulation key, as committed in notes.
pub fn pk_enc_digest(encapsulation_key: &[u8]) -> Digest {
    hash_elements(domain::PK_ENC, &bytes_to_elements(encapsulation_key))
}

/// Hash of one output's full note ciphertext; a public input of the transaction proof.
pub fn ciphertext_hash(ciphertext: &[u8]) -> Digest {
    hash_elements(domain::CIPHERTEXT, &bytes_to_elements(ciphertext))
}

/// Digest of a chain identifier (e.g. the genesis hash), bound into every transaction so a
/// proof for one chain is void on any other.
pub fn chain_binding(chain_id: &[u8]) -> Digest {
    hash_elements(domain::CHAIN_ID, &bytes_to_elements(chain_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use p3_field::PrimeField32;

    #[test]
    fn limbs_recompose() {
        let v = 0x0123_4567_89ab_cdefu64;
        let limbs = u64_limbs(v);
        let back = limbs
            .iter()
            .enumerate()
            .map(|(i, l)| u64::from(l.as_canonical_u32()) << (16 * i))
            .sum::<u64>();
        assert_eq!(back, v);
        assert_eq!(
            u32_limbs(u32::MAX).map(|l| l.as_canonical_u32()),
            [0xffff, 0xffff]
        );
    }

    #[test]
    fn byte_packing_is_injective_on_trailing_zeros() {
        assert_ne!(bytes_to_elements(&[1]), bytes_to_elements(&[1, 0]));
        assert_ne!(ciphertext_hash(&[]), ciphertext_hash(&[0]));
        assert_eq!(bytes_to_elements(&[1, 2, 3, 4]).len(), 2 + 2);
    }

    #[test]
    fn functions_are_domain_separated() {
        let sk = [Felt::from_u32(5); DIGEST_ELEMS];
        assert_ne!(derive_auth_key(&sk), derive_nullifier_key(&sk));
        assert_ne!(pk_enc_digest(b"x"), ciphertext_hash(b"x"));
        assert_ne!(ciphertext_hash(b"x"), chain_binding(b"x"));
    }

    #[test]
    fn nullifier_depends_on_position_key_and_rho() {
        let nk = Digest::from_elements([Felt::ONE; DIGEST_ELEMS]);
        let rho = Digest::from_elements([Felt::TWO; DIGEST_ELEMS]);
        let nf = nullifier(&nk, 7, &rho);
        assert_ne!(nf, nullifier(&nk, 8, &rho));
        assert_ne!(nf, nullifier(&rho, 7, &rho));
        assert_ne!(nf, nullifier(&nk, 7, &nk));
    }
}
