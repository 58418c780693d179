//! The pallet's logic: checks first, storage writes last.

use alloc::collections::BTreeSet;
use alloc::vec::Vec;

use codec::Encode;
use frame_support::pallet_prelude::*;
use frame_support::traits::Currency;
use hegemon_crypto::AssetId;
use hegemon_crypto::Digest;
use hegemon_merkle::NoteFrontier;
use sp_runtime::transaction_validity::{
    InvalidTransaction, TransactionValidityError, ValidTransaction,
};
use transaction_circuit::{CIRCUIT_VERSION, TransactionPublicInputs};

use crate::pallet::*;
use crate::types::*;

/// A transfer whose public inputs passed every state check (not yet its proof).
#[derive(Debug, Clone)]
pub struct CheckedTransfer {
    /// Decoded public inputs.
    pub public: TransactionPublicInputs,
    /// Its identity ([`transfer_hash`]).
    pub hash: [u8; 32],
}

type BalanceOf<T> =
    <<T as Config>::Currency as Currency<<T as frame_system::Config>::AccountId>>::Balance;

/// The transparent amount of a non-zero value balance, in the currency's units.
pub fn transparent_amount<T: Config>(amount: i128) -> Result<BalanceOf<T>, Error<T>> {
    let magnitude =
        u64::try_from(amount.unsigned_abs()).map_err(|_| Error::<T>::WrongValueBalance)?;
    Ok(magnitude.into())
}

impl<T: Config> Pallet<T> {
    /// The chain binding a transfer must carry: the chain's own for shielded-only transfers;
    /// `chain_binding(chain_id ‖ SCALE(account))` for one that moves value to or from `account`.
    pub fn expected_binding(account: Option<&T::AccountId>) -> DigestBytes {
        match account {
            // Unset only before genesis; all-zero then matches no proof.
            None => ChainBinding::<T>::get().unwrap_or([0u8; 48]),
            Some(account) => {
                let mut bytes = ChainId::<T>::get().into_inner();
                bytes.extend_from_slice(&account.encode());
                hegemon_crypto::spec::chain_binding(&bytes).to_bytes()
            }
        }
    }

    /// Every check that does not need the proof, in order. `transparent` names the account of a
    /// transparent transfer (then the batch holds exactly that one transfer).
    pub fn check_batch(
        transfers: &[&PublicInputBytes],
        transparent: Option<&T::AccountId>,
    ) -> Result<Vec<CheckedTransfer>, Error<T>> {
        ensure!(!transfers.is_empty(), Error::<T>::EmptyBatch);
        let hashes: Vec<[u8; 32]> = transfers.iter().map(|p| transfer_hash(p)).collect();
        ensure!(
            hashes.windows(2).all(|w| w[0] < w[1]),
            Error::<T>::UnorderedBatch
        );
        if let (Some(last), Some(first)) = (LastTransferHash::<T>::get(), hashes.first()) {
            ensure!(last < *first, Error::<T>::UnorderedBatch);
        }
        let anchors = Anchors::<T>::get();
        let binding = Self::expected_binding(transparent);
        let fee = T::Fees::transfer_fee();
        let mut seen = BTreeSet::new();
        let mut checked = Vec::with_capacity(transfers.len());
        for (public_inputs, hash) in transfers.iter().zip(hashes) {
            let public = TransactionPublicInputs::from_bytes(*public_inputs)
                .map_err(|_| Error::<T>::MalformedPublicInputs)?;
            ensure!(
                public.circuit_version == CIRCUIT_VERSION,
                Error::<T>::UnsupportedCircuitVersion
            );
            ensure!(
                public.chain_binding.to_bytes() == binding,
                Error::<T>::WrongChainBinding
            );
            let vb = public.value_balance;
            match transparent {
                None => ensure!(vb.amount == 0, Error::<T>::WrongValueBalance),
                Some(_) => ensure!(
                    vb.amount != 0 && vb.asset == AssetId::NATIVE,
                    Error::<T>::WrongValueBalance
                ),
            }
            ensure!(public.fee == fee, Error::<T>::WrongFee);
            ensure!(
                anchors.contains(&public.anchor.to_bytes()),
                Error::<T>::UnknownAnchor
            );
            for nf in &public.nullifiers {
                let nf = nf.to_bytes();
                ensure!(
                    !Nullifiers::<T>::contains_key(nf),
                    Error::<T>::NullifierAlreadySpent
                );
                ensure!(seen.insert(nf), Error::<T>::DuplicateNullifier);
            }
            checked.push(CheckedTransfer { public, hash });
        }
        Ok(checked)
    }

    /// Verifies every transfer's own proof (through the host function in the runtime).
    pub fn verify_proofs(transfers: &[ShieldedTransfer]) -> Result<(), Error<T>> {
        let items = transfers
            .iter()
            .map(|t| (t.public_inputs.to_vec(), t.proof.to_vec()))
            .collect();
        let results = T::ProofVerifier::verify_batch(items);
        ensure!(
            results.len() == transfers.len() && results.iter().all(|ok| *ok),
            Error::<T>::InvalidProof
        );
        Ok(())
    }

    /// Verifies one aggregated proof for all of `transfers`, in order.
    pub fn verify_aggregate(transfers: &[PublicInputBytes], proof: &[u8]) -> Result<(), Error<T>> {
        let public_inputs = transfers.concat();
        ensure!(
            T::ProofVerifier::verify_aggregate(public_inputs, proof.to_vec()),
            Error::<T>::InvalidProof
        );
        Ok(())
    }

    /// The public inputs of `transfers`, as [`Self::check_batch`] takes them.
    pub fn public_inputs_of(transfers: &[ShieldedTransfer]) -> Vec<&PublicInputBytes> {
        transfers.iter().map(|t| &t.public_inputs).collect()
    }

    /// Applies checked and verified transfers: nullifiers, commitments, fees, events.
    pub fn apply_batch(checked: Vec<CheckedTransfer>) -> DispatchResult {
        let total_fee = checked
            .iter()
            .try_fold(BlockFees::<T>::get(), |acc, c| {
                acc.checked_add(c.public.fee)
            })
            .ok_or(Error::<T>::Overflow)?;
        let leaves: Vec<Digest> = checked
            .iter()
            .flat_map(|c| c.public.commitments.iter().map(|cm| *cm.digest()))
            .collect();
        let first = Self::append_commitments(&leaves)?;
        for (i, c) in checked.into_iter().enumerate() {
            let hash = c.hash;
            LastTransferHash::<T>::put(hash);
            T::OnTransferApplied::applied(&hash);
            let p = &c.public;
            for nf in &p.nullifiers {
                Nullifiers::<T>::insert(nf.to_bytes(), ());
            }
            Self::deposit_event(Event::Transferred {
                nullifiers: [p.nullifiers[0].to_bytes(), p.nullifiers[1].to_bytes()],
                commitments: [p.commitments[0].to_bytes(), p.commitments[1].to_bytes()],
                first_position: first + 2 * i as u64,
                ciphertext_hashes: [
                    p.ciphertext_hashes[0].to_bytes(),
                    p.ciphertext_hashes[1].to_bytes(),
                ],
                fee: p.fee,
            });
        }
        BlockFees::<T>::put(total_fee);
        Ok(())
    }

    /// `#[pallet::authorize]` of `submit_transfers`: state checks, then every proof. Runs in the
    /// transaction pool and again when the block is applied (the consensus check). One tag per
    /// nullifier, so conflicting spends never sit in one block; no priority by fee.
    pub fn authorize_transfers(
        _source: TransactionSource,
        transfers: &BoundedVec<ShieldedTransfer, T::MaxTransfersPerBatch>,
    ) -> TransactionValidityWithRefund {
        let checked = Self::check_batch(&Self::public_inputs_of(transfers), None)
            .and_then(|checked| Self::verify_proofs(transfers).map(|()| checked))
            .map_err(invalid::<T>)?;
        Ok((Self::validity(&checked), Weight::zero()))
    }

    /// `#[pallet::authorize]` of `submit_aggregated`: the same state checks, then the one
    /// aggregated proof in place of the transfers' own.
    ///
    /// Only a block author makes aggregated batches, so one arriving from the network is refused
    /// before any check: verifying it could make a node build the keys of a deep tree (seconds
    /// per level), which a peer must not be able to trigger for free.
    pub fn authorize_aggregated(
        source: TransactionSource,
        transfers: &BoundedVec<PublicInputBytes, T::MaxTransfersPerBatch>,
        proof: &BoundedVec<u8, ConstU32<MAX_AGGREGATE_PROOF_BYTES>>,
    ) -> TransactionValidityWithRefund {
        if source == TransactionSource::External {
            return Err(InvalidTransaction::Call.into());
        }
        let listed: Vec<&PublicInputBytes> = transfers.iter().collect();
        let checked = Self::check_batch(&listed, None)
            .and_then(|checked| Self::verify_aggregate(transfers, proof).map(|()| checked))
            .map_err(invalid::<T>)?;
        Ok((Self::validity(&checked), Weight::zero()))
    }

    /// Pool validity of checked transfers: one tag per nullifier, no priority by fee.
    fn validity(checked: &[CheckedTransfer]) -> ValidTransaction {
        let provides = checked
            .iter()
            .flat_map(|c| {
                c.public
                    .nullifiers
                    .iter()
                    .map(|nf| (b"hegemon/nf", nf.to_bytes()).encode())
            })
            .collect();
        ValidTransaction {
            priority: 0,
            requires: Vec::new(),
            provides,
            longevity: u64::from(T::AnchorWindow::get()),
            propagate: true,
        }
    }

    /// Mints the pending coinbase note. Consensus rule: its value must be exactly the reward
    /// plus this block's fees, or the block is invalid.
    pub fn mint_coinbase() {
        let Some(note) = PendingCoinbase::<T>::take() else {
            return;
        };
        let expected = T::BlockReward::get().saturating_add(BlockFees::<T>::get());
        assert!(
            note.value == expected,
            "coinbase mints {} but reward + fees is {expected}",
            note.value
        );
        // Checked canonical when set.
        let Some(cm) = note.commitment() else { return };
        let Ok(position) = Self::append_commitments(&[*cm.digest()]) else {
            return;
        };
        Self::deposit_event(Event::CoinbaseMinted {
            commitment: cm.to_bytes(),
            value: note.value,
            position,
            ciphertext_hash: note.ciphertext_hash,
        });
    }

    /// Appends note commitments to the tree; returns the first position.
    pub fn append_commitments(leaves: &[Digest]) -> Result<u64, Error<T>> {
        let state = Tree::<T>::get();
        let ommers = state
            .ommers
            .map(|o| Digest::from_bytes(&o).unwrap_or(Digest::ZERO));
        let mut frontier =
            NoteFrontier::from_parts(state.size, ommers).map_err(|_| Error::<T>::TreeFull)?;
        let first = frontier
            .append_batch(leaves)
            .map_err(|_| Error::<T>::TreeFull)?;
        Tree::<T>::put(TreeState {
            size: frontier.size(),
            ommers: frontier.ommers().map(|o| o.to_bytes()),
        });
        Ok(first)
    }

    /// The tree's current root.
    pub fn tree_root() -> DigestBytes {
        let state = Tree::<T>::get();
        let ommers = state
            .ommers
            .map(|o| Digest::from_bytes(&o).unwrap_or(Digest::ZERO));
        NoteFrontier::from_parts(state.size, ommers)
            .map(|f| f.root().to_bytes())
            .unwrap_or([0u8; 48])
    }

    /// Records the current root as an anchor (once per block), evicting the oldest.
    pub fn record_anchor() {
        let root = Self::tree_root();
        Anchors::<T>::mutate(|anchors| {
            if anchors.last() == Some(&root) {
                return;
            }
            if anchors.is_full() {
                anchors.remove(0);
            }
            let _ = anchors.try_push(root);
        });
    }

    /// Whether `nullifier` was revealed.
    pub fn is_spent(nullifier: &DigestBytes) -> bool {
        Nullifiers::<T>::contains_key(nullifier)
    }
}

/// A pallet error as the pool's invalid-transaction error.
fn invalid<T: Config>(e: Error<T>) -> TransactionValidityError {
    TransactionValidityError::Invalid(InvalidTransaction::Custom(error_code(e)))
}

/// The error's index, as `InvalidTransaction::Custom` carries it to the pool.
pub fn error_code<T: Config>(e: Error<T>) -> u8 {
    match sp_runtime::DispatchError::from(e) {
        sp_runtime::DispatchError::Module(m) => m.error[0],
        _ => u8::MAX,
    }
}
