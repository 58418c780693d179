//! Retargeting up, down, clamped and floored; settling without overshoot; the seal check.

use frame_support::{
    derive_impl,
    traits::{ConstU32, ConstU64, ConstU128, Get, Hooks},
};
use sp_core::U256;
use sp_runtime::BuildStorage;

use crate::{self as pallet_difficulty, *};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Timestamp: pallet_timestamp,
        Difficulty: pallet_difficulty,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
}

impl pallet_timestamp::Config for Test {
    type Moment = u64;
    type OnTimestampSet = ();
    type MinimumPeriod = ConstU64<1>;
    type WeightInfo = ();
}

impl Config for Test {
    type TargetBlockTime = ConstU64<10_000>;
    type Window = ConstU32<10>;
    type MaxAdjustment = ConstU64<4>;
    type MinDifficulty = ConstU128<1_000>;
}

fn new_test_ext(initial: u128) -> sp_io::TestExternalities {
    let mut storage = frame_system::GenesisConfig::<Test>::default()
        .build_storage()
        .expect("storage");
    pallet_difficulty::GenesisConfig::<Test> {
        initial_difficulty: initial,
        _config: Default::default(),
    }
    .assimilate_storage(&mut storage)
    .expect("difficulty");
    sp_io::TestExternalities::new(storage)
}

/// Produces `n` blocks `interval_ms` apart.
fn produce(n: u64, interval_ms: u64) {
    for _ in 0..n {
        let now = pallet_timestamp::Now::<Test>::get() + interval_ms;
        pallet_timestamp::Now::<Test>::put(now);
        pallet_difficulty::Pallet::<Test>::on_finalize(System::block_number());
        System::set_block_number(System::block_number() + 1);
    }
}

#[test]
fn on_target_blocks_keep_difficulty() {
    new_test_ext(1_000_000).execute_with(|| {
        produce(30, 10_000);
        assert_eq!(Difficulty::difficulty(), U256::from(1_000_000));
    });
}

#[test]
fn fast_blocks_raise_and_slow_blocks_lower_difficulty() {
    new_test_ext(1_000_000).execute_with(|| {
        produce(20, 5_000);
        let raised = Difficulty::difficulty();
        assert!(raised > U256::from(1_000_000));
        produce(40, 40_000);
        assert!(Difficulty::difficulty() < raised);
    });
}

#[test]
fn one_retarget_is_clamped_and_floored() {
    // (old, work, timespan ms, floor) → new, at a 10 s target and a ×4 clamp.
    let cases = [
        ((1_000, 1_000, 1, 0), 4_000),
        ((1_000, 1_000, 1_000_000, 0), 250),
        ((1_000, 2_000, 10_000, 0), 2_000),
        ((1_000, 1_000, 1_000_000, 900), 900),
    ];
    for ((old, work, timespan, floor), new) in cases {
        let got = retarget(
            U256::from(old),
            U256::from(work),
            10_000,
            timespan,
            4,
            U256::from(floor),
        );
        assert_eq!(
            got,
            U256::from(new),
            "old {old}, work {work}, {timespan} ms"
        );
    }
    new_test_ext(1).execute_with(|| assert_eq!(Difficulty::difficulty(), U256::from(1_000)));
}

#[test]
fn seal_check_matches_the_definition() {
    let easy = [0x00u8; 32];
    assert!(meets_difficulty(&easy, U256::MAX));
    let mut hard = [0xffu8; 32];
    assert!(meets_difficulty(&hard, U256::one()));
    assert!(!meets_difficulty(&hard, U256::from(2)));
    hard[0] = 0x7f;
    assert!(meets_difficulty(&hard, U256::from(2)));
}

/// A miner of constant `hashes_per_s` mines `n` blocks, each taking its expected time at the
/// difficulty in force; returns the block times in ms.
fn mine_at(hashes_per_s: u64, n: usize) -> Vec<u64> {
    (0..n)
        .map(|_| {
            let d = Difficulty::difficulty().low_u128();
            let ms = (d * 1_000 / hashes_per_s as u128).max(1) as u64;
            produce(1, ms);
            ms
        })
        .collect()
}

#[test]
fn a_fast_start_settles_at_the_target_without_overshoot() {
    // Genesis difficulty far below the miner: the first blocks take milliseconds.
    new_test_ext(1_000).execute_with(|| {
        let times = mine_at(10_000_000, 120);
        let worst = *times.iter().max().expect("blocks mined");
        assert!(worst <= 30_000, "a block took {worst} ms: {times:?}");
        let settled = &times[40..];
        let mean = settled.iter().sum::<u64>() / settled.len() as u64;
        assert!(
            (8_000..=12_000).contains(&mean),
            "mean {mean} ms: {times:?}"
        );
    });
}

#[test]
fn a_tenfold_hash_rate_drop_is_back_on_target_within_one_window() {
    new_test_ext(1_000).execute_with(|| {
        mine_at(10_000_000, 40);
        let times = mine_at(1_000_000, 40);
        assert!(times[0] > 90_000, "{times:?}");
        let window = <<Test as Config>::Window as Get<u32>>::get() as usize;
        for ms in &times[window + 1..] {
            assert!((9_000..=11_000).contains(ms), "{times:?}");
        }
    });
}
