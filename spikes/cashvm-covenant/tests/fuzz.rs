//! Random bytecode, transactions and ASM: the VM, the decoders and the assembler never panic,
//! and an accepted input never exceeds its operation-cost or hashing budget.

mod support;

use cashvm_covenant::asm::assemble;
use cashvm_covenant::{Mode, Output, Transaction, Vm};
use proptest::prelude::*;
use support::spend;

/// Bytecode drawn mostly from small pushes and real opcodes, so evaluation gets somewhere.
fn bytecode() -> impl Strategy<Value = Vec<u8>> {
    let instruction = prop_oneof![
        4 => (0x51u8..=0x60).prop_map(|op| vec![op]),
        8 => (0x61u8..=0xd3).prop_map(|op| vec![op]),
        2 => proptest::collection::vec(any::<u8>(), 1..8).prop_map(|data| {
            let mut push = vec![data.len() as u8];
            push.extend(data);
            push
        }),
        1 => any::<u8>().prop_map(|op| vec![op]),
    ];
    proptest::collection::vec(instruction, 0..60).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn random_bytecode_never_panics_or_overspends(
        unlocking in proptest::collection::vec(0x00u8..=0x60, 0..40),
        locking in bytecode(),
    ) {
        let tx = spend(&unlocking, &locking);
        for mode in [Mode::Standard, Mode::Consensus] {
            if let Ok(metrics) = Vm::new(mode).eval_input(&tx, 0) {
                prop_assert!(metrics.op_cost(mode) <= metrics.max_op_cost());
            }
        }
    }

    #[test]
    fn random_bytes_never_panic_the_decoders(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = Transaction::decode(&bytes);
        let _ = Output::decode_list(&bytes);
        let _ = cashvm_covenant::script::Script::parse(&bytes);
        let _ = cashvm_covenant::asm::disassemble(&bytes);
    }

    #[test]
    fn random_asm_never_panics_the_assembler(text in "[<>$() \"'a-zA-Z0-9_x/*-]{0,60}") {
        let _ = assemble(&text);
    }
}
