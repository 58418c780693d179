//! `circuits-bench`: proves and verifies transaction proofs and prints one JSON object.
//!
//! ```text
//! cargo run -p circuits-bench --release -- --smoke --json --prove [--threads N] [--iterations N]
//! ```
//! `--smoke` runs 3 iterations (seconds); the default is 10. Times are per transaction, the
//! median over iterations, wall-clock on `threads` threads (default 1, the figure the issue
//! targets). Sizes are the encoded proof in bytes. Without `--prove`, only the circuit's shape
//! and security are reported. Without `--json`, the same fields print one per line.

use std::time::Instant;

use serde_json::{Value, json};
use transaction_circuit::columns::NUM_TX_COLS;
use transaction_circuit::schedule::TRACE_HEIGHT;
use transaction_circuit::testing::transfer_witness;
use transaction_circuit::{TransactionAir, prove, security_report, verify};

struct Options {
    smoke: bool,
    json: bool,
    prove: bool,
    threads: usize,
    iterations: Option<usize>,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        smoke: false,
        json: false,
        prove: false,
        threads: 1,
        iterations: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("{name} needs a positive integer"))
        };
        match arg.as_str() {
            "--smoke" => o.smoke = true,
            "--json" => o.json = true,
            "--prove" => o.prove = true,
            "--threads" => o.threads = number("--threads")?,
            "--iterations" => o.iterations = Some(number("--iterations")?),
            "-h" | "--help" => {
                return Err("usage: circuits-bench [--smoke] [--json] [--prove] [--threads N] [--iterations N]".into());
            }
            other => return Err(format!("unknown argument {other:?}; try --help")),
        }
    }
    Ok(o)
}

fn median(mut v: Vec<u128>) -> u128 {
    v.sort_unstable();
    v[v.len() / 2]
}

fn main() {
    let options = match parse_args() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    if let Err(e) = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build_global()
    {
        eprintln!("cannot start {} threads: {e}", options.threads);
        std::process::exit(1);
    }
    let security = security_report(&TransactionAir::new());
    let mut report = json!({
        "bench": "transaction",
        "threads": options.threads,
        "trace_rows": TRACE_HEIGHT,
        "trace_width": NUM_TX_COLS,
        "fri_conjectured_soundness_bits": security.conjectured_bits,
        "fri_proven_soundness_bits": security.proven_bits,
        "fri_legacy_soundness_bits": security.legacy_fri_bits,
        "zero_knowledge": true,
    });
    if options.prove {
        let iterations = options
            .iterations
            .unwrap_or(if options.smoke { 3 } else { 10 });
        let witness = transfer_witness();
        let (mut prove_ns, mut verify_ns, mut sizes) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..iterations {
            if !options.json {
                eprintln!("proving {}/{iterations}…", i + 1);
            }
            let start = Instant::now();
            let (public, proof) = match prove(&witness) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("proving failed: {e}");
                    std::process::exit(1);
                }
            };
            prove_ns.push(start.elapsed().as_nanos());
            let start = Instant::now();
            const VERIFY_REPS: u32 = 20;
            for _ in 0..VERIFY_REPS {
                if let Err(e) = verify(&public, &proof) {
                    eprintln!("verification failed: {e}");
                    std::process::exit(1);
                }
            }
            verify_ns.push(start.elapsed().as_nanos() / u128::from(VERIFY_REPS));
            sizes.push(proof.as_bytes().len());
        }
        let prove_ns = median(prove_ns);
        let fields = [
            ("iterations", json!(iterations)),
            (
                "tx_proof_bytes_avg",
                json!(sizes.iter().sum::<usize>() / sizes.len()),
            ),
            ("tx_proof_bytes_max", json!(sizes.iter().max())),
            ("prove_ns", json!(prove_ns)),
            ("verify_ns", json!(median(verify_ns))),
            ("transactions_per_second", json!(1e9 / prove_ns as f64)),
        ];
        if let Value::Object(map) = &mut report {
            map.extend(fields.into_iter().map(|(k, v)| (k.to_string(), v)));
        }
    }
    if options.json {
        println!("{report}");
    } else if let Value::Object(map) = report {
        for (k, v) in map {
            println!("{k}: {v}");
        }
    }
}
