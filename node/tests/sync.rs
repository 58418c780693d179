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

/// A node joining after the miner has pruned old payloads still syncs the whole chain: blocks
/// stamped longer ago than the hot window lasts are imported without sampling, since no peer
/// is bound to serve them any more.
#[test]
fn a_late_node_syncs_history_past_the_hot_window() {
    let dir = common::temp_dir("late-joiner");
    let spec = common::short_window_spec(&dir);
    let spec = spec.to_str().unwrap();
    let base = dir.join("miner");
    // Coinbase notes give every block a payload to sample.
    let payee = common::payee_address(5);
    let height = {
        let miner = Node::start(
            "history-miner",
            Storage::BasePath(&base),
            &["--chain", spec, "--mine", "--miner-address", &payee],
        );
        miner.wait_for_height(2 * u64::from(common::RETENTION))
    };
    // The same node, no longer mining: its chain stops growing and its old payloads are gone.
    let server = Node::start(
        "history-server",
        Storage::BasePath(&base),
        &["--chain", spec],
    );
    let best = wait_for("the restarted node", || server.best_number());
    assert!(best >= height);
    let first = wait_for("block #1", || server.block_hash(1));
    let held = server
        .rpc("da_isAvailable", &format!(r#"["{first}"]"#))
        .expect("response");
    assert!(held.contains(r#""result":false"#), "{held}");

    // Wait until every pruned block is stamped longer ago than the window lasts (dev stamps
    // run ahead of the clock while blocks come faster than the minimum period).
    let newest_pruned = best - u64::from(common::RETENTION) - 1;
    let at = wait_for("its hash", || server.block_hash(newest_pruned));
    let now_key = common::storage_key("Timestamp", "Now", &[]);
    let stamp: u64 = wait_for("its timestamp", || {
        common::read_storage_at(&server, &now_key, Some(&at))
    });
    let window = u64::from(common::RETENTION) * hegemon_runtime::TARGET_BLOCK_TIME_MS;
    let unix_ms = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64
    };
    let ready = stamp + window + 1_000;
    std::thread::sleep(std::time::Duration::from_millis(
        ready.saturating_sub(unix_ms()),
    ));
    let late = Node::start(
        "late-joiner",
        Storage::Tmp,
        &["--chain", spec, "--bootnodes", &server.multiaddr()],
    );
    assert_synced(&server, &late, best);
    std::fs::remove_dir_all(dir).unwrap();
}
