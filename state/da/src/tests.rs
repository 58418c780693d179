//! Round trips, every rejection path, reconstruction from any half, and bad encodings caught.

use std::vec::Vec;

use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};

use crate::commitment::COMMITMENT_BYTES;
use crate::encode::{commit, extend, frame};
use crate::items::{decode_items, encode_items};
use crate::*;

fn payload(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..len).map(|_| rng.random()).collect()
}

#[test]
fn every_chunk_opens_and_verifies() {
    let block = encode(&payload(100_000, 1)).expect("encodes");
    let c = *block.commitment();
    assert_eq!(c.original_chunks(), original_chunks_for(100_000));
    assert_eq!(block.chunks().count(), c.chunk_count as usize);
    for index in 0..c.chunk_count {
        let proof = block.open(index).expect("in range");
        assert_eq!(verify_chunk(&c, &proof), Ok(()));
        let wire = proof.to_bytes();
        assert_eq!(ChunkProof::from_bytes(&wire, &c), Ok(proof));
    }
}

#[test]
fn chunk_proof_rejections() {
    let block = encode(&payload(5_000, 2)).expect("encodes");
    let c = *block.commitment();
    let good = block.open(7).expect("in range");
    let mut flipped = good.clone();
    flipped.chunk[100] ^= 1;
    assert_eq!(
        verify_chunk(&c, &flipped),
        Err(DaError::BadProof { index: 7 })
    );
    let mut moved = good.clone();
    moved.index = 8;
    assert_eq!(
        verify_chunk(&c, &moved),
        Err(DaError::BadProof { index: 8 })
    );
    let mut short = good.clone();
    short.path.pop();
    assert_eq!(
        verify_chunk(&c, &short),
        Err(DaError::BadProof { index: 7 })
    );
    let mut wrong_sibling = good.clone();
    wrong_sibling.path[2][0] ^= 1;
    assert_eq!(
        verify_chunk(&c, &wrong_sibling),
        Err(DaError::BadProof { index: 7 })
    );
    let mut out_of_range = good.clone();
    out_of_range.index = c.chunk_count;
    assert!(matches!(
        verify_chunk(&c, &out_of_range),
        Err(DaError::IndexOutOfRange { .. })
    ));
    let mut truncated = good.clone();
    truncated.chunk.truncate(10);
    assert!(matches!(
        verify_chunk(&c, &truncated),
        Err(DaError::WrongChunkSize { got: 10, .. })
    ));
    let other = encode(&payload(5_000, 3)).expect("encodes");
    assert!(
        verify_chunk(other.commitment(), &good).is_err(),
        "a chunk of another block"
    );
    assert!(matches!(
        block.open(c.chunk_count),
        Err(DaError::IndexOutOfRange { .. })
    ));
    assert!(ChunkProof::from_bytes(&good.to_bytes()[..50], &c).is_err());
}

#[test]
fn commitment_encoding_and_validation() {
    let c = *encode(&payload(3_000, 4)).expect("encodes").commitment();
    assert_eq!(DaCommitment::from_bytes(&c.to_bytes()), Ok(c));
    assert!(matches!(
        DaCommitment::from_bytes(&[0u8; 10]),
        Err(DaError::Malformed { .. })
    ));
    let mut bad = c;
    bad.version = 9;
    assert!(matches!(
        DaCommitment::from_bytes(&bad.to_bytes()),
        Err(DaError::BadCommitment { .. })
    ));
    let mut bad = c;
    bad.chunk_count += 2;
    assert!(matches!(bad.validate(), Err(DaError::BadCommitment { .. })));
    let mut bad = c;
    bad.byte_len = 10 * 1024 * 1024;
    assert!(matches!(bad.validate(), Err(DaError::BadCommitment { .. })));
    let mut bytes = c.to_bytes();
    bytes[COMMITMENT_BYTES - 1] ^= 1;
    assert!(matches!(
        DaCommitment::from_bytes(&bytes),
        Err(DaError::BadCommitment {
            reason: "tree depth"
        })
    ));
    assert!(matches!(
        encode(&std::vec![0u8; MAX_PAYLOAD_BYTES + 1]),
        Err(DaError::PayloadTooLarge { .. })
    ));
}

#[test]
fn reconstruct_from_any_half() {
    let data = payload(150_000, 5);
    let block = encode(&data).expect("encodes");
    let c = *block.commitment();
    let all: Vec<(u32, &[u8])> = block
        .chunks()
        .enumerate()
        .map(|(i, ch)| (i as u32, ch))
        .collect();
    let k = c.original_chunks();
    // Originals only, parity only, and random halves.
    assert_eq!(reconstruct(&c, &all[..k]), Ok(data.clone()));
    assert_eq!(reconstruct(&c, &all[k..]), Ok(data.clone()));
    let mut rng = StdRng::seed_from_u64(6);
    for _ in 0..5 {
        let mut subset = all.clone();
        subset.shuffle(&mut rng);
        subset.truncate(k);
        assert_eq!(reconstruct(&c, &subset), Ok(data.clone()));
    }
    // One too few, even with duplicates.
    let mut few = all[1..k].to_vec();
    few.push(all[1]);
    assert_eq!(
        reconstruct(&c, &few),
        Err(DaError::TooFewChunks {
            have: k - 1,
            need: k
        })
    );
    assert!(matches!(
        reconstruct(&c, &[(c.chunk_count, all[0].1)]),
        Err(DaError::IndexOutOfRange { .. })
    ));
    assert!(matches!(
        reconstruct(&c, &[(0, &all[0].1[..5])]),
        Err(DaError::WrongChunkSize { .. })
    ));
}

#[test]
fn empty_payload_round_trips() {
    let block = encode(&[]).expect("encodes");
    let c = *block.commitment();
    assert_eq!(c.chunk_count as usize, 2 * MIN_ORIGINAL_CHUNKS);
    let all: Vec<(u32, &[u8])> = block
        .chunks()
        .enumerate()
        .map(|(i, ch)| (i as u32, ch))
        .collect();
    assert_eq!(reconstruct(&c, &all[MIN_ORIGINAL_CHUNKS..]), Ok(Vec::new()));
}

/// A producer commits honestly to a tree whose parity is not the code of its data. Every chunk
/// verifies against the commitment, yet reconstruction catches it.
#[test]
fn valid_tree_over_bad_encoding_is_caught() {
    let data = payload(40_000, 7);
    let (originals, k) = frame(&data);
    let mut coded = extend(originals, k).expect("extends");
    coded[(k + 3) * CHUNK_SIZE] ^= 0xff; // corrupt parity chunk k+3
    let (_, c) = commit(&coded, data.len());
    let chunks: Vec<(u32, &[u8])> = coded
        .chunks_exact(CHUNK_SIZE)
        .enumerate()
        .map(|(i, ch)| (i as u32, ch))
        .collect();
    let from_originals = reconstruct(&c, &chunks[..k]);
    assert_eq!(from_originals, Err(DaError::InconsistentEncoding));
    assert!(from_originals.expect_err("caught").is_producer_fault());
    let from_parity = reconstruct(&c, &chunks[k..]);
    assert_eq!(from_parity, Err(DaError::InconsistentEncoding));
}

#[test]
fn non_canonical_framing_is_caught() {
    let data = payload(1_000, 8);
    let (mut originals, k) = frame(&data);
    originals[data.len() + 10] = 1; // non-zero padding, correctly encoded and committed
    let coded = extend(originals, k).expect("extends");
    let (_, c) = commit(&coded, data.len());
    let chunks: Vec<(u32, &[u8])> = coded
        .chunks_exact(CHUNK_SIZE)
        .enumerate()
        .map(|(i, ch)| (i as u32, ch))
        .collect();
    assert_eq!(
        reconstruct(&c, &chunks[..k]),
        Err(DaError::InconsistentEncoding)
    );
}

#[test]
fn sampling_is_distinct_in_range_and_secret_dependent() {
    let (secret, block) = ([1u8; 32], [2u8; 32]);
    let s = sample_indices(&secret, &block, 1000, DEFAULT_SAMPLES);
    assert_eq!(s.len(), DEFAULT_SAMPLES);
    let mut sorted = s.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), DEFAULT_SAMPLES);
    assert!(s.iter().all(|&i| i < 1000));
    assert_eq!(
        s,
        sample_indices(&secret, &block, 1000, DEFAULT_SAMPLES),
        "deterministic"
    );
    assert_ne!(
        s,
        sample_indices(&[9u8; 32], &block, 1000, DEFAULT_SAMPLES),
        "secret"
    );
    assert_ne!(
        s,
        sample_indices(&secret, &[3u8; 32], 1000, DEFAULT_SAMPLES),
        "block"
    );
    assert_eq!(
        sample_indices(&secret, &block, 20, DEFAULT_SAMPLES),
        (0..20).collect::<Vec<_>>()
    );
}

#[test]
fn sample_sets_verify_and_withheld_samples_fail() {
    let encoded = encode(&payload(60_000, 9)).expect("encodes");
    let c = *encoded.commitment();
    let indices = sample_indices(&[4u8; 32], &[5u8; 32], c.chunk_count, DEFAULT_SAMPLES);
    let proofs: Vec<ChunkProof> = indices
        .iter()
        .map(|&i| encoded.open(i).expect("ok"))
        .collect();
    assert_eq!(sampling::verify_samples(&c, &indices, &proofs), Ok(()));
    assert!(
        sampling::verify_samples(&c, &indices, &proofs[1..]).is_err(),
        "one withheld"
    );
    let mut corrupted = proofs.clone();
    corrupted[3].chunk[0] ^= 1;
    assert!(
        sampling::verify_samples(&c, &indices, &corrupted).is_err(),
        "one corrupted"
    );
}

#[test]
fn items_round_trip_and_reject_malformed() {
    let items: [&[u8]; 3] = [b"ciphertext", b"", b"proof bytes"];
    let framed = encode_items(&items);
    assert_eq!(decode_items(&framed), Ok(items.to_vec()));
    assert!(
        decode_items(&framed[..framed.len() - 1]).is_err(),
        "truncated"
    );
    let mut trailing = framed.clone();
    trailing.push(0);
    assert!(decode_items(&trailing).is_err(), "trailing byte");
    assert!(
        decode_items(&[0xff, 0xff, 0xff, 0x7f]).is_err(),
        "absurd count"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
        let c = *encode(b"fixed").expect("encodes").commitment();
        let _ = decode_items(&bytes);
        let _ = DaCommitment::from_bytes(&bytes);
        if let Ok(proof) = ChunkProof::from_bytes(&bytes, &c) {
            prop_assert!(verify_chunk(&c, &proof).is_err());
        }
    }

    #[test]
    fn items_round_trip(items in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..20)) {
        let framed = encode_items(&items);
        let decoded: Vec<Vec<u8>> = decode_items(&framed).expect("decodes").into_iter().map(<[u8]>::to_vec).collect();
        prop_assert_eq!(decoded, items);
    }
}
