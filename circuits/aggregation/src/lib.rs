//! Recursive aggregation of Hegemon transaction proofs.
//!
//! The recursive verifier is written as a [`circuit`] (a fixed list of extension-field
//! multiply–adds and Poseidon2 permutations over wires) and proven with a multi-table STARK
//! ([`tables`], [`proof`]) whose tables share one LogUp bus of wires. [`gadgets`] hold the
//! verifier's pieces written against the circuit builder. The design, milestones and costs are
//! in `.agent/AGGREGATION_EXECPLAN.md`; the circuit and table layout in
//! `docs/spec/aggregation.md`.
#![no_std]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod aggregate;
#[cfg(feature = "std")]
pub mod block;
pub mod circuit;
pub mod config;
pub mod field;
pub mod fixtures;
pub mod gadgets;
pub mod inner;
pub mod leaf;
pub mod proof;
pub mod security;
pub mod tables;
pub mod tree;
pub mod wrap;

pub use circuit::{Circuit, CircuitBuilder, RunError, Wire, Witness};
pub use proof::{CircuitKey, CircuitProof, DecodeError, ProveError, VerifyError};
