//! Cost of proving aggregation-shaped circuits: a chain of Poseidon2 permutations (the
//! verifier's hashing) plus a block of extension multiply–adds (its field arithmetic), at the
//! sizes a 2-to-1 node needs. Prints one JSON line per size.
//!
//! `cargo bench --workspace --bench layer --profile dev -- [--perms N] [--alu N]`

use std::time::Instant;

use aggregation_circuit::field::{Ext, Val};
use aggregation_circuit::gadgets::hash::sponge;
use aggregation_circuit::{CircuitBuilder, CircuitKey};
use p3_field::PrimeCharacteristicRing;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let perms = arg("--perms", 4096);
    let alu = arg("--alu", 32768);
    // `perms` permutations: a sponge over 12·perms private elements.
    let mut b = CircuitBuilder::new();
    let inputs: Vec<_> = (0..12 * perms).map(|_| b.private_input()).collect();
    let digest = sponge(&mut b, &inputs);
    // `alu` rows of a multiply–add chain seeded by the digest.
    let x = b.private_input();
    let mut acc = digest[0];
    for _ in 0..alu {
        acc = b.mul_add(acc, x, digest[1]);
    }
    let circuit = b.build();
    let wires = circuit.num_wires();

    let start = Instant::now();
    let key = CircuitKey::new(circuit);
    let setup = start.elapsed();

    let private: Vec<Ext> = (0..12 * perms as u32 + 1)
        .map(|i| Ext::from(Val::from_u32(i * 7 + 3)))
        .collect();
    let start = Instant::now();
    let proof = key.prove(&[], &private).expect("proves");
    let prove = start.elapsed();
    let bytes = proof.to_bytes();
    let start = Instant::now();
    key.verify(&proof, &[]).expect("verifies");
    let verify = start.elapsed();
    println!(
        "{}",
        serde_json::json!({
            "bench": "aggregation_layer",
            "permutations": perms,
            "alu_rows": alu,
            "wires": wires,
            "log_heights": key.log_heights(),
            "setup_ms": setup.as_secs_f64() * 1e3,
            "prove_ms": prove.as_secs_f64() * 1e3,
            "proof_bytes": bytes.len(),
            "verify_ms": verify.as_secs_f64() * 1e3,
            "conjectured_bits": key.security().conjectured_bits,
            "threads": std::thread::available_parallelism().map_or(1, |n| n.get()),
        })
    );
}
