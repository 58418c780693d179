//! Aggregation circuits built from the verifier gadgets, and what they expose.
//!
//! An aggregated proof exposes one digest binding the ordered public values of the proofs it
//! covers: a leaf's digest is `H₁₁(public values)` (protocol sponge, domain 11), and a node over
//! two subtrees exposes `H₁₂(left ‖ right)` (domain 12). The root therefore binds the whole
//! ordered list, as a Merkle root over the leaf digests; each level has its own circuit, so the
//! tree's shape is fixed by the key that verifies its root.

use alloc::vec::Vec;

use hegemon_crypto::poseidon2::{Digest, hash_elements};
use hegemon_crypto::spec::domain::{AGGREGATED_PUBLIC_VALUES, AGGREGATION_NODE};
use p3_air::BaseAir;

use crate::circuit::{Circuit, CircuitBuilder};
use crate::field::{Ext, Val};
use crate::gadgets::batch::{BatchInnerShape, verify_batch_stark};
use crate::gadgets::hash::{self, DigestWires};
use crate::gadgets::pcs::PcsLayout;
use crate::gadgets::stark::{InnerShape, verify_uni_stark};
use crate::inner::{InnerError, batch_pcs_layout, batch_proof_values};
use crate::proof::{CircuitKey, CircuitProof};

/// The digest a leaf exposes for one proof's public values.
pub fn leaf_digest(public: &[Val]) -> Digest {
    hash_elements(AGGREGATED_PUBLIC_VALUES, public)
}

/// The digest a node exposes over its two children's digests: the protocol sponge over
/// `left ‖ right` under its own domain, so that no node digest is a leaf's.
pub fn node_digest(left: &Digest, right: &Digest) -> Digest {
    let mut input = left.elements().to_vec();
    input.extend_from_slice(right.elements());
    hash_elements(AGGREGATION_NODE, &input)
}

/// [`node_digest`] in-circuit: two permutations whose capacity the Poseidon2 table presets and
/// then chains, reading only their rates.
pub(crate) fn node_digest_in(
    builder: &mut CircuitBuilder,
    left: &DigestWires,
    right: &DigestWires,
) -> DigestWires {
    hash::hash_elements(builder, AGGREGATION_NODE, &[&left[..], &right[..]].concat())
}

/// Makes `digest` the circuit's 12 public inputs: what every aggregation circuit exposes.
pub(crate) fn expose(builder: &mut CircuitBuilder, digest: &DigestWires) {
    for &lane in digest {
        let public = builder.public_input();
        builder.connect(lane, public);
    }
}

/// A circuit verifying two proofs of one shape and exposing
/// `node_digest(leaf_digest(first), leaf_digest(second))` as its 12 public inputs.
pub fn pair_circuit(shape: &InnerShape, layout: &PcsLayout) -> Circuit {
    let mut b = CircuitBuilder::new();
    let digests: Vec<DigestWires> = (0..2)
        .map(|_| {
            let proof = verify_uni_stark(&mut b, shape, layout);
            hash::hash_elements(&mut b, AGGREGATED_PUBLIC_VALUES, &proof.ood.public)
        })
        .collect();
    let root = node_digest_in(&mut b, &digests[0], &digests[1]);
    expose(&mut b, &root);
    b.build()
}

/// How a node or wrap circuit verifies one proof of its child circuit (a leaf or a node, made
/// in the [`AGGREGATION`](crate::config::AGGREGATION) setting) and reads the digest it exposes.
#[derive(Clone, Debug)]
pub struct ChildShape {
    /// The child proofs' shape.
    pub shape: BatchInnerShape,
    /// Their opening argument's layout.
    pub layout: PcsLayout,
    /// Which of the child's tables carries its public inputs.
    public_table: usize,
}

impl ChildShape {
    /// The verifier of proofs made with `child`, which must expose a 12-element digest.
    pub fn new(child: &CircuitKey) -> Self {
        let shape = BatchInnerShape::new(child);
        let layout = batch_pcs_layout(&shape);
        let public_table = child
            .tables()
            .iter()
            .position(|t| BaseAir::<Val>::num_public_values(t) > 0)
            .unwrap_or_else(|| unreachable!("a child exposing a digest has a table binding it"));
        Self {
            shape,
            layout,
            public_table,
        }
    }

    /// Verifies one child proof in-circuit; returns the digest it exposes.
    fn verify(&self, b: &mut CircuitBuilder) -> DigestWires {
        let proof = verify_batch_stark(b, &self.shape, &self.layout);
        let public = &proof.ood.tables[self.public_table].public;
        core::array::from_fn(|k| public[k])
    }

    /// The private inputs [`Self::verify`] reads for `proof`, which exposes `digest`.
    fn values(
        &self,
        child: &CircuitKey,
        proof: &CircuitProof,
        digest: &Digest,
    ) -> Result<Vec<Ext>, InnerError> {
        batch_proof_values(child, &self.shape, &self.layout, proof, digest.elements())
    }
}

/// A 2-to-1 node of the aggregation tree (M3): a circuit verifying two proofs of one child
/// circuit, each exposing a digest, and exposing `node_digest(left, right)`.
#[derive(Clone, Debug)]
pub struct NodeShape {
    /// How each child proof is verified.
    pub child: ChildShape,
}

impl NodeShape {
    /// The node over proofs made with `child` (which must expose a 12-element digest: a leaf or
    /// a node).
    pub fn new(child: &CircuitKey) -> Self {
        Self {
            child: ChildShape::new(child),
        }
    }

    /// The node circuit.
    pub fn circuit(&self) -> Circuit {
        let mut b = CircuitBuilder::new();
        let left = self.child.verify(&mut b);
        let right = self.child.verify(&mut b);
        let root = node_digest_in(&mut b, &left, &right);
        expose(&mut b, &root);
        b.build()
    }

    /// The node's private inputs for two child proofs and the digests they expose.
    pub fn private_inputs(
        &self,
        child: &CircuitKey,
        left: (&CircuitProof, &Digest),
        right: (&CircuitProof, &Digest),
    ) -> Result<Vec<Ext>, InnerError> {
        let mut values = self.child.values(child, left.0, left.1)?;
        values.extend(self.child.values(child, right.0, right.1)?);
        Ok(values)
    }
}

/// The wrap: a circuit verifying one proof of a tree's root circuit and exposing the same
/// digest. Its own proofs are made in the [`WRAP`](crate::config::WRAP) setting, which no
/// circuit verifies, so it ends a tree: a block carries the wrap of its root
/// ([`crate::block`]).
#[derive(Clone, Debug)]
pub struct WrapShape {
    /// How the root proof is verified.
    pub child: ChildShape,
}

impl WrapShape {
    /// The wrap of proofs made with `child`.
    pub fn new(child: &CircuitKey) -> Self {
        Self {
            child: ChildShape::new(child),
        }
    }

    /// The wrap circuit (without a Horner table: [`CircuitBuilder::without_horner_table`]).
    pub fn circuit(&self) -> Circuit {
        let mut b = CircuitBuilder::without_horner_table();
        let digest = self.child.verify(&mut b);
        expose(&mut b, &digest);
        b.build()
    }

    /// The wrap's private inputs for a root proof exposing `digest`.
    pub fn private_inputs(
        &self,
        child: &CircuitKey,
        proof: &CircuitProof,
        digest: &Digest,
    ) -> Result<Vec<Ext>, InnerError> {
        self.child.values(child, proof, digest)
    }
}
