//! # Difficulty
//!
//! ## Overview
//!
//! The proof-of-work difficulty the next block's seal must meet, retargeted every block toward
//! [`Config::TargetBlockTime`]: over the last `Window` block intervals, the new difficulty is
//! `work · target / timespan`, where `work` is the sum of the difficulties those blocks were
//! mined at (their expected hashes). That is the hash rate the window measured, times the
//! target. It is clamped to a factor of [`Config::MaxAdjustment`] per block and never below
//! [`Config::MinDifficulty`].
//!
//! The estimate does not compound: scaling the *current* difficulty by the window's
//! average-time ratio every block integrates the same error `Window` times and oscillates
//! between millisecond and minute blocks. Difficulty `d` means a seal hash `h`
//! (as a 256-bit big-endian integer) is valid when `h · d ≤ 2^256 − 1`, i.e. `d` hashes per
//! block on average.
//!
//! ## Assumptions
//!
//! - Timestamps come from `pallet_timestamp` (checked by its own rules).
//!
//! Spec: `docs/spec/runtime.md#difficulty`.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

#[cfg(test)]
mod tests;

pub use pallet::*;

use sp_core::U256;

/// Whether `seal_hash` meets `difficulty` (`hash · difficulty` does not overflow 256 bits).
pub fn meets_difficulty(seal_hash: &[u8; 32], difficulty: U256) -> bool {
    U256::from_big_endian(seal_hash)
        .checked_mul(difficulty)
        .is_some()
}

/// The retarget rule: `work · target / timespan` (the window's hash rate times the target),
/// clamped to `[old / max, old · max]` and at least `min`.
pub fn retarget(
    old: U256,
    work: U256,
    target_ms: u64,
    timespan_ms: u64,
    max: u64,
    min: U256,
) -> U256 {
    let proposed = work.saturating_mul(U256::from(target_ms)) / U256::from(timespan_ms.max(1));
    let max = U256::from(max.max(1));
    let (lo, hi) = (old / max, old.saturating_mul(max));
    proposed.clamp(lo, hi).max(min)
}

#[frame_support::pallet]
pub mod pallet {
    use frame_support::pallet_prelude::*;
    use frame_system::pallet_prelude::*;
    use sp_runtime::traits::SaturatedConversion;

    use super::*;

    /// The pallet's configuration.
    #[pallet::config]
    pub trait Config: frame_system::Config + pallet_timestamp::Config {
        /// Target time between blocks, in milliseconds.
        #[pallet::constant]
        type TargetBlockTime: Get<u64>;
        /// Block intervals averaged per retarget.
        #[pallet::constant]
        type Window: Get<u32>;
        /// Largest factor by which one retarget may change the difficulty.
        #[pallet::constant]
        type MaxAdjustment: Get<u64>;
        /// Difficulty floor.
        #[pallet::constant]
        type MinDifficulty: Get<u128>;
    }

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// The difficulty the next block must meet.
    #[pallet::storage]
    pub type Difficulty<T: Config> = StorageValue<_, U256, ValueQuery>;

    /// The most recent blocks (oldest first), at most `Window + 1`: each one's timestamp and
    /// the difficulty it was mined at.
    #[pallet::storage]
    pub type RecentBlocks<T: Config> =
        StorageValue<_, BoundedVec<(u64, U256), ConstU32<1024>>, ValueQuery>;

    /// Genesis difficulty.
    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        /// Initial difficulty (at least the floor).
        pub initial_difficulty: u128,
        #[serde(skip)]
        #[allow(missing_docs)]
        pub _config: core::marker::PhantomData<T>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            Difficulty::<T>::put(U256::from(
                self.initial_difficulty.max(T::MinDifficulty::get()),
            ));
        }
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn on_finalize(_n: BlockNumberFor<T>) {
            let now: u64 = pallet_timestamp::Now::<T>::get().saturated_into();
            let old = Difficulty::<T>::get();
            let window = T::Window::get().min(1023) as usize;
            let mut blocks = RecentBlocks::<T>::get();
            if blocks.len() > window {
                blocks.remove(0);
            }
            let _ = blocks.try_push((now, old));
            if let (Some((first, _)), Some((last, _))) = (blocks.first(), blocks.last())
                && blocks.len() >= 2
            {
                // The first entry only opens the timespan; its own mining time is outside it.
                let work = blocks[1..]
                    .iter()
                    .fold(U256::zero(), |sum, (_, d)| sum.saturating_add(*d));
                let new = retarget(
                    old,
                    work,
                    T::TargetBlockTime::get(),
                    last.saturating_sub(*first),
                    T::MaxAdjustment::get(),
                    U256::from(T::MinDifficulty::get()),
                );
                Difficulty::<T>::put(new);
            }
            RecentBlocks::<T>::put(blocks);
        }

        fn integrity_test() {
            assert!(
                T::TargetBlockTime::get() > 0,
                "target block time must be positive"
            );
            assert!(
                T::Window::get() > 0 && T::Window::get() < 1024,
                "window in 1..1024"
            );
            assert!(T::MaxAdjustment::get() >= 1, "max adjustment at least 1");
        }
    }

    impl<T: Config> Pallet<T> {
        /// The difficulty the next block must meet.
        pub fn difficulty() -> U256 {
            Difficulty::<T>::get().max(U256::from(T::MinDifficulty::get()))
        }
    }
}
