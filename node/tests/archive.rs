//! Archive-provider mode end to end: a node run with `--archive-provider` registers itself,
//! keeps a contracted range past a short hot window while pruning the rest, answers the
//! market's audits on chain (its bond stays whole, its contract stays active), and serves the
//! contracted chunks over `da_getChunk`. A wallet restored after its note's block left every
//! ordinary node's window recovers it through the provider.

mod common;
#[path = "common/transfer.rs"]
#[allow(dead_code)]
mod transfer;

use std::path::{Path, PathBuf};

use codec::Encode;
use common::{
    Node, RETENTION, Storage, error_code, raw_result, short_window_spec, storage_key, wait_for,
};
use hegemon_crypto::address::Network;
use hegemon_runtime::{
    AccountId, Runtime, RuntimeCall, genesis_config_presets as presets, signed_transaction,
};
use pallet_archive_market::{Contract, Provider};
use sp_io::hashing::{blake2_128, blake2_256, twox_64};

/// Dev account `index`'s key seed, as a key file.
fn dev_key_file(dir: &Path, index: u32) -> PathBuf {
    let mut input = presets::DEV_SEED.to_vec();
    input.extend_from_slice(&index.to_le_bytes());
    let path = dir.join(format!("dev-{index}.key"));
    std::fs::write(&path, hex::encode(blake2_256(&input))).unwrap();
    path
}

fn provider(node: &Node, who: &AccountId) -> Option<Provider<Runtime>> {
    let mut hashed = blake2_128(who.as_ref()).to_vec();
    hashed.extend_from_slice(who.as_ref());
    common::read_storage(node, &storage_key("ArchiveMarket", "Providers", &hashed))
}

fn contract(node: &Node, id: u64) -> Option<Contract<Runtime>> {
    let mut hashed = twox_64(&id.encode()).to_vec();
    hashed.extend_from_slice(&id.encode());
    common::read_storage(node, &storage_key("ArchiveMarket", "Contracts", &hashed))
}

fn next_audit(node: &Node) -> u64 {
    common::read_storage(node, &storage_key("ArchiveMarket", "NextAudit", &[])).unwrap_or(0)
}

/// Dev account 2 (first transaction, nonce 0) buys storage of `range` from `provider`.
fn buy_contract(node: &Node, provider: &AccountId, (first, last): (u32, u32)) {
    let genesis = node.block_hash(0).expect("genesis hash");
    let genesis: [u8; 32] = hex::decode(genesis.trim_start_matches("0x"))
        .unwrap()
        .try_into()
        .unwrap();
    let buy = RuntimeCall::ArchiveMarket(pallet_archive_market::Call::buy_contract {
        provider: provider.clone(),
        first,
        last,
        duration: 10_000,
    });
    let xt =
        signed_transaction(buy, &presets::dev_key(2), 0, genesis.into(), [3; 32]).expect("signs");
    let submitted = node
        .rpc(
            "author_submitExtrinsic",
            &format!(r#"["0x{}"]"#, hex::encode(xt.encode())),
        )
        .expect("response");
    assert!(submitted.contains("result"), "{submitted}");
}

/// Whether audit `id` is still waiting for its answer.
fn audit_open(node: &Node, id: u64) -> bool {
    let mut hashed = twox_64(&id.encode()).to_vec();
    hashed.extend_from_slice(&id.encode());
    let key = storage_key("ArchiveMarket", "Audits", &hashed);
    common::read_storage::<pallet_archive_market::Audit<u32>>(node, &key).is_some()
}

fn chunk(node: &Node, number: u32) -> String {
    let hash = node.block_hash(number.into()).expect("block hash");
    node.rpc("da_getChunk", &format!(r#"["{hash}", 0]"#))
        .expect("response")
}

#[test]
fn an_archive_provider_keeps_its_contracted_blocks_and_passes_audits() {
    let dir = common::temp_dir("archive-provider");
    let spec = short_window_spec(&dir);
    let key_file = dev_key_file(&dir, 1);
    let provider_account = presets::dev_account(1);
    let miner = common::payee_address(9);
    let endpoint = "http://127.0.0.1:9944";
    let node = Node::start(
        "archive-provider",
        Storage::Tmp,
        &[
            "--chain",
            spec.to_str().unwrap(),
            "--mine",
            "--miner-address",
            &miner,
            "--archive-provider",
            key_file.to_str().unwrap(),
            "--archive-endpoint",
            endpoint,
        ],
    );

    // It registers itself with the runtime's minimum bond.
    let registered = wait_for("the provider's registration", || {
        provider(&node, &provider_account)
    });
    assert_eq!(registered.endpoint.into_inner(), endpoint.as_bytes());
    let bond = registered.bond;

    // A client (dev account 2) buys storage of the two newest blocks. They must still be in
    // this lone node's hot window when the contract lands: it has no peer to fetch a block it
    // already pruned, and a dev chain mines its first blocks within a second.
    let at_purchase = node.best_number().expect("best") as u32;
    let range = (at_purchase.max(2) - 1, at_purchase.max(2));
    node.wait_for_height(range.1.into());
    buy_contract(&node, &provider_account, range);
    let bought = wait_for("the contract on chain", || contract(&node, 0));
    assert_eq!((bought.first, bought.last), range);

    // Two audits issued after the purchase; the first answered in time. A missed one would
    // have ended the contract and slashed the bond.
    // (The answer to audit 0 may land after audit 1 is issued, so wait for both.)
    wait_for(
        "two audits with the first closed, or the contract ended",
        || {
            let settled = next_audit(&node) >= 2 && !audit_open(&node, 0);
            (settled || contract(&node, 0).is_none()).then_some(())
        },
    );
    assert!(
        contract(&node, 0).is_some(),
        "the contract ended: an audit was missed"
    );
    assert_eq!(
        provider(&node, &provider_account).expect("registered").bond,
        bond,
        "no slash"
    );
    assert!(!audit_open(&node, 0), "audit 0 still open");

    // Past the hot window: the contracted blocks are still served, a block next to them is not.
    let outside = range.1 + 1;
    node.wait_for_height((outside + RETENTION + 1).into());
    for number in range.0..=range.1 {
        let served = chunk(&node, number);
        let result = raw_result(&served).unwrap_or_else(|| panic!("{served}"));
        assert!(result.contains(r#""path""#), "{served}");
    }
    assert_eq!(
        error_code(&chunk(&node, outside)),
        Some(4002),
        "outside the window"
    );
    drop(node);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn archive_keys_are_made_by_a_subcommand_and_bad_ones_refused_at_start() {
    let dir = common::temp_dir("archive-keys");
    let key = dir.join("provider.key");
    let made = std::process::Command::new(env!("CARGO_BIN_EXE_hegemon-node"))
        .args(["archive-key", "--out", key.to_str().unwrap()])
        .output()
        .expect("runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(String::from_utf8_lossy(&made.stdout).contains("account: "));
    assert_eq!(std::fs::read_to_string(&key).unwrap().trim().len(), 64);

    std::fs::write(&key, "not hex").unwrap();
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_hegemon-node"))
        .args(["--chain", "dev", "--tmp", "--archive-provider"])
        .arg(&key)
        .args(["--archive-endpoint", "http://127.0.0.1:9944"])
        .output()
        .expect("runs");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("archive-key --out"), "{stderr}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_restored_wallet_recovers_a_note_past_the_hot_window_through_a_provider() {
    use hegemon_wallet::{Wallet, WalletError, node::NodeClient, vault::KdfCost};

    let dir = common::temp_dir("archive-recover");
    let spec = short_window_spec(&dir);
    let key_file = dev_key_file(&dir, 1);
    let provider_node = Node::start(
        "recover-provider",
        Storage::Tmp,
        &[
            "--chain",
            spec.to_str().unwrap(),
            "--mine",
            "--archive-provider",
            key_file.to_str().unwrap(),
            "--archive-endpoint",
            "http://127.0.0.1:9944",
        ],
    );
    // An ordinary node, the wallet's: it keeps the hot window only.
    let ordinary = Node::start(
        "recover-ordinary",
        Storage::Tmp,
        &[
            "--chain",
            spec.to_str().unwrap(),
            "--bootnodes",
            &provider_node.multiaddr(),
        ],
    );
    let node = NodeClient::new(&format!("http://127.0.0.1:{}", ordinary.rpc_port));
    let archive = NodeClient::new(&format!("http://127.0.0.1:{}", provider_node.rpc_port));

    // A payment to the wallet, mined; the wallet sees it while it is hot.
    let (mut wallet, phrase) =
        Wallet::create(&dir.join("w.hgm"), "pw", None, KdfCost::TEST).expect("created");
    let to = hegemon_crypto::Address::decode(Network::Test, &wallet.address(0)).unwrap();
    let fee = provider_node.fee_quote();
    let payment = transfer::dev_transfer_to([12, 13], fee, 0, &to);
    let response = provider_node
        .rpc("hegemon_submitTransfer", &payment.params())
        .expect("response");
    assert!(raw_result(&response).is_some(), "{response}");
    wait_for("the payment on the ordinary node", || {
        wallet.sync(&node, |_, _| {}).ok().filter(|r| r.found == 2)
    });
    let paid = wallet.history()[0].block;
    let balance = wallet.balance();

    // A contract keeps that block; the ordinary node prunes it.
    wait_for("the provider's registration", || {
        provider(&provider_node, &presets::dev_account(1))
    });
    buy_contract(&provider_node, &presets::dev_account(1), (paid, paid));
    wait_for("the contract on chain", || contract(&provider_node, 0));
    ordinary.wait_for_height(u64::from(paid + RETENTION + 2));

    // Restored from the phrase: the ordinary node alone cannot serve the note's block...
    let (mut restored, _) =
        Wallet::create(&dir.join("r.hgm"), "pw", Some(&phrase), KdfCost::TEST).unwrap();
    assert!(matches!(
        restored.sync(&node, |_, _| {}),
        Err(WalletError::PastHotWindow(_))
    ));
    // ...a source without the chunks is refused...
    assert!(matches!(
        restored.recover(&node, &node, |_, _| {}),
        Err(WalletError::Archive(_))
    ));
    // ...and the provider's chunks, verified against the ordinary node's chain, recover it.
    let report = restored
        .recover(&node, &archive, |_, _| {})
        .expect("recovers");
    assert_eq!(report.found, 2, "{report:?}");
    assert_eq!(restored.balance(), balance);
    drop((provider_node, ordinary));
    std::fs::remove_dir_all(dir).unwrap();
}
