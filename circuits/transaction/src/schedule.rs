//! The fixed row schedule of the transaction trace and the periodic selector columns it induces.
//!
//! Every row computes one Poseidon2 permutation; its *role* says which hash (and which block of
//! it) that is. The roles are fixed, so the verifier knows them. They enter the AIR as periodic
//! columns with period = trace height, so they cost nothing in the proof. See
//! [spec § Row schedule][schedule].
//!
//! [schedule]: ../../../docs/spec/transaction.md#row-schedule

use alloc::vec;
use alloc::vec::Vec;

use hegemon_crypto::poseidon2::MERKLE_LEVEL_BASE;
use hegemon_crypto::spec::{NOTE_COMMITMENT_INPUT_LEN, NULLIFIER_INPUT_LEN, domain};
use p3_field::PrimeCharacteristicRing;
use p3_koala_bear::KoalaBear;

use crate::columns::{NUM_NOTES, NUM_OUTPUTS, NUM_SPENDS, VALUE_LIMBS};

/// Rows of the trace (a power of two).
pub const TRACE_HEIGHT: usize = 128;
/// Depth of the note commitment tree.
pub const TREE_DEPTH: usize = 32;
/// Blocks of the note-commitment sponge (54 elements at rate 12).
pub const COMMITMENT_BLOCKS: usize = NOTE_COMMITMENT_INPUT_LEN.div_ceil(12);
/// Blocks of the nullifier sponge (26 elements).
pub const NULLIFIER_BLOCKS: usize = NULLIFIER_INPUT_LEN.div_ceil(12);
/// Rows per spend: `nk`, `ak`, two `pk_auth` blocks, the commitment, the path, the nullifier.
pub const SPEND_ROWS: usize = 4 + COMMITMENT_BLOCKS + TREE_DEPTH + NULLIFIER_BLOCKS;
/// First row of the outputs.
pub const OUTPUTS_START: usize = NUM_SPENDS * SPEND_ROWS;
/// First range-check row.
pub const RANGE_START: usize = OUTPUTS_START + NUM_OUTPUTS * COMMITMENT_BLOCKS;
/// First value-balance row (one per asset slot).
pub const BALANCE_START: usize = RANGE_START + NUM_NOTES * VALUE_LIMBS;
/// Rows in use; the rest are padding (permutations of zero).
pub const USED_ROWS: usize = BALANCE_START + 2;

const _: () = assert!(USED_ROWS <= TRACE_HEIGHT);

/// What one row of the trace computes. Field names are those of the variant docs: `spend` and
/// `note` index the transaction's spends and notes, `block`, `level` and `limb` the position
/// inside that hash, path or value.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `nk = H_NULLIFIER_KEY(sk_spend)` of a spend.
    NullifierKey { spend: usize },
    /// `ak = H_AUTH_KEY(sk_spend)`.
    AuthKey { spend: usize },
    /// Block `block` of `pk_auth = H_PK_AUTH(ak ‖ index)`.
    PkAuth { spend: usize, block: usize },
    /// Block `block` of note `note`'s commitment (notes 0, 1 spent; 2, 3 created).
    Commitment { note: usize, block: usize },
    /// Merkle path node at `level` of a spend.
    Merkle { spend: usize, level: usize },
    /// Block `block` of a spend's nullifier.
    Nullifier { spend: usize, block: usize },
    /// 16-bit range check of limb `limb` of note `note`'s value.
    RangeCheck { note: usize, limb: usize },
    /// Value conservation of asset slot `slot`.
    Balance { slot: usize },
    /// Unused row.
    Padding,
}

/// The role of every row.
pub fn roles() -> [Role; TRACE_HEIGHT] {
    let mut roles = [Role::Padding; TRACE_HEIGHT];
    for spend in 0..NUM_SPENDS {
        let mut row = spend * SPEND_ROWS;
        let mut push = |role| {
            roles[row] = role;
            row += 1;
        };
        push(Role::NullifierKey { spend });
        push(Role::AuthKey { spend });
        push(Role::PkAuth { spend, block: 0 });
        push(Role::PkAuth { spend, block: 1 });
        (0..COMMITMENT_BLOCKS).for_each(|block| push(Role::Commitment { note: spend, block }));
        (0..TREE_DEPTH).for_each(|level| push(Role::Merkle { spend, level }));
        (0..NULLIFIER_BLOCKS).for_each(|block| push(Role::Nullifier { spend, block }));
    }
    for output in 0..NUM_OUTPUTS {
        for block in 0..COMMITMENT_BLOCKS {
            roles[OUTPUTS_START + output * COMMITMENT_BLOCKS + block] = Role::Commitment {
                note: NUM_SPENDS + output,
                block,
            };
        }
    }
    for note in 0..NUM_NOTES {
        for limb in 0..VALUE_LIMBS {
            roles[RANGE_START + note * VALUE_LIMBS + limb] = Role::RangeCheck { note, limb };
        }
    }
    roles[BALANCE_START] = Role::Balance { slot: 0 };
    roles[BALANCE_START + 1] = Role::Balance { slot: 1 };
    roles
}

/// Indices of the periodic selector columns. Values describe row `r`; `*_NEXT` selectors
/// describe the relation between row `r` and row `r + 1`.
pub mod sel {
    /// Row starts a fresh sponge: lane 12 = [`TAG`], lane 13 = [`LEN`], lanes 14‥23 = 0.
    pub const FRESH: usize = 0;
    /// Domain tag of a fresh sponge row.
    pub const TAG: usize = 1;
    /// Input length of a fresh sponge row.
    pub const LEN: usize = 2;
    /// Row `r + 1` absorbs the next block of row `r`'s sponge (capacity carried over).
    pub const CHAIN_NEXT: usize = 3;
    /// Row `r + 1` hashes the same 12 rate inputs as row `r` (`sk_spend` for `nk` then `ak`).
    pub const COPY_IN_NEXT: usize = 4;
    /// Row `r + 1`'s first block is row `r`'s digest (`ak` → `pk_auth`, `pk_auth` → `cm`).
    pub const OUT_TO_IN_NEXT: usize = 5;
    /// Rate lanes 2‥11 are zero padding.
    pub const ZERO_FROM_2: usize = 6;
    /// Rate lanes 6‥11 are zero padding.
    pub const ZERO_FROM_6: usize = 7;
    /// Rate lanes 0‥11 are the spend's `rho` register.
    pub const RHO_IN: usize = 8;
    /// Rate lanes 0‥11 are the spend's `nk` register.
    pub const NK_IN: usize = 9;
    /// The `nk` register is this row's digest.
    pub const NK_SET: usize = 10;
    /// Rate lanes 0‥1 are the spend's position register.
    pub const POS_IN: usize = 11;
    /// Row `r + 1` is a Merkle node whose child is row `r`'s digest.
    pub const MERKLE_NEXT: usize = 12;
    /// Level tweak added to lane 23 by row `r + 1`'s compression.
    pub const TWEAK_NEXT: usize = 13;
    /// Weight of this Merkle row's direction bit in the low position half.
    pub const POS_WEIGHT_LO: usize = 14;
    /// Weight of this Merkle row's direction bit in the high position half.
    pub const POS_WEIGHT_HI: usize = 15;
    /// Rows `r` and `r + 1` are in the same spend: hold `nk`, `rho`, accumulate the position.
    pub const SEG_HOLD: usize = 16;
    /// First row of a spend: the position starts at zero.
    pub const SEG_START: usize = 17;
    /// This row's rate lanes 0‥5 carry note `n`'s value and asset (`VALUE_ROW + n`).
    pub const VALUE_ROW: usize = 18;
    /// Root of spend `s`'s path (`ANCHOR + s`).
    pub const ANCHOR: usize = 22;
    /// Nullifier of spend `s` (`NF + s`).
    pub const NF: usize = 24;
    /// Commitment of output `m` (`CM_OUT + m`).
    pub const CM_OUT: usize = 26;
    /// Range check of note `n` (`RANGE_NOTE + n`)…
    pub const RANGE_NOTE: usize = 28;
    /// …limb `j` (`RANGE_LIMB + j`).
    pub const RANGE_LIMB: usize = 32;
    /// Balance of slot `σ` (`BALANCE + σ`).
    pub const BALANCE: usize = 36;
    /// Number of periodic columns.
    pub const COUNT: usize = 38;
}

fn fresh_sponge(role: Role) -> Option<(u32, usize)> {
    match role {
        Role::NullifierKey { .. } => Some((domain::NULLIFIER_KEY, 12)),
        Role::AuthKey { .. } => Some((domain::AUTH_KEY, 12)),
        Role::PkAuth { block: 0, .. } => Some((domain::PK_AUTH, 14)),
        Role::Commitment { block: 0, .. } => {
            Some((domain::NOTE_COMMITMENT, NOTE_COMMITMENT_INPUT_LEN))
        }
        Role::Nullifier { block: 0, .. } => Some((domain::NULLIFIER, NULLIFIER_INPUT_LEN)),
        _ => None,
    }
}

fn spend_of(role: Role) -> Option<usize> {
    match role {
        Role::NullifierKey { spend }
        | Role::AuthKey { spend }
        | Role::PkAuth { spend, .. }
        | Role::Merkle { spend, .. }
        | Role::Nullifier { spend, .. } => Some(spend),
        Role::Commitment { note, .. } if note < NUM_SPENDS => Some(note),
        _ => None,
    }
}

/// Builds the periodic columns (each of length [`TRACE_HEIGHT`]).
pub fn periodic_columns() -> Vec<Vec<KoalaBear>> {
    let roles = roles();
    let mut cols = vec![vec![KoalaBear::ZERO; TRACE_HEIGHT]; sel::COUNT];
    let mut set = |col: usize, row: usize, value: u32| cols[col][row] = KoalaBear::from_u32(value);
    for (r, &role) in roles.iter().enumerate() {
        let next = roles.get(r + 1).copied().unwrap_or(Role::Padding);
        if let Some((tag, len)) = fresh_sponge(role) {
            set(sel::FRESH, r, 1);
            set(sel::TAG, r, tag);
            set(sel::LEN, r, len as u32);
        }
        let chains = matches!(
            (role, next),
            (Role::PkAuth { block: 0, .. }, Role::PkAuth { block: 1, .. })
        ) || matches!((role, next), (Role::Commitment { note: a, block: b }, Role::Commitment { note: c, block: d }) if a == c && d == b + 1)
            || matches!((role, next), (Role::Nullifier { block: b, .. }, Role::Nullifier { block: d, .. }) if d == b + 1);
        if chains {
            set(sel::CHAIN_NEXT, r, 1);
        }
        match role {
            Role::NullifierKey { .. } => {
                set(sel::COPY_IN_NEXT, r, 1);
                set(sel::NK_SET, r, 1);
                set(sel::SEG_START, r, 1);
            }
            Role::AuthKey { .. } => set(sel::OUT_TO_IN_NEXT, r, 1),
            Role::PkAuth { block: 1, .. } => {
                set(sel::OUT_TO_IN_NEXT, r, 1);
                set(sel::ZERO_FROM_2, r, 1);
            }
            Role::Commitment { note, block: 2 } if note < NUM_SPENDS => set(sel::RHO_IN, r, 1),
            Role::Commitment { note, block } if block == COMMITMENT_BLOCKS - 1 => {
                set(sel::ZERO_FROM_6, r, 1);
                set(sel::VALUE_ROW + note, r, 1);
                if note >= NUM_SPENDS {
                    set(sel::CM_OUT + note - NUM_SPENDS, r, 1);
                }
            }
            Role::Merkle { spend, level } => {
                if level < 16 {
                    set(sel::POS_WEIGHT_LO, r, 1 << level);
                } else {
                    set(sel::POS_WEIGHT_HI, r, 1 << (level - 16));
                }
                if level == TREE_DEPTH - 1 {
                    set(sel::ANCHOR + spend, r, 1);
                }
            }
            Role::Nullifier { block: 0, .. } => set(sel::NK_IN, r, 1),
            Role::Nullifier { block: 1, .. } => set(sel::RHO_IN, r, 1),
            Role::Nullifier { spend, block } if block == NULLIFIER_BLOCKS - 1 => {
                set(sel::POS_IN, r, 1);
                set(sel::ZERO_FROM_2, r, 1);
                set(sel::NF + spend, r, 1);
            }
            Role::RangeCheck { note, limb } => {
                set(sel::RANGE_NOTE + note, r, 1);
                set(sel::RANGE_LIMB + limb, r, 1);
            }
            Role::Balance { slot } => set(sel::BALANCE + slot, r, 1),
            _ => {}
        }
        if let Role::Merkle { level, .. } = next {
            set(sel::MERKLE_NEXT, r, 1);
            set(sel::TWEAK_NEXT, r, MERKLE_LEVEL_BASE + level as u32);
        }
        if spend_of(role).is_some() && spend_of(role) == spend_of(next) {
            set(sel::SEG_HOLD, r, 1);
        }
    }
    cols
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_shape() {
        assert_eq!(SPEND_ROWS, 44);
        assert_eq!(USED_ROWS, 116);
        let roles = roles();
        assert_eq!(roles[0], Role::NullifierKey { spend: 0 });
        assert_eq!(
            roles[SPEND_ROWS - 1],
            Role::Nullifier { spend: 0, block: 2 }
        );
        assert_eq!(roles[OUTPUTS_START], Role::Commitment { note: 2, block: 0 });
        assert_eq!(roles[USED_ROWS], Role::Padding);
        let cols = periodic_columns();
        assert_eq!(cols.len(), sel::COUNT);
        // Spend 1's segment does not hold registers across the boundary from spend 0.
        assert_eq!(cols[sel::SEG_HOLD][SPEND_ROWS - 1], KoalaBear::ZERO);
        assert_eq!(cols[sel::SEG_HOLD][SPEND_ROWS - 2], KoalaBear::ONE);
    }
}
