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
use crate::field::Val;
use crate::gadgets::hash::{self, DigestWires};
use crate::gadgets::pcs::PcsLayout;
use crate::gadgets::stark::{InnerShape, verify_uni_stark};

/// The digest a leaf exposes for one proof's public values.
pub fn leaf_digest(public: &[Val]) -> Digest {
    hash_elements(AGGREGATED_PUBLIC_VALUES, public)
}

/// The digest a node at `level` exposes over its two children's digests.
pub fn node_digest(level: u32, left: &Digest, right: &Digest) -> Digest {
    compress(level, left, right)
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
    for lane in root {
        let public = b.public_input();
        b.connect(lane, public);
    }
    b.build()
}
