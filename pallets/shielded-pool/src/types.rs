//! The pallet's data types and the seams the runtime plugs in (proof verifier, fee schedule).

use alloc::vec::Vec;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, traits::ConstU32};
use scale_info::TypeInfo;
use transaction_circuit::PUBLIC_INPUT_BYTES;

/// A 12-element Poseidon2 digest in its canonical 48-byte encoding.
pub type DigestBytes = [u8; 48];
/// Longest chain identifier.
pub const MAX_CHAIN_ID_BYTES: u32 = 64;
/// Largest encoded transaction proof (`transaction_circuit::proof::MAX_PROOF_BYTES`).
pub const MAX_PROOF_BYTES: u32 = transaction_circuit::proof::MAX_PROOF_BYTES as u32;
/// Largest encoded aggregated proof (`aggregation_circuit::block::MAX_AGGREGATE_PROOF_BYTES`).
pub const MAX_AGGREGATE_PROOF_BYTES: u32 = 1 << 20;
/// A transfer's public inputs, `TransactionPublicInputs::to_bytes`.
pub type PublicInputBytes = [u8; PUBLIC_INPUT_BYTES];

/// One private transfer: its public inputs and its proof.
#[derive(
    Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct ShieldedTransfer {
    /// `TransactionPublicInputs::to_bytes` (416 bytes).
    pub public_inputs: [u8; PUBLIC_INPUT_BYTES],
    /// The encoded proof.
    pub proof: BoundedVec<u8, ConstU32<MAX_PROOF_BYTES>>,
}

impl ShieldedTransfer {
    /// The transfer's identity ([`transfer_hash`] of its public inputs). Batches are ordered by
    /// it.
    pub fn hash(&self) -> [u8; 32] {
        transfer_hash(&self.public_inputs)
    }
}

/// A transfer's identity: BLAKE2-256 of its public inputs. The proof is left out, so a transfer
/// keeps its identity when its proof is replaced by a block's aggregated proof (and the
/// nullifiers in the public inputs already make it unique).
pub fn transfer_hash(public_inputs: &PublicInputBytes) -> [u8; 32] {
    sp_io::hashing::blake2_256(public_inputs)
}

/// The stored frontier of the note tree (see `hegemon_merkle::Frontier`).
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct TreeState {
    /// Leaves appended.
    pub size: u64,
    /// Ommers, leaf level first.
    pub ommers: [DigestBytes; 32],
}

impl Default for TreeState {
    fn default() -> Self {
        let empty = hegemon_crypto::spec::empty_leaf().to_bytes();
        Self {
            size: 0,
            ommers: [empty; 32],
        }
    }
}

/// Verifies transaction proofs. The runtime uses the node's host function; tests use the
/// native verifier directly.
pub trait VerifyProofs {
    /// One result per `(public_inputs, proof)` pair, in order.
    fn verify_batch(items: Vec<(Vec<u8>, Vec<u8>)>) -> Vec<bool>;

    /// Whether `proof` is the aggregated proof of transfers with these public inputs
    /// (concatenated, in order; `docs/spec/aggregation.md#blocks`).
    fn verify_aggregate(public_inputs: Vec<u8>, proof: Vec<u8>) -> bool;
}

/// The deterministic fee schedule (pallet `fee-lanes` in the runtime).
pub trait QuoteFee {
    /// The fee every standard (2-in/2-out) transfer pays; equal shapes pay equal fees.
    fn transfer_fee() -> u64;
}

/// Told about every transfer the pool applies (the forced-inclusion lane refunds bonds).
pub trait OnTransferApplied {
    /// `hash` ([`ShieldedTransfer::hash`]) was applied in this block.
    fn applied(hash: &[u8; 32]);
}

impl OnTransferApplied for () {
    fn applied(_hash: &[u8; 32]) {}
}

/// Inherent identifier of the block author's coinbase note.
pub const COINBASE_INHERENT_IDENTIFIER: [u8; 8] = *b"hgm-cbse";

/// The block author's coinbase note: block reward plus the block's fees, minted to the author's
/// shielded address. Everything but the owner's keys is public (the amount is public anyway).
#[derive(
    Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct CoinbaseNote {
    /// Reward + fees; must equal them exactly.
    pub value: u64,
    /// The recipient address's `pk_enc_digest`.
    pub pk_enc_digest: DigestBytes,
    /// The recipient address's `pk_auth`.
    pub pk_auth: DigestBytes,
    /// The note's randomness seed.
    pub rseed: [u8; 32],
    /// Hash of the note's ciphertext (in the block's DA payload).
    pub ciphertext_hash: DigestBytes,
}

impl CoinbaseNote {
    /// The note's commitment, `None` if a digest is not canonical.
    pub fn commitment(&self) -> Option<hegemon_crypto::NoteCommitment> {
        let digest = |b: &DigestBytes| hegemon_crypto::Digest::from_bytes(b);
        let note = hegemon_crypto::Note {
            value: hegemon_crypto::NoteValue::from_u64(self.value),
            asset_id: hegemon_crypto::AssetId::NATIVE,
            recipient: hegemon_crypto::NoteRecipient {
                pk_enc_digest: digest(&self.pk_enc_digest)?,
                pk_auth: digest(&self.pk_auth)?,
            },
            rseed: hegemon_crypto::Rseed::from_bytes(self.rseed),
        };
        digest(&self.ciphertext_hash)?;
        Some(note.commitment())
    }
}
