//! The assembler against the vectors' own ASM: wherever a vector's unlocking and locking ASM
//! use no key templates, they assemble to exactly the bytecode in its transaction (directly for
//! P2S, with the redeem bytecode pushed last for P2SH). Every bytecode in the vectors
//! disassembles to text that assembles back to the same bytes.

#[allow(dead_code)]
mod common;

use std::collections::BTreeMap;

use cashvm_covenant::asm::{AsmError, assemble, disassemble};
use cashvm_covenant::script::{Script, encode_push};
use cashvm_covenant::{Output, Transaction};

#[test]
fn vector_asm_assembles_to_the_vector_bytecode() {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut mismatches = Vec::new();
    for (key, text) in common::files(&[".vmb_tests.json"]) {
        let vectors: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        for v in vectors.as_array().expect("array") {
            let id = v[0].as_str().expect("id");
            let tested = v.get(6).and_then(serde_json::Value::as_u64).unwrap_or(0) as usize;
            let (Ok(tx), Ok(utxos)) = (
                Transaction::decode(&hex::decode(v[4].as_str().expect("tx")).expect("hex")),
                Output::decode_list(&hex::decode(v[5].as_str().expect("utxos")).expect("hex")),
            ) else {
                *counts.entry("undecodable transaction").or_default() += 1;
                continue;
            };
            let unlocking = &tx.inputs[tested].unlocking;
            let locking = &utxos[tested].locking;
            for bytes in [unlocking, locking] {
                if Script::parse(bytes).is_ok() {
                    let text = disassemble(bytes);
                    assert_eq!(&assemble(&text).expect(&text), bytes, "{key} {id}: {text}");
                    *counts
                        .entry("bytecode round-tripped through disassembly")
                        .or_default() += 1;
                }
            }
            let assembled = (
                assemble(v[2].as_str().expect("unlocking ASM")),
                assemble(v[3].as_str().expect("locking ASM")),
            );
            let (unlock, lock) = match assembled {
                (Ok(u), Ok(l)) => (u, l),
                (Err(AsmError::UnknownIdentifier(_)), _)
                | (_, Err(AsmError::UnknownIdentifier(_))) => {
                    *counts
                        .entry("ASM with key templates (not assembled)")
                        .or_default() += 1;
                    continue;
                }
                (u, l) => panic!("{key} {id}: {u:?} {l:?}"),
            };
            if &unlock == unlocking && &lock == locking {
                *counts.entry("assembled: P2S").or_default() += 1;
            } else if [unlock.clone(), encode_push(&lock)].concat() == *unlocking {
                *counts.entry("assembled: P2SH").or_default() += 1;
            } else {
                mismatches.push(format!("{key} {id}"));
            }
        }
    }
    for (what, n) in &counts {
        println!("{what}: {n}");
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches: {:?}",
        mismatches.len(),
        &mismatches[..mismatches.len().min(20)]
    );
    let assembled: usize = counts
        .iter()
        .filter(|(k, _)| k.starts_with("assembled"))
        .map(|(_, n)| n)
        .sum();
    assert!(assembled > 20_000, "{assembled} vectors assembled");
}
