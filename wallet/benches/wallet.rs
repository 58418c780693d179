//! Wallet benchmarks, one JSON line: sync throughput (notes scanned per second: trial decryption
//! of every ciphertext, the tree and owned witnesses kept up to date) and the time to prove one
//! transfer (two spends, two encrypted outputs), the local cost of `send`.
//!
//! `cargo bench --workspace --bench wallet --profile dev [-- --notes N]`

use std::time::Instant;

use hegemon_crypto::{Address, AssetId, Memo, Note, NoteValue, Rseed, SpendingKeys, encrypt_note};
use hegemon_merkle::NoteFrontier;
use hegemon_wallet::{
    node::BlockNotes,
    scan::{LiveTree, Scanner},
    send::{Spend, TransferPlan, prove_transfer},
    state::StoredWitness,
};

/// Notes per synthetic block (a full `hegemon_blockNotes` page holds 2,048).
const BLOCK_NOTES: usize = 256;

fn note_to(address: &Address, value: u64, seed: u64) -> (String, String) {
    let mut rseed = [0u8; 32];
    rseed[..8].copy_from_slice(&seed.to_le_bytes());
    let note = Note {
        value: NoteValue::from_u64(value),
        asset_id: AssetId::NATIVE,
        recipient: address.recipient(),
        rseed: Rseed::from_bytes(rseed),
    };
    let mut kem = [1u8; 32];
    kem[..8].copy_from_slice(&seed.to_le_bytes());
    let ciphertext = encrypt_note(&note, &Memo::empty(), address, kem).expect("encrypts");
    (
        format!("0x{}", hex::encode(note.commitment().to_bytes())),
        format!("0x{}", hex::encode(ciphertext.as_bytes())),
    )
}

fn main() {
    let mut notes = 20_480usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--notes" {
            notes = args.next().and_then(|v| v.parse().ok()).expect("--notes N");
        }
    }
    let keys = SpendingKeys::from_seed(&[7; 64]);
    let mine = keys.full_viewing_key().incoming().address(0);
    let stranger = SpendingKeys::from_seed(&[8; 64])
        .full_viewing_key()
        .incoming()
        .address(0);

    // Blocks of foreign notes; the first block also pays this wallet twice.
    let blocks: Vec<BlockNotes> = (0..notes.div_ceil(BLOCK_NOTES))
        .map(|b| {
            let (commitments, ciphertexts) = (0..BLOCK_NOTES)
                .map(|i| {
                    let seed = (b * BLOCK_NOTES + i) as u64;
                    let to = if b == 0 && i < 2 { &mine } else { &stranger };
                    note_to(to, 1_000_000, seed)
                })
                .unzip();
            BlockNotes {
                number: b as u32 + 1,
                hash: String::new(),
                first_position: (b * BLOCK_NOTES) as u64,
                commitments,
                ciphertexts,
                da_commitment: String::new(),
                nullifiers: Vec::new(),
            }
        })
        .collect();
    let scanned = blocks.len() * BLOCK_NOTES;

    let scanner = Scanner::new(keys.full_viewing_key(), 1);
    let mut tree = LiveTree {
        frontier: NoteFrontier::new(),
        notes: Vec::new(),
    };
    let start = Instant::now();
    let found: usize = blocks
        .iter()
        .map(|block| scanner.apply(&mut tree, block).expect("consistent"))
        .sum();
    let scan = start.elapsed();
    assert_eq!(found, 2);

    // Send: the two owned notes, witnessed at the tree's current root.
    let owned: Vec<_> = tree
        .notes
        .iter()
        .map(|(note, live)| {
            let mut note = note.clone();
            note.witness = StoredWitness::from_live(live);
            note
        })
        .collect();
    let plan = TransferPlan {
        spends: [Spend::Note(&owned[0]), Spend::Note(&owned[1])],
        tree: &tree.frontier,
        to: &stranger,
        amount: 600_000,
        fee: 1_000,
        change_to: &mine,
        chain_binding: hegemon_crypto::spec::chain_binding(b"hegemon-bench"),
    };
    let mut proving: Vec<f64> = (0..3)
        .map(|_| {
            let start = Instant::now();
            let proven = prove_transfer(&keys, &plan).expect("proves");
            assert!(!proven.proof.is_empty());
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    proving.sort_by(f64::total_cmp);

    println!(
        "{{\"bench\":\"hegemon-wallet\",\"threads\":{},\"notes_scanned\":{scanned},\
         \"scan_seconds\":{:.3},\"notes_per_second\":{:.0},\"send_prove_ms_median\":{:.1}}}",
        rayon_threads(),
        scan.as_secs_f64(),
        scanned as f64 / scan.as_secs_f64(),
        proving[1]
    );
}

/// Threads the prover may use (Plonky3 parallelises with rayon).
fn rayon_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
