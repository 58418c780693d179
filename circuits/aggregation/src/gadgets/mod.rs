//! Pieces of the recursive verifier, written against [`CircuitBuilder`](crate::CircuitBuilder).
//! Each gadget computes exactly what its native counterpart in Plonky3 computes; the tests run
//! both on the same data.

pub mod batch;
pub mod challenger;
pub mod constraints;
pub mod fri;
pub mod hash;
pub mod merkle;
pub mod pcs;
pub mod periodic;
pub mod stark;
