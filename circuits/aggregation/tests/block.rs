//! M5: a block's aggregated proof, proven and verified through the byte-level block rule that
//! the runtime's host function applies; blocks of up to 8 transfers are one wide leaf.

use aggregation_circuit::ProveError;
use aggregation_circuit::block::{BlockProofError, prove_block, verify_block};
use aggregation_circuit::tree::{TreeError, TreeKeys};
use transaction_circuit::PUBLIC_INPUT_BYTES;
use transaction_circuit::testing::{native_transfer_witness, transfer_witness};

#[test]
fn a_block_proof_binds_exactly_its_listed_transfers() {
    let transfers: Vec<_> = [
        transfer_witness(),
        native_transfer_witness([700, 300], [800, 150], 50),
        native_transfer_witness([600, 300], [500, 360], 40),
    ]
    .iter()
    .map(|w| transaction_circuit::prove(w).expect("the transfer proves"))
    .collect();
    let bytes = |i: usize| transfers[i].0.to_bytes().to_vec();

    // One transfer: the root is its leaf proof (depth 0).
    let proof = prove_block(&transfers[..1], |_, _, _| {}).expect("the block proves");
    verify_block(&bytes(0), &proof).expect("the block verifies");
    // Verification-only keys (what a node that proves nothing keeps) verify it, but cannot
    // prove.
    let verifier = TreeKeys::verifier(0);
    let decoded = aggregation_circuit::CircuitProof::from_bytes(&proof).expect("decodes");
    verifier
        .verify(&decoded, &[transfers[0].0.clone()])
        .expect("verification-only keys verify");
    assert!(matches!(
        verifier.prove(&transfers[..1], |_, _, _| {}),
        Err(TreeError::Prove(ProveError::VerifierOnly))
    ));

    // Another transfer's public inputs, or both listed: refused.
    assert!(matches!(
        verify_block(&bytes(1), &proof),
        Err(BlockProofError::Verify(_))
    ));
    assert!(matches!(
        verify_block(&[bytes(0), bytes(1)].concat(), &proof),
        Err(BlockProofError::Verify(_))
    ));
    // A flipped proof byte, trailing bytes, garbage: refused with a typed error.
    for at in [proof.len() / 3, proof.len() / 2, proof.len() - 1] {
        let mut tampered = proof.clone();
        tampered[at] ^= 1;
        assert!(verify_block(&bytes(0), &tampered).is_err(), "flip at {at}");
    }
    let mut longer = proof.clone();
    longer.push(0);
    assert!(matches!(
        verify_block(&bytes(0), &longer),
        Err(BlockProofError::Malformed)
    ));
    assert!(matches!(
        verify_block(&bytes(0), &[7u8; 100]),
        Err(BlockProofError::Malformed)
    ));
    // Malformed public inputs: a partial encoding, none, a non-canonical digest.
    assert!(matches!(
        verify_block(&bytes(0)[..PUBLIC_INPUT_BYTES - 1], &proof),
        Err(BlockProofError::PublicInputs { index: 0 })
    ));
    assert!(matches!(
        verify_block(&[], &proof),
        Err(BlockProofError::Count(0))
    ));
    let mut bad = bytes(0);
    bad[..4].copy_from_slice(&[0xff; 4]);
    assert!(matches!(
        verify_block(&bad, &proof),
        Err(BlockProofError::PublicInputs { index: 0 })
    ));

    // Three transfers: one leaf over four (the last repeated), binding the listed order.
    let three = prove_block(&transfers, |_, _, _| {}).expect("the block proves");
    let listed = [bytes(0), bytes(1), bytes(2)].concat();
    verify_block(&listed, &three).expect("the block verifies");
    for wrong in [
        [bytes(1), bytes(0), bytes(2)].concat(),
        [bytes(0), bytes(2), bytes(1)].concat(),
        [bytes(0), bytes(1)].concat(),
    ] {
        assert!(verify_block(&wrong, &three).is_err());
    }
}
