//! Pinned known-answer vectors for every function of the crate, in `tests/vectors/*.json`.
//!
//! Any change to a constant, domain tag, derivation context or byte layout changes these outputs
//! and fails the test: such a change is a protocol change (new keys, new addresses, a new
//! chain). Regenerate deliberately with `HEGEMON_BLESS=1 cargo test -p hegemon-crypto --test
//! vectors` and record why in the commit.

use std::path::PathBuf;

use hegemon_crypto::mldsa::MlDsaKeyPair;
use hegemon_crypto::poseidon2::{self, Digest, Felt, WIDTH};
use hegemon_crypto::spec;
use hegemon_crypto::{
    Address, AssetId, Memo, Mnemonic, Network, Note, NoteCiphertext, NoteValue, Rseed,
    SpendingKeys, decrypt_note, encrypt_note,
};
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use serde_json::{Value, json};

fn vector_path(name: &str) -> PathBuf {
    // The runtime value first: a test binary reused from another checkout (a shared target
    // directory) must read this checkout's files.
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
        .join("tests/vectors")
        .join(format!("{name}.json"))
}

/// Compares `actual` with the committed file, or rewrites it under `HEGEMON_BLESS=1`.
fn check(name: &str, actual: Value) {
    let path = vector_path(name);
    if std::env::var_os("HEGEMON_BLESS").is_some() {
        let text = serde_json::to_string_pretty(&actual).expect("serialises") + "\n";
        std::fs::write(&path, text).expect("writes vector file");
        return;
    }
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with HEGEMON_BLESS=1 once", path.display()));
    let expected: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(
        actual, expected,
        "{name} vectors changed: this is a protocol change"
    );
}

fn hex_digest(d: &Digest) -> String {
    hex::encode(d.to_bytes())
}

fn felts(values: impl IntoIterator<Item = u32>) -> Vec<Felt> {
    values.into_iter().map(Felt::from_u32).collect()
}

fn test_keys() -> (Mnemonic, SpendingKeys) {
    let mnemonic = Mnemonic::from_entropy(&[0x5a; 32]).expect("32 bytes");
    let keys = SpendingKeys::from_mnemonic(&mnemonic, "");
    (mnemonic, keys)
}

#[test]
fn poseidon2_vectors() {
    let mut state: [Felt; WIDTH] = core::array::from_fn(Felt::from_usize);
    poseidon2::permute(&mut state);
    let a = poseidon2::hash_elements(1, &felts(0..12));
    let b = poseidon2::hash_elements(2, &felts(0..30));
    check(
        "poseidon2",
        json!({
            "permutation_of_0_to_23": state.iter().map(|e| e.as_canonical_u32()).collect::<Vec<_>>(),
            "sponge_domain1_0_to_11": hex_digest(&a),
            "sponge_domain2_0_to_29": hex_digest(&b),
            "sponge_domain3_empty": hex_digest(&poseidon2::hash_elements(3, &[])),
            "compress_level0": hex_digest(&poseidon2::compress(0, &a, &b)),
            "compress_level31": hex_digest(&poseidon2::compress(31, &a, &b)),
        }),
    );
}

#[test]
fn spec_vectors() {
    let sk: [Felt; 12] = core::array::from_fn(|i| Felt::from_usize(1000 + i));
    let ak = spec::derive_auth_key(&sk);
    let nk = spec::derive_nullifier_key(&sk);
    let pk_auth = spec::derive_pk_auth(&ak, 7);
    let pk_enc = spec::pk_enc_digest(&[0xab; 1568]);
    let rho = Digest::from_elements(core::array::from_fn(|i| Felt::from_usize(2000 + i)));
    let r = Digest::from_elements(core::array::from_fn(|i| Felt::from_usize(3000 + i)));
    let cm = spec::note_commitment(u64::MAX - 5, 3, &pk_enc, &pk_auth, &rho, &r);
    check(
        "spec",
        json!({
            "sk_spend": "1000..1011",
            "ak": hex_digest(&ak),
            "nk": hex_digest(&nk),
            "pk_auth_index7": hex_digest(&pk_auth),
            "pk_enc_digest_of_0xab_x1568": hex_digest(&pk_enc),
            "note_commitment": hex_digest(&cm),
            "nullifier_position_123456": hex_digest(&spec::nullifier(&nk, 123_456, &rho)),
            "merkle_node_level5": hex_digest(&spec::merkle_node(5, &cm, &rho)),
            "empty_leaf": hex_digest(&spec::empty_leaf()),
            "ciphertext_hash_of_0_to_99": hex_digest(&spec::ciphertext_hash(&(0..100).collect::<Vec<u8>>())),
            "chain_binding_hegemon_dev": hex_digest(&spec::chain_binding(b"hegemon-dev")),
        }),
    );
}

#[test]
fn key_hierarchy_vectors() {
    let (mnemonic, keys) = test_keys();
    let fvk = keys.full_viewing_key();
    let ivk = fvk.incoming();
    let addr0 = ivk.address(0);
    let addr1 = ivk.address(1);
    let transparent = keys.transparent_account(0);
    check(
        "keys",
        json!({
            "entropy": hex::encode([0x5a; 32]),
            "mnemonic": mnemonic.phrase().as_str(),
            "sk_spend": keys.sk_spend().iter().map(|e| e.as_canonical_u32()).collect::<Vec<_>>(),
            "ak": hex_digest(ivk.ak()),
            "nk": hex_digest(fvk.nullifier_key()),
            "ivk_text_test": ivk.encode(Network::Test).as_str(),
            "fvk_text_test": fvk.encode(Network::Test).as_str(),
            "address0_text_test": addr0.encode(Network::Test),
            "address1_blake3": blake3::hash(&addr1.to_bytes()).to_hex().as_str(),
            "transparent0_public_key_blake3":
                blake3::hash(transparent.public_key().as_bytes()).to_hex().as_str(),
        }),
    );
}

/// The acceptance line: restoring from the written-down phrase gives every key and
/// address byte for byte.
#[test]
fn restore_from_phrase_is_byte_identical() {
    let (mnemonic, original) = test_keys();
    let restored =
        SpendingKeys::from_mnemonic(&Mnemonic::parse(&mnemonic.phrase()).expect("parses"), "");
    assert_eq!(original.sk_spend(), restored.sk_spend());
    assert_eq!(
        *original.full_viewing_key().to_bytes(),
        *restored.full_viewing_key().to_bytes()
    );
    for index in [0, 1, 2, 1000, u32::MAX] {
        let (a, b) = (
            original.full_viewing_key().incoming().address(index),
            restored.full_viewing_key().incoming().address(index),
        );
        assert_eq!(a.to_bytes(), b.to_bytes());
    }
    assert_eq!(
        original.transparent_account(3).public_key(),
        restored.transparent_account(3).public_key()
    );
    // A different passphrase is a different wallet.
    let other = SpendingKeys::from_mnemonic(&mnemonic, "x");
    assert_ne!(original.sk_spend(), other.sk_spend());
}

#[test]
fn note_encryption_vectors() {
    let (_, keys) = test_keys();
    let (to, dk) = keys.full_viewing_key().incoming().address_keys(0);
    let note = Note {
        value: NoteValue::from_u64(50_000),
        asset_id: AssetId::NATIVE,
        recipient: to.recipient(),
        rseed: Rseed::from_bytes([0x11; 32]),
    };
    let memo = Memo::from_bytes(b"known-answer memo").expect("short");
    let ct = encrypt_note(&note, &memo, &to, [0x22; 32]).expect("encrypts");
    let cm = note.commitment();
    let back = decrypt_note(&dk, &to.recipient(), &ct, &cm).expect("decrypts");
    assert_eq!(back.note, note);
    check(
        "note_encryption",
        json!({
            "note_commitment": hex::encode(cm.to_bytes()),
            "nullifier_position_9": hex::encode(note.nullifier(keys.full_viewing_key().nullifier_key(), 9).to_bytes()),
            "ciphertext": hex::encode(ct.as_bytes()),
            "ciphertext_hash": hex_digest(&spec::ciphertext_hash(ct.as_bytes())),
        }),
    );
    // The committed ciphertext still decrypts with today's code.
    let stored: Value = serde_json::from_str(
        &std::fs::read_to_string(vector_path("note_encryption")).expect("file"),
    )
    .expect("json");
    let bytes = hex::decode(stored["ciphertext"].as_str().expect("hex")).expect("hex");
    let stored_ct = NoteCiphertext::from_bytes(&bytes).expect("parses");
    assert_eq!(
        decrypt_note(&dk, &to.recipient(), &stored_ct, &cm)
            .expect("decrypts")
            .note,
        note
    );
    let _: &Address = &to;
}

#[test]
fn mldsa_vectors() {
    let pair = MlDsaKeyPair::from_seed(&[0x33; 32]);
    let sig = pair
        .sign(b"hegemon known answer", b"hegemon-kat", [0u8; 32])
        .expect("signs");
    check(
        "mldsa",
        json!({
            "seed": hex::encode([0x33; 32]),
            "public_key_blake3": blake3::hash(pair.public_key().as_bytes()).to_hex().as_str(),
            "signing_key_blake3": blake3::hash(pair.signing_key_bytes()).to_hex().as_str(),
            "deterministic_signature_blake3": blake3::hash(sig.as_bytes()).to_hex().as_str(),
        }),
    );
}
