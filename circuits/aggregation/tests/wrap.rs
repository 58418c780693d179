//! The wrap (`aggregation_circuit::wrap`) and wrapped blocks: one proof in the wrap setting over
//! a tree's root, attacked from both sides. A wrap over a bad root cannot be produced, and a
//! wrap proof binds its transfers, its bytes, its circuit and its form.

use aggregation_circuit::block::{
    BlockProofError, ProofForm, WRAP_MIN_TRANSFERS, prove_block, prove_block_as, verify_block,
    verify_block_as,
};
use aggregation_circuit::config::{AGGREGATION, WRAP};
use aggregation_circuit::tree::{TreeKeys, root_digest};
use aggregation_circuit::wrap::{WrapError, WrapKey};
use aggregation_circuit::{CircuitProof, ProveError, VerifyError};
use transaction_circuit::testing::two_transfer_witnesses;

#[test]
fn a_wrapped_block_binds_its_transfers_and_nothing_else() {
    let transfers: Vec<_> = two_transfer_witnesses()
        .iter()
        .map(|w| transaction_circuit::prove(w).expect("the transfer proves"))
        .collect();
    let bytes = |i: usize| transfers[i].0.to_bytes().to_vec();
    assert_eq!(
        ProofForm::for_count(WRAP_MIN_TRANSFERS - 1),
        ProofForm::Root
    );
    assert_eq!(ProofForm::for_count(WRAP_MIN_TRANSFERS), ProofForm::Wrapped);

    // The smallest root, a one-transfer leaf, keeps the wrap's extension small for a test.
    let wrapped = prove_block_as(ProofForm::Wrapped, &transfers[..1], |_, _, _| {})
        .expect("the wrapped block proves");
    verify_block_as(ProofForm::Wrapped, &bytes(0), &wrapped).expect("the wrapped block verifies");
    // The count fixes the form: one transfer expects a root proof.
    assert!(matches!(
        verify_block(&bytes(0), &wrapped),
        Err(BlockProofError::Verify(_))
    ));
    let root_form = prove_block(&transfers[..1], |_, _, _| {}).expect("the block proves");
    assert!(matches!(
        verify_block_as(ProofForm::Wrapped, &bytes(0), &root_form),
        Err(BlockProofError::Verify(_))
    ));
    // Another transfer, both, flipped bytes, trailing bytes: refused.
    for listed in [bytes(1), [bytes(0), bytes(1)].concat()] {
        assert!(matches!(
            verify_block_as(ProofForm::Wrapped, &listed, &wrapped),
            Err(BlockProofError::Verify(_))
        ));
    }
    for at in [wrapped.len() / 4, wrapped.len() / 2, wrapped.len() - 1] {
        let mut flipped = wrapped.clone();
        flipped[at] ^= 1;
        assert!(
            verify_block_as(ProofForm::Wrapped, &bytes(0), &flipped).is_err(),
            "flip at {at}"
        );
    }
    let mut longer = wrapped.clone();
    longer.push(0);
    assert!(matches!(
        verify_block_as(ProofForm::Wrapped, &bytes(0), &longer),
        Err(BlockProofError::Malformed)
    ));

    // The wrap key itself, verification-only (what an importer keeps).
    let keys = TreeKeys::new(0);
    let (root, digest) = keys
        .prove(&transfers[..1], |_, _, _| {})
        .expect("the root proves");
    let other_digest = root_digest(&[transfers[1].0.clone()], 0);
    let wrap = WrapKey::new(keys.root_key()).into_verifier();
    assert_eq!(wrap.key().setting(), WRAP);
    assert!(wrap.key().security().conjectured_bits >= 128.0);
    let decoded = CircuitProof::from_bytes(&wrapped).expect("decodes");
    wrap.verify(&decoded, &digest).expect("verifies");
    assert!(matches!(
        wrap.verify(&decoded, &other_digest),
        Err(VerifyError::Invalid(_))
    ));
    assert!(wrap.verify(&root, &digest).is_err());
    assert!(keys.root_key().verify(&decoded, digest.elements()).is_err());

    // A root proof tampered in one value, or claimed with another digest, is refused before
    // any proving (its layout or the wrap circuit's run fails); an honest one gets as far as
    // the proving data this verification-only key lacks.
    let refused = |result: Result<CircuitProof, WrapError>| {
        matches!(
            result,
            Err(WrapError::Root(_) | WrapError::Prove(ProveError::Unsatisfied(_)))
        )
    };
    let mut tampered = root.to_bytes();
    let at = tampered.len() / 2;
    tampered[at] ^= 1;
    if let Ok(tampered) = CircuitProof::from_bytes(&tampered) {
        assert!(refused(wrap.prove(keys.root_key(), &tampered, &digest)));
    }
    assert!(refused(wrap.prove(keys.root_key(), &root, &other_digest)));
    assert!(matches!(
        wrap.prove(keys.root_key(), &root, &digest),
        Err(WrapError::Prove(ProveError::VerifierOnly))
    ));

    // In-circuit verifiers replay the aggregation setting only: a wrap of a wrap is refused
    // when its circuit is built.
    assert_eq!(keys.root_key().setting(), AGGREGATION);
    let nested = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        WrapKey::new(wrap.key());
    }));
    assert!(
        nested.is_err(),
        "a wrap over a wrap-setting proof was built"
    );
}
