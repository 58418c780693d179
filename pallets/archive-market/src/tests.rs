//! Providers, contracts, audits answered and missed, expiry and renewal, every rejection.

use frame_support::{
    PalletId, assert_noop, assert_ok, derive_impl, parameter_types,
    traits::{ConstU32, ConstU64, Hooks},
};
use hegemon_crypto::mldsa::MlDsaKeyPair;
use sp_runtime::{BuildStorage, Perbill};

use crate::{self as pallet_archive_market, *};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        Da: pallet_data_availability,
        Archive: pallet_archive_market,
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

impl pallet_data_availability::Config for Test {
    type DefaultRetention = ConstU64<10>;
}

pub struct FromDaPallet;
impl DaCommitments<u64> for FromDaPallet {
    fn commitment(block: u64) -> Option<hegemon_da::DaCommitment> {
        pallet_data_availability::Pallet::<Test>::commitment(block)
    }
}

parameter_types! {
    pub const ArchivePalletId: PalletId = PalletId(*b"hgm/arch");
    pub const Slash: Perbill = Perbill::from_percent(50);
}

impl Config for Test {
    type Currency = Balances;
    type Da = FromDaPallet;
    type PalletId = ArchivePalletId;
    type MinBond = ConstU64<1_000>;
    type AuditPeriod = ConstU64<5>;
    type AuditWindow = ConstU64<2>;
    type SlashFraction = Slash;
    type MaxContracts = ConstU32<4>;
    type MaxRangeBlocks = ConstU32<100>;
}

const PROVIDER: u64 = 10;
const CLIENT: u64 = 20;

fn provider_key() -> MlDsaKeyPair {
    MlDsaKeyPair::from_seed(&[0x77; 32])
}

/// Blocks 2 and 3 carry DA payloads; returns their encodings.
fn setup() -> (sp_io::TestExternalities, Vec<hegemon_da::EncodedBlock>) {
    let mut storage = frame_system::GenesisConfig::<Test>::default()
        .build_storage()
        .expect("storage");
    pallet_balances::GenesisConfig::<Test> {
        balances: vec![(PROVIDER, 10_000), (CLIENT, 100_000_000_000), (30, 10)],
        ..Default::default()
    }
    .assimilate_storage(&mut storage)
    .expect("balances");
    let mut ext = sp_io::TestExternalities::new(storage);
    let blocks: Vec<_> = [b"block two payload".as_slice(), b"block three".as_slice()]
        .iter()
        .map(|p| hegemon_da::encode(p).expect("encodes"))
        .collect();
    ext.execute_with(|| {
        for (i, b) in blocks.iter().enumerate() {
            System::set_block_number(2 + i as u64);
            let c = pallet_data_availability::CommitmentBytes(b.commitment().to_bytes());
            assert_ok!(Da::set_commitment(RuntimeOrigin::none(), c));
        }
        System::set_block_number(4);
    });
    (ext, blocks)
}

fn register() {
    assert_ok!(Archive::register_provider(
        RuntimeOrigin::signed(PROVIDER),
        Box::new(*provider_key().public_key().as_bytes()),
        2_000,
        1,
        1 << 30,
        b"http://127.0.0.1:9944".to_vec().try_into().expect("short"),
    ));
}

/// A registration attempt by `who` with `bond` (placeholder key, minimal terms).
fn register_with_bond(who: u64, bond: u64) -> sp_runtime::DispatchResult {
    Archive::register_provider(
        RuntimeOrigin::signed(who),
        Box::new([0u8; 1952]),
        bond,
        1,
        1,
        Default::default(),
    )
}

fn run_to(n: u64) {
    while System::block_number() < n {
        System::set_block_number(System::block_number() + 1);
        <Archive as Hooks<u64>>::on_initialize(System::block_number());
    }
}

fn answer(
    audit: u64,
    blocks: &[hegemon_da::EncodedBlock],
    key: &MlDsaKeyPair,
) -> sp_runtime::DispatchResult {
    let open = Audits::<Test>::get(audit).expect("open");
    let proof = blocks[(open.block - 2) as usize]
        .open(open.index)
        .expect("in range")
        .to_bytes();
    let sig = key
        .sign(
            &audit_message(audit, &proof),
            AUDIT_SIGNING_CONTEXT,
            [0u8; 32],
        )
        .expect("signs");
    Archive::respond_audit(
        RuntimeOrigin::signed(PROVIDER),
        audit,
        proof.try_into().expect("fits"),
        Box::new(*sig.as_bytes()),
    )
}

#[test]
fn providers_register_and_leave() {
    setup().0.execute_with(|| {
        register();
        assert_eq!(Balances::reserved_balance(PROVIDER), 2_000);
        assert_noop!(
            register_with_bond(PROVIDER, 2_000),
            Error::<Test>::AlreadyRegistered
        );
        assert_noop!(register_with_bond(30, 999), Error::<Test>::InsufficientBond);
        assert_noop!(
            register_with_bond(30, 5_000),
            Error::<Test>::InsufficientBond
        );
        assert_ok!(Archive::deregister_provider(RuntimeOrigin::signed(
            PROVIDER
        )));
        assert_eq!(Balances::reserved_balance(PROVIDER), 0);
        assert_noop!(
            Archive::deregister_provider(RuntimeOrigin::signed(PROVIDER)),
            Error::<Test>::UnknownProvider
        );
    });
}

#[test]
fn contracts_are_paid_up_front_and_settled_at_expiry() {
    let (mut ext, blocks) = setup();
    ext.execute_with(|| {
        register();
        assert_ok!(Archive::buy_contract(
            RuntimeOrigin::signed(CLIENT),
            PROVIDER,
            2,
            3,
            3
        ));
        let c = Contracts::<Test>::get(0).expect("created");
        assert_eq!(c.bytes, 2 * 64 * 2048, "two blocks of 64 chunks");
        assert_eq!(c.paid, c.bytes * 3);
        assert_eq!(Balances::free_balance(Archive::escrow()), c.paid);
        assert_noop!(
            Archive::deregister_provider(RuntimeOrigin::signed(PROVIDER)),
            Error::<Test>::ProviderBusy
        );
        assert_noop!(
            Archive::renew_contract(RuntimeOrigin::signed(PROVIDER), 0, 2),
            Error::<Test>::NotClient
        );
        assert_ok!(Archive::renew_contract(RuntimeOrigin::signed(CLIENT), 0, 2));
        let before = Balances::free_balance(PROVIDER);
        run_to(5);
        assert_ok!(answer(0, &blocks, &provider_key())); // the provider keeps the data
        run_to(9); // end = 4 + 3 + 2
        assert!(Contracts::<Test>::get(0).is_none());
        assert_eq!(Balances::free_balance(PROVIDER), before + c.bytes * 5);
        assert_eq!(
            Providers::<Test>::get(PROVIDER)
                .expect("still registered")
                .used,
            0
        );
    });
}

#[test]
fn buying_rejections_leave_state_unchanged() {
    setup().0.execute_with(|| {
        assert_noop!(
            Archive::buy_contract(RuntimeOrigin::signed(CLIENT), PROVIDER, 2, 3, 3),
            Error::<Test>::UnknownProvider
        );
        register();
        assert_noop!(
            Archive::buy_contract(RuntimeOrigin::signed(CLIENT), PROVIDER, 3, 2, 3),
            Error::<Test>::BadRange
        );
        assert_noop!(
            Archive::buy_contract(RuntimeOrigin::signed(CLIENT), PROVIDER, 2, 9, 3),
            Error::<Test>::BadRange
        );
        assert_noop!(
            Archive::buy_contract(RuntimeOrigin::signed(CLIENT), PROVIDER, 1, 1, 3),
            Error::<Test>::NothingToStore
        );
        assert_noop!(
            Archive::buy_contract(RuntimeOrigin::signed(CLIENT), PROVIDER, 2, 3, 0),
            Error::<Test>::BadTerms
        );
        assert_noop!(
            Archive::buy_contract(RuntimeOrigin::signed(30), PROVIDER, 2, 3, 3),
            Error::<Test>::InsufficientFunds
        );
        Providers::<Test>::mutate(PROVIDER, |p| p.as_mut().expect("registered").capacity = 10);
        assert_noop!(
            Archive::buy_contract(RuntimeOrigin::signed(CLIENT), PROVIDER, 2, 3, 3),
            Error::<Test>::NoCapacity
        );
    });
}

#[test]
fn audits_answered_with_the_chunk_pass_and_bad_answers_fail() {
    let (mut ext, blocks) = setup();
    ext.execute_with(|| {
        register();
        assert_ok!(Archive::buy_contract(
            RuntimeOrigin::signed(CLIENT),
            PROVIDER,
            2,
            3,
            50
        ));
        run_to(5); // audit period
        assert!(Audits::<Test>::get(0).is_some());
        // Wrong chunk: answer with a different index's proof.
        let open = Audits::<Test>::get(0).expect("open");
        let wrong = blocks[(open.block - 2) as usize]
            .open((open.index + 1) % 64)
            .expect("ok")
            .to_bytes();
        let sig = provider_key()
            .sign(&audit_message(0, &wrong), AUDIT_SIGNING_CONTEXT, [0u8; 32])
            .expect("signs");
        assert_noop!(
            Archive::respond_audit(
                RuntimeOrigin::signed(PROVIDER),
                0,
                wrong.try_into().expect("fits"),
                Box::new(*sig.as_bytes())
            ),
            Error::<Test>::BadAuditProof
        );
        // Right chunk, wrong key.
        assert_noop!(
            answer(0, &blocks, &MlDsaKeyPair::from_seed(&[1; 32])),
            Error::<Test>::BadSignature
        );
        // Someone else answering.
        assert_noop!(
            Archive::respond_audit(
                RuntimeOrigin::signed(CLIENT),
                0,
                Default::default(),
                Box::new([0u8; 3309])
            ),
            Error::<Test>::NotAuditedProvider
        );
        assert_ok!(answer(0, &blocks, &provider_key()));
        System::assert_last_event(Event::AuditPassed { audit: 0 }.into());
        assert_noop!(answer_unknown(), Error::<Test>::UnknownAudit);
    });
}

fn answer_unknown() -> sp_runtime::DispatchResult {
    Archive::respond_audit(
        RuntimeOrigin::signed(PROVIDER),
        99,
        Default::default(),
        Box::new([0u8; 3309]),
    )
}

#[test]
fn a_missed_audit_slashes_and_refunds() {
    let (mut ext, _) = setup();
    ext.execute_with(|| {
        register();
        assert_ok!(Archive::buy_contract(
            RuntimeOrigin::signed(CLIENT),
            PROVIDER,
            2,
            3,
            100
        ));
        let paid = Contracts::<Test>::get(0).expect("created").paid;
        let client_before = Balances::free_balance(CLIENT);
        run_to(8); // audit at 5, deadline 7, punished at 8
        assert!(Contracts::<Test>::get(0).is_none());
        assert_eq!(
            Providers::<Test>::get(PROVIDER).expect("registered").bond,
            1_000,
            "half slashed"
        );
        assert_eq!(Balances::reserved_balance(PROVIDER), 1_000);
        let refunded = Balances::free_balance(CLIENT) - client_before;
        assert_eq!(
            refunded,
            Perbill::from_rational(96u64, 100) * paid,
            "96 of 100 blocks unused"
        );
    });
}

#[test]
fn duties_list_a_providers_ranges_and_open_audits_only() {
    let (mut ext, blocks) = setup();
    ext.execute_with(|| {
        assert!(!Archive::duties(&PROVIDER).registered);
        register();
        assert_ok!(Archive::buy_contract(
            RuntimeOrigin::signed(CLIENT),
            PROVIDER,
            2,
            3,
            50
        ));
        let duties = Archive::duties(&PROVIDER);
        assert!(duties.registered);
        assert_eq!(duties.ranges, vec![(0, 2, 3)]);
        assert!(duties.audits.is_empty());
        run_to(5);
        let audits = Archive::duties(&PROVIDER).audits;
        assert_eq!(audits.len(), 1);
        assert_eq!(Some(&audits[0].1), Audits::<Test>::get(0).as_ref());
        // Another account has no duties, even while this audit is open.
        assert_eq!(
            Archive::duties(&CLIENT),
            ProviderDuties {
                registered: false,
                ranges: vec![],
                audits: vec![],
            }
        );
        assert_ok!(answer(0, &blocks, &provider_key()));
        assert!(Archive::duties(&PROVIDER).audits.is_empty());
    });
}

#[test]
fn genesis_can_shorten_the_audit_schedule() {
    let mut storage = frame_system::GenesisConfig::<Test>::default()
        .build_storage()
        .expect("storage");
    pallet_archive_market::GenesisConfig::<Test> {
        audit_period: Some(3),
        audit_window: Some(7),
    }
    .assimilate_storage(&mut storage)
    .expect("archive genesis");
    sp_io::TestExternalities::new(storage).execute_with(|| {
        assert_eq!(AuditPeriodBlocks::<Test>::get(), 3);
        assert_eq!(AuditWindowBlocks::<Test>::get(), 7);
    });
    sp_io::TestExternalities::new(Default::default()).execute_with(|| {
        assert_eq!(AuditPeriodBlocks::<Test>::get(), 5, "the Config default");
        assert_eq!(AuditWindowBlocks::<Test>::get(), 2);
    });
}
