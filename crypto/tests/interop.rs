//! Known-answer interoperability: our ML-KEM-1024 and ML-DSA-65 (libcrux, pure Rust) against
//! PQClean's independent C implementations (`pqcrypto-mlkem`, `pqcrypto-mldsa`).
//!
//! Keys, ciphertexts and signatures made by one side must be accepted by the other, byte for
//! byte, in both directions.

use hegemon_crypto::mldsa::{MlDsaKeyPair, MlDsaPublicKey, MlDsaSignature};
use hegemon_crypto::mlkem::{self, DecapsulationKey, EncapsulationKey};
use pqcrypto_mldsa::mldsa65;
use pqcrypto_mlkem::mlkem1024;
use pqcrypto_traits::kem::{
    Ciphertext as _, PublicKey as KemPublicKey, SecretKey as KemSecretKey, SharedSecret as _,
};
use pqcrypto_traits::sign::{DetachedSignature as _, PublicKey as SignPublicKey};

fn our_kem_keys(seed: u8) -> (EncapsulationKey, DecapsulationKey) {
    mlkem::generate_keypair(&[seed; mlkem::KEYGEN_SEED_BYTES])
}

#[test]
fn mlkem_ours_to_pqclean() {
    for seed in 0..4u8 {
        let (ek, dk) = our_kem_keys(seed);
        // PQClean encapsulates to our public key; we decapsulate.
        let pk = mlkem1024::PublicKey::from_bytes(ek.as_bytes()).expect("size");
        let (ss, ct) = mlkem1024::encapsulate(&pk);
        let ct: &[u8; mlkem::KEM_CIPHERTEXT_BYTES] = ct.as_bytes().try_into().expect("size");
        assert_eq!(&*dk.decapsulate(ct), ss.as_bytes());
        // PQClean decapsulates with our secret key encoding.
        let sk = mlkem1024::SecretKey::from_bytes(dk.as_bytes()).expect("size");
        let (ct2, ss2) = ek.encapsulate([seed.wrapping_add(100); 32]);
        let ct2 = mlkem1024::Ciphertext::from_bytes(&ct2).expect("size");
        assert_eq!(mlkem1024::decapsulate(&ct2, &sk).as_bytes(), &*ss2);
    }
}

#[test]
fn mlkem_pqclean_to_ours() {
    let (pk, sk) = mlkem1024::keypair();
    let ek = EncapsulationKey::from_bytes(pk.as_bytes()).expect("valid FIPS 203 key");
    let (ct, ss) = ek.encapsulate([7u8; 32]);
    let ct = mlkem1024::Ciphertext::from_bytes(&ct).expect("size");
    assert_eq!(mlkem1024::decapsulate(&ct, &sk).as_bytes(), &*ss);
    assert_eq!(sk.as_bytes().len(), mlkem::DECAPSULATION_KEY_BYTES);
}

#[test]
fn mldsa_ours_to_pqclean() {
    for seed in 0..4u8 {
        let pair = MlDsaKeyPair::from_seed(&[seed; 32]);
        let msg = [seed; 77];
        for ctx in [&b""[..], b"hegemon-test"] {
            let sig = pair.sign(&msg, ctx, [seed; 32]).expect("signs");
            let pk = mldsa65::PublicKey::from_bytes(pair.public_key().as_bytes()).expect("size");
            let det = mldsa65::DetachedSignature::from_bytes(sig.as_bytes()).expect("size");
            mldsa65::verify_detached_signature_ctx(&det, &msg, ctx, &pk)
                .expect("PQClean accepts our signature");
            // A flipped message is rejected by PQClean too.
            assert!(mldsa65::verify_detached_signature_ctx(&det, b"other", ctx, &pk).is_err());
        }
    }
}

#[test]
fn mldsa_pqclean_to_ours() {
    let (pk, sk) = mldsa65::keypair();
    let msg = b"transfer 10 to archive provider";
    let ctx = b"hegemon-test";
    let det = mldsa65::detached_sign_ctx(msg, ctx, &sk);
    let ours_pk = MlDsaPublicKey::from_bytes(pk.as_bytes()).expect("size");
    let ours_sig = MlDsaSignature::from_bytes(det.as_bytes()).expect("size");
    assert_eq!(ours_pk.verify(msg, ctx, &ours_sig), Ok(()));
    assert!(ours_pk.verify(msg, b"other-ctx", &ours_sig).is_err());
}
