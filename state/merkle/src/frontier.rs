//! The frontier: everything needed to append to the tree and compute its root, in O(depth) space.
//!
//! `ommers[l]` is the root of the complete left subtree of height `l` whose leaves are the
//! `2^l` leaves just before the next free slot, meaningful exactly when bit `l` of `size` is 1.
//! Appending merges completed subtrees upward (one hash amortized per leaf). The root is computed
//! on demand by folding the ommers with empty subtrees, `depth` hashes.

use core::marker::PhantomData;

use crate::hasher::Hasher;
use crate::witness::Witness;

/// Why a tree operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TreeError {
    /// The tree already holds `2^depth` leaves.
    #[error("the tree is full ({capacity} leaves)")]
    Full {
        /// Leaf capacity.
        capacity: u64,
    },
    /// A position outside the tree's leaves.
    #[error("position {position} is not a leaf of a tree with {size} leaves")]
    NoSuchLeaf {
        /// Requested position.
        position: u64,
        /// Current size.
        size: u64,
    },
}

/// The append-only frontier of a depth-`DEPTH` tree over `H`.
#[derive(Debug)]
pub struct Frontier<H: Hasher, const DEPTH: usize> {
    size: u64,
    ommers: [H::Digest; DEPTH],
    _hasher: PhantomData<H>,
}

impl<H: Hasher, const DEPTH: usize> Clone for Frontier<H, DEPTH> {
    fn clone(&self) -> Self {
        Self {
            size: self.size,
            ommers: self.ommers,
            _hasher: PhantomData,
        }
    }
}

impl<H: Hasher, const DEPTH: usize> PartialEq for Frontier<H, DEPTH> {
    fn eq(&self, other: &Self) -> bool {
        let full = self.size == Self::CAPACITY;
        self.size == other.size
            && (0..DEPTH).all(|l| {
                let meaningful = (self.size >> l) & 1 == 1 || (full && l == DEPTH - 1);
                !meaningful || self.ommers[l] == other.ommers[l]
            })
    }
}

impl<H: Hasher, const DEPTH: usize> Default for Frontier<H, DEPTH> {
    fn default() -> Self {
        Self::new()
    }
}

impl<H: Hasher, const DEPTH: usize> Frontier<H, DEPTH> {
    /// Leaves a depth-`DEPTH` tree can hold.
    pub const CAPACITY: u64 = 1 << DEPTH;

    /// The empty tree.
    pub fn new() -> Self {
        Self {
            size: 0,
            ommers: [H::empty_leaf(); DEPTH],
            _hasher: PhantomData,
        }
    }

    /// Rebuilds a frontier from its parts (as stored by the runtime). `ommers[l]` is ignored
    /// where bit `l` of `size` is 0. Fails if `size` exceeds the capacity.
    pub fn from_parts(size: u64, ommers: [H::Digest; DEPTH]) -> Result<Self, TreeError> {
        if size > Self::CAPACITY {
            return Err(TreeError::Full {
                capacity: Self::CAPACITY,
            });
        }
        Ok(Self {
            size,
            ommers,
            _hasher: PhantomData,
        })
    }

    /// Number of leaves appended.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The ommers (for storage; see [`Self::from_parts`]).
    pub fn ommers(&self) -> &[H::Digest; DEPTH] {
        &self.ommers
    }

    /// Appends a leaf; returns its position.
    pub fn append(&mut self, leaf: H::Digest) -> Result<u64, TreeError> {
        let position = self.size;
        if position >= Self::CAPACITY {
            return Err(TreeError::Full {
                capacity: Self::CAPACITY,
            });
        }
        let mut node = leaf;
        let mut level = 0;
        while (position >> level) & 1 == 1 {
            node = H::combine(level as u32, &self.ommers[level], &node);
            level += 1;
        }
        // A full tree has no ommer at `DEPTH`: its root is kept at level DEPTH - 1 as below.
        if level < DEPTH {
            self.ommers[level] = node;
        } else {
            self.ommers[DEPTH - 1] = node;
        }
        self.size = position + 1;
        Ok(position)
    }

    /// Appends many leaves in order; all or nothing. Returns the first position.
    pub fn append_batch(&mut self, leaves: &[H::Digest]) -> Result<u64, TreeError> {
        let first = self.size;
        if (leaves.len() as u64) > Self::CAPACITY - first {
            return Err(TreeError::Full {
                capacity: Self::CAPACITY,
            });
        }
        for leaf in leaves {
            self.append(*leaf)?;
        }
        Ok(first)
    }

    /// Appends a leaf and returns a witness for it (the wallet's path to its own note).
    pub fn append_and_witness(&mut self, leaf: H::Digest) -> Result<Witness<H, DEPTH>, TreeError> {
        let witness = Witness::new(self.size, leaf, &self.ommers);
        self.append(leaf)?;
        Ok(witness)
    }

    /// The root of the whole tree.
    pub fn root(&self) -> H::Digest {
        if self.size == Self::CAPACITY {
            return self.ommers[DEPTH - 1];
        }
        self.root_at_height(DEPTH)
    }

    /// Root of the subtree of height `height` containing the first `size` leaves (used by
    /// witnesses for partially filled sibling subtrees). Requires `size < 2^height`.
    pub(crate) fn root_at_height(&self, height: usize) -> H::Digest {
        let mut node = H::empty_leaf();
        for level in 0..height {
            node = if (self.size >> level) & 1 == 1 {
                H::combine(level as u32, &self.ommers[level], &node)
            } else {
                H::combine(level as u32, &node, &H::empty_root(level))
            };
        }
        node
    }
}
