//! End to end: `hegemon-node --dev --tmp` mines PoW blocks that its own import queue accepts,
//! and serves them over JSON-RPC.

mod common;

use common::{Node, Storage};

#[test]
fn dev_node_mines_and_serves_blocks() {
    let node = Node::start("dev", Storage::Tmp, &["--dev"]);
    node.wait_for_height(3);

    // A block the node mined carries a PoW seal digest (engine id `pow_`).
    let header = node.rpc("chain_getHeader", "[]").expect("header");
    assert!(
        header.contains(r#""logs":["0x05706f775f"#),
        "no PoW seal in {header}"
    );

    // Malformed RPC params get a JSON-RPC error, and the node keeps serving.
    let bad = node
        .rpc("chain_getBlockHash", r#"["not a number"]"#)
        .expect("response");
    assert!(bad.contains(r#""error""#), "expected an error, got {bad}");
    assert!(
        node.rpc("system_health", "[]")
            .is_some_and(|r| r.contains("isSyncing"))
    );
}
