//! A one-input transaction for tests that evaluate a single script pair.

use cashvm_covenant::tx::{Outpoint, ResolvedInput};
use cashvm_covenant::{Output, ResolvedTx};

/// Spends a P2S output locked by `locking` with `unlocking`, paying one output.
pub fn spend(unlocking: &[u8], locking: &[u8]) -> ResolvedTx {
    ResolvedTx {
        version: 2,
        inputs: vec![ResolvedInput {
            prevout: Outpoint {
                txid: [7; 32],
                index: 1,
            },
            prev_output: Output {
                value: 10_000,
                token: None,
                locking: locking.to_vec(),
            },
            unlocking: unlocking.to_vec(),
            sequence: 0,
        }],
        outputs: vec![Output {
            value: 9_000,
            token: None,
            locking: vec![0x51],
        }],
        locktime: 0,
    }
}
