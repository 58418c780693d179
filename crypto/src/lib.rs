//! Hegemon's post-quantum primitives, shared by the circuits, runtime, node and wallet.
//!
//! - [`poseidon2`], [`spec`]: Poseidon2 over KoalaBear (width 24, 12-element digests) and every
//!   domain-separated hash the transaction circuit computes: note commitment, nullifier, Merkle
//!   node, `ak`/`pk_auth`/`nk` derivation, ciphertext hash, chain binding.
//! - [`note`]: notes, values, assets, commitments, nullifiers.
//! - [`mldsa`]: ML-DSA-65 (FIPS 204) keys and signatures; `no_std`, used by the runtime.
//! - With the `wallet` feature: [`keys`] (mnemonic → spend key → viewing keys → diversified
//!   addresses), [`address`], [`mlkem`] (ML-KEM-1024, FIPS 203), [`note_encryption`] and the
//!   checksummed [`text`] encoding.
//!
//! No elliptic curves, pairings or RSA: everything here is hash- or lattice-based. Byte layouts
//! and derivations are specified in `docs/spec/keys-and-notes.md`.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod derive;
pub mod mldsa;
pub mod note;
pub mod poseidon2;
pub mod spec;

#[cfg(feature = "wallet")]
pub mod address;
#[cfg(feature = "wallet")]
pub mod keys;
#[cfg(feature = "wallet")]
pub mod mlkem;
#[cfg(feature = "wallet")]
pub mod note_encryption;
#[cfg(feature = "wallet")]
pub mod text;

pub use note::{AssetId, Note, NoteCommitment, NoteRecipient, NoteValue, Nullifier, Rseed};
pub use poseidon2::{Digest, Felt};

#[cfg(feature = "wallet")]
pub use address::{Address, Network};
#[cfg(feature = "wallet")]
pub use keys::{FullViewingKey, IncomingViewingKey, Mnemonic, SpendingKeys};
#[cfg(feature = "wallet")]
pub use note_encryption::{Memo, NoteCiphertext, decrypt_note, encrypt_note};
