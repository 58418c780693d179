//! # Shielded pool
//!
//! ## Overview
//!
//! The chain's private money. Notes live as commitments in a depth-32 Poseidon2 tree whose
//! frontier this pallet stores. Spends reveal nullifiers, which this pallet records so that no
//! note is spent twice. A batch of transfers is submitted by anyone, without a signature: each
//! transfer's zero-knowledge proof is its authorization, checked in
//! [`Pallet::authorize_transfers`] through [`Config::ProofVerifier`] (the node's native host
//! function). Transfers that move value across the pool boundary name their transparent account,
//! and that account is bound into the proof.
//!
//! ## Assumptions
//!
//! - The proof statement is `docs/spec/transaction.md`. The runtime checks here everything the
//!   proof does not: anchor freshness, nullifier uniqueness (in the batch and on chain), the chain
//!   binding, the fee, canonical batch order and the circuit version.
//! - Ciphertexts travel in the block's DA payload, bound by the ciphertext hashes in each
//!   transfer's public inputs (pallet `data-availability`).
//!
//! Spec: `docs/spec/runtime.md#shielded-pool`.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod functions;
pub mod types;
pub mod weights;

#[cfg(test)]
mod mock;
#[cfg(any(test, feature = "test-utils"))]
pub mod testing;
#[cfg(test)]
mod tests;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
    use frame_support::pallet_prelude::*;
    use frame_support::traits::{Currency, ExistenceRequirement};
    use frame_system::pallet_prelude::*;

    use super::*;

    /// The pallet's configuration.
    #[pallet::config]
    pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// Verifies transaction proofs (the runtime wires the node's host function).
        type ProofVerifier: VerifyProofs;
        /// The deterministic fee schedule transfers must pay.
        type Fees: QuoteFee;
        /// Told about each applied transfer.
        type OnTransferApplied: OnTransferApplied;
        /// Transparent balances, for value crossing the pool boundary.
        type Currency: Currency<Self::AccountId, Balance: From<u64>>;
        /// New native units minted to each block's author (plus the block's fees).
        #[pallet::constant]
        type BlockReward: Get<u64>;
        /// Most transfers in one batch call.
        #[pallet::constant]
        type MaxTransfersPerBatch: Get<u32>;
        /// Number of recent tree roots accepted as anchors.
        #[pallet::constant]
        type AnchorWindow: Get<u32>;
        /// Weights.
        type WeightInfo: WeightInfo;
    }

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// The note tree's frontier.
    #[pallet::storage]
    pub type Tree<T: Config> = StorageValue<_, TreeState, ValueQuery>;

    /// Recent tree roots accepted as anchors, oldest first.
    #[pallet::storage]
    pub type Anchors<T: Config> =
        StorageValue<_, BoundedVec<DigestBytes, T::AnchorWindow>, ValueQuery>;

    /// Every revealed nullifier.
    #[pallet::storage]
    pub type Nullifiers<T: Config> = StorageMap<_, Blake2_128Concat, DigestBytes, (), OptionQuery>;

    /// The chain binding digest every transfer's proof must carry (`spec::chain_binding(chain id)`).
    #[pallet::storage]
    pub type ChainBinding<T: Config> = StorageValue<_, DigestBytes, OptionQuery>;

    /// The chain identifier (set at genesis).
    #[pallet::storage]
    pub type ChainId<T: Config> =
        StorageValue<_, BoundedVec<u8, ConstU32<MAX_CHAIN_ID_BYTES>>, ValueQuery>;

    /// Hash of the last transfer applied in this block: transfers across batches are in
    /// canonical order too (strictly increasing hash), so fees buy no position. Cleared when
    /// the block is finalized.
    #[pallet::storage]
    pub type LastTransferHash<T: Config> = StorageValue<_, [u8; 32], OptionQuery>;

    /// Fees paid by this block's transfers (credited to the block author's coinbase).
    #[pallet::storage]
    pub type BlockFees<T: Config> = StorageValue<_, u64, ValueQuery>;

    /// This block's coinbase note, set by the author's inherent and minted in `on_finalize`.
    #[pallet::storage]
    pub type PendingCoinbase<T: Config> = StorageValue<_, CoinbaseNote, OptionQuery>;

    /// Genesis: the chain id and any initial note commitments (dev pre-funding).
    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        /// The chain identifier bound into every proof.
        pub chain_id: alloc::vec::Vec<u8>,
        /// Note commitments appended at genesis, in order (48 bytes each).
        pub commitments: alloc::vec::Vec<alloc::vec::Vec<u8>>,
        #[serde(skip)]
        #[allow(missing_docs)]
        pub _config: core::marker::PhantomData<T>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            let id: BoundedVec<u8, ConstU32<MAX_CHAIN_ID_BYTES>> = self
                .chain_id
                .clone()
                .try_into()
                .expect("genesis chain id is at most 64 bytes");
            ChainBinding::<T>::put(hegemon_crypto::spec::chain_binding(&id).to_bytes());
            ChainId::<T>::put(id);
            let leaves: alloc::vec::Vec<_> = self
                .commitments
                .iter()
                .map(|c| {
                    let bytes: &DigestBytes = c
                        .as_slice()
                        .try_into()
                        .expect("genesis commitments are 48 bytes");
                    hegemon_crypto::Digest::from_bytes(bytes)
                        .expect("genesis commitments are canonical")
                })
                .collect();
            Pallet::<T>::append_commitments(&leaves).expect("genesis commitments fit the tree");
            Pallet::<T>::record_anchor();
        }
    }

    /// Events.
    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    // A transfer's event carries its six digests; wallets index them, so they stay inline.
    #[allow(clippy::large_enum_variant)]
    pub enum Event<T: Config> {
        /// A transfer was applied.
        Transferred {
            /// Its nullifiers.
            nullifiers: [DigestBytes; 2],
            /// Its output commitments.
            commitments: [DigestBytes; 2],
            /// Leaf position of the first output commitment.
            first_position: u64,
            /// Hashes of its two note ciphertexts (the ciphertexts are in the DA payload).
            ciphertext_hashes: [DigestBytes; 2],
            /// Fee paid.
            fee: u64,
        },
        /// The block author's coinbase note was minted.
        CoinbaseMinted {
            /// Its commitment.
            commitment: DigestBytes,
            /// Reward + fees.
            value: u64,
            /// Its leaf position.
            position: u64,
            /// Hash of its ciphertext (in the DA payload).
            ciphertext_hash: DigestBytes,
        },
        /// Value left the pool to a transparent account (positive) or entered it (negative).
        ValueBalanceMoved {
            /// The transparent account.
            account: T::AccountId,
            /// Signed amount.
            amount: i128,
        },
    }

    /// Errors. Each names the rule a rejected transfer broke.
    #[pallet::error]
    pub enum Error<T> {
        /// Public inputs do not decode (wrong length, non-canonical digest, balance out of range).
        MalformedPublicInputs,
        /// The proof claims a circuit version this runtime does not accept.
        UnsupportedCircuitVersion,
        /// The anchor is not one of the recent tree roots.
        UnknownAnchor,
        /// A nullifier was already revealed on chain.
        NullifierAlreadySpent,
        /// The same nullifier appears twice in the batch (or twice in one transfer).
        DuplicateNullifier,
        /// The proof's chain binding is not this chain's (or not bound to the named account).
        WrongChainBinding,
        /// The fee is not the schedule's quote for this transfer.
        WrongFee,
        /// Transfers are not in canonical order (strictly increasing transfer hash).
        UnorderedBatch,
        /// The batch is empty.
        EmptyBatch,
        /// A proof did not verify.
        InvalidProof,
        /// A shielded-only call carries a non-zero value balance, or a transparent one carries a
        /// non-native or zero value balance.
        WrongValueBalance,
        /// The transparent account cannot pay the value entering the pool.
        InsufficientTransparentFunds,
        /// The note tree is full.
        TreeFull,
        /// Fee accounting overflowed.
        Overflow,
        /// The block already has a coinbase note.
        CoinbaseAlreadySet,
        /// The coinbase note has a non-canonical digest.
        MalformedCoinbase,
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Applies a batch of shielded transfers (value balance 0 each), in canonical order.
        ///
        /// No signature: each proof authorizes its transfer ([`Pallet::authorize_transfers`]).
        /// Errors: every [`Error`] variant except the transparent ones.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::submit_transfers(transfers.len() as u32))]
        #[pallet::authorize(Pallet::<T>::authorize_transfers)]
        #[pallet::weight_of_authorize(T::WeightInfo::verify_proofs(transfers.len() as u32))]
        pub fn submit_transfers(
            origin: OriginFor<T>,
            transfers: BoundedVec<ShieldedTransfer, T::MaxTransfersPerBatch>,
        ) -> DispatchResult {
            frame_system::ensure_authorized(origin)?;
            let checked = Self::check_batch(&Self::public_inputs_of(&transfers), None)?;
            Self::apply_batch(checked)
        }

        /// Applies one transfer whose value balance crosses the pool boundary with `account`:
        /// a negative balance (shielding) is paid by the signer, who must be `account`; a positive
        /// one (unshielding) is credited to `account`. The proof binds `account`.
        ///
        /// Errors: as [`Self::submit_transfers`], plus `WrongValueBalance` and
        /// `InsufficientTransparentFunds`.
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::submit_transfers(1).saturating_add(T::WeightInfo::verify_proofs(1)))]
        pub fn transparent_transfer(
            origin: OriginFor<T>,
            transfer: alloc::boxed::Box<ShieldedTransfer>,
            account: T::AccountId,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let checked = Self::check_batch(&[&transfer.public_inputs], Some(&account))?;
            let amount = checked[0].public.value_balance.amount;
            if amount < 0 {
                ensure!(who == account, Error::<T>::WrongChainBinding);
            }
            Self::verify_proofs(core::slice::from_ref(&*transfer))?;
            let value = functions::transparent_amount::<T>(amount)?;
            // Dropping the imbalances is the point: value entering the pool leaves the
            // transparent supply, value leaving it re-enters it.
            if amount < 0 {
                let _burned = T::Currency::withdraw(
                    &account,
                    value,
                    frame_support::traits::WithdrawReasons::TRANSFER,
                    ExistenceRequirement::AllowDeath,
                )
                .map_err(|_| Error::<T>::InsufficientTransparentFunds)?;
            } else {
                let _minted = T::Currency::deposit_creating(&account, value);
            }
            Self::apply_batch(checked)?;
            Self::deposit_event(Event::ValueBalanceMoved { account, amount });
            Ok(())
        }

        /// Sets this block's coinbase note (inherent, by the block author). It is minted when the
        /// block finalizes, if its value equals the reward plus the block's fees; otherwise the
        /// block is invalid.
        ///
        /// Errors: `CoinbaseAlreadySet`, `MalformedCoinbase`.
        #[pallet::call_index(2)]
        #[pallet::weight((T::DbWeight::get().reads_writes(1, 1), DispatchClass::Mandatory))]
        pub fn set_coinbase(origin: OriginFor<T>, note: CoinbaseNote) -> DispatchResult {
            ensure_none(origin)?;
            ensure!(
                !PendingCoinbase::<T>::exists(),
                Error::<T>::CoinbaseAlreadySet
            );
            ensure!(note.commitment().is_some(), Error::<T>::MalformedCoinbase);
            PendingCoinbase::<T>::put(note);
            Ok(())
        }

        /// Applies a batch of shielded transfers (value balance 0 each) in canonical order,
        /// listed by their public inputs and authorized by ONE aggregated proof over all of
        /// them (`docs/spec/aggregation.md#blocks`) instead of a proof each.
        ///
        /// No signature: the aggregated proof authorizes the batch
        /// ([`Pallet::authorize_aggregated`]). Errors: as [`Self::submit_transfers`].
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::submit_transfers(transfers.len() as u32))]
        #[pallet::authorize(Pallet::<T>::authorize_aggregated)]
        #[pallet::weight_of_authorize(T::WeightInfo::verify_aggregate(transfers.len() as u32))]
        pub fn submit_aggregated(
            origin: OriginFor<T>,
            transfers: BoundedVec<PublicInputBytes, T::MaxTransfersPerBatch>,
            proof: BoundedVec<u8, ConstU32<MAX_AGGREGATE_PROOF_BYTES>>,
        ) -> DispatchResult {
            frame_system::ensure_authorized(origin)?;
            // Verified by `authorize_aggregated`, which also runs when the block is applied.
            let _ = proof;
            let listed: alloc::vec::Vec<&PublicInputBytes> = transfers.iter().collect();
            let checked = Self::check_batch(&listed, None)?;
            Self::apply_batch(checked)
        }
    }

    #[pallet::inherent]
    impl<T: Config> ProvideInherent for Pallet<T> {
        type Call = Call<T>;
        type Error = sp_inherents::MakeFatalError<()>;
        const INHERENT_IDENTIFIER: InherentIdentifier = COINBASE_INHERENT_IDENTIFIER;

        fn create_inherent(data: &InherentData) -> Option<Self::Call> {
            let note: CoinbaseNote = data
                .get_data(&COINBASE_INHERENT_IDENTIFIER)
                .ok()
                .flatten()?;
            Some(Call::set_coinbase { note })
        }

        fn is_inherent(call: &Self::Call) -> bool {
            matches!(call, Call::set_coinbase { .. })
        }
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
            BlockFees::<T>::kill();
            // This kill and `on_finalize`'s.
            T::DbWeight::get().writes(2)
        }

        fn on_finalize(_n: BlockNumberFor<T>) {
            // The order is per block: cleared here, not at the next block's start, so the
            // pool (which validates on the best block's final state) never checks a new
            // transfer against the previous block's last hash.
            LastTransferHash::<T>::kill();
            Self::mint_coinbase();
            Self::record_anchor();
        }

        fn integrity_test() {
            assert!(
                T::AnchorWindow::get() > 0,
                "the anchor window must hold at least one root"
            );
            assert!(
                T::MaxTransfersPerBatch::get() > 0,
                "a batch must hold at least one transfer"
            );
        }
    }
}
