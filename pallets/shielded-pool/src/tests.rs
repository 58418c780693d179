//! Every call's success and every rejection path, with real proofs; rejections leave state as it
//! was (`assert_noop!`).

use frame_support::{BoundedVec, assert_noop, assert_ok};
use hegemon_crypto::{Digest, spec};
use sp_runtime::traits::Dispatchable;

use crate::mock::*;
use crate::testing::{Spec, genesis_commitments, genesis_notes, tree};
use crate::{Error, Event, Nullifiers, ShieldedTransfer, Tree};

fn standard() -> Spec {
    Spec::standard(FEE, CHAIN_ID)
}

fn batch(
    transfers: Vec<ShieldedTransfer>,
) -> BoundedVec<ShieldedTransfer, frame_support::traits::ConstU32<8>> {
    let mut transfers = transfers;
    transfers.sort_by_key(ShieldedTransfer::hash);
    transfers.try_into().expect("within bound")
}

/// Ends the current block and starts the next (anchors recorded, per-block state reset).
fn next_block() {
    use frame_support::traits::Hooks;
    let n = System::block_number();
    <ShieldedPool as Hooks<u64>>::on_finalize(n);
    System::set_block_number(n + 1);
    <ShieldedPool as Hooks<u64>>::on_initialize(n + 1);
}

fn submit(transfers: Vec<ShieldedTransfer>) -> sp_runtime::DispatchResult {
    ShieldedPool::submit_transfers(frame_system::RawOrigin::Authorized.into(), batch(transfers))
}

#[test]
fn genesis_builds_tree_and_anchor() {
    new_test_ext(genesis_commitments()).execute_with(|| {
        assert_eq!(Tree::<Test>::get().size, 4);
        let (root, _) = tree(
            &genesis_notes()
                .iter()
                .map(|n| *n.commitment().digest())
                .collect::<Vec<_>>(),
        );
        assert_eq!(ShieldedPool::tree_root(), root.to_bytes());
        assert!(crate::Anchors::<Test>::get().contains(&root.to_bytes()));
    });
}

#[test]
fn a_transfer_is_applied_once_and_double_spends_fail() {
    new_test_ext(genesis_commitments()).execute_with(|| {
        let transfer = standard().prove();
        let public =
            transaction_circuit::TransactionPublicInputs::from_bytes(&transfer.public_inputs)
                .expect("ok");
        assert_ok!(submit(vec![transfer.clone()]));
        assert_eq!(Tree::<Test>::get().size, 6);
        assert!(ShieldedPool::is_spent(&public.nullifiers[0].to_bytes()));
        assert_eq!(crate::BlockFees::<Test>::get(), FEE);
        System::assert_last_event(
            Event::Transferred {
                nullifiers: [
                    public.nullifiers[0].to_bytes(),
                    public.nullifiers[1].to_bytes(),
                ],
                commitments: [
                    public.commitments[0].to_bytes(),
                    public.commitments[1].to_bytes(),
                ],
                first_position: 4,
                ciphertext_hashes: [
                    public.ciphertext_hashes[0].to_bytes(),
                    public.ciphertext_hashes[1].to_bytes(),
                ],
                fee: FEE,
            }
            .into(),
        );
        // The same transfer again, in a later block: its nullifiers are spent.
        next_block();
        assert_noop!(submit(vec![transfer]), Error::<Test>::NullifierAlreadySpent);
    });
}

#[test]
fn authorize_checks_proofs_and_tags_nullifiers() {
    new_test_ext(genesis_commitments()).execute_with(|| {
        let transfer = standard().prove();
        let call = crate::Call::<Test>::submit_transfers {
            transfers: batch(vec![transfer.clone()]),
        };
        let valid = ShieldedPool::authorize_transfers(
            sp_runtime::transaction_validity::TransactionSource::External,
            &batch(vec![transfer.clone()]),
        )
        .expect("valid");
        assert_eq!(valid.0.provides.len(), 2);
        assert_eq!(valid.0.priority, 0, "no fee bidding");
        let mut bad = transfer;
        let last = bad.proof.len() - 10;
        bad.proof[last] ^= 1;
        assert!(
            ShieldedPool::authorize_transfers(
                sp_runtime::transaction_validity::TransactionSource::External,
                &batch(vec![bad]),
            )
            .is_err()
        );
        // Without authorization the call is rejected before touching state.
        let signed: RuntimeCall = call.into();
        assert!(signed.dispatch(RuntimeOrigin::signed(1)).is_err());
    });
}

#[test]
fn every_rejection_leaves_state_unchanged() {
    new_test_ext(genesis_commitments()).execute_with(|| {
        let good = standard().prove();
        // Bad proof.
        let mut bad_proof = good.clone();
        let mid = bad_proof.proof.len() / 2;
        bad_proof.proof[mid] ^= 0x10;
        ShieldedPool::check_batch(&[&bad_proof.public_inputs], None).expect("state checks pass");
        assert_eq!(
            ShieldedPool::verify_proofs(&[bad_proof]).map_err(sp_runtime::DispatchError::from),
            Err(Error::<Test>::InvalidProof.into())
        );
        // Wrong fee.
        let wrong_fee = Spec {
            fee: FEE - 1,
            outputs: [901, 50],
            ..standard()
        }
        .prove();
        assert_noop!(submit(vec![wrong_fee]), Error::<Test>::WrongFee);
        // Wrong chain id.
        let other_chain = Spec {
            binding: spec::chain_binding(b"another-chain"),
            ..standard()
        }
        .prove();
        assert_noop!(submit(vec![other_chain]), Error::<Test>::WrongChainBinding);
        // Unknown anchor: a tree with an extra leaf the chain never had.
        let mut leaves: Vec<Digest> = genesis_notes()
            .iter()
            .map(|n| *n.commitment().digest())
            .collect();
        leaves.push(spec::ciphertext_hash(b"a leaf the chain never had"));
        let stale = Spec {
            leaves,
            ..standard()
        }
        .prove();
        assert_noop!(submit(vec![stale]), Error::<Test>::UnknownAnchor);
        // Two transfers spending the same note in one batch.
        let again = Spec {
            spends: [0, 2],
            outputs: [1_100, 50],
            ..standard()
        }
        .prove();
        assert_noop!(
            submit(vec![good.clone(), again]),
            Error::<Test>::DuplicateNullifier
        );
        // Unordered batch (and a duplicated transfer is never strictly ordered).
        let other = Spec {
            spends: [2, 3],
            outputs: [650, 50],
            ..standard()
        }
        .prove();
        let mut unordered = vec![good.clone(), other];
        unordered.sort_by_key(ShieldedTransfer::hash);
        unordered.reverse();
        let unordered: BoundedVec<_, _> = unordered.try_into().expect("bound");
        assert_noop!(
            ShieldedPool::submit_transfers(frame_system::RawOrigin::Authorized.into(), unordered),
            Error::<Test>::UnorderedBatch
        );
        assert_noop!(
            submit(vec![good.clone(), good.clone()]),
            Error::<Test>::UnorderedBatch
        );
        assert_noop!(submit(vec![]), Error::<Test>::EmptyBatch);
        // Malformed public inputs.
        let mut malformed = good.clone();
        malformed.public_inputs[0..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_noop!(
            submit(vec![malformed]),
            Error::<Test>::MalformedPublicInputs
        );
        // A shielded-only call cannot move transparent value.
        let unshield = Spec {
            outputs: [800, 50],
            value_balance: 100,
            ..standard()
        }
        .prove();
        assert_noop!(submit(vec![unshield]), Error::<Test>::WrongValueBalance);
        assert!(Nullifiers::<Test>::iter().next().is_none());
    });
}

#[test]
fn batches_in_one_block_are_in_canonical_order_too() {
    new_test_ext(genesis_commitments()).execute_with(|| {
        let a = standard().prove();
        let b = Spec {
            spends: [2, 3],
            outputs: [650, 50],
            ..standard()
        }
        .prove();
        let (low, high) = if a.hash() < b.hash() { (a, b) } else { (b, a) };
        assert_ok!(submit(vec![high]));
        assert_noop!(submit(vec![low.clone()]), Error::<Test>::UnorderedBatch);
        // The finalized block's state holds no order, so the pool (validating on that state)
        // accepts a transfer whose hash is below the block's last one...
        use frame_support::traits::Hooks;
        <ShieldedPool as Hooks<u64>>::on_finalize(System::block_number());
        assert!(crate::LastTransferHash::<Test>::get().is_none());
        assert_ok!(ShieldedPool::authorize_transfers(
            sp_runtime::transaction_validity::TransactionSource::External,
            &batch(vec![low.clone()]),
        ));
        // ...and the next block applies it.
        System::set_block_number(System::block_number() + 1);
        <ShieldedPool as Hooks<u64>>::on_initialize(System::block_number());
        assert_ok!(submit(vec![low]));
    });
}

#[test]
fn oversized_proofs_do_not_decode() {
    use codec::{Decode, Encode};
    let mut bytes = [0u8; transaction_circuit::PUBLIC_INPUT_BYTES].to_vec();
    let oversized = vec![0u8; crate::MAX_PROOF_BYTES as usize + 1];
    bytes.extend(oversized.encode());
    assert!(ShieldedTransfer::decode(&mut &bytes[..]).is_err());
}

fn transparent_binding(account: u64) -> Digest {
    use codec::Encode;
    let mut bytes = CHAIN_ID.to_vec();
    bytes.extend(account.encode());
    spec::chain_binding(&bytes)
}

#[test]
fn unshielding_credits_the_bound_account() {
    new_test_ext(genesis_commitments()).execute_with(|| {
        let out = Spec {
            outputs: [800, 50],
            value_balance: 100,
            binding: transparent_binding(7),
            ..standard()
        }
        .prove();
        // Naming another account than the proof binds is rejected.
        assert_noop!(
            ShieldedPool::transparent_transfer(RuntimeOrigin::signed(1), Box::new(out.clone()), 8),
            Error::<Test>::WrongChainBinding
        );
        assert_ok!(ShieldedPool::transparent_transfer(
            RuntimeOrigin::signed(1),
            Box::new(out),
            7
        ));
        assert_eq!(Balances::free_balance(7), 100);
        System::assert_last_event(
            Event::ValueBalanceMoved {
                account: 7,
                amount: 100,
            }
            .into(),
        );
    });
}

#[test]
fn shielding_debits_the_signer() {
    new_test_ext(genesis_commitments()).execute_with(|| {
        // 1,000 in notes + 200 from account 1 → 1,150 + fee 50.
        let into = Spec {
            outputs: [1_100, 50],
            value_balance: -200,
            binding: transparent_binding(1),
            ..standard()
        }
        .prove();
        assert_noop!(
            ShieldedPool::transparent_transfer(RuntimeOrigin::signed(2), Box::new(into.clone()), 1),
            Error::<Test>::WrongChainBinding
        );
        assert_ok!(ShieldedPool::transparent_transfer(
            RuntimeOrigin::signed(1),
            Box::new(into),
            1
        ));
        assert_eq!(Balances::free_balance(1), 10_000 - 200);
        next_block();
        // An account that cannot pay is refused.
        let broke = Spec {
            spends: [2, 3],
            outputs: [1_000, 50],
            value_balance: -350,
            binding: transparent_binding(5),
            ..standard()
        }
        .prove();
        assert_noop!(
            ShieldedPool::transparent_transfer(RuntimeOrigin::signed(5), Box::new(broke), 5),
            Error::<Test>::InsufficientTransparentFunds
        );
    });
}

#[test]
fn anchors_keep_a_window_of_recent_roots() {
    new_test_ext(genesis_commitments()).execute_with(|| {
        for i in 0..6u64 {
            ShieldedPool::append_commitments(&[spec::ciphertext_hash(&i.to_le_bytes())])
                .expect("room");
            ShieldedPool::record_anchor();
        }
        assert_eq!(crate::Anchors::<Test>::get().len(), 4);
        let genesis_anchor = tree(
            &genesis_notes()
                .iter()
                .map(|n| *n.commitment().digest())
                .collect::<Vec<_>>(),
        )
        .0;
        assert!(
            !crate::Anchors::<Test>::get().contains(&genesis_anchor.to_bytes()),
            "evicted"
        );
    });
}

fn coinbase(value: u64) -> crate::CoinbaseNote {
    let addr = crate::testing::alice()
        .full_viewing_key()
        .incoming()
        .address(1);
    let recipient = addr.recipient();
    crate::CoinbaseNote {
        value,
        pk_enc_digest: recipient.pk_enc_digest.to_bytes(),
        pk_auth: recipient.pk_auth.to_bytes(),
        rseed: [0x33; 32],
        ciphertext_hash: spec::ciphertext_hash(b"coinbase ciphertext").to_bytes(),
    }
}

#[test]
fn coinbase_mints_reward_plus_fees() {
    new_test_ext(genesis_commitments()).execute_with(|| {
        assert_ok!(submit(vec![standard().prove()]));
        let note = coinbase(REWARD + FEE);
        assert_ok!(ShieldedPool::set_coinbase(
            RuntimeOrigin::none(),
            note.clone()
        ));
        assert_noop!(
            ShieldedPool::set_coinbase(RuntimeOrigin::none(), note.clone()),
            Error::<Test>::CoinbaseAlreadySet
        );
        next_block();
        let cm = note.commitment().expect("canonical");
        System::assert_has_event(
            Event::CoinbaseMinted {
                commitment: cm.to_bytes(),
                value: REWARD + FEE,
                position: 6,
                ciphertext_hash: note.ciphertext_hash,
            }
            .into(),
        );
        assert_eq!(Tree::<Test>::get().size, 7);
    });
}

#[test]
#[should_panic(expected = "coinbase mints")]
fn a_coinbase_claiming_more_makes_the_block_invalid() {
    new_test_ext(genesis_commitments()).execute_with(|| {
        assert_ok!(ShieldedPool::set_coinbase(
            RuntimeOrigin::none(),
            coinbase(REWARD + 1)
        ));
        next_block();
    });
}

#[test]
fn coinbase_rejections() {
    new_test_ext(genesis_commitments()).execute_with(|| {
        let mut bad = coinbase(REWARD);
        bad.pk_auth = [0xff; 48];
        assert_noop!(
            ShieldedPool::set_coinbase(RuntimeOrigin::none(), bad),
            Error::<Test>::MalformedCoinbase
        );
        assert_noop!(
            ShieldedPool::set_coinbase(RuntimeOrigin::signed(1), coinbase(REWARD)),
            sp_runtime::DispatchError::BadOrigin
        );
        let mut data = sp_inherents::InherentData::new();
        data.put_data(crate::COINBASE_INHERENT_IDENTIFIER, &coinbase(REWARD))
            .expect("put");
        let call =
            <ShieldedPool as frame_support::inherent::ProvideInherent>::create_inherent(&data)
                .expect("created");
        assert!(<ShieldedPool as frame_support::inherent::ProvideInherent>::is_inherent(&call));
    });
}

/// One aggregated proof over `transfers` (in order), as a block author proves it.
fn aggregate(transfers: &[ShieldedTransfer]) -> Vec<u8> {
    let inputs: Vec<_> = transfers
        .iter()
        .map(|t| {
            (
                transaction_circuit::TransactionPublicInputs::from_bytes(&t.public_inputs)
                    .expect("public inputs"),
                transaction_circuit::TransactionProof::from_bytes(&t.proof).expect("proof"),
            )
        })
        .collect();
    aggregation_circuit::block::prove_block(&inputs, |_, _, _| {}).expect("the block proves")
}

#[test]
fn an_aggregated_proof_authorizes_its_transfers_and_nothing_else() {
    new_test_ext(genesis_commitments()).execute_with(|| {
        let transfer = standard().prove();
        let other = Spec {
            spends: [2, 3],
            outputs: [650, 50],
            ..standard()
        }
        .prove();
        let proof = aggregate(core::slice::from_ref(&transfer));
        let listed = |t: &ShieldedTransfer| -> BoundedVec<crate::PublicInputBytes, _> {
            vec![t.public_inputs].try_into().expect("bound")
        };
        let bounded = |p: Vec<u8>| -> BoundedVec<u8, _> { p.try_into().expect("bound") };
        use sp_runtime::transaction_validity::{InvalidTransaction, TransactionSource};
        let authorize = |t: &ShieldedTransfer, p: Vec<u8>| {
            ShieldedPool::authorize_aggregated(TransactionSource::InBlock, &listed(t), &bounded(p))
        };
        let valid = authorize(&transfer, proof.clone()).expect("valid");
        assert_eq!(valid.0.provides.len(), 2, "one tag per nullifier");
        // Block authors make aggregated batches; peers do not gossip them.
        assert_eq!(
            ShieldedPool::authorize_aggregated(
                TransactionSource::External,
                &listed(&transfer),
                &bounded(proof.clone())
            )
            .map(|_| ()),
            Err(InvalidTransaction::Call.into())
        );

        // The proof covers this transfer only: not another's public inputs, not a changed byte.
        let invalid_proof = sp_runtime::transaction_validity::InvalidTransaction::Custom(
            crate::functions::error_code(Error::<Test>::InvalidProof),
        );
        assert_eq!(
            authorize(&other, proof.clone()).map(|_| ()),
            Err(invalid_proof.into())
        );
        let mut tampered = proof.clone();
        let mid = tampered.len() / 2;
        tampered[mid] ^= 1;
        assert_eq!(
            authorize(&transfer, tampered).map(|_| ()),
            Err(invalid_proof.into())
        );
        assert!(authorize(&transfer, Vec::new()).is_err());

        // Applied like a batch of individually proven transfers; its identity is the same.
        let call = crate::Call::<Test>::submit_aggregated {
            transfers: listed(&transfer),
            proof: bounded(proof.clone()),
        };
        let signed: RuntimeCall = call.into();
        assert!(signed.dispatch(RuntimeOrigin::signed(1)).is_err());
        assert_ok!(ShieldedPool::submit_aggregated(
            frame_system::RawOrigin::Authorized.into(),
            listed(&transfer),
            bounded(proof.clone()),
        ));
        assert_eq!(Tree::<Test>::get().size, 6);
        assert_eq!(
            crate::LastTransferHash::<Test>::get(),
            Some(crate::transfer_hash(&transfer.public_inputs))
        );
        assert_eq!(
            transfer.hash(),
            crate::transfer_hash(&transfer.public_inputs)
        );
        // Spent now: neither the aggregate nor the transfer's own proof applies again.
        next_block();
        assert!(authorize(&transfer, proof).is_err());
        assert_noop!(submit(vec![transfer]), Error::<Test>::NullifierAlreadySpent);
    });
}
