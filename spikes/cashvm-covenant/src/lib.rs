//! A strict model of Bitcoin Cash's 2026 VM ("CashVM") for testing covenants before they go on
//! chain, and the covenant that settles Hegemon-style private transfers.
//!
//! Status (see `.agent/CASHVM_EXECPLAN.md`): the transaction model and its exact wire encodings
//! (CashTokens prefix included) are done and checked against every public 2026 VMB test vector.
//! The interpreter, standardness rules, assembler and covenant come next.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod encoding;
pub mod num;
pub mod script;
pub mod standardness;
pub mod tx;
pub mod verify;
pub mod vm;

pub use encoding::DecodeError;
pub use tx::{
    NftCapability, Outpoint, Output, ResolvedInput, ResolvedTx, Token, Transaction, TxInput,
};
pub use vm::{Metrics, Mode, Vm, VmError};
