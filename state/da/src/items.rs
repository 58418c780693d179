//! Framing of the items a block puts in its DA payload (note ciphertexts, transaction proofs).
//!
//! Layout: `count u32 ‖ (len u32 ‖ bytes) × count`, little-endian. Decoding is bounds-checked and
//! rejects trailing bytes, so one payload has one item list.

use alloc::vec::Vec;

use crate::error::DaError;

/// Frames `items` into a payload.
pub fn encode_items<T: AsRef<[u8]>>(items: &[T]) -> Vec<u8> {
    let total: usize = items.iter().map(|i| 4 + i.as_ref().len()).sum();
    let mut out = Vec::with_capacity(4 + total);
    out.extend_from_slice(&(items.len() as u32).to_le_bytes());
    for item in items {
        out.extend_from_slice(&(item.as_ref().len() as u32).to_le_bytes());
        out.extend_from_slice(item.as_ref());
    }
    out
}

/// Splits a payload back into its items (borrowed).
pub fn decode_items(payload: &[u8]) -> Result<Vec<&[u8]>, DaError> {
    let malformed = DaError::Malformed {
        what: "DA item list",
    };
    let mut rest = payload;
    let mut take = |n: usize| -> Result<&[u8], DaError> {
        if rest.len() < n {
            return Err(malformed.clone());
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Ok(head)
    };
    let read_u32 = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let count = read_u32(take(4)?);
    // Every item costs at least 4 bytes, which bounds the allocation by the input size.
    if count > payload.len() / 4 {
        return Err(DaError::Malformed {
            what: "DA item list",
        });
    }
    let mut items = Vec::with_capacity(count);
    for _ in 0..count {
        let len = read_u32(take(4)?);
        items.push(take(len)?);
    }
    if !rest.is_empty() {
        return Err(DaError::Malformed {
            what: "DA item list",
        });
    }
    Ok(items)
}
