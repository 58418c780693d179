//! Checksummed text encoding for addresses and viewing keys: `<hrp>1<base32 data>`.
//!
//! The data part is `payload ‖ checksum` in lower-case base32 with the bech32 alphabet, where
//! `checksum = BLAKE3-derive_key("…text checksum v1", hrp ‖ 0x00 ‖ payload)[..5]` (40 bits). Our
//! payloads are ~1.6 KB (an ML-KEM-1024 key), far past the 1,023-character range in which bech32m's
//! BCH code guarantees error detection, so a cryptographic checksum is used instead: any typo or
//! truncation is caught except with probability 2^-40 ([spec § Text encoding][text]).
//!
//! [text]: ../../docs/spec/keys-and-notes.md#text-encoding

use alloc::string::String;
use alloc::vec::Vec;

use crate::derive::{context, derive_bytes};

/// The bech32 character set (no `1`, `b`, `i`, `o`).
const ALPHABET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
/// Bytes of checksum appended to the payload.
pub const CHECKSUM_BYTES: usize = 5;
/// Longest text accepted by [`decode`], so hostile input cannot force large allocations.
pub const MAX_TEXT_LEN: usize = 8192;

/// Why a text string does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TextError {
    /// The human-readable prefix is not the expected one (wrong network or wrong kind of key).
    #[error("expected prefix `{expected}`, found `{found}`")]
    WrongPrefix {
        /// The prefix this context requires.
        expected: &'static str,
        /// The prefix found.
        found: String,
    },
    /// No `1` separator between prefix and data.
    #[error("missing `1` separator after the prefix")]
    MissingSeparator,
    /// A character outside the base32 alphabet, or upper case.
    #[error("invalid character {character:?} at position {position}")]
    InvalidCharacter {
        /// The offending character.
        character: char,
        /// Its position in the string.
        position: usize,
    },
    /// The text is longer than any valid encoding.
    #[error("text is {len} characters; at most {max} are accepted")]
    TooLong {
        /// Length received.
        len: usize,
        /// Maximum accepted.
        max: usize,
    },
    /// The data is shorter than the checksum or has non-zero padding bits.
    #[error("data part is truncated or malformed")]
    Malformed,
    /// The checksum does not match: a typo, truncation or wrong prefix.
    #[error("checksum mismatch: the text has a typo or was truncated")]
    BadChecksum,
}

fn checksum(hrp: &str, payload: &[u8]) -> [u8; CHECKSUM_BYTES] {
    derive_bytes(context::TEXT_CHECKSUM, &[hrp.as_bytes(), &[0], payload])
}

/// Encodes `payload` under the human-readable prefix `hrp`.
pub fn encode(hrp: &str, payload: &[u8]) -> String {
    let mut data = Vec::with_capacity(payload.len() + CHECKSUM_BYTES);
    data.extend_from_slice(payload);
    data.extend_from_slice(&checksum(hrp, payload));
    let mut out = String::with_capacity(hrp.len() + 1 + (data.len() * 8).div_ceil(5));
    out.push_str(hrp);
    out.push('1');
    let (mut acc, mut bits) = (0u32, 0u32);
    for byte in data {
        acc = (acc << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((acc >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((acc << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Decodes text produced by [`encode`] with prefix `hrp`, checking prefix and checksum.
pub fn decode(hrp: &'static str, text: &str) -> Result<Vec<u8>, TextError> {
    if text.len() > MAX_TEXT_LEN {
        return Err(TextError::TooLong {
            len: text.len(),
            max: MAX_TEXT_LEN,
        });
    }
    let sep = text.rfind('1').ok_or(TextError::MissingSeparator)?;
    let (found, data) = (&text[..sep], &text[sep + 1..]);
    if found != hrp {
        return Err(TextError::WrongPrefix {
            expected: hrp,
            found: found.into(),
        });
    }
    let mut bytes = Vec::with_capacity(data.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, c) in data.char_indices() {
        let value = u8::try_from(c)
            .ok()
            .and_then(|b| ALPHABET.iter().position(|&a| a == b))
            .ok_or(TextError::InvalidCharacter {
                character: c,
                position: sep + 1 + i,
            })?;
        acc = (acc << 5) | value as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            bytes.push((acc >> bits) as u8);
        }
        acc &= (1 << bits) - 1;
    }
    if bits >= 5 || acc != 0 || bytes.len() < CHECKSUM_BYTES {
        return Err(TextError::Malformed);
    }
    let split = bytes.len() - CHECKSUM_BYTES;
    if checksum(hrp, &bytes[..split]) != bytes[split..] {
        return Err(TextError::BadChecksum);
    }
    bytes.truncate(split);
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn round_trips(payload in proptest::collection::vec(any::<u8>(), 0..300)) {
            let text = encode("thgm", &payload);
            prop_assert_eq!(decode("thgm", &text), Ok(payload));
        }

        #[test]
        fn decoding_arbitrary_text_never_panics(text in ".{0,200}") {
            let _ = decode("thgm", &text);
        }

        #[test]
        fn any_single_substitution_is_caught(payload in proptest::collection::vec(any::<u8>(), 1..100), pos in any::<prop::sample::Index>(), sym in 0usize..32) {
            let text = encode("thgm", &payload);
            let idx = 5 + pos.index(text.len() - 5);
            let mut chars: Vec<char> = text.chars().collect();
            let replacement = char::from(ALPHABET[sym]);
            prop_assume!(chars[idx] != replacement);
            chars[idx] = replacement;
            let typo: String = chars.into_iter().collect();
            prop_assert!(decode("thgm", &typo).is_err());
        }
    }

    #[test]
    fn every_error_variant() {
        let good = encode("hgm", b"payload");
        assert!(matches!(
            decode("thgm", &good),
            Err(TextError::WrongPrefix { .. })
        ));
        assert_eq!(decode("hgm", "hgmqqqq"), Err(TextError::MissingSeparator));
        assert!(matches!(
            decode("hgm", &good.to_uppercase().replace("HGM1", "hgm1")),
            Err(TextError::InvalidCharacter { .. })
        ));
        assert!(matches!(
            decode("hgm", &"q".repeat(MAX_TEXT_LEN + 1)),
            Err(TextError::TooLong { .. })
        ));
        assert_eq!(decode("hgm", "hgm1qq"), Err(TextError::Malformed));
        let mut truncated = good.clone();
        truncated.truncate(good.len() - 8);
        assert!(decode("hgm", &truncated).is_err());
        let payload_only = {
            let mut s = String::from("hgm1");
            s.push_str(&encode("x", b"payloadAAAAA")[2..]);
            s
        };
        assert_eq!(decode("hgm", &payload_only), Err(TextError::BadChecksum));
    }
}
