//! Calls, the inherent, retention, and every rejection (state unchanged).

use frame_support::{assert_noop, assert_ok, derive_impl, traits::ConstU64};
use sp_runtime::BuildStorage;

use crate::{self as pallet_data_availability, *};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Da: pallet_data_availability,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
}

impl Config for Test {
    type DefaultRetention = ConstU64<100>;
}

fn new_test_ext() -> sp_io::TestExternalities {
    let storage = frame_system::GenesisConfig::<Test>::default()
        .build_storage()
        .expect("storage");
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| System::set_block_number(5));
    ext
}

fn commitment() -> CommitmentBytes {
    let encoded = hegemon_da::encode(b"ciphertexts and proofs").expect("encodes");
    CommitmentBytes(encoded.commitment().to_bytes())
}

#[test]
fn a_block_commits_once() {
    new_test_ext().execute_with(|| {
        let c = commitment();
        assert_ok!(Da::set_commitment(RuntimeOrigin::none(), c));
        let parsed = c.decode_commitment().expect("valid");
        System::assert_last_event(
            Event::Committed {
                root: parsed.root,
                chunk_count: parsed.chunk_count,
                byte_len: parsed.byte_len,
            }
            .into(),
        );
        assert_eq!(Da::commitment(5), Some(parsed));
        assert_noop!(
            Da::set_commitment(RuntimeOrigin::none(), c),
            Error::<Test>::AlreadyCommitted
        );
    });
}

#[test]
fn rejections_leave_state_unchanged() {
    new_test_ext().execute_with(|| {
        let mut bad = commitment();
        bad.0[0] = 9; // unknown version
        assert_noop!(
            Da::set_commitment(RuntimeOrigin::none(), bad),
            Error::<Test>::InvalidCommitment
        );
        assert_noop!(
            Da::set_commitment(RuntimeOrigin::signed(1), commitment()),
            sp_runtime::DispatchError::BadOrigin
        );
        assert_noop!(
            Da::set_retention(RuntimeOrigin::root(), 0),
            Error::<Test>::ZeroRetention
        );
        assert_noop!(
            Da::set_retention(RuntimeOrigin::signed(1), 10),
            sp_runtime::DispatchError::BadOrigin
        );
    });
}

#[test]
fn inherent_is_created_from_the_authors_data() {
    new_test_ext().execute_with(|| {
        let mut data = sp_inherents::InherentData::new();
        assert!(<Da as frame_support::inherent::ProvideInherent>::create_inherent(&data).is_none());
        data.put_data(INHERENT_IDENTIFIER, &commitment())
            .expect("put");
        let call = <Da as frame_support::inherent::ProvideInherent>::create_inherent(&data)
            .expect("created");
        assert!(<Da as frame_support::inherent::ProvideInherent>::is_inherent(&call));
    });
}

#[test]
fn retention_window() {
    new_test_ext().execute_with(|| {
        System::set_block_number(250);
        assert_eq!(Da::oldest_retained(250), 151);
        assert!(Da::is_retained(151) && !Da::is_retained(150) && !Da::is_retained(251));
        assert_ok!(Da::set_retention(RuntimeOrigin::root(), 10));
        System::assert_last_event(Event::RetentionChanged { blocks: 10 }.into());
        assert!(!Da::is_retained(151) && Da::is_retained(241));
    });
}

#[test]
fn genesis_can_set_the_retention_window() {
    let mut storage = frame_system::GenesisConfig::<Test>::default()
        .build_storage()
        .expect("storage");
    GenesisConfig::<Test> {
        retention_blocks: Some(4),
    }
    .assimilate_storage(&mut storage)
    .expect("genesis");
    sp_io::TestExternalities::new(storage)
        .execute_with(|| assert_eq!(RetentionBlocks::<Test>::get(), 4));
    new_test_ext().execute_with(|| assert_eq!(RetentionBlocks::<Test>::get(), 100));
}
