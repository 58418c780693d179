//! VM numbers: little-endian sign-magnitude integers of any length up to the 10,000-byte stack
//! item limit (BigInt CHIP, 2025), minimally encoded (consensus since 2019).
//!
//! Minimal means the most significant byte carries a value bit, unless that byte only exists to
//! hold the sign because the next byte's top bit is set. Zero is the empty item.

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{Signed, ToPrimitive, Zero};

/// Why bytes are not a usable VM number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NumError {
    /// Longer than the operation allows.
    #[error("the number is {len} bytes, over the {max}-byte limit")]
    TooLong {
        /// Bytes given.
        len: usize,
        /// Bytes allowed.
        max: usize,
    },
    /// Padded with a needless byte (or a negative zero).
    #[error("the number is not minimally encoded")]
    NotMinimal,
}

/// Whether `bytes` is a minimal VM number encoding.
pub fn is_minimal(bytes: &[u8]) -> bool {
    match bytes {
        [] => true,
        [.., last] if last & 0x7f != 0 => true,
        [.., before, _] => before & 0x80 != 0,
        [_] => false,
    }
}

/// Decodes `bytes` (at most `max_len` bytes when given), requiring a minimal encoding when asked.
pub fn decode(bytes: &[u8], max_len: Option<usize>, minimal: bool) -> Result<BigInt, NumError> {
    if let Some(max) = max_len
        && bytes.len() > max
    {
        return Err(NumError::TooLong {
            len: bytes.len(),
            max,
        });
    }
    if minimal && !is_minimal(bytes) {
        return Err(NumError::NotMinimal);
    }
    let Some((&last, _)) = bytes.split_last() else {
        return Ok(BigInt::zero());
    };
    let mut magnitude = bytes.to_vec();
    let negative = last & 0x80 != 0;
    if let Some(top) = magnitude.last_mut() {
        *top &= 0x7f;
    }
    let value = BigInt::from_biguint(Sign::Plus, BigUint::from_bytes_le(&magnitude));
    Ok(if negative { -value } else { value })
}

/// The minimal encoding of `value`.
pub fn encode(value: &BigInt) -> Vec<u8> {
    if value.is_zero() {
        return Vec::new();
    }
    let mut bytes = value.magnitude().to_bytes_le();
    let negative = value.is_negative();
    match bytes.last_mut() {
        Some(top) if *top & 0x80 != 0 => bytes.push(if negative { 0x80 } else { 0 }),
        Some(top) if negative => *top |= 0x80,
        _ => {}
    }
    bytes
}

/// The encoding of a small integer.
pub fn encode_i64(value: i64) -> Vec<u8> {
    encode(&BigInt::from(value))
}

/// `value` as an `i64`, saturating at the bounds (indices and counts beyond them are out of
/// range for every use anyway).
pub fn saturating_i64(value: &BigInt) -> i64 {
    value.to_i64().unwrap_or(if value.is_negative() {
        i64::MIN
    } else {
        i64::MAX
    })
}

/// Whether an item counts as true: any non-zero byte, except a lone sign bit in the last byte
/// (negative zero).
pub fn is_truthy(item: &[u8]) -> bool {
    match item.iter().position(|&b| b != 0) {
        None => false,
        Some(i) => !(i == item.len() - 1 && item[i] == 0x80),
    }
}

/// `encoded` (a minimal number) padded to `len` bytes, keeping the sign in the last byte.
pub fn pad(mut encoded: Vec<u8>, len: usize) -> Vec<u8> {
    if encoded.len() == len {
        return encoded;
    }
    let sign = encoded.last_mut().map_or(0, |top| {
        let sign = *top & 0x80;
        *top &= 0x7f;
        sign
    });
    encoded.resize(len.saturating_sub(1), 0);
    encoded.push(sign);
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_minimality() {
        for v in [
            0i64,
            1,
            -1,
            127,
            128,
            -128,
            255,
            -255,
            256,
            1 << 40,
            -(1 << 40),
        ] {
            let e = encode_i64(v);
            assert!(is_minimal(&e), "{v}");
            assert_eq!(decode(&e, None, true).expect("decodes"), BigInt::from(v));
        }
        assert_eq!(encode_i64(128), vec![0x80, 0x00]);
        assert_eq!(encode_i64(-128), vec![0x80, 0x80]);
        assert_eq!(encode_i64(-1), vec![0x81]);
        assert_eq!(decode(&[0x00], None, true), Err(NumError::NotMinimal));
        assert_eq!(decode(&[0x80], None, true), Err(NumError::NotMinimal));
        assert_eq!(decode(&[0x01, 0x00], None, true), Err(NumError::NotMinimal));
        assert_eq!(
            decode(&[0x01, 0x00], None, false).expect("lax"),
            BigInt::from(1)
        );
        assert_eq!(decode(&[0x80], None, false).expect("lax"), BigInt::zero());
        assert!(decode(&[1, 2, 3], Some(2), true).is_err());
    }

    #[test]
    fn truthiness_and_padding() {
        assert!(!is_truthy(&[]));
        assert!(!is_truthy(&[0, 0]));
        assert!(!is_truthy(&[0, 0x80]));
        assert!(is_truthy(&[0x80, 0]));
        assert!(is_truthy(&[1]));
        assert_eq!(pad(encode_i64(-1), 4), vec![1, 0, 0, 0x80]);
        assert_eq!(pad(encode_i64(5), 3), vec![5, 0, 0]);
        assert_eq!(pad(Vec::new(), 2), vec![0, 0]);
    }
}
