//! The wrap: one more proof over a tree's root, made in the [`WRAP`] setting (blowup 64, 19
//! queries) so that what a block carries is small and quick to verify natively. The tree's own
//! layers stay at blowup 4, where proving is cheapest and their proofs' size only matters to the
//! next layer's circuit. Spec: `docs/spec/aggregation.md#the-wrap`.

use alloc::vec::Vec;

use hegemon_crypto::poseidon2::Digest;

use crate::aggregate::WrapShape;
use crate::config::WRAP;
use crate::inner::InnerError;
use crate::proof::{CircuitKey, CircuitProof, ProveError, VerifyError};

/// Why a wrap could not be proven.
#[derive(Debug, thiserror::Error)]
pub enum WrapError {
    /// The root proof could not be laid out (it does not verify under the root key).
    #[error("the root proof: {0}")]
    Root(#[from] InnerError),
    /// Proving failed.
    #[error(transparent)]
    Prove(#[from] ProveError),
}

/// The wrap circuit over one root circuit, and its key.
pub struct WrapKey {
    shape: WrapShape,
    key: CircuitKey,
}

impl WrapKey {
    /// The wrap of proofs made with `root` (a leaf or a node key in the aggregation setting).
    pub fn new(root: &CircuitKey) -> Self {
        let shape = WrapShape::new(root);
        let key = CircuitKey::with_setting(shape.circuit(), WRAP);
        Self { shape, key }
    }

    /// The same key without what only proving needs ([`CircuitKey::into_verifier`]).
    pub fn into_verifier(self) -> Self {
        Self {
            key: self.key.into_verifier(),
            ..self
        }
    }

    /// The wrap circuit's key.
    pub fn key(&self) -> &CircuitKey {
        &self.key
    }

    /// Proves that `proof`, a proof of `root`, verifies and exposes `digest`.
    pub fn prove(
        &self,
        root: &CircuitKey,
        proof: &CircuitProof,
        digest: &Digest,
    ) -> Result<CircuitProof, WrapError> {
        let private: Vec<_> = self.shape.private_inputs(root, proof, digest)?;
        Ok(self.key.prove(digest.elements(), &private)?)
    }

    /// Verifies a wrap proof exposing `digest`.
    pub fn verify(&self, proof: &CircuitProof, digest: &Digest) -> Result<(), VerifyError> {
        self.key.verify(proof, digest.elements())
    }
}
