//! # Archive market
//!
//! ## Overview
//!
//! Multi-year recovery without every node storing everything. Nodes keep DA chunks for the hot
//! window only; past it, storage is a priced, opt-in product:
//!
//! - **Providers** register an ML-DSA-65 identity (the key that signs what they serve), a bond,
//!   a price per byte per block, a capacity and an endpoint.
//! - **Contracts** buy storage of a range of blocks' DA payloads for a duration, paid up front
//!   into the pallet's escrow; the provider is paid at expiry. Renewal extends and pays more.
//! - **Audits**: every [`AuditPeriodBlocks`] blocks one active contract is challenged for one
//!   chunk of one block in its range. The provider answers with the chunk and its Merkle path
//!   (checked against the block's stored DA commitment) signed by its registered key. A missed
//!   deadline slashes [`Config::SlashFraction`] of the bond, ends the contract and refunds the
//!   client's unused share.
//!
//! ## Assumptions
//!
//! - Challenges are drawn from the parent block hash: a PoW miner could grind them, at the cost
//!   of forgoing blocks; audits are a deterrent, not a proof of storage of every byte.
//!
//! Spec: `docs/spec/runtime.md#archive-market`.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

#[cfg(test)]
mod tests;

pub use pallet::*;

/// Where the market reads old blocks' DA commitments from (pallet `data-availability`).
pub trait DaCommitments<BlockNumber> {
    /// The DA commitment of `block`, if it has one.
    fn commitment(block: BlockNumber) -> Option<hegemon_da::DaCommitment>;
}

/// FIPS 204 context of audit-response signatures.
pub const AUDIT_SIGNING_CONTEXT: &[u8] = b"hegemon-archive-audit-v1";

#[frame_support::pallet]
pub mod pallet {
    use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
    use frame_support::PalletId;
    use frame_support::pallet_prelude::*;
    use frame_support::traits::{Currency, ExistenceRequirement, ReservableCurrency};
    use frame_system::pallet_prelude::*;
    use hegemon_crypto::mldsa::{
        MlDsaPublicKey, MlDsaSignature, PUBLIC_KEY_BYTES, SIGNATURE_BYTES,
    };
    use scale_info::TypeInfo;
    use sp_runtime::Perbill;
    use sp_runtime::traits::{AccountIdConversion, Saturating, UniqueSaturatedInto, Zero};

    use super::*;

    pub(crate) type BalanceOf<T> =
        <<T as Config>::Currency as Currency<<T as frame_system::Config>::AccountId>>::Balance;

    /// The pallet's configuration.
    #[pallet::config]
    pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// Bonds and payments.
        type Currency: ReservableCurrency<Self::AccountId, Balance: From<u64> + TryInto<u64>>;
        /// Old blocks' DA commitments.
        type Da: DaCommitments<BlockNumberFor<Self>>;
        /// The escrow account's id.
        #[pallet::constant]
        type PalletId: Get<PalletId>;
        /// Smallest provider bond.
        #[pallet::constant]
        type MinBond: Get<BalanceOf<Self>>;
        /// Blocks between audits, unless genesis sets [`AuditPeriodBlocks`].
        #[pallet::constant]
        type AuditPeriod: Get<BlockNumberFor<Self>>;
        /// Blocks a provider has to answer an audit, unless genesis sets [`AuditWindowBlocks`].
        #[pallet::constant]
        type AuditWindow: Get<BlockNumberFor<Self>>;
        /// Share of the bond slashed for a missed audit.
        #[pallet::constant]
        type SlashFraction: Get<Perbill>;
        /// Most contracts active at once.
        #[pallet::constant]
        type MaxContracts: Get<u32>;
        /// Most blocks one contract covers.
        #[pallet::constant]
        type MaxRangeBlocks: Get<u32>;
    }

    /// A registered archive provider.
    #[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
    #[scale_info(skip_type_params(T))]
    pub struct Provider<T: Config> {
        /// The ML-DSA-65 key that signs audit answers and served chunks.
        pub key: [u8; PUBLIC_KEY_BYTES],
        /// Reserved bond.
        pub bond: BalanceOf<T>,
        /// Price per byte per block of storage.
        pub price: u64,
        /// Bytes it offers.
        pub capacity: u64,
        /// Bytes under contract.
        pub used: u64,
        /// Where wallets fetch chunks (e.g. a JSON-RPC URL).
        pub endpoint: BoundedVec<u8, ConstU32<MAX_ENDPOINT_BYTES>>,
    }

    /// Longest provider endpoint.
    pub const MAX_ENDPOINT_BYTES: u32 = 128;
    /// Longest audit answer (a chunk proof).
    pub const MAX_AUDIT_PROOF_BYTES: u32 = 4096;

    /// A storage contract.
    #[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
    #[scale_info(skip_type_params(T))]
    pub struct Contract<T: Config> {
        /// Who pays.
        pub client: T::AccountId,
        /// Who stores.
        pub provider: T::AccountId,
        /// First block of the range.
        pub first: BlockNumberFor<T>,
        /// Last block of the range.
        pub last: BlockNumberFor<T>,
        /// DA bytes in the range.
        pub bytes: u64,
        /// Block the contract started.
        pub start: BlockNumberFor<T>,
        /// Block it ends.
        pub end: BlockNumberFor<T>,
        /// Amount held in escrow for it.
        pub paid: BalanceOf<T>,
    }

    /// An open audit.
    #[derive(
        Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
    )]
    #[scale_info(skip_type_params(T))]
    pub struct Audit<BlockNumber> {
        /// Contract audited.
        pub contract: u64,
        /// Block whose chunk is asked for.
        pub block: BlockNumber,
        /// Chunk index.
        pub index: u32,
        /// Last block to answer in.
        pub deadline: BlockNumber,
    }

    /// A provider's obligations, as its node needs them.
    #[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
    pub struct ProviderDuties<BlockNumber> {
        /// Whether the account is a registered provider.
        pub registered: bool,
        /// `(contract, first, last)` of its active contracts: the blocks it must keep.
        pub ranges: alloc::vec::Vec<(u64, BlockNumber, BlockNumber)>,
        /// Its open audits, by id.
        pub audits: alloc::vec::Vec<(u64, Audit<BlockNumber>)>,
    }

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// Registered providers.
    #[pallet::storage]
    pub type Providers<T: Config> =
        StorageMap<_, Blake2_128Concat, T::AccountId, Provider<T>, OptionQuery>;

    /// Contracts by id.
    #[pallet::storage]
    pub type Contracts<T: Config> = StorageMap<_, Twox64Concat, u64, Contract<T>, OptionQuery>;

    /// Ids of active contracts.
    #[pallet::storage]
    pub type Active<T: Config> = StorageValue<_, BoundedVec<u64, T::MaxContracts>, ValueQuery>;

    /// The next contract id.
    #[pallet::storage]
    pub type NextContract<T: Config> = StorageValue<_, u64, ValueQuery>;

    /// Open audits by id.
    #[pallet::storage]
    pub type Audits<T: Config> =
        StorageMap<_, Twox64Concat, u64, Audit<BlockNumberFor<T>>, OptionQuery>;

    /// The next audit id.
    #[pallet::storage]
    pub type NextAudit<T: Config> = StorageValue<_, u64, ValueQuery>;

    /// Blocks between audits (zero: no audits).
    #[pallet::storage]
    pub type AuditPeriodBlocks<T: Config> =
        StorageValue<_, BlockNumberFor<T>, ValueQuery, T::AuditPeriod>;

    /// Blocks a provider has to answer an audit.
    #[pallet::storage]
    pub type AuditWindowBlocks<T: Config> =
        StorageValue<_, BlockNumberFor<T>, ValueQuery, T::AuditWindow>;

    /// Genesis: the audit schedule, if not the runtime's default (test networks audit often).
    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        /// Blocks between audits; `None` keeps [`Config::AuditPeriod`].
        pub audit_period: Option<BlockNumberFor<T>>,
        /// Blocks to answer; `None` keeps [`Config::AuditWindow`].
        pub audit_window: Option<BlockNumberFor<T>>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            if let Some(period) = self.audit_period {
                AuditPeriodBlocks::<T>::put(period);
            }
            if let Some(window) = self.audit_window {
                assert!(!window.is_zero(), "providers need time to answer");
                AuditWindowBlocks::<T>::put(window);
            }
        }
    }

    /// Events.
    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    #[allow(missing_docs)] // Field names match the storage types documented above.
    pub enum Event<T: Config> {
        /// A provider registered.
        ProviderRegistered {
            who: T::AccountId,
            price: u64,
            capacity: u64,
        },
        /// A provider left.
        ProviderDeregistered { who: T::AccountId },
        /// A contract was bought.
        ContractCreated {
            id: u64,
            client: T::AccountId,
            provider: T::AccountId,
            bytes: u64,
            end: BlockNumberFor<T>,
            paid: BalanceOf<T>,
        },
        /// A contract was extended.
        ContractRenewed {
            id: u64,
            end: BlockNumberFor<T>,
            paid: BalanceOf<T>,
        },
        /// A contract ended; the provider was paid.
        ContractExpired { id: u64, paid: BalanceOf<T> },
        /// An audit was issued.
        AuditIssued {
            audit: u64,
            contract: u64,
            block: BlockNumberFor<T>,
            index: u32,
            deadline: BlockNumberFor<T>,
        },
        /// An audit was answered correctly.
        AuditPassed { audit: u64 },
        /// An audit was missed: the provider was slashed and the contract ended.
        AuditFailed {
            audit: u64,
            provider: T::AccountId,
            slashed: BalanceOf<T>,
            refunded: BalanceOf<T>,
        },
    }

    /// Errors.
    #[pallet::error]
    pub enum Error<T> {
        /// The bond is below the minimum, or cannot be reserved.
        InsufficientBond,
        /// The account is already a provider.
        AlreadyRegistered,
        /// No such provider.
        UnknownProvider,
        /// The provider still has active contracts.
        ProviderBusy,
        /// The block range is empty, reversed, too long, or in the future.
        BadRange,
        /// No block in the range has DA data.
        NothingToStore,
        /// The provider lacks capacity.
        NoCapacity,
        /// The client cannot pay.
        InsufficientFunds,
        /// Too many active contracts.
        TooManyContracts,
        /// No such contract.
        UnknownContract,
        /// Only the contract's client may renew it.
        NotClient,
        /// No such open audit.
        UnknownAudit,
        /// Only the audited provider may answer.
        NotAuditedProvider,
        /// The answer is not the right chunk with a valid Merkle path.
        BadAuditProof,
        /// The answer's signature does not verify under the provider's key.
        BadSignature,
        /// A zero duration or price overflow.
        BadTerms,
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Registers the signer as a provider. Errors: `AlreadyRegistered`, `InsufficientBond`.
        #[pallet::call_index(0)]
        #[pallet::weight(T::DbWeight::get().reads_writes(1, 1))]
        pub fn register_provider(
            origin: OriginFor<T>,
            key: alloc::boxed::Box<[u8; PUBLIC_KEY_BYTES]>,
            bond: BalanceOf<T>,
            price: u64,
            capacity: u64,
            endpoint: BoundedVec<u8, ConstU32<MAX_ENDPOINT_BYTES>>,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            ensure!(
                !Providers::<T>::contains_key(&who),
                Error::<T>::AlreadyRegistered
            );
            ensure!(bond >= T::MinBond::get(), Error::<T>::InsufficientBond);
            T::Currency::reserve(&who, bond).map_err(|_| Error::<T>::InsufficientBond)?;
            Providers::<T>::insert(
                &who,
                Provider {
                    key: *key,
                    bond,
                    price,
                    capacity,
                    used: 0,
                    endpoint,
                },
            );
            Self::deposit_event(Event::ProviderRegistered {
                who,
                price,
                capacity,
            });
            Ok(())
        }

        /// Leaves the market, unreserving the bond. Errors: `UnknownProvider`, `ProviderBusy`.
        #[pallet::call_index(1)]
        #[pallet::weight(T::DbWeight::get().reads_writes(2, 1))]
        pub fn deregister_provider(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let provider = Providers::<T>::get(&who).ok_or(Error::<T>::UnknownProvider)?;
            ensure!(provider.used == 0, Error::<T>::ProviderBusy);
            T::Currency::unreserve(&who, provider.bond);
            Providers::<T>::remove(&who);
            Self::deposit_event(Event::ProviderDeregistered { who });
            Ok(())
        }

        /// Buys storage of blocks `first..=last` for `duration` blocks, paying
        /// `bytes × duration × price` into escrow now.
        ///
        /// Errors: `UnknownProvider`, `BadRange`, `NothingToStore`, `NoCapacity`, `BadTerms`,
        /// `InsufficientFunds`, `TooManyContracts`.
        #[pallet::call_index(2)]
        #[pallet::weight(T::DbWeight::get().reads_writes(u64::from(T::MaxRangeBlocks::get()) + 4, 4))]
        pub fn buy_contract(
            origin: OriginFor<T>,
            provider: T::AccountId,
            first: BlockNumberFor<T>,
            last: BlockNumberFor<T>,
            duration: BlockNumberFor<T>,
        ) -> DispatchResult {
            let client = ensure_signed(origin)?;
            let mut p = Providers::<T>::get(&provider).ok_or(Error::<T>::UnknownProvider)?;
            let bytes = Self::range_bytes(first, last)?;
            ensure!(bytes > 0, Error::<T>::NothingToStore);
            ensure!(
                p.used.saturating_add(bytes) <= p.capacity,
                Error::<T>::NoCapacity
            );
            let paid = Self::price(&p, bytes, duration)?;
            let id = NextContract::<T>::get();
            let mut active = Active::<T>::get();
            active
                .try_push(id)
                .map_err(|_| Error::<T>::TooManyContracts)?;
            T::Currency::transfer(
                &client,
                &Self::escrow(),
                paid,
                ExistenceRequirement::KeepAlive,
            )
            .map_err(|_| Error::<T>::InsufficientFunds)?;
            let now = frame_system::Pallet::<T>::block_number();
            let end = now.saturating_add(duration);
            p.used = p.used.saturating_add(bytes);
            Providers::<T>::insert(&provider, p);
            Contracts::<T>::insert(
                id,
                Contract {
                    client: client.clone(),
                    provider: provider.clone(),
                    first,
                    last,
                    bytes,
                    start: now,
                    end,
                    paid,
                },
            );
            Active::<T>::put(active);
            NextContract::<T>::put(id.saturating_add(1));
            Self::deposit_event(Event::ContractCreated {
                id,
                client,
                provider,
                bytes,
                end,
                paid,
            });
            Ok(())
        }

        /// Extends contract `id` by `extra` blocks, paying for them now.
        ///
        /// Errors: `UnknownContract`, `NotClient`, `UnknownProvider`, `BadTerms`,
        /// `InsufficientFunds`.
        #[pallet::call_index(3)]
        #[pallet::weight(T::DbWeight::get().reads_writes(2, 1))]
        pub fn renew_contract(
            origin: OriginFor<T>,
            id: u64,
            extra: BlockNumberFor<T>,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let mut c = Contracts::<T>::get(id).ok_or(Error::<T>::UnknownContract)?;
            ensure!(c.client == who, Error::<T>::NotClient);
            let p = Providers::<T>::get(&c.provider).ok_or(Error::<T>::UnknownProvider)?;
            let cost = Self::price(&p, c.bytes, extra)?;
            T::Currency::transfer(&who, &Self::escrow(), cost, ExistenceRequirement::KeepAlive)
                .map_err(|_| Error::<T>::InsufficientFunds)?;
            c.end = c.end.saturating_add(extra);
            c.paid = c.paid.saturating_add(cost);
            let (end, paid) = (c.end, c.paid);
            Contracts::<T>::insert(id, c);
            Self::deposit_event(Event::ContractRenewed { id, end, paid });
            Ok(())
        }

        /// Answers audit `audit` with the chunk proof (`hegemon_da::ChunkProof` wire bytes) and an
        /// ML-DSA-65 signature by the provider's registered key over
        /// `BLAKE2-256(SCALE(audit) ‖ proof)`.
        ///
        /// Errors: `UnknownAudit`, `NotAuditedProvider`, `BadAuditProof`, `BadSignature`.
        #[pallet::call_index(4)]
        #[pallet::weight(T::DbWeight::get().reads_writes(4, 1))]
        pub fn respond_audit(
            origin: OriginFor<T>,
            audit: u64,
            proof: BoundedVec<u8, ConstU32<MAX_AUDIT_PROOF_BYTES>>,
            signature: alloc::boxed::Box<[u8; SIGNATURE_BYTES]>,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let open = Audits::<T>::get(audit).ok_or(Error::<T>::UnknownAudit)?;
            let contract = Contracts::<T>::get(open.contract).ok_or(Error::<T>::UnknownContract)?;
            ensure!(contract.provider == who, Error::<T>::NotAuditedProvider);
            let provider = Providers::<T>::get(&who).ok_or(Error::<T>::UnknownProvider)?;
            let commitment = T::Da::commitment(open.block).ok_or(Error::<T>::BadAuditProof)?;
            let chunk = hegemon_da::ChunkProof::from_bytes(&proof, &commitment)
                .map_err(|_| Error::<T>::BadAuditProof)?;
            ensure!(chunk.index == open.index, Error::<T>::BadAuditProof);
            hegemon_da::verify_chunk(&commitment, &chunk).map_err(|_| Error::<T>::BadAuditProof)?;
            let message = audit_message(audit, &proof);
            let key =
                MlDsaPublicKey::from_bytes(&provider.key).map_err(|_| Error::<T>::BadSignature)?;
            let sig =
                MlDsaSignature::from_bytes(&signature[..]).map_err(|_| Error::<T>::BadSignature)?;
            key.verify(&message, AUDIT_SIGNING_CONTEXT, &sig)
                .map_err(|_| Error::<T>::BadSignature)?;
            Audits::<T>::remove(audit);
            Self::deposit_event(Event::AuditPassed { audit });
            Ok(())
        }
    }

    /// The message an audit answer signs.
    pub fn audit_message(audit: u64, proof: &[u8]) -> [u8; 32] {
        let mut bytes = audit.encode();
        bytes.extend_from_slice(proof);
        sp_io::hashing::blake2_256(&bytes)
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn on_initialize(now: BlockNumberFor<T>) -> Weight {
            Self::settle_expired(now);
            Self::punish_missed(now);
            let period = AuditPeriodBlocks::<T>::get();
            if !period.is_zero() && (now % period).is_zero() {
                Self::issue_audit(now);
            }
            // Bounded by MaxContracts reads and writes; audits are few.
            T::DbWeight::get().reads_writes(u64::from(T::MaxContracts::get()) + 5, 4)
        }

        fn integrity_test() {
            assert!(
                !T::AuditWindow::get().is_zero(),
                "providers need time to answer"
            );
        }
    }

    impl<T: Config> Pallet<T> {
        /// The escrow account.
        pub fn escrow() -> T::AccountId {
            T::PalletId::get().into_account_truncating()
        }

        /// What `who` must do as a provider now (for its node: `ArchiveMarketApi`).
        pub fn duties(who: &T::AccountId) -> ProviderDuties<BlockNumberFor<T>> {
            let ranges: alloc::vec::Vec<_> = Active::<T>::get()
                .into_iter()
                .filter_map(|id| Contracts::<T>::get(id).map(|c| (id, c)))
                .filter(|(_, c)| c.provider == *who)
                .map(|(id, c)| (id, c.first, c.last))
                .collect();
            let audits = Audits::<T>::iter()
                .filter(|(_, a)| ranges.iter().any(|(id, ..)| *id == a.contract))
                .collect();
            ProviderDuties {
                registered: Providers::<T>::contains_key(who),
                ranges,
                audits,
            }
        }

        fn range_bytes(first: BlockNumberFor<T>, last: BlockNumberFor<T>) -> Result<u64, Error<T>> {
            let now = frame_system::Pallet::<T>::block_number();
            ensure!(first <= last && last < now, Error::<T>::BadRange);
            let len: u32 = (last - first).unique_saturated_into();
            ensure!(len < T::MaxRangeBlocks::get(), Error::<T>::BadRange);
            let mut bytes = 0u64;
            let mut block = first;
            while block <= last {
                if let Some(c) = T::Da::commitment(block) {
                    bytes =
                        bytes.saturating_add(u64::from(c.chunk_count) * u64::from(c.chunk_size));
                }
                block = block.saturating_add(1u32.into());
            }
            Ok(bytes)
        }

        fn price(
            p: &Provider<T>,
            bytes: u64,
            duration: BlockNumberFor<T>,
        ) -> Result<BalanceOf<T>, Error<T>> {
            let blocks: u64 = duration.unique_saturated_into();
            ensure!(blocks > 0, Error::<T>::BadTerms);
            bytes
                .checked_mul(blocks)
                .and_then(|v| v.checked_mul(p.price))
                .map(Into::into)
                .ok_or(Error::<T>::BadTerms)
        }

        fn end_contract(id: u64) -> Option<Contract<T>> {
            let c = Contracts::<T>::take(id)?;
            Active::<T>::mutate(|a| a.retain(|x| *x != id));
            Providers::<T>::mutate(&c.provider, |p| {
                if let Some(p) = p {
                    p.used = p.used.saturating_sub(c.bytes);
                }
            });
            Some(c)
        }

        fn settle_expired(now: BlockNumberFor<T>) {
            for id in Active::<T>::get() {
                if Contracts::<T>::get(id).is_some_and(|c| c.end <= now)
                    && let Some(c) = Self::end_contract(id)
                {
                    let _ = T::Currency::transfer(
                        &Self::escrow(),
                        &c.provider,
                        c.paid,
                        ExistenceRequirement::AllowDeath,
                    );
                    Self::deposit_event(Event::ContractExpired { id, paid: c.paid });
                }
            }
        }

        fn punish_missed(now: BlockNumberFor<T>) {
            let missed: alloc::vec::Vec<(u64, Audit<BlockNumberFor<T>>)> = Audits::<T>::iter()
                .filter(|(_, a)| a.deadline < now)
                .collect();
            for (audit, open) in missed {
                Audits::<T>::remove(audit);
                let Some(c) = Self::end_contract(open.contract) else {
                    continue;
                };
                let total: u64 = c.end.saturating_sub(c.start).unique_saturated_into();
                let left: u64 = c.end.saturating_sub(now).unique_saturated_into();
                let refunded = Perbill::from_rational(left, total.max(1)) * c.paid;
                let _ = T::Currency::transfer(
                    &Self::escrow(),
                    &c.client,
                    refunded,
                    ExistenceRequirement::AllowDeath,
                );
                let _ = T::Currency::transfer(
                    &Self::escrow(),
                    &c.provider,
                    c.paid.saturating_sub(refunded),
                    ExistenceRequirement::AllowDeath,
                );
                let mut slashed = Zero::zero();
                Providers::<T>::mutate(&c.provider, |p| {
                    if let Some(p) = p {
                        let amount = T::SlashFraction::get() * p.bond;
                        let (_imbalance, unslashed) =
                            T::Currency::slash_reserved(&c.provider, amount);
                        slashed = amount.saturating_sub(unslashed);
                        p.bond = p.bond.saturating_sub(slashed);
                    }
                });
                Self::deposit_event(Event::AuditFailed {
                    audit,
                    provider: c.provider,
                    slashed,
                    refunded,
                });
            }
        }

        fn issue_audit(now: BlockNumberFor<T>) {
            let active = Active::<T>::get();
            if active.is_empty() {
                return;
            }
            let seed = frame_system::Pallet::<T>::parent_hash().encode();
            let random = sp_io::hashing::blake2_256(&(b"hegemon/audit", seed, now).encode());
            let pick = |salt: u8, modulus: u64| {
                let mut word = [0u8; 8];
                word.copy_from_slice(&random[8 * (salt as usize)..8 * (salt as usize) + 8]);
                u64::from_le_bytes(word) % modulus.max(1)
            };
            let id = active[pick(0, active.len() as u64) as usize];
            let Some(c) = Contracts::<T>::get(id) else {
                return;
            };
            // Blocks in the range that carry data, then one of them and one chunk.
            let mut blocks = alloc::vec::Vec::new();
            let mut b = c.first;
            while b <= c.last {
                if let Some(commitment) = T::Da::commitment(b) {
                    blocks.push((b, commitment.chunk_count));
                }
                b = b.saturating_add(1u32.into());
            }
            let Some(&(block, chunks)) = blocks.get(pick(1, blocks.len() as u64) as usize) else {
                return;
            };
            let index = pick(2, u64::from(chunks)) as u32;
            let audit = NextAudit::<T>::get();
            let deadline = now.saturating_add(AuditWindowBlocks::<T>::get());
            Audits::<T>::insert(
                audit,
                Audit {
                    contract: id,
                    block,
                    index,
                    deadline,
                },
            );
            NextAudit::<T>::put(audit.saturating_add(1));
            Self::deposit_event(Event::AuditIssued {
                audit,
                contract: id,
                block,
                index,
                deadline,
            });
        }
    }
}
