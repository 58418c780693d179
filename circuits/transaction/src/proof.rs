//! Proof bytes, proving and verification.
//!
//! Encoding ([spec § Proof encoding][enc]): `version (1 byte) ‖ postcard(Proof)`, at most
//! [`MAX_PROOF_BYTES`]. Verification never panics on hostile bytes: size and version are checked
//! first, decoding is fallible, the proof's shape is checked against the circuit, and the
//! Plonky3 verifier (which may panic on malformed input) runs under `catch_unwind` when `std` is
//! available.
//!
//! [enc]: ../../../docs/spec/transaction.md#proof-encoding

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use p3_uni_stark::Proof;

use crate::air::{TransactionAir, VerifierView};
use crate::config::{TxStarkConfig, stark_config};
use crate::public_inputs::{CIRCUIT_VERSION, TransactionPublicInputs};
use crate::schedule::TRACE_HEIGHT;

/// Current proof encoding version.
pub const PROOF_FORMAT_VERSION: u8 = 1;
/// Hard cap on encoded proof size; larger inputs are rejected before decoding.
pub const MAX_PROOF_BYTES: usize = 192 * 1024;
/// `degree_bits` every valid proof has: the trace height, doubled by the zero-knowledge padding.
pub const EXPECTED_DEGREE_BITS: usize = TRACE_HEIGHT.trailing_zeros() as usize + 1;

/// An encoded transaction proof.
#[derive(Clone, PartialEq, Eq)]
pub struct TransactionProof(Vec<u8>);

impl TransactionProof {
    /// Wraps bytes received from the network after the cheap checks (size, version). The rest
    /// is checked by [`verify`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        if bytes.len() > MAX_PROOF_BYTES {
            return Err(VerifyError::TooLarge {
                len: bytes.len(),
                max: MAX_PROOF_BYTES,
            });
        }
        match bytes.first() {
            None => Err(VerifyError::Malformed {
                reason: "empty proof".into(),
            }),
            Some(&PROOF_FORMAT_VERSION) => Ok(Self(bytes.to_vec())),
            Some(&v) => Err(VerifyError::UnknownFormat { version: v }),
        }
    }

    /// The encoding.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The decoded STARK proof (the recursive verifier reads it field by field).
    pub fn decode(&self) -> Result<Proof<TxStarkConfig>, VerifyError> {
        postcard::from_bytes(&self.0[1..]).map_err(|e| VerifyError::Malformed {
            reason: e.to_string(),
        })
    }
}

impl fmt::Debug for TransactionProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TransactionProof({} bytes)", self.0.len())
    }
}

/// Why a proof was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The encoding exceeds the size cap.
    #[error("proof is {len} bytes; at most {max} are accepted")]
    TooLarge {
        /// Length received.
        len: usize,
        /// The cap.
        max: usize,
    },
    /// An encoding version this software does not know.
    #[error("unknown proof format version {version}")]
    UnknownFormat {
        /// The version byte.
        version: u8,
    },
    /// The bytes do not decode as a proof.
    #[error("malformed proof: {reason}")]
    Malformed {
        /// Decoder message.
        reason: String,
    },
    /// The public inputs name a circuit version this verifier does not implement.
    #[error("circuit version {got} is not supported (this verifier implements {expected})")]
    WrongCircuitVersion {
        /// Supported version.
        expected: u32,
        /// Version claimed.
        got: u32,
    },
    /// The public inputs are invalid on their own (value balance out of range, equal nullifiers).
    #[error("invalid public inputs: {reason}")]
    BadPublicInputs {
        /// Which rule.
        reason: &'static str,
    },
    /// The proof's shape does not match this circuit.
    #[error("proof shape does not match the transaction circuit: {reason}")]
    WrongShape {
        /// What differs.
        reason: &'static str,
    },
    /// The STARK verifier rejected the proof.
    #[error("proof rejected: {reason}")]
    Rejected {
        /// The verifier's error.
        reason: String,
    },
}

fn check_public_inputs(public: &TransactionPublicInputs) -> Result<(), VerifyError> {
    if public.circuit_version != CIRCUIT_VERSION {
        return Err(VerifyError::WrongCircuitVersion {
            expected: CIRCUIT_VERSION,
            got: public.circuit_version,
        });
    }
    if !public.value_balance.in_range() {
        return Err(VerifyError::BadPublicInputs {
            reason: "value balance magnitude ≥ 2^64",
        });
    }
    if public.nullifiers[0] == public.nullifiers[1] {
        return Err(VerifyError::BadPublicInputs {
            reason: "the two nullifiers are equal",
        });
    }
    Ok(())
}

/// The verifier's AIR and configuration, built once.
fn verifier() -> &'static (TransactionAir, TxStarkConfig) {
    static VERIFIER: spin::Once<(TransactionAir, TxStarkConfig)> = spin::Once::new();
    VERIFIER.call_once(|| {
        let air = TransactionAir::new();
        // The verifier draws no randomness; the seed is never used.
        let config = stark_config(&air, [0u8; 32]);
        (air, config)
    })
}

/// Verifies `proof` against `public`.
pub fn verify(
    public: &TransactionPublicInputs,
    proof: &TransactionProof,
) -> Result<(), VerifyError> {
    check_public_inputs(public)?;
    let decoded = proof.decode()?;
    if decoded.degree_bits != EXPECTED_DEGREE_BITS {
        return Err(VerifyError::WrongShape {
            reason: "degree_bits",
        });
    }
    let values = public.to_field_elements();
    let (air, config) = verifier();
    run_verifier(|| p3_uni_stark::verify(config, &VerifierView(air), &decoded, &values))
}

#[cfg(feature = "std")]
fn run_verifier<E: fmt::Debug>(f: impl FnOnce() -> Result<(), E>) -> Result<(), VerifyError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(VerifyError::Rejected {
            reason: alloc::format!("{e:?}"),
        }),
        Err(_) => Err(VerifyError::Rejected {
            reason: "verifier panicked on malformed proof".into(),
        }),
    }
}

#[cfg(not(feature = "std"))]
fn run_verifier<E: fmt::Debug>(f: impl FnOnce() -> Result<(), E>) -> Result<(), VerifyError> {
    f().map_err(|e| VerifyError::Rejected {
        reason: alloc::format!("{e:?}"),
    })
}

#[cfg(feature = "prover")]
pub use prover::{ProveError, prove};

#[cfg(feature = "prover")]
mod prover {
    use super::*;
    use crate::generation::generate_trace;
    use crate::witness::{TransactionWitness, WitnessError};

    /// Why a proof could not be made.
    #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
    #[non_exhaustive]
    pub enum ProveError {
        /// The witness breaks a rule of the statement.
        #[error(transparent)]
        Witness(#[from] WitnessError),
        /// The operating system refused randomness for the zero-knowledge masks.
        #[error("no OS randomness for proof hiding: {0}")]
        Randomness(String),
        /// The STARK prover failed.
        #[error("prover failed: {0}")]
        Prover(String),
    }

    /// Proves a transfer. Validates the witness first, so a bad witness is refused with a typed
    /// error; the hiding randomness comes from the OS.
    pub fn prove(
        witness: &TransactionWitness,
    ) -> Result<(TransactionPublicInputs, TransactionProof), ProveError> {
        let public = witness.public_inputs()?;
        let trace = generate_trace(witness, &public)?;
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| ProveError::Randomness(e.to_string()))?;
        let air = TransactionAir::new();
        let config = stark_config(&air, seed);
        let proof = p3_uni_stark::prove(&config, &air, trace, &public.to_field_elements())
            .map_err(|e| ProveError::Prover(alloc::format!("{e:?}")))?;
        let mut bytes = alloc::vec![PROOF_FORMAT_VERSION];
        bytes.extend(postcard::to_allocvec(&proof).map_err(|e| ProveError::Prover(e.to_string()))?);
        Ok((public, TransactionProof(bytes)))
    }
}
