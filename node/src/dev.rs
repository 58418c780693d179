//! The dev chain's shielded funds: a published spending key that owns the genesis notes, so a
//! developer (or a test) can make real shielded transfers on `--dev` from the first block.
//!
//! Derivation (`docs/spec/node.md#dev-chain`), all BLAKE3 `derive_key`:
//! - spending seed (64 bytes) = XOF of `derive_key("Hegemon 2026 dev shielded seed v1", "")`;
//! - note `i` (`0 ≤ i < DEV_NOTES`): value [`DEV_NOTE_VALUE`], native asset, address index 0,
//!   `rseed = derive_key("Hegemon 2026 dev note rseed v1", i_le32)`.
//!
//! These keys are public: never use them outside a dev chain.

use hegemon_crypto::{AssetId, Note, NoteValue, Rseed, SpendingKeys};

/// Genesis notes on the dev chain.
pub const DEV_NOTES: u32 = 16;
/// Value of each.
pub const DEV_NOTE_VALUE: u64 = 1_000_000_000;

/// The published dev spending key.
pub fn spending_keys() -> SpendingKeys {
    let mut seed = [0u8; 64];
    blake3::Hasher::new_derive_key("Hegemon 2026 dev shielded seed v1")
        .finalize_xof()
        .fill(&mut seed);
    SpendingKeys::from_seed(&seed)
}

/// The dev chain's genesis notes, in tree order.
pub fn genesis_notes() -> Vec<Note> {
    let address = spending_keys().full_viewing_key().incoming().address(0);
    (0..DEV_NOTES)
        .map(|i| Note {
            value: NoteValue::from_u64(DEV_NOTE_VALUE),
            asset_id: AssetId::NATIVE,
            recipient: address.recipient(),
            rseed: Rseed::from_bytes(blake3::derive_key(
                "Hegemon 2026 dev note rseed v1",
                &i.to_le_bytes(),
            )),
        })
        .collect()
}

/// Their commitments, as the shielded pool's genesis takes them.
pub fn genesis_commitments() -> Vec<Vec<u8>> {
    genesis_notes()
        .iter()
        .map(|n| n.commitment().to_bytes().to_vec())
        .collect()
}
