//! M3: a 2-to-1 node verifies two leaf proofs (each over a real transaction proof) in-circuit and
//! exposes the node digest of their public inputs, in order.

use std::time::Instant;

use aggregation_circuit::CircuitKey;
use aggregation_circuit::aggregate::{NodeShape, node_digest};
use aggregation_circuit::leaf::{TransactionShape, leaf_public_inputs};
use transaction_circuit::ValueBalance;
use transaction_circuit::testing::{transfer_witness, transfer_witness_with};

#[test]
fn a_node_aggregates_two_transaction_leaves() {
    let transfers = [
        transfer_witness(),
        transfer_witness_with(
            hegemon_crypto::AssetId::NATIVE,
            ValueBalance::ZERO,
            [700, 300],
            [800, 150],
            50,
        ),
    ];
    let leaf = TransactionShape::new();
    let leaf_key = CircuitKey::new(leaf.leaf_circuit());
    let mut leaves = Vec::new();
    for witness in &transfers {
        let (public, proof) = transaction_circuit::prove(witness).expect("the transfer proves");
        let private = leaf.private_inputs(&proof, &public).expect("lays out");
        let digest = leaf_public_inputs(&public);
        let leaf_proof = leaf_key
            .prove(digest.elements(), &private)
            .expect("the leaf proves");
        leaves.push((leaf_proof, digest));
    }

    let node = NodeShape::new(&leaf_key, 0);
    let started = Instant::now();
    let circuit = node.circuit(&leaf_key);
    println!(
        "node circuit: {} slots, {} ALU rows, {} permutations",
        circuit.num_wires(),
        circuit.alu_ops().count(),
        circuit.perm_ops().count()
    );
    let node_key = CircuitKey::new(circuit);
    let setup = started.elapsed();
    let root = node_digest(0, &leaves[0].1, &leaves[1].1);
    let private = node
        .private_inputs(
            &leaf_key,
            (&leaves[0].0, &leaves[0].1),
            (&leaves[1].0, &leaves[1].1),
        )
        .expect("lays out");
    let started = Instant::now();
    let proof = node_key
        .prove(root.elements(), &private)
        .expect("the node proves");
    let prove = started.elapsed();
    let started = Instant::now();
    node_key
        .verify(&proof, root.elements())
        .expect("the node proof verifies");
    println!(
        "node proof: {} bytes, heights {:?}, setup {setup:?}, prove {prove:?}, verify {:?}",
        proof.to_bytes().len(),
        node_key.log_heights(),
        started.elapsed()
    );

    // The leaves in the other order give another digest: the proof does not verify against it,
    // and the node cannot prove it with these leaves in this order.
    let swapped = node_digest(0, &leaves[1].1, &leaves[0].1);
    assert!(node_key.verify(&proof, swapped.elements()).is_err());
    assert!(node_key.prove(swapped.elements(), &private).is_err());
    // A leaf proof presented with another transfer's digest is refused.
    assert!(
        node.private_inputs(
            &leaf_key,
            (&leaves[0].0, &leaves[1].1),
            (&leaves[1].0, &leaves[1].1),
        )
        .is_err()
    );
}
