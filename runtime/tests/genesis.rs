//! The runtime builds its genesis presets, and a block's worth of logic runs natively.

use frame_support::traits::Hooks;
use hegemon_runtime::{Runtime, RuntimeGenesisConfig, genesis_config_presets as presets};
use sp_runtime::BuildStorage;

fn ext(preset: &str) -> sp_io::TestExternalities {
    let json = presets::get_preset(&preset.into()).expect("preset exists");
    let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serialize");
    let patch: serde_json::Value = serde_json::from_slice(&json).expect("preset is JSON");
    json_patch(&mut config, patch);
    let config: RuntimeGenesisConfig = serde_json::from_value(config).expect("genesis config");
    sp_io::TestExternalities::new(config.build_storage().expect("builds"))
}

fn json_patch(base: &mut serde_json::Value, patch: serde_json::Value) {
    match (base, patch) {
        (serde_json::Value::Object(b), serde_json::Value::Object(p)) => {
            for (k, v) in p {
                json_patch(b.entry(k).or_insert(serde_json::Value::Null), v);
            }
        }
        (b, p) => *b = p,
    }
}

#[test]
fn development_preset_funds_dev_accounts_and_sets_chain() {
    ext(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
        for i in 0..presets::DEV_ACCOUNTS {
            assert_eq!(
                pallet_balances::Pallet::<Runtime>::free_balance(presets::dev_account(i)),
                presets::DEV_BALANCE
            );
        }
        assert_eq!(
            pallet_shielded_pool::ChainId::<Runtime>::get().into_inner(),
            b"hegemon-dev".to_vec()
        );
        assert_eq!(
            pallet_shielded_pool::Pallet::<Runtime>::expected_binding(None),
            hegemon_crypto::spec::chain_binding(b"hegemon-dev").to_bytes()
        );
        assert_eq!(
            pallet_difficulty::Pallet::<Runtime>::difficulty(),
            presets::DEV_DIFFICULTY.into()
        );
        assert_eq!(
            pallet_shielded_pool::Anchors::<Runtime>::get().len(),
            1,
            "the empty tree's root"
        );
    });
}

#[test]
fn local_preset_is_a_different_chain() {
    ext(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
        assert_eq!(
            pallet_shielded_pool::ChainId::<Runtime>::get().into_inner(),
            b"hegemon-local".to_vec()
        );
        frame_system::Pallet::<Runtime>::set_block_number(1);
        pallet_shielded_pool::Pallet::<Runtime>::on_initialize(1);
        pallet_shielded_pool::Pallet::<Runtime>::on_finalize(1);
    });
    assert!(presets::get_preset(&"unknown".into()).is_none());
}

#[test]
fn the_wasm_blob_exists() {
    let wasm =
        hegemon_runtime::WASM_BINARY.expect("built with the runtime (unset SKIP_WASM_BUILD)");
    assert!(wasm.len() > 100_000);
}

#[test]
fn a_dev_account_signs_a_transaction_that_applies_and_forgeries_do_not() {
    use hegemon_runtime::{Executive, Header, RuntimeCall, signed_transaction};
    use sp_runtime::traits::Header as _;

    ext(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
        let genesis = frame_system::Pallet::<Runtime>::block_hash(0);
        Executive::initialize_block(&Header::new(
            1,
            Default::default(),
            Default::default(),
            genesis,
            Default::default(),
        ));
        let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
            dest: presets::dev_account(2).into(),
            value: 1_000,
        });
        let key = presets::dev_key(1);
        let sign = |key: &hegemon_crypto::mldsa::MlDsaKeyPair, nonce, genesis| {
            signed_transaction(call.clone(), key, nonce, genesis, [7; 32]).expect("signs")
        };
        // Another chain's genesis, a future nonce, and a key other than the account's: refused.
        assert!(Executive::apply_extrinsic(sign(&key, 0, [1; 32].into())).is_err());
        assert!(Executive::apply_extrinsic(sign(&key, 1, genesis)).is_err());
        let mut forged = sign(&presets::dev_key(3), 0, genesis);
        forged.preamble = match forged.preamble {
            sp_runtime::generic::Preamble::Signed(_, signature, extension) => {
                sp_runtime::generic::Preamble::Signed(
                    presets::dev_account(1).into(),
                    signature,
                    extension,
                )
            }
            other => other,
        };
        assert!(Executive::apply_extrinsic(forged).is_err());

        let good = sign(&key, 0, genesis);
        let applied = Executive::apply_extrinsic(good.clone()).expect("valid");
        assert!(applied.is_ok(), "dispatched: {applied:?}");
        assert_eq!(
            pallet_balances::Pallet::<Runtime>::free_balance(presets::dev_account(2)),
            presets::DEV_BALANCE + 1_000
        );
        assert!(
            Executive::apply_extrinsic(good).is_err(),
            "a replay has a stale nonce"
        );
    });
}
