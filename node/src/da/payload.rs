//! What a block's DA payload must hold, read from the block body: the commitment inherent and
//! the transfers whose note ciphertexts the payload carries.
//!
//! Payload rule (`docs/spec/node.md#da-payload`): the items are the two output ciphertexts of
//! every shielded transfer in the block (individually proven or listed by an aggregated batch),
//! in body order, then the coinbase note's ciphertext if
//! the block has one. Each must hash (`hegemon_crypto::spec::ciphertext_hash`) to the hash the
//! transfer's proof (or the coinbase note) binds. A block with no notes carries no commitment
//! and no payload.

use codec::{Decode, Encode};
use hegemon_crypto::note_encryption::NOTE_CIPHERTEXT_BYTES;
use hegemon_da::DaCommitment;
use hegemon_runtime::{RuntimeCall, UncheckedExtrinsic};
use pallet_shielded_pool::{CoinbaseNote, PublicInputBytes, ShieldedTransfer};
use transaction_circuit::TransactionPublicInputs;

/// A pool transaction as the author and the relay see it.
pub enum PoolShape {
    /// Not a transfer.
    Other,
    /// One transfer (the shapes wallets submit: a one-transfer `submit_transfers`, or a
    /// `transparent_transfer`). `aggregatable` for the first: it is shielded-only, so an
    /// aggregator may batch it, while a `transparent_transfer` is signed for its own call.
    Transfer {
        /// The transfer.
        transfer: Box<ShieldedTransfer>,
        /// Whether an aggregated batch may carry it.
        aggregatable: bool,
    },
    /// A multi-transfer batch.
    Batch,
}

/// Classifies an (opaque) extrinsic. One that does not decode is `Other`: the runtime rejects it.
pub fn shape_of<E: Encode>(extrinsic: &E) -> PoolShape {
    use pallet_shielded_pool::Call as Pool;
    let Ok(xt) = UncheckedExtrinsic::decode(&mut &extrinsic.encode()[..]) else {
        return PoolShape::Other;
    };
    match xt.function {
        RuntimeCall::ShieldedPool(Pool::submit_transfers { transfers }) => {
            match transfers.into_inner().as_slice() {
                [one] => PoolShape::Transfer {
                    transfer: Box::new(one.clone()),
                    aggregatable: true,
                },
                _ => PoolShape::Batch,
            }
        }
        RuntimeCall::ShieldedPool(Pool::transparent_transfer { transfer, .. }) => {
            PoolShape::Transfer {
                transfer,
                aggregatable: false,
            }
        }
        _ => PoolShape::Other,
    }
}

/// The transfer of an extrinsic an aggregator may batch (see [`PoolShape::Transfer`]).
pub fn shielded_transfer_of<E: Encode>(extrinsic: &E) -> Option<ShieldedTransfer> {
    match shape_of(extrinsic) {
        PoolShape::Transfer {
            transfer,
            aggregatable: true,
        } => Some(*transfer),
        _ => None,
    }
}

/// The transfer a single-transfer extrinsic carries.
pub fn transfer_of<E: Encode>(extrinsic: &E) -> Option<ShieldedTransfer> {
    match shape_of(extrinsic) {
        PoolShape::Transfer { transfer, .. } => Some(*transfer),
        _ => None,
    }
}

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
    /// The block has notes but no DA commitment.
    #[error("the block creates notes but has no DA commitment")]
    MissingCommitment,
    /// The coinbase note's digests are not canonical (the runtime rejects such blocks anyway).
    #[error("the coinbase note is malformed")]
    BadCoinbase,
}

/// The calls of a block body that concern DA.
#[derive(Debug, Default)]
pub struct BodyDa {
    /// The `DataAvailability::set_commitment` inherent, if present.
    pub commitment: Option<DaCommitment>,
    /// The public inputs of every shielded transfer, in body order.
    pub transfers: Vec<PublicInputBytes>,
    /// The `ShieldedPool::set_coinbase` inherent's note, if present.
    pub coinbase: Option<CoinbaseNote>,
    /// The `Timestamp::set` inherent's time (Unix milliseconds), if present.
    pub timestamp: Option<u64>,
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
                self.transfers
                    .extend(transfers.iter().map(|t| t.public_inputs));
            }
            RuntimeCall::ShieldedPool(Pool::submit_aggregated { transfers, .. }) => {
                self.transfers.extend(transfers.iter().copied());
            }
            RuntimeCall::ShieldedPool(Pool::transparent_transfer { transfer, .. }) => {
                self.transfers.push(transfer.public_inputs);
            }
            RuntimeCall::ShieldedPool(Pool::set_coinbase { note }) => {
                self.coinbase = Some(note.clone());
            }
            RuntimeCall::Timestamp(pallet_timestamp::Call::set { now }) => {
                self.timestamp = Some(*now);
            }
            _ => {}
        }
    }

    /// The commitment a block with these notes must carry, or `None` for a block without notes
    /// (which needs no payload).
    pub fn required_commitment(&self) -> Result<Option<DaCommitment>, PayloadError> {
        let no_notes = self.transfers.is_empty() && self.coinbase.is_none();
        match (no_notes, self.commitment) {
            (true, _) => Ok(None),
            (false, Some(c)) => Ok(Some(c)),
            (false, None) => Err(PayloadError::MissingCommitment),
        }
    }

    /// Public inputs of every transfer, in order.
    pub fn public_inputs(&self) -> Result<Vec<TransactionPublicInputs>, PayloadError> {
        self.transfers
            .iter()
            .map(|t| {
                TransactionPublicInputs::from_bytes(t).map_err(|_| PayloadError::BadPublicInputs)
            })
            .collect()
    }

    /// The ciphertext hashes the payload must match, in order.
    pub fn expected_hashes(&self) -> Result<Vec<hegemon_crypto::Digest>, PayloadError> {
        let mut out: Vec<_> = self
            .public_inputs()?
            .into_iter()
            .flat_map(|p| p.ciphertext_hashes)
            .collect();
        if let Some(coinbase) = &self.coinbase {
            let hash = hegemon_crypto::Digest::from_bytes(&coinbase.ciphertext_hash)
                .ok_or(PayloadError::BadCoinbase)?;
            out.push(hash);
        }
        Ok(out)
    }

    /// The note commitments the block appends to the tree, in order (transfers' outputs, then
    /// the coinbase note), aligned with the payload's ciphertexts.
    pub fn note_commitments(&self) -> Result<Vec<hegemon_crypto::Digest>, PayloadError> {
        let mut out: Vec<_> = self
            .public_inputs()?
            .into_iter()
            .flat_map(|p| p.commitments.map(|c| *c.digest()))
            .collect();
        if let Some(coinbase) = &self.coinbase {
            let commitment = coinbase.commitment().ok_or(PayloadError::BadCoinbase)?;
            out.push(*commitment.digest());
        }
        Ok(out)
    }

    /// Checks that `payload` is exactly these notes' ciphertexts.
    pub fn check_payload(&self, payload: &[u8]) -> Result<(), PayloadError> {
        let items =
            hegemon_da::items::decode_items(payload).map_err(|_| PayloadError::Malformed)?;
        let expected = self.expected_hashes()?;
        if items.len() != expected.len() {
            return Err(PayloadError::WrongCount {
                expected: expected.len(),
                got: items.len(),
            });
        }
        // Hashing 2,141-byte ciphertexts dominates a cached import: spread it over all cores.
        use rayon::prelude::*;
        let first_bad = items
            .par_iter()
            .zip(&expected)
            .position_first(|(item, hash)| {
                item.len() != NOTE_CIPHERTEXT_BYTES
                    || hegemon_crypto::spec::ciphertext_hash(item) != *hash
            });
        match first_bad {
            Some(index) => Err(PayloadError::WrongCiphertext { index }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use transaction_circuit::PUBLIC_INPUT_BYTES;

    /// Public inputs binding the hashes of `ciphertexts` (everything else zero).
    fn transfer(ciphertexts: [&[u8]; 2]) -> PublicInputBytes {
        let mut public_inputs = [0u8; PUBLIC_INPUT_BYTES];
        for (slot, c) in [5, 6].into_iter().zip(ciphertexts) {
            let hash = hegemon_crypto::spec::ciphertext_hash(c).to_bytes();
            public_inputs[48 * slot..48 * (slot + 1)].copy_from_slice(&hash);
        }
        public_inputs
    }

    fn ciphertext(byte: u8) -> Vec<u8> {
        vec![byte; NOTE_CIPHERTEXT_BYTES]
    }

    #[test]
    fn the_payload_must_be_exactly_the_bound_ciphertexts_in_order() {
        let (a, b, c, d) = (ciphertext(1), ciphertext(2), ciphertext(3), ciphertext(4));
        let body = BodyDa {
            commitment: None,
            transfers: vec![transfer([&a, &b]), transfer([&c, &d])],
            ..Default::default()
        };
        let encode = |items: &[&Vec<u8>]| hegemon_da::items::encode_items(items);
        assert_eq!(body.check_payload(&encode(&[&a, &b, &c, &d])), Ok(()));
        assert_eq!(
            body.check_payload(&encode(&[&a, &b, &d, &c])),
            Err(PayloadError::WrongCiphertext { index: 2 })
        );
        assert_eq!(
            body.check_payload(&encode(&[&a, &b, &c])),
            Err(PayloadError::WrongCount {
                expected: 4,
                got: 3
            })
        );
        assert_eq!(
            body.check_payload(&encode(&[&a, &b, &c, &d, &d])),
            Err(PayloadError::WrongCount {
                expected: 4,
                got: 5
            })
        );
        let mut flipped = d.clone();
        flipped[100] ^= 1;
        assert_eq!(
            body.check_payload(&encode(&[&a, &b, &c, &flipped])),
            Err(PayloadError::WrongCiphertext { index: 3 })
        );
        assert_eq!(body.check_payload(&[1, 2, 3]), Err(PayloadError::Malformed));
    }

    #[test]
    fn blocks_with_notes_need_a_commitment_and_empty_ones_do_not() {
        assert_eq!(BodyDa::default().required_commitment(), Ok(None));
        let with_transfer = BodyDa {
            transfers: vec![transfer([&ciphertext(1), &ciphertext(2)])],
            ..Default::default()
        };
        assert_eq!(
            with_transfer.required_commitment(),
            Err(PayloadError::MissingCommitment)
        );
    }
}
