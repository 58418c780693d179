//! One aggregated proof per block (M5): the rule that ties a block's transfers to the root proof
//! it carries, and the process-wide keys that prove and verify it.
//!
//! A block listing `N` transfers carries the root proof of a tree of depth
//! [`TreeKeys::depth_for`]`(N)` over their public inputs in block order (padded as
//! [`crate::tree`] describes), or from [`WRAP_MIN_TRANSFERS`] up the wrap of that root
//! ([`crate::wrap`]): the count fixes the form ([`ProofForm`]). The verifier recomputes the root
//! digest from the listed public inputs, so the proof binds exactly those transfers in exactly
//! that order. Keys are built on first use, seconds per level, and kept: the keys of a deeper
//! tree serve every smaller depth with the same leaf width. Verifiers keep verification-only
//! keys unless they also prove.
//! Spec: `docs/spec/aggregation.md#blocks`.

use alloc::sync::Arc;
use alloc::vec::Vec;
use std::sync::{Mutex, PoisonError};

use transaction_circuit::{PUBLIC_INPUT_BYTES, TransactionProof, TransactionPublicInputs};

use crate::leaf::MAX_LEAF_LOG_WIDTH;
use crate::proof::{CircuitProof, VerifyError};
use crate::tree::{TreeError, TreeKeys, root_digest};
use crate::wrap::{WrapError, WrapKey};

/// Largest encoded proof a block may carry (a root measures about 410 KB, a wrap about 176 KB).
pub const MAX_AGGREGATE_PROOF_BYTES: usize = 1 << 20;

/// Why a block's aggregated proof was refused.
#[derive(Debug, thiserror::Error)]
pub enum BlockProofError {
    /// The public inputs are not a whole number of encodings, or one does not decode.
    #[error("public input {index} is malformed")]
    PublicInputs {
        /// Its position (the count if the bytes are not a whole number of encodings).
        index: usize,
    },
    /// No transfers, or more than [`MAX_BLOCK_TRANSFERS`].
    #[error("a block's aggregated proof covers 1 to {MAX_BLOCK_TRANSFERS} transfers, {0} given")]
    Count(usize),
    /// The proof is larger than [`MAX_AGGREGATE_PROOF_BYTES`] or does not decode.
    #[error("the aggregated proof is malformed")]
    Malformed,
    /// The proof does not verify against these transfers.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// The verifier panicked on hostile input (a bug in the verifier, refused all the same).
    #[error("the verifier could not process the proof")]
    Panicked,
}

/// Most transfers one aggregated proof covers (a tree of depth 10).
pub const MAX_BLOCK_TRANSFERS: usize = 1 << 10;

/// Blocks listing at least this many transfers carry the wrap of their tree's root. The wrap
/// costs about 90 s and 11 GB once per block on 2 cores: under half a tree of 64, 3 % of a
/// tree of 1,024. It shrinks the proof from about 410 KB to under 180 KB and its verification
/// from 22–25 ms to 12.9 ms (`docs/benchmarks.md#the-wrap`).
pub const WRAP_MIN_TRANSFERS: usize = 64;

/// What a block's aggregated proof is, fixed by how many transfers the block lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofForm {
    /// The root proof of the tree over the transfers.
    Root,
    /// The wrap of that root proof.
    Wrapped,
}

impl ProofForm {
    /// The form of a block listing `n` transfers.
    pub fn for_count(n: usize) -> Self {
        if n >= WRAP_MIN_TRANSFERS {
            Self::Wrapped
        } else {
            Self::Root
        }
    }
}

/// Why a block's aggregated proof could not be proven.
#[derive(Debug, thiserror::Error)]
pub enum BlockProveError {
    /// The tree could not be proven.
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// Its root could not be wrapped.
    #[error(transparent)]
    Wrap(#[from] WrapError),
}

/// Keys by leaf width (`TreeKeys::leaf_log_for`): trees of depth 0, 1 and 2 have their own,
/// and all deeper ones share the 8-wide leaves.
type KeyCache = Mutex<[Option<Arc<TreeKeys>>; MAX_LEAF_LOG_WIDTH + 1]>;

/// The proving keys built so far in this process (an author's).
static PROVING: KeyCache = Mutex::new([const { None }; MAX_LEAF_LOG_WIDTH + 1]);
/// The verification-only keys built so far (a node that imports blocks but proves none keeps
/// about half the memory: 392 MiB instead of 867 MiB at depth 4).
static VERIFYING: KeyCache = Mutex::new([const { None }; MAX_LEAF_LOG_WIDTH + 1]);

/// Proving keys covering trees of `depth`, built (or deepened) on first use.
pub fn keys_for_depth(depth: usize) -> Arc<TreeKeys> {
    cached(&PROVING, depth, false)
}

/// Keys that verify a tree of `depth`: an author's proving keys if it has them, otherwise
/// verification-only keys.
fn verifying_keys(depth: usize) -> Arc<TreeKeys> {
    let proving = PROVING.lock().unwrap_or_else(PoisonError::into_inner)
        [TreeKeys::leaf_log_for(depth)]
    .clone();
    match proving {
        Some(keys) if keys.depth() >= depth => keys,
        _ => cached(&VERIFYING, depth, true),
    }
}

/// The wrap key an author proves with: one depth at a time, since each holds its preprocessed
/// columns' extension at blowup 64 (gigabytes).
static PROVING_WRAP: Mutex<Option<(usize, Arc<WrapKey>)>> = Mutex::new(None);
/// Verification-only wrap keys by depth (`depth_for(WRAP_MIN_TRANSFERS)` and up).
static VERIFYING_WRAPS: Mutex<[Option<Arc<WrapKey>>; MAX_DEPTH + 1]> =
    Mutex::new([const { None }; MAX_DEPTH + 1]);
/// The depth of a tree over [`MAX_BLOCK_TRANSFERS`].
const MAX_DEPTH: usize = MAX_BLOCK_TRANSFERS.trailing_zeros() as usize;

/// The wrap key over the roots of trees of `depth`, for proving.
fn proving_wrap(keys: &TreeKeys, depth: usize) -> Arc<WrapKey> {
    let mut slot = PROVING_WRAP.lock().unwrap_or_else(PoisonError::into_inner);
    match slot.as_ref() {
        Some((built, key)) if *built == depth => key.clone(),
        _ => {
            // Free the previous depth's key before building another.
            *slot = None;
            let key = Arc::new(WrapKey::new(keys.root_key_at(depth)));
            *slot = Some((depth, key.clone()));
            key
        }
    }
}

/// A wrap key that verifies wraps over trees of `depth`: the author's if it has that depth,
/// otherwise a verification-only one.
fn verifying_wrap(keys: &TreeKeys, depth: usize) -> Arc<WrapKey> {
    if let Some((built, key)) = PROVING_WRAP
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        && *built == depth
    {
        return key.clone();
    }
    VERIFYING_WRAPS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)[depth]
        .get_or_insert_with(|| Arc::new(WrapKey::new(keys.root_key_at(depth)).into_verifier()))
        .clone()
}

fn cached(cache: &KeyCache, depth: usize, verifier_only: bool) -> Arc<TreeKeys> {
    let mut slots = cache.lock().unwrap_or_else(PoisonError::into_inner);
    let slot = &mut slots[TreeKeys::leaf_log_for(depth)];
    match slot.as_ref() {
        Some(keys) if keys.depth() >= depth => keys.clone(),
        _ => {
            let keys = match slot.take().map(Arc::try_unwrap) {
                Some(Ok(mut keys)) => {
                    keys.grow(depth);
                    keys
                }
                // Still in use elsewhere (or none yet): build afresh.
                _ if verifier_only => TreeKeys::verifier(depth),
                _ => TreeKeys::new(depth),
            };
            let keys = Arc::new(keys);
            *slot = Some(keys.clone());
            keys
        }
    }
}

/// Proves the aggregated proof of a block listing `transfers` (1 to [`MAX_BLOCK_TRANSFERS`])
/// in this order, in the form their count fixes; `progress(level, done, total)` after every
/// proof (the wrap is the level above the root). Returns the encoded proof.
pub fn prove_block(
    transfers: &[(TransactionPublicInputs, TransactionProof)],
    progress: impl FnMut(usize, usize, usize),
) -> Result<Vec<u8>, BlockProveError> {
    prove_block_as(ProofForm::for_count(transfers.len()), transfers, progress)
}

/// [`prove_block`] in a given form (tests prove small wrapped blocks with it).
pub fn prove_block_as(
    form: ProofForm,
    transfers: &[(TransactionPublicInputs, TransactionProof)],
    mut progress: impl FnMut(usize, usize, usize),
) -> Result<Vec<u8>, BlockProveError> {
    if transfers.len() > MAX_BLOCK_TRANSFERS {
        return Err(TreeError::Count {
            depth: MAX_DEPTH,
            max: MAX_BLOCK_TRANSFERS,
            got: transfers.len(),
        }
        .into());
    }
    let depth = TreeKeys::depth_for(transfers.len());
    let keys = keys_for_depth(depth);
    let (root, digest) = keys.prove_at(depth, transfers, &mut progress)?;
    match form {
        ProofForm::Root => Ok(root.to_bytes()),
        ProofForm::Wrapped => {
            let wrap = proving_wrap(&keys, depth);
            let proof = wrap.prove(keys.root_key_at(depth), &root, &digest)?;
            progress(depth - keys.leaf_log() + 1, 1, 1);
            Ok(proof.to_bytes())
        }
    }
}

/// Verifies a block's aggregated proof against the concatenated encodings of its transfers'
/// public inputs (`TransactionPublicInputs::to_bytes`, block order), in the form their count
/// fixes. Never panics.
pub fn verify_block(public_inputs: &[u8], proof: &[u8]) -> Result<(), BlockProofError> {
    let n = public_inputs.len() / PUBLIC_INPUT_BYTES;
    verify_block_as(ProofForm::for_count(n), public_inputs, proof)
}

/// [`verify_block`] in a given form.
pub fn verify_block_as(
    form: ProofForm,
    public_inputs: &[u8],
    proof: &[u8],
) -> Result<(), BlockProofError> {
    if !public_inputs.len().is_multiple_of(PUBLIC_INPUT_BYTES) {
        return Err(BlockProofError::PublicInputs {
            index: public_inputs.len() / PUBLIC_INPUT_BYTES,
        });
    }
    let n = public_inputs.len() / PUBLIC_INPUT_BYTES;
    if !(1..=MAX_BLOCK_TRANSFERS).contains(&n) {
        return Err(BlockProofError::Count(n));
    }
    let publics = public_inputs
        .chunks_exact(PUBLIC_INPUT_BYTES)
        .enumerate()
        .map(|(index, bytes)| {
            TransactionPublicInputs::from_bytes(bytes)
                .map_err(|_| BlockProofError::PublicInputs { index })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if proof.len() > MAX_AGGREGATE_PROOF_BYTES {
        return Err(BlockProofError::Malformed);
    }
    let proof = CircuitProof::from_bytes(proof).map_err(|_| BlockProofError::Malformed)?;
    let depth = TreeKeys::depth_for(n);
    let keys = verifying_keys(depth);
    let wrap = (form == ProofForm::Wrapped).then(|| verifying_wrap(&keys, depth));
    std::panic::catch_unwind(core::panic::AssertUnwindSafe(|| match &wrap {
        None => keys.verify_at(depth, &proof, &publics),
        Some(wrap) => wrap.verify(&proof, &root_digest(&publics, depth)),
    }))
    .map_err(|_| BlockProofError::Panicked)?
    .map_err(BlockProofError::from)
}
