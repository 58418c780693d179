//! A real shielded transfer through real nodes: submitted over RPC with its ciphertexts, mined
//! with its DA payload, sampled and fetched by a peer before import, served by `da_*`; a peer
//! that withholds or corrupts chunks gets its block rejected; a killed node keeps its chain and
//! payloads.

mod common;
#[path = "common/transfer.rs"]
#[allow(dead_code)] // the benchmark uses the raw bytes
mod transfer;

use common::{Node, Storage, error_code, raw_result, wait_for};
use transfer::{Submission, dev_transfer};

fn is_true(response: Option<String>) -> bool {
    response.as_deref().and_then(raw_result) == Some("true")
}

/// Submits a transfer spending dev notes `spends`; returns it.
fn submit(node: &Node, spends: [u32; 2]) -> Submission {
    let transfer = dev_transfer(spends, node.fee_quote());
    let response = node
        .rpc("hegemon_submitTransfer", &transfer.params())
        .expect("response");
    assert!(
        raw_result(&response).is_some(),
        "submission failed: {response}"
    );
    transfer
}

/// Waits until `nullifier` is spent on `node`'s best chain; returns the block holding it.
fn mined_in(node: &Node, nullifier: &str) -> (u64, String) {
    let params = format!(r#"["{nullifier}"]"#);
    wait_for("the transfer to be mined", || {
        is_true(node.rpc("hegemon_isNullifierSpent", &params)).then_some(())
    });
    let best = node.best_number().expect("best");
    (1..=best)
        .rev()
        .find_map(|n| {
            let hash = node.block_hash(n)?;
            is_true(node.rpc("da_isAvailable", &format!(r#"["{hash}"]"#))).then_some((n, hash))
        })
        .expect("a block with a DA payload")
}

fn code(node: &Node, method: &str, params: &str) -> Option<i64> {
    error_code(&node.rpc(method, params).expect("response"))
}

#[test]
fn a_transfer_is_mined_with_its_payload_and_a_peer_samples_it() {
    let miner = Node::start("tx-miner", Storage::Tmp, &["--chain", "dev", "--mine"]);
    let peer = Node::start(
        "tx-peer",
        Storage::Tmp,
        &["--chain", "dev", "--bootnodes", &miner.multiaddr()],
    );
    let submitted = submit(&miner, [0, 1]);
    let nullifier = submitted.nullifiers[0].clone();
    let (number, hash) = mined_in(&miner, &nullifier);

    // The miner serves the payload's chunks with paths to the committed root.
    let chunk = miner
        .rpc("da_getChunk", &format!(r#"["{hash}",0]"#))
        .expect("chunk");
    assert!(chunk.contains(r#""path":["0x"#), "{chunk}");
    let chunks = miner
        .rpc("da_getChunks", &format!(r#"["{hash}",[1,2,63]]"#))
        .expect("chunks");
    assert_eq!(chunks.matches(r#""index":"#).count(), 3, "{chunks}");

    // The peer imported the same block only after sampling and fetching its payload.
    wait_for("the peer to import the transfer's block", || {
        (peer.block_hash(number).as_deref() == Some(hash.as_str())).then_some(())
    });
    assert!(is_true(
        peer.rpc("da_isAvailable", &format!(r#"["{hash}"]"#))
    ));
    assert!(is_true(peer.rpc(
        "hegemon_isNullifierSpent",
        &format!(r#"["{nullifier}"]"#)
    )));

    // Wallets read the block's notes from the peer's DA store: the two outputs, after the 16
    // genesis notes, with exactly the submitted ciphertexts.
    let page = peer
        .rpc("hegemon_blockNotes", &format!("[0,{number}]"))
        .expect("notes");
    assert!(page.contains(r#""firstPosition":16"#), "{page}");
    assert!(page.contains(&submitted.ciphertexts[0]) && page.contains(&submitted.ciphertexts[1]));
    assert!(
        page.contains(&format!(r#""next":{}"#, number + 1)),
        "{page}"
    );
    assert_eq!(code(&peer, "hegemon_blockNotes", "[5,1]"), Some(-32602));
    assert_eq!(code(&peer, "hegemon_blockNotes", "[0,1000]"), Some(4004));
    assert_eq!(code(&peer, "hegemon_treeFrontier", "[99999]"), Some(4005));
    assert_eq!(
        code(&peer, "hegemon_treeFrontier", r#"["x"]"#),
        Some(-32602)
    );

    // Bad parameters get typed errors, and nothing changes.
    assert_eq!(code(&miner, "da_getChunk", r#"["0x12",0]"#), Some(-32602));
    assert_eq!(code(&miner, "da_getChunk", r#"["0x12",-1]"#), Some(-32602));
    let nowhere = format!("0x{}", "ab".repeat(32));
    assert_eq!(
        code(&miner, "da_getChunk", &format!(r#"["{nowhere}",0]"#)),
        Some(4001)
    );
    assert_eq!(
        code(&miner, "da_getChunk", &format!(r#"["{hash}",100000]"#)),
        Some(4003)
    );
    let many: Vec<String> = (0..65).map(|i| i.to_string()).collect();
    let many = format!(r#"["{hash}",[{}]]"#, many.join(","));
    assert_eq!(code(&miner, "da_getChunks", &many), Some(4004));
    assert_eq!(
        code(&miner, "hegemon_isNullifierSpent", r#"["0x00"]"#),
        Some(-32602)
    );
    assert_eq!(
        code(&miner, "hegemon_submitTransfer", r#"["0x00","0x",[]]"#),
        Some(-32602)
    );

    // The same transfer again: its nullifiers are spent, so the pool refuses it.
    let again = dev_transfer([0, 1], miner.fee_quote());
    assert_eq!(
        code(&miner, "hegemon_submitTransfer", &again.params()),
        Some(4011)
    );
    // A ciphertext that is not the one the proof binds.
    let mut swapped = dev_transfer([2, 3], miner.fee_quote());
    swapped.ciphertexts.swap(0, 1);
    assert_eq!(
        code(&miner, "hegemon_submitTransfer", &swapped.params()),
        Some(4010)
    );
    // A proof with one byte changed.
    let mut tampered = dev_transfer([2, 3], miner.fee_quote());
    let at = tampered.proof.len() / 2;
    let flipped = if &tampered.proof[at..at + 1] == "0" {
        "1"
    } else {
        "0"
    };
    tampered.proof.replace_range(at..at + 1, flipped);
    assert_eq!(
        code(&miner, "hegemon_submitTransfer", &tampered.params()),
        Some(4011)
    );
}

/// A miner that serves its chunks dishonestly: the peer must not import the block.
fn rejected_when_served(mode: &str) {
    let miner = Node::start(
        &format!("{mode}-miner"),
        Storage::Tmp,
        &["--chain", "dev", "--mine", "--da-serve", mode],
    );
    let peer = Node::start(
        &format!("{mode}-peer"),
        Storage::Tmp,
        &["--chain", "dev", "--bootnodes", &miner.multiaddr()],
    );
    let (number, hash) = mined_in(&miner, &submit(&miner, [4, 5]).nullifiers[0]);
    // The peer follows the chain up to the block before, then stops there.
    peer.wait_for_height(number - 1);
    miner.wait_for_height(number + 3);
    std::thread::sleep(std::time::Duration::from_secs(5));
    let best = peer.best_number().expect("best");
    assert!(
        best < number,
        "{mode}: the peer imported #{best} ≥ #{number} whose chunks were not available"
    );
    assert!(!is_true(
        peer.rpc("da_isAvailable", &format!(r#"["{hash}"]"#))
    ));
}

#[test]
fn blocks_whose_chunks_are_withheld_or_corrupt_are_rejected() {
    rejected_when_served("withhold");
    rejected_when_served("corrupt");
}

#[test]
fn a_killed_node_keeps_its_chain_and_payloads() {
    let dir = std::env::temp_dir().join(format!("hegemon-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (number, hash) = {
        let node = Node::start(
            "restart-1",
            Storage::BasePath(&dir),
            &["--chain", "dev", "--mine"],
        );
        mined_in(&node, &submit(&node, [6, 7]).nullifiers[0])
        // dropped here: SIGKILL, no clean shutdown
    };
    let node = Node::start("restart-2", Storage::BasePath(&dir), &["--chain", "dev"]);
    node.wait_for_height(number);
    assert_eq!(node.block_hash(number).as_deref(), Some(hash.as_str()));
    let chunk = node
        .rpc("da_getChunk", &format!(r#"["{hash}",5]"#))
        .expect("chunk");
    assert!(chunk.contains(r#""index":5"#), "{chunk}");
    drop(node);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_transfer_sent_to_a_non_mining_node_is_mined_by_its_peer() {
    let wallet_node = Node::start("relay-entry", Storage::Tmp, &["--chain", "dev"]);
    let miner = Node::start(
        "relay-miner",
        Storage::Tmp,
        &[
            "--chain",
            "dev",
            "--mine",
            "--bootnodes",
            &wallet_node.multiaddr(),
        ],
    );
    // Wait until they are connected, so the transfer gossips to the miner.
    wait_for("the nodes to connect", || {
        miner
            .rpc("system_health", "[]")
            .filter(|r| r.contains(r#""peers":1"#))
    });
    let submitted = submit(&wallet_node, [8, 9]);
    let (number, hash) = mined_in(&wallet_node, &submitted.nullifiers[0]);
    assert_eq!(miner.block_hash(number).as_deref(), Some(hash.as_str()));
}
