//! Import-pipeline benchmark: what a node does to accept a block of `N` transfers, measured on
//! real proofs and real payloads, one JSON line per block size.
//!
//! - author: frame the ciphertexts and encode + commit the DA payload;
//! - import: verify 30 sampled chunks, reconstruct the payload from parity chunks only (the worst
//!   case), check it against the transfers' ciphertext hashes, and verify every proof through
//!   the host function the runtime calls (all cores), cold and from the mempool-filled cache.
//!
//! With `--aggregate`, each block is also measured as an aggregating author builds it: one
//! aggregated proof over all its transfers (proving time on this machine), and its import
//! verifies that one proof through the `verify_aggregate` host function instead of every
//! transfer's proof (the first call at a depth also builds its keys, reported separately).
//!
//! Network time is not included here; the end-to-end test logs sampling over loopback.
//!
//!     cargo bench -p hegemon-node --bench import -- [--smoke] [--sizes 16,256,1024] [--aggregate]

#[path = "../tests/common/transfer.rs"]
#[allow(dead_code)]
mod transfer;

use std::time::Instant;

use hegemon_da::{DEFAULT_SAMPLES, items::encode_items, sample_indices, verify_chunk};
use hegemon_node::da::payload::BodyDa;
use hegemon_proof_host::shielded_proofs;
use rayon::prelude::*;
use transfer::{Submission, dev_transfer_variant};

/// The dev chain's fee at the default schedule; proofs bind it but nothing here checks it.
const FEE: u64 = 1_207;

fn ms(start: Instant) -> f64 {
    (start.elapsed().as_secs_f64() * 1e3 * 100.0).round() / 100.0
}

fn prove_all(count: usize) -> Vec<Submission> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    (0..count)
        .into_par_iter()
        .map(|i| {
            let i = i as u32;
            let t = dev_transfer_variant([i % 16, (i + 1) % 16], FEE, i);
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if n.is_multiple_of(64) || n == count {
                eprintln!("proved {n}/{count} transfers");
            }
            t
        })
        .collect()
}

fn bench(transfers: &[Submission], aggregate: bool) -> String {
    let n = transfers.len();
    let ciphertexts: Vec<&[u8]> = transfers
        .iter()
        .flat_map(|t| t.raw.2.iter().map(Vec::as_slice))
        .collect();
    let body = BodyDa {
        transfers: transfers
            .iter()
            .map(|t| t.raw.0.clone().try_into().expect("416 bytes"))
            .collect(),
        ..Default::default()
    };

    // Author.
    let start = Instant::now();
    let payload = encode_items(&ciphertexts);
    let encoded = hegemon_da::encode(&payload).expect("encodes");
    let author_ms = ms(start);
    let commitment = *encoded.commitment();

    // Import: samples, reconstruction from parity only, payload check, proofs.
    let start = Instant::now();
    let indices = sample_indices(&[7; 32], &[9; 32], commitment.chunk_count, DEFAULT_SAMPLES);
    for &i in &indices {
        verify_chunk(&commitment, &encoded.open(i).expect("in range")).expect("verifies");
    }
    let sample_ms = ms(start);
    let k = commitment.original_chunks() as u32;
    let parity: Vec<(u32, &[u8])> = (k..2 * k)
        .map(|i| (i, encoded.chunk(i).expect("in range")))
        .collect();
    let start = Instant::now();
    let rebuilt = hegemon_da::reconstruct(&commitment, &parity).expect("reconstructs");
    let reconstruct_ms = ms(start);
    assert_eq!(rebuilt, payload);
    let start = Instant::now();
    body.check_payload(&rebuilt).expect("payload matches");
    let check_ms = ms(start);

    let batch: Vec<(Vec<u8>, Vec<u8>)> = transfers
        .iter()
        .map(|t| (t.raw.0.clone(), t.raw.1.clone()))
        .collect();
    let start = Instant::now();
    let cold = shielded_proofs::verify_transactions(batch.clone());
    let verify_cold_ms = ms(start);
    let start = Instant::now();
    let cached = shielded_proofs::verify_transactions(batch);
    let verify_cached_ms = ms(start);
    assert!(
        cold.iter().chain(&cached).all(|ok| *ok),
        "every proof verifies"
    );

    let da_ms = sample_ms + reconstruct_ms + check_ms;
    let aggregated = if aggregate {
        aggregated(transfers, da_ms)
    } else {
        String::new()
    };
    format!(
        concat!(
            r#"{{"transfers":{},"threads":{},"payload_bytes":{},"chunks":{},"#,
            r#""author_da_encode_ms":{},"da_sample_verify_ms":{},"da_reconstruct_ms":{},"#,
            r#""payload_check_ms":{},"verify_cold_ms":{},"verify_cached_ms":{},"#,
            r#""import_cold_ms":{:.2},"import_cached_ms":{:.2}{}}}"#
        ),
        n,
        rayon::current_num_threads(),
        payload.len(),
        commitment.chunk_count,
        author_ms,
        sample_ms,
        reconstruct_ms,
        check_ms,
        verify_cold_ms,
        verify_cached_ms,
        da_ms + verify_cold_ms,
        da_ms + verify_cached_ms,
        aggregated,
    )
}

/// The aggregated block's fields: proving its one proof, then verifying it (the first call at
/// this depth builds the keys) as the runtime does.
fn aggregated(transfers: &[Submission], da_ms: f64) -> String {
    let inputs: Vec<_> = transfers
        .iter()
        .map(|t| {
            (
                transaction_circuit::TransactionPublicInputs::from_bytes(&t.raw.0).expect("inputs"),
                transaction_circuit::TransactionProof::from_bytes(&t.raw.1).expect("proof"),
            )
        })
        .collect();
    let start = Instant::now();
    let proof = aggregation_circuit::block::prove_block(&inputs, |level, done, total| {
        eprintln!("aggregating: level {level}, {done}/{total} proofs");
    })
    .expect("the block aggregates");
    let prove_s = start.elapsed().as_secs_f64();
    let public_inputs: Vec<u8> = transfers.iter().flat_map(|t| t.raw.0.clone()).collect();
    let start = Instant::now();
    assert!(shielded_proofs::verify_aggregate(&public_inputs, &proof));
    let first_ms = ms(start);
    let start = Instant::now();
    assert!(shielded_proofs::verify_aggregate(&public_inputs, &proof));
    let verify_ms = ms(start);
    format!(
        concat!(
            r#","aggregate_prove_s":{:.1},"aggregate_proof_bytes":{},"#,
            r#""verify_aggregate_first_ms":{},"verify_aggregate_ms":{},"import_aggregated_ms":{:.2}"#
        ),
        prove_s,
        proof.len(),
        first_ms,
        verify_ms,
        da_ms + verify_ms,
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut sizes = vec![16usize, 256, 1024];
    if args.iter().any(|a| a == "--smoke") {
        sizes = vec![16];
    }
    if let Some(at) = args.iter().position(|a| a == "--sizes") {
        sizes = args
            .get(at + 1)
            .map(|s| s.split(',').filter_map(|n| n.parse().ok()).collect())
            .unwrap_or_default();
    }
    let aggregate = args.iter().any(|a| a == "--aggregate");
    // Disjoint transfers per size, so each cold run really misses the cache.
    let mut all = prove_all(sizes.iter().sum());
    for size in sizes {
        let rest = all.split_off(size);
        println!("{}", bench(&all, aggregate));
        all = rest;
    }
}
