//! ML-KEM-1024 (FIPS 203) keys and encapsulation, wrapping the formally verified `libcrux-ml-kem`.
//!
//! Keys are generated deterministically from a 64-byte seed `(d ‖ z)` so a wallet restored from
//! its mnemonic gets the same addresses byte for byte. Native builds select the AVX2 code path
//! at run time; all paths produce identical bytes.

use alloc::boxed::Box;
use core::fmt;

use libcrux_ml_kem::mlkem1024;
use zeroize::{Zeroize, Zeroizing};

/// Bytes of an ML-KEM-1024 encapsulation (public) key.
pub const ENCAPSULATION_KEY_BYTES: usize = 1568;
/// Bytes of an ML-KEM-1024 decapsulation (secret) key in FIPS 203 encoding.
pub const DECAPSULATION_KEY_BYTES: usize = 3168;
/// Bytes of an ML-KEM-1024 ciphertext.
pub const KEM_CIPHERTEXT_BYTES: usize = 1568;
/// Bytes of the key-generation seed `d ‖ z`.
pub const KEYGEN_SEED_BYTES: usize = 64;
/// Bytes of the encapsulation randomness `m`.
pub const ENCAPS_RANDOMNESS_BYTES: usize = 32;
/// Bytes of the shared secret.
pub const SHARED_SECRET_BYTES: usize = 32;

/// Why bytes are not an ML-KEM-1024 key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MlKemKeyError {
    /// The input has the wrong length.
    #[error("ML-KEM-1024 encapsulation key must be {expected} bytes, got {got}")]
    WrongLength {
        /// Required length.
        expected: usize,
        /// Length received.
        got: usize,
    },
    /// The FIPS 203 modulus check failed (coefficients not reduced mod q).
    #[error("ML-KEM-1024 encapsulation key fails the FIPS 203 modulus check")]
    NotReduced,
}

/// An ML-KEM-1024 encapsulation key: the public half of an address.
#[derive(Clone, PartialEq, Eq)]
pub struct EncapsulationKey(Box<[u8; ENCAPSULATION_KEY_BYTES]>);

impl EncapsulationKey {
    /// Parses and validates (FIPS 203 §7.2 modulus check) an encapsulation key.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, MlKemKeyError> {
        let array: [u8; ENCAPSULATION_KEY_BYTES] =
            bytes.try_into().map_err(|_| MlKemKeyError::WrongLength {
                expected: ENCAPSULATION_KEY_BYTES,
                got: bytes.len(),
            })?;
        if !mlkem1024::validate_public_key(&mlkem1024::MlKem1024PublicKey::from(&array)) {
            return Err(MlKemKeyError::NotReduced);
        }
        Ok(Self(Box::new(array)))
    }

    /// The FIPS 203 encoding.
    pub fn as_bytes(&self) -> &[u8; ENCAPSULATION_KEY_BYTES] {
        &self.0
    }

    /// Encapsulates with caller-chosen randomness (fresh and secret for every note).
    pub fn encapsulate(
        &self,
        randomness: [u8; ENCAPS_RANDOMNESS_BYTES],
    ) -> (
        [u8; KEM_CIPHERTEXT_BYTES],
        Zeroizing<[u8; SHARED_SECRET_BYTES]>,
    ) {
        let pk = mlkem1024::MlKem1024PublicKey::from(&*self.0);
        let (ct, ss) = mlkem1024::encapsulate(&pk, randomness);
        (ct.into(), Zeroizing::new(ss))
    }
}

impl fmt::Debug for EncapsulationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncapsulationKey({:02x?}…)", &self.0[..6])
    }
}

/// An ML-KEM-1024 decapsulation key. Zeroized on drop; never printed.
pub struct DecapsulationKey(Box<Zeroizing<[u8; DECAPSULATION_KEY_BYTES]>>);

impl DecapsulationKey {
    /// Decapsulates. ML-KEM uses implicit rejection: a ciphertext made for another key yields
    /// an unrelated pseudo-random secret, which the note AEAD then rejects.
    pub fn decapsulate(
        &self,
        ciphertext: &[u8; KEM_CIPHERTEXT_BYTES],
    ) -> Zeroizing<[u8; SHARED_SECRET_BYTES]> {
        let sk = mlkem1024::MlKem1024PrivateKey::from(&**self.0);
        let ct = mlkem1024::MlKem1024Ciphertext::from(ciphertext);
        let ss = Zeroizing::new(mlkem1024::decapsulate(&sk, &ct));
        let mut copy: [u8; DECAPSULATION_KEY_BYTES] = sk.into();
        copy.zeroize();
        ss
    }

    /// The FIPS 203 encoding (for interoperability tests; wallets store the seed, not this).
    pub fn as_bytes(&self) -> &[u8; DECAPSULATION_KEY_BYTES] {
        &self.0
    }
}

impl fmt::Debug for DecapsulationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DecapsulationKey(<secret>)")
    }
}

/// Deterministic FIPS 203 `ML-KEM.KeyGen_internal(d, z)` from a 64-byte seed.
pub fn generate_keypair(seed: &[u8; KEYGEN_SEED_BYTES]) -> (EncapsulationKey, DecapsulationKey) {
    let pair = mlkem1024::generate_key_pair(*seed);
    let (sk, pk) = pair.into_parts();
    let mut sk_bytes: [u8; DECAPSULATION_KEY_BYTES] = sk.into();
    let dk = DecapsulationKey(Box::new(Zeroizing::new(sk_bytes)));
    sk_bytes.zeroize();
    (EncapsulationKey(Box::new(pk.into())), dk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_implicit_rejection() {
        let (ek, dk) = generate_keypair(&[7u8; KEYGEN_SEED_BYTES]);
        let (_, other_dk) = generate_keypair(&[8u8; KEYGEN_SEED_BYTES]);
        let (ct, ss) = ek.encapsulate([1u8; 32]);
        assert_eq!(*dk.decapsulate(&ct), *ss);
        assert_ne!(*other_dk.decapsulate(&ct), *ss);
    }

    #[test]
    fn key_parsing_rejects_bad_input() {
        let (ek, _) = generate_keypair(&[7u8; KEYGEN_SEED_BYTES]);
        assert_eq!(EncapsulationKey::from_bytes(ek.as_bytes()), Ok(ek.clone()));
        assert_eq!(
            EncapsulationKey::from_bytes(&ek.as_bytes()[1..]),
            Err(MlKemKeyError::WrongLength {
                expected: 1568,
                got: 1567
            })
        );
        let unreduced = [0xffu8; ENCAPSULATION_KEY_BYTES];
        assert_eq!(
            EncapsulationKey::from_bytes(&unreduced),
            Err(MlKemKeyError::NotReduced)
        );
    }
}
