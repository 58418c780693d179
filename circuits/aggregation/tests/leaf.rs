//! M2: the leaf circuit verifies a real transaction proof (zero-knowledge uni-STARK, hiding PCS)
//! and exposes the digest of its public inputs. It agrees with `transaction_circuit::verify` on
//! tampered proofs, and its own proof binds the public inputs.

use std::sync::OnceLock;
use std::time::Instant;

use aggregation_circuit::CircuitKey;
use aggregation_circuit::field::Ext;
use aggregation_circuit::leaf::{TransactionShape, leaf_public_inputs};
use p3_field::PrimeCharacteristicRing;
use transaction_circuit::testing::{native_transfer_witness, transfer_witness};
use transaction_circuit::{TransactionProof, TransactionPublicInputs};

fn shape() -> &'static TransactionShape {
    static SHAPE: OnceLock<TransactionShape> = OnceLock::new();
    SHAPE.get_or_init(TransactionShape::new)
}

fn transfer() -> &'static (TransactionPublicInputs, TransactionProof) {
    static TRANSFER: OnceLock<(TransactionPublicInputs, TransactionProof)> = OnceLock::new();
    TRANSFER.get_or_init(|| transaction_circuit::prove(&transfer_witness()).expect("proves"))
}

#[test]
fn the_leaf_accepts_a_real_transaction_proof_and_binds_its_public_inputs() {
    let (public, proof) = transfer();
    transaction_circuit::verify(public, proof).expect("verifies natively");
    let shape = shape();
    let circuit = shape.leaf_circuit();
    let private = shape.private_inputs(proof, public).expect("lays out");
    let digest = leaf_public_inputs(public);
    circuit
        .run(digest.elements(), &private)
        .expect("the leaf accepts the proof");
    println!(
        "leaf circuit: {} slots, {} ALU rows, {} permutations, {} private inputs",
        circuit.num_wires(),
        circuit.alu_ops().count(),
        circuit.perm_ops().count(),
        private.len()
    );

    // Another transfer's public inputs: the digest differs and the leaf refuses it.
    let other = native_transfer_witness([700, 300], [800, 150], 50)
        .public_inputs()
        .expect("valid");
    assert!(
        shape.private_inputs(proof, &other).is_err()
            || circuit
                .run(leaf_public_inputs(&other).elements(), &private)
                .is_err(),
        "another transfer's public inputs passed"
    );
    let mut wrong = *digest.elements();
    wrong[3] += aggregation_circuit::field::Val::ONE;
    assert!(
        circuit.run(&wrong, &private).is_err(),
        "a wrong digest passed"
    );

    // Tampering anywhere in the laid-out proof is caught by the circuit.
    let mut at = 1usize;
    for _ in 0..32 {
        at = (at * 1_103_515_245 + 12_345) % private.len();
        let mut bad = private.clone();
        bad[at] += Ext::ONE;
        assert!(
            circuit.run(digest.elements(), &bad).is_err(),
            "tampered input {at} passed"
        );
    }
}

/// The leaf agrees with the native verifier on tampered proof bytes: whatever Plonky3 rejects,
/// the layout refuses or the circuit fails; what it accepts, the leaf accepts.
#[test]
fn the_leaf_agrees_with_the_native_verifier_on_tampered_proofs() {
    let (public, proof) = transfer();
    let shape = shape();
    let circuit = shape.leaf_circuit();
    let digest = leaf_public_inputs(public);
    let bytes = proof.as_bytes();
    let mut at = 7usize;
    let mut rejected = 0;
    for _ in 0..24 {
        at = (at * 1_103_515_245 + 12_345) % bytes.len();
        let mut bad = bytes.to_vec();
        bad[at] ^= 0x10;
        let Ok(bad) = TransactionProof::from_bytes(&bad) else {
            continue;
        };
        let native = transaction_circuit::verify(public, &bad).is_ok();
        let leaf = shape
            .private_inputs(&bad, public)
            .is_ok_and(|private| circuit.run(digest.elements(), &private).is_ok());
        assert_eq!(native, leaf, "byte {at}: native {native}, leaf {leaf}");
        rejected += usize::from(!native);
    }
    assert!(rejected > 0, "no tampered proof was rejected");
}

/// The leaf circuit proves, and its proof verifies against the digest and nothing else.
#[test]
fn the_leaf_proof_verifies_against_the_public_input_digest() {
    let (public, proof) = transfer();
    let shape = shape();
    let key = CircuitKey::new(shape.leaf_circuit());
    let private = shape.private_inputs(proof, public).expect("lays out");
    let digest = leaf_public_inputs(public);
    let started = Instant::now();
    let outer = key.prove(digest.elements(), &private).expect("proves");
    let prove = started.elapsed();
    let started = Instant::now();
    key.verify(&outer, digest.elements()).expect("verifies");
    println!(
        "leaf proof: {} bytes, heights {:?}, prove {:?}, verify {:?}",
        outer.to_bytes().len(),
        key.log_heights(),
        prove,
        started.elapsed()
    );
    let mut wrong = *digest.elements();
    wrong[0] += aggregation_circuit::field::Val::ONE;
    assert!(key.verify(&outer, &wrong).is_err());
}
