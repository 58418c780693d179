//! A real shielded transfer on the dev chain: spends two of the dev genesis notes (owned by the
//! published dev key, `hegemon_node::dev`) to a recipient, with real ML-KEM-1024 ciphertexts and
//! a real proof.

use hegemon_crypto::{
    Address, AssetId, Digest, Memo, Note, NoteValue, Rseed, SpendingKeys, encrypt_note, spec,
};
use hegemon_merkle::NoteFrontier;
use transaction_circuit::{SpendWitness, TransactionWitness, ValueBalance, prove};

use hegemon_node::dev::{self, DEV_NOTE_VALUE};

const DEV_CHAIN_ID: &[u8] = b"hegemon-dev";

/// A proven transfer: raw bytes, and what `hegemon_submitTransfer` takes.
pub struct Submission {
    pub public_inputs: String,
    pub proof: String,
    pub ciphertexts: [String; 2],
    pub nullifiers: [String; 2],
    /// `(public inputs, proof, ciphertexts)` as bytes.
    pub raw: (Vec<u8>, Vec<u8>, [Vec<u8>; 2]),
}

impl Submission {
    /// The JSON-RPC params array.
    pub fn params(&self) -> String {
        format!(
            r#"["{}","{}",["{}","{}"]]"#,
            self.public_inputs, self.proof, self.ciphertexts[0], self.ciphertexts[1]
        )
    }
}

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", ::hex::encode(bytes))
}

/// Spends dev genesis notes `spends` (positions) paying `fee`, against the genesis tree.
pub fn dev_transfer(spends: [u32; 2], fee: u64) -> Submission {
    dev_transfer_variant(spends, fee, 0)
}

/// As [`dev_transfer`]; distinct `variant`s split the outputs differently, so they give distinct
/// transfers (and proofs) spending the same notes.
pub fn dev_transfer_variant(spends: [u32; 2], fee: u64, variant: u32) -> Submission {
    let bob = SpendingKeys::from_seed(&[0xb0; 64])
        .full_viewing_key()
        .incoming()
        .address(0);
    dev_transfer_to(spends, fee, variant, &bob)
}

/// As [`dev_transfer_variant`], paying both outputs to `to`.
pub fn dev_transfer_to(spends: [u32; 2], fee: u64, variant: u32, to: &Address) -> Submission {
    let keys = dev::spending_keys();
    let notes = dev::genesis_notes();
    let mut frontier = NoteFrontier::new();
    let mut witnesses = Vec::new();
    for note in &notes {
        for w in &mut witnesses {
            hegemon_merkle::NoteWitness::append(w, *note.commitment().digest()).expect("room");
        }
        witnesses.push(
            frontier
                .append_and_witness(*note.commitment().digest())
                .expect("room"),
        );
    }
    let anchor: Digest = frontier.root();

    let total = 2 * DEV_NOTE_VALUE - fee;
    let change = 1_000 + u64::from(variant);
    let outputs = [total - change, change].map(|value| Note {
        value: NoteValue::from_u64(value),
        asset_id: AssetId::NATIVE,
        recipient: to.recipient(),
        rseed: Rseed::from_bytes(blake3::derive_key(
            "hegemon node test output",
            &[
                &spends[0].to_le_bytes()[..],
                &spends[1].to_le_bytes(),
                &value.to_le_bytes(),
            ]
            .concat(),
        )),
    });
    let ciphertexts = outputs.map(|note| {
        let randomness = blake3::derive_key("hegemon node test kem", &note.rseed.to_bytes());
        encrypt_note(&note, &Memo::empty(), to, randomness)
            .expect("encrypts")
            .as_bytes()
            .to_vec()
    });
    let spend = |position: u32| SpendWitness {
        note: notes[position as usize],
        sk_spend: keys.sk_spend(),
        address_index: 0,
        position,
        auth_path: witnesses[position as usize].path().siblings,
    };
    let witness = TransactionWitness {
        spends: spends.map(spend),
        outputs,
        anchor,
        fee,
        value_balance: ValueBalance::ZERO,
        ciphertext_hashes: [
            spec::ciphertext_hash(&ciphertexts[0]),
            spec::ciphertext_hash(&ciphertexts[1]),
        ],
        chain_binding: spec::chain_binding(DEV_CHAIN_ID),
    };
    let (public, proof) = prove(&witness).expect("proves");
    Submission {
        public_inputs: hex(&public.to_bytes()),
        proof: hex(proof.as_bytes()),
        ciphertexts: [hex(&ciphertexts[0]), hex(&ciphertexts[1])],
        nullifiers: public.nullifiers.map(|n| hex(&n.digest().to_bytes())),
        raw: (
            public.to_bytes().to_vec(),
            proof.as_bytes().to_vec(),
            ciphertexts,
        ),
    }
}
