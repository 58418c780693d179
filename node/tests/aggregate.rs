//! One aggregated proof per block: an author started with `--aggregate` mines shielded transfers
//! only through `submit_aggregated` (their public inputs and ONE recursive proof, no proof per
//! transfer), and a peer imports those blocks by verifying that proof and sampling the payload.

mod common;
#[path = "common/transfer.rs"]
#[allow(dead_code)] // the benchmark uses the raw bytes
mod transfer;

use codec::Decode;
use common::{Node, Storage, raw_result, wait_for};
use hegemon_runtime::{RuntimeCall, UncheckedExtrinsic};
use pallet_shielded_pool::Call as Pool;
use transfer::dev_transfer;

fn is_spent(node: &Node, nullifier: &str) -> bool {
    node.rpc("hegemon_isNullifierSpent", &format!(r#"["{nullifier}"]"#))
        .as_deref()
        .and_then(raw_result)
        == Some("true")
}

/// The calls of block `number` on `node`'s best chain.
fn block_calls(node: &Node, number: u64) -> Vec<RuntimeCall> {
    let hash = node.block_hash(number).expect("block hash");
    let block = node
        .rpc("chain_getBlock", &format!(r#"["{hash}"]"#))
        .expect("block");
    let list = block
        .split(r#""extrinsics":["#)
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("an extrinsics list");
    list.split('"')
        .filter(|s| s.starts_with("0x"))
        .map(|s| {
            let bytes = hex::decode(&s[2..]).expect("hex");
            UncheckedExtrinsic::decode(&mut &bytes[..])
                .expect("an extrinsic")
                .function
        })
        .collect()
}

#[test]
fn an_aggregating_author_mines_one_proof_per_batch_and_a_peer_imports_it() {
    let miner = Node::start(
        "agg-miner",
        Storage::Tmp,
        &["--chain", "dev", "--mine", "--aggregate"],
    );
    let peer = Node::start(
        "agg-peer",
        Storage::Tmp,
        &["--chain", "dev", "--bootnodes", &miner.multiaddr()],
    );
    let fee = miner.fee_quote();
    let transfers = [dev_transfer([0, 1], fee), dev_transfer([2, 3], fee)];
    for transfer in &transfers {
        let response = miner
            .rpc("hegemon_submitTransfer", &transfer.params())
            .expect("response");
        assert!(raw_result(&response).is_some(), "refused: {response}");
    }
    for transfer in &transfers {
        wait_for("the transfer to be mined", || {
            is_spent(&miner, &transfer.nullifiers[0]).then_some(())
        });
    }

    // Every transfer entered the chain through an aggregated batch, none with its own proof.
    let best = miner.best_number().expect("best");
    let mut aggregated = Vec::new();
    for number in 1..=best {
        for call in block_calls(&miner, number) {
            match call {
                RuntimeCall::ShieldedPool(Pool::submit_aggregated { transfers, proof }) => {
                    println!(
                        "#{number}: {} transfers under one proof of {} bytes",
                        transfers.len(),
                        proof.len()
                    );
                    aggregated.extend(transfers.into_iter().map(hex::encode));
                }
                RuntimeCall::ShieldedPool(Pool::submit_transfers { .. }) => {
                    panic!("#{number} carries a transfer with its own proof")
                }
                _ => {}
            }
        }
    }
    aggregated.sort();
    let mut submitted: Vec<String> = transfers
        .iter()
        .map(|t| t.public_inputs.trim_start_matches("0x").to_owned())
        .collect();
    submitted.sort();
    assert_eq!(aggregated, submitted);

    // The peer verified the aggregated proofs (and sampled the payloads) to import them.
    wait_for("the peer to import the aggregated blocks", || {
        transfers
            .iter()
            .all(|t| is_spent(&peer, &t.nullifiers[1]))
            .then_some(())
    });
    assert_eq!(peer.block_hash(best), miner.block_hash(best));
}
