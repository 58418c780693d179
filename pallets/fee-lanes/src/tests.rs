//! The fee schedule and the forced-inclusion lane, with real proofs.

use frame_support::{
    assert_noop, assert_ok, derive_impl, parameter_types,
    traits::{ConstU32, ConstU64, Hooks},
};
use pallet_shielded_pool::testing::{NativeVerifier, Spec, genesis_commitments};
use sp_runtime::BuildStorage;

use crate::{self as pallet_fee_lanes, *};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        ShieldedPool: pallet_shielded_pool,
        FeeLanes: pallet_fee_lanes,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
    type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
    type AccountStore = System;
}

parameter_types! {
    pub const AnchorWindow: u32 = 16;
}

impl pallet_shielded_pool::Config for Test {
    type ProofVerifier = NativeVerifier;
    type Fees = FeeLanes;
    type OnTransferApplied = FeeLanes;
    type Currency = Balances;
    type BlockReward = ConstU64<0>;
    type MaxTransfersPerBatch = ConstU32<8>;
    type AnchorWindow = AnchorWindow;
    type WeightInfo = ();
}

impl Config for Test {
    type BondCurrency = Balances;
    type ForcedBond = ConstU64<500>;
    type InclusionDelay = ConstU64<3>;
    type MaxDuePerBlock = ConstU32<2>;
}

const CHAIN_ID: &[u8] = b"hegemon-test";
const SCHEDULE: FeeSchedule = FeeSchedule {
    verify_fee: 20,
    kib_day_fee: 0,
    retention_days: 7,
};

fn new_test_ext() -> sp_io::TestExternalities {
    let mut storage = frame_system::GenesisConfig::<Test>::default()
        .build_storage()
        .expect("storage");
    pallet_balances::GenesisConfig::<Test> {
        balances: vec![(1, 10_000), (2, 100)],
        ..Default::default()
    }
    .assimilate_storage(&mut storage)
    .expect("balances");
    pallet_shielded_pool::GenesisConfig::<Test> {
        chain_id: CHAIN_ID.to_vec(),
        commitments: genesis_commitments()
            .into_iter()
            .map(|c| c.to_vec())
            .collect(),
        _config: Default::default(),
    }
    .assimilate_storage(&mut storage)
    .expect("pool");
    pallet_fee_lanes::GenesisConfig::<Test> {
        schedule: SCHEDULE,
        _config: Default::default(),
    }
    .assimilate_storage(&mut storage)
    .expect("fees");
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| System::set_block_number(1));
    ext
}

fn spec() -> Spec {
    Spec::standard(SCHEDULE.quote(STANDARD_TRANSFER_DA_BYTES), CHAIN_ID)
}

fn advance_to(n: u64) {
    while System::block_number() < n {
        let now = System::block_number();
        <FeeLanes as Hooks<u64>>::on_finalize(now);
        <ShieldedPool as Hooks<u64>>::on_finalize(now);
        System::set_block_number(now + 1);
        <ShieldedPool as Hooks<u64>>::on_initialize(now + 1);
    }
}

fn submit(t: pallet_shielded_pool::ShieldedTransfer) -> sp_runtime::DispatchResult {
    ShieldedPool::submit_transfers(
        frame_system::RawOrigin::Authorized.into(),
        vec![t].try_into().expect("fits"),
    )
}

#[test]
fn quotes_are_deterministic_in_shape() {
    let s = FeeSchedule::default();
    // 500 + ⌈102,586 / 1024⌉ KiB · 1 · 7 days.
    assert_eq!(s.quote(STANDARD_TRANSFER_DA_BYTES), 500 + 101 * 7);
    assert_eq!(s.quote(1), 500 + 7);
    assert_eq!(
        FeeSchedule {
            verify_fee: u64::MAX,
            ..s
        }
        .quote(u64::MAX),
        u64::MAX,
        "saturates"
    );
    new_test_ext().execute_with(|| {
        assert_eq!(FeeLanes::transfer_fee(), 20);
        assert_eq!(
            <FeeLanes as pallet_shielded_pool::QuoteFee>::transfer_fee(),
            20
        );
        let new = FeeSchedule {
            verify_fee: 30,
            ..SCHEDULE
        };
        assert_noop!(
            FeeLanes::set_schedule(RuntimeOrigin::signed(1), new),
            sp_runtime::DispatchError::BadOrigin
        );
        assert_ok!(FeeLanes::set_schedule(RuntimeOrigin::root(), new));
        assert_eq!(FeeLanes::transfer_fee(), 30);
        // The pool now rejects the old fee.
        assert_noop!(
            submit(spec().prove()),
            pallet_shielded_pool::Error::<Test>::WrongFee
        );
    });
}

#[test]
fn included_forced_transfer_returns_the_bond() {
    new_test_ext().execute_with(|| {
        let t = spec().prove();
        assert_ok!(FeeLanes::commit_forced(
            RuntimeOrigin::signed(1),
            Box::new(t.clone())
        ));
        assert_eq!(Balances::reserved_balance(1), 500);
        System::assert_last_event(
            Event::ForcedPosted {
                hash: t.hash(),
                who: 1,
                due: 4,
            }
            .into(),
        );
        assert_noop!(
            FeeLanes::commit_forced(RuntimeOrigin::signed(1), Box::new(t.clone())),
            Error::<Test>::AlreadyPosted
        );
        advance_to(2);
        assert_ok!(submit(t.clone()));
        assert_eq!(Balances::reserved_balance(1), 0);
        System::assert_has_event(Event::ForcedIncluded { hash: t.hash() }.into());
        advance_to(6); // the due block passes quietly
    });
}

#[test]
#[should_panic(expected = "block omits forced transfer")]
fn a_block_omitting_a_due_valid_forced_transfer_is_invalid() {
    new_test_ext().execute_with(|| {
        assert_ok!(FeeLanes::commit_forced(
            RuntimeOrigin::signed(1),
            Box::new(spec().prove())
        ));
        advance_to(5); // block 4 finalizes without it
    });
}

#[test]
fn a_forced_transfer_invalidated_by_another_spend_expires_with_refund() {
    new_test_ext().execute_with(|| {
        let forced = spec().prove();
        assert_ok!(FeeLanes::commit_forced(
            RuntimeOrigin::signed(1),
            Box::new(forced.clone())
        ));
        // The same notes are spent by a different transfer first.
        let other = Spec {
            out_seed: 200,
            ..spec()
        }
        .prove();
        assert_ok!(submit(other));
        advance_to(5);
        assert_eq!(Balances::reserved_balance(1), 0);
        assert!(Pending::<Test>::get(forced.hash()).is_none());
    });
}

#[test]
fn posting_rejections_leave_state_unchanged() {
    new_test_ext().execute_with(|| {
        let mut bad = spec().prove();
        let at = bad.proof.len() / 2;
        bad.proof[at] ^= 1;
        assert_noop!(
            FeeLanes::commit_forced(RuntimeOrigin::signed(1), Box::new(bad)),
            Error::<Test>::InvalidTransfer
        );
        assert_noop!(
            FeeLanes::commit_forced(RuntimeOrigin::signed(2), Box::new(spec().prove())),
            Error::<Test>::InsufficientBond
        );
        let a = Spec {
            spends: [0, 1],
            ..spec()
        }
        .prove();
        let b = Spec {
            spends: [2, 3],
            outputs: [680, 50],
            ..spec()
        }
        .prove();
        let c = Spec {
            spends: [0, 2],
            outputs: [1_130, 50],
            ..spec()
        }
        .prove();
        assert_ok!(FeeLanes::commit_forced(
            RuntimeOrigin::signed(1),
            Box::new(a)
        ));
        assert_ok!(FeeLanes::commit_forced(
            RuntimeOrigin::signed(1),
            Box::new(b)
        ));
        assert_noop!(
            FeeLanes::commit_forced(RuntimeOrigin::signed(1), Box::new(c)),
            Error::<Test>::LaneFull
        );
    });
}
