//! The 2-input / 2-output join-split STARK of Hegemon.
//!
//! A user proves, on their own device, that they may spend two notes of the commitment tree and
//! create two new ones, without revealing which notes, whose, or how much. The statement,
//! public inputs and constraints are specified in `docs/spec/transaction.md`.
//!
//! - [`columns`], [`poseidon2_cols`], [`schedule`], [`air`]: the AIR (one Poseidon2 permutation
//!   per row, 128 rows, fixed row roles as periodic selectors).
//! - [`public_inputs`]: the typed public inputs and their field layout.
//! - [`witness`], `generation`: the private witness, its validation, the trace (feature `prover`).
//! - [`config`]: KoalaBear⁵ + Poseidon2-24 hiding FRI, security computed at construction.
//! - [`proof`]: the versioned proof encoding, `prove` and `verify`.
#![no_std]
#![deny(missing_docs)]
// Constraint code indexes parallel arrays (lanes, limbs, registers) by the same index.
#![allow(clippy::needless_range_loop)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod air;
pub mod columns;
pub mod config;
#[cfg(feature = "prover")]
mod generation;
pub mod poseidon2_cols;
pub mod proof;
pub mod public_inputs;
pub mod schedule;
#[cfg(any(test, feature = "test-utils"))]
pub mod testing;
pub mod witness;

#[cfg(all(test, feature = "prover"))]
mod tests;

pub use air::TransactionAir;
pub use config::{SecurityReport, security_report};
#[cfg(feature = "prover")]
pub use proof::{ProveError, prove};
pub use proof::{TransactionProof, VerifyError, verify};
pub use public_inputs::{
    CIRCUIT_VERSION, PUBLIC_INPUT_BYTES, PublicInputsError, TransactionPublicInputs, ValueBalance,
};
pub use witness::{SpendWitness, TransactionWitness, WitnessError};
