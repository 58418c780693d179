//! M3/M4: a tree of depth 1 with one-transfer leaves (one 2-to-1 node over two leaves, each
//! verifying a real transaction proof) binds the ordered public inputs of its transfers; one
//! transfer is padded to two. (Blocks use wider leaves: `tests/block.rs`.)

use std::time::Instant;

use aggregation_circuit::tree::{TreeError, TreeKeys, root_digest};
use transaction_circuit::testing::two_transfer_witnesses;

#[test]
fn a_tree_binds_the_ordered_public_inputs_of_its_transfers() {
    let transfers: Vec<_> = two_transfer_witnesses()
        .iter()
        .map(|w| transaction_circuit::prove(w).expect("the transfer proves"))
        .collect();
    let publics: Vec<_> = transfers.iter().map(|(p, _)| p.clone()).collect();

    let started = Instant::now();
    let keys = TreeKeys::with_leaf_log(1, 0);
    let setup = started.elapsed();
    let started = Instant::now();
    let (root, digest) = keys
        .prove(&transfers, |_, _, _| {})
        .expect("the tree proves");
    let prove = started.elapsed();
    assert_eq!(digest, root_digest(&publics, 1));
    let started = Instant::now();
    keys.verify(&root, &publics).expect("the root verifies");
    println!(
        "tree of 2: setup {setup:?}, prove {prove:?}, verify {:?}, root proof {} bytes, heights {:?}",
        started.elapsed(),
        root.to_bytes().len(),
        keys.root_key().log_heights()
    );

    // The other order, one transfer twice, or the wrong count: refused.
    let swapped = [publics[1].clone(), publics[0].clone()];
    assert!(keys.verify(&root, &swapped).is_err());
    assert!(
        keys.verify(&root, &[publics[0].clone(), publics[0].clone()])
            .is_err()
    );
    assert!(keys.verify(&root, &publics[..1]).is_err());
    assert!(keys.verify(&root, &[]).is_err());
    // A transfer whose proof does not verify is refused before any proving.
    let mut bad = transfers.clone();
    bad[1].0 = publics[0].clone();
    assert!(matches!(
        keys.prove(&bad, |_, _, _| {}),
        Err(TreeError::Transfer { index: 1, .. })
    ));
    assert!(matches!(
        keys.prove(&[], |_, _, _| {}),
        Err(TreeError::Count { .. })
    ));
    let three = [transfers.clone(), transfers[..1].to_vec()].concat();
    assert!(matches!(
        keys.prove(&three, |_, _, _| {}),
        Err(TreeError::Count { .. })
    ));

    // One transfer: padded with itself, one leaf proof and one node proof.
    let mut proofs_made = 0;
    let (padded, digest) = keys
        .prove(&transfers[..1], |_, _, _| proofs_made += 1)
        .expect("one transfer proves");
    assert_eq!(proofs_made, 2);
    assert_eq!(digest, root_digest(&publics[..1], 1));
    keys.verify(&padded, &publics[..1])
        .expect("the padded root verifies");
    assert!(keys.verify(&padded, &publics[1..]).is_err());
    assert!(keys.verify(&root, &publics[..1]).is_err());
}

#[test]
fn a_short_list_is_padded_with_its_last_transfer() {
    let [first, second] = two_transfer_witnesses();
    let (public, _) = transaction_circuit::prove(&first).expect("proves");
    let other = transaction_circuit::prove(&second).expect("proves").0;
    let three = [public.clone(), other.clone(), other.clone()];
    let four = [public.clone(), other.clone(), other.clone(), other.clone()];
    assert_eq!(root_digest(&three, 2), root_digest(&four, 2));
    assert_ne!(
        root_digest(&three, 2),
        root_digest(&[public, other.clone(), other], 3)
    );
    assert_eq!(TreeKeys::depth_for(1), 0);
    assert_eq!(TreeKeys::depth_for(3), 2);
    assert_eq!(TreeKeys::depth_for(1_024), 10);
    assert_eq!(TreeKeys::depth_for(1_025), 11);
}

/// Every node keeps its Poseidon2 table at `2^14` rows, which is what keeps it under 2
/// core-seconds (`docs/benchmarks.md`). The 8-wide leaves fit every table in `2^15` rows (their
/// ALU table two operations a row), so the node over them walks paths no longer than a node over
/// nodes; nodes whose children have tables of two heights are about 290 permutations short of
/// `2^15`.
#[test]
fn every_node_keeps_its_poseidon2_table_at_2_14_rows() {
    let keys = TreeKeys::verifier(6);
    let heights = |depth: usize| keys.root_key_at(depth).log_heights().to_vec();
    // Witness, ALU, Poseidon2, Horner; depth 3 is an 8-wide leaf, depth 4 the node over two.
    assert_eq!(heights(3), [15, 15, 15, 15]);
    for depth in 4..=6 {
        assert_eq!(heights(depth), [15, 15, 14, 15], "depth {depth}");
    }
    for depth in 4..=6 {
        let circuit = keys.root_key_at(depth).circuit();
        println!(
            "depth {depth}: {} permutations, {} ALU rows, {} Horner rows, {} slots",
            circuit.perm_ops().count(),
            circuit.alu_ops().count(),
            circuit.horner_ops().count(),
            circuit.num_wires()
        );
    }
}
