//! The in-circuit challenger against Plonky3's `DuplexChallenger`, operation by operation.

use aggregation_circuit::field::{Ext, Val};
use aggregation_circuit::gadgets::challenger::{
    ChallengerWires, VALUE_BITS, assert_canonical_bits,
};
use aggregation_circuit::{CircuitBuilder, CircuitKey, Wire};
use p3_challenger::{CanObserve, CanSample, CanSampleBits, GrindingChallenger};
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_koala_bear::default_koalabear_poseidon2_24;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use transaction_circuit::config::Challenger;

enum Step {
    Observe(usize),
    Sample,
    SampleExt,
    SampleBits(usize),
}

/// Random interleavings of observations and samples give the same outputs in both.
#[test]
fn the_circuit_challenger_replays_the_native_transcript() {
    let mut rng = StdRng::seed_from_u64(9);
    for round in 0..6 {
        let steps: Vec<Step> = (0..12)
            .map(|_| match rng.random_range(0..4) {
                0 => Step::Observe(rng.random_range(1..30)),
                1 => Step::Sample,
                2 => Step::SampleExt,
                _ => Step::SampleBits(rng.random_range(1..25)),
            })
            .collect();
        let mut native = Challenger::new(default_koalabear_poseidon2_24());
        let mut b = CircuitBuilder::new();
        let mut circuit = ChallengerWires::new(&mut b);
        let mut private = Vec::new();
        // (wire, expected value) for every sampled wire.
        let mut expected: Vec<(Wire, Ext)> = Vec::new();
        for step in &steps {
            match *step {
                Step::Observe(n) => {
                    for _ in 0..n {
                        let v: Val = rng.random();
                        native.observe(v);
                        let w = b.private_input();
                        private.push(Ext::from(v));
                        circuit.observe(&mut b, w);
                    }
                }
                Step::Sample => {
                    let v: Val = native.sample();
                    expected.push((circuit.sample(&mut b), Ext::from(v)));
                }
                Step::SampleExt => {
                    let v: Ext = native.sample();
                    expected.push((circuit.sample_ext(&mut b), v));
                }
                Step::SampleBits(n) => {
                    let v = native.sample_bits(n);
                    for (i, w) in circuit.sample_bits(&mut b, n).into_iter().enumerate() {
                        expected.push((w, Ext::from(Val::from_bool(v >> i & 1 == 1))));
                    }
                }
            }
        }
        let witness = b.build().run(&[], &private).expect("runs");
        for (i, (w, v)) in expected.iter().enumerate() {
            assert_eq!(witness.value(*w), *v, "round {round}, sample {i}");
        }
    }
}

#[test]
fn proof_of_work_is_checked_in_circuit() {
    const BITS: usize = 10;
    let mut native = Challenger::new(default_koalabear_poseidon2_24());
    let seed: [Val; 5] = core::array::from_fn(|i| Val::from_usize(i * 31 + 1));
    native.observe_slice(&seed);
    let witness = native.clone().grind(BITS);
    assert!(native.clone().check_witness(BITS, witness));

    let mut b = CircuitBuilder::new();
    let mut challenger = ChallengerWires::new(&mut b);
    let seed_wires: Vec<Wire> = (0..5).map(|_| b.public_input()).collect();
    challenger.observe_slice(&mut b, &seed_wires);
    let pow = b.private_input();
    challenger.check_pow(&mut b, BITS, pow);
    let key = CircuitKey::new(b.build());

    let proof = key
        .prove(&seed, &[Ext::from(witness)])
        .expect("a valid witness proves");
    key.verify(&proof, &seed).expect("verifies");
    // A witness the native check rejects is refused in-circuit too.
    let bad = (1..)
        .map(|d| witness + Val::from_u32(d))
        .find(|w| !native.clone().check_witness(BITS, *w))
        .expect("most witnesses fail");
    assert!(key.circuit().run(&seed, &[Ext::from(bad)]).is_err());
}

/// The decomposition constraint admits exactly the canonical bits: for a small value `v`, the
/// bits of `v + p` also recompose to `v` but are refused.
#[test]
fn only_the_canonical_decomposition_is_accepted() {
    let mut b = CircuitBuilder::new();
    let value = b.public_input();
    let bits: Vec<Wire> = (0..VALUE_BITS).map(|_| b.private_input()).collect();
    let high = b.private_input();
    assert_canonical_bits(&mut b, value, &bits, high);
    let circuit = b.build();
    let decompose = |n: u64| -> Vec<Ext> {
        let mut inputs: Vec<Ext> = (0..VALUE_BITS)
            .map(|i| Ext::from(Val::from_bool(n >> i & 1 == 1)))
            .collect();
        inputs.push(Ext::from(Val::from_u64(n >> VALUE_BITS)));
        inputs
    };
    let p = Val::ORDER_U32 as u64;
    for v in [0u64, 1, 12345, (1 << 24) - 2, p - 1, p - 2, (1 << 30) + 7] {
        let public = [Val::from_u64(v)];
        circuit
            .run(&public, &decompose(v))
            .unwrap_or_else(|e| panic!("canonical bits of {v}: {e}"));
        if v + p < 1 << 31 {
            assert!(circuit.run(&public, &decompose(v + p)).is_err(), "{v} + p");
        }
        // Anything else is refused too: a flipped bit, or a non-zero high part.
        let mut flipped = decompose(v);
        flipped[3] = Ext::ONE - flipped[3];
        assert!(circuit.run(&public, &flipped).is_err());
    }
}
