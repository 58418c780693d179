//! Notes: the private coins of the shielded pool, their commitments and nullifiers.
//!
//! A note is `(value, asset_id, pk_enc_digest, pk_auth, rho, r)` ([spec § Notes][notes]). The
//! sender picks a 32-byte `rseed`; `rho` and `r` are derived from it, so the ciphertext carries 32
//! bytes instead of 96 and the recipient can recompute both.
//!
//! [notes]: ../../docs/spec/keys-and-notes.md#notes

use core::fmt;

use subtle::ConstantTimeEq;

use crate::derive::{context, derive_elements};
use crate::poseidon2::{DIGEST_BYTES, Digest};
use crate::spec;

/// An amount of one asset, in its smallest unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct NoteValue(u64);

impl NoteValue {
    /// The zero value (dummy notes).
    pub const ZERO: Self = Self(0);

    /// Wraps a raw amount; every `u64` is a valid value (the circuit range-checks by limbs).
    pub const fn from_u64(value: u64) -> Self {
        Self(value)
    }

    /// The raw amount.
    pub const fn get(self) -> u64 {
        self.0
    }
}

/// Identifies an asset; [`AssetId::NATIVE`] is the chain's fee asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct AssetId(u32);

impl AssetId {
    /// The native asset, in which fees and the block reward are paid.
    pub const NATIVE: Self = Self(0);

    /// Wraps a raw asset number.
    pub const fn from_u32(id: u32) -> Self {
        Self(id)
    }

    /// The raw asset number.
    pub const fn get(self) -> u32 {
        self.0
    }
}

/// Bytes of a note's randomness seed.
pub const RSEED_BYTES: usize = 32;

/// The sender-chosen seed of a note's `rho` and commitment randomness `r`. Never printed.
#[derive(Clone, Copy)]
pub struct Rseed([u8; RSEED_BYTES]);

impl Rseed {
    /// Wraps 32 bytes; they must be fresh and uniformly random for each note.
    pub const fn from_bytes(bytes: [u8; RSEED_BYTES]) -> Self {
        Self(bytes)
    }

    /// The raw seed.
    pub const fn to_bytes(self) -> [u8; RSEED_BYTES] {
        self.0
    }

    /// `rho`: the note's uniqueness input to its nullifier.
    pub fn rho(&self) -> Digest {
        Digest::from_elements(derive_elements(context::NOTE_RHO, &[&self.0]))
    }

    /// `r`: the commitment's hiding randomness.
    pub fn rcm(&self) -> Digest {
        Digest::from_elements(derive_elements(context::NOTE_RCM, &[&self.0]))
    }
}

impl PartialEq for Rseed {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}
impl Eq for Rseed {}

impl fmt::Debug for Rseed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Rseed(<secret>)")
    }
}

/// Who can open and spend a note: the digest of their address's encryption key and their
/// per-address spend-authority key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteRecipient {
    /// `H_PK_ENC(ek)` of the recipient address.
    pub pk_enc_digest: Digest,
    /// The recipient address's `pk_auth`.
    pub pk_auth: Digest,
}

/// A note: value, asset, recipient and randomness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Note {
    /// Amount.
    pub value: NoteValue,
    /// Asset.
    pub asset_id: AssetId,
    /// Recipient.
    pub recipient: NoteRecipient,
    /// Randomness seed.
    pub rseed: Rseed,
}

impl Note {
    /// The note commitment, as appended to the commitment tree.
    pub fn commitment(&self) -> NoteCommitment {
        NoteCommitment(spec::note_commitment(
            self.value.get(),
            self.asset_id.get(),
            &self.recipient.pk_enc_digest,
            &self.recipient.pk_auth,
            &self.rseed.rho(),
            &self.rseed.rcm(),
        ))
    }

    /// The nullifier that spends this note from leaf `position`.
    pub fn nullifier(&self, nk: &Digest, position: u32) -> Nullifier {
        Nullifier(spec::nullifier(nk, position, &self.rseed.rho()))
    }
}

macro_rules! digest_newtype {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Digest);

        impl $name {
            /// Wraps a digest.
            pub const fn from_digest(digest: Digest) -> Self {
                Self(digest)
            }

            /// The digest (field-element form).
            pub const fn digest(&self) -> &Digest {
                &self.0
            }

            /// Canonical 48-byte encoding.
            pub fn to_bytes(&self) -> [u8; DIGEST_BYTES] {
                self.0.to_bytes()
            }

            /// Parses the canonical encoding (`None` if any limb is `≥ p`).
            pub fn from_bytes(bytes: &[u8; DIGEST_BYTES]) -> Option<Self> {
                Digest::from_bytes(bytes).map(Self)
            }
        }
    };
}

digest_newtype!(
    /// A note commitment `cm`: a leaf of the commitment tree.
    NoteCommitment
);
digest_newtype!(
    /// A nullifier `nf`: revealed when a note is spent; the chain rejects it a second time.
    Nullifier
);

#[cfg(test)]
mod tests {
    use super::*;
    use p3_field::PrimeCharacteristicRing;

    use crate::poseidon2::{DIGEST_ELEMS, Felt};

    fn note(value: u64, rseed: u8) -> Note {
        Note {
            value: NoteValue::from_u64(value),
            asset_id: AssetId::NATIVE,
            recipient: NoteRecipient {
                pk_enc_digest: Digest::from_elements([Felt::ONE; DIGEST_ELEMS]),
                pk_auth: Digest::from_elements([Felt::TWO; DIGEST_ELEMS]),
            },
            rseed: Rseed::from_bytes([rseed; 32]),
        }
    }

    #[test]
    fn commitment_binds_every_field() {
        let base = note(5, 1);
        let cm = base.commitment();
        assert_ne!(cm, note(6, 1).commitment(), "value");
        assert_ne!(cm, note(5, 2).commitment(), "rseed");
        let mut other_asset = base;
        other_asset.asset_id = AssetId::from_u32(1);
        assert_ne!(cm, other_asset.commitment(), "asset");
        let mut other_auth = base;
        other_auth.recipient.pk_auth = Digest::ZERO;
        assert_ne!(cm, other_auth.commitment(), "pk_auth");
        let mut other_enc = base;
        other_enc.recipient.pk_enc_digest = Digest::ZERO;
        assert_ne!(cm, other_enc.commitment(), "pk_enc");
    }

    #[test]
    fn rho_and_rcm_differ() {
        let seed = Rseed::from_bytes([4; 32]);
        assert_ne!(seed.rho(), seed.rcm());
        assert_eq!(alloc::format!("{seed:?}"), "Rseed(<secret>)");
    }
}
