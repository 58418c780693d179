//! M3a: the out-of-domain half of the batch-STARK verifier, in-circuit, on real proofs of
//! aggregation circuits: the transcript replica must reach Plonky3's challenges (lookup, constraint
//! and `ζ`) or some table's constraint identity fails.

use aggregation_circuit::field::{Ext, Val};
use aggregation_circuit::gadgets::batch::verify_batch_stark;
use aggregation_circuit::gadgets::batch::{
    BatchInnerShape, BatchOodWires, batch_ood_values, verify_batch_ood,
};
use aggregation_circuit::gadgets::challenger::ChallengerWires;
use aggregation_circuit::gadgets::pcs::PcsLayout;
use aggregation_circuit::inner::{batch_pcs_layout, batch_proof_values};
use aggregation_circuit::{Circuit, CircuitBuilder, CircuitKey, CircuitProof};
use p3_field::PrimeCharacteristicRing;

/// A proof of a circuit with a row in every table.
fn small_proof() -> (CircuitKey, CircuitProof, Vec<Val>) {
    let (circuit, public, private) = aggregation_circuit::fixtures::every_table_circuit();
    let key = CircuitKey::new(circuit);
    let proof = key.prove(&public, &private).expect("proves");
    key.verify(&proof, &public).expect("verifies");
    (key, proof, public)
}

fn ood_circuit(shape: &BatchInnerShape) -> Circuit {
    let mut b = CircuitBuilder::new();
    let wires = BatchOodWires::allocate(&mut b, shape);
    let mut challenger = ChallengerWires::new(&mut b);
    verify_batch_ood(&mut b, &mut challenger, shape, &wires);
    b.build()
}

#[test]
fn the_batch_out_of_domain_check_passes_on_a_real_proof_and_fails_on_a_tampered_one() {
    let (key, proof, public) = small_proof();
    let shape = BatchInnerShape::new(&key);
    let circuit = ood_circuit(&shape);
    let values = batch_ood_values(&shape, proof.batch(), &key.table_public_values(&public))
        .expect("lays out");
    circuit
        .run(&[], &values)
        .expect("the honest proof passes the check at zeta");
    println!(
        "batch OOD circuit: {} slots, {} ALU rows, {} permutations, {} private inputs",
        circuit.num_wires(),
        circuit.alu_ops().count(),
        circuit.perm_ops().count(),
        values.len()
    );
    // What the out-of-domain check binds (the rest, such as next-row values no constraint
    // reads, is bound by the opening argument): every commitment element and the lookup proof
    // of work (transcript), each table's first opened value, quotient chunks and terminal.
    // Three commitments (main, permutation, quotient) of `2^cap_height` digests, every
    // seventh element of them, then the lookup proof of work.
    let commitments = (3 * 12) << shape.cap_height;
    let mut bound: Vec<usize> = (0..commitments).step_by(7).chain([commitments]).collect();
    let mut at = commitments + 1;
    for t in &shape.tables {
        at += t.num_public;
        bound.push(at);
        at += 5 * (t.width * (1 + usize::from(t.opens_next)));
        at += 5 * t.preprocessed_width * (1 + usize::from(t.preprocessed_opens_next));
        at += 5 * 2 * t.permutation_width() * 5;
        for chunk in 0..t.num_quotient_chunks {
            bound.push(at + chunk * 25);
        }
        at += t.num_quotient_chunks * 25;
        if !t.buses.is_empty() {
            bound.extend(at..at + 5);
            at += 5;
        }
    }
    assert_eq!(at, values.len(), "the test walks the layout");
    for &at in &bound {
        let mut bad = values.clone();
        bad[at] += Ext::ONE;
        assert!(
            circuit.run(&[], &bad).is_err(),
            "tampered input {at} passed"
        );
    }
    // Other public values change the transcript.
    let mut other = public.clone();
    other[0] += Val::ONE;
    let values = batch_ood_values(&shape, proof.batch(), &key.table_public_values(&other))
        .expect("lays out");
    assert!(circuit.run(&[], &values).is_err());
}

/// The inner proof of a recursive node: a proof of the verifier circuit itself (one Fibonacci
/// proof verified in-circuit), with tables of different heights. Its out-of-domain check, and
/// the whole verifier, pass in-circuit: the size of a 2-to-1 node's work per child.
#[test]
fn a_verifier_circuit_proof_is_verified_in_circuit() {
    use aggregation_circuit::fixtures::{FIBONACCI_SEED, Fibonacci, fibonacci_proof};
    use aggregation_circuit::gadgets::stark::{InnerShape, verify_uni_stark};
    use aggregation_circuit::inner::{pcs_layout, uni_stark_values};

    let seed = FIBONACCI_SEED.map(Val::from_u32);
    // 2^8 rows: the smallest whose extension FRI takes, above the final polynomial's.
    let (inner, inner_public) = fibonacci_proof(8, 0, 1);
    let inner_shape = InnerShape::new(&Fibonacci, 8, &seed, 0);
    let layout = pcs_layout(&inner_shape);
    let mut b = CircuitBuilder::new();
    verify_uni_stark(&mut b, &inner_shape, &layout);
    let key = CircuitKey::new(b.build());
    let private =
        uni_stark_values(&inner_shape, &layout, &seed, &inner, &inner_public).expect("lays out");
    let proof = key.prove(&[], &private).expect("proves");

    let shape = BatchInnerShape::new(&key);
    let circuit = ood_circuit(&shape);
    let values =
        batch_ood_values(&shape, proof.batch(), &key.table_public_values(&[])).expect("lays out");
    circuit
        .run(&[], &values)
        .expect("the verifier circuit's proof passes the check at zeta");
    println!(
        "batch OOD circuit over a recursion-step proof (heights {:?}): {} slots, {} ALU rows, {} permutations, {} private inputs",
        key.log_heights(),
        circuit.num_wires(),
        circuit.alu_ops().count(),
        circuit.perm_ops().count(),
        values.len()
    );
    let mut bad = values.clone();
    bad[0] += Ext::ONE;
    assert!(circuit.run(&[], &bad).is_err());

    whole_proof(&key, &proof, &[], 16);
}

/// The whole verifier circuit for proofs made with `key` accepts `proof`, and refuses
/// `tampered` random private inputs changed.
fn whole_proof(
    key: &CircuitKey,
    proof: &CircuitProof,
    public: &[Val],
    tampered: usize,
) -> (BatchInnerShape, PcsLayout, Circuit) {
    let shape = BatchInnerShape::new(key);
    let layout = batch_pcs_layout(&shape);
    let mut b = CircuitBuilder::new();
    verify_batch_stark(&mut b, &shape, &layout);
    let circuit = b.build();
    let values = batch_proof_values(key, &shape, &layout, proof, public).expect("lays out");
    circuit
        .run(&[], &values)
        .expect("the verifier circuit accepts the proof");
    println!(
        "batch verifier circuit (heights {:?}): {} slots, {} ALU rows, {} permutations, {} private inputs",
        key.log_heights(),
        circuit.num_wires(),
        circuit.alu_ops().count(),
        circuit.perm_ops().count(),
        values.len()
    );
    let mut at = 1usize;
    for _ in 0..tampered {
        at = (at * 1_103_515_245 + 12_345) % values.len();
        let mut bad = values.clone();
        bad[at] += Ext::ONE;
        assert!(
            circuit.run(&[], &bad).is_err(),
            "tampered input {at} passed"
        );
    }
    (shape, layout, circuit)
}

/// M3b: a whole proof of an aggregation circuit verified in-circuit (transcript, constraints and
/// LogUp at `ζ`, mixed-height opening argument against the verifying key's preprocessed
/// commitment), and tampering anywhere refused.
#[test]
fn a_whole_aggregation_proof_is_verified_in_circuit() {
    let (key, proof, public) = small_proof();
    let (shape, layout, circuit) = whole_proof(&key, &proof, &public, 32);
    // Another public input: Plonky3's transcript diverges and the layout is refused, or the
    // circuit fails.
    let mut other = public.clone();
    other[0] += Val::ONE;
    let accepted = batch_proof_values(&key, &shape, &layout, &proof, &other)
        .is_ok_and(|v| circuit.run(&[], &v).is_ok());
    assert!(!accepted, "another public input passed");
}

/// The preprocessed paths end at the level of the child key's tree that the verifier circuit
/// holds as constants (`PREPROCESSED_PATH_CAP_HEIGHT`), not at the cap the transcript absorbs:
/// a circuit holding any other digests there refuses the honest proof.
#[test]
fn preprocessed_paths_end_at_the_key_s_tree_level() {
    let (key, proof, public) = small_proof();
    let mut shape = BatchInnerShape::new(&key);
    let layout = batch_pcs_layout(&shape);
    let values = batch_proof_values(&key, &shape, &layout, &proof, &public).expect("lays out");
    for digest in &mut shape.preprocessed_path_cap {
        digest[0] += Val::ONE;
    }
    let mut b = CircuitBuilder::new();
    verify_batch_stark(&mut b, &shape, &layout);
    assert!(
        b.build().run(&[], &values).is_err(),
        "a path reached digests that are not the key's"
    );
}
