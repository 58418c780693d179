//! Fixtures for tests and benches: a balanced two-wallet transfer over a small sparse tree.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use hegemon_crypto::poseidon2::Digest;
use hegemon_crypto::{AssetId, Note, NoteValue, Rseed, SpendingKeys, spec};

use crate::public_inputs::ValueBalance;
use crate::schedule::TREE_DEPTH;
use crate::witness::{SpendWitness, TransactionWitness};

/// Root and authentication paths of a depth-32 tree holding `leaves` (all other leaves empty),
/// computed naively level by level. Independent of the production tree code on purpose.
pub fn sparse_tree(leaves: &[(u32, Digest)]) -> (Digest, Vec<[Digest; TREE_DEPTH]>) {
    let mut empty = [spec::empty_leaf(); TREE_DEPTH + 1];
    for level in 0..TREE_DEPTH {
        empty[level + 1] = spec::merkle_node(level as u32, &empty[level], &empty[level]);
    }
    let mut levels: Vec<BTreeMap<u64, Digest>> =
        alloc::vec![leaves.iter().map(|&(p, d)| (u64::from(p), d)).collect()];
    for level in 0..TREE_DEPTH {
        let mut parents = BTreeMap::new();
        for &pos in levels[level].keys() {
            let parent = pos >> 1;
            let get = |p: u64| levels[level].get(&p).copied().unwrap_or(empty[level]);
            parents.insert(
                parent,
                spec::merkle_node(level as u32, &get(parent << 1), &get((parent << 1) | 1)),
            );
        }
        levels.push(parents);
    }
    let root = levels[TREE_DEPTH]
        .get(&0)
        .copied()
        .unwrap_or(empty[TREE_DEPTH]);
    let paths = leaves
        .iter()
        .map(|&(pos, _)| {
            core::array::from_fn(|level| {
                let sibling = (u64::from(pos) >> level) ^ 1;
                levels[level].get(&sibling).copied().unwrap_or(empty[level])
            })
        })
        .collect();
    (root, paths)
}

/// A valid transfer: Alice spends 700 + 300 (native) to pay Bob 900 and herself 50 change, with
/// a fee of 50. Spends sit at positions 5 and 2^20 + 7 (both position halves are exercised).
pub fn transfer_witness() -> TransactionWitness {
    native_transfer_witness([700, 300], [900, 50], 50)
}

/// A shielded-only native transfer of Alice's with chosen spend and output values and fee: other
/// values give other transfers beside [`transfer_witness`], for tests that need several.
pub fn native_transfer_witness(
    spends: [u64; 2],
    outputs: [u64; 2],
    fee: u64,
) -> TransactionWitness {
    transfer_witness_with(AssetId::NATIVE, ValueBalance::ZERO, spends, outputs, fee)
}

/// Two valid transfers with different public inputs: [`transfer_witness`], and Alice paying
/// 800 instead of 900 from the same notes.
pub fn two_transfer_witnesses() -> [TransactionWitness; 2] {
    [
        transfer_witness(),
        native_transfer_witness([700, 300], [800, 150], 50),
    ]
}

/// A transfer with chosen asset, value balance, spend and output values and fee.
pub fn transfer_witness_with(
    asset: AssetId,
    value_balance: ValueBalance,
    spends: [u64; 2],
    outputs: [u64; 2],
    fee: u64,
) -> TransactionWitness {
    let alice = SpendingKeys::from_seed(&[0xa1; 64]);
    let bob = SpendingKeys::from_seed(&[0xb0; 64]);
    let alice_ivk = alice.full_viewing_key().incoming();
    let note = |value: u64, to: &hegemon_crypto::Address, seed: u8| Note {
        value: NoteValue::from_u64(value),
        asset_id: asset,
        recipient: to.recipient(),
        rseed: Rseed::from_bytes([seed; 32]),
    };
    let indices = [0u32, 3];
    let positions = [5u32, (1 << 20) + 7];
    let spent = [
        note(spends[0], &alice_ivk.address(indices[0]), 1),
        note(spends[1], &alice_ivk.address(indices[1]), 2),
    ];
    let (anchor, paths) = sparse_tree(&[
        (positions[0], *spent[0].commitment().digest()),
        (positions[1], *spent[1].commitment().digest()),
    ]);
    let spend = |i: usize| SpendWitness {
        note: spent[i],
        sk_spend: alice.sk_spend(),
        address_index: indices[i],
        position: positions[i],
        auth_path: paths[i],
    };
    TransactionWitness {
        spends: [spend(0), spend(1)],
        outputs: [
            note(outputs[0], &bob.full_viewing_key().incoming().address(0), 3),
            note(outputs[1], &alice_ivk.address(1), 4),
        ],
        anchor,
        fee,
        value_balance,
        ciphertext_hashes: [spec::ciphertext_hash(b"ct0"), spec::ciphertext_hash(b"ct1")],
        chain_binding: spec::chain_binding(b"hegemon-dev"),
    }
}
