//! A walk through the wallet-side primitives: new mnemonic → keys → address → encrypted note →
//! trial decryption → restore from the phrase. Prints what each step produced and its size.
//!
//! `cargo run --release -p hegemon-crypto --example wallet_demo`

use std::time::Instant;

use hegemon_crypto::mlkem::ENCAPS_RANDOMNESS_BYTES;
use hegemon_crypto::note_encryption::NOTE_CIPHERTEXT_BYTES;
use hegemon_crypto::{
    AssetId, Memo, Mnemonic, Network, Note, NoteValue, Rseed, SpendingKeys, decrypt_note,
    encrypt_note,
};

fn random<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).expect("OS randomness");
    out
}

fn main() {
    let mnemonic = Mnemonic::from_entropy(&random::<32>()).expect("32 bytes of entropy");
    let phrase = mnemonic.phrase();
    let first_words: Vec<&str> = phrase.split(' ').take(3).collect();
    println!(
        "1. new wallet: 24-word mnemonic ({} …, shown in full only by the wallet)",
        first_words.join(" ")
    );

    let keys = SpendingKeys::from_mnemonic(&mnemonic, "");
    let ivk = keys.full_viewing_key().incoming();
    let (address, dk) = ivk.address_keys(0);
    let text = address.encode(Network::Test);
    println!(
        "2. address 0: {}…{} ({} characters, {} bytes)",
        &text[..16],
        &text[text.len() - 8..],
        text.len(),
        address.to_bytes().len()
    );

    let note = Note {
        value: NoteValue::from_u64(1_000),
        asset_id: AssetId::NATIVE,
        recipient: address.recipient(),
        rseed: Rseed::from_bytes(random()),
    };
    let memo = Memo::from_bytes(b"hello from the demo").expect("short memo");
    let start = Instant::now();
    let ct = encrypt_note(&note, &memo, &address, random::<ENCAPS_RANDOMNESS_BYTES>())
        .expect("encrypts");
    println!(
        "3. encrypted a 1,000-unit note: {} bytes (every note ciphertext is {NOTE_CIPHERTEXT_BYTES}) in {:?}",
        ct.as_bytes().len(),
        start.elapsed()
    );

    let cm = note.commitment();
    let start = Instant::now();
    let opened = decrypt_note(&dk, &address.recipient(), &ct, &cm).expect("our note decrypts");
    println!(
        "4. trial decryption found it in {:?}: value {}, memo {:?}",
        start.elapsed(),
        opened.note.value.get(),
        String::from_utf8_lossy(opened.memo.trimmed())
    );

    let stranger = SpendingKeys::from_seed(&random::<64>());
    let (s_addr, s_dk) = stranger.full_viewing_key().incoming().address_keys(0);
    let start = Instant::now();
    let err = decrypt_note(&s_dk, &s_addr.recipient(), &ct, &cm).expect_err("not theirs");
    println!(
        "5. a stranger's wallet rejects it in {:?}: {err}",
        start.elapsed()
    );

    let restored =
        SpendingKeys::from_mnemonic(&Mnemonic::parse(&phrase).expect("valid phrase"), "");
    let same = restored.full_viewing_key().incoming().address(0) == address;
    println!("6. restored from the phrase: address 0 identical = {same}");
    assert!(same);
}
