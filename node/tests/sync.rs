//! Nodes on loopback: a chain mined by one node reaches peers directly and through an
//! intermediary.

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
