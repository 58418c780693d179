//! One aggregated proof per block (M5): the rule that ties a block's transfers to the root proof
//! it carries, and the process-wide keys that prove and verify it.
//!
//! A block listing `N` transfers carries the root proof of a tree of depth
//! [`TreeKeys::depth_for`]`(N)` over their public inputs in block order (padded as
//! [`crate::tree`] describes). The verifier recomputes the root digest from the listed public
//! inputs, so the proof binds exactly those transfers in exactly that order. Keys are built on
//! first use, seconds per level, and kept: the keys of a deeper tree serve every smaller depth
//! with the same leaf width. Verifiers keep verification-only keys unless they also prove.
//! Spec: `docs/spec/aggregation.md#blocks`.

use alloc::sync::Arc;
use alloc::vec::Vec;
use std::sync::{Mutex, PoisonError};

use transaction_circuit::{PUBLIC_INPUT_BYTES, TransactionProof, TransactionPublicInputs};

use crate::leaf::MAX_LEAF_LOG_WIDTH;
use crate::proof::{CircuitProof, VerifyError};
use crate::tree::{TreeError, TreeKeys};

/// Largest encoded root proof a block may carry (a root measures about 470 KB).
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
/// in this order; `progress(level, done, total)` after every proof. Returns the encoded root
/// proof.
pub fn prove_block(
    transfers: &[(TransactionPublicInputs, TransactionProof)],
    progress: impl FnMut(usize, usize, usize),
) -> Result<Vec<u8>, TreeError> {
    if transfers.len() > MAX_BLOCK_TRANSFERS {
        return Err(TreeError::Count {
            depth: TreeKeys::depth_for(MAX_BLOCK_TRANSFERS),
            max: MAX_BLOCK_TRANSFERS,
            got: transfers.len(),
        });
    }
    let depth = TreeKeys::depth_for(transfers.len());
    let (proof, _) = keys_for_depth(depth).prove_at(depth, transfers, progress)?;
    Ok(proof.to_bytes())
}

/// Verifies a block's aggregated proof against the concatenated encodings of its transfers'
/// public inputs (`TransactionPublicInputs::to_bytes`, block order). Never panics.
pub fn verify_block(public_inputs: &[u8], proof: &[u8]) -> Result<(), BlockProofError> {
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
    std::panic::catch_unwind(core::panic::AssertUnwindSafe(|| {
        keys.verify_at(depth, &proof, &publics)
    }))
    .map_err(|_| BlockProofError::Panicked)?
    .map_err(BlockProofError::from)
}
