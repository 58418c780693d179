//! A mock runtime with the real proof verifier (native) and a constant fee schedule.

use frame_support::{
    derive_impl, parameter_types,
    traits::{ConstU32, ConstU64},
};
use sp_runtime::BuildStorage;

use crate::QuoteFee;
use crate::testing::NativeVerifier;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        ShieldedPool: crate,
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

/// Block reward in the mock.
pub const REWARD: u64 = 5_000;

/// Fee of every transfer in the mock.
pub const FEE: u64 = 50;
pub struct FixedFee;
impl QuoteFee for FixedFee {
    fn transfer_fee() -> u64 {
        FEE
    }
}

parameter_types! {
    pub const AnchorWindow: u32 = 4;
}

impl crate::Config for Test {
    type ProofVerifier = NativeVerifier;
    type Fees = FixedFee;
    type OnTransferApplied = ();
    type Currency = Balances;
    type BlockReward = ConstU64<REWARD>;
    type MaxTransfersPerBatch = ConstU32<8>;
    type AnchorWindow = AnchorWindow;
    type WeightInfo = ();
}

/// The chain id of the mock chain.
pub const CHAIN_ID: &[u8] = b"hegemon-test";

/// Genesis with `commitments` in the tree and account 1 funded.
pub fn new_test_ext(commitments: Vec<[u8; 48]>) -> sp_io::TestExternalities {
    let commitments = commitments.into_iter().map(|c| c.to_vec()).collect();
    let mut storage = frame_system::GenesisConfig::<Test>::default()
        .build_storage()
        .expect("storage");
    pallet_balances::GenesisConfig::<Test> {
        balances: vec![(1, 10_000)],
        ..Default::default()
    }
    .assimilate_storage(&mut storage)
    .expect("balances");
    crate::GenesisConfig::<Test> {
        chain_id: CHAIN_ID.to_vec(),
        commitments,
        _config: Default::default(),
    }
    .assimilate_storage(&mut storage)
    .expect("pool");
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| System::set_block_number(1));
    ext
}
