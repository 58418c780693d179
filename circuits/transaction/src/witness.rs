//! The prover's private witness and its native validation.
//!
//! [`TransactionWitness::public_inputs`] checks every rule of the statement natively before any
//! proving starts, so a bad witness gets a typed [`WitnessError`] instead of an invalid proof.

use hegemon_crypto::poseidon2::{DIGEST_ELEMS, Digest, Felt};
use hegemon_crypto::{AssetId, Note, NoteCommitment, Nullifier, spec};

use crate::columns::{NUM_OUTPUTS, NUM_SPENDS};
use crate::public_inputs::{CIRCUIT_VERSION, TransactionPublicInputs, ValueBalance};
use crate::schedule::TREE_DEPTH;

/// A spent note and what proves the right to spend it.
#[derive(Clone, Debug)]
pub struct SpendWitness {
    /// The note being spent.
    pub note: Note,
    /// The owner's spend key (field-element form).
    pub sk_spend: [Felt; DIGEST_ELEMS],
    /// Index of the owner's address the note was sent to (for `pk_auth`).
    pub address_index: u32,
    /// Leaf position of the note's commitment in the tree.
    pub position: u32,
    /// Sibling digests from the leaf level up to the root's children.
    pub auth_path: [Digest; TREE_DEPTH],
}

impl SpendWitness {
    /// The spend key's nullifier key.
    pub fn nullifier_key(&self) -> Digest {
        spec::derive_nullifier_key(&self.sk_spend)
    }

    /// The note's nullifier.
    pub fn nullifier(&self) -> Nullifier {
        self.note.nullifier(&self.nullifier_key(), self.position)
    }

    /// The root this path leads to from the note's commitment.
    pub fn root(&self) -> Digest {
        let mut node = *self.note.commitment().digest();
        for (level, sibling) in self.auth_path.iter().enumerate() {
            node = if (self.position >> level) & 1 == 0 {
                spec::merkle_node(level as u32, &node, sibling)
            } else {
                spec::merkle_node(level as u32, sibling, &node)
            };
        }
        node
    }
}

/// Everything the prover knows about one transfer.
#[derive(Clone, Debug)]
pub struct TransactionWitness {
    /// The two spends (a value-0 spend is a dummy and needs no tree membership).
    pub spends: [SpendWitness; NUM_SPENDS],
    /// The two created notes.
    pub outputs: [Note; NUM_OUTPUTS],
    /// Tree root the spends are proven against.
    pub anchor: Digest,
    /// Fee in the native asset.
    pub fee: u64,
    /// Transparent value crossing the pool boundary.
    pub value_balance: ValueBalance,
    /// Hashes of the two output ciphertexts.
    pub ciphertext_hashes: [Digest; NUM_OUTPUTS],
    /// The chain binding digest.
    pub chain_binding: Digest,
}

/// Why a witness cannot be proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WitnessError {
    /// The spend key does not authorise the note (`pk_auth` mismatch).
    #[error("spend {spend}: the spend key does not own this note")]
    WrongSpendKey {
        /// Which spend.
        spend: usize,
    },
    /// A non-dummy spend's path does not reach the anchor.
    #[error("spend {spend}: the note is not in the tree under this anchor")]
    NotInTree {
        /// Which spend.
        spend: usize,
    },
    /// Both spends reveal the same nullifier (the same note spent twice).
    #[error("both spends have the same nullifier")]
    DuplicateNullifier,
    /// The notes use more than one non-native asset, or the value balance names another one.
    #[error("a transfer may involve the native asset and at most one other asset")]
    TooManyAssets,
    /// `|value balance| ≥ 2^64`.
    #[error("value balance magnitude exceeds 2^64 - 1")]
    ValueBalanceOutOfRange,
    /// Inputs ≠ outputs + fee + value balance for some asset.
    #[error("value is not conserved for asset {asset}")]
    Imbalance {
        /// The asset whose sums differ.
        asset: u32,
    },
}

impl TransactionWitness {
    /// The second asset of the transfer (`asset_b`): the one non-native asset used, if any.
    pub(crate) fn second_asset(&self) -> Result<AssetId, WitnessError> {
        let mut second: Option<AssetId> = None;
        let vb = (self.value_balance.amount != 0).then_some(self.value_balance.asset);
        let assets = self
            .spends
            .iter()
            .map(|s| s.note.asset_id)
            .chain(self.outputs.iter().map(|n| n.asset_id));
        for asset in assets.chain(vb) {
            if asset == AssetId::NATIVE {
                continue;
            }
            match second {
                None => second = Some(asset),
                Some(a) if a == asset => {}
                Some(_) => return Err(WitnessError::TooManyAssets),
            }
        }
        Ok(second.unwrap_or(AssetId::NATIVE))
    }

    /// Validates the witness and returns the public inputs it proves.
    pub fn public_inputs(&self) -> Result<TransactionPublicInputs, WitnessError> {
        for (spend, w) in self.spends.iter().enumerate() {
            let ak = spec::derive_auth_key(&w.sk_spend);
            if spec::derive_pk_auth(&ak, w.address_index) != w.note.recipient.pk_auth {
                return Err(WitnessError::WrongSpendKey { spend });
            }
            if w.note.value.get() != 0 && w.root() != self.anchor {
                return Err(WitnessError::NotInTree { spend });
            }
        }
        let nullifiers = [self.spends[0].nullifier(), self.spends[1].nullifier()];
        if nullifiers[0] == nullifiers[1] {
            return Err(WitnessError::DuplicateNullifier);
        }
        if !self.value_balance.in_range() {
            return Err(WitnessError::ValueBalanceOutOfRange);
        }
        let second = self.second_asset()?;
        for asset in [AssetId::NATIVE, second] {
            let sum = |notes: &mut dyn Iterator<Item = &Note>| -> i128 {
                notes
                    .filter(|n| n.asset_id == asset)
                    .map(|n| i128::from(n.value.get()))
                    .sum()
            };
            let spent = sum(&mut self.spends.iter().map(|s| &s.note));
            let created = sum(&mut self.outputs.iter());
            let fee = if asset == AssetId::NATIVE {
                i128::from(self.fee)
            } else {
                0
            };
            let vb = if self.value_balance.asset == asset {
                self.value_balance.amount
            } else {
                0
            };
            if spent - created - fee - vb != 0 {
                return Err(WitnessError::Imbalance { asset: asset.get() });
            }
            if second == AssetId::NATIVE {
                break;
            }
        }
        Ok(TransactionPublicInputs {
            anchor: self.anchor,
            nullifiers,
            commitments: [
                NoteCommitment::from_digest(*self.outputs[0].commitment().digest()),
                NoteCommitment::from_digest(*self.outputs[1].commitment().digest()),
            ],
            ciphertext_hashes: self.ciphertext_hashes,
            chain_binding: self.chain_binding,
            fee: self.fee,
            value_balance: self.value_balance,
            circuit_version: CIRCUIT_VERSION,
        })
    }
}
