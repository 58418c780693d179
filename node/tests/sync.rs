//! Nodes on loopback: a chain mined by one node reaches peers directly and through an
//! intermediary, and a restarted node keeps its chain.

mod common;

use common::{Node, Storage, wait_for};

/// `follower` reaches `height` and agrees with `miner` on the hash at that height.
fn assert_synced(miner: &Node, follower: &Node, height: u64) {
    follower.wait_for_height(height);
    let theirs = wait_for("the miner's hash", || miner.block_hash(height));
    let ours = wait_for("the follower's hash", || follower.block_hash(height));
    assert_eq!(ours, theirs, "nodes disagree on block #{height}");
}

#[test]
fn two_and_three_nodes_sync_from_one_miner() {
    let miner = Node::start("miner", Storage::Tmp, &["--chain", "dev", "--mine"]);
    let direct = Node::start(
        "direct",
        Storage::Tmp,
        &["--chain", "dev", "--bootnodes", &miner.multiaddr()],
    );
    // The third node knows only `direct`, so blocks reach it through a relay.
    let relayed = Node::start(
        "relayed",
        Storage::Tmp,
        &["--chain", "dev", "--bootnodes", &direct.multiaddr()],
    );
    let height = miner.wait_for_height(3);
    assert_synced(&miner, &direct, height);
    assert_synced(&miner, &relayed, height);
}

#[test]
fn a_restarted_node_keeps_its_chain() {
    let dir = std::env::temp_dir().join(format!("hegemon-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (height, hash) = {
        let node = Node::start(
            "restart-1",
            Storage::BasePath(&dir),
            &["--chain", "dev", "--mine"],
        );
        let height = node.wait_for_height(3);
        (height, node.block_hash(height).expect("hash"))
        // dropped: the process is killed (SIGKILL), not shut down cleanly
    };
    let node = Node::start("restart-2", Storage::BasePath(&dir), &["--chain", "dev"]);
    let resumed = node.wait_for_height(height);
    assert!(resumed >= height);
    assert_eq!(node.block_hash(height).as_deref(), Some(hash.as_str()));
    drop(node);
    let _ = std::fs::remove_dir_all(&dir);
}
