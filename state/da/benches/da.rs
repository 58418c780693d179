//! DA benchmark, one thread, one JSON line: `cargo bench -p hegemon-da --bench da`.
//!
//! For 1, 4 and 16 MiB payloads: encode + commit (the block author's cost), reconstruction from
//! the parity half only (all originals lost, the worst case), and verification of one chunk
//! proof. Times are the median of 5 runs, in milliseconds (microseconds for chunk verify).

use std::time::{Duration, Instant};

use hegemon_da::{encode, reconstruct, verify_chunk};

fn median(mut runs: Vec<Duration>) -> f64 {
    runs.sort();
    runs[runs.len() / 2].as_secs_f64()
}

fn main() {
    let mut fields = Vec::new();
    for mib in [1usize, 4, 16] {
        let payload: Vec<u8> = (0..mib << 20)
            .map(|i| (i as u32).wrapping_mul(2_654_435_761) as u8)
            .collect();
        let encode_s = median(
            (0..5)
                .map(|_| {
                    let start = Instant::now();
                    std::hint::black_box(encode(&payload).expect("encodes"));
                    start.elapsed()
                })
                .collect(),
        );
        let block = encode(&payload).expect("encodes");
        let c = *block.commitment();
        let parity: Vec<(u32, &[u8])> = block
            .chunks()
            .enumerate()
            .skip(c.original_chunks())
            .map(|(i, ch)| (i as u32, ch))
            .collect();
        let reconstruct_s = median(
            (0..5)
                .map(|_| {
                    let start = Instant::now();
                    let back = reconstruct(&c, &parity).expect("reconstructs");
                    assert_eq!(back.len(), payload.len());
                    start.elapsed()
                })
                .collect(),
        );
        let proof = block.open(c.chunk_count - 1).expect("in range");
        let start = Instant::now();
        for _ in 0..1000 {
            verify_chunk(&c, &proof).expect("verifies");
        }
        let verify_us = start.elapsed().as_secs_f64() * 1e6 / 1000.0;
        fields.push(format!(
            "\"{mib}MiB\":{{\"chunks\":{},\"encode_commit_ms\":{:.1},\"reconstruct_from_parity_ms\":{:.1},\"chunk_verify_us\":{verify_us:.1},\"proof_bytes\":{}}}",
            c.chunk_count,
            encode_s * 1e3,
            reconstruct_s * 1e3,
            proof.to_bytes().len()
        ));
    }
    println!(
        "{{\"bench\":\"da\",\"threads\":1,\"chunk_size\":{},{}}}",
        hegemon_da::CHUNK_SIZE,
        fields.join(",")
    );
}
