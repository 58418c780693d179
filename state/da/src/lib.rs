//! Data availability for Hegemon blocks: the payload a block's transfers put outside the block
//! body (note ciphertexts and, until aggregation lands, transaction proofs).
//!
//! - [`encode`]: systematic Reed-Solomon at rate 1/2 (`reed-solomon-simd`, GF(2^16)) over
//!   fixed-size chunks, and the Merkle commitment ([`DaCommitment`]) over all chunks.
//! - [`proof`]: chunk + index + Merkle path, verifiable against a commitment (`no_std`).
//! - [`sampling`]: which chunks a node samples, from a node-local secret and the block hash.
//! - [`reconstruct`]: recover the payload from any half of the chunks, re-encode, re-check the
//!   root (a valid tree over a bad encoding is caught).
//! - [`items`]: framing of the items (ciphertexts, proofs) inside a payload.
//!
//! Chunk layout, commitment and sampling math: `docs/spec/data-availability.md`.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod commitment;
#[cfg(feature = "std")]
pub mod encode;
mod error;
pub mod items;
pub mod merkle;
pub mod proof;
#[cfg(feature = "std")]
pub mod reconstruct;
pub mod sampling;
#[cfg(all(test, feature = "std"))]
mod tests;

pub use commitment::{DaCommitment, DaRoot};
#[cfg(feature = "std")]
pub use encode::{EncodedBlock, encode};
pub use error::DaError;
pub use proof::{ChunkProof, verify_chunk};
#[cfg(feature = "std")]
pub use reconstruct::reconstruct;
pub use sampling::{DEFAULT_SAMPLES, sample_indices};

/// Bytes per chunk (even, as the GF(2^16) codec requires).
pub const CHUNK_SIZE: usize = 2048;
/// Fewest original chunks a payload is padded to, so that sampling bounds hold for small blocks.
pub const MIN_ORIGINAL_CHUNKS: usize = 32;
/// Most original chunks (the codec's limit): a 64 MiB payload.
pub const MAX_ORIGINAL_CHUNKS: usize = 32_768;
/// Largest payload a block can carry.
pub const MAX_PAYLOAD_BYTES: usize = MAX_ORIGINAL_CHUNKS * CHUNK_SIZE;
/// Current format version.
pub const DA_VERSION: u8 = 1;

/// Original chunks needed for a payload of `byte_len` bytes. The payload's exact length is
/// carried (and bound into the root) by the commitment, so the data needs no in-band prefix and
/// a power-of-two payload fills a power-of-two number of chunks (the codec's fast case).
pub fn original_chunks_for(byte_len: usize) -> usize {
    byte_len.div_ceil(CHUNK_SIZE).max(MIN_ORIGINAL_CHUNKS)
}
