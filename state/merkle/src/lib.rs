//! The note commitment tree: an append-only binary Merkle tree of depth 32 over Poseidon2, with
//! exactly the node function the transaction circuit uses.
//!
//! - [`Frontier`]: the O(depth) state the runtime keeps; appends cost one hash amortized, the
//!   root is computed on demand.
//! - [`RootHistory`]: the window of recent roots accepted as spend anchors.
//! - [`Witness`]: a wallet's authentication path for one of its notes, updated as leaves arrive
//!   without storing the tree.
//! - [`hasher`]: the seam (`empty_leaf`, `combine(level, l, r)`) with the Poseidon2 instance.
//!
//! Specified in `docs/spec/keys-and-notes.md` (tree node function) and
//! `docs/spec/note-tree.md`.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

pub mod frontier;
pub mod hasher;
pub mod history;
pub mod witness;

pub use frontier::{Frontier, TreeError};
pub use hasher::{Hasher, Poseidon2Hasher};
pub use history::RootHistory;
pub use witness::{AuthPath, Witness, WitnessParts};

/// Depth of the note commitment tree (2^32 leaves).
pub const NOTE_TREE_DEPTH: usize = 32;

/// The production tree state.
pub type NoteFrontier = Frontier<Poseidon2Hasher, NOTE_TREE_DEPTH>;
/// A wallet witness in the production tree.
pub type NoteWitness = Witness<Poseidon2Hasher, NOTE_TREE_DEPTH>;
