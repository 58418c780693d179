//! A strict model of Bitcoin Cash's 2026 VM ("CashVM") for testing covenants before they go on
//! chain, and the covenant that settles Hegemon-style private transfers.
//!
//! Status (see `.agent/CASHVM_EXECPLAN.md` and `docs/cashvm.md`): transactions and their wire
//! encodings ([`tx`]), the interpreter with exact op-cost metering ([`vm`]), standardness and
//! whole-transaction rules ([`standardness`], [`verify`]) and the CashAssembly assembler
//! ([`asm`]) agree with the reference VM on every public 2026 VMB vector that needs no
//! signature check. The covenant comes next.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod asm;
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
