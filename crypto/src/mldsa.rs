//! ML-DSA-65 (FIPS 204) signatures for transparent accounts, archive providers and bonds.
//!
//! Wraps `libcrux-ml-dsa` (portable code is `no_std` and builds for `wasm32v1-none`, so the
//! runtime verifies with the same code the wallet signs with). Keys come from a 32-byte seed
//! (FIPS 204 `ML-DSA.KeyGen_internal(ξ)`), so they restore from a mnemonic. ML-DSA-65 is NIST
//! category 3, above the protocol's 128-bit post-quantum bar, at 3,309-byte signatures
//! (ML-DSA-87 would cost 4,627 bytes for a margin the rest of the system does not have).
//! Known-answer tests in `tests/interop.rs` check it against PQClean's independent C code.

use alloc::boxed::Box;
use core::fmt;

use libcrux_ml_dsa::ml_dsa_65::{
    self, MLDSA65Signature, MLDSA65SigningKey, MLDSA65VerificationKey,
};
use zeroize::{Zeroize, Zeroizing};

/// Bytes of an ML-DSA-65 public (verification) key.
pub const PUBLIC_KEY_BYTES: usize = 1952;
/// Bytes of an ML-DSA-65 expanded signing key.
pub const SIGNING_KEY_BYTES: usize = 4032;
/// Bytes of an ML-DSA-65 signature.
pub const SIGNATURE_BYTES: usize = 3309;
/// Bytes of the key-generation seed ξ.
pub const SEED_BYTES: usize = 32;
/// Longest context string FIPS 204 allows.
pub const MAX_CONTEXT_BYTES: usize = 255;

/// Why a signature operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MlDsaError {
    /// An input has the wrong length.
    #[error("{what} must be {expected} bytes, got {got}")]
    WrongLength {
        /// Which input.
        what: &'static str,
        /// Required length.
        expected: usize,
        /// Length received.
        got: usize,
    },
    /// The context string is longer than FIPS 204 allows.
    #[error("signature context is {got} bytes; at most 255 are allowed")]
    ContextTooLong {
        /// Length received.
        got: usize,
    },
    /// The signature does not verify under this key, message and context.
    #[error("ML-DSA-65 signature does not verify")]
    BadSignature,
    /// Signing hit the (negligible-probability) rejection-sampling bound; retry with new randomness.
    #[error(
        "ML-DSA-65 signing exhausted its rejection-sampling bound; retry with fresh randomness"
    )]
    SigningFailed,
}

/// An ML-DSA-65 public key.
#[derive(Clone, PartialEq, Eq)]
pub struct MlDsaPublicKey(Box<[u8; PUBLIC_KEY_BYTES]>);

impl MlDsaPublicKey {
    /// Wraps an encoded public key (any 1,952 bytes decode; bad keys simply fail to verify).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, MlDsaError> {
        let array = bytes.try_into().map_err(|_| MlDsaError::WrongLength {
            what: "ML-DSA-65 public key",
            expected: PUBLIC_KEY_BYTES,
            got: bytes.len(),
        })?;
        Ok(Self(Box::new(array)))
    }

    /// The FIPS 204 encoding.
    pub fn as_bytes(&self) -> &[u8; PUBLIC_KEY_BYTES] {
        &self.0
    }

    /// Verifies `signature` over `message` with the domain-separating `context`.
    pub fn verify(
        &self,
        message: &[u8],
        context: &[u8],
        signature: &MlDsaSignature,
    ) -> Result<(), MlDsaError> {
        if context.len() > MAX_CONTEXT_BYTES {
            return Err(MlDsaError::ContextTooLong { got: context.len() });
        }
        let vk = MLDSA65VerificationKey::new(*self.0);
        let sig = MLDSA65Signature::new(*signature.0);
        ml_dsa_65::verify(&vk, message, context, &sig).map_err(|_| MlDsaError::BadSignature)
    }
}

impl fmt::Debug for MlDsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MlDsaPublicKey({:02x?}…)", &self.0[..6])
    }
}

/// An ML-DSA-65 signature.
#[derive(Clone, PartialEq, Eq)]
pub struct MlDsaSignature(Box<[u8; SIGNATURE_BYTES]>);

impl MlDsaSignature {
    /// Wraps an encoded signature; its validity is decided by [`MlDsaPublicKey::verify`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, MlDsaError> {
        let array = bytes.try_into().map_err(|_| MlDsaError::WrongLength {
            what: "ML-DSA-65 signature",
            expected: SIGNATURE_BYTES,
            got: bytes.len(),
        })?;
        Ok(Self(Box::new(array)))
    }

    /// The FIPS 204 encoding.
    pub fn as_bytes(&self) -> &[u8; SIGNATURE_BYTES] {
        &self.0
    }
}

impl fmt::Debug for MlDsaSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MlDsaSignature({} bytes)", SIGNATURE_BYTES)
    }
}

/// An ML-DSA-65 key pair. The signing key is zeroized on drop and never printed.
pub struct MlDsaKeyPair {
    signing: Box<MLDSA65SigningKey>,
    public: MlDsaPublicKey,
}

impl MlDsaKeyPair {
    /// Deterministic key generation from the 32-byte seed ξ.
    pub fn from_seed(seed: &[u8; SEED_BYTES]) -> Self {
        let pair = ml_dsa_65::generate_key_pair(*seed);
        Self {
            signing: Box::new(pair.signing_key),
            public: MlDsaPublicKey(Box::new(*pair.verification_key.as_ref())),
        }
    }

    /// The public key.
    pub fn public_key(&self) -> &MlDsaPublicKey {
        &self.public
    }

    /// Signs `message` under `context`. `randomness` is FIPS 204's `rnd`: fresh random bytes
    /// for the hedged variant (recommended), or all zeros for the deterministic variant.
    pub fn sign(
        &self,
        message: &[u8],
        context: &[u8],
        randomness: [u8; 32],
    ) -> Result<MlDsaSignature, MlDsaError> {
        if context.len() > MAX_CONTEXT_BYTES {
            return Err(MlDsaError::ContextTooLong { got: context.len() });
        }
        let rnd = Zeroizing::new(randomness);
        let sig = ml_dsa_65::sign(&self.signing, message, context, *rnd)
            .map_err(|_| MlDsaError::SigningFailed)?;
        Ok(MlDsaSignature(Box::new(*sig.as_ref())))
    }

    /// The expanded signing key (for interoperability tests only).
    pub fn signing_key_bytes(&self) -> &[u8; SIGNING_KEY_BYTES] {
        MLDSA65SigningKey::as_ref(&self.signing)
    }
}

impl Drop for MlDsaKeyPair {
    fn drop(&mut self) {
        self.signing.as_ref_mut().zeroize();
    }
}

impl fmt::Debug for MlDsaKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MlDsaKeyPair")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_and_every_rejection() {
        let pair = MlDsaKeyPair::from_seed(&[3u8; SEED_BYTES]);
        let sig = pair.sign(b"msg", b"ctx", [0u8; 32]).expect("signs");
        let pk = pair.public_key();
        assert_eq!(pk.verify(b"msg", b"ctx", &sig), Ok(()));
        assert_eq!(
            pk.verify(b"msG", b"ctx", &sig),
            Err(MlDsaError::BadSignature)
        );
        assert_eq!(
            pk.verify(b"msg", b"ctX", &sig),
            Err(MlDsaError::BadSignature)
        );
        let other = MlDsaKeyPair::from_seed(&[4u8; SEED_BYTES]);
        assert_eq!(
            other.public_key().verify(b"msg", b"ctx", &sig),
            Err(MlDsaError::BadSignature)
        );
        let mut tampered = *sig.as_bytes();
        tampered[100] ^= 1;
        let tampered = MlDsaSignature::from_bytes(&tampered).expect("length ok");
        assert_eq!(
            pk.verify(b"msg", b"ctx", &tampered),
            Err(MlDsaError::BadSignature)
        );
        assert_eq!(
            pk.verify(b"msg", &[0u8; 256], &sig),
            Err(MlDsaError::ContextTooLong { got: 256 })
        );
        assert!(matches!(
            MlDsaSignature::from_bytes(&[0u8; 10]),
            Err(MlDsaError::WrongLength { got: 10, .. })
        ));
        assert!(matches!(
            MlDsaPublicKey::from_bytes(&[0u8; 10]),
            Err(MlDsaError::WrongLength { got: 10, .. })
        ));
    }

    #[test]
    fn key_generation_is_deterministic() {
        let a = MlDsaKeyPair::from_seed(&[9u8; SEED_BYTES]);
        let b = MlDsaKeyPair::from_seed(&[9u8; SEED_BYTES]);
        assert_eq!(a.public_key(), b.public_key());
    }
}
