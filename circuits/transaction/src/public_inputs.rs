//! The transaction's public inputs: a typed struct, flattened into field elements in one place.
//!
//! Layout ([spec § Public inputs][pi]); offsets are the constants below.
//!
//! [pi]: ../../../docs/spec/transaction.md#public-inputs

use alloc::vec::Vec;

use hegemon_crypto::poseidon2::{DIGEST_BYTES, DIGEST_ELEMS, Digest, Felt};
use hegemon_crypto::spec::{u32_limbs, u64_limbs};
use hegemon_crypto::{AssetId, NoteCommitment, Nullifier};
use p3_field::PrimeCharacteristicRing;

use crate::columns::{NUM_OUTPUTS, NUM_SPENDS};

/// Version of the circuit (statement, schedule and public-input layout).
pub const CIRCUIT_VERSION: u32 = 1;

/// Offset of the anchor.
pub const ANCHOR: usize = 0;
/// Offset of the nullifiers (one digest per spend).
pub const NULLIFIERS: usize = ANCHOR + DIGEST_ELEMS;
/// Offset of the output commitments.
pub const COMMITMENTS: usize = NULLIFIERS + NUM_SPENDS * DIGEST_ELEMS;
/// Offset of the output ciphertext hashes.
pub const CIPHERTEXT_HASHES: usize = COMMITMENTS + NUM_OUTPUTS * DIGEST_ELEMS;
/// Offset of the chain binding.
pub const CHAIN_BINDING: usize = CIPHERTEXT_HASHES + NUM_OUTPUTS * DIGEST_ELEMS;
/// Offset of the fee (4 × 16-bit limbs).
pub const FEE: usize = CHAIN_BINDING + DIGEST_ELEMS;
/// Offset of the value balance magnitude (4 limbs).
pub const VB_MAGNITUDE: usize = FEE + 4;
/// Offset of the value balance sign (1 = value enters the pool).
pub const VB_NEGATIVE: usize = VB_MAGNITUDE + 4;
/// Offset of the value balance asset (2 limbs).
pub const VB_ASSET: usize = VB_NEGATIVE + 1;
/// Offset of the value balance slot flag (1 iff its asset is not native).
pub const VB_SLOT: usize = VB_ASSET + 2;
/// Offset of the circuit version.
pub const VERSION: usize = VB_SLOT + 1;
/// Number of public field elements.
pub const NUM_PUBLIC_VALUES: usize = VERSION + 1;

/// Net value leaving the shielded pool: positive when value goes out (to transparent accounts
/// or the fee recipient's side), negative when it comes in (shielding), in `asset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValueBalance {
    /// Asset the balance is in.
    pub asset: AssetId,
    /// Signed amount; `|amount| < 2^64`.
    pub amount: i128,
}

impl ValueBalance {
    /// No value crosses the pool boundary.
    pub const ZERO: Self = Self {
        asset: AssetId::NATIVE,
        amount: 0,
    };

    /// Whether the magnitude fits the 64-bit range the circuit proves.
    pub fn in_range(&self) -> bool {
        self.amount.unsigned_abs() <= u128::from(u64::MAX)
    }
}

/// Bytes of the canonical public-input encoding ([`TransactionPublicInputs::to_bytes`]).
pub const PUBLIC_INPUT_BYTES: usize = 8 * DIGEST_BYTES + 8 + 16 + 4 + 4;

/// Why bytes are not a public-input encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PublicInputsError {
    /// Wrong length.
    #[error("public inputs must be {expected} bytes, got {got}")]
    WrongLength {
        /// Required length.
        expected: usize,
        /// Length received.
        got: usize,
    },
    /// A digest with a limb `≥ p`.
    #[error("public input digest {index} is not canonical")]
    NonCanonicalDigest {
        /// Which digest (0 = anchor … 7 = chain binding).
        index: usize,
    },
    /// `|value balance| ≥ 2^64`.
    #[error("value balance out of range")]
    ValueBalanceOutOfRange,
}

/// `N` bytes of `bytes` from `at` (callers check the total length first).
fn array_at<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes[at..at + N]);
    out
}

/// Everything the verifier sees about a transfer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransactionPublicInputs {
    /// Root of the commitment tree the spends are proven against.
    pub anchor: Digest,
    /// Nullifiers of the two spent notes.
    pub nullifiers: [Nullifier; NUM_SPENDS],
    /// Commitments of the two created notes.
    pub commitments: [NoteCommitment; NUM_OUTPUTS],
    /// Hashes of the two output ciphertexts (bound through the transcript).
    pub ciphertext_hashes: [Digest; NUM_OUTPUTS],
    /// Chain binding digest (bound through the transcript).
    pub chain_binding: Digest,
    /// Fee in the native asset.
    pub fee: u64,
    /// Transparent value crossing the pool boundary.
    pub value_balance: ValueBalance,
    /// Circuit version the proof claims.
    pub circuit_version: u32,
}

impl TransactionPublicInputs {
    /// The digests in encoding order.
    fn digests(&self) -> [Digest; 8] {
        [
            self.anchor,
            *self.nullifiers[0].digest(),
            *self.nullifiers[1].digest(),
            *self.commitments[0].digest(),
            *self.commitments[1].digest(),
            self.ciphertext_hashes[0],
            self.ciphertext_hashes[1],
            self.chain_binding,
        ]
    }

    /// Canonical bytes (the wire and storage form), [spec § Public inputs][pi]:
    /// `anchor ‖ nf0 ‖ nf1 ‖ cm0 ‖ cm1 ‖ ct0 ‖ ct1 ‖ chain_binding` (48 bytes each) ‖
    /// `fee u64 ‖ value_balance i128 ‖ value_balance_asset u32 ‖ circuit_version u32`, little-endian.
    ///
    /// [pi]: ../../../docs/spec/transaction.md#public-inputs
    pub fn to_bytes(&self) -> [u8; PUBLIC_INPUT_BYTES] {
        let mut out = [0u8; PUBLIC_INPUT_BYTES];
        for (chunk, d) in out.chunks_exact_mut(DIGEST_BYTES).zip(self.digests()) {
            chunk.copy_from_slice(&d.to_bytes());
        }
        let tail = &mut out[8 * DIGEST_BYTES..];
        tail[..8].copy_from_slice(&self.fee.to_le_bytes());
        tail[8..24].copy_from_slice(&self.value_balance.amount.to_le_bytes());
        tail[24..28].copy_from_slice(&self.value_balance.asset.get().to_le_bytes());
        tail[28..32].copy_from_slice(&self.circuit_version.to_le_bytes());
        out
    }

    /// Parses [`Self::to_bytes`], rejecting non-canonical digests and out-of-range balances.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, PublicInputsError> {
        if bytes.len() != PUBLIC_INPUT_BYTES {
            return Err(PublicInputsError::WrongLength {
                expected: PUBLIC_INPUT_BYTES,
                got: bytes.len(),
            });
        }
        let mut digests = [Digest::ZERO; 8];
        for (index, (d, chunk)) in digests
            .iter_mut()
            .zip(bytes.chunks_exact(DIGEST_BYTES))
            .enumerate()
        {
            let array: &[u8; DIGEST_BYTES] = chunk
                .try_into()
                .map_err(|_| PublicInputsError::NonCanonicalDigest { index })?;
            *d =
                Digest::from_bytes(array).ok_or(PublicInputsError::NonCanonicalDigest { index })?;
        }
        let tail = &bytes[8 * DIGEST_BYTES..];
        let fee = u64::from_le_bytes(array_at(tail, 0));
        let amount = i128::from_le_bytes(array_at(tail, 8));
        let asset = u32::from_le_bytes(array_at(tail, 24));
        let circuit_version = u32::from_le_bytes(array_at(tail, 28));
        let value_balance = ValueBalance {
            asset: AssetId::from_u32(asset),
            amount,
        };
        if !value_balance.in_range() {
            return Err(PublicInputsError::ValueBalanceOutOfRange);
        }
        Ok(Self {
            anchor: digests[0],
            nullifiers: [
                Nullifier::from_digest(digests[1]),
                Nullifier::from_digest(digests[2]),
            ],
            commitments: [
                NoteCommitment::from_digest(digests[3]),
                NoteCommitment::from_digest(digests[4]),
            ],
            ciphertext_hashes: [digests[5], digests[6]],
            chain_binding: digests[7],
            fee,
            value_balance,
            circuit_version,
        })
    }

    /// The field elements the proof is checked against. The value balance must be
    /// [in range](ValueBalance::in_range); callers validate first.
    pub fn to_field_elements(&self) -> Vec<Felt> {
        let mut out = Vec::with_capacity(NUM_PUBLIC_VALUES);
        out.extend_from_slice(self.anchor.elements());
        self.nullifiers
            .iter()
            .for_each(|n| out.extend_from_slice(n.digest().elements()));
        self.commitments
            .iter()
            .for_each(|c| out.extend_from_slice(c.digest().elements()));
        self.ciphertext_hashes
            .iter()
            .for_each(|h| out.extend_from_slice(h.elements()));
        out.extend_from_slice(self.chain_binding.elements());
        out.extend_from_slice(&u64_limbs(self.fee));
        let magnitude = u64::try_from(self.value_balance.amount.unsigned_abs()).unwrap_or(u64::MAX);
        out.extend_from_slice(&u64_limbs(magnitude));
        out.push(Felt::from_bool(self.value_balance.amount < 0));
        // A zero balance is canonically native so the slot flag has one value per statement.
        let asset = if self.value_balance.amount == 0 {
            AssetId::NATIVE
        } else {
            self.value_balance.asset
        };
        out.extend_from_slice(&u32_limbs(asset.get()));
        out.push(Felt::from_bool(asset != AssetId::NATIVE));
        out.push(Felt::from_u32(self.circuit_version));
        debug_assert_eq!(out.len(), NUM_PUBLIC_VALUES);
        out
    }
}
