//! Transparent accounts sign with ML-DSA-65 (FIPS 204).
//!
//! An account id is `BLAKE2-256(public key)`. A signature carries the signer's full public key
//! (1,952 bytes) and the signature (3,309 bytes), and verifies if the key hashes to the account
//! and the signature checks under the context [`SIGNING_CONTEXT`]. Verification runs in the
//! runtime with `hegemon-crypto`'s pure-Rust `no_std` code (libcrux). No elliptic curves.

use codec::{Decode, DecodeWithMemTracking, Encode};
use hegemon_crypto::mldsa::{MlDsaPublicKey, MlDsaSignature, PUBLIC_KEY_BYTES, SIGNATURE_BYTES};
use scale_info::TypeInfo;
use sp_core::crypto::AccountId32;
use sp_runtime::traits::{IdentifyAccount, Lazy, Verify};

/// FIPS 204 context string of every transaction signature.
pub const SIGNING_CONTEXT: &[u8] = b"hegemon-tx-v1";

/// An ML-DSA-65 public key, identifying the account `BLAKE2-256(key)`.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct PqPublic(pub [u8; PUBLIC_KEY_BYTES]);

impl IdentifyAccount for PqPublic {
    type AccountId = AccountId32;
    fn into_account(self) -> AccountId32 {
        AccountId32::new(sp_io::hashing::blake2_256(&self.0))
    }
}

/// An ML-DSA-65 transaction signature with the signer's public key.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct PqSignature {
    /// The signer's public key.
    pub public: [u8; PUBLIC_KEY_BYTES],
    /// The signature over the transaction payload.
    pub signature: [u8; SIGNATURE_BYTES],
}

impl Verify for PqSignature {
    type Signer = PqPublic;

    fn verify<L: Lazy<[u8]>>(&self, mut msg: L, signer: &AccountId32) -> bool {
        if sp_io::hashing::blake2_256(&self.public)
            != *<AccountId32 as AsRef<[u8; 32]>>::as_ref(signer)
        {
            return false;
        }
        let (Ok(key), Ok(sig)) = (
            MlDsaPublicKey::from_bytes(&self.public),
            MlDsaSignature::from_bytes(&self.signature),
        ) else {
            return false;
        };
        key.verify(msg.get(), SIGNING_CONTEXT, &sig).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hegemon_crypto::mldsa::MlDsaKeyPair;

    #[test]
    fn signatures_verify_only_for_their_account_and_message() {
        let pair = MlDsaKeyPair::from_seed(&[7u8; 32]);
        let public = PqPublic(*pair.public_key().as_bytes());
        let account = public.clone().into_account();
        let sig = pair
            .sign(b"payload", SIGNING_CONTEXT, [0u8; 32])
            .expect("signs");
        let pq = PqSignature {
            public: public.0,
            signature: *sig.as_bytes(),
        };
        assert!(pq.verify(&b"payload"[..], &account));
        assert!(!pq.verify(&b"payloaD"[..], &account));
        let other =
            PqPublic(*MlDsaKeyPair::from_seed(&[8u8; 32]).public_key().as_bytes()).into_account();
        assert!(!pq.verify(&b"payload"[..], &other));
        let wrong_context = pair.sign(b"payload", b"other", [0u8; 32]).expect("signs");
        let pq = PqSignature {
            public: public.0,
            signature: *wrong_context.as_bytes(),
        };
        assert!(!pq.verify(&b"payload"[..], &account));
    }
}
