//! The leaf of the aggregation tree: a circuit verifying one transaction proof (M2) and exposing
//! the digest of its public inputs, or several (a wide leaf) exposing the Merkle root over their
//! digests; and the native side that lays transaction proofs out as its private inputs.
//!
//! A wide leaf is the cheap way up the tree's first levels: verifying a transaction proof costs
//! about 64 K wire slots, a node's child proof about 200 K, so eight transaction proofs fill the
//! same table heights as one node (2^18 witness rows of two wires) and replace seven nodes.
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

use crate::aggregate::{expose, leaf_digest, node_digest_in};
use crate::circuit::{Circuit, CircuitBuilder};
use crate::field::Ext;
use crate::gadgets::hash::{self, DigestWires};
use crate::gadgets::pcs::PcsLayout;
use crate::gadgets::stark::{Hiding, InnerShape, verify_uni_stark};
use crate::inner::{InnerError, ProofParts, pcs_layout_with, proof_values};
use hegemon_crypto::poseidon2::Digest;
use hegemon_crypto::spec::domain::AGGREGATED_PUBLIC_VALUES;

/// `log2` of the most transaction proofs one leaf verifies: 8 fill a node's table heights.
pub const MAX_LEAF_LOG_WIDTH: usize = 3;

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
        self.wide_leaf_circuit(0)
    }

    /// The leaf over `2^log_width` transfers: verifies that many transaction proofs and
    /// exposes the Merkle root over their [`leaf_digest`]s (levels `0‥log_width`, as
    /// [`crate::tree::root_digest`] builds them), the digest of their subtree.
    pub fn wide_leaf_circuit(&self, log_width: usize) -> Circuit {
        let mut b = CircuitBuilder::new();
        let mut digests: Vec<DigestWires> = (0..1usize << log_width)
            .map(|_| {
                let proof = verify_uni_stark(&mut b, &self.stark, &self.layout);
                hash::hash_elements(&mut b, AGGREGATED_PUBLIC_VALUES, &proof.ood.public)
            })
            .collect();
        for _ in 0..log_width {
            digests = digests
                .chunks_exact(2)
                .map(|pair| node_digest_in(&mut b, &pair[0], &pair[1]))
                .collect();
        }
        expose(&mut b, &digests[0]);
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
