//! Circuits proven end to end: arithmetic, Poseidon2, the commitment hashes and Merkle paths,
//! each checked against the native computation and attacked with wrong inputs and proofs.

use aggregation_circuit::circuit::HORNER_STEPS;
use aggregation_circuit::config::val_mmcs;
use aggregation_circuit::field::{Ext, Val, permute};
use aggregation_circuit::gadgets::hash::{DigestWires, compress, sponge};
use aggregation_circuit::gadgets::merkle::verify_path;
use aggregation_circuit::{Circuit, CircuitBuilder, CircuitKey, RunError, VerifyError, Wire};
use p3_commit::Mmcs;
use p3_field::{BasedVectorSpace, Field, PrimeCharacteristicRing};
use p3_koala_bear::default_koalabear_poseidon2_24;
use p3_matrix::Dimensions;
use p3_matrix::dense::RowMajorMatrix;
use p3_symmetric::{
    CryptographicHasher, PaddingFreeSponge, PseudoCompressionFunction, TruncatedPermutation,
};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

fn ext(coefficients: [u32; 5]) -> Ext {
    Ext::from_basis_coefficients_fn(|i| Val::from_u32(coefficients[i]))
}

fn base(value: Val) -> Ext {
    Ext::from(value)
}

/// `a · a + x = y` and `a / x = z`, with `x, y` public and `a, z` private.
fn square_plus() -> Circuit {
    let mut b = CircuitBuilder::new();
    let x = b.public_input();
    let y = b.public_input();
    let a = b.private_input();
    let z = b.private_input();
    let sum = b.mul_add(a, a, x);
    b.connect(sum, y);
    let q = b.div(a, x);
    b.connect(q, z);
    b.build()
}

#[test]
fn an_arithmetic_circuit_proves_and_rejects_wrong_public_inputs() {
    let circuit = square_plus();
    let key = CircuitKey::new(circuit.clone());
    let a = ext([3, 1, 4, 1, 5]);
    let x = Val::from_u32(7);
    let y_ext = a * a + base(x);
    // `y` must be a base element to be public: pick `a` so that it is.
    let a = base(Val::from_u32(11));
    let y = Val::from_u32(11 * 11 + 7);
    let z = a * base(x).inverse();
    assert_ne!(y_ext, base(y));

    let proof = key
        .prove(&[x, y], &[a, z])
        .expect("a satisfying witness proves");
    key.verify(&proof, &[x, y]).expect("the proof verifies");

    // Wrong public inputs are rejected.
    let err = key
        .verify(&proof, &[x, y + Val::ONE])
        .expect_err("must be rejected");
    assert!(matches!(err, VerifyError::Invalid(_)), "{err}");
    let err = key.verify(&proof, &[x]).expect_err("must be rejected");
    assert!(matches!(err, VerifyError::PublicCount { .. }), "{err}");

    // An unsatisfying witness is refused before proving.
    let err = key
        .prove(&[x, y + Val::ONE], &[a, z])
        .expect_err("must be rejected");
    assert!(err.to_string().contains("contradicts"), "{err}");
    let err = circuit
        .run(&[Val::ZERO, y - x], &[a, z])
        .expect_err("must be rejected");
    assert!(matches!(err, RunError::DivisionByZero { .. }), "{err}");
}

#[test]
fn a_proof_is_bound_to_its_circuit_and_its_bytes() {
    let key = CircuitKey::new(square_plus());
    let (x, y, a) = (Val::from_u32(2), Val::from_u32(27), base(Val::from_u32(5)));
    let z = a * base(x).inverse();
    let proof = key.prove(&[x, y], &[a, z]).expect("proves");
    let bytes = proof.to_bytes();

    // Same table shapes, different circuit (one more constant multiplication).
    let mut b = CircuitBuilder::new();
    let x2 = b.public_input();
    let y2 = b.public_input();
    let a2 = b.private_input();
    let z2 = b.private_input();
    let sum = b.mul_add(a2, a2, x2);
    b.connect(sum, y2);
    let q = b.div(a2, x2);
    let one = b.one();
    let q = b.mul(q, one);
    b.connect(q, z2);
    let other = CircuitKey::new(b.build());
    assert_eq!(other.log_heights(), key.log_heights());
    assert!(other.verify(&proof, &[x, y]).is_err());

    // Every byte flip in a sample of positions breaks the proof or its encoding.
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..24 {
        let mut tampered = bytes.clone();
        let at = rng.random_range(0..tampered.len());
        tampered[at] ^= 1 << rng.random_range(0..8);
        let rejected = match aggregation_circuit::CircuitProof::from_bytes(&tampered) {
            Ok(p) => key.verify(&p, &[x, y]).is_err(),
            Err(_) => true,
        };
        assert!(rejected, "flipping byte {at} went unnoticed");
    }
    let decoded = aggregation_circuit::CircuitProof::from_bytes(&bytes).expect("decodes");
    key.verify(&decoded, &[x, y]).expect("round trip verifies");
}

fn digest_inputs(b: &mut CircuitBuilder, n: usize) -> Vec<Wire> {
    (0..n).map(|_| b.private_input()).collect()
}

#[test]
fn the_commitment_hashes_match_plonky3() {
    let perm = default_koalabear_poseidon2_24();
    let native_sponge = PaddingFreeSponge::<_, 24, 12, 12>::new(perm.clone());
    let native_compress = TruncatedPermutation::<_, 2, 12, 24>::new(perm);
    let mut rng = StdRng::seed_from_u64(1);
    for len in [0, 1, 11, 12, 13, 24, 30] {
        let input: Vec<Val> = (0..len).map(|_| rng.random()).collect();
        let mut b = CircuitBuilder::new();
        let wires = digest_inputs(&mut b, len);
        let out = sponge(&mut b, &wires);
        let circuit = b.build();
        let private: Vec<Ext> = input.iter().copied().map(base).collect();
        let witness = circuit.run(&[], &private).expect("runs");
        let expected = native_sponge.hash_iter(input.iter().copied());
        let got: Vec<Ext> = out.iter().map(|&w| witness.value(w)).collect();
        assert_eq!(got, expected.map(base).to_vec(), "sponge of {len} elements");
    }

    let left: [Val; 12] = rng.random();
    let right: [Val; 12] = rng.random();
    let mut b = CircuitBuilder::new();
    let l: DigestWires = core::array::from_fn(|_| b.private_input());
    let r: DigestWires = core::array::from_fn(|_| b.private_input());
    let out = compress(&mut b, &l, &r);
    let circuit = b.build();
    let private: Vec<Ext> = left.iter().chain(&right).copied().map(base).collect();
    let witness = circuit.run(&[], &private).expect("runs");
    let expected = native_compress.compress([left, right]);
    let got: Vec<Ext> = out.iter().map(|&w| witness.value(w)).collect();
    assert_eq!(got, expected.map(base).to_vec());
}

#[test]
fn a_permutation_is_proven_and_a_wrong_output_is_refused() {
    let mut rng = StdRng::seed_from_u64(2);
    let input: [Val; 24] = rng.random();
    let mut expected = input;
    permute(&mut expected);

    let mut b = CircuitBuilder::new();
    let lanes: [Wire; 24] = core::array::from_fn(|_| b.private_input());
    let out = b.permute(lanes);
    // The rate: output lanes 12‥23 only feed a next permutation's capacity.
    let public: Vec<Wire> = (0..12).map(|_| b.public_input()).collect();
    for (o, p) in out.iter().zip(&public) {
        b.connect(*o, *p);
    }
    let key = CircuitKey::new(b.build());
    let private: Vec<Ext> = input.iter().copied().map(base).collect();
    let expected = &expected[..12];
    let proof = key.prove(expected, &private).expect("proves");
    key.verify(&proof, expected).expect("verifies");

    let mut wrong = expected.to_vec();
    wrong[5] += Val::ONE;
    assert!(key.prove(&wrong, &private).is_err());
    assert!(key.verify(&proof, &wrong).is_err());

    // A permutation lane must be a base element.
    let mut not_base = private.clone();
    not_base[0] = ext([1, 2, 0, 0, 0]);
    let err = key
        .prove(expected, &not_base)
        .expect_err("must be rejected");
    assert!(err.to_string().contains("base-field"), "{err}");
}

/// A `MerkleTreeMmcs` opening, verified natively and in-circuit.
struct Opening {
    row: Vec<Val>,
    siblings: Vec<[Val; 12]>,
    index: usize,
    cap: Vec<[Val; 12]>,
}

const LOG_ROWS: usize = 6;
const ROW_WIDTH: usize = 20;
const CAP_HEIGHT: usize = 2;

fn opening(seed: u64, index: usize) -> Opening {
    let mut rng = StdRng::seed_from_u64(seed);
    let values: Vec<Val> = (0..ROW_WIDTH << LOG_ROWS).map(|_| rng.random()).collect();
    let mmcs = val_mmcs(CAP_HEIGHT);
    let (cap, data) = mmcs.commit_matrix(RowMajorMatrix::new(values, ROW_WIDTH));
    let batch = mmcs.open_batch(index, &data);
    let dims = [Dimensions {
        width: ROW_WIDTH,
        height: 1 << LOG_ROWS,
    }];
    mmcs.verify_batch(&cap, &dims, index, (&batch).into())
        .expect("the native opening verifies");
    Opening {
        row: batch.opened_values[0].clone(),
        siblings: batch.opening_proof.clone(),
        index,
        cap: cap.roots().to_vec(),
    }
}

/// Private: the leaf's `leaf_len` values, the siblings up to the cap and the index; public:
/// the cap.
fn merkle_circuit(leaf_len: usize) -> Circuit {
    let depth = LOG_ROWS - CAP_HEIGHT;
    let mut b = CircuitBuilder::new();
    let row = digest_inputs(&mut b, leaf_len);
    let siblings: Vec<DigestWires> = (0..depth)
        .map(|_| core::array::from_fn(|_| b.private_input()))
        .collect();
    let index = b.private_input();
    let cap: Vec<DigestWires> = (0..1 << CAP_HEIGHT)
        .map(|_| core::array::from_fn(|_| b.public_input()))
        .collect();
    let (bits, high) = b.split_low_bits(index, LOG_ROWS);
    b.assert_zero(high);
    let leaf = sponge(&mut b, &row);
    let entry = b.bit_sum(&bits[depth..]);
    verify_path(&mut b, leaf, &bits[..depth], &siblings, &[], &cap, entry);
    b.build()
}

fn merkle_inputs(o: &Opening) -> (Vec<Val>, Vec<Ext>) {
    let public: Vec<Val> = o.cap.iter().flatten().copied().collect();
    let mut private: Vec<Ext> = o.row.iter().copied().map(base).collect();
    private.extend(o.siblings.iter().flatten().copied().map(base));
    private.push(base(Val::from_usize(o.index)));
    (public, private)
}

#[test]
fn a_merkle_opening_is_verified_in_circuit() {
    let circuit = merkle_circuit(ROW_WIDTH);
    // Every index runs, including both halves of the cap.
    for index in [0, 1, 17, 35, 63] {
        let o = opening(3, index);
        let (public, private) = merkle_inputs(&o);
        circuit
            .run(&public, &private)
            .expect("a valid opening runs");
    }

    let o = opening(4, 42);
    let (public, private) = merkle_inputs(&o);
    let key = CircuitKey::new(circuit.clone());
    let proof = key.prove(&public, &private).expect("proves");
    key.verify(&proof, &public).expect("verifies");

    // Tampering with any part of the opening is refused.
    let row_at = 3;
    let sibling_at = ROW_WIDTH + 12 + 5;
    let top_sibling_at = ROW_WIDTH + 12 * (LOG_ROWS - CAP_HEIGHT - 1) + 3;
    let index_at = private.len() - 1;
    for at in [row_at, sibling_at, top_sibling_at, index_at] {
        let mut bad = private.clone();
        bad[at] += Ext::ONE;
        assert!(
            circuit.run(&public, &bad).is_err(),
            "tampered private input {at}"
        );
    }
    // An index beyond the tree is refused (its high part is not zero).
    let mut bad = private.clone();
    bad[index_at] = base(Val::from_usize(42 + (1 << LOG_ROWS)));
    assert!(circuit.run(&public, &bad).is_err());
    // A different cap entry on the path is refused, and the proof does not verify against it
    // (index 42 reaches entry 42 >> 4 = 2); another entry changed does not matter.
    let mut other_cap = public.clone();
    other_cap[2 * 12 + 7] += Val::ONE;
    assert!(circuit.run(&other_cap, &private).is_err());
    assert!(key.verify(&proof, &other_cap).is_err());
    let mut unrelated = public.clone();
    unrelated[3 * 12 + 7] += Val::ONE;
    circuit
        .run(&unrelated, &private)
        .expect("entry 3 is not on the path");
    // The path's node against the entry beside its own: index 42 with its top bits of 3.
    let mut moved = private.clone();
    moved[index_at] = base(Val::from_usize(42 + 16));
    assert!(circuit.run(&public, &moved).is_err());
}

/// Permutation outputs nothing reads, and private inputs used only as one permutation lane, get
/// no witness row; what is read stays bound.
#[test]
fn unread_outputs_and_free_lanes_have_no_witness_row() {
    let mut b = CircuitBuilder::new();
    let lanes: [Wire; 24] = core::array::from_fn(|_| b.private_input());
    let out = b.permute(lanes);
    let first = b.public_input();
    b.connect(out[0], first);
    // Lane 3 is also used by an ALU row, so it keeps its row.
    let doubled = b.add(lanes[3], lanes[3]);
    let circuit = b.build();
    // The generator `X` (every circuit's wire 0), the read output lane, lane 3, and the ALU
    // row's constant one and result.
    assert_eq!(circuit.num_wires(), 5);
    assert!(!circuit.is_live(circuit.slot(out[1])));
    assert!(!circuit.is_live(circuit.slot(lanes[0])));
    assert!(circuit.is_live(circuit.slot(lanes[3])));
    assert!(circuit.is_live(circuit.slot(doubled)));

    let input: [Val; 24] = core::array::from_fn(|i| Val::from_usize(i + 1));
    let mut expected = input;
    permute(&mut expected);
    let key = CircuitKey::new(circuit);
    let private: Vec<Ext> = input.iter().copied().map(base).collect();
    let proof = key.prove(&[expected[0]], &private).expect("proves");
    key.verify(&proof, &[expected[0]]).expect("verifies");
    assert!(key.verify(&proof, &[expected[1]]).is_err());
    // An unread lane's value is still computed for the caller.
    let witness = key.circuit().run(&[expected[0]], &private).expect("runs");
    assert_eq!(witness.value(out[1]), base(expected[1]));
}

/// `Σ αʲ vⱼ` over 21 base values (several Horner rows, the first padded at the front) and over
/// their first three (one row) equal the native sums and prove; a wrong claimed sum, or a
/// value outside the base field, is refused.
#[test]
fn a_power_sum_is_proven_and_wrong_values_are_refused() {
    const N: usize = 21;
    let mut b = CircuitBuilder::new();
    let alpha = b.private_input();
    let values: Vec<Wire> = (0..N).map(|_| b.private_input()).collect();
    let claimed = b.private_input();
    let claimed_head = b.private_input();
    let sum = b.power_sum(alpha, &values);
    b.connect(sum, claimed);
    let head = b.power_sum(alpha, &values[..3]);
    b.connect(head, claimed_head);
    let circuit = b.build();
    assert_eq!(circuit.horner_ops().count(), N.div_ceil(HORNER_STEPS) + 1);

    let alpha = ext([2, 7, 1, 8, 2]);
    let values: Vec<Val> = (0..N).map(|j| Val::from_usize(1000 + 37 * j)).collect();
    let native = |values: &[Val]| {
        let mut power = Ext::ONE;
        let mut sum = Ext::ZERO;
        for v in values {
            sum += power * *v;
            power *= alpha;
        }
        sum
    };
    let inputs = |lanes: &[Ext], claimed: Ext| {
        let mut private = vec![alpha];
        private.extend_from_slice(lanes);
        private.extend([claimed, native(&values[..3])]);
        private
    };
    let as_ext: Vec<Ext> = values.iter().map(|v| base(*v)).collect();
    let honest = inputs(&as_ext, native(&values));
    let key = CircuitKey::new(circuit.clone());
    let proof = key.prove(&[], &honest).expect("the honest sums prove");
    key.verify(&proof, &[]).expect("and verify");

    let wrong = inputs(&as_ext, native(&values) + Ext::ONE);
    let err = circuit
        .run(&[], &wrong)
        .expect_err("a wrong sum is refused");
    assert!(matches!(err, RunError::Unsatisfied { .. }), "{err}");

    let mut lifted = as_ext.clone();
    lifted[5] = ext([1, 1, 0, 0, 0]);
    let err = circuit
        .run(&[], &inputs(&lifted, native(&values)))
        .expect_err("an extension value is refused");
    assert!(matches!(err, RunError::NotBase { .. }), "{err}");
}

/// The same operation on the same wires is one row: `a · b + c` asked twice (operands in either
/// order); a different operation on them is another row.
#[test]
fn repeated_operations_share_a_row() {
    let mut b = CircuitBuilder::new();
    let (x, y, z) = (b.private_input(), b.private_input(), b.private_input());
    let first = b.mul_add(x, y, z);
    let again = b.mul_add(y, x, z);
    assert_eq!(first, again);
    let difference = b.sub(x, y);
    assert_ne!(difference, b.sub(y, x));
    assert_eq!(b.div(x, y), b.div(x, y));
    assert_ne!(b.div(x, y), b.div(y, x));
    let circuit = b.build();
    // mul_add once, two subtractions, two divisions.
    assert_eq!(circuit.alu_ops().count(), 5);
    let values = [3u32, 5, 7].map(|v| base(Val::from_u32(v)));
    let witness = circuit.run(&[], &values).expect("runs");
    assert_eq!(witness.value(first), base(Val::from_u32(3 * 5 + 7)));
}

/// A Merkle step's exchange bit must be 0 or 1, and the step equals compressing the halves in
/// the bit's order. The sibling is free witness, used by nothing else, as in a Merkle proof.
#[test]
fn an_exchange_bit_must_be_a_bit() {
    let values: Vec<Val> = (0..36).map(|i| Val::from_usize(i + 1)).collect();
    let compress_native = |a: &[Val], b: &[Val]| {
        let mut state: [Val; 24] = core::array::from_fn(|i| if i < 12 { a[i] } else { b[i - 12] });
        permute(&mut state);
        state
    };
    // The node follows a permutation: one exchanged row.
    let mut b = CircuitBuilder::new();
    let lanes: [Wire; 24] = core::array::from_fn(|_| b.private_input());
    let out = b.permute(lanes);
    let mut state: [Val; 24] = core::array::from_fn(|i| values[i]);
    permute(&mut state);
    let (left, left_values): (DigestWires, Vec<Val>) =
        (core::array::from_fn(|i| out[i]), state[..12].to_vec());
    let right: DigestWires = core::array::from_fn(|_| b.private_input());
    let bit = b.private_input();
    let swapped = aggregation_circuit::gadgets::hash::compress_swapped(&mut b, &left, &right, bit);
    let circuit = b.build();
    let right_values = &values[24..];
    let mut private: Vec<Ext> = values.iter().copied().map(base).collect();
    for value in [0, 1] {
        private.truncate(36);
        private.push(base(Val::from_u32(value)));
        let witness = circuit.run(&[], &private).expect("a bit runs");
        let expected = if value == 1 {
            compress_native(right_values, &left_values)
        } else {
            compress_native(&left_values, right_values)
        };
        assert_eq!(witness.value(swapped[0]), base(expected[0]), "bit {value}");
    }
    private[36] = base(Val::TWO);
    let err = circuit.run(&[], &private).expect_err("bit 2 is refused");
    assert!(matches!(err, RunError::NotBoolean { .. }), "{err}");
}

/// An exchanged compression takes its node from the permutation just before: one read from the
/// witness is refused when the circuit is written.
#[test]
#[should_panic(expected = "an exchanged compression's node must be the previous permutation's")]
fn an_exchanged_node_must_follow_its_permutation() {
    let mut b = CircuitBuilder::new();
    let node: DigestWires = core::array::from_fn(|_| b.private_input());
    let sibling: DigestWires = core::array::from_fn(|_| b.private_input());
    let bit = b.private_input();
    aggregation_circuit::gadgets::hash::compress_swapped(&mut b, &node, &sibling, bit);
}

/// The protocol's sponge and an aggregation node's digest, in-circuit, equal their native
/// counterparts.
#[test]
fn the_protocol_hashes_match_hegemon_crypto() {
    use aggregation_circuit::gadgets::hash::hash_elements;
    use hegemon_crypto::poseidon2 as native;

    let mut rng = StdRng::seed_from_u64(31);
    for len in [0, 5, 12, 13, 40] {
        let input: Vec<Val> = (0..len).map(|_| rng.random()).collect();
        let mut b = CircuitBuilder::new();
        let wires = digest_inputs(&mut b, len);
        let out = hash_elements(&mut b, 11, &wires);
        let private: Vec<Ext> = input.iter().copied().map(base).collect();
        let w = b.build().run(&[], &private).expect("runs");
        let expected = native::hash_elements(11, &input);
        let got: Vec<Ext> = out.iter().map(|&x| w.value(x)).collect();
        assert_eq!(got, expected.elements().map(base).to_vec(), "length {len}");
    }
    let left = native::hash_elements(1, &[Val::ONE]);
    let right = native::hash_elements(2, &[Val::TWO]);
    let mut b = CircuitBuilder::new();
    let l: DigestWires = core::array::from_fn(|_| b.private_input());
    let r: DigestWires = core::array::from_fn(|_| b.private_input());
    let out = hash_elements(
        &mut b,
        hegemon_crypto::spec::domain::AGGREGATION_NODE,
        &[l, r].concat(),
    );
    let private: Vec<Ext> = left
        .elements()
        .iter()
        .chain(right.elements())
        .copied()
        .map(base)
        .collect();
    let w = b.build().run(&[], &private).expect("runs");
    let expected = aggregation_circuit::aggregate::node_digest(&left, &right);
    let got: Vec<Ext> = out.iter().map(|&x| w.value(x)).collect();
    assert_eq!(got, expected.elements().map(base).to_vec());
}

/// The hiding commitments of transaction proofs (`MerkleTreeHidingMmcs`): a leaf hashes each
/// matrix's row followed by its four salts, `row₁ ‖ salt₁ ‖ row₂ ‖ salt₂`. The in-circuit path
/// check accepts such an opening and refuses a changed salt.
#[test]
fn a_salted_opening_is_verified_in_circuit() {
    use p3_merkle_tree::MerkleTreeHidingMmcs;
    use transaction_circuit::config::Perm;

    type Hiding = MerkleTreeHidingMmcs<
        <Val as p3_field::Field>::Packing,
        <Val as p3_field::Field>::Packing,
        PaddingFreeSponge<Perm, 24, 12, 12>,
        TruncatedPermutation<Perm, 2, 12, 24>,
        StdRng,
        2,
        12,
        4,
    >;
    let perm = default_koalabear_poseidon2_24();
    let mmcs = Hiding::new(
        PaddingFreeSponge::new(perm.clone()),
        TruncatedPermutation::new(perm),
        CAP_HEIGHT,
        StdRng::seed_from_u64(41),
    );
    let mut rng = StdRng::seed_from_u64(42);
    let widths = [7, 5];
    let matrices: Vec<RowMajorMatrix<Val>> = widths
        .iter()
        .map(|&w| RowMajorMatrix::new((0..w << LOG_ROWS).map(|_| rng.random()).collect(), w))
        .collect();
    let dims: Vec<Dimensions> = widths
        .iter()
        .map(|&width| Dimensions {
            width,
            height: 1 << LOG_ROWS,
        })
        .collect();
    let (cap, data) = mmcs.commit(matrices);
    let index = 27;
    let batch = mmcs.open_batch(index, &data);
    mmcs.verify_batch(&cap, &dims, index, (&batch).into())
        .expect("the native opening verifies");
    let (salts, siblings) = &batch.opening_proof;

    let circuit = merkle_circuit(widths.iter().map(|w| w + 4).sum());

    let mut private: Vec<Ext> = Vec::new();
    for (row, salt) in batch.opened_values.iter().zip(salts) {
        private.extend(row.iter().chain(salt).copied().map(base));
    }
    private.extend(siblings.iter().flatten().copied().map(base));
    private.push(base(Val::from_usize(index)));
    let public: Vec<Val> = cap.roots().iter().flatten().copied().collect();
    circuit
        .run(&public, &private)
        .expect("the salted opening passes");
    let salt_at = widths[0];
    let mut bad = private.clone();
    bad[salt_at] += Ext::ONE;
    assert!(circuit.run(&public, &bad).is_err(), "a changed salt passed");
}

/// The Poseidon2 table reads no lane of an exchanged row: a sibling used elsewhere too would
/// need one, so building refuses the circuit.
#[test]
#[should_panic(expected = "an exchanged permutation reads input lanes")]
fn an_exchanged_row_cannot_read_its_sibling() {
    let mut b = CircuitBuilder::new();
    let lanes: [Wire; 24] = core::array::from_fn(|_| b.private_input());
    let out = b.permute(lanes);
    let node: DigestWires = core::array::from_fn(|i| out[i]);
    let sibling: DigestWires = core::array::from_fn(|_| b.private_input());
    let bit = b.private_input();
    aggregation_circuit::gadgets::hash::compress_swapped(&mut b, &node, &sibling, bit);
    // The sibling's first lane also feeds an ALU row.
    b.add(sibling[0], sibling[0]);
    b.build();
}

/// Input lanes 12‥23 are never read: a permutation whose capacity holds a wire that something
/// else also uses (not a constant, not the previous permutation's output) is refused when
/// building.
#[test]
#[should_panic(expected = "a permutation reads input lanes 12‥23")]
fn a_capacity_input_lane_cannot_be_read() {
    let mut b = CircuitBuilder::new();
    let x = b.private_input();
    b.permute([x; 24]);
    b.build();
}

/// Output lanes 12‥23 only carry a capacity into the next permutation: reading one elsewhere
/// is refused when building.
#[test]
#[should_panic(expected = "output lanes 12‥23 are read")]
fn a_capacity_output_lane_cannot_be_read() {
    let mut b = CircuitBuilder::new();
    let lanes: [Wire; 24] = core::array::from_fn(|_| b.private_input());
    let out = b.permute(lanes);
    let public = b.public_input();
    b.connect(out[20], public);
    b.build();
}

/// A cap row reads its cap at computed slots, so the cap's digests must stay consecutive
/// slots: building refuses a circuit that connects one of them to another wire.
#[test]
#[should_panic(expected = "a Merkle cap's digests were connected")]
fn a_cap_connected_to_other_wires_is_refused() {
    cap_circuit(|b, x, cap| b.connect(cap[1][3], x));
}

/// A private `x`, a cap of two digests and an entry index (private inputs in that order), and
/// the permutation of 24 lanes of `x` checked against the entry; `tamper` runs before the
/// permutation.
fn cap_circuit(tamper: impl FnOnce(&mut CircuitBuilder, Wire, &[DigestWires])) -> Circuit {
    let mut b = CircuitBuilder::new();
    let x = b.private_input();
    let cap: Vec<DigestWires> = (0..2)
        .map(|_| core::array::from_fn(|_| b.private_input()))
        .collect();
    let entry = b.private_input();
    tamper(&mut b, x, &cap);
    let zero = b.zero();
    let lanes = core::array::from_fn(|k| if k < 12 { x } else { zero });
    b.permute_into_cap(lanes, None, &cap, entry);
    b.build()
}

/// A cap row whose index names no entry of its cap does not run; the entry it names does.
#[test]
fn a_cap_index_beyond_the_cap_does_not_run() {
    let circuit = cap_circuit(|_, _, _| {});
    let mut state: [Val; 24] = core::array::from_fn(|k| Val::from_bool(k < 12));
    permute(&mut state);
    let mut private = vec![base(Val::ONE)];
    private.extend([base(Val::ZERO); 12]);
    private.extend(state[..12].iter().copied().map(base));
    for (index, runs) in [(1, true), (0, false), (2, false)] {
        let mut inputs = private.clone();
        inputs.push(base(Val::from_u32(index)));
        let outcome = circuit.run(&[], &inputs);
        assert_eq!(outcome.is_ok(), runs, "entry {index}");
        if index == 2 {
            assert!(matches!(outcome, Err(RunError::CapIndex { .. })));
        }
    }
}

/// A circuit whose twelve public inputs are a permutation's output lanes 0‥11 binds them on
/// that Poseidon2 row: it has no public table, and its proof verifies only against them.
#[test]
fn public_inputs_computed_by_a_permutation_are_bound_on_its_row() {
    use aggregation_circuit::fixtures::permutation_digest_circuit;
    use aggregation_circuit::tables::Table;

    let (circuit, public, private) = permutation_digest_circuit();
    assert_eq!(circuit.public_permutation(), Some(0));
    let key = CircuitKey::new(circuit);
    assert!(!key.tables().iter().any(|t| matches!(t, Table::Public(_))));
    let proof = key.prove(&public, &private).expect("proves");
    key.verify(&proof, &public).expect("verifies");
    for lane in [0, 7, 11] {
        let mut other = public.clone();
        other[lane] += Val::ONE;
        assert!(key.verify(&proof, &other).is_err(), "lane {lane}");
    }
}
