//! What a block's DA payload must hold, read from the block body: the commitment inherent and
//! the transfers whose note ciphertexts the payload carries.
//!
//! Payload rule (`docs/spec/node.md#da-payload`): the items are the two output ciphertexts of
//! every shielded transfer in the block, in body order. Each must hash
//! (`hegemon_crypto::spec::ciphertext_hash`) to the ciphertext hash the transfer's proof binds.
//! A block with no transfers carries no commitment and no payload.

use codec::{Decode, Encode};
use hegemon_crypto::note_encryption::NOTE_CIPHERTEXT_BYTES;
use hegemon_da::DaCommitment;
use hegemon_runtime::{RuntimeCall, UncheckedExtrinsic};
use pallet_shielded_pool::ShieldedTransfer;
use transaction_circuit::TransactionPublicInputs;

/// Why a payload does not match its block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// The payload is not a well-formed item list.
    #[error("the DA payload is not a valid item list")]
    Malformed,
    /// The payload holds a different number of ciphertexts than the block's transfers output.
    #[error("the DA payload holds {got} ciphertexts; the block's transfers output {expected}")]
    WrongCount {
        /// Two per transfer.
        expected: usize,
        /// Items in the payload.
        got: usize,
    },
    /// A ciphertext does not hash to what its transfer's proof binds.
    #[error("ciphertext {index} does not match its transfer's ciphertext hash")]
    WrongCiphertext {
        /// Position among the block's ciphertexts.
        index: usize,
    },
    /// A transfer's public inputs do not decode (the runtime rejects such blocks anyway).
    #[error("a transfer's public inputs are malformed")]
    BadPublicInputs,
    /// The block has transfers but no DA commitment.
    #[error("the block has shielded transfers but no DA commitment")]
    MissingCommitment,
}

/// The calls of a block body that concern DA.
#[derive(Debug, Default)]
pub struct BodyDa {
    /// The `DataAvailability::set_commitment` inherent, if present.
    pub commitment: Option<DaCommitment>,
    /// Every shielded transfer, in body order.
    pub transfers: Vec<ShieldedTransfer>,
}

impl BodyDa {
    /// Reads a block body (opaque extrinsics). Extrinsics that do not decode are skipped: the
    /// runtime rejects the block for them.
    pub fn read<E: Encode>(extrinsics: &[E]) -> Self {
        let mut out = Self::default();
        for xt in extrinsics {
            let Ok(xt) = UncheckedExtrinsic::decode(&mut &xt.encode()[..]) else {
                continue;
            };
            out.add_call(&xt.function);
        }
        out
    }

    fn add_call(&mut self, call: &RuntimeCall) {
        use pallet_data_availability::Call as Da;
        use pallet_shielded_pool::Call as Pool;
        match call {
            RuntimeCall::DataAvailability(Da::set_commitment { commitment }) => {
                self.commitment = commitment.decode_commitment().ok();
            }
            RuntimeCall::ShieldedPool(Pool::submit_transfers { transfers }) => {
                self.transfers.extend(transfers.iter().cloned());
            }
            RuntimeCall::ShieldedPool(Pool::transparent_transfer { transfer, .. }) => {
                self.transfers.push((**transfer).clone());
            }
            _ => {}
        }
    }

    /// The commitment a block with these transfers must carry, or `None` for a block without
    /// transfers (which needs no payload).
    pub fn required_commitment(&self) -> Result<Option<DaCommitment>, PayloadError> {
        match (self.transfers.is_empty(), self.commitment) {
            (true, _) => Ok(None),
            (false, Some(c)) => Ok(Some(c)),
            (false, None) => Err(PayloadError::MissingCommitment),
        }
    }

    /// Checks that `payload` is exactly these transfers' ciphertexts.
    pub fn check_payload(&self, payload: &[u8]) -> Result<(), PayloadError> {
        let items =
            hegemon_da::items::decode_items(payload).map_err(|_| PayloadError::Malformed)?;
        let expected = expected_hashes(&self.transfers)?;
        if items.len() != expected.len() {
            return Err(PayloadError::WrongCount {
                expected: expected.len(),
                got: items.len(),
            });
        }
        for (index, (item, hash)) in items.iter().zip(&expected).enumerate() {
            if item.len() != NOTE_CIPHERTEXT_BYTES
                || hegemon_crypto::spec::ciphertext_hash(item) != *hash
            {
                return Err(PayloadError::WrongCiphertext { index });
            }
        }
        Ok(())
    }
}

/// The ciphertext hashes `transfers` bind, two per transfer, in order.
pub fn expected_hashes(
    transfers: &[ShieldedTransfer],
) -> Result<Vec<hegemon_crypto::Digest>, PayloadError> {
    let mut out = Vec::with_capacity(2 * transfers.len());
    for t in transfers {
        let public = TransactionPublicInputs::from_bytes(&t.public_inputs)
            .map_err(|_| PayloadError::BadPublicInputs)?;
        out.extend(public.ciphertext_hashes);
    }
    Ok(out)
}
