//! The hash seam of the tree and its production instance.

use hegemon_crypto::poseidon2::Digest;
use hegemon_crypto::spec;

/// What the tree needs from a hash: the empty leaf and a level-aware 2-to-1 node function.
pub trait Hasher {
    /// Node type.
    type Digest: Copy + Eq + core::fmt::Debug;
    /// The value of an unused leaf.
    fn empty_leaf() -> Self::Digest;
    /// Parent at `level` (0 = parents of leaves) of `left` and `right`.
    fn combine(level: u32, left: &Self::Digest, right: &Self::Digest) -> Self::Digest;
    /// Root of an all-empty subtree of height `level` (`empty_root(0)` is the empty leaf).
    fn empty_root(level: usize) -> Self::Digest {
        (0..level).fold(Self::empty_leaf(), |node, l| {
            Self::combine(l as u32, &node, &node)
        })
    }
}

/// The protocol tree: [`spec::merkle_node`] over [`spec::empty_leaf`], the functions the
/// transaction circuit proves membership with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Poseidon2Hasher;

impl Hasher for Poseidon2Hasher {
    type Digest = Digest;

    fn empty_leaf() -> Digest {
        spec::empty_leaf()
    }

    fn combine(level: u32, left: &Digest, right: &Digest) -> Digest {
        spec::merkle_node(level, left, right)
    }

    fn empty_root(level: usize) -> Digest {
        empty_roots()[level]
    }
}

/// Empty subtree roots for levels 0..=32, computed once.
fn empty_roots() -> &'static [Digest; crate::NOTE_TREE_DEPTH + 1] {
    static ROOTS: spin::Once<[Digest; crate::NOTE_TREE_DEPTH + 1]> = spin::Once::new();
    ROOTS.call_once(|| {
        let mut roots = [spec::empty_leaf(); crate::NOTE_TREE_DEPTH + 1];
        for level in 0..crate::NOTE_TREE_DEPTH {
            roots[level + 1] = spec::merkle_node(level as u32, &roots[level], &roots[level]);
        }
        roots
    })
}
