//! Incremental witnesses: the authentication path of one leaf, kept current as leaves arrive.
//!
//! For a leaf at position `p`, its sibling at level `l` is to the left when bit `l` of `p` is 1
//! (a complete subtree, known when the leaf was appended) and to the right otherwise (filled by
//! later leaves). The right siblings cover consecutive position ranges after `p`, in increasing
//! level order, so one cursor frontier builds the current one; each completed sibling is kept.
//! Update cost: one hash amortized per appended leaf; memory O(depth).

use alloc::vec::Vec;

use crate::frontier::{Frontier, TreeError};
use crate::hasher::Hasher;

/// An authentication path: siblings from the leaf level up, and the leaf's position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthPath<D, const DEPTH: usize> {
    /// Leaf position.
    pub position: u64,
    /// Sibling at each level, leaf level first.
    pub siblings: [D; DEPTH],
}

impl<D: Copy + Eq, const DEPTH: usize> AuthPath<D, DEPTH> {
    /// The root this path leads to from `leaf`.
    pub fn root<H: Hasher<Digest = D>>(&self, leaf: &D) -> D {
        self.siblings
            .iter()
            .enumerate()
            .fold(*leaf, |node, (level, sibling)| {
                if (self.position >> level) & 1 == 0 {
                    H::combine(level as u32, &node, sibling)
                } else {
                    H::combine(level as u32, sibling, &node)
                }
            })
    }
}

/// A witness's complete state, for storage: [`Witness::from_parts`] restores exactly the witness
/// [`Witness::to_parts`] took it from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessParts<D, const DEPTH: usize> {
    /// Leaf position.
    pub position: u64,
    /// The witnessed leaf.
    pub leaf: D,
    /// Left siblings (meaningful where bit `l` of `position` is 1).
    pub left: [D; DEPTH],
    /// Roots of completed right siblings, in increasing level order.
    pub right: Vec<D>,
    /// The right sibling being filled: its level, and its frontier's size and ommers.
    pub cursor: Option<(usize, u64, [D; DEPTH])>,
    /// Leaves appended to the tree after this one.
    pub appended: u64,
}

/// A witness for one leaf of a depth-`DEPTH` tree over `H`.
#[derive(Debug, Clone)]
pub struct Witness<H: Hasher, const DEPTH: usize> {
    position: u64,
    leaf: H::Digest,
    /// Left siblings (valid where bit `l` of `position` is 1).
    left: [H::Digest; DEPTH],
    /// Roots of completed right siblings, in increasing level order.
    right: Vec<H::Digest>,
    /// The right sibling being filled: its level and a frontier of its leaves.
    cursor: Option<(usize, Frontier<H, DEPTH>)>,
    /// Leaves appended to the tree after this one.
    appended: u64,
}

impl<H: Hasher, const DEPTH: usize> Witness<H, DEPTH> {
    /// A witness for `leaf` appended at `position`, given the frontier's ommers before the
    /// append (they are exactly the left siblings).
    pub(crate) fn new(position: u64, leaf: H::Digest, ommers: &[H::Digest; DEPTH]) -> Self {
        let mut w = Self {
            position,
            leaf,
            left: *ommers,
            right: Vec::new(),
            cursor: None,
            appended: 0,
        };
        w.cursor = w.next_cursor(0);
        w
    }

    /// The witness's state, for storage.
    pub fn to_parts(&self) -> WitnessParts<H::Digest, DEPTH> {
        WitnessParts {
            position: self.position,
            leaf: self.leaf,
            left: self.left,
            right: self.right.clone(),
            cursor: self
                .cursor
                .as_ref()
                .map(|(level, f)| (*level, f.size(), *f.ommers())),
            appended: self.appended,
        }
    }

    /// Restores a stored witness. Rejects parts no witness could have: a position or count
    /// past the capacity, more completed right siblings than levels, a cursor level out of
    /// range or a cursor subtree already complete.
    pub fn from_parts(parts: WitnessParts<H::Digest, DEPTH>) -> Result<Self, TreeError> {
        let capacity = Frontier::<H, DEPTH>::CAPACITY;
        let bad = TreeError::NoSuchLeaf {
            position: parts.position,
            size: parts.position.saturating_add(parts.appended),
        };
        if parts.position.saturating_add(parts.appended) >= capacity || parts.right.len() > DEPTH {
            return Err(bad);
        }
        let cursor = match parts.cursor {
            None => None,
            Some((level, size, ommers)) => {
                // A cursor's subtree is emptied into `right` as soon as it completes.
                if level >= DEPTH || size >= 1u64 << level {
                    return Err(bad);
                }
                Some((level, Frontier::from_parts(size, ommers)?))
            }
        };
        Ok(Self {
            position: parts.position,
            leaf: parts.leaf,
            left: parts.left,
            right: parts.right,
            cursor,
            appended: parts.appended,
        })
    }

    /// The leaf position.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The witnessed leaf.
    pub fn leaf(&self) -> &H::Digest {
        &self.leaf
    }

    /// The first right-sibling level at or above `from`, with an empty frontier.
    fn next_cursor(&self, from: usize) -> Option<(usize, Frontier<H, DEPTH>)> {
        (from..DEPTH)
            .find(|&l| (self.position >> l) & 1 == 0)
            .map(|l| (l, Frontier::new()))
    }

    /// Records the next leaf appended to the tree (after this witness's leaf).
    pub fn append(&mut self, leaf: H::Digest) -> Result<(), TreeError> {
        let capacity = Frontier::<H, DEPTH>::CAPACITY;
        if self.position + 1 + self.appended >= capacity {
            return Err(TreeError::Full { capacity });
        }
        self.appended += 1;
        let Some((level, frontier)) = self.cursor.as_mut() else {
            return Ok(()); // Every sibling is to the left: later leaves lie outside our path.
        };
        frontier.append(leaf)?;
        if frontier.size() == 1 << *level {
            // A complete subtree's root is the frontier's ommer at its height.
            let level = *level;
            self.right.push(frontier.ommers()[level]);
            self.cursor = self.next_cursor(level + 1);
        }
        Ok(())
    }

    /// The current authentication path (siblings not yet filled are empty subtrees).
    pub fn path(&self) -> AuthPath<H::Digest, DEPTH> {
        let mut right = self.right.iter();
        let siblings = core::array::from_fn(|level| {
            if (self.position >> level) & 1 == 1 {
                self.left[level]
            } else if let Some(done) = right.next() {
                *done
            } else {
                match &self.cursor {
                    Some((l, frontier)) if *l == level => frontier.root_at_height(level),
                    _ => H::empty_root(level),
                }
            }
        });
        AuthPath {
            position: self.position,
            siblings,
        }
    }

    /// The root the witness currently proves membership under.
    pub fn root(&self) -> H::Digest {
        self.path().root::<H>(&self.leaf)
    }
}
