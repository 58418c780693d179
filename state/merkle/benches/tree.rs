//! Note tree benchmark, one thread, one JSON line:
//! `cargo bench -p hegemon-merkle --bench tree` (`-- --quick` for fewer leaves).

use std::hint::black_box;
use std::time::Instant;

use hegemon_crypto::poseidon2::{Digest, Felt, hash_elements};
use hegemon_merkle::NoteFrontier;
use p3_field::PrimeCharacteristicRing;

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let n: u64 = if quick { 50_000 } else { 1_000_000 };
    let leaves: Vec<Digest> = (0..n)
        .map(|i| hash_elements(99, &[Felt::from_u64(i)]))
        .collect();

    let mut tree = NoteFrontier::new();
    let start = Instant::now();
    tree.append_batch(&leaves).expect("room");
    let append = start.elapsed();

    let start = Instant::now();
    for _ in 0..100 {
        black_box(tree.root());
    }
    let root_ns = start.elapsed().as_nanos() / 100;

    // A wallet witness kept current while the rest of the tree grows.
    let mut tree = NoteFrontier::new();
    let mut witness = tree.append_and_witness(leaves[0]).expect("room");
    let start = Instant::now();
    for leaf in &leaves[1..] {
        witness.append(*leaf).expect("room");
    }
    let witness_ns = start.elapsed().as_nanos() as f64 / (n - 1) as f64;
    let start = Instant::now();
    for _ in 0..100 {
        black_box(witness.path());
    }
    let path_ns = start.elapsed().as_nanos() / 100;

    println!(
        "{{\"bench\":\"note-tree\",\"threads\":1,\"leaves\":{n},\"append_leaves_per_sec\":{:.0},\"append_ns_per_leaf\":{:.0},\"root_ns\":{root_ns},\"witness_update_ns_per_leaf\":{witness_ns:.0},\"witness_path_ns\":{path_ns}}}",
        n as f64 / append.as_secs_f64(),
        append.as_nanos() as f64 / n as f64,
    );
}
