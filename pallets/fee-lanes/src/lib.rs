//! # Fee lanes
//!
//! ## Overview
//!
//! Fees that do not cost privacy. A shielded transfer's fee is a public, deterministic function
//! of its shape (bytes it puts in the DA sidecar, how long they are retained, one proof to
//! verify), never a bid, so equal-shaped transfers pay equal fees and fees buy no priority
//! (block order is canonical by transfer hash, enforced by the shielded pool).
//!
//! The forced-inclusion lane keeps block authors from censoring: anyone posts a transfer with a
//! bond ([`Call::commit_forced`]); it is checked and its proof verified at once. If it is still
//! valid when it falls due ([`Config::InclusionDelay`] blocks later) and no block has included
//! it, the due block is invalid (its `on_finalize` aborts), so authors must include it. On
//! inclusion, or if it became invalid in the meantime (its notes spent another way), the bond is
//! returned.
//!
//! ## Assumptions
//!
//! - The shielded pool reports every applied transfer through `OnTransferApplied` (this
//!   pallet) and quotes fees through `QuoteFee` (this pallet).
//! - `InclusionDelay` is shorter than the pool's anchor window, so a posted transfer's anchor
//!   stays valid until it falls due.
//!
//! Spec: `docs/spec/runtime.md#fee-lanes`.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

#[cfg(test)]
mod tests;

pub use pallet::*;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Bytes a standard transfer puts in the DA sidecar: two 2,141-byte note ciphertexts and, until
/// proofs are aggregated, a proof charged at a fixed nominal size (actual sizes vary by a few KB;
/// charging the nominal size keeps equal shapes at equal fees).
pub const STANDARD_TRANSFER_DA_BYTES: u64 = 2 * 2_141 + NOMINAL_PROOF_BYTES;
/// Nominal proof size charged per transfer.
pub const NOMINAL_PROOF_BYTES: u64 = 96 * 1024;

/// The public fee schedule.
#[derive(
    Encode,
    Decode,
    DecodeWithMemTracking,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    TypeInfo,
    MaxEncodedLen,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct FeeSchedule {
    /// Per transfer, for verifying its proof.
    pub verify_fee: u64,
    /// Per KiB of DA bytes per day of hot retention.
    pub kib_day_fee: u64,
    /// Days of hot retention the fee pays for.
    pub retention_days: u64,
}

impl FeeSchedule {
    /// The fee of a transfer putting `da_bytes` in the sidecar.
    pub fn quote(&self, da_bytes: u64) -> u64 {
        let kib = da_bytes.div_ceil(1024);
        self.verify_fee.saturating_add(
            kib.saturating_mul(self.kib_day_fee)
                .saturating_mul(self.retention_days),
        )
    }
}

impl Default for FeeSchedule {
    fn default() -> Self {
        Self {
            verify_fee: 500,
            kib_day_fee: 1,
            retention_days: 7,
        }
    }
}

#[frame_support::pallet]
pub mod pallet {
    use frame_support::pallet_prelude::*;
    use frame_support::traits::ReservableCurrency;
    use frame_system::pallet_prelude::*;
    use pallet_shielded_pool::{ShieldedTransfer, WeightInfo as _};
    use sp_runtime::traits::Saturating;

    use super::*;

    type BalanceOf<T> = <<T as Config>::BondCurrency as frame_support::traits::Currency<
        <T as frame_system::Config>::AccountId,
    >>::Balance;

    /// The pallet's configuration.
    #[pallet::config]
    pub trait Config:
        frame_system::Config<RuntimeEvent: From<Event<Self>>> + pallet_shielded_pool::Config
    {
        /// Currency of forced-inclusion bonds.
        type BondCurrency: ReservableCurrency<Self::AccountId>;
        /// Bond reserved per forced transfer.
        #[pallet::constant]
        type ForcedBond: Get<BalanceOf<Self>>;
        /// Blocks after posting by which a forced transfer must be included.
        #[pallet::constant]
        type InclusionDelay: Get<BlockNumberFor<Self>>;
        /// Most forced transfers falling due in one block.
        #[pallet::constant]
        type MaxDuePerBlock: Get<u32>;
    }

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// The fee schedule.
    #[pallet::storage]
    pub type Schedule<T: Config> = StorageValue<_, FeeSchedule, ValueQuery>;

    /// A posted forced transfer.
    #[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
    #[scale_info(skip_type_params(T))]
    pub struct Forced<T: Config> {
        /// Who posted it (and holds the bond).
        pub who: T::AccountId,
        /// Block by which it must be included.
        pub due: BlockNumberFor<T>,
        /// The transfer.
        pub transfer: ShieldedTransfer,
    }

    /// Pending forced transfers by transfer hash.
    #[pallet::storage]
    pub type Pending<T: Config> = StorageMap<_, Identity, [u8; 32], Forced<T>, OptionQuery>;

    /// Hashes of the forced transfers falling due at each block.
    #[pallet::storage]
    pub type DueAt<T: Config> = StorageMap<
        _,
        Twox64Concat,
        BlockNumberFor<T>,
        BoundedVec<[u8; 32], T::MaxDuePerBlock>,
        ValueQuery,
    >;

    /// Genesis fee schedule.
    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        /// The schedule.
        pub schedule: FeeSchedule,
        #[serde(skip)]
        #[allow(missing_docs)]
        pub _config: core::marker::PhantomData<T>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            Schedule::<T>::put(self.schedule);
        }
    }

    /// Events.
    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A transfer was posted to the forced-inclusion lane.
        ForcedPosted {
            /// Transfer hash.
            hash: [u8; 32],
            /// Who posted it.
            who: T::AccountId,
            /// Block it falls due.
            due: BlockNumberFor<T>,
        },
        /// A forced transfer was included; its bond is returned.
        ForcedIncluded {
            /// Transfer hash.
            hash: [u8; 32],
        },
        /// A forced transfer became invalid before it fell due; its bond is returned.
        ForcedExpired {
            /// Transfer hash.
            hash: [u8; 32],
        },
        /// The fee schedule changed.
        ScheduleChanged {
            /// The new schedule.
            schedule: FeeSchedule,
        },
    }

    /// Errors.
    #[pallet::error]
    pub enum Error<T> {
        /// The transfer fails a pool check or its proof (it could never be included).
        InvalidTransfer,
        /// The transfer is already posted.
        AlreadyPosted,
        /// Too many forced transfers already fall due at that block.
        LaneFull,
        /// The poster cannot reserve the bond.
        InsufficientBond,
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Posts a shielded transfer to the forced-inclusion lane with a bond.
        ///
        /// Errors: `InvalidTransfer`, `AlreadyPosted`, `LaneFull`, `InsufficientBond`.
        #[pallet::call_index(0)]
        #[pallet::weight(<T as pallet_shielded_pool::Config>::WeightInfo::verify_proofs(1).saturating_add(T::DbWeight::get().reads_writes(3, 3)))]
        pub fn commit_forced(
            origin: OriginFor<T>,
            transfer: alloc::boxed::Box<ShieldedTransfer>,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let hash = transfer.hash();
            ensure!(!Pending::<T>::contains_key(hash), Error::<T>::AlreadyPosted);
            pallet_shielded_pool::Pallet::<T>::check_batch(&[&transfer.public_inputs], None)
                .map_err(|_| Error::<T>::InvalidTransfer)?;
            pallet_shielded_pool::Pallet::<T>::verify_proofs(core::slice::from_ref(&*transfer))
                .map_err(|_| Error::<T>::InvalidTransfer)?;
            let due =
                frame_system::Pallet::<T>::block_number().saturating_add(T::InclusionDelay::get());
            let mut due_list = DueAt::<T>::get(due);
            due_list.try_push(hash).map_err(|_| Error::<T>::LaneFull)?;
            T::BondCurrency::reserve(&who, T::ForcedBond::get())
                .map_err(|_| Error::<T>::InsufficientBond)?;
            DueAt::<T>::insert(due, due_list);
            Pending::<T>::insert(
                hash,
                Forced {
                    who: who.clone(),
                    due,
                    transfer: *transfer,
                },
            );
            Self::deposit_event(Event::ForcedPosted { hash, who, due });
            Ok(())
        }

        /// Replaces the fee schedule (governance).
        #[pallet::call_index(1)]
        #[pallet::weight(T::DbWeight::get().writes(1))]
        pub fn set_schedule(origin: OriginFor<T>, schedule: FeeSchedule) -> DispatchResult {
            ensure_root(origin)?;
            Schedule::<T>::put(schedule);
            Self::deposit_event(Event::ScheduleChanged { schedule });
            Ok(())
        }
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        /// Enforces the lane: a due, still valid, uncensored transfer must have been included.
        fn on_finalize(now: BlockNumberFor<T>) {
            for hash in DueAt::<T>::take(now) {
                let Some(forced) = Pending::<T>::take(hash) else {
                    continue;
                };
                let still_valid = pallet_shielded_pool::Pallet::<T>::check_batch(
                    &[&forced.transfer.public_inputs],
                    None,
                )
                .is_ok();
                // Consensus rule: this block omitted a due, valid forced transfer, so it is invalid.
                assert!(
                    !still_valid,
                    "block omits forced transfer {hash:?} that fell due"
                );
                T::BondCurrency::unreserve(&forced.who, T::ForcedBond::get());
                Self::deposit_event(Event::ForcedExpired { hash });
            }
        }

        fn integrity_test() {
            assert!(
                T::InclusionDelay::get()
                    < (<T as pallet_shielded_pool::Config>::AnchorWindow::get()).into(),
                "forced transfers must fall due while their anchor is still valid"
            );
        }
    }

    impl<T: Config> Pallet<T> {
        /// The fee of a standard 2-in/2-out transfer under the current schedule.
        pub fn transfer_fee() -> u64 {
            Schedule::<T>::get().quote(STANDARD_TRANSFER_DA_BYTES)
        }
    }

    impl<T: Config> pallet_shielded_pool::QuoteFee for Pallet<T> {
        fn transfer_fee() -> u64 {
            Self::transfer_fee()
        }
    }

    impl<T: Config> pallet_shielded_pool::OnTransferApplied for Pallet<T> {
        fn applied(hash: &[u8; 32]) {
            if let Some(forced) = Pending::<T>::take(hash) {
                DueAt::<T>::mutate(forced.due, |list| list.retain(|h| h != hash));
                T::BondCurrency::unreserve(&forced.who, T::ForcedBond::get());
                Self::deposit_event(Event::ForcedIncluded { hash: *hash });
            }
        }
    }
}
