//! Note encryption: ML-KEM-1024 to the recipient address, then ChaCha20-Poly1305.
//!
//! Every ciphertext has the same length ([`NOTE_CIPHERTEXT_BYTES`]), so output ciphertexts reveal
//! nothing by size. Layout ([spec § Note encryption][enc]):
//!
//! | bytes | field |
//! |---|---|
//! | 1 | version (= 1) |
//! | 1,568 | ML-KEM-1024 ciphertext |
//! | 556 + 16 | AEAD(value u64 LE ‖ asset u32 LE ‖ rseed 32 ‖ memo 512) ‖ tag |
//!
//! The AEAD key is `BLAKE3-derive_key("…note AEAD key v1", shared_secret ‖ kem_ciphertext)`; the
//! key is used once, so the nonce is zero. The version byte is the associated data. A ciphertext
//! for someone else costs one decapsulation plus one failed tag check to reject.
//!
//! [enc]: ../../docs/spec/keys-and-notes.md#note-encryption

use alloc::boxed::Box;
use core::fmt;

use chacha20poly1305::aead::AeadInPlace;
use chacha20poly1305::{ChaCha20Poly1305, Key, KeyInit, Nonce, Tag};
use zeroize::Zeroizing;

use crate::address::Address;
use crate::derive::{context, derive_bytes};
use crate::mlkem::{DecapsulationKey, ENCAPS_RANDOMNESS_BYTES, KEM_CIPHERTEXT_BYTES};
use crate::note::{AssetId, Note, NoteCommitment, NoteRecipient, NoteValue, RSEED_BYTES, Rseed};

/// Current ciphertext version.
pub const NOTE_CIPHERTEXT_VERSION: u8 = 1;
/// Bytes of a memo (zero-padded).
pub const MEMO_BYTES: usize = 512;
/// Bytes of the note plaintext.
pub const NOTE_PLAINTEXT_BYTES: usize = 8 + 4 + RSEED_BYTES + MEMO_BYTES;
/// Bytes of the AEAD tag.
pub const AEAD_TAG_BYTES: usize = 16;
/// Bytes of every note ciphertext.
pub const NOTE_CIPHERTEXT_BYTES: usize =
    1 + KEM_CIPHERTEXT_BYTES + NOTE_PLAINTEXT_BYTES + AEAD_TAG_BYTES;

const KEM_CT_RANGE: core::ops::Range<usize> = 1..1 + KEM_CIPHERTEXT_BYTES;
const AEAD_START: usize = 1 + KEM_CIPHERTEXT_BYTES;
const TAG_START: usize = AEAD_START + NOTE_PLAINTEXT_BYTES;

/// Why a ciphertext could not be parsed or opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecryptError {
    /// The ciphertext has the wrong length.
    #[error("note ciphertext must be {expected} bytes, got {got}")]
    WrongLength {
        /// Required length.
        expected: usize,
        /// Length received.
        got: usize,
    },
    /// A ciphertext version this software does not know.
    #[error("unknown note ciphertext version {0}; upgrade the wallet")]
    UnknownVersion(u8),
    /// The AEAD tag does not verify: the note is for another key, or the bytes were altered.
    #[error("note is not for this key, or its ciphertext was altered")]
    NotForThisKey,
    /// The plaintext decrypts but does not open the on-chain commitment (a malicious sender).
    #[error("decrypted note does not match its on-chain commitment")]
    CommitmentMismatch,
}

impl DecryptError {
    /// True for the expected outcome of trial-decrypting someone else's note.
    pub fn is_foreign(&self) -> bool {
        matches!(self, Self::NotForThisKey)
    }
}

/// Why a note could not be encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncryptError {
    /// The note does not commit to the address it is being encrypted to.
    #[error("note recipient does not match the destination address")]
    RecipientMismatch,
    /// The AEAD refused the buffer (only possible beyond 256 GiB; notes are fixed-size).
    #[error("AEAD encryption failed")]
    Aead,
}

/// A memo: up to 512 bytes of free text, zero-padded.
#[derive(Clone, PartialEq, Eq)]
pub struct Memo(Box<[u8; MEMO_BYTES]>);

impl Memo {
    /// The empty memo.
    pub fn empty() -> Self {
        Self(Box::new([0u8; MEMO_BYTES]))
    }

    /// A memo holding `bytes` (at most [`MEMO_BYTES`]), `None` if too long.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let mut memo = Self::empty();
        memo.0.get_mut(..bytes.len())?.copy_from_slice(bytes);
        Some(memo)
    }

    /// The raw 512 bytes.
    pub fn as_bytes(&self) -> &[u8; MEMO_BYTES] {
        &self.0
    }

    /// The memo without trailing zero padding.
    pub fn trimmed(&self) -> &[u8] {
        let end = self.0.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
        &self.0[..end]
    }
}

impl fmt::Debug for Memo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Memo({} bytes)", self.trimmed().len())
    }
}

/// A fixed-size note ciphertext.
#[derive(Clone, PartialEq, Eq)]
pub struct NoteCiphertext(Box<[u8; NOTE_CIPHERTEXT_BYTES]>);

impl NoteCiphertext {
    /// Parses a ciphertext, checking length and version.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecryptError> {
        let array: [u8; NOTE_CIPHERTEXT_BYTES] =
            bytes.try_into().map_err(|_| DecryptError::WrongLength {
                expected: NOTE_CIPHERTEXT_BYTES,
                got: bytes.len(),
            })?;
        if array[0] != NOTE_CIPHERTEXT_VERSION {
            return Err(DecryptError::UnknownVersion(array[0]));
        }
        Ok(Self(Box::new(array)))
    }

    /// The encoded bytes.
    pub fn as_bytes(&self) -> &[u8; NOTE_CIPHERTEXT_BYTES] {
        &self.0
    }

    fn kem_ciphertext(&self) -> &[u8; KEM_CIPHERTEXT_BYTES] {
        self.0[KEM_CT_RANGE]
            .try_into()
            .unwrap_or(&[0u8; KEM_CIPHERTEXT_BYTES])
    }
}

impl fmt::Debug for NoteCiphertext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "NoteCiphertext(v{}, {} bytes)",
            self.0[0], NOTE_CIPHERTEXT_BYTES
        )
    }
}

/// A note and memo recovered from a ciphertext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecryptedNote {
    /// The note (its commitment matched the on-chain one).
    pub note: Note,
    /// The sender's memo.
    pub memo: Memo,
}

fn aead(shared_secret: &[u8; 32], kem_ct: &[u8]) -> ChaCha20Poly1305 {
    let key = Zeroizing::new(derive_bytes::<32>(
        context::NOTE_AEAD_KEY,
        &[shared_secret, kem_ct],
    ));
    ChaCha20Poly1305::new(Key::from_slice(&*key))
}

/// Encrypts `note` and `memo` to `to`. `kem_randomness` must be fresh and secret per note.
pub fn encrypt_note(
    note: &Note,
    memo: &Memo,
    to: &Address,
    kem_randomness: [u8; ENCAPS_RANDOMNESS_BYTES],
) -> Result<NoteCiphertext, EncryptError> {
    if note.recipient != to.recipient() {
        return Err(EncryptError::RecipientMismatch);
    }
    let (kem_ct, ss) = to.encapsulation_key().encapsulate(kem_randomness);
    let mut out = Box::new([0u8; NOTE_CIPHERTEXT_BYTES]);
    out[0] = NOTE_CIPHERTEXT_VERSION;
    out[KEM_CT_RANGE].copy_from_slice(&kem_ct);
    let plaintext = &mut out[AEAD_START..TAG_START];
    plaintext[..8].copy_from_slice(&note.value.get().to_le_bytes());
    plaintext[8..12].copy_from_slice(&note.asset_id.get().to_le_bytes());
    plaintext[12..12 + RSEED_BYTES].copy_from_slice(&note.rseed.to_bytes());
    plaintext[12 + RSEED_BYTES..].copy_from_slice(memo.as_bytes());
    let tag = aead(&ss, &kem_ct)
        .encrypt_in_place_detached(
            Nonce::from_slice(&[0u8; 12]),
            &[NOTE_CIPHERTEXT_VERSION],
            plaintext,
        )
        .map_err(|_| EncryptError::RecipientMismatch)?;
    out[TAG_START..].copy_from_slice(&tag);
    Ok(NoteCiphertext(out))
}

/// Trial-decrypts `ciphertext` with the key of the address whose note parts are `recipient`, and
/// checks the result opens `expected` (the output's on-chain commitment).
pub fn decrypt_note(
    dk: &DecapsulationKey,
    recipient: &NoteRecipient,
    ciphertext: &NoteCiphertext,
    expected: &NoteCommitment,
) -> Result<DecryptedNote, DecryptError> {
    let kem_ct = ciphertext.kem_ciphertext();
    let ss = dk.decapsulate(kem_ct);
    let mut plaintext = Zeroizing::new([0u8; NOTE_PLAINTEXT_BYTES]);
    plaintext.copy_from_slice(&ciphertext.0[AEAD_START..TAG_START]);
    let tag = Tag::from_slice(&ciphertext.0[TAG_START..]);
    aead(&ss, kem_ct)
        .decrypt_in_place_detached(
            Nonce::from_slice(&[0u8; 12]),
            &[NOTE_CIPHERTEXT_VERSION],
            &mut *plaintext,
            tag,
        )
        .map_err(|_| DecryptError::NotForThisKey)?;
    let mut value = [0u8; 8];
    value.copy_from_slice(&plaintext[..8]);
    let mut asset = [0u8; 4];
    asset.copy_from_slice(&plaintext[8..12]);
    let mut rseed = [0u8; RSEED_BYTES];
    rseed.copy_from_slice(&plaintext[12..12 + RSEED_BYTES]);
    let note = Note {
        value: NoteValue::from_u64(u64::from_le_bytes(value)),
        asset_id: AssetId::from_u32(u32::from_le_bytes(asset)),
        recipient: *recipient,
        rseed: Rseed::from_bytes(rseed),
    };
    if note.commitment() != *expected {
        return Err(DecryptError::CommitmentMismatch);
    }
    let memo = Memo::from_bytes(&plaintext[12 + RSEED_BYTES..]).unwrap_or_else(Memo::empty);
    Ok(DecryptedNote { note, memo })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SpendingKeys;

    struct Fixture {
        note: Note,
        to: Address,
        ct: NoteCiphertext,
        dk: DecapsulationKey,
    }

    fn fixture() -> Fixture {
        let keys = SpendingKeys::from_seed(&[1u8; 64]);
        let (to, dk) = keys.full_viewing_key().incoming().address_keys(0);
        let note = Note {
            value: NoteValue::from_u64(1234),
            asset_id: AssetId::NATIVE,
            recipient: to.recipient(),
            rseed: Rseed::from_bytes([9u8; 32]),
        };
        let memo = Memo::from_bytes(b"invoice 42").expect("short");
        let ct = encrypt_note(&note, &memo, &to, [3u8; 32]).expect("encrypts");
        Fixture { note, to, ct, dk }
    }

    #[test]
    fn round_trip() {
        let f = fixture();
        let got =
            decrypt_note(&f.dk, &f.to.recipient(), &f.ct, &f.note.commitment()).expect("decrypts");
        assert_eq!(got.note, f.note);
        assert_eq!(got.memo.trimmed(), b"invoice 42");
        assert_eq!(f.ct.as_bytes().len(), NOTE_CIPHERTEXT_BYTES);
    }

    #[test]
    fn every_rejection() {
        let f = fixture();
        let cm = f.note.commitment();
        let rcpt = f.to.recipient();
        // Wrong key.
        let (other, other_dk) = SpendingKeys::from_seed(&[2u8; 64])
            .full_viewing_key()
            .incoming()
            .address_keys(0);
        let err = decrypt_note(&other_dk, &other.recipient(), &f.ct, &cm).expect_err("foreign");
        assert_eq!(err, DecryptError::NotForThisKey);
        assert!(err.is_foreign());
        // Tampered bytes anywhere: KEM part, AEAD body, tag.
        for pos in [1, 500, AEAD_START + 3, NOTE_CIPHERTEXT_BYTES - 1] {
            let mut bytes = *f.ct.as_bytes();
            bytes[pos] ^= 0x20;
            let ct = NoteCiphertext::from_bytes(&bytes).expect("shape ok");
            assert_eq!(
                decrypt_note(&f.dk, &rcpt, &ct, &cm),
                Err(DecryptError::NotForThisKey)
            );
        }
        // Wrong length, unknown version.
        assert_eq!(
            NoteCiphertext::from_bytes(&f.ct.as_bytes()[1..]),
            Err(DecryptError::WrongLength {
                expected: NOTE_CIPHERTEXT_BYTES,
                got: NOTE_CIPHERTEXT_BYTES - 1
            })
        );
        let mut bytes = *f.ct.as_bytes();
        bytes[0] = 2;
        assert_eq!(
            NoteCiphertext::from_bytes(&bytes),
            Err(DecryptError::UnknownVersion(2))
        );
        // A valid ciphertext that does not open the claimed commitment.
        let mut other_note = f.note;
        other_note.value = NoteValue::from_u64(1);
        assert_eq!(
            decrypt_note(&f.dk, &rcpt, &f.ct, &other_note.commitment()),
            Err(DecryptError::CommitmentMismatch)
        );
        // Encrypting to an address the note does not commit to.
        assert_eq!(
            encrypt_note(&f.note, &Memo::empty(), &other, [0u8; 32]),
            Err(EncryptError::RecipientMismatch)
        );
        assert!(Memo::from_bytes(&[1u8; MEMO_BYTES + 1]).is_none());
    }
}
