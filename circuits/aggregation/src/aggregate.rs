//! Aggregation circuits built from the verifier gadgets, and what they expose.
//!
//! An aggregated proof exposes one digest binding the ordered public values of the proofs it
//! covers: a leaf's digest is `H₁₁(public values)` (protocol sponge, domain 11), and a node over
//! two subtrees at height `h` exposes `compress(h, left, right)` (protocol compression with the
//! level tweak). The root therefore binds the whole ordered list, as a Merkle root over the leaf
//! digests.

use alloc::vec::Vec;

use hegemon_crypto::poseidon2::{Digest, compress, hash_elements};
use hegemon_crypto::spec::domain::AGGREGATED_PUBLIC_VALUES;

use crate::circuit::{Circuit, CircuitBuilder};
use crate::field::{Ext, Val};
use crate::gadgets::batch::{BatchInnerShape, verify_batch_stark};
use crate::gadgets::hash::{self, DigestWires};
use crate::gadgets::pcs::PcsLayout;
use crate::gadgets::stark::{InnerShape, verify_uni_stark};
use crate::inner::{InnerError, batch_pcs_layout, batch_proof_values};
use crate::proof::{CircuitKey, CircuitProof};
use crate::tables::Table;

/// The digest a leaf exposes for one proof's public values.
pub fn leaf_digest(public: &[Val]) -> Digest {
    hash_elements(AGGREGATED_PUBLIC_VALUES, public)
}

/// The digest a node at `level` exposes over its two children's digests.
pub fn node_digest(level: u32, left: &Digest, right: &Digest) -> Digest {
    compress(level, left, right)
}

/// Makes `digest` the circuit's 12 public inputs: what every aggregation circuit exposes.
pub(crate) fn expose(builder: &mut CircuitBuilder, digest: &DigestWires) {
    for &lane in digest {
        let public = builder.public_input();
        builder.connect(lane, public);
    }
}

/// A circuit verifying two proofs of one shape and exposing
/// `node_digest(0, leaf_digest(first), leaf_digest(second))` as its 12 public inputs.
pub fn pair_circuit(shape: &InnerShape, layout: &PcsLayout) -> Circuit {
    let mut b = CircuitBuilder::new();
    let digests: Vec<DigestWires> = (0..2)
        .map(|_| {
            let proof = verify_uni_stark(&mut b, shape, layout);
            hash::hash_elements(&mut b, AGGREGATED_PUBLIC_VALUES, &proof.ood.public)
        })
        .collect();
    let root = hash::compress_level(&mut b, 0, &digests[0], &digests[1]);
    expose(&mut b, &root);
    b.build()
}

/// A 2-to-1 node of the aggregation tree (M3): a circuit verifying two proofs of one child
/// circuit, each exposing a digest, and exposing `node_digest(level, left, right)`.
#[derive(Clone, Debug)]
pub struct NodeShape {
    /// The child proofs' shape.
    pub child: BatchInnerShape,
    /// Their opening argument's layout.
    pub layout: PcsLayout,
    /// The node's height in the tree (0: over two leaves).
    pub level: u32,
}

impl NodeShape {
    /// The node at `level` over proofs made with `child` (which must expose a 12-element digest:
    /// a leaf or a node).
    pub fn new(child: &CircuitKey, level: u32) -> Self {
        let shape = BatchInnerShape::new(child);
        let layout = batch_pcs_layout(&shape);
        Self {
            child: shape,
            layout,
            level,
        }
    }

    /// The node circuit.
    pub fn circuit(&self, child: &CircuitKey) -> Circuit {
        let public_table = child
            .tables()
            .iter()
            .position(|t| matches!(t, Table::Public(_)))
            .unwrap_or_else(|| unreachable!("a child exposing a digest has a public table"));
        let mut b = CircuitBuilder::new();
        let digests: Vec<DigestWires> = (0..2)
            .map(|_| {
                let proof = verify_batch_stark(&mut b, &self.child, &self.layout);
                let public = &proof.ood.tables[public_table].public;
                core::array::from_fn(|k| public[k])
            })
            .collect();
        let root = hash::compress_level(&mut b, self.level, &digests[0], &digests[1]);
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
        let mut values = Vec::new();
        for (proof, digest) in [left, right] {
            values.extend(batch_proof_values(
                child,
                &self.child,
                &self.layout,
                proof,
                digest.elements(),
            )?);
        }
        Ok(values)
    }
}
