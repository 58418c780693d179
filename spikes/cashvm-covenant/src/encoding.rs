//! Byte-level reading and writing: little-endian integers and Bitcoin's CompactSize.

use crate::tx::TokenError;

/// Why bytes are not a transaction or output.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended early.
    #[error("unexpected end of input at byte {at} (needed {needed} more)")]
    Truncated {
        /// Offset where reading failed.
        at: usize,
        /// Bytes still needed.
        needed: usize,
    },
    /// A CompactSize that is not minimally encoded.
    #[error("non-minimal CompactSize at byte {at}")]
    NonMinimalCompactSize {
        /// Offset of the CompactSize.
        at: usize,
    },
    /// A length or count larger than the input could hold.
    #[error("length {len} at byte {at} exceeds the remaining input")]
    LengthTooLarge {
        /// Offset of the length.
        at: usize,
        /// The length read.
        len: u64,
    },
    /// A malformed CashTokens prefix.
    #[error("invalid token prefix: {0}")]
    Token(#[from] TokenError),
    /// Bytes left over after a complete transaction.
    #[error("{0} trailing bytes after the transaction")]
    TrailingBytes(usize),
}

/// A cursor over bytes being decoded.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Starts reading `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    /// Current offset.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if self.remaining() < n {
            return Err(DecodeError::Truncated {
                at: self.pos,
                needed: n - self.remaining(),
            });
        }
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>()?[0])
    }

    /// A little-endian `u32`.
    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    /// A little-endian `u64`.
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    /// A minimally encoded CompactSize.
    pub fn compact_size(&mut self) -> Result<u64, DecodeError> {
        let at = self.pos;
        let (value, min) = match self.u8()? {
            0xfd => (u64::from(u16::from_le_bytes(self.array()?)), 0xfd),
            0xfe => (u64::from(self.u32()?), 0x1_0000),
            0xff => (self.u64()?, 0x1_0000_0000),
            b => (u64::from(b), 0),
        };
        if value < min {
            return Err(DecodeError::NonMinimalCompactSize { at });
        }
        Ok(value)
    }

    /// A CompactSize length followed by that many bytes.
    pub fn var_bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let at = self.pos;
        let len = self.compact_size()?;
        let len = usize::try_from(len)
            .ok()
            .filter(|&l| l <= self.remaining())
            .ok_or(DecodeError::LengthTooLarge { at, len })?;
        self.take(len)
    }
}

/// Appends a minimal CompactSize.
pub fn write_compact_size(out: &mut Vec<u8>, value: u64) {
    match value {
        0..=0xfc => out.push(value as u8),
        0xfd..=0xffff => {
            out.push(0xfd);
            out.extend_from_slice(&(value as u16).to_le_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0xfe);
            out.extend_from_slice(&(value as u32).to_le_bytes());
        }
        _ => {
            out.push(0xff);
            out.extend_from_slice(&value.to_le_bytes());
        }
    }
}

/// Appends a CompactSize length and the bytes.
pub fn write_var_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    write_compact_size(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn compact_size_round_trips(v in any::<u64>()) {
            let mut out = Vec::new();
            write_compact_size(&mut out, v);
            prop_assert_eq!(Reader::new(&out).compact_size(), Ok(v));
        }
    }

    #[test]
    fn non_minimal_and_truncated_are_rejected() {
        assert_eq!(
            Reader::new(&[0xfd, 0x10, 0x00]).compact_size(),
            Err(DecodeError::NonMinimalCompactSize { at: 0 })
        );
        assert_eq!(
            Reader::new(&[0xfe, 0xff, 0xff, 0x00, 0x00]).compact_size(),
            Err(DecodeError::NonMinimalCompactSize { at: 0 })
        );
        assert!(matches!(
            Reader::new(&[0xfd, 0x10]).compact_size(),
            Err(DecodeError::Truncated { .. })
        ));
        assert!(matches!(
            Reader::new(&[0x05, 1, 2]).var_bytes(),
            Err(DecodeError::LengthTooLarge { len: 5, .. })
        ));
    }
}
