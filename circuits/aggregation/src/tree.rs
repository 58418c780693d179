//! The aggregation tree (M4): one proof binding the ordered public inputs of up to `2^depth`
//! transaction proofs.
//!
//! Level by level: the transfers' proofs are verified by leaves, each over `2^w` consecutive
//! transfers (a wide leaf, [`crate::leaf`]; `w = min(depth, 3)`) and exposing the Merkle root over
//! their public inputs' digests (levels `0‥w`), and every node at height `h ≥ w` verifies two
//! proofs of the level below and exposes `node_digest(left, right)`. Each level has its own
//! circuit, fixed by the level below (its key is the children's verifying key), so
//! [`TreeKeys`] builds them once for a depth. The root digest is the Merkle root over the leaf
//! digests in order, which any verifier recomputes from the transfers' public inputs
//! ([`root_digest`]).
//!
//! A block's transfer count is rarely a power of two: `N < 2^depth` transfers are padded by
//! repeating the last one. A leaf over the same transfers as the one before it (all padding)
//! reuses that proof, and identical padding pairs share one node proof per level, so `N`
//! transfers cost `L = ⌈N / 2^w⌉` leaves and at most `L − 1 + depth` nodes. The root binds the padded list; the count itself is fixed
//! by the block that lists the transfers (a repeated transfer is a double spend there).
//! Spec: `docs/spec/aggregation.md#the-tree`.

use alloc::rc::Rc;
use alloc::vec::Vec;

use hegemon_crypto::poseidon2::Digest;
use transaction_circuit::{TransactionProof, TransactionPublicInputs};

use crate::aggregate::{NodeShape, node_digest};
use crate::inner::InnerError;
use crate::leaf::{MAX_LEAF_LOG_WIDTH, TransactionShape, leaf_public_inputs};
use crate::proof::{CircuitKey, CircuitProof, ProveError, VerifyError};

/// Why a tree could not be proven.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    /// A tree of depth `d` covers 1 to `2^d` transfers.
    #[error("a tree of depth {depth} covers 1 to {max} transfers, {got} were given")]
    Count {
        /// The tree's depth.
        depth: usize,
        /// `2^depth`.
        max: usize,
        /// What was given.
        got: usize,
    },
    /// A transaction proof does not verify (it is refused before any proving).
    #[error("transfer {index}: {source}")]
    Transfer {
        /// Its position.
        index: usize,
        /// Why.
        source: InnerError,
    },
    /// An inner proof could not be laid out (a bug once its transfer was accepted).
    #[error("level {level}: {source}")]
    Layout {
        /// The level.
        level: usize,
        /// Why.
        source: InnerError,
    },
    /// Proving failed.
    #[error(transparent)]
    Prove(#[from] ProveError),
}

/// The keys of a tree of one depth: the leaf's and one per node level.
pub struct TreeKeys {
    leaf: TransactionShape,
    /// A leaf verifies `2^leaf_log` transfers.
    leaf_log: usize,
    leaf_key: CircuitKey,
    /// The node levels, at heights `leaf_log`, `leaf_log + 1`, ….
    levels: Vec<(NodeShape, CircuitKey)>,
    /// Whether the keys only verify ([`Self::into_verifier`]).
    verifier_only: bool,
}

impl TreeKeys {
    /// The smallest depth covering `n` transfers.
    pub fn depth_for(n: usize) -> usize {
        n.max(1).next_power_of_two().trailing_zeros() as usize
    }

    /// Builds the circuits and keys of a tree over up to `2^depth` transfers, with leaves as wide
    /// as the depth allows ([`Self::leaf_log_for`]). Each level's circuit depends on the key of
    /// the level below, so this takes a while: seconds per level.
    pub fn new(depth: usize) -> Self {
        Self::with_leaf_log(depth, Self::leaf_log_for(depth))
    }

    /// [`Self::new`] for verification only ([`Self::into_verifier`]), dropping each level's
    /// proving data as soon as the level above is built, so building never holds more than one
    /// level's.
    pub fn verifier(depth: usize) -> Self {
        let leaf_log = Self::leaf_log_for(depth);
        let mut keys = Self::with_leaf_log(leaf_log, leaf_log).into_verifier();
        keys.grow(depth);
        keys
    }

    /// `log2` of the leaf width of a tree of `depth`: 8 transfers per leaf, fewer for a tree
    /// that small.
    pub fn leaf_log_for(depth: usize) -> usize {
        depth.min(MAX_LEAF_LOG_WIDTH)
    }

    /// [`Self::new`] with leaves over `2^leaf_log` transfers (at most `2^depth`).
    pub fn with_leaf_log(depth: usize, leaf_log: usize) -> Self {
        assert!(leaf_log <= depth, "a leaf is no wider than its tree");
        let leaf = TransactionShape::new();
        let leaf_key = CircuitKey::new(leaf.wide_leaf_circuit(leaf_log));
        let mut keys = Self {
            leaf,
            leaf_log,
            leaf_key,
            levels: Vec::with_capacity(depth - leaf_log),
            verifier_only: false,
        };
        keys.grow(depth);
        keys
    }

    /// Adds the levels up to `depth` (nothing if the keys are that deep already). A tree's
    /// keys are the prefix of a deeper tree's with the same leaves, so one set of keys serves
    /// every depth from the leaf width up.
    pub fn grow(&mut self, depth: usize) {
        for _ in self.depth()..depth {
            let child = self.levels.last().map_or(&self.leaf_key, |(_, key)| key);
            let shape = NodeShape::new(child);
            let mut key = CircuitKey::new(shape.circuit());
            if self.verifier_only {
                key = key.into_verifier();
            }
            self.levels.push((shape, key));
        }
    }

    /// The same keys without what only proving needs ([`CircuitKey::into_verifier`]), also for
    /// the levels [`Self::grow`] adds later: a node that only verifies blocks keeps about half
    /// the memory (`docs/benchmarks.md`, `--keys`).
    pub fn into_verifier(self) -> Self {
        Self {
            leaf_key: self.leaf_key.into_verifier(),
            levels: self
                .levels
                .into_iter()
                .map(|(shape, key)| (shape, key.into_verifier()))
                .collect(),
            verifier_only: true,
            ..self
        }
    }

    /// The tree's depth.
    pub fn depth(&self) -> usize {
        self.leaf_log + self.levels.len()
    }

    /// `log2` of the transfers one leaf verifies.
    pub fn leaf_log(&self) -> usize {
        self.leaf_log
    }

    /// The key the root proof verifies under.
    pub fn root_key(&self) -> &CircuitKey {
        self.root_key_at(self.depth())
    }

    /// The key of the root of a tree of `depth`, from the leaf width to [`Self::depth`]
    /// (deeper panics: keys reach the depths they were built or grown for).
    pub fn root_key_at(&self, depth: usize) -> &CircuitKey {
        match depth.checked_sub(self.leaf_log + 1) {
            None => &self.leaf_key,
            Some(level) => &self.levels[level].1,
        }
    }

    /// `Ok` iff a tree of `depth` covers `n` transfers (1 to `2^depth`) and these keys reach it;
    /// otherwise `(depth, 2^depth)` for the error.
    fn check_count(&self, depth: usize, n: usize) -> Result<(), (usize, usize)> {
        let max = 1usize << depth.min(usize::BITS as usize - 1);
        if (self.leaf_log..=self.depth()).contains(&depth) && (1..=max).contains(&n) {
            Ok(())
        } else {
            Err((depth, max))
        }
    }

    /// Proves the tree over `transfers` in order (1 to `2^depth` of them; fewer are padded);
    /// `progress(level, done, total)` is called after every proof (level 0 is the leaves).
    /// Returns the root proof and its digest.
    pub fn prove(
        &self,
        transfers: &[(TransactionPublicInputs, TransactionProof)],
        progress: impl FnMut(usize, usize, usize),
    ) -> Result<(CircuitProof, Digest), TreeError> {
        self.prove_at(self.depth(), transfers, progress)
    }

    /// [`Self::prove`] for a tree of `depth` (at most [`Self::depth`]).
    pub fn prove_at(
        &self,
        depth: usize,
        transfers: &[(TransactionPublicInputs, TransactionProof)],
        mut progress: impl FnMut(usize, usize, usize),
    ) -> Result<(CircuitProof, Digest), TreeError> {
        self.check_count(depth, transfers.len())
            .map_err(|(depth, max)| TreeError::Count {
                depth,
                max,
                got: transfers.len(),
            })?;
        let width = 1usize << depth;
        // Lay every transfer out first: a bad proof is refused before hours of proving.
        let leaf_inputs = transfers
            .iter()
            .enumerate()
            .map(|(index, (public, proof))| {
                self.leaf
                    .private_inputs(proof, public)
                    .map_err(|source| TreeError::Transfer { index, source })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let digests: Vec<Digest> = transfers
            .iter()
            .map(|(public, _)| leaf_public_inputs(public))
            .collect();
        // Position `i` of the padded list holds transfer `min(i, N − 1)`; a leaf covers
        // `2^leaf_log` consecutive positions.
        let last = transfers.len() - 1;
        let positions: Vec<usize> = (0..width).map(|i| i.min(last)).collect();
        let chunks: Vec<&[usize]> = positions.chunks_exact(1 << self.leaf_log).collect();
        // A leaf over the same transfers as the one before it (padding) reuses its proof.
        let repeats = |i: usize| i > 0 && chunks[i] == chunks[i - 1];
        let total = (0..chunks.len()).filter(|&i| !repeats(i)).count();
        let mut proofs: Vec<(Rc<CircuitProof>, Digest)> = Vec::with_capacity(chunks.len());
        for (i, chunk) in chunks.iter().enumerate() {
            if repeats(i) {
                let previous = proofs[i - 1].clone();
                proofs.push(previous);
                continue;
            }
            let private: Vec<_> = chunk
                .iter()
                .flat_map(|&t| leaf_inputs[t].iter().copied())
                .collect();
            let digest = subtree_root(chunk.iter().map(|&t| digests[t]).collect());
            let proof = self.leaf_key.prove(digest.elements(), &private)?;
            proofs.push((Rc::new(proof), digest));
            progress(0, proofs.len(), total);
        }
        let mut child = &self.leaf_key;
        for (level, (shape, key)) in self.levels[..depth - self.leaf_log].iter().enumerate() {
            let pairs: Vec<_> = proofs.chunks_exact(2).collect();
            // A pair identical to the one before it (padding) reuses its proof.
            let repeats = |i: usize| {
                i > 0
                    && Rc::ptr_eq(&pairs[i][0].0, &pairs[i - 1][0].0)
                    && Rc::ptr_eq(&pairs[i][1].0, &pairs[i - 1][1].0)
            };
            let total = (0..pairs.len()).filter(|&i| !repeats(i)).count();
            let mut next: Vec<(Rc<CircuitProof>, Digest)> = Vec::with_capacity(pairs.len());
            for i in 0..pairs.len() {
                if repeats(i) {
                    let previous = next[i - 1].clone();
                    next.push(previous);
                    continue;
                }
                let (left, right) = (&pairs[i][0], &pairs[i][1]);
                let private = shape
                    .private_inputs(child, (&left.0, &left.1), (&right.0, &right.1))
                    .map_err(|source| TreeError::Layout { level, source })?;
                let digest = node_digest(&left.1, &right.1);
                next.push((Rc::new(key.prove(digest.elements(), &private)?), digest));
                progress(level + 1, next.len(), total);
            }
            proofs = next;
            child = key;
        }
        let Some((root, digest)) = proofs.pop() else {
            unreachable!("2^depth proofs reduce to one")
        };
        // The last level has one entry, so nothing else holds its proof.
        let root = Rc::try_unwrap(root).unwrap_or_else(|_| unreachable!("the root is unique"));
        Ok((root, digest))
    }

    /// Verifies a root proof against the ordered public inputs it must bind.
    pub fn verify(
        &self,
        proof: &CircuitProof,
        publics: &[TransactionPublicInputs],
    ) -> Result<(), VerifyError> {
        self.verify_at(self.depth(), proof, publics)
    }

    /// [`Self::verify`] for a tree of `depth` (at most [`Self::depth`]).
    pub fn verify_at(
        &self,
        depth: usize,
        proof: &CircuitProof,
        publics: &[TransactionPublicInputs],
    ) -> Result<(), VerifyError> {
        self.check_count(depth, publics.len())
            .map_err(|(depth, max)| VerifyError::TransferCount {
                depth,
                max,
                got: publics.len(),
            })?;
        self.root_key_at(depth)
            .verify(proof, root_digest(publics, depth).elements())
    }
}

/// The digest the root of a tree of `depth` exposes for transfers with these public inputs, in
/// order (padded to `2^depth` by repeating the last).
pub fn root_digest(publics: &[TransactionPublicInputs], depth: usize) -> Digest {
    let mut leaves: Vec<Digest> = publics.iter().map(leaf_public_inputs).collect();
    if let Some(&last) = leaves.last() {
        leaves.resize(1 << depth, last);
    }
    subtree_root(leaves)
}

/// The Merkle root over leaf `digests` (a power of two of them).
fn subtree_root(mut digests: Vec<Digest>) -> Digest {
    while digests.len() > 1 {
        digests = digests
            .chunks_exact(2)
            .map(|pair| node_digest(&pair[0], &pair[1]))
            .collect();
    }
    digests[0]
}
