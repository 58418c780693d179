//! Evaluation speed on the most expensive public vectors (accepted inputs, block-validation
//! rules): the ten with the highest operation cost and the ten slowest to evaluate, each timed
//! over repeated evaluations. Prints one JSON object per vector, then a summary. The slowest
//! group's operation cost per microsecond is the VM's worst case: the budget a transaction buys
//! bounds its evaluation time through it.
//!
//!     cargo bench -p cashvm-covenant --bench vm

#[path = "../tests/common/mod.rs"]
#[allow(dead_code)]
mod common;

use std::time::{Duration, Instant};

use cashvm_covenant::{Mode, Output, ResolvedTx, Transaction, Vm};

struct Candidate {
    id: String,
    description: String,
    tx: ResolvedTx,
    input: usize,
    op_cost: u64,
}

fn main() {
    let vm = Vm::new(Mode::Consensus);
    let mut candidates = Vec::new();
    for (key, text) in common::files(&[".vmb_tests.json"]) {
        if key.starts_with("bch_2026_invalid") {
            continue;
        }
        let vectors: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        for v in vectors.as_array().expect("array") {
            let input = v.get(6).and_then(serde_json::Value::as_u64).unwrap_or(0) as usize;
            let decoded = (
                hex::decode(v[4].as_str().unwrap_or_default())
                    .ok()
                    .and_then(|b| Transaction::decode(&b).ok()),
                hex::decode(v[5].as_str().unwrap_or_default())
                    .ok()
                    .and_then(|b| Output::decode_list(&b).ok()),
            );
            let (Some(tx), Some(utxos)) = decoded else {
                continue;
            };
            let Ok(tx) = ResolvedTx::new(tx, utxos) else {
                continue;
            };
            if let Ok(metrics) = vm.eval_input(&tx, input) {
                candidates.push(Candidate {
                    id: v[0].as_str().unwrap_or("?").into(),
                    description: v[1].as_str().unwrap_or("").into(),
                    op_cost: metrics.op_cost(Mode::Consensus),
                    tx,
                    input,
                });
            }
        }
    }
    // One timing of every candidate finds the slow ones.
    let mut first_pass: Vec<(Duration, usize)> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let start = Instant::now();
            vm.eval_input(&c.tx, c.input).expect("accepted before");
            (start.elapsed(), i)
        })
        .collect();
    first_pass.sort_by_key(|(t, _)| std::cmp::Reverse(*t));
    let slowest: Vec<usize> = first_pass.iter().take(10).map(|(_, i)| *i).collect();
    let mut by_cost: Vec<usize> = (0..candidates.len()).collect();
    by_cost.sort_by_key(|&i| std::cmp::Reverse(candidates[i].op_cost));
    for (group, picks) in [
        ("highest_op_cost", &by_cost[..10]),
        ("slowest", &slowest[..]),
    ] {
        let (mut total_cost, mut total_time) = (0u128, Duration::ZERO);
        for &i in picks {
            let c = &candidates[i];
            let start = Instant::now();
            let mut runs = 0u32;
            while runs < 5 || start.elapsed() < Duration::from_millis(300) {
                vm.eval_input(&c.tx, c.input).expect("accepted before");
                runs += 1;
            }
            let per_run = start.elapsed() / runs;
            total_cost += u128::from(c.op_cost);
            total_time += per_run;
            let micros = per_run.as_secs_f64() * 1e6;
            println!(
                "{{\"group\":\"{group}\",\"id\":\"{}\",\"description\":{},\"op_cost\":{},\"micros\":{:.1},\"op_cost_per_micro\":{:.1}}}",
                c.id,
                serde_json::Value::String(c.description.clone()),
                c.op_cost,
                micros,
                c.op_cost as f64 / micros
            );
        }
        println!(
            "{{\"group\":\"{group}\",\"vectors_evaluated\":{},\"op_cost_per_micro\":{:.1}}}",
            candidates.len(),
            total_cost as f64 / (total_time.as_secs_f64() * 1e6)
        );
    }
}
