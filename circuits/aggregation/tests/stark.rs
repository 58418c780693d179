//! The out-of-domain half of the uni-STARK verifier, in-circuit, on real proofs: the transcript
//! replica must reach the same `α` and `ζ` as Plonky3's verifier, or the constraint identity at
//! `ζ` fails.

use aggregation_circuit::config::stark_config_with_cap;
use aggregation_circuit::field::{Ext, Val};
use aggregation_circuit::fixtures::{FIBONACCI_SEED as INNER_SEED, Fibonacci, fibonacci_proof};
use aggregation_circuit::gadgets::challenger::ChallengerWires;
use aggregation_circuit::gadgets::stark::{InnerShape, OodWires, ood_values, verify_ood};
use aggregation_circuit::{CircuitBuilder, CircuitKey};

const LOG_ROWS: usize = 8;
use p3_field::PrimeCharacteristicRing;

/// A Fibonacci proof that Plonky3's verifier accepts, and its public values.
fn honest_proof(
    cap_height: usize,
) -> (
    p3_uni_stark::Proof<aggregation_circuit::config::AggregationConfig>,
    Vec<Val>,
) {
    let (proof, public) = fibonacci_proof(LOG_ROWS, cap_height, 1);
    let config = stark_config_with_cap(&INNER_SEED.map(Val::from_u32), cap_height);
    p3_uni_stark::verify(&config, &Fibonacci, &proof, &public).expect("verifies natively");
    (proof, public)
}

#[test]
fn the_out_of_domain_check_passes_on_a_real_proof_and_fails_on_a_tampered_one() {
    let (proof, public) = honest_proof(0);
    let shape = InnerShape::new(&Fibonacci, LOG_ROWS, &INNER_SEED.map(Val::from_u32), 0);
    assert_eq!(proof.degree_bits, LOG_ROWS);

    let mut b = CircuitBuilder::new();
    let wires = OodWires::allocate(&mut b, &shape);
    let mut challenger = ChallengerWires::new(&mut b);
    verify_ood(&mut b, &mut challenger, &shape, &wires);
    let circuit = b.build();
    let values = ood_values(&proof, &public);
    circuit
        .run(&[], &values)
        .expect("the honest proof passes the check at zeta");

    // Every opened value, commitment element and public value is bound.
    for at in [0, 12, 24, 26, 27, 30, values.len() - 1] {
        let mut bad = values.clone();
        bad[at] += Ext::ONE;
        assert!(
            circuit.run(&[], &bad).is_err(),
            "tampered input {at} passed"
        );
    }

    // A transcript that starts differently (another configuration seed) reaches other
    // challenges, and the identity fails.
    let other = InnerShape::new(&Fibonacci, LOG_ROWS, &[Val::from_u32(8)], 0);
    let mut b = CircuitBuilder::new();
    let wires = OodWires::allocate(&mut b, &other);
    let mut challenger = ChallengerWires::new(&mut b);
    verify_ood(&mut b, &mut challenger, &other, &wires);
    assert!(b.build().run(&[], &values).is_err());

    // And the check itself proves.
    let key = CircuitKey::new(circuit);
    let outer = key.prove(&[], &values).expect("proves");
    key.verify(&outer, &[]).expect("verifies");
}

/// M1: a real proof verified entirely in-circuit, and the verification itself proven.
#[test]
fn a_whole_proof_is_verified_in_circuit() {
    whole_proof(0);
}

/// The same with commitments capped at four digests (the transaction proof caps at 16).
#[test]
fn a_whole_proof_with_capped_commitments_is_verified_in_circuit() {
    whole_proof(2);
}

fn whole_proof(cap_height: usize) {
    use aggregation_circuit::gadgets::stark::verify_uni_stark;
    use aggregation_circuit::inner::{pcs_layout, uni_stark_values};

    let (proof, public) = honest_proof(cap_height);
    let seed = INNER_SEED.map(Val::from_u32);
    let shape = InnerShape::new(&Fibonacci, LOG_ROWS, &seed, cap_height);
    let layout = pcs_layout(&shape);
    let mut b = CircuitBuilder::new();
    verify_uni_stark(&mut b, &shape, &layout);
    let circuit = b.build();
    let values = uni_stark_values(&shape, &layout, &seed, &proof, &public).expect("lays out");
    circuit
        .run(&[], &values)
        .expect("the verifier circuit accepts the proof");
    println!(
        "verifier circuit: {} slots, {} ALU rows, {} permutations, {} private inputs",
        circuit.num_wires(),
        circuit.alu_ops().count(),
        circuit.perm_ops().count(),
        values.len()
    );

    // Tampering anywhere in the opening argument is caught.
    let mut rng_at = 1usize;
    for _ in 0..24 {
        rng_at = (rng_at * 1_103_515_245 + 12_345) % values.len();
        let mut bad = values.clone();
        bad[rng_at] += Ext::ONE;
        assert!(
            circuit.run(&[], &bad).is_err(),
            "tampered input {rng_at} passed"
        );
    }

    let key = CircuitKey::new(circuit);
    let outer = key.prove(&[], &values).expect("proves");
    key.verify(&outer, &[]).expect("verifies");
    println!(
        "outer proof: {} bytes, heights {:?}",
        outer.to_bytes().len(),
        key.log_heights()
    );
}

/// Two proofs verified in one circuit that exposes the digest of their ordered public values;
/// swapping the order, or another pair's digest, is refused.
#[test]
fn a_pair_of_proofs_is_aggregated_into_one_digest() {
    use aggregation_circuit::aggregate::{leaf_digest, node_digest, pair_circuit};
    use aggregation_circuit::inner::{pcs_layout, uni_stark_values};

    let seed = INNER_SEED.map(Val::from_u32);
    let shape = InnerShape::new(&Fibonacci, LOG_ROWS, &seed, 0);
    let layout = pcs_layout(&shape);
    let (first, first_public) = fibonacci_proof(LOG_ROWS, 0, 1);
    let (second, second_public) = fibonacci_proof(LOG_ROWS, 0, 2);
    let mut private =
        uni_stark_values(&shape, &layout, &seed, &first, &first_public).expect("first");
    private
        .extend(uni_stark_values(&shape, &layout, &seed, &second, &second_public).expect("second"));
    let root = node_digest(&leaf_digest(&first_public), &leaf_digest(&second_public));

    let key = CircuitKey::new(pair_circuit(&shape, &layout));
    let proof = key.prove(root.elements(), &private).expect("proves");
    key.verify(&proof, root.elements()).expect("verifies");

    let swapped = node_digest(&leaf_digest(&second_public), &leaf_digest(&first_public));
    let mut other_public = first_public.clone();
    other_public[2] += Val::ONE;
    let other = node_digest(&leaf_digest(&other_public), &leaf_digest(&second_public));
    for wrong in [swapped, other] {
        assert_ne!(wrong, root);
        assert!(key.verify(&proof, wrong.elements()).is_err());
    }
    // Two honest proofs in the other order give a proof of the swapped digest, not this one.
    assert!(key.prove(swapped.elements(), &private).is_err());
}
