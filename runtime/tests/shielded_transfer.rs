//! A shielded transfer applied through the runtime's `Executive`, as a block would apply it:
//! the proof authorizes the call (`AuthorizeCall`), the host function verifies it, and a
//! tampered proof makes the extrinsic invalid (so a block containing it is invalid).

use frame_support::traits::Hooks;
use hegemon_crypto::{AssetId, Digest, Note, NoteValue, Rseed, SpendingKeys, spec};
use hegemon_merkle::NoteFrontier;
use hegemon_runtime::{
    Executive, Header, Runtime, RuntimeCall, RuntimeGenesisConfig, UncheckedExtrinsic,
};
use pallet_shielded_pool::ShieldedTransfer;
use sp_runtime::{BuildStorage, traits::Header as _};
use transaction_circuit::{SpendWitness, TransactionWitness, ValueBalance, prove};

const CHAIN_ID: &[u8] = b"hegemon-test";

fn notes() -> (SpendingKeys, Vec<Note>) {
    let keys = SpendingKeys::from_seed(&[0x42; 64]);
    let addr = keys.full_viewing_key().incoming().address(0);
    let notes = [6_000u64, 4_000]
        .iter()
        .enumerate()
        .map(|(i, v)| Note {
            value: NoteValue::from_u64(*v),
            asset_id: AssetId::NATIVE,
            recipient: addr.recipient(),
            rseed: Rseed::from_bytes([i as u8 + 1; 32]),
        })
        .collect();
    (keys, notes)
}

fn transfer() -> ShieldedTransfer {
    let (keys, notes) = notes();
    let mut frontier = NoteFrontier::new();
    let mut w0 = frontier
        .append_and_witness(*notes[0].commitment().digest())
        .expect("room");
    let w1 = frontier
        .append_and_witness(*notes[1].commitment().digest())
        .expect("room");
    w0.append(*notes[1].commitment().digest()).expect("room");
    let bob = SpendingKeys::from_seed(&[0x43; 64])
        .full_viewing_key()
        .incoming()
        .address(0);
    let out = |v: u64, s: u8| Note {
        value: NoteValue::from_u64(v),
        asset_id: AssetId::NATIVE,
        recipient: bob.recipient(),
        rseed: Rseed::from_bytes([s; 32]),
    };
    let spend = |note: Note, position: u32, path: [Digest; 32]| SpendWitness {
        note,
        sk_spend: keys.sk_spend(),
        address_index: 0,
        position,
        auth_path: path,
    };
    let fee = pallet_fee_lanes::FeeSchedule::default()
        .quote(pallet_fee_lanes::STANDARD_TRANSFER_DA_BYTES);
    let witness = TransactionWitness {
        spends: [
            spend(notes[0], 0, w0.path().siblings),
            spend(notes[1], 1, w1.path().siblings),
        ],
        outputs: [out(10_000 - fee - 10, 9), out(10, 10)],
        anchor: frontier.root(),
        fee,
        value_balance: ValueBalance::ZERO,
        ciphertext_hashes: [spec::ciphertext_hash(b"c0"), spec::ciphertext_hash(b"c1")],
        chain_binding: spec::chain_binding(CHAIN_ID),
    };
    let (public, proof) = prove(&witness).expect("proves");
    ShieldedTransfer {
        public_inputs: public.to_bytes(),
        proof: proof.as_bytes().to_vec().try_into().expect("fits"),
    }
}

fn ext() -> sp_io::TestExternalities {
    let (_, notes) = notes();
    let mut config = RuntimeGenesisConfig::default();
    config.shielded_pool.chain_id = CHAIN_ID.to_vec();
    config.shielded_pool.commitments = notes
        .iter()
        .map(|n| n.commitment().to_bytes().to_vec())
        .collect();
    sp_io::TestExternalities::new(config.build_storage().expect("genesis"))
}

fn submit(t: ShieldedTransfer) -> UncheckedExtrinsic {
    hegemon_runtime::proof_authorized(RuntimeCall::ShieldedPool(
        pallet_shielded_pool::Call::submit_transfers {
            transfers: vec![t].try_into().expect("one fits"),
        },
    ))
}

fn start_block() {
    let header = Header::new(
        1,
        Default::default(),
        Default::default(),
        frame_system::Pallet::<Runtime>::parent_hash(),
        Default::default(),
    );
    Executive::initialize_block(&header);
}

#[test]
fn a_proof_authorized_transfer_applies_and_a_tampered_one_is_invalid() {
    let t = transfer();
    ext().execute_with(|| {
        start_block();
        let mut tampered = t.clone();
        let at = tampered.proof.len() / 3;
        tampered.proof[at] ^= 1;
        assert!(
            Executive::apply_extrinsic(submit(tampered)).is_err(),
            "invalid proof ⇒ invalid extrinsic"
        );
        let applied = Executive::apply_extrinsic(submit(t.clone())).expect("valid extrinsic");
        assert!(applied.is_ok(), "dispatch succeeded: {applied:?}");
        assert_eq!(pallet_shielded_pool::Tree::<Runtime>::get().size, 4);
        // The same transfer again is invalid: its nullifiers are spent.
        assert!(Executive::apply_extrinsic(submit(t)).is_err());
        pallet_shielded_pool::Pallet::<Runtime>::on_finalize(1);
    });
}
