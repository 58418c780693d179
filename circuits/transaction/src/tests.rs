//! Soundness from the attacker's side.
//!
//! - Constraint level: traces built from tampered witnesses (skipping the prover's native checks,
//!   as an attacker would) must violate at least one constraint.
//! - Proof level: an honest proof must fail verification under every tampered public input and
//!   every byte flip, and arbitrary bytes must be rejected without a panic.

use std::sync::OnceLock;
use std::vec::Vec;

use hegemon_crypto::poseidon2::{Digest, Felt};
use hegemon_crypto::{AssetId, NoteCommitment, NoteValue, Nullifier, spec};
use p3_air::check_all_constraints;
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::columns::{COL_REGISTERS, NUM_TX_COLS};
use crate::generation::generate_trace;
use crate::testing::{sparse_tree, transfer_witness, transfer_witness_with};
use crate::*;

fn violations(trace: &RowMajorMatrix<Felt>, public: &TransactionPublicInputs) -> usize {
    let report = check_all_constraints(
        &TransactionAir::new(),
        trace,
        &public.to_field_elements(),
        Some(1),
    );
    report.failures.len()
}

/// Builds the trace of `witness` but checks it against `public` (the attacker's claim).
fn forged(witness: &TransactionWitness, public: &TransactionPublicInputs) -> usize {
    let trace = generate_trace(witness, public).expect("trace");
    violations(&trace, public)
}

fn honest() -> &'static (TransactionPublicInputs, TransactionProof) {
    static PROOF: OnceLock<(TransactionPublicInputs, TransactionProof)> = OnceLock::new();
    PROOF.get_or_init(|| prove(&transfer_witness()).expect("honest witness proves"))
}

#[test]
fn honest_trace_satisfies_every_constraint() {
    let w = transfer_witness();
    let public = w.public_inputs().expect("valid");
    assert_eq!(forged(&w, &public), 0);
}

#[test]
fn honest_proof_verifies() {
    let (public, proof) = honest();
    assert_eq!(verify(public, proof), Ok(()));
}

#[test]
fn configuration_meets_128_bits() {
    let report = security_report(&TransactionAir::new());
    assert!(report.conjectured_bits >= 128, "{report:?}");
    assert!(report.proven_bits > 0);
}

/// The verifier sizes the quotient from the declared degree (see `air::VerifierView`); it must
/// equal the degree inferred from the real constraints.
#[test]
fn verifier_view_reports_the_real_degree() {
    use p3_air::{AirLayout, BaseAir, get_max_constraint_degree_extension};
    let air = TransactionAir::new();
    let layout = AirLayout::from_air::<Felt>(&air);
    let inferred = get_max_constraint_degree_extension::<Felt, Felt, _>(
        &air,
        layout,
        crate::schedule::TRACE_HEIGHT,
    );
    assert_eq!(Some(inferred), air.max_constraint_degree());
}

/// Pins the circuit's shape; a change here is a new circuit version.
#[test]
fn circuit_shape_is_pinned() {
    assert_eq!(NUM_TX_COLS, 303);
    assert_eq!(crate::public_inputs::NUM_PUBLIC_VALUES, 109);
    assert_eq!(crate::schedule::TRACE_HEIGHT, 128);
    assert_eq!(CIRCUIT_VERSION, 1);
}

// ---- Constraint level: forged witnesses -------------------------------------------------------

#[test]
fn wrong_spend_key_violates_constraints() {
    let w = transfer_witness();
    let public = w.public_inputs().expect("valid");
    let mut bad = w.clone();
    bad.spends[0].sk_spend[0] += Felt::ONE;
    assert!(forged(&bad, &public) > 0);
    assert_eq!(
        prove(&bad).map(|_| ()),
        Err(ProveError::Witness(WitnessError::WrongSpendKey {
            spend: 0
        }))
    );
}

#[test]
fn knowing_the_opening_without_the_key_is_not_enough() {
    // The sender knows every field of the note (value, rho, r, pk_auth) but not Alice's key.
    let w = transfer_witness();
    let public = w.public_inputs().expect("valid");
    let mut thief = w.clone();
    thief.spends[1].sk_spend = hegemon_crypto::SpendingKeys::from_seed(&[0xee; 64]).sk_spend();
    assert!(forged(&thief, &public) > 0);
}

#[test]
fn wrong_path_violates_constraints() {
    let w = transfer_witness();
    let public = w.public_inputs().expect("valid");
    let mut bad = w.clone();
    bad.spends[1].auth_path[17] = spec::empty_leaf();
    assert!(forged(&bad, &public) > 0);
    assert_eq!(
        prove(&bad).map(|_| ()),
        Err(ProveError::Witness(WitnessError::NotInTree { spend: 1 }))
    );
    // Same path, wrong position.
    let mut bad = w.clone();
    bad.spends[0].position ^= 1 << 9;
    assert!(forged(&bad, &public) > 0);
}

#[test]
fn dummy_spend_needs_no_membership_but_real_spend_does() {
    // A zero-value spend with a garbage path proves (dummy inputs are allowed)…
    let mut w = transfer_witness_with(AssetId::NATIVE, ValueBalance::ZERO, [700, 0], [600, 50], 50);
    w.spends[1].auth_path = [Digest::ZERO; 32];
    let public = w.public_inputs().expect("dummy spend is valid");
    assert_eq!(forged(&w, &public), 0);
    // …but the same garbage path under a non-zero note does not.
    let mut bad =
        transfer_witness_with(AssetId::NATIVE, ValueBalance::ZERO, [700, 1], [600, 51], 50);
    bad.spends[1].auth_path = [Digest::ZERO; 32];
    let claimed = TransactionPublicInputs {
        nullifiers: [bad.spends[0].nullifier(), bad.spends[1].nullifier()],
        ..public
    };
    assert!(forged(&bad, &claimed) > 0);
}

#[test]
fn imbalance_violates_constraints() {
    let w = transfer_witness();
    let public = w.public_inputs().expect("valid");
    // Bob receives one more unit than was spent.
    let mut bad = w.clone();
    bad.outputs[0].value = NoteValue::from_u64(901);
    let claimed = TransactionPublicInputs {
        commitments: [bad.outputs[0].commitment(), bad.outputs[1].commitment()],
        ..public.clone()
    };
    assert!(forged(&bad, &claimed) > 0);
    assert_eq!(
        prove(&bad).map(|_| ()),
        Err(ProveError::Witness(WitnessError::Imbalance { asset: 0 }))
    );
    // Claiming a lower fee than the notes pay.
    let lower_fee = TransactionPublicInputs { fee: 49, ..public };
    assert!(forged(&w, &lower_fee) > 0);
}

#[test]
fn limb_overflow_violates_range_checks() {
    // An attacker encodes an output value with a limb ≥ 2^16 so that field arithmetic balances
    // while the integer value is larger: edit the value register and nothing else.
    let w = transfer_witness();
    let public = w.public_inputs().expect("valid");
    let mut trace = generate_trace(&w, &public).expect("trace");
    let col = COL_REGISTERS + 12 + 12 + 2 + 2 * 4; // values[2][0]
    for row in 0..trace.height() {
        trace.values[row * NUM_TX_COLS + col] += Felt::from_u32(1 << 16);
    }
    assert!(violations(&trace, &public) > 0);
}

/// The nullifier must be computed from the same `nk`, `rho` and position the rest of the spend
/// proves: overwriting any of those registers in the nullifier rows alone breaks a constraint.
#[test]
fn nullifier_inputs_are_tied_to_the_spent_note() {
    let w = transfer_witness();
    let public = w.public_inputs().expect("valid");
    let honest = generate_trace(&w, &public).expect("trace");
    let nullifier_rows = crate::schedule::SPEND_ROWS - 3..crate::schedule::SPEND_ROWS;
    for (name, col) in [
        ("nk", COL_REGISTERS),
        ("rho", COL_REGISTERS + 12),
        ("position", COL_REGISTERS + 24),
    ] {
        let mut trace = honest.clone();
        for row in nullifier_rows.clone() {
            trace.values[row * NUM_TX_COLS + col] += Felt::ONE;
        }
        assert!(
            violations(&trace, &public) > 0,
            "{name} register is not bound"
        );
    }
}

#[test]
fn value_balance_out_of_range_is_refused() {
    let w = transfer_witness_with(
        AssetId::NATIVE,
        ValueBalance {
            asset: AssetId::NATIVE,
            amount: i128::from(u64::MAX) + 1,
        },
        [700, 300],
        [900, 50],
        50,
    );
    assert_eq!(
        prove(&w).map(|_| ()),
        Err(ProveError::Witness(WitnessError::ValueBalanceOutOfRange))
    );
}

#[test]
fn equal_nullifiers_are_refused() {
    let mut w = transfer_witness();
    w.spends[1] = w.spends[0].clone();
    w.outputs[0].value = NoteValue::from_u64(1350);
    assert_eq!(
        prove(&w).map(|_| ()),
        Err(ProveError::Witness(WitnessError::DuplicateNullifier))
    );
    let (public, proof) = honest();
    let dup = TransactionPublicInputs {
        nullifiers: [public.nullifiers[0]; 2],
        ..public.clone()
    };
    assert!(matches!(
        verify(&dup, proof),
        Err(VerifyError::BadPublicInputs { .. })
    ));
}

#[test]
fn second_asset_transfers_and_asset_mixing_is_caught() {
    // A non-native transfer: fee in native is impossible without native inputs, so fee 0.
    let token = AssetId::from_u32(77);
    let w = transfer_witness_with(token, ValueBalance::ZERO, [10, 5], [12, 3], 0);
    let public = w.public_inputs().expect("valid");
    assert_eq!(forged(&w, &public), 0);
    // Paying a native fee out of token value breaks per-asset balance.
    let bad = transfer_witness_with(token, ValueBalance::ZERO, [10, 5], [12, 2], 1);
    assert_eq!(
        bad.public_inputs().map(|_| ()),
        Err(WitnessError::Imbalance { asset: 0 })
    );
    // Three assets in one transfer.
    let mut three = w.clone();
    three.outputs[1].asset_id = AssetId::from_u32(78);
    assert_eq!(
        three.public_inputs().map(|_| ()),
        Err(WitnessError::TooManyAssets)
    );
}

#[test]
fn value_balance_shields_and_unshields() {
    // Unshield 100: spends 700 + 300 = outputs 800 + 50 + fee 50 + 100.
    let out = transfer_witness_with(
        AssetId::NATIVE,
        ValueBalance {
            asset: AssetId::NATIVE,
            amount: 100,
        },
        [700, 300],
        [800, 50],
        50,
    );
    let public = out.public_inputs().expect("valid");
    assert_eq!(forged(&out, &public), 0);
    // Shield 100 of a token: spends 10 + 5 + 100 entering = outputs 100 + 15.
    let token = AssetId::from_u32(9);
    let into = transfer_witness_with(
        token,
        ValueBalance {
            asset: token,
            amount: -100,
        },
        [10, 5],
        [100, 15],
        0,
    );
    let public = into.public_inputs().expect("valid");
    assert_eq!(forged(&into, &public), 0);
    // Flipping the sign of the balance is caught.
    let flipped = TransactionPublicInputs {
        value_balance: ValueBalance {
            asset: token,
            amount: 100,
        },
        ..public.clone()
    };
    assert!(forged(&into, &flipped) > 0);
    // Claiming the balance in another asset is caught.
    let other = TransactionPublicInputs {
        value_balance: ValueBalance {
            asset: AssetId::from_u32(10),
            amount: -100,
        },
        ..public
    };
    assert!(forged(&into, &other) > 0);
}

// ---- Proof level: tampered public inputs and bytes ---------------------------------------------

fn bump(d: &Digest) -> Digest {
    let mut e = *d.elements();
    e[3] += Felt::ONE;
    Digest::from_elements(e)
}

#[test]
fn every_public_input_is_bound() {
    let (public, proof) = honest();
    let mut tampered: Vec<(&str, TransactionPublicInputs)> = Vec::new();
    let mut t = |name, f: &dyn Fn(&mut TransactionPublicInputs)| {
        let mut p = public.clone();
        f(&mut p);
        tampered.push((name, p));
    };
    t("anchor", &|p| p.anchor = bump(&p.anchor));
    t("nullifier 0", &|p| {
        p.nullifiers[0] = Nullifier::from_digest(bump(p.nullifiers[0].digest()))
    });
    t("nullifier 1", &|p| {
        p.nullifiers[1] = Nullifier::from_digest(bump(p.nullifiers[1].digest()))
    });
    t("commitment 0", &|p| {
        p.commitments[0] = NoteCommitment::from_digest(bump(p.commitments[0].digest()))
    });
    t("commitment 1", &|p| {
        p.commitments[1] = NoteCommitment::from_digest(bump(p.commitments[1].digest()))
    });
    t("ciphertext hash 0", &|p| {
        p.ciphertext_hashes[0] = bump(&p.ciphertext_hashes[0])
    });
    t("ciphertext hash 1", &|p| {
        p.ciphertext_hashes[1] = bump(&p.ciphertext_hashes[1])
    });
    t("chain binding", &|p| {
        p.chain_binding = spec::chain_binding(b"another-chain")
    });
    t("fee", &|p| p.fee += 1);
    t("value balance", &|p| p.value_balance.amount = -1);
    t("value balance asset", &|p| {
        p.value_balance = ValueBalance {
            asset: AssetId::from_u32(3),
            amount: 0,
        }
    });
    for (name, p) in tampered {
        let result = verify(&p, proof);
        if name == "value balance asset" {
            // A zero balance is canonically native: this is the same statement.
            assert_eq!(result, Ok(()), "{name}");
        } else {
            assert!(
                matches!(result, Err(VerifyError::Rejected { .. })),
                "{name}: {result:?}"
            );
        }
    }
    let wrong_version = TransactionPublicInputs {
        circuit_version: 2,
        ..public.clone()
    };
    assert!(matches!(
        verify(&wrong_version, proof),
        Err(VerifyError::WrongCircuitVersion { .. })
    ));
}

#[test]
fn proof_byte_flips_are_rejected() {
    let (public, proof) = honest();
    let bytes = proof.as_bytes();
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..48 {
        let mut b = bytes.to_vec();
        let pos = rng.random_range(1..b.len());
        b[pos] ^= 1 << rng.random_range(0..8);
        let result = TransactionProof::from_bytes(&b).and_then(|p| verify(public, &p));
        assert!(result.is_err(), "flip at {pos} accepted");
    }
    assert!(matches!(
        TransactionProof::from_bytes(&[]),
        Err(VerifyError::Malformed { .. })
    ));
    assert!(matches!(
        TransactionProof::from_bytes(&[9, 1, 2]),
        Err(VerifyError::UnknownFormat { version: 9 })
    ));
    let huge = std::vec![1u8; crate::proof::MAX_PROOF_BYTES + 1];
    assert!(matches!(
        TransactionProof::from_bytes(&huge),
        Err(VerifyError::TooLarge { .. })
    ));
    let truncated = TransactionProof::from_bytes(&bytes[..bytes.len() / 2]).expect("prefix ok");
    assert!(matches!(
        verify(public, &truncated),
        Err(VerifyError::Malformed { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn arbitrary_bytes_never_verify_or_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let (public, _) = honest();
        let mut framed = std::vec![crate::proof::PROOF_FORMAT_VERSION];
        framed.extend_from_slice(&bytes);
        for candidate in [&bytes[..], &framed[..]] {
            let result = TransactionProof::from_bytes(candidate).and_then(|p| verify(public, &p));
            prop_assert!(result.is_err());
        }
    }
}

#[test]
fn sparse_tree_fixture_agrees_with_witness_paths() {
    let w = transfer_witness();
    for s in &w.spends {
        assert_eq!(s.root(), w.anchor);
    }
    let (root, _) = sparse_tree(&[]);
    assert_ne!(root, w.anchor);
    let _ = PrimeField32::as_canonical_u32(&Felt::ONE);
}

#[test]
fn public_input_bytes_round_trip_and_reject_garbage() {
    let (public, _) = honest();
    let bytes = public.to_bytes();
    assert_eq!(
        TransactionPublicInputs::from_bytes(&bytes).as_ref(),
        Ok(public)
    );
    assert!(matches!(
        TransactionPublicInputs::from_bytes(&bytes[1..]),
        Err(PublicInputsError::WrongLength { .. })
    ));
    let mut bad = bytes;
    bad[48 * 3..48 * 3 + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(
        TransactionPublicInputs::from_bytes(&bad),
        Err(PublicInputsError::NonCanonicalDigest { index: 3 })
    );
    let mut huge = bytes;
    huge[8 * 48 + 8..8 * 48 + 24].copy_from_slice(&i128::MAX.to_le_bytes());
    assert_eq!(
        TransactionPublicInputs::from_bytes(&huge),
        Err(PublicInputsError::ValueBalanceOutOfRange)
    );
}
