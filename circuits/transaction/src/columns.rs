//! The transaction trace's columns: one permutation plus the witness registers of the statement.
//!
//! Layout and the meaning of every register are in [spec § Trace layout][layout].
//!
//! [layout]: ../../../docs/spec/transaction.md#trace-layout

use alloc::vec::Vec;
use core::mem::size_of;

use crate::poseidon2_cols::{NUM_POSEIDON2_COLS, Poseidon2Cols};

/// Bit columns per row: Merkle direction (bit 0), 16-bit range checks, balance carries.
pub const NUM_BITS: usize = 16;
/// Notes per transaction: spends 0, 1 then outputs 0, 1.
pub const NUM_NOTES: usize = 4;
/// Spent notes.
pub const NUM_SPENDS: usize = 2;
/// Created notes.
pub const NUM_OUTPUTS: usize = 2;
/// 16-bit limbs of a `u64` value.
pub const VALUE_LIMBS: usize = 4;
/// 16-bit limbs of a `u32`.
pub const U32_LIMBS: usize = 2;

/// One row of the transaction trace.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TxCols<T> {
    /// The row's Poseidon2 permutation.
    pub perm: Poseidon2Cols<T>,
    /// Boolean scratch columns; their meaning depends on the row's role.
    pub bits: [T; NUM_BITS],
    /// Nullifier key of the spend whose segment this row is in (set on its `nk` row, held).
    pub nk: [T; 12],
    /// `rho` of the spend whose segment this row is in (held).
    pub rho: [T; 12],
    /// Leaf position of that spend as two 16-bit halves, accumulated from Merkle direction bits.
    pub position: [T; U32_LIMBS],
    /// Value limbs of every note (constant over the trace).
    pub values: [[T; VALUE_LIMBS]; NUM_NOTES],
    /// Asset slot of every note: 0 = native asset, 1 = `asset_b` (constant, boolean).
    pub slot: [T; NUM_NOTES],
    /// The second asset of the transfer, as limbs (constant).
    pub asset_b: [T; U32_LIMBS],
}

/// Number of columns of the transaction trace.
pub const NUM_TX_COLS: usize = size_of::<TxCols<u8>>();

/// Column index of the first Poseidon2 input lane.
pub const COL_INPUT: usize = 0;
/// Column index of the first bit column.
pub const COL_BITS: usize = NUM_POSEIDON2_COLS;
/// Column index of the first register (`nk`); registers run to the end of the row.
pub const COL_REGISTERS: usize = COL_BITS + NUM_BITS;

/// Reads a row's flat slice field by field, in declaration order (safe `repr(C)` view).
struct Reader<'a, T> {
    slice: &'a [T],
    pos: usize,
}

impl<T: Copy> Reader<'_, T> {
    fn array<const N: usize>(&mut self) -> [T; N] {
        let out = core::array::from_fn(|i| self.slice[self.pos + i]);
        self.pos += N;
        out
    }
}

impl<T: Copy> TxCols<T> {
    /// Copies a row (of exactly [`NUM_TX_COLS`] values) into its named columns.
    pub fn from_slice(slice: &[T]) -> Self {
        debug_assert_eq!(slice.len(), NUM_TX_COLS);
        let mut r = Reader {
            slice,
            pos: NUM_POSEIDON2_COLS,
        };
        Self {
            perm: Poseidon2Cols::from_slice(slice),
            bits: r.array(),
            nk: r.array(),
            rho: r.array(),
            position: r.array(),
            values: core::array::from_fn(|_| r.array()),
            slot: r.array(),
            asset_b: r.array(),
        }
    }

    /// Appends the row's values in column order.
    pub fn write_to(&self, out: &mut Vec<T>) {
        self.perm.write_to(out);
        out.extend_from_slice(&self.bits);
        out.extend_from_slice(&self.nk);
        out.extend_from_slice(&self.rho);
        out.extend_from_slice(&self.position);
        self.values.iter().for_each(|v| out.extend_from_slice(v));
        out.extend_from_slice(&self.slot);
        out.extend_from_slice(&self.asset_b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_round_trip_covers_every_column() {
        let flat: Vec<u32> = (0..NUM_TX_COLS as u32).collect();
        let cols = TxCols::from_slice(&flat);
        let mut back = Vec::new();
        cols.write_to(&mut back);
        assert_eq!(back, flat);
        assert_eq!(cols.bits[0] as usize, COL_BITS);
        assert_eq!(cols.nk[0] as usize, COL_REGISTERS);
        assert_eq!(NUM_TX_COLS, 239 + 16 + 12 + 12 + 2 + 16 + 4 + 2);
    }
}
