//! Every transaction and source-output set in the public 2026 VMB vectors decodes and
//! re-encodes byte for byte (the entries libauth itself cannot parse are counted separately).

mod common;

use std::collections::BTreeMap;

use cashvm_covenant::{Output, Transaction};

#[test]
fn every_vector_transaction_round_trips() {
    let mut totals: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (key, text) in common::files(&[".vmb_tests.json"]) {
        let suite = common::suite(&key).to_string();
        let tests: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        for t in tests.as_array().expect("array") {
            let id = t[0].as_str().unwrap_or("?");
            let tx_hex = hex::decode(t[4].as_str().expect("tx hex")).expect("hex");
            let utxo_hex = hex::decode(t[5].as_str().expect("utxo hex")).expect("hex");
            let entry = totals.entry(suite.clone()).or_default();
            entry.0 += 1;
            match (Transaction::decode(&tx_hex), Output::decode_list(&utxo_hex)) {
                (Ok(tx), Ok(utxos)) => {
                    assert_eq!(
                        tx.encode(),
                        tx_hex,
                        "{suite}/{id}: transaction re-encodes differently"
                    );
                    let mut again = Vec::new();
                    cashvm_covenant::encoding::write_compact_size(&mut again, utxos.len() as u64);
                    utxos.iter().for_each(|o| o.encode(&mut again));
                    assert_eq!(
                        again, utxo_hex,
                        "{suite}/{id}: source outputs re-encode differently"
                    );
                    assert_eq!(
                        tx.inputs.len(),
                        utxos.len(),
                        "{suite}/{id}: one source output per input"
                    );
                }
                (tx, utxos) => {
                    assert!(
                        suite.ends_with("invalid"),
                        "{suite}/{id} does not decode: {tx:?} {utxos:?}"
                    );
                    entry.1 += 1;
                }
            }
        }
    }
    for (suite, (count, undecodable)) in &totals {
        println!("{suite}: {count} vectors, {undecodable} with undecodable transactions");
    }
    let total: usize = totals.values().map(|v| v.0).sum();
    assert!(
        total > 29_000,
        "expected the full 2026 suites, read {total}"
    );
    // The vector README: 16 invalid entries do not parse as transactions.
    assert_eq!(totals.get("bch_2026_invalid").map(|v| v.1), Some(16));
}
