//! # Data availability
//!
//! ## Overview
//!
//! Each block that moves data out of its body (note ciphertexts, and until aggregation the
//! transaction proofs) commits to that payload with a [`DaCommitment`](hegemon_da::DaCommitment):
//! the Reed-Solomon-coded chunks' Merkle root, chunk count, chunk size and byte length. The block
//! author supplies it as an inherent ([`Call::set_commitment`]); the runtime validates its
//! parameters and stores it forever (53 bytes a block), so archive audits can check chunks of
//! any age. Whether the chunks are actually available is the node's acceptance rule (sampling,
//! `docs/spec/data-availability.md`); how long nodes keep them is [`RetentionBlocks`].
//!
//! ## Assumptions
//!
//! - At most one commitment per block; blocks without a DA payload carry none.
//!
//! Spec: `docs/spec/runtime.md#data-availability`.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

#[cfg(test)]
mod tests;

pub use pallet::*;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Inherent identifier of the DA commitment.
pub const INHERENT_IDENTIFIER: sp_inherents::InherentIdentifier = *b"hgm-da00";

/// The stored form of a block's DA commitment (`hegemon_da::DaCommitment::to_bytes`).
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
)]
pub struct CommitmentBytes(pub [u8; hegemon_da::commitment::COMMITMENT_BYTES]);

impl CommitmentBytes {
    /// Parses and validates the commitment.
    pub fn decode_commitment(&self) -> Result<hegemon_da::DaCommitment, hegemon_da::DaError> {
        hegemon_da::DaCommitment::from_bytes(&self.0)
    }
}

#[frame_support::pallet]
pub mod pallet {
    use frame_support::pallet_prelude::*;
    use frame_system::pallet_prelude::*;
    use sp_runtime::traits::Saturating;

    use super::*;

    /// The pallet's configuration.
    #[pallet::config]
    pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// Default hot retention window in blocks (7 days of blocks in the runtime).
        #[pallet::constant]
        type DefaultRetention: Get<BlockNumberFor<Self>>;
    }

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// The DA commitment of each block that has one.
    #[pallet::storage]
    pub type Commitments<T: Config> =
        StorageMap<_, Twox64Concat, BlockNumberFor<T>, CommitmentBytes, OptionQuery>;

    /// How many recent blocks' chunks nodes must serve (the hot retention window).
    #[pallet::storage]
    pub type RetentionBlocks<T: Config> =
        StorageValue<_, BlockNumberFor<T>, ValueQuery, T::DefaultRetention>;

    /// Genesis: the hot retention window, if not the runtime's default (test networks shorten
    /// it to exercise pruning and the archive market).
    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        /// Retention window in blocks; `None` keeps [`Config::DefaultRetention`].
        pub retention_blocks: Option<BlockNumberFor<T>>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            if let Some(blocks) = self.retention_blocks {
                assert!(!blocks.is_zero(), "a retention window of zero blocks");
                RetentionBlocks::<T>::put(blocks);
            }
        }
    }

    /// Events.
    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// This block committed to a DA payload.
        Committed {
            /// The DA root.
            root: [u8; 32],
            /// Total chunks.
            chunk_count: u32,
            /// Payload bytes.
            byte_len: u64,
        },
        /// The retention window changed.
        RetentionChanged {
            /// New window in blocks.
            blocks: BlockNumberFor<T>,
        },
    }

    /// Errors.
    #[pallet::error]
    pub enum Error<T> {
        /// The commitment's parameters are not ones the DA encoder produces.
        InvalidCommitment,
        /// The block already has a DA commitment.
        AlreadyCommitted,
        /// A retention window of zero blocks.
        ZeroRetention,
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Records this block's DA commitment (inherent, by the block author).
        ///
        /// Errors: `InvalidCommitment`, `AlreadyCommitted`.
        #[pallet::call_index(0)]
        #[pallet::weight((T::DbWeight::get().reads_writes(1, 1), DispatchClass::Mandatory))]
        pub fn set_commitment(origin: OriginFor<T>, commitment: CommitmentBytes) -> DispatchResult {
            ensure_none(origin)?;
            let parsed = commitment
                .decode_commitment()
                .map_err(|_| Error::<T>::InvalidCommitment)?;
            let now = frame_system::Pallet::<T>::block_number();
            ensure!(
                !Commitments::<T>::contains_key(now),
                Error::<T>::AlreadyCommitted
            );
            Commitments::<T>::insert(now, commitment);
            Self::deposit_event(Event::Committed {
                root: parsed.root,
                chunk_count: parsed.chunk_count,
                byte_len: parsed.byte_len,
            });
            Ok(())
        }

        /// Sets the hot retention window (governance).
        ///
        /// Errors: `ZeroRetention`.
        #[pallet::call_index(1)]
        #[pallet::weight(T::DbWeight::get().writes(1))]
        pub fn set_retention(origin: OriginFor<T>, blocks: BlockNumberFor<T>) -> DispatchResult {
            ensure_root(origin)?;
            ensure!(!blocks.is_zero(), Error::<T>::ZeroRetention);
            RetentionBlocks::<T>::put(blocks);
            Self::deposit_event(Event::RetentionChanged { blocks });
            Ok(())
        }
    }

    #[pallet::inherent]
    impl<T: Config> ProvideInherent for Pallet<T> {
        type Call = Call<T>;
        type Error = sp_inherents::MakeFatalError<()>;
        const INHERENT_IDENTIFIER: InherentIdentifier = INHERENT_IDENTIFIER;

        fn create_inherent(data: &InherentData) -> Option<Self::Call> {
            let commitment: CommitmentBytes = data.get_data(&INHERENT_IDENTIFIER).ok().flatten()?;
            Some(Call::set_commitment { commitment })
        }

        fn is_inherent(call: &Self::Call) -> bool {
            matches!(call, Call::set_commitment { .. })
        }
    }

    impl<T: Config> Pallet<T> {
        /// The commitment of block `block`, if it has one.
        pub fn commitment(block: BlockNumberFor<T>) -> Option<hegemon_da::DaCommitment> {
            Commitments::<T>::get(block).and_then(|c| c.decode_commitment().ok())
        }

        /// The oldest block whose chunks are still in the hot window at `now`.
        pub fn oldest_retained(now: BlockNumberFor<T>) -> BlockNumberFor<T> {
            now.saturating_sub(RetentionBlocks::<T>::get())
                .saturating_add(One::one())
        }

        /// Whether `block`'s chunks are in the hot window now.
        pub fn is_retained(block: BlockNumberFor<T>) -> bool {
            let now = frame_system::Pallet::<T>::block_number();
            block <= now && block >= Self::oldest_retained(now)
        }
    }
}
