//! Fixtures for tests of this pallet and of pallets built on it: Alice's genesis notes and
//! real proofs of transfers spending them.

use alloc::vec::Vec;

use hegemon_crypto::{AssetId, Digest, Note, NoteValue, Rseed, SpendingKeys, spec};
use hegemon_merkle::NoteFrontier;
use transaction_circuit::{SpendWitness, TransactionWitness, ValueBalance, prove};

use crate::{ShieldedTransfer, VerifyProofs};

/// Values of the genesis notes.
pub const GENESIS_VALUES: [u64; 4] = [700, 300, 500, 250];

/// The owner of every genesis note.
pub fn alice() -> SpendingKeys {
    SpendingKeys::from_seed(&[0xa1; 64])
}

/// A native note to `to`.
pub fn note(value: u64, to: &hegemon_crypto::Address, seed: u8) -> Note {
    Note {
        value: NoteValue::from_u64(value),
        asset_id: AssetId::NATIVE,
        recipient: to.recipient(),
        rseed: Rseed::from_bytes([seed; 32]),
    }
}

/// Alice's genesis notes (positions 0‥3, address 0).
pub fn genesis_notes() -> Vec<Note> {
    let addr = alice().full_viewing_key().incoming().address(0);
    GENESIS_VALUES
        .iter()
        .enumerate()
        .map(|(i, v)| note(*v, &addr, i as u8 + 1))
        .collect()
}

/// Their commitments, as genesis takes them.
pub fn genesis_commitments() -> Vec<[u8; 48]> {
    genesis_notes()
        .iter()
        .map(|n| n.commitment().to_bytes())
        .collect()
}

/// Root and paths of a tree holding exactly `leaves`, from the production tree code.
pub fn tree(leaves: &[Digest]) -> (Digest, Vec<[Digest; 32]>) {
    let mut frontier = NoteFrontier::new();
    let mut witnesses = Vec::new();
    for leaf in leaves {
        for w in &mut witnesses {
            hegemon_merkle::NoteWitness::append(w, *leaf).expect("room");
        }
        witnesses.push(frontier.append_and_witness(*leaf).expect("room"));
    }
    (
        frontier.root(),
        witnesses.iter().map(|w| w.path().siblings).collect(),
    )
}

/// A transfer to prove: which genesis notes it spends and what it creates.
#[allow(missing_docs)]
pub struct Spec {
    pub spends: [usize; 2],
    pub outputs: [u64; 2],
    pub fee: u64,
    pub value_balance: i128,
    pub binding: Digest,
    pub leaves: Vec<Digest>,
    pub out_seed: u8,
}

impl Spec {
    /// Spends genesis notes 0 and 1 (1,000) into `950 − fee` + 50 with `fee`, on `chain_id`.
    pub fn standard(fee: u64, chain_id: &[u8]) -> Self {
        Self {
            spends: [0, 1],
            outputs: [950 - fee, 50],
            fee,
            value_balance: 0,
            binding: spec::chain_binding(chain_id),
            leaves: genesis_notes()
                .iter()
                .map(|n| *n.commitment().digest())
                .collect(),
            out_seed: 100,
        }
    }

    /// Proves the transfer against the tree of `leaves`.
    pub fn prove(&self) -> ShieldedTransfer {
        let keys = alice();
        let notes = genesis_notes();
        let (anchor, paths) = tree(&self.leaves);
        let bob = SpendingKeys::from_seed(&[0xb0; 64])
            .full_viewing_key()
            .incoming()
            .address(0);
        let spend = |i: usize| SpendWitness {
            note: notes[i],
            sk_spend: keys.sk_spend(),
            address_index: 0,
            position: i as u32,
            auth_path: paths[i],
        };
        let witness = TransactionWitness {
            spends: [spend(self.spends[0]), spend(self.spends[1])],
            outputs: [
                note(self.outputs[0], &bob, self.out_seed),
                note(self.outputs[1], &bob, self.out_seed + 1),
            ],
            anchor,
            fee: self.fee,
            value_balance: ValueBalance {
                asset: AssetId::NATIVE,
                amount: self.value_balance,
            },
            ciphertext_hashes: [spec::ciphertext_hash(b"a"), spec::ciphertext_hash(b"b")],
            chain_binding: self.binding,
        };
        let (public, proof) = prove(&witness).expect("valid witness");
        ShieldedTransfer {
            public_inputs: public.to_bytes(),
            proof: proof.as_bytes().to_vec().try_into().expect("fits"),
        }
    }
}

/// The native verifier: the code the runtime's host function runs, for mock runtimes.
pub struct NativeVerifier;

impl VerifyProofs for NativeVerifier {
    fn verify_batch(items: Vec<(Vec<u8>, Vec<u8>)>) -> Vec<bool> {
        items
            .iter()
            .map(|(public, proof)| {
                let Ok(public) = transaction_circuit::TransactionPublicInputs::from_bytes(public)
                else {
                    return false;
                };
                let Ok(proof) = transaction_circuit::TransactionProof::from_bytes(proof) else {
                    return false;
                };
                transaction_circuit::verify(&public, &proof).is_ok()
            })
            .collect()
    }

    fn verify_aggregate(public_inputs: Vec<u8>, proof: Vec<u8>) -> bool {
        aggregation_circuit::block::verify_block(&public_inputs, &proof).is_ok()
    }
}
