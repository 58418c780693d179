//! Every transaction and source-output set in the public 2026 VMB vectors decodes and
//! re-encodes byte for byte (the entries libauth itself cannot parse are counted separately).
//!
//! The vectors are read straight from `../shared/vectors/vmb-2026.tar.zst` (override with
//! `HEGEMON_VMB_ARCHIVE`); they are never unpacked into the repository.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use cashvm_covenant::{Output, Transaction};

fn archive_path() -> PathBuf {
    std::env::var_os("HEGEMON_VMB_ARCHIVE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // The runtime value: a test binary reused from another checkout (a shared target
            // directory) must look beside this one.
            let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
                .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
            manifest.join("../../../shared/vectors/vmb-2026.tar.zst")
        })
}

/// `(suite folder, vectors JSON)` for every `*.vmb_tests.json` in the archive.
pub fn vector_files() -> Vec<(String, String)> {
    let path = archive_path();
    let file = std::fs::File::open(&path).unwrap_or_else(|e| {
        panic!("{}: {e}. The VMB vectors live in shared/vectors beside the clone; set HEGEMON_VMB_ARCHIVE", path.display())
    });
    let decoder = ruzstd::decoding::StreamingDecoder::new(file).expect("zstd archive");
    let mut archive = tar::Archive::new(decoder);
    let mut files = Vec::new();
    for entry in archive.entries().expect("tar entries") {
        let mut entry = entry.expect("tar entry");
        let name = entry.path().expect("path").to_string_lossy().into_owned();
        if !name.ends_with(".vmb_tests.json") {
            continue;
        }
        let suite = name
            .split('/')
            .find(|p| p.starts_with("bch_2026"))
            .unwrap_or("?")
            .to_string();
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("utf-8 JSON");
        files.push((suite, text));
    }
    files
}

#[test]
fn every_vector_transaction_round_trips() {
    let mut totals: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (suite, text) in vector_files() {
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
