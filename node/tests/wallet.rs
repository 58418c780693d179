//! The wallet against a real node: a transfer paid to a wallet is found by its sync (from the
//! DA-backed RPC); the wallet pays another wallet with a locally made proof; a stale copy cannot
//! spend the same notes again; a wallet restored from the recovery phrase finds everything.

mod common;
#[path = "common/transfer.rs"]
#[allow(dead_code)]
mod transfer;

use common::{Node, Storage, raw_result, wait_for};
use hegemon_crypto::{Address, address::Network};
use hegemon_wallet::{Wallet, WalletError, node::NodeClient, vault::KdfCost};

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hegemon-wallet-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn wallets_receive_send_refuse_a_double_spend_and_restore() {
    let node = Node::start("wallet-node", Storage::Tmp, &["--chain", "dev", "--mine"]);
    let client = NodeClient::new(&format!("http://127.0.0.1:{}", node.rpc_port));
    let dir = temp("sync");
    let (mut wallet, phrase) =
        Wallet::create(&dir.join("a.hgm"), "pw", None, KdfCost::TEST).expect("created");
    let to = Address::decode(Network::Test, &wallet.address(0)).expect("own address");

    let fee = node.fee_quote();
    let transfer = transfer::dev_transfer_to([10, 11], fee, 0, &to);
    let response = node
        .rpc("hegemon_submitTransfer", &transfer.params())
        .expect("response");
    assert!(raw_result(&response).is_some(), "{response}");
    let params = format!(r#"["{}"]"#, transfer.nullifiers[0]);
    wait_for("the transfer to be mined", || {
        (raw_result(&node.rpc("hegemon_isNullifierSpent", &params)?)? == "true").then_some(())
    });

    let report = wallet.sync(&client, |_, _| {}).expect("syncs");
    assert_eq!(report.found, 2, "{report:?}");
    assert_eq!(wallet.balance(), 2 * 1_000_000_000 - fee);
    // Every witness proves membership under the wallet's tree root (the chain's).
    let state = wallet.state();
    let root = state.tree.as_ref().unwrap().to_live().unwrap().root();
    for note in &state.notes {
        assert_eq!(note.witness.to_live().unwrap().root(), root);
    }
    // Syncing again finds nothing new and keeps the balance.
    let again = wallet.sync(&client, |_, _| {}).expect("syncs");
    assert_eq!(
        (again.found, wallet.balance()),
        (0, 2 * 1_000_000_000 - fee)
    );

    // Reopened from disk: same state. Wrong password: a typed error.
    let reopened = Wallet::open(&dir.join("a.hgm"), "pw").expect("opens");
    assert_eq!(reopened.balance(), wallet.balance());
    assert!(matches!(
        Wallet::open(&dir.join("a.hgm"), "wrong"),
        Err(WalletError::WrongPassword)
    ));

    // Alice pays Bob: proved in the wallet, mined, found by Bob's sync; Alice's change returns.
    let (mut bob, _) = Wallet::create(&dir.join("bob.hgm"), "pw", None, KdfCost::TEST).unwrap();
    let backup = dir.join("a-backup.hgm");
    std::fs::copy(dir.join("a.hgm"), &backup).unwrap();
    let before = wallet.balance();
    wallet
        .send(&client, &bob.address(0), 250_000, |_| {})
        .expect("sent");
    assert_eq!(wallet.balance(), 0, "both notes pending");
    wait_for("Bob's payment", || {
        bob.sync(&client, |_, _| {}).ok().filter(|r| r.found == 1)
    });
    assert_eq!(bob.balance(), 250_000);
    wallet.sync(&client, |_, _| {}).expect("syncs");
    assert_eq!(wallet.balance(), before - 250_000 - fee);

    // History: the two received notes spent, the change unspent.
    use hegemon_wallet::NoteStatus::{Spent, Unspent};
    let statuses: Vec<_> = wallet.history().iter().map(|e| e.status).collect();
    assert_eq!(statuses, [Spent, Spent, Unspent]);

    // A watch-only wallet from Alice's viewing key sees the same history and balance, reopens
    // as watch-only, and cannot spend.
    let watch_path = dir.join("watch.hgm");
    let mut watch = Wallet::watch(
        &watch_path,
        "pw",
        &wallet.export_viewing_key(),
        KdfCost::TEST,
    )
    .expect("watch wallet");
    watch.sync(&client, |_, _| {}).expect("syncs");
    assert_eq!(watch.history(), wallet.history());
    assert_eq!(watch.balance(), wallet.balance());
    assert_eq!(watch.address(0), wallet.address(0));
    let mut watch = Wallet::open(&watch_path, "pw").expect("reopens");
    assert!(watch.is_watch_only());
    assert!(matches!(
        watch.send(&client, &bob.address(0), 1, |_| {}),
        Err(WalletError::WatchOnly)
    ));
    assert!(matches!(
        Wallet::watch(&dir.join("bad.hgm"), "pw", "hgmfvk1notakey", KdfCost::TEST),
        Err(WalletError::BadViewingKey(_))
    ));
    assert!(
        !dir.join("bad.hgm").exists(),
        "a refused key writes no file"
    );

    // A stale copy of Alice's wallet cannot spend the same notes again: its sync sees their
    // nullifiers on chain, and it is left with only the change note.
    let mut stale = Wallet::open(&backup, "pw").unwrap();
    assert!(matches!(
        stale.send(&client, &bob.address(0), 1_000, |_| {}),
        Err(WalletError::NeedTwoNotes { have: 1 })
    ));

    // A fresh wallet from the same phrase finds the same notes from the chain alone.
    let (mut restored, _) =
        Wallet::create(&dir.join("b.hgm"), "pw2", Some(&phrase), KdfCost::TEST).expect("restored");
    restored.sync(&client, |_, _| {}).expect("syncs");
    assert_eq!(restored.balance(), wallet.balance());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_miner_pays_every_coinbase_to_its_wallet() {
    let dir = temp("coinbase");
    let (mut wallet, _) =
        Wallet::create(&dir.join("miner.hgm"), "pw", None, KdfCost::TEST).expect("created");
    let address = wallet.address(0);
    let node = Node::start(
        "coinbase-node",
        Storage::Tmp,
        &["--chain", "dev", "--mine", "--miner-address", &address],
    );
    node.wait_for_height(3);
    let client = NodeClient::new(&format!("http://127.0.0.1:{}", node.rpc_port));
    let report = wallet.sync(&client, |_, _| {}).expect("syncs");
    // Every block up to the synced one paid the block reward (no transfers, so no fees).
    let synced = wallet.state().synced.as_ref().expect("synced").number;
    assert!(synced >= 3);
    assert_eq!(report.found, synced as usize, "{report:?}");
    assert_eq!(wallet.balance(), u64::from(synced) * 50_000_000);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_malformed_miner_address_is_refused_at_start() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hegemon-node"))
        .args([
            "--chain",
            "dev",
            "--tmp",
            "--miner-address",
            "hgm1notanaddress",
        ])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a Hegemon address"), "{stderr}");
}

#[test]
fn a_stress_run_splits_notes_in_rounds_and_a_restore_finds_every_note() {
    use hegemon_wallet::stress::{StressEvent, StressOptions};

    let dir = temp("stress");
    let (mut wallet, phrase) =
        Wallet::create(&dir.join("s.hgm"), "pw", None, KdfCost::TEST).expect("created");
    let address = wallet.address(0);
    let node = Node::start(
        "stress-node",
        Storage::Tmp,
        &["--chain", "dev", "--mine", "--miner-address", &address],
    );
    let client = NodeClient::new(&format!("http://127.0.0.1:{}", node.rpc_port));
    node.wait_for_height(2);
    let options = StressOptions {
        transfers: 6,
        to: None,
        threads: 2,
    };
    let mut sent = 0;
    let report = wallet
        .stress(&client, &options, |event| {
            if let StressEvent::Sent { .. } = event {
                sent += 1;
            }
        })
        .expect("stress run");
    assert_eq!(
        (report.submitted, report.refused, sent),
        (6, 0, 6),
        "{report:?}"
    );
    assert!(
        report.rounds >= 2,
        "a round splits at most the notes it has: {report:?}"
    );
    // Every transfer spent one note beside a dummy and is mined: nothing pending.
    let state = wallet.state();
    assert_eq!(state.notes.iter().filter(|n| n.spent).count(), 6);
    assert!(state.notes.iter().all(|n| !n.pending));

    // Restored from the phrase: the same notes with the same status, up to the block both have
    // synced (mining goes on meanwhile).
    let (mut restored, _) =
        Wallet::create(&dir.join("r.hgm"), "pw", Some(&phrase), KdfCost::TEST).unwrap();
    restored.sync(&client, |_, _| {}).expect("syncs");
    let both = restored.state().synced.as_ref().unwrap().number;
    let upto = |w: &Wallet| -> Vec<_> {
        w.history()
            .into_iter()
            .filter(|e| e.block <= both)
            .collect()
    };
    assert_eq!(upto(&restored), upto(&wallet));
    assert!(
        upto(&restored).len() >= 6 + 12,
        "six spent notes and twelve new ones"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
