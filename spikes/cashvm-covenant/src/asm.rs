//! CashAssembly, the ASM text of the VMB vectors: an assembler for its template-free subset and
//! a disassembler whose output assembles back to the same bytes.
//!
//! Assembled forms (libauth's CashAssembly):
//! - `OP_NAME`: the opcode byte; `0x…` hex, `0b…` binary (8 bits per byte), `"…"`/`'…'`
//!   UTF-8, and integers (`-5`, `1_000`) as VM-number bytes: all inserted *raw*;
//! - `<…>`: the assembled contents, pushed with the shortest push;
//! - `$(…)`: the assembled contents evaluated by the VM, which must leave exactly one item; that
//!   item is inserted raw;
//! - `/* … */` and `// …` comments.
//!
//! Other identifiers (key templates such as `key1.public_key`, library scripts) need a wallet
//! template and are refused with [`AsmError::UnknownIdentifier`].

use num_bigint::BigInt;

use crate::num;
use crate::script::{self, Script, op};
use crate::vm::{self, VmError};

/// Why ASM does not assemble.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AsmError {
    /// An identifier that is not an opcode name.
    #[error("unknown identifier `{0}` (templates and variables are not supported)")]
    UnknownIdentifier(String),
    /// A malformed literal.
    #[error("bad literal `{0}`")]
    BadLiteral(String),
    /// A `<`, `$(`, quote or comment left open, or a stray closer.
    #[error("unbalanced `{0}`")]
    Unbalanced(char),
    /// A `$(…)` evaluation that failed or did not leave exactly one item.
    #[error("evaluation failed: {0}")]
    Evaluation(String),
}

/// Assembles CashAssembly `text` to bytecode.
pub fn assemble(text: &str) -> Result<Vec<u8>, AsmError> {
    let chars: Vec<char> = text.chars().collect();
    let mut parser = Parser { chars, at: 0 };
    let bytes = parser.sequence(None)?;
    Ok(bytes)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.at + i) == Some(&c))
    }

    /// Assembles expressions until `close` (or the end when `None`).
    fn sequence(&mut self, close: Option<char>) -> Result<Vec<u8>, AsmError> {
        let mut out = Vec::new();
        loop {
            while self.peek().is_some_and(char::is_whitespace) {
                self.at += 1;
            }
            let Some(c) = self.peek() else {
                return match close {
                    None => Ok(out),
                    Some(c) => Err(AsmError::Unbalanced(c)),
                };
            };
            if Some(c) == close {
                self.at += 1;
                return Ok(out);
            }
            match c {
                '<' => {
                    self.at += 1;
                    let inner = self.sequence(Some('>'))?;
                    out.extend(script::encode_push(&inner));
                }
                '$' if self.starts_with("$(") => {
                    self.at += 2;
                    let inner = self.sequence(Some(')'))?;
                    out.extend(evaluate(&inner)?);
                }
                '/' if self.starts_with("/*") => {
                    let rest: String = self.chars[self.at..].iter().collect();
                    let end = rest.find("*/").ok_or(AsmError::Unbalanced('/'))?;
                    self.at += rest[..end + 2].chars().count();
                }
                '/' if self.starts_with("//") => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.at += 1;
                    }
                }
                '"' | '\'' => {
                    self.at += 1;
                    let start = self.at;
                    while self.peek().is_some_and(|x| x != c) {
                        self.at += 1;
                    }
                    if self.peek().is_none() {
                        return Err(AsmError::Unbalanced(c));
                    }
                    let literal: String = self.chars[start..self.at].iter().collect();
                    self.at += 1;
                    out.extend(literal.as_bytes());
                }
                '>' | ')' => return Err(AsmError::Unbalanced(c)),
                _ => {
                    let start = self.at;
                    while self
                        .peek()
                        .is_some_and(|x| !x.is_whitespace() && !matches!(x, '<' | '>' | '(' | ')'))
                    {
                        self.at += 1;
                    }
                    let word: String = self.chars[start..self.at].iter().collect();
                    out.extend(word_bytes(&word)?);
                }
            }
        }
    }
}

/// The bytes of a bare word: an opcode name or a literal.
fn word_bytes(word: &str) -> Result<Vec<u8>, AsmError> {
    let bad = || AsmError::BadLiteral(word.to_string());
    if let Some(hex) = word.strip_prefix("0x") {
        let digits: String = hex.chars().filter(|&c| c != '_').collect();
        if digits.len() < 2 {
            return Err(bad());
        }
        // Expressions need no separator: an odd last digit starts the next word (an integer),
        // as in the reference grammar.
        let even = digits.len() & !1;
        let mut bytes = (0..even)
            .step_by(2)
            .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).map_err(|_| bad()))
            .collect::<Result<Vec<u8>, _>>()?;
        if even < digits.len() {
            bytes.extend(word_bytes(&digits[even..])?);
        }
        return Ok(bytes);
    }
    if let Some(bits) = word.strip_prefix("0b") {
        let digits: Vec<char> = bits.chars().filter(|&c| c != '_').collect();
        if digits.is_empty() || digits.iter().any(|c| !matches!(c, '0' | '1')) {
            return Err(bad());
        }
        return Ok(digits
            .chunks(8)
            .map(|byte| {
                byte.iter()
                    .fold(0u8, |acc, &b| (acc << 1) | u8::from(b == '1'))
            })
            .collect());
    }
    let first = word.chars().next().ok_or_else(bad)?;
    if first.is_ascii_digit() || (first == '-' && word.len() > 1) {
        let digits: String = word.chars().filter(|&c| c != '_').collect();
        let value: BigInt = digits.parse().map_err(|_| bad())?;
        return Ok(num::encode(&value));
    }
    script::opcode_by_name(word)
        .map(|code| vec![code])
        .ok_or_else(|| AsmError::UnknownIdentifier(word.to_string()))
}

/// Evaluates `bytecode` on an empty stack (see [`vm::evaluate_detached`]); returns the single
/// item it leaves.
fn evaluate(bytecode: &[u8]) -> Result<Vec<u8>, AsmError> {
    let stack = vm::evaluate_detached(bytecode)
        .map_err(|e: VmError| AsmError::Evaluation(e.to_string()))?;
    match <[Vec<u8>; 1]>::try_from(stack) {
        Ok([item]) => Ok(item),
        Err(stack) => Err(AsmError::Evaluation(format!(
            "left {} items; exactly one is required",
            stack.len()
        ))),
    }
}

/// Disassembles `bytes` to ASM that [`assemble`] turns back into the same bytes. Pushes print
/// as `OP_PUSHBYTES_n 0x…`; `OP_PUSHDATA_k` prints its length prefix as raw hex of its exact
/// width. A truncated final push prints what is there followed by `[missing n bytes]`.
pub fn disassemble(bytes: &[u8]) -> String {
    let (parsed, malformed) = match Script::parse(bytes) {
        Ok(s) => (s, None),
        Err(m) => {
            let good = Script::parse(&bytes[..m.start]).unwrap_or_else(|_| unreachable!());
            (good, Some(m))
        }
    };
    let hex = |b: &[u8]| -> String { b.iter().map(|x| format!("{x:02x}")).collect() };
    let mut words: Vec<String> = parsed
        .instructions()
        .iter()
        .map(|i| {
            let name = script::opcode_name(i.opcode);
            let data = parsed.data(i);
            match i.opcode {
                0x01..=0x4b => format!("{name} 0x{}", hex(data)),
                op::OP_PUSHDATA_1..=op::OP_PUSHDATA_4 => {
                    let width = 1usize << (i.opcode - op::OP_PUSHDATA_1);
                    let prefix = &bytes[i.start + 1..i.start + 1 + width];
                    if data.is_empty() {
                        format!("{name} 0x{}", hex(prefix))
                    } else {
                        format!("{name} 0x{} 0x{}", hex(prefix), hex(data))
                    }
                }
                _ => name,
            }
        })
        .collect();
    if let Some(m) = malformed {
        let rest = &bytes[m.start + 1..];
        let mut word = m.name.clone();
        if !rest.is_empty() {
            word.push_str(&format!(" 0x{}", hex(rest)));
        }
        word.push_str(&format!(" [missing {} bytes]", m.missing));
        words.push(word);
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assembles_the_vector_forms() {
        assert_eq!(
            assemble("<1> <0> OP_ADD").expect("asm"),
            vec![0x51, 0x00, 0x93]
        );
        assert_eq!(
            assemble("<0x0102> <\"a\">").expect("asm"),
            vec![2, 1, 2, 1, b'a']
        );
        assert_eq!(
            assemble("<-1> <128>").expect("asm"),
            vec![0x4f, 2, 0x80, 0x00]
        );
        assert_eq!(
            assemble("<0b00000001 0b1000000>").expect("asm"),
            vec![2, 1, 0x40]
        );
        assert_eq!(
            assemble("<<OP_2> OP_1>").expect("asm"),
            vec![3, 1, 0x52, 0x51]
        );
        assert!(matches!(
            assemble("$(OP_BEGIN <0> OP_UNTIL)"),
            Err(AsmError::Evaluation(_))
        ));
        assert_eq!(
            assemble("OP_PUSHDATA_1 76 $(<1> <76> OP_NUM2BIN)").expect("asm"),
            [&[0x4c, 76][..], &[1], &[0; 75]].concat()
        );
        assert_eq!(
            assemble("/* note */ OP_NOP // end").expect("asm"),
            vec![0x61]
        );
        assert!(matches!(
            assemble("<key1.public_key>"),
            Err(AsmError::UnknownIdentifier(_))
        ));
        assert!(matches!(assemble("<1"), Err(AsmError::Unbalanced('>'))));
        assert!(matches!(
            assemble("$(<1> <2>)"),
            Err(AsmError::Evaluation(_))
        ));
    }

    #[test]
    fn disassembly_round_trips() {
        let samples: [&[u8]; 4] = [
            &[0x51, 0x02, 0xaa, 0xbb, 0x93],
            &[0x4c, 0x02, 0x01, 0x02, 0x4d, 0x00, 0x00],
            &[0x4e, 0x01, 0x00, 0x00, 0x00, 0xff, 0xbd],
            &[0x00, 0x6a, 0xd3],
        ];
        for bytes in samples {
            let text = disassemble(bytes);
            assert_eq!(assemble(&text).expect(&text), bytes, "{text}");
        }
        assert_eq!(
            disassemble(&[0x02, 0xaa]),
            "OP_PUSHBYTES_2 0xaa [missing 1 bytes]"
        );
    }
}
