//! Sending: pick two notes, build the outputs (payment and change), prove locally, submit
//! (`docs/spec/wallet.md#send`). Every transfer spends exactly two notes and creates exactly
//! two, the circuit's fixed shape, so all transfers look alike on chain. A spend may be a dummy
//! (value 0, fresh randomness, no tree membership): that is how one note splits into two.

use hegemon_crypto::{
    Address, AssetId, Memo, Note, NoteValue, Rseed, SpendingKeys, encrypt_note, spec,
};
use hegemon_merkle::NoteFrontier;
use transaction_circuit::{SpendWitness, TransactionWitness, ValueBalance, prove};

use crate::{error::WalletError, state::OwnedNote, vault::random};

/// The two unspent native notes to spend for `need`: the two largest. Errors say what is
/// missing.
pub fn select(notes: &[OwnedNote], need: u64) -> Result<[usize; 2], WalletError> {
    let mut unspent: Vec<usize> = (0..notes.len()).filter(|&i| notes[i].spendable()).collect();
    unspent.sort_by_key(|&i| std::cmp::Reverse(notes[i].value));
    let (a, b) = match unspent[..] {
        [a, b, ..] => (a, b),
        _ => {
            return Err(WalletError::NeedTwoNotes {
                have: unspent.len(),
            });
        }
    };
    let have = notes[a].value + notes[b].value;
    if have < need {
        return Err(WalletError::InsufficientFunds { have, need });
    }
    Ok([a, b])
}

fn output(value: u64, to: &Address) -> Result<(Note, Vec<u8>), WalletError> {
    let note = Note {
        value: NoteValue::from_u64(value),
        asset_id: AssetId::NATIVE,
        recipient: to.recipient(),
        rseed: Rseed::from_bytes(random()?),
    };
    let ciphertext = encrypt_note(&note, &Memo::empty(), to, random()?)
        .map_err(|e| WalletError::Malformed(format!("cannot encrypt the output: {e}")))?;
    Ok((note, ciphertext.as_bytes().to_vec()))
}

/// A proven transfer, ready for `hegemon_submitTransfer`.
pub struct ProvenTransfer {
    /// Public inputs (416 bytes).
    pub public_inputs: Vec<u8>,
    /// The proof.
    pub proof: Vec<u8>,
    /// Output ciphertexts: payment, change.
    pub ciphertexts: [Vec<u8>; 2],
}

/// One of a transfer's two inputs.
#[derive(Clone, Copy)]
pub enum Spend<'a> {
    /// An owned note.
    Note(&'a OwnedNote),
    /// A zero-value note of fresh randomness: the circuit waives its membership, and its
    /// nullifier is as unpredictable as any other.
    Dummy,
}

impl Spend<'_> {
    fn value(&self) -> u64 {
        match self {
            Self::Note(n) => n.value,
            Self::Dummy => 0,
        }
    }
}

/// What a transfer spends and pays.
pub struct TransferPlan<'a> {
    /// The inputs.
    pub spends: [Spend<'a>; 2],
    /// The tree the spends are witnessed in (its root is the anchor).
    pub tree: &'a NoteFrontier,
    /// The payee.
    pub to: &'a Address,
    /// Amount paid.
    pub amount: u64,
    /// The fee.
    pub fee: u64,
    /// Where change goes.
    pub change_to: &'a Address,
    /// The chain binding digest.
    pub chain_binding: hegemon_crypto::Digest,
}

/// Builds and proves the transfer.
pub fn prove_transfer(
    keys: &SpendingKeys,
    plan: &TransferPlan<'_>,
) -> Result<ProvenTransfer, WalletError> {
    let total: u64 = plan.spends.iter().map(Spend::value).sum();
    let change = total
        .checked_sub(plan.amount)
        .and_then(|v| v.checked_sub(plan.fee))
        .ok_or(WalletError::InsufficientFunds {
            have: total,
            need: plan.amount.saturating_add(plan.fee),
        })?;
    let spend = |spend: Spend<'_>| -> Result<SpendWitness, WalletError> {
        let Spend::Note(n) = spend else {
            let address = keys.full_viewing_key().incoming().address(0);
            return Ok(SpendWitness {
                note: Note {
                    value: NoteValue::from_u64(0),
                    asset_id: AssetId::NATIVE,
                    recipient: address.recipient(),
                    rseed: Rseed::from_bytes(random()?),
                },
                sk_spend: keys.sk_spend(),
                address_index: 0,
                position: 0,
                auth_path: [hegemon_crypto::Digest::ZERO; hegemon_merkle::NOTE_TREE_DEPTH],
            });
        };
        let rseed = crate::state::parse_bytes::<32>(&n.rseed)?;
        let address = keys.full_viewing_key().incoming().address(n.address_index);
        let witness = n.witness.to_live()?;
        Ok(SpendWitness {
            note: Note {
                value: NoteValue::from_u64(n.value),
                asset_id: AssetId::NATIVE,
                recipient: address.recipient(),
                rseed: Rseed::from_bytes(rseed),
            },
            sk_spend: keys.sk_spend(),
            address_index: n.address_index,
            position: n.position as u32,
            auth_path: witness.path().siblings,
        })
    };
    let (pay, pay_ct) = output(plan.amount, plan.to)?;
    let (rest, rest_ct) = output(change, plan.change_to)?;
    let witness = TransactionWitness {
        spends: [spend(plan.spends[0])?, spend(plan.spends[1])?],
        outputs: [pay, rest],
        anchor: plan.tree.root(),
        fee: plan.fee,
        value_balance: ValueBalance::ZERO,
        ciphertext_hashes: [
            spec::ciphertext_hash(&pay_ct),
            spec::ciphertext_hash(&rest_ct),
        ],
        chain_binding: plan.chain_binding,
    };
    let (public, proof) =
        prove(&witness).map_err(|e| WalletError::Malformed(format!("cannot prove: {e}")))?;
    Ok(ProvenTransfer {
        public_inputs: public.to_bytes().to_vec(),
        proof: proof.as_bytes().to_vec(),
        ciphertexts: [pay_ct, rest_ct],
    })
}
