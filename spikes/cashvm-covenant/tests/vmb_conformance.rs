//! Conformance with the public 2026 VMB vectors: every vector is run in standard and in
//! block-validation mode, and the verdict compared with the reference VM's; for every accepted
//! tested input, its exact operation cost (`*_limits.json`) and its hash digest iterations,
//! evaluated instructions, pushed bytes and arithmetic cost (`*_stats.csv`) are compared too.
//!
//! Signature opcodes are not modelled (no elliptic curves here): a vector whose tested input
//! reaches one is counted as skipped. Other inputs of a vector (usually a signed P2PKH funding
//! input) are taken as valid when they reach a signature check, since the reference signed them;
//! a vector the reference rejects *because of* such an input is skipped too.

mod common;

use std::collections::BTreeMap;

use cashvm_covenant::verify::check_transaction;
use cashvm_covenant::{Metrics, Mode, Output, ResolvedTx, Transaction, Vm, VmError};
use serde_json::Value;

/// What our VM makes of one vector in one mode.
enum Verdict {
    /// Accepted; what the tested input consumed.
    Accept(Metrics),
    Reject(String),
    /// The tested input needs a signature check.
    Skip,
}

struct Run {
    verdict: Verdict,
    /// Inputs taken as valid because they reached a signature check.
    assumed: Vec<usize>,
}

fn run(tx_hex: &str, utxos_hex: &str, tested: usize, mode: Mode) -> Run {
    let reject = |why: String| Run {
        verdict: Verdict::Reject(why),
        assumed: Vec::new(),
    };
    let (Ok(tx_bytes), Ok(utxo_bytes)) = (hex::decode(tx_hex), hex::decode(utxos_hex)) else {
        return reject("hex".into());
    };
    let tx = match (
        Transaction::decode(&tx_bytes),
        Output::decode_list(&utxo_bytes),
    ) {
        (Ok(tx), Ok(utxos)) => match ResolvedTx::new(tx, utxos) {
            Ok(tx) => tx,
            Err(e) => return reject(e.to_string()),
        },
        (tx, utxos) => return reject(format!("decoding: {tx:?} {utxos:?}")),
    };
    if let Err(e) = check_transaction(&tx, mode) {
        return reject(e.to_string());
    }
    let vm = Vm::new(mode);
    let mut assumed = Vec::new();
    let mut tested_metrics = Metrics::default();
    for index in 0..tx.inputs.len() {
        match vm.eval_input(&tx, index) {
            Ok(metrics) if index == tested => tested_metrics = metrics,
            Ok(_) => {}
            Err(VmError::SignatureUnsupported { .. }) if index == tested => {
                return Run {
                    verdict: Verdict::Skip,
                    assumed,
                };
            }
            Err(VmError::SignatureUnsupported { .. }) => assumed.push(index),
            Err(e) => {
                return Run {
                    verdict: Verdict::Reject(format!("input {index}: {e}")),
                    assumed,
                };
            }
        }
    }
    Run {
        verdict: Verdict::Accept(tested_metrics),
        assumed,
    }
}

#[derive(Default)]
struct Tally {
    vectors: usize,
    agree: usize,
    skipped: usize,
    /// Of the skipped: the reference rejects because of another input's signature.
    skipped_other_input: usize,
    disagree: usize,
    op_cost_checked: usize,
    op_cost_wrong: usize,
    counts_checked: usize,
}

/// `id → [hash digest iterations, instructions, pushed bytes, arithmetic cost]` from a stats
/// CSV (the last four columns; descriptions may hold commas, so fields are read from the end).
fn stats(csv: Option<&String>) -> BTreeMap<String, [u64; 4]> {
    let Some(csv) = csv else {
        return BTreeMap::new();
    };
    csv.lines()
        .skip(1)
        .filter_map(|line| {
            let id = line.split(',').next()?.to_string();
            let mut tail = line.rsplit(',').map(|f| f.parse::<u64>());
            let (arith, pushed, instructions, hashes) =
                (tail.next()?, tail.next()?, tail.next()?, tail.next()?);
            Some((
                id,
                [hashes.ok()?, instructions.ok()?, pushed.ok()?, arith.ok()?],
            ))
        })
        .collect()
}

/// The input index a reference error names (`error in evaluating input index N`).
fn failing_input(expected: &str) -> Option<usize> {
    let tail = expected.split("evaluating input index ").nth(1)?;
    tail.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[test]
fn every_vmb_vector_gets_the_reference_verdict_and_metering() {
    let files = common::files(&[".json", ".csv"]);
    let mut tallies: BTreeMap<(String, &str), Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    for (key, text) in files.iter().filter(|(k, _)| k.ends_with(".vmb_tests.json")) {
        let suite = common::suite(key).to_string();
        let base = key.trim_end_matches(".vmb_tests.json");
        let vectors: Value = serde_json::from_str(text).expect("vectors JSON");
        for (mode, mode_name) in [
            (Mode::Standard, "standard"),
            (Mode::Consensus, "nonstandard"),
        ] {
            let parse = |kind: &str| -> Value {
                files
                    .get(&format!("{base}.{mode_name}_{kind}.json"))
                    .map_or(Value::Null, |t| serde_json::from_str(t).expect("JSON"))
            };
            let (results, limits) = (parse("results"), parse("limits"));
            let counts = stats(files.get(&format!("{base}.{mode_name}_stats.csv")));
            let tally = tallies.entry((suite.clone(), mode_name)).or_default();
            for v in vectors.as_array().expect("array") {
                let id = v[0].as_str().expect("id");
                let tested = v.get(6).and_then(Value::as_u64).unwrap_or(0) as usize;
                let expected = &results[id];
                let run = run(
                    v[4].as_str().expect("tx"),
                    v[5].as_str().expect("utxos"),
                    tested,
                    mode,
                );
                tally.vectors += 1;
                let expected_error = expected.as_str();
                let agrees = match (&run.verdict, expected_error) {
                    (Verdict::Skip, _) => {
                        tally.skipped += 1;
                        continue;
                    }
                    (Verdict::Accept(_), Some(why))
                        if failing_input(why).is_some_and(|i| run.assumed.contains(&i)) =>
                    {
                        tally.skipped += 1;
                        tally.skipped_other_input += 1;
                        continue;
                    }
                    (Verdict::Accept(metrics), None) => {
                        let op_cost = metrics.op_cost(mode);
                        if let Some(want) = limits[id].get(2).and_then(Value::as_u64) {
                            tally.op_cost_checked += 1;
                            if want != op_cost {
                                tally.op_cost_wrong += 1;
                                failures.push(format!(
                                    "{key} {mode_name} {id}: op cost {op_cost}, reference {want} ({})",
                                    v[1].as_str().unwrap_or("")
                                ));
                            }
                        }
                        if let Some(want) = counts.get(id) {
                            tally.counts_checked += 1;
                            let ours = [
                                metrics.hash_iterations,
                                metrics.instructions,
                                metrics.pushed_bytes,
                                metrics.arithmetic_cost,
                            ];
                            if &ours != want {
                                failures.push(format!(
                                    "{key} {mode_name} {id}: hashes, instructions, pushed, \
                                     arithmetic {ours:?}, reference {want:?}"
                                ));
                            }
                        }
                        expected == &Value::Bool(true)
                    }
                    (Verdict::Reject(_), Some(_)) => true,
                    (Verdict::Accept(_), Some(_)) | (Verdict::Reject(_), None) => false,
                };
                if agrees {
                    tally.agree += 1;
                } else {
                    tally.disagree += 1;
                    let ours = match &run.verdict {
                        Verdict::Reject(why) => format!("rejected: {why}"),
                        _ => "accepted".into(),
                    };
                    failures.push(format!(
                        "{key} {mode_name} {id} ({}): reference {expected}, ours {ours}",
                        v[1].as_str().unwrap_or("")
                    ));
                }
            }
        }
    }
    println!(
        "suite / mode: vectors, agree, skipped for signatures (of which another input's), \
         disagree; op costs checked, wrong; metric counts checked"
    );
    for ((suite, mode), t) in &tallies {
        println!(
            "{suite} / {mode}: {}, {}, {} ({}), {}; {}, {}; {}",
            t.vectors,
            t.agree,
            t.skipped,
            t.skipped_other_input,
            t.disagree,
            t.op_cost_checked,
            t.op_cost_wrong,
            t.counts_checked
        );
    }
    for f in failures.iter().take(60) {
        println!("{f}");
    }
    let total: usize = tallies.values().map(|t| t.vectors).sum();
    assert!(
        total > 2 * 29_000,
        "expected the full 2026 suites, read {total}"
    );
    assert!(failures.is_empty(), "{} disagreements", failures.len());
}
