//! The proof-of-work algorithm: `blake2_256(pre_hash ‖ nonce)` must meet the runtime's difficulty.
//!
//! The seal is the 8-byte little-endian nonce. Difficulty comes from the runtime
//! (`DifficultyApi`, retargeted by `pallet-difficulty`); the hash itself stays in the node, as
//! `sp_consensus_pow` advises. Spec: `docs/spec/node.md#pow-seal`.

use std::{marker::PhantomData, sync::Arc};

use codec::{Decode, Encode};
use hegemon_runtime::{Difficulty, opaque::Block};
use sc_consensus_pow::{Error, PowAlgorithm};
use sp_api::ProvideRuntimeApi;
use sp_consensus_pow::{DifficultyApi, Seal};
use sp_core::H256;
use sp_io::hashing::blake2_256;
use sp_runtime::traits::Block as BlockT;

/// Length of a seal: a little-endian `u64` nonce.
pub const SEAL_LEN: usize = 8;

/// The seal hash of `nonce` over the header's `pre_hash`.
pub fn seal_hash(pre_hash: &H256, nonce: u64) -> [u8; 32] {
    let mut input = [0u8; 32 + SEAL_LEN];
    input[..32].copy_from_slice(pre_hash.as_bytes());
    input[32..].copy_from_slice(&nonce.to_le_bytes());
    blake2_256(&input)
}

/// Decode a seal into its nonce; `None` if it is not exactly [`SEAL_LEN`] bytes.
pub fn decode_seal(seal: &Seal) -> Option<u64> {
    let mut bytes = seal.as_slice();
    let nonce = u64::decode(&mut bytes).ok()?;
    bytes.is_empty().then_some(nonce)
}

/// Whether `seal` is well formed and its hash over `pre_hash` meets `difficulty`.
pub fn seal_meets(pre_hash: &H256, seal: &Seal, difficulty: Difficulty) -> bool {
    decode_seal(seal).is_some_and(|nonce| {
        pallet_difficulty::meets_difficulty(&seal_hash(pre_hash, nonce), difficulty)
    })
}

/// Encode a nonce as a seal.
pub fn encode_seal(nonce: u64) -> Seal {
    nonce.encode()
}

/// Blake2 PoW with runtime-provided difficulty.
pub struct Blake2Pow<C> {
    client: Arc<C>,
    _block: PhantomData<Block>,
}

impl<C> Blake2Pow<C> {
    /// A PoW algorithm reading difficulty from `client`'s runtime.
    pub fn new(client: Arc<C>) -> Self {
        Self {
            client,
            _block: PhantomData,
        }
    }
}

impl<C> Clone for Blake2Pow<C> {
    fn clone(&self) -> Self {
        Self::new(self.client.clone())
    }
}

impl<C> PowAlgorithm<Block> for Blake2Pow<C>
where
    C: ProvideRuntimeApi<Block>,
    C::Api: DifficultyApi<Block, Difficulty>,
{
    type Difficulty = Difficulty;

    fn difficulty(&self, parent: <Block as BlockT>::Hash) -> Result<Difficulty, Error<Block>> {
        self.client
            .runtime_api()
            .difficulty(parent)
            .map_err(|e| Error::Environment(format!("difficulty at {parent}: {e}")))
    }

    fn verify(
        &self,
        _parent: &sp_runtime::generic::BlockId<Block>,
        pre_hash: &H256,
        _pre_digest: Option<&[u8]>,
        seal: &Seal,
        difficulty: Difficulty,
    ) -> Result<bool, Error<Block>> {
        Ok(seal_meets(pre_hash, seal, difficulty))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_round_trips_and_rejects_wrong_lengths() {
        assert_eq!(decode_seal(&encode_seal(42)), Some(42));
        assert_eq!(decode_seal(&vec![0u8; 7]), None);
        assert_eq!(decode_seal(&vec![0u8; 9]), None);
    }

    /// The first nonce meeting `difficulty` over `pre_hash`.
    fn grind(pre_hash: &H256, difficulty: Difficulty) -> u64 {
        (0..)
            .find(|n| seal_meets(pre_hash, &encode_seal(*n), difficulty))
            .unwrap()
    }

    #[test]
    fn tampered_seals_and_headers_are_rejected() {
        let difficulty = Difficulty::from(1u64 << 16);
        let pre_hash = H256::repeat_byte(7);
        let nonce = grind(&pre_hash, difficulty);
        assert!(seal_meets(&pre_hash, &encode_seal(nonce), difficulty));
        // Another header, another nonce, or a higher claimed difficulty all fail.
        assert!(!seal_meets(
            &H256::repeat_byte(8),
            &encode_seal(nonce),
            difficulty
        ));
        assert!(!seal_meets(&pre_hash, &encode_seal(nonce + 1), difficulty));
        assert!(!seal_meets(&pre_hash, &encode_seal(nonce), Difficulty::MAX));
        // A seal with trailing bytes is malformed even if its prefix is a valid nonce.
        let mut long = encode_seal(nonce);
        long.push(0);
        assert!(!seal_meets(&pre_hash, &long, difficulty));
    }

    #[test]
    fn seal_hash_binds_pre_hash_and_nonce() {
        let a = H256::repeat_byte(1);
        let b = H256::repeat_byte(2);
        assert_ne!(seal_hash(&a, 0), seal_hash(&b, 0));
        assert_ne!(seal_hash(&a, 0), seal_hash(&a, 1));
    }
}
