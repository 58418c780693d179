//! Crypto micro-benchmarks, one thread, printing one JSON object.
//!
//! `cargo bench -p hegemon-crypto --bench crypto` (add `-- --quick` for a fast run). Each figure
//! is the median over batches of the per-operation time in nanoseconds; `trial_reject_per_sec` is
//! how many foreign note ciphertexts one core rejects per second.

use std::hint::black_box;
use std::time::Instant;

use hegemon_crypto::mldsa::MlDsaKeyPair;
use hegemon_crypto::poseidon2::{self, Digest, Felt, WIDTH};
use hegemon_crypto::{
    AssetId, Memo, Note, NoteValue, Rseed, SpendingKeys, decrypt_note, encrypt_note, spec,
};
use p3_field::PrimeCharacteristicRing;

/// Median nanoseconds per call of `f` over `batches` batches of `per_batch` calls.
fn median_ns(batches: usize, per_batch: usize, mut f: impl FnMut()) -> f64 {
    let mut samples: Vec<f64> = (0..batches)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_batch {
                f();
            }
            start.elapsed().as_nanos() as f64 / per_batch as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (batches, scale) = if quick { (3, 1) } else { (11, 10) };

    let mut state = [Felt::ONE; WIDTH];
    let permutation_ns = median_ns(batches, 2000 * scale, || {
        poseidon2::permute(black_box(&mut state));
    });
    let d = Digest::from_elements([Felt::TWO; 12]);
    let note_commitment_ns = median_ns(batches, 500 * scale, || {
        black_box(spec::note_commitment(5, 0, &d, &d, &d, black_box(&d)));
    });

    let me = SpendingKeys::from_seed(&[1u8; 64]);
    let someone = SpendingKeys::from_seed(&[2u8; 64]);
    let (my_addr, my_dk) = me.full_viewing_key().incoming().address_keys(0);
    let (their_addr, _) = someone.full_viewing_key().incoming().address_keys(0);
    let address_keygen_ns = median_ns(batches, 20 * scale, || {
        black_box(me.full_viewing_key().incoming().address_keys(black_box(5)));
    });

    let note_to = |addr: &hegemon_crypto::Address| Note {
        value: NoteValue::from_u64(10),
        asset_id: AssetId::NATIVE,
        recipient: addr.recipient(),
        rseed: Rseed::from_bytes([7u8; 32]),
    };
    let mine = note_to(&my_addr);
    let foreign = note_to(&their_addr);
    let memo = Memo::empty();
    let encrypt_ns = median_ns(batches, 50 * scale, || {
        black_box(encrypt_note(&mine, &memo, &my_addr, [9u8; 32]).expect("encrypts"));
    });
    let my_ct = encrypt_note(&mine, &memo, &my_addr, [9u8; 32]).expect("encrypts");
    let foreign_ct = encrypt_note(&foreign, &memo, &their_addr, [9u8; 32]).expect("encrypts");
    let recipient = my_addr.recipient();
    let cm = mine.commitment();
    let decrypt_ns = median_ns(batches, 50 * scale, || {
        black_box(decrypt_note(&my_dk, &recipient, &my_ct, &cm).expect("ours"));
    });
    let foreign_cm = foreign.commitment();
    let trial_reject_ns = median_ns(batches, 100 * scale, || {
        let r = decrypt_note(&my_dk, &recipient, black_box(&foreign_ct), &foreign_cm);
        assert!(r.is_err());
    });

    let signer = MlDsaKeyPair::from_seed(&[3u8; 32]);
    let message = [0x42u8; 256];
    let mldsa_sign_ns = median_ns(batches, 20 * scale, || {
        black_box(signer.sign(&message, b"bench", [0u8; 32]).expect("signs"));
    });
    let sig = signer.sign(&message, b"bench", [0u8; 32]).expect("signs");
    let mldsa_verify_ns = median_ns(batches, 50 * scale, || {
        signer
            .public_key()
            .verify(black_box(&message), b"bench", &sig)
            .expect("verifies");
    });

    println!(
        "{{\"bench\":\"hegemon-crypto\",\"threads\":1,\"poseidon2_w24_permutation_ns\":{permutation_ns:.0},\
\"note_commitment_ns\":{note_commitment_ns:.0},\"address_keygen_ns\":{address_keygen_ns:.0},\
\"note_encrypt_ns\":{encrypt_ns:.0},\"note_decrypt_ns\":{decrypt_ns:.0},\
\"trial_reject_ns\":{trial_reject_ns:.0},\"trial_reject_per_sec\":{:.0},\
\"mldsa65_sign_ns\":{mldsa_sign_ns:.0},\"mldsa65_verify_ns\":{mldsa_verify_ns:.0}}}",
        1e9 / trial_reject_ns
    );
}
