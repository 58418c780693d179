//! The frontier, root history and witnesses against a naive sparse tree, on random sequences.

use std::collections::BTreeMap;

use hegemon_crypto::poseidon2::{Digest, Felt};
use hegemon_merkle::{Frontier, Hasher, NoteFrontier, Poseidon2Hasher, TreeError, Witness};
use p3_field::PrimeCharacteristicRing;
use proptest::prelude::*;

fn leaf(i: u64) -> Digest {
    hegemon_crypto::poseidon2::hash_elements(99, &[Felt::from_u64(i)])
}

/// Every level of the tree as a sparse map; missing nodes are empty subtrees.
fn naive_levels<H: Hasher>(leaves: &[H::Digest], depth: usize) -> Vec<BTreeMap<u64, H::Digest>> {
    let mut levels = vec![
        leaves
            .iter()
            .enumerate()
            .map(|(i, l)| (i as u64, *l))
            .collect::<BTreeMap<_, _>>(),
    ];
    for level in 0..depth {
        let below = &levels[level];
        let get = |p: u64| {
            below
                .get(&p)
                .copied()
                .unwrap_or_else(|| H::empty_root(level))
        };
        let parents = below
            .keys()
            .map(|p| p >> 1)
            .collect::<std::collections::BTreeSet<_>>();
        let next = parents
            .into_iter()
            .map(|p| (p, H::combine(level as u32, &get(2 * p), &get(2 * p + 1))))
            .collect();
        levels.push(next);
    }
    levels
}

fn naive_root<H: Hasher>(leaves: &[H::Digest], depth: usize) -> H::Digest {
    naive_levels::<H>(leaves, depth)[depth]
        .get(&0)
        .copied()
        .unwrap_or_else(|| H::empty_root(depth))
}

fn naive_path<H: Hasher>(leaves: &[H::Digest], depth: usize, position: u64) -> Vec<H::Digest> {
    let levels = naive_levels::<H>(leaves, depth);
    (0..depth)
        .map(|l| {
            levels[l]
                .get(&((position >> l) ^ 1))
                .copied()
                .unwrap_or_else(|| H::empty_root(l))
        })
        .collect()
}

#[test]
fn empty_tree_root_is_the_empty_subtree_of_depth_32() {
    let f = NoteFrontier::new();
    assert_eq!(f.root(), Poseidon2Hasher::empty_root(32));
    assert_eq!(f.root(), naive_root::<Poseidon2Hasher>(&[], 32));
}

#[test]
fn full_tree_is_an_explicit_error() {
    let mut f = Frontier::<Poseidon2Hasher, 4>::new();
    let leaves: Vec<Digest> = (0..16).map(leaf).collect();
    assert_eq!(f.append_batch(&leaves[..10]), Ok(0));
    assert_eq!(
        f.append_batch(&leaves),
        Err(TreeError::Full { capacity: 16 }),
        "all or nothing"
    );
    assert_eq!(f.size(), 10);
    f.append_batch(&leaves[10..]).expect("fits exactly");
    assert_eq!(f.root(), naive_root::<Poseidon2Hasher>(&leaves, 4));
    assert_eq!(f.append(leaf(99)), Err(TreeError::Full { capacity: 16 }));
    let rebuilt = Frontier::<Poseidon2Hasher, 4>::from_parts(f.size(), *f.ommers()).expect("valid");
    assert_eq!(rebuilt, f);
    assert_eq!(rebuilt.root(), f.root());
    assert!(Frontier::<Poseidon2Hasher, 4>::from_parts(17, *f.ommers()).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn frontier_and_witnesses_match_the_naive_tree(n in 0u64..70, watched in proptest::collection::vec(0u64..70, 1..4)) {
        const D: usize = 7;
        let leaves: Vec<Digest> = (0..n).map(leaf).collect();
        let mut f = Frontier::<Poseidon2Hasher, D>::new();
        let mut witnesses: Vec<Witness<Poseidon2Hasher, D>> = Vec::new();
        for (i, l) in leaves.iter().enumerate() {
            for w in witnesses.iter_mut() {
                // Stored and restored before every append: a wallet reloads witnesses anywhere.
                *w = Witness::from_parts(w.to_parts()).expect("own parts restore");
                w.append(*l).expect("room");
            }
            if watched.contains(&(i as u64)) {
                witnesses.push(f.append_and_witness(*l).expect("room"));
            } else {
                f.append(*l).expect("room");
            }
            // Roots agree after every append.
            prop_assert_eq!(f.root(), naive_root::<Poseidon2Hasher>(&leaves[..=i], D));
        }
        for w in &witnesses {
            let path = w.path();
            prop_assert_eq!(path.siblings.to_vec(), naive_path::<Poseidon2Hasher>(&leaves, D, w.position()));
            prop_assert_eq!(path.root::<Poseidon2Hasher>(w.leaf()), f.root());
        }
    }
}

#[test]
fn witnesses_at_depth_32_track_the_production_tree() {
    let mut f = NoteFrontier::new();
    let leaves: Vec<Digest> = (0..300).map(leaf).collect();
    f.append_batch(&leaves[..37]).expect("room");
    let mut w = f.append_and_witness(leaves[37]).expect("room");
    for l in &leaves[38..] {
        f.append(*l).expect("room");
        w.append(*l).expect("room");
        assert_eq!(w.root(), f.root());
    }
    assert_eq!(
        w.path().siblings.to_vec(),
        naive_path::<Poseidon2Hasher>(&leaves, 32, 37)
    );
}

#[test]
fn impossible_witness_parts_are_rejected() {
    let mut f = Frontier::<Poseidon2Hasher, 7>::new();
    let w = f.append_and_witness(leaf(0)).expect("room");
    let good = w.to_parts();
    let mut past_capacity = good.clone();
    past_capacity.appended = 1 << 7;
    let mut level_out_of_range = good.clone();
    level_out_of_range.cursor = Some((7, 0, good.left));
    let mut complete_cursor = good.clone();
    complete_cursor.cursor = Some((2, 4, good.left));
    let mut too_many_right = good.clone();
    too_many_right.right = vec![leaf(1); 8];
    for parts in [
        past_capacity,
        level_out_of_range,
        complete_cursor,
        too_many_right,
    ] {
        assert!(Witness::<Poseidon2Hasher, 7>::from_parts(parts).is_err());
    }
    assert!(Witness::<Poseidon2Hasher, 7>::from_parts(good).is_ok());
}
