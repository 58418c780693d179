//! Finding the wallet's notes in a block: trial decryption against each address's key, tree
//! and witness maintenance (`docs/spec/wallet.md#sync`).

use hegemon_crypto::{
    FullViewingKey, NoteCommitment,
    mlkem::DecapsulationKey,
    note::NoteRecipient,
    note_encryption::{NoteCiphertext, decrypt_note},
};
use hegemon_merkle::{NoteFrontier, NoteWitness};

use crate::{
    error::WalletError,
    node::BlockNotes,
    state::{OwnedNote, StoredWitness, digest_hex, parse_digest},
};

/// The live tree and the witnesses of owned notes during a sync.
pub struct LiveTree {
    /// The frontier.
    pub frontier: NoteFrontier,
    /// Owned notes, each with its live witness.
    pub notes: Vec<(OwnedNote, NoteWitness)>,
}

/// Trial-decrypts for addresses `0..count`.
pub struct Scanner {
    addresses: Vec<(u32, NoteRecipient, DecapsulationKey)>,
    nk: hegemon_crypto::Digest,
}

impl Scanner {
    /// Derives the decryption keys of the first `count` addresses.
    pub fn new(keys: &FullViewingKey, count: u32) -> Self {
        let addresses = (0..count.max(1))
            .map(|i| {
                let (address, dk) = keys.incoming().address_keys(i);
                (i, address.recipient(), dk)
            })
            .collect();
        Self {
            addresses,
            nk: *keys.nullifier_key(),
        }
    }

    fn try_decrypt(
        &self,
        commitment: &NoteCommitment,
        ciphertext: &NoteCiphertext,
    ) -> Option<(u32, hegemon_crypto::Note)> {
        self.addresses.iter().find_map(|(i, recipient, dk)| {
            decrypt_note(dk, recipient, ciphertext, commitment)
                .ok()
                .map(|d| (*i, d.note))
        })
    }

    /// Marks the notes in `tree` whose nullifiers `block` revealed as spent (no longer
    /// pending); returns how many.
    pub fn mark_spent(tree: &mut LiveTree, block: &BlockNotes) -> usize {
        let mut spent = 0;
        for revealed in &block.nullifiers {
            let revealed = revealed.to_ascii_lowercase();
            for (note, _) in tree.notes.iter_mut() {
                if !note.spent && note.nullifier == revealed {
                    note.spent = true;
                    note.pending = false;
                    spent += 1;
                }
            }
        }
        spent
    }

    /// Applies one block's notes to `tree`; returns how many were ours.
    pub fn apply(&self, tree: &mut LiveTree, block: &BlockNotes) -> Result<usize, WalletError> {
        let inconsistent =
            |what: String| WalletError::Inconsistent(format!("block #{}: {what}", block.number));
        if block.first_position != tree.frontier.size() {
            return Err(inconsistent(format!(
                "first position {} but the wallet's tree has {} leaves",
                block.first_position,
                tree.frontier.size()
            )));
        }
        if block.commitments.len() != block.ciphertexts.len() {
            return Err(inconsistent(
                "commitments and ciphertexts differ in number".into(),
            ));
        }
        let mut found = 0;
        for (cm, ct) in block.commitments.iter().zip(&block.ciphertexts) {
            let digest = parse_digest(cm)?;
            for (_, w) in &mut tree.notes {
                w.append(digest).map_err(|e| inconsistent(e.to_string()))?;
            }
            let ciphertext = hex::decode(ct.trim_start_matches("0x"))
                .ok()
                .and_then(|b| NoteCiphertext::from_bytes(&b).ok());
            let mine = ciphertext
                .as_ref()
                .and_then(|c| self.try_decrypt(&NoteCommitment::from_digest(digest), c));
            match mine {
                Some((address_index, note)) => {
                    let witness = tree
                        .frontier
                        .append_and_witness(digest)
                        .map_err(|e| inconsistent(e.to_string()))?;
                    let position = witness.position();
                    let owned = OwnedNote {
                        position,
                        value: note.value.get(),
                        asset: note.asset_id.get(),
                        address_index,
                        rseed: format!("0x{}", hex::encode(note.rseed.to_bytes())),
                        nullifier: digest_hex(note.nullifier(&self.nk, position as u32).digest()),
                        block: block.number,
                        spent: false,
                        pending: false,
                        witness: StoredWitness::from_live(&witness),
                    };
                    tree.notes.push((owned, witness));
                    found += 1;
                }
                None => {
                    tree.frontier
                        .append(digest)
                        .map_err(|e| inconsistent(e.to_string()))?;
                }
            }
        }
        Ok(found)
    }
}
