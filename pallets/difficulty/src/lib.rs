//! # Difficulty
//!
//! ## Overview
//!
//! The proof-of-work difficulty the next block's seal must meet, retargeted every block toward
//! [`Config::TargetBlockTime`]: over the last `Window` block intervals, the new difficulty is
//! `old · target · intervals / actual`, clamped to a factor of [`Config::MaxAdjustment`] per
//! block and never below [`Config::MinDifficulty`]. Difficulty `d` means a seal hash `h`
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

/// The retarget rule: `old · target · intervals / actual`, clamped to `[old / max, old · max]`
/// and at least `min`.
pub fn retarget(
    old: U256,
    target_ms: u64,
    intervals: u64,
    actual_ms: u64,
    max: u64,
    min: U256,
) -> U256 {
    let expected = U256::from(target_ms).saturating_mul(U256::from(intervals));
    let actual = U256::from(actual_ms.max(1));
    let proposed = old.saturating_mul(expected) / actual;
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

    /// Timestamps of the most recent blocks (oldest first), at most `Window + 1`.
    #[pallet::storage]
    pub type RecentTimestamps<T: Config> =
        StorageValue<_, BoundedVec<u64, ConstU32<1024>>, ValueQuery>;

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
            let window = T::Window::get().min(1023) as usize;
            let mut times = RecentTimestamps::<T>::get();
            if times.len() > window {
                times.remove(0);
            }
            let _ = times.try_push(now);
            if let (Some(first), Some(last)) = (times.first(), times.last())
                && times.len() >= 2
            {
                let new = retarget(
                    Difficulty::<T>::get(),
                    T::TargetBlockTime::get(),
                    (times.len() - 1) as u64,
                    last.saturating_sub(*first),
                    T::MaxAdjustment::get(),
                    U256::from(T::MinDifficulty::get()),
                );
                Difficulty::<T>::put(new);
            }
            RecentTimestamps::<T>::put(times);
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
