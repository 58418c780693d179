//! Bytecode: the 2026 opcode table and instruction parsing.
//!
//! An instruction is an opcode, plus data for the push opcodes `0x00..=0x4e` (`OP_PUSHBYTES_n`
//! carries `n` bytes; `OP_PUSHDATA_1/2/4` a 1/2/4-byte little-endian length first). Bytecode is
//! *malformed* when its last push runs past the end; parsing keeps the instructions before it so
//! errors can name the broken one.

use core::ops::Range;

/// Opcode values (BCH 2026: `BCH_2026_05`).
#[allow(missing_docs)]
pub mod op {
    pub const OP_0: u8 = 0x00;
    pub const OP_PUSHDATA_1: u8 = 0x4c;
    pub const OP_PUSHDATA_2: u8 = 0x4d;
    pub const OP_PUSHDATA_4: u8 = 0x4e;
    pub const OP_1NEGATE: u8 = 0x4f;
    pub const OP_RESERVED: u8 = 0x50;
    pub const OP_1: u8 = 0x51;
    pub const OP_16: u8 = 0x60;
    pub const OP_NOP: u8 = 0x61;
    pub const OP_VER: u8 = 0x62;
    pub const OP_IF: u8 = 0x63;
    pub const OP_NOTIF: u8 = 0x64;
    pub const OP_BEGIN: u8 = 0x65;
    pub const OP_UNTIL: u8 = 0x66;
    pub const OP_ELSE: u8 = 0x67;
    pub const OP_ENDIF: u8 = 0x68;
    pub const OP_VERIFY: u8 = 0x69;
    pub const OP_RETURN: u8 = 0x6a;
    pub const OP_TOALTSTACK: u8 = 0x6b;
    pub const OP_FROMALTSTACK: u8 = 0x6c;
    pub const OP_2DROP: u8 = 0x6d;
    pub const OP_2DUP: u8 = 0x6e;
    pub const OP_3DUP: u8 = 0x6f;
    pub const OP_2OVER: u8 = 0x70;
    pub const OP_2ROT: u8 = 0x71;
    pub const OP_2SWAP: u8 = 0x72;
    pub const OP_IFDUP: u8 = 0x73;
    pub const OP_DEPTH: u8 = 0x74;
    pub const OP_DROP: u8 = 0x75;
    pub const OP_DUP: u8 = 0x76;
    pub const OP_NIP: u8 = 0x77;
    pub const OP_OVER: u8 = 0x78;
    pub const OP_PICK: u8 = 0x79;
    pub const OP_ROLL: u8 = 0x7a;
    pub const OP_ROT: u8 = 0x7b;
    pub const OP_SWAP: u8 = 0x7c;
    pub const OP_TUCK: u8 = 0x7d;
    pub const OP_CAT: u8 = 0x7e;
    pub const OP_SPLIT: u8 = 0x7f;
    pub const OP_NUM2BIN: u8 = 0x80;
    pub const OP_BIN2NUM: u8 = 0x81;
    pub const OP_SIZE: u8 = 0x82;
    pub const OP_INVERT: u8 = 0x83;
    pub const OP_AND: u8 = 0x84;
    pub const OP_OR: u8 = 0x85;
    pub const OP_XOR: u8 = 0x86;
    pub const OP_EQUAL: u8 = 0x87;
    pub const OP_EQUALVERIFY: u8 = 0x88;
    pub const OP_DEFINE: u8 = 0x89;
    pub const OP_INVOKE: u8 = 0x8a;
    pub const OP_1ADD: u8 = 0x8b;
    pub const OP_1SUB: u8 = 0x8c;
    pub const OP_LSHIFTNUM: u8 = 0x8d;
    pub const OP_RSHIFTNUM: u8 = 0x8e;
    pub const OP_NEGATE: u8 = 0x8f;
    pub const OP_ABS: u8 = 0x90;
    pub const OP_NOT: u8 = 0x91;
    pub const OP_0NOTEQUAL: u8 = 0x92;
    pub const OP_ADD: u8 = 0x93;
    pub const OP_SUB: u8 = 0x94;
    pub const OP_MUL: u8 = 0x95;
    pub const OP_DIV: u8 = 0x96;
    pub const OP_MOD: u8 = 0x97;
    pub const OP_LSHIFTBIN: u8 = 0x98;
    pub const OP_RSHIFTBIN: u8 = 0x99;
    pub const OP_BOOLAND: u8 = 0x9a;
    pub const OP_BOOLOR: u8 = 0x9b;
    pub const OP_NUMEQUAL: u8 = 0x9c;
    pub const OP_NUMEQUALVERIFY: u8 = 0x9d;
    pub const OP_NUMNOTEQUAL: u8 = 0x9e;
    pub const OP_LESSTHAN: u8 = 0x9f;
    pub const OP_GREATERTHAN: u8 = 0xa0;
    pub const OP_LESSTHANOREQUAL: u8 = 0xa1;
    pub const OP_GREATERTHANOREQUAL: u8 = 0xa2;
    pub const OP_MIN: u8 = 0xa3;
    pub const OP_MAX: u8 = 0xa4;
    pub const OP_WITHIN: u8 = 0xa5;
    pub const OP_RIPEMD160: u8 = 0xa6;
    pub const OP_SHA1: u8 = 0xa7;
    pub const OP_SHA256: u8 = 0xa8;
    pub const OP_HASH160: u8 = 0xa9;
    pub const OP_HASH256: u8 = 0xaa;
    pub const OP_CODESEPARATOR: u8 = 0xab;
    pub const OP_CHECKSIG: u8 = 0xac;
    pub const OP_CHECKSIGVERIFY: u8 = 0xad;
    pub const OP_CHECKMULTISIG: u8 = 0xae;
    pub const OP_CHECKMULTISIGVERIFY: u8 = 0xaf;
    pub const OP_NOP1: u8 = 0xb0;
    pub const OP_CHECKLOCKTIMEVERIFY: u8 = 0xb1;
    pub const OP_CHECKSEQUENCEVERIFY: u8 = 0xb2;
    pub const OP_NOP4: u8 = 0xb3;
    pub const OP_NOP10: u8 = 0xb9;
    pub const OP_CHECKDATASIG: u8 = 0xba;
    pub const OP_CHECKDATASIGVERIFY: u8 = 0xbb;
    pub const OP_REVERSEBYTES: u8 = 0xbc;
    pub const OP_INPUTINDEX: u8 = 0xc0;
    pub const OP_ACTIVEBYTECODE: u8 = 0xc1;
    pub const OP_TXVERSION: u8 = 0xc2;
    pub const OP_TXINPUTCOUNT: u8 = 0xc3;
    pub const OP_TXOUTPUTCOUNT: u8 = 0xc4;
    pub const OP_TXLOCKTIME: u8 = 0xc5;
    pub const OP_UTXOVALUE: u8 = 0xc6;
    pub const OP_UTXOBYTECODE: u8 = 0xc7;
    pub const OP_OUTPOINTTXHASH: u8 = 0xc8;
    pub const OP_OUTPOINTINDEX: u8 = 0xc9;
    pub const OP_INPUTBYTECODE: u8 = 0xca;
    pub const OP_INPUTSEQUENCENUMBER: u8 = 0xcb;
    pub const OP_OUTPUTVALUE: u8 = 0xcc;
    pub const OP_OUTPUTBYTECODE: u8 = 0xcd;
    pub const OP_UTXOTOKENCATEGORY: u8 = 0xce;
    pub const OP_UTXOTOKENCOMMITMENT: u8 = 0xcf;
    pub const OP_UTXOTOKENAMOUNT: u8 = 0xd0;
    pub const OP_OUTPUTTOKENCATEGORY: u8 = 0xd1;
    pub const OP_OUTPUTTOKENCOMMITMENT: u8 = 0xd2;
    pub const OP_OUTPUTTOKENAMOUNT: u8 = 0xd3;
}

/// The names of the opcodes above `OP_16`, from `0x61`, as the VMB vectors' ASM writes them.
const NAMES_FROM_NOP: [&str; 0xd4 - 0x61] = [
    "OP_NOP",
    "OP_VER",
    "OP_IF",
    "OP_NOTIF",
    "OP_BEGIN",
    "OP_UNTIL",
    "OP_ELSE",
    "OP_ENDIF",
    "OP_VERIFY",
    "OP_RETURN",
    "OP_TOALTSTACK",
    "OP_FROMALTSTACK",
    "OP_2DROP",
    "OP_2DUP",
    "OP_3DUP",
    "OP_2OVER",
    "OP_2ROT",
    "OP_2SWAP",
    "OP_IFDUP",
    "OP_DEPTH",
    "OP_DROP",
    "OP_DUP",
    "OP_NIP",
    "OP_OVER",
    "OP_PICK",
    "OP_ROLL",
    "OP_ROT",
    "OP_SWAP",
    "OP_TUCK",
    "OP_CAT",
    "OP_SPLIT",
    "OP_NUM2BIN",
    "OP_BIN2NUM",
    "OP_SIZE",
    "OP_INVERT",
    "OP_AND",
    "OP_OR",
    "OP_XOR",
    "OP_EQUAL",
    "OP_EQUALVERIFY",
    "OP_DEFINE",
    "OP_INVOKE",
    "OP_1ADD",
    "OP_1SUB",
    "OP_LSHIFTNUM",
    "OP_RSHIFTNUM",
    "OP_NEGATE",
    "OP_ABS",
    "OP_NOT",
    "OP_0NOTEQUAL",
    "OP_ADD",
    "OP_SUB",
    "OP_MUL",
    "OP_DIV",
    "OP_MOD",
    "OP_LSHIFTBIN",
    "OP_RSHIFTBIN",
    "OP_BOOLAND",
    "OP_BOOLOR",
    "OP_NUMEQUAL",
    "OP_NUMEQUALVERIFY",
    "OP_NUMNOTEQUAL",
    "OP_LESSTHAN",
    "OP_GREATERTHAN",
    "OP_LESSTHANOREQUAL",
    "OP_GREATERTHANOREQUAL",
    "OP_MIN",
    "OP_MAX",
    "OP_WITHIN",
    "OP_RIPEMD160",
    "OP_SHA1",
    "OP_SHA256",
    "OP_HASH160",
    "OP_HASH256",
    "OP_CODESEPARATOR",
    "OP_CHECKSIG",
    "OP_CHECKSIGVERIFY",
    "OP_CHECKMULTISIG",
    "OP_CHECKMULTISIGVERIFY",
    "OP_NOP1",
    "OP_CHECKLOCKTIMEVERIFY",
    "OP_CHECKSEQUENCEVERIFY",
    "OP_NOP4",
    "OP_NOP5",
    "OP_NOP6",
    "OP_NOP7",
    "OP_NOP8",
    "OP_NOP9",
    "OP_NOP10",
    "OP_CHECKDATASIG",
    "OP_CHECKDATASIGVERIFY",
    "OP_REVERSEBYTES",
    "OP_UNKNOWN189",
    "OP_UNKNOWN190",
    "OP_UNKNOWN191",
    "OP_INPUTINDEX",
    "OP_ACTIVEBYTECODE",
    "OP_TXVERSION",
    "OP_TXINPUTCOUNT",
    "OP_TXOUTPUTCOUNT",
    "OP_TXLOCKTIME",
    "OP_UTXOVALUE",
    "OP_UTXOBYTECODE",
    "OP_OUTPOINTTXHASH",
    "OP_OUTPOINTINDEX",
    "OP_INPUTBYTECODE",
    "OP_INPUTSEQUENCENUMBER",
    "OP_OUTPUTVALUE",
    "OP_OUTPUTBYTECODE",
    "OP_UTXOTOKENCATEGORY",
    "OP_UTXOTOKENCOMMITMENT",
    "OP_UTXOTOKENAMOUNT",
    "OP_OUTPUTTOKENCATEGORY",
    "OP_OUTPUTTOKENCOMMITMENT",
    "OP_OUTPUTTOKENAMOUNT",
];

/// The ASM name of `opcode` (`OP_UNKNOWN<n>` for unassigned codepoints).
pub fn opcode_name(opcode: u8) -> String {
    match opcode {
        op::OP_0 => "OP_0".into(),
        0x01..=0x4b => format!("OP_PUSHBYTES_{opcode}"),
        op::OP_PUSHDATA_1 => "OP_PUSHDATA_1".into(),
        op::OP_PUSHDATA_2 => "OP_PUSHDATA_2".into(),
        op::OP_PUSHDATA_4 => "OP_PUSHDATA_4".into(),
        op::OP_1NEGATE => "OP_1NEGATE".into(),
        op::OP_RESERVED => "OP_RESERVED".into(),
        op::OP_1..=op::OP_16 => format!("OP_{}", opcode - 0x50),
        0x61..=0xd3 => NAMES_FROM_NOP[usize::from(opcode - 0x61)].into(),
        _ => format!("OP_UNKNOWN{opcode}"),
    }
}

/// The opcode named `name` (the inverse of [`opcode_name`]).
pub fn opcode_by_name(name: &str) -> Option<u8> {
    (0..=255u8).find(|&code| opcode_name(code) == name)
}

/// One parsed instruction: where it starts in the bytecode, its opcode and, for pushes, the
/// byte range of its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Offset of the opcode byte.
    pub start: usize,
    /// The opcode.
    pub opcode: u8,
    /// Data of a push opcode (an empty range for `OP_0`).
    pub data: Option<Range<usize>>,
}

/// Bytecode whose last push runs past the end.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed instruction {name} at byte {start}: {missing} bytes missing")]
pub struct Malformed {
    /// Offset of the broken instruction.
    pub start: usize,
    /// Its opcode's name.
    pub name: String,
    /// Bytes missing (of its length prefix or its data).
    pub missing: usize,
}

/// Bytecode parsed into instructions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    bytes: Vec<u8>,
    instructions: Vec<Instruction>,
}

impl Script {
    /// Parses `bytes`; fails on a push that runs past the end.
    pub fn parse(bytes: &[u8]) -> Result<Self, Malformed> {
        let mut instructions = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let opcode = bytes[at];
            let start = at;
            at += 1;
            let data = match opcode {
                0x00..=0x4b => Some(usize::from(opcode)),
                op::OP_PUSHDATA_1..=op::OP_PUSHDATA_4 => {
                    let width = 1 << (opcode - op::OP_PUSHDATA_1);
                    let Some(prefix) = bytes.get(at..at + width) else {
                        return Err(Malformed {
                            start,
                            name: opcode_name(opcode),
                            missing: at + width - bytes.len(),
                        });
                    };
                    at += width;
                    let mut len = [0u8; 8];
                    len[..width].copy_from_slice(prefix);
                    Some(usize::try_from(u64::from_le_bytes(len)).unwrap_or(usize::MAX))
                }
                _ => None,
            };
            let data = match data {
                Some(len) => {
                    let end = at.saturating_add(len);
                    if end > bytes.len() {
                        return Err(Malformed {
                            start,
                            name: opcode_name(opcode),
                            missing: end - bytes.len(),
                        });
                    }
                    let range = at..end;
                    at = end;
                    Some(range)
                }
                None => None,
            };
            instructions.push(Instruction {
                start,
                opcode,
                data,
            });
        }
        Ok(Self {
            bytes: bytes.to_vec(),
            instructions,
        })
    }

    /// The instructions.
    pub fn instructions(&self) -> &[Instruction] {
        &self.instructions
    }

    /// The bytecode.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The data pushed by `instruction`.
    pub fn data(&self, instruction: &Instruction) -> &[u8] {
        instruction
            .data
            .as_ref()
            .map_or(&[][..], |range| &self.bytes[range.clone()])
    }

    /// The bytecode from instruction `index` on (empty past the end).
    pub fn bytes_from(&self, index: usize) -> &[u8] {
        self.instructions
            .get(index)
            .map_or(&[][..], |i| &self.bytes[i.start..])
    }
}

/// Whether every opcode in `bytes` is a push (`≤ OP_16`), judged on the instructions that parse
/// (the reference VM's rule, which precedes the malformation check only in name).
pub fn is_push_only(bytes: &[u8]) -> bool {
    let mut at = 0;
    while at < bytes.len() {
        let opcode = bytes[at];
        if opcode > op::OP_16 {
            return false;
        }
        at += 1 + match opcode {
            0x00..=0x4b => usize::from(opcode),
            op::OP_PUSHDATA_1..=op::OP_PUSHDATA_4 => {
                let width = 1 << (opcode - op::OP_PUSHDATA_1);
                let Some(prefix) = bytes.get(at + 1..at + 1 + width) else {
                    return true;
                };
                let mut len = [0u8; 8];
                len[..width].copy_from_slice(prefix);
                width.saturating_add(usize::try_from(u64::from_le_bytes(len)).unwrap_or(usize::MAX))
            }
            _ => 0,
        };
    }
    true
}

/// Whether `opcode` pushing `data` is the shortest way to push it (MINIMALDATA).
pub fn is_minimal_push(opcode: u8, data: &[u8]) -> bool {
    match data {
        [] => opcode == op::OP_0,
        [b @ 1..=16] => opcode == op::OP_1 + b - 1,
        [0x81] => opcode == op::OP_1NEGATE,
        _ if data.len() <= 75 => usize::from(opcode) == data.len(),
        _ if data.len() <= 255 => opcode == op::OP_PUSHDATA_1,
        _ if data.len() <= 65_535 => opcode == op::OP_PUSHDATA_2,
        _ => opcode == op::OP_PUSHDATA_4,
    }
}

/// The shortest push of `data`.
pub fn encode_push(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 5);
    match data {
        [] => out.push(op::OP_0),
        [b @ 1..=16] => out.push(op::OP_1 + b - 1),
        [0x81] => out.push(op::OP_1NEGATE),
        _ if data.len() <= 75 => out.push(data.len() as u8),
        _ if data.len() <= 255 => out.extend([op::OP_PUSHDATA_1, data.len() as u8]),
        _ if data.len() <= 65_535 => {
            out.push(op::OP_PUSHDATA_2);
            out.extend((data.len() as u16).to_le_bytes());
        }
        _ => {
            out.push(op::OP_PUSHDATA_4);
            out.extend((data.len() as u32).to_le_bytes());
        }
    }
    if !matches!(data, [] | [1..=16] | [0x81]) {
        out.extend_from_slice(data);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for code in 0..=255u8 {
            assert_eq!(opcode_by_name(&opcode_name(code)), Some(code));
        }
        assert_eq!(opcode_name(op::OP_DEFINE), "OP_DEFINE");
        assert_eq!(
            opcode_name(op::OP_OUTPUTTOKENAMOUNT),
            "OP_OUTPUTTOKENAMOUNT"
        );
        assert_eq!(opcode_name(0xd4), "OP_UNKNOWN212");
    }

    #[test]
    fn parses_pushes_and_refuses_truncation() {
        let s = Script::parse(&[0x02, 0xaa, 0xbb, 0x4c, 0x01, 0xcc, 0x93]).expect("parses");
        let data: Vec<&[u8]> = s.instructions().iter().map(|i| s.data(i)).collect();
        assert_eq!(data, vec![&[0xaa, 0xbb][..], &[0xcc][..], &[][..]]);
        assert_eq!(s.instructions()[2].data, None);
        assert!(Script::parse(&[0x02, 0xaa]).is_err());
        assert!(Script::parse(&[0x4d, 0x01]).is_err());
        assert!(Script::parse(&[0x4c]).is_err());
        assert!(Script::parse(&[0x4c, 0x00]).is_ok());
    }

    #[test]
    fn minimal_pushes() {
        for data in [&[][..], &[5], &[0x81], &[0], &[17], &[1; 76], &[1; 300]] {
            let push = encode_push(data);
            let s = Script::parse(&push).expect("parses");
            let i = &s.instructions()[0];
            assert!(is_minimal_push(i.opcode, data));
        }
        assert!(!is_minimal_push(0x01, &[5]));
        assert!(!is_minimal_push(op::OP_PUSHDATA_1, &[1; 10]));
        assert!(is_push_only(&[0x51, 0x01, 0xff, 0x00]));
        assert!(!is_push_only(&[0x51, 0x93]));
    }
}
