//! The VM's limits from the attacker's side: scripts written to loop forever, exhaust memory,
//! nest without end, hash without end or build oversized items stop with the error naming the
//! limit, and the same scripts kept inside the limit succeed.

mod support;

use cashvm_covenant::asm::assemble;
use cashvm_covenant::{Mode, Vm, VmError};
use support::spend;

fn eval(unlocking_asm: &str, locking_asm: &str) -> Result<cashvm_covenant::Metrics, VmError> {
    let tx = spend(
        &assemble(unlocking_asm).expect("unlocking ASM"),
        &assemble(locking_asm).expect("locking ASM"),
    );
    Vm::new(Mode::Standard).eval_input(&tx, 0)
}

#[test]
fn an_endless_loop_stops_at_the_operation_cost_budget() {
    let err = eval("", "OP_BEGIN <0> OP_UNTIL <1>").expect_err("loops forever");
    assert!(
        matches!(err, VmError::OpCostExceeded { max: 32_800, .. }),
        "{err}"
    );
    // Ten rounds fit.
    eval(
        "<10>",
        "OP_BEGIN OP_1SUB OP_DUP OP_NOT OP_UNTIL OP_DROP <1>",
    )
    .expect("bounded loop");
}

#[test]
fn growing_the_stack_stops_at_a_thousand_slots() {
    // Unlocking padding buys the operation cost; memory is what runs out.
    let padding = format!("<0x{}>", "00".repeat(2_000));
    let err = eval(
        &padding,
        "OP_BEGIN <1> OP_DEPTH <1200> OP_GREATERTHAN OP_UNTIL",
    )
    .expect_err("unbounded stack");
    assert!(
        matches!(err, VmError::MemorySlotsExceeded { used: 1_001, .. }),
        "{err}"
    );
    // Defined functions take slots too.
    let err = eval(
        &padding,
        "<0> OP_BEGIN OP_1ADD OP_DUP OP_DUP OP_DEFINE OP_DUP OP_DEPTH OP_DROP <0> OP_UNTIL",
    )
    .expect_err("unbounded functions");
    assert!(matches!(err, VmError::MemorySlotsExceeded { .. }), "{err}");
}

#[test]
fn nesting_and_recursion_stop_at_a_control_depth_of_one_hundred() {
    let nested = |depth: usize| {
        format!(
            "{}<1>{}",
            "<1> OP_IF ".repeat(depth),
            " OP_ENDIF".repeat(depth)
        )
    };
    eval("", &nested(100)).expect("100 levels");
    let err = eval("", &nested(101)).expect_err("101 levels");
    assert!(
        matches!(err, VmError::ControlDepthExceeded { depth: 101, .. }),
        "{err}"
    );
    let err = eval("", "<<0> OP_INVOKE> <0> OP_DEFINE <0> OP_INVOKE").expect_err("recursion");
    assert!(matches!(err, VmError::ControlDepthExceeded { .. }), "{err}");
}

#[test]
fn hashing_stops_at_the_density_budget() {
    // 41 bytes of density allow 20 standard digest iterations.
    let err = eval("", "<0> OP_BEGIN OP_SHA256 <0> OP_UNTIL").expect_err("endless hashing");
    assert!(
        matches!(
            err,
            VmError::HashingExceeded {
                iterations: 21,
                max: 20
            }
        ),
        "{err}"
    );
    let twenty = format!("<0> {}OP_SIZE OP_NIP", "OP_SHA256 ".repeat(20));
    eval("", &twenty).expect("twenty digests");
    let block = Vm::new(Mode::Consensus).eval_input(
        &spend(
            &[],
            &assemble(&format!("<0> {}OP_SIZE OP_NIP", "OP_SHA256 ".repeat(21))).expect("asm"),
        ),
        0,
    );
    // Block validation allows 3.5 iterations per byte (143 here) at 64 cost each.
    assert_eq!(block.expect("block rules").hash_iterations, 21);
}

#[test]
fn items_and_numbers_stop_at_ten_thousand_bytes() {
    let padding = format!("<0x{}>", "00".repeat(1_000));
    eval(
        &padding,
        "OP_DROP <0> <10000> OP_NUM2BIN OP_SIZE OP_NIP <10000> OP_NUMEQUAL",
    )
    .expect("10,000-byte item");
    let err = eval(
        &padding,
        "OP_DROP <0> <10000> OP_NUM2BIN <1> OP_CAT OP_SIZE OP_NIP",
    )
    .expect_err("10,001 bytes");
    assert!(
        matches!(err, VmError::ItemTooLong { len: 10_001, .. }),
        "{err}"
    );
    let err = eval(&padding, "OP_DROP <1> <79999> OP_LSHIFTNUM OP_SIZE OP_NIP")
        .expect_err("2^79999 needs 10,001 bytes");
    assert!(
        matches!(err, VmError::NumberOverflow { len: 10_001, .. }),
        "{err}"
    );
    eval(
        &padding,
        "OP_DROP <1> <79998> OP_LSHIFTNUM OP_SIZE OP_NIP <10000> OP_NUMEQUAL",
    )
    .expect("2^79998 fits");
}

#[test]
fn unlocking_bytecode_must_be_push_only_and_the_stack_clean() {
    let tx = spend(&[0x51, 0x76], &[0x87]);
    assert_eq!(Vm::default().eval_input(&tx, 0), Err(VmError::NotPushOnly));
    assert!(matches!(
        eval("<1> <1>", "OP_DROP OP_DUP"),
        Err(VmError::NotCleanStack { depth: 2, .. })
    ));
    assert!(matches!(eval("<1>", "OP_NOT"), Err(VmError::FalseResult)));
    assert!(matches!(
        eval("", "OP_PUSHBYTES_1 0x05"),
        Err(VmError::NonMinimalPush)
    ));
    let padded = spend(&[], &[0x02, 0x01, 0x00, 0x8b]);
    assert!(matches!(
        Vm::default().eval_input(&padded, 0),
        Err(VmError::BadNumber { .. })
    ));
}

#[test]
fn signature_opcodes_are_refused_explicitly() {
    let err = eval("<0> <0x02>", "OP_CHECKSIG").expect_err("no curves");
    assert!(matches!(err, VmError::SignatureUnsupported { .. }), "{err}");
    // Unexecuted, they cost only their instruction.
    eval("", "<0> OP_IF OP_CHECKSIG OP_ENDIF <1>").expect("skipped branch");
}
