//! One recursion step: prove that a uni-STARK proof (a Fibonacci AIR in the aggregation
//! configuration) verifies, with the verifier written as a circuit; with `--pair`, that two
//! proofs verify and their public values hash to the exposed digest; with `--transaction`, the
//! aggregation leaf over one real transaction proof (M2); with `--node`, the 2-to-1 node over two
//! such leaves (M3); with `--tree N`, the whole tree over `N` (a power of two) transfers (M4),
//! with progress on stderr and per-level times (`--wrap`: then the block's final wrap proof over
//! the root); with `--keys D`, the time and resident memory of
//! a tree's keys at depth `D`, verification-only, then for proving. Prints one JSON line.
//!
//! `cargo bench --workspace --bench recursion --profile dev -- [--log-rows N] [--pair | --transaction | --node | --tree N [--wrap] | --keys D]`

use std::time::Instant;

use aggregation_circuit::aggregate::{leaf_digest, node_digest, pair_circuit};
use aggregation_circuit::config::AGGREGATION;
use aggregation_circuit::field::Ext;
use aggregation_circuit::field::Val;
use aggregation_circuit::fixtures::{FIBONACCI_SEED, Fibonacci, fibonacci_proof};
use aggregation_circuit::gadgets::stark::{InnerShape, verify_uni_stark};
use aggregation_circuit::inner::{pcs_layout, uni_stark_values};
use aggregation_circuit::{Circuit, CircuitBuilder, CircuitKey};
use p3_field::PrimeCharacteristicRing;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let log_rows = args
        .iter()
        .position(|a| a == "--log-rows")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    if args.iter().any(|a| a == "--transaction") {
        return transaction_leaf();
    }
    if args.iter().any(|a| a == "--node") {
        return node_over_leaves();
    }
    if let Some(n) = args
        .iter()
        .position(|a| a == "--tree")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse::<usize>().ok())
    {
        return tree(n, args.iter().any(|a| a == "--wrap"));
    }
    if let Some(depth) = args
        .iter()
        .position(|a| a == "--keys")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse::<usize>().ok())
    {
        return keys(depth);
    }
    let pair = args.iter().any(|a| a == "--pair");
    let seed = FIBONACCI_SEED.map(Val::from_u32);
    let inner: Vec<_> = (1..=if pair { 2 } else { 1 })
        .map(|start| fibonacci_proof(log_rows, AGGREGATION.cap_height, start))
        .collect();
    let inner_bytes = postcard::to_allocvec(&inner[0].0).map_or(0, |b| b.len());
    let shape = InnerShape::new(&Fibonacci, log_rows, &seed, AGGREGATION.cap_height);
    let layout = pcs_layout(&shape);
    let circuit = || {
        if pair {
            pair_circuit(&shape, &layout)
        } else {
            let mut b = CircuitBuilder::new();
            verify_uni_stark(&mut b, &shape, &layout);
            b.build()
        }
    };
    let inputs = || {
        let mut values = Vec::new();
        for (proof, public) in &inner {
            values
                .extend(uni_stark_values(&shape, &layout, &seed, proof, public).expect("lays out"));
        }
        let exposed: Vec<Val> = if pair {
            node_digest(&leaf_digest(&inner[0].1), &leaf_digest(&inner[1].1))
                .elements()
                .to_vec()
        } else {
            Vec::new()
        };
        (exposed, values)
    };
    let inner = Inner {
        name: "fibonacci",
        proofs: inner.len(),
        proof_bytes: inner_bytes,
    };
    measure(inner, circuit, inputs);
}

/// What a recursion step verifies.
struct Inner {
    name: &'static str,
    proofs: usize,
    proof_bytes: usize,
}

/// Builds the circuit and its key (timed as setup), lays the inner proofs out (timed), proves
/// and verifies the step, and prints one JSON line.
fn measure(
    inner: Inner,
    circuit: impl FnOnce() -> Circuit,
    inputs: impl FnOnce() -> (Vec<Val>, Vec<Ext>),
) {
    let start = Instant::now();
    let circuit = circuit();
    let (slots, alu, perms) = (
        circuit.num_wires(),
        circuit.alu_ops().count(),
        circuit.perm_ops().count(),
    );
    let key = CircuitKey::new(circuit);
    let setup = start.elapsed();
    let start = Instant::now();
    let (exposed, values) = inputs();
    let layout_time = start.elapsed();
    let start = Instant::now();
    let outer = key.prove(&exposed, &values).expect("proves");
    let prove = start.elapsed();
    let start = Instant::now();
    key.verify(&outer, &exposed).expect("verifies");
    let verify = start.elapsed();
    println!(
        "{}",
        serde_json::json!({
            "bench": "recursion_step",
            "inner": inner.name,
            "inner_proofs": inner.proofs,
            "inner_proof_bytes": inner.proof_bytes,
            "circuit_slots": slots,
            "circuit_alu_rows": alu,
            "circuit_permutations": perms,
            "log_heights": key.log_heights(),
            "setup_ms": setup.as_secs_f64() * 1e3,
            "witness_layout_ms": layout_time.as_secs_f64() * 1e3,
            "prove_ms": prove.as_secs_f64() * 1e3,
            "outer_proof_bytes": outer.to_bytes().len(),
            "verify_ms": verify.as_secs_f64() * 1e3,
            "conjectured_bits": key.security().conjectured_bits,
            "threads": std::thread::available_parallelism().map_or(1, |n| n.get()),
        })
    );
}

/// The leaf over one real transaction proof.
fn transaction_leaf() {
    use aggregation_circuit::leaf::{TransactionShape, leaf_public_inputs};
    let (public, proof) =
        transaction_circuit::prove(&transaction_circuit::testing::two_transfer_witnesses()[0])
            .expect("proves");
    let shape = TransactionShape::new();
    let inner = Inner {
        name: "transaction",
        proofs: 1,
        proof_bytes: proof.as_bytes().len(),
    };
    measure(
        inner,
        || shape.leaf_circuit(),
        || {
            let values = shape.private_inputs(&proof, &public).expect("lays out");
            (leaf_public_inputs(&public).elements().to_vec(), values)
        },
    );
}

/// The 2-to-1 node over two transaction leaves (the leaves are proven first, not timed).
fn node_over_leaves() {
    use aggregation_circuit::aggregate::{NodeShape, node_digest};
    use aggregation_circuit::leaf::{TransactionShape, leaf_public_inputs};

    let leaf = TransactionShape::new();
    let leaf_key = CircuitKey::new(leaf.leaf_circuit());
    let leaves: Vec<_> = transaction_circuit::testing::two_transfer_witnesses()
        .iter()
        .map(|witness| {
            let (public, proof) = transaction_circuit::prove(witness).expect("proves");
            let private = leaf.private_inputs(&proof, &public).expect("lays out");
            let digest = leaf_public_inputs(&public);
            let proof = leaf_key
                .prove(digest.elements(), &private)
                .expect("the leaf proves");
            (proof, digest)
        })
        .collect();
    let node = NodeShape::new(&leaf_key);
    let inner = Inner {
        name: "two transaction leaves",
        proofs: 2,
        proof_bytes: leaves[0].0.to_bytes().len(),
    };
    measure(
        inner,
        || node.circuit(),
        || {
            let values = node
                .private_inputs(
                    &leaf_key,
                    (&leaves[0].0, &leaves[0].1),
                    (&leaves[1].0, &leaves[1].1),
                )
                .expect("lays out");
            let root = node_digest(&leaves[0].1, &leaves[1].1);
            (root.elements().to_vec(), values)
        },
    );
}

/// CPU time this process has used so far, every thread, user and system (`/proc/self/stat`,
/// in Linux's fixed 100 Hz user clock ticks): the core-seconds proving costs, whatever the
/// core count. Zero where `/proc` is missing.
fn cpu_seconds() -> f64 {
    const TICKS_PER_SECOND: f64 = 100.0;
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / TICKS_PER_SECOND
}

/// The tree over `n` transfers (padded to a power of two): keys, then every leaf and node
/// proof, then the root's check; with `wrap`, then the wrap's key, proof and check.
fn tree(n: usize, wrap: bool) {
    use aggregation_circuit::tree::TreeKeys;
    assert!(n >= 1, "--tree takes a transfer count ≥ 1");
    let depth = TreeKeys::depth_for(n);
    let base = transaction_circuit::testing::two_transfer_witnesses();
    eprintln!("proving {n} transfers");
    let transfers: Vec<_> = (0..n)
        .map(|i| transaction_circuit::prove(&base[i % 2]).expect("proves"))
        .collect();
    let publics: Vec<_> = transfers.iter().map(|(p, _)| p.clone()).collect();
    let start = Instant::now();
    let keys = TreeKeys::new(depth);
    let setup = start.elapsed();
    eprintln!("keys for {depth} levels in {setup:?}");
    let start = Instant::now();
    // Level 0 is the leaves (each over `2^leaf_log` transfers), then one level per node height.
    let levels = depth - keys.leaf_log() + 1;
    let mut level_ms = vec![0.0f64; levels];
    let mut level_cpu_ms = vec![0.0f64; levels];
    let mut level_proofs = vec![0usize; levels];
    let mut last = Instant::now();
    let mut last_cpu = cpu_seconds();
    let (root, digest) = keys
        .prove(&transfers, |level, done, total| {
            level_ms[level] += last.elapsed().as_secs_f64() * 1e3;
            let cpu = cpu_seconds();
            level_cpu_ms[level] += (cpu - last_cpu) * 1e3;
            last_cpu = cpu;
            level_proofs[level] = total;
            last = Instant::now();
            eprintln!(
                "level {level}: {done}/{total} ({:.1} s so far)",
                start.elapsed().as_secs_f64()
            );
        })
        .expect("the tree proves");
    let prove = start.elapsed();
    let start = Instant::now();
    keys.verify(&root, &publics).expect("the root verifies");
    let verify = start.elapsed();
    let wrapped = wrap.then(|| wrap_root(keys.root_key(), &root, &digest));
    println!(
        "{}",
        serde_json::json!({
            "bench": "aggregation_tree",
            "wrap": wrapped,
            "transfers": n,
            "depth": depth,
            "leaf_transfers": 1usize << keys.leaf_log(),
            "setup_ms": setup.as_secs_f64() * 1e3,
            "prove_ms": prove.as_secs_f64() * 1e3,
            "prove_ms_per_level": level_ms,
            "prove_cpu_ms_per_level": level_cpu_ms,
            "proofs_per_level": level_proofs,
            "root_log_heights": keys.root_key().log_heights(),
            "root_proof_bytes": root.to_bytes().len(),
            "verify_ms": verify.as_secs_f64() * 1e3,
            "threads": std::thread::available_parallelism().map_or(1, |n| n.get()),
        })
    );
}

/// The wrap over a root proof: its key, proof and native check, with the process's peak
/// resident memory after proving.
fn wrap_root(
    root_key: &CircuitKey,
    root: &aggregation_circuit::CircuitProof,
    digest: &hegemon_crypto::poseidon2::Digest,
) -> serde_json::Value {
    use aggregation_circuit::wrap::WrapKey;
    let start = Instant::now();
    let key = WrapKey::new(root_key);
    let setup = start.elapsed();
    eprintln!("wrap key in {setup:?}");
    let start = Instant::now();
    let proof = key.prove(root_key, root, digest).expect("the wrap proves");
    let prove = start.elapsed();
    eprintln!("wrap proof in {prove:?}");
    let bytes = proof.to_bytes();
    let decoded = aggregation_circuit::CircuitProof::from_bytes(&bytes).expect("decodes");
    // Verify as an importer does, with a verification-only key: the proving key's gigabytes are
    // released first, so the allocator is not left trimming them during the timed runs.
    let key = key.into_verifier();
    // The median of several runs (with the fastest and the 90th percentile, to show the
    // spread): one verification is milliseconds.
    let runs = std::env::var("HEGEMON_VERIFY_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(9);
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            key.verify(&decoded, digest).expect("the wrap verifies");
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    serde_json::json!({
        "setup_ms": setup.as_secs_f64() * 1e3,
        "prove_ms": prove.as_secs_f64() * 1e3,
        "log_heights": key.key().log_heights(),
        "proof_bytes": bytes.len(),
        "verify_ms": times[times.len() / 2],
        "verify_ms_min": times[0],
        "verify_ms_p90": times[times.len() * 9 / 10],
        "conjectured_bits": key.key().security().conjectured_bits,
        "peak_rss_mib": status_mib("VmHWM:"),
    })
}

/// Resident memory of this process in MiB (Linux), 0 where unknown.
fn rss_mib() -> u64 {
    status_mib("VmRSS:")
}

/// A memory line of `/proc/self/status` in MiB (Linux), 0 where unknown.
fn status_mib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with(field))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kib| kib / 1024)
}

/// Builds a tree's keys for verification only, then for proving: time and memory kept.
fn keys(depth: usize) {
    use aggregation_circuit::tree::TreeKeys;
    let base = rss_mib();
    let start = Instant::now();
    let verifier = TreeKeys::verifier(depth);
    let verifier_ms = start.elapsed().as_secs_f64() * 1e3;
    let verifier_mib = rss_mib().saturating_sub(base);
    drop(verifier);
    let base = rss_mib();
    let start = Instant::now();
    let prover = TreeKeys::new(depth);
    let prover_ms = start.elapsed().as_secs_f64() * 1e3;
    let prover_mib = rss_mib().saturating_sub(base);
    println!(
        "{}",
        serde_json::json!({
            "bench": "tree_keys",
            "depth": depth,
            "leaf_transfers": 1usize << prover.leaf_log(),
            "verifier_keys_ms": verifier_ms,
            "verifier_keys_rss_mib": verifier_mib,
            "prover_keys_ms": prover_ms,
            "prover_keys_rss_mib": prover_mib,
            "threads": std::thread::available_parallelism().map_or(1, |n| n.get()),
        })
    );
}
