//! The leaf of the aggregation tree: a circuit verifying one transaction proof (M2) and exposing
//! the digest of its public inputs, and the native side that lays a transaction proof out as
//! that circuit's private inputs.
//!
//! The transaction proof is a zero-knowledge uni-STARK (`HidingFriPcs` over salted Merkle trees,
//! blowup 32, 23 queries, caps of 16 digests; `transaction_circuit::config`). The leaf replays
//! Plonky3's verifier for exactly that configuration, so it accepts what
//! `transaction_circuit::verify` accepts and nothing else. The aggregator never sees a witness:
//! its inputs are the proof and the public inputs the transfer already publishes.

use alloc::vec::Vec;

use transaction_circuit::config::{
    CAP_HEIGHT, ChallengeMmcs, NUM_RANDOM_CODEWORDS, SALT_ELEMS, circuit_id, fri_parameters,
    stark_config, val_mmcs,
};
use transaction_circuit::proof::EXPECTED_DEGREE_BITS;
use transaction_circuit::{TransactionAir, TransactionProof, TransactionPublicInputs};

use crate::aggregate::{expose, leaf_digest};
use crate::circuit::{Circuit, CircuitBuilder};
use crate::field::Ext;
use crate::gadgets::hash;
use crate::gadgets::pcs::PcsLayout;
use crate::gadgets::stark::{Hiding, InnerShape, verify_uni_stark};
use crate::inner::{InnerError, ProofParts, pcs_layout_with, proof_values};
use hegemon_crypto::poseidon2::Digest;
use hegemon_crypto::spec::domain::AGGREGATED_PUBLIC_VALUES;

/// The verifier's view of every transaction proof: its shape and opening layout.
#[derive(Clone, Debug)]
pub struct TransactionShape {
    /// The STARK's shape (width 303, 128 rows, zero knowledge).
    pub stark: InnerShape,
    /// The opening argument's layout.
    pub layout: PcsLayout,
}

impl TransactionShape {
    /// The shape of the transaction circuit of this build.
    pub fn new() -> Self {
        let air = TransactionAir::new();
        let stark = InnerShape::with_hiding(
            &air,
            EXPECTED_DEGREE_BITS - 1,
            &circuit_id(&air),
            CAP_HEIGHT,
            Some(Hiding {
                random_codewords: NUM_RANDOM_CODEWORDS,
                salt_elems: SALT_ELEMS,
            }),
        );
        let layout = pcs_layout_with(&stark, &fri_parameters(()));
        Self { stark, layout }
    }

    /// The leaf circuit's private inputs for `proof` of `public`. Fails exactly where
    /// `transaction_circuit::verify` fails on the proof's encoding, shape, transcript or
    /// openings; the circuit checks the rest (constraints at `ζ`, Merkle paths, FRI).
    pub fn private_inputs(
        &self,
        proof: &TransactionProof,
        public: &TransactionPublicInputs,
    ) -> Result<Vec<Ext>, InnerError> {
        let stark_proof = proof
            .decode()
            .map_err(|e| InnerError::Decode(alloc::format!("{e}")))?;
        let air = TransactionAir::new();
        // Verifiers draw no randomness: the seeds are never used.
        let config = stark_config(&air, [0; 32]);
        let input_mmcs = val_mmcs([0; 32]);
        let fri = fri_parameters(ChallengeMmcs::new(input_mmcs.clone()));
        let (masks, opening) = &stark_proof.opening_proof;
        let parts = ProofParts {
            challenger: p3_uni_stark::StarkGenericConfig::initialise_challenger(&config),
            fri: &fri,
            input_mmcs: &input_mmcs,
            opening,
            masks: Some(masks),
        };
        proof_values(
            &self.stark,
            &self.layout,
            parts,
            &stark_proof,
            &public.to_field_elements(),
        )
    }

    /// The leaf circuit: verifies one transaction proof and exposes
    /// [`leaf_digest`]`(public inputs)` as its 12 public inputs.
    pub fn leaf_circuit(&self) -> Circuit {
        let mut b = CircuitBuilder::new();
        let proof = verify_uni_stark(&mut b, &self.stark, &self.layout);
        let digest = hash::hash_elements(&mut b, AGGREGATED_PUBLIC_VALUES, &proof.ood.public);
        expose(&mut b, &digest);
        b.build()
    }
}

impl Default for TransactionShape {
    fn default() -> Self {
        Self::new()
    }
}

/// The leaf circuit's public inputs for a transfer with `public` inputs.
pub fn leaf_public_inputs(public: &TransactionPublicInputs) -> Digest {
    leaf_digest(&public.to_field_elements())
}
