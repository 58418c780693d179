//! The join-split AIR: which constraints tie the rows' permutations into the statement.
//!
//! Every row is a Poseidon2 permutation ([`poseidon2_cols::eval`]). The schedule
//! ([`crate::schedule`]) fixes what each row hashes; the constraints below wire inputs to
//! outputs and to registers, and check the public inputs. The list with the rule each enforces is
//! in [spec § Constraints][constraints]. Every constraint has degree ≤ 3.
//!
//! [constraints]: ../../../docs/spec/transaction.md#constraints

use alloc::borrow::Cow;
use alloc::vec::Vec;

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_koala_bear::KoalaBear;

use crate::columns::{
    COL_BITS, COL_INPUT, COL_REGISTERS, NUM_NOTES, NUM_OUTPUTS, NUM_SPENDS, NUM_TX_COLS, TxCols,
    VALUE_LIMBS,
};
use crate::poseidon2_cols::{self, WIDTH};
use crate::public_inputs as pi;
use crate::schedule::{periodic_columns, sel};

/// Rate lanes of a sponge block.
const RATE: usize = 12;
/// `2^16`, the limb base.
const LIMB_BASE: u32 = 1 << 16;
/// Balance carries are stored as `c + CARRY_OFFSET` in three bits, so `c ∈ [-4, 3]`.
const CARRY_OFFSET: u32 = 4;

/// The transaction AIR. Holds its periodic selector table.
#[derive(Clone, Debug)]
pub struct TransactionAir {
    periodic: Vec<Vec<KoalaBear>>,
}

impl TransactionAir {
    /// Builds the AIR (computes the schedule's selectors).
    pub fn new() -> Self {
        Self {
            periodic: periodic_columns(),
        }
    }
}

impl Default for TransactionAir {
    fn default() -> Self {
        Self::new()
    }
}

impl BaseAir<KoalaBear> for TransactionAir {
    fn width(&self) -> usize {
        NUM_TX_COLS
    }

    fn num_public_values(&self) -> usize {
        pi::NUM_PUBLIC_VALUES
    }

    fn num_periodic_columns(&self) -> usize {
        sel::COUNT
    }

    fn periodic_columns(&self) -> Cow<'_, [Vec<KoalaBear>]> {
        Cow::Borrowed(&self.periodic)
    }

    /// Only the permutation inputs, the Merkle direction bit and the registers are read at the
    /// next row; the 215 intermediate round columns are opened at `zeta` alone.
    fn main_next_row_columns(&self) -> Vec<usize> {
        (COL_INPUT..COL_INPUT + WIDTH)
            .chain(core::iter::once(COL_BITS))
            .chain(COL_REGISTERS..NUM_TX_COLS)
            .collect()
    }

    fn max_constraint_degree(&self) -> Option<usize> {
        Some(3)
    }
}

impl<AB: AirBuilder<F = KoalaBear>> Air<AB> for TransactionAir
where
    AB::Var: Copy,
{
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local = TxCols::<AB::Var>::from_slice(main.current_slice());
        let next = TxCols::<AB::Var>::from_slice(main.next_slice());
        let s: Vec<AB::Expr> = builder
            .periodic_values()
            .iter()
            .map(|&v| v.into())
            .collect();
        let p: Vec<AB::Expr> = builder.public_values().iter().map(|&v| v.into()).collect();

        poseidon2_cols::eval(builder, &local.perm);
        eval_booleans(builder, &local);
        eval_sponges(builder, &local, &next, &s);
        eval_merkle(builder, &local, &next, &s);
        eval_registers(builder, &local, &next, &s);
        eval_public_digests(builder, &local, &s, &p);
        eval_range_checks(builder, &local, &s);
        eval_balance(builder, &local, &s, &p);
    }
}

/// Bit columns and asset slots are boolean on every row.
fn eval_booleans<AB: AirBuilder>(builder: &mut AB, local: &TxCols<AB::Var>)
where
    AB::Var: Copy,
{
    for b in local.bits {
        builder.assert_bool(b);
    }
    for slot in local.slot {
        builder.assert_bool(slot);
    }
}

/// Sponge wiring: domain tag and length on fresh rows, capacity chaining between blocks, zero
/// padding, and the fixed inputs each row absorbs (registers, previous digests, note values).
fn eval_sponges<AB: AirBuilder>(
    builder: &mut AB,
    local: &TxCols<AB::Var>,
    next: &TxCols<AB::Var>,
    s: &[AB::Expr],
) where
    AB::Var: Copy,
{
    let input = &local.perm.input;
    let output = local.perm.output();
    // Fresh sponge: capacity = (tag, length, 0, …).
    {
        let mut b = builder.when(s[sel::FRESH].clone());
        b.assert_eq(input[RATE], s[sel::TAG].clone());
        b.assert_eq(input[RATE + 1], s[sel::LEN].clone());
        for lane in &input[RATE + 2..] {
            b.assert_zero(*lane);
        }
    }
    // Zero-filled tail of a short last block.
    for lane in &input[2..RATE] {
        builder.when(s[sel::ZERO_FROM_2].clone()).assert_zero(*lane);
    }
    for lane in &input[6..RATE] {
        builder.when(s[sel::ZERO_FROM_6].clone()).assert_zero(*lane);
    }
    // Registers absorbed as whole blocks.
    for k in 0..RATE {
        builder
            .when(s[sel::RHO_IN].clone())
            .assert_eq(input[k], local.rho[k]);
        builder
            .when(s[sel::NK_IN].clone())
            .assert_eq(input[k], local.nk[k]);
        builder
            .when(s[sel::NK_SET].clone())
            .assert_eq(local.nk[k], output[k]);
    }
    for k in 0..2 {
        builder
            .when(s[sel::POS_IN].clone())
            .assert_eq(input[k], local.position[k]);
    }
    // A note's value limbs and asset (native, or `asset_b` when its slot bit is set).
    for note in 0..NUM_NOTES {
        let mut b = builder.when(s[sel::VALUE_ROW + note].clone());
        for j in 0..VALUE_LIMBS {
            b.assert_eq(input[j], local.values[note][j]);
        }
        for j in 0..2 {
            b.assert_eq(input[VALUE_LIMBS + j], local.slot[note] * local.asset_b[j]);
        }
    }
    // Transitions between consecutive rows.
    let mut t = builder.when_transition();
    for k in 0..RATE {
        t.when(s[sel::CHAIN_NEXT].clone())
            .assert_eq(next.perm.input[RATE + k], output[RATE + k]);
        t.when(s[sel::COPY_IN_NEXT].clone())
            .assert_eq(next.perm.input[k], input[k]);
        t.when(s[sel::OUT_TO_IN_NEXT].clone())
            .assert_eq(next.perm.input[k], output[k]);
    }
}

/// Merkle path: row `r + 1` compresses row `r`'s digest with a free sibling, on the side its
/// direction bit says, with the level tweak on lane 23.
fn eval_merkle<AB: AirBuilder>(
    builder: &mut AB,
    local: &TxCols<AB::Var>,
    next: &TxCols<AB::Var>,
    s: &[AB::Expr],
) where
    AB::Var: Copy,
{
    let child = local.perm.output();
    let bit: AB::Expr = next.bits[0].into();
    let mut t = builder.when_transition();
    let mut t = t.when(s[sel::MERKLE_NEXT].clone());
    for j in 0..RATE {
        let tweak = if j == RATE - 1 {
            s[sel::TWEAK_NEXT].clone()
        } else {
            AB::Expr::ZERO
        };
        let as_left = next.perm.input[j] - child[j];
        let as_right = next.perm.input[RATE + j] - child[j] - tweak;
        t.assert_zero((AB::Expr::ONE - bit.clone()) * as_left + bit.clone() * as_right);
    }
}

/// Registers: per-spend `nk`, `rho` and position held across the spend's rows (the position
/// accumulating the Merkle direction bits); note values, slots and `asset_b` constant.
fn eval_registers<AB: AirBuilder>(
    builder: &mut AB,
    local: &TxCols<AB::Var>,
    next: &TxCols<AB::Var>,
    s: &[AB::Expr],
) where
    AB::Var: Copy,
{
    for k in 0..2 {
        builder
            .when(s[sel::SEG_START].clone())
            .assert_zero(local.position[k]);
    }
    let mut t = builder.when_transition();
    {
        let mut held = t.when(s[sel::SEG_HOLD].clone());
        for k in 0..RATE {
            held.assert_eq(next.nk[k], local.nk[k]);
            held.assert_eq(next.rho[k], local.rho[k]);
        }
        let bit: AB::Expr = local.bits[0].into();
        held.assert_eq(
            next.position[0],
            local.position[0] + bit.clone() * s[sel::POS_WEIGHT_LO].clone(),
        );
        held.assert_eq(
            next.position[1],
            local.position[1] + bit * s[sel::POS_WEIGHT_HI].clone(),
        );
    }
    for note in 0..NUM_NOTES {
        for j in 0..VALUE_LIMBS {
            t.assert_eq(next.values[note][j], local.values[note][j]);
        }
        t.assert_eq(next.slot[note], local.slot[note]);
    }
    for j in 0..2 {
        t.assert_eq(next.asset_b[j], local.asset_b[j]);
    }
}

/// Public digests: each spend's root equals the anchor unless the spend is a dummy (value 0),
/// nullifiers and output commitments equal their public values.
fn eval_public_digests<AB: AirBuilder>(
    builder: &mut AB,
    local: &TxCols<AB::Var>,
    s: &[AB::Expr],
    p: &[AB::Expr],
) where
    AB::Var: Copy,
{
    let output = local.perm.output();
    for spend in 0..NUM_SPENDS {
        // Limbs are range-checked, so their sum is zero exactly when the value is zero.
        let nonzero = local.values[spend]
            .iter()
            .fold(AB::Expr::ZERO, |acc, &l| acc + l);
        for k in 0..RATE {
            builder
                .when(s[sel::ANCHOR + spend].clone())
                .assert_zero(nonzero.clone() * (output[k] - p[pi::ANCHOR + k].clone()));
            builder
                .when(s[sel::NF + spend].clone())
                .assert_eq(output[k], p[pi::NULLIFIERS + spend * RATE + k].clone());
        }
    }
    for out in 0..NUM_OUTPUTS {
        for k in 0..RATE {
            builder
                .when(s[sel::CM_OUT + out].clone())
                .assert_eq(output[k], p[pi::COMMITMENTS + out * RATE + k].clone());
        }
    }
    // A non-native value balance names the transfer's second asset.
    let mut first = builder.when_first_row();
    for j in 0..2 {
        first
            .assert_zero(p[pi::VB_SLOT].clone() * (local.asset_b[j] - p[pi::VB_ASSET + j].clone()));
    }
}

/// Every value limb of every note is in `[0, 2^16)`: on its range-check row the 16 bits
/// recompose to it.
fn eval_range_checks<AB: AirBuilder>(builder: &mut AB, local: &TxCols<AB::Var>, s: &[AB::Expr])
where
    AB::Var: Copy,
{
    let recomposed = recompose_bits::<AB>(&local.bits);
    let mut sum = AB::Expr::ZERO;
    for note in 0..NUM_NOTES {
        for limb in 0..VALUE_LIMBS {
            sum += s[sel::RANGE_NOTE + note].clone()
                * s[sel::RANGE_LIMB + limb].clone()
                * (recomposed.clone() - local.values[note][limb]);
        }
    }
    builder.assert_zero(sum);
}

fn recompose_bits<AB: AirBuilder>(bits: &[AB::Var]) -> AB::Expr
where
    AB::Var: Copy,
{
    bits.iter()
        .enumerate()
        .fold(AB::Expr::ZERO, |acc, (i, &b)| {
            acc + b * AB::Expr::from_u32(1 << i)
        })
}

/// Value conservation per asset slot, limb by limb with carries:
/// `Σ spends − Σ outputs − fee·[slot 0] − value_balance·[its slot] = 0` over the integers.
/// Limb differences are below `2^18` and carries in `[-4, 3]`, so no equation can wrap mod `p`.
fn eval_balance<AB: AirBuilder>(
    builder: &mut AB,
    local: &TxCols<AB::Var>,
    s: &[AB::Expr],
    p: &[AB::Expr],
) where
    AB::Var: Copy,
{
    let carry = |i: usize| -> AB::Expr {
        recompose_bits::<AB>(&local.bits[3 * i..3 * i + 3]) - AB::Expr::from_u32(CARRY_OFFSET)
    };
    let vb_sign = AB::Expr::ONE - p[pi::VB_NEGATIVE].clone() * AB::Expr::TWO;
    let base = AB::Expr::from_u32(LIMB_BASE);
    for slot in 0..2 {
        let in_slot = |note: usize| -> AB::Expr {
            if slot == 0 {
                AB::Expr::ONE - local.slot[note]
            } else {
                local.slot[note].into()
            }
        };
        let vb_here = if slot == 0 {
            AB::Expr::ONE - p[pi::VB_SLOT].clone()
        } else {
            p[pi::VB_SLOT].clone()
        };
        let diff = |j: usize| -> AB::Expr {
            let mut d = AB::Expr::ZERO;
            for note in 0..NUM_NOTES {
                let term = in_slot(note) * local.values[note][j];
                if note < NUM_SPENDS {
                    d += term
                } else {
                    d -= term
                }
            }
            if slot == 0 {
                d -= p[pi::FEE + j].clone();
            }
            d - vb_sign.clone() * vb_here.clone() * p[pi::VB_MAGNITUDE + j].clone()
        };
        let mut b = builder.when(s[sel::BALANCE + slot].clone());
        b.assert_eq(diff(0), base.clone() * carry(0));
        b.assert_eq(diff(1) + carry(0), base.clone() * carry(1));
        b.assert_eq(diff(2) + carry(1), base.clone() * carry(2));
        b.assert_zero(diff(3) + carry(2));
    }
}

/// The AIR as the verifier runs it. The verifier evaluates the real constraints at `zeta`; its
/// only symbolic pass sizes the quotient from the constraint degree, which this view reports
/// through [`BaseAir::max_constraint_degree`] instead of re-deriving it from ~500 expression DAGs
/// on every verification (4–17 ms). `tests::verifier_view_reports_the_real_degree` pins that the
/// inferred degree of [`TransactionAir`] equals the declared one, so the quotient size is
/// identical.
pub(crate) struct VerifierView<'a>(pub(crate) &'a TransactionAir);

impl BaseAir<KoalaBear> for VerifierView<'_> {
    fn width(&self) -> usize {
        self.0.width()
    }

    fn num_public_values(&self) -> usize {
        self.0.num_public_values()
    }

    fn num_periodic_columns(&self) -> usize {
        self.0.num_periodic_columns()
    }

    fn periodic_columns(&self) -> Cow<'_, [Vec<KoalaBear>]> {
        self.0.periodic_columns()
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        self.0.main_next_row_columns()
    }

    fn max_constraint_degree(&self) -> Option<usize> {
        self.0.max_constraint_degree()
    }
}

impl Air<p3_air::SymbolicAirBuilder<KoalaBear>> for VerifierView<'_> {
    fn eval(&self, _builder: &mut p3_air::SymbolicAirBuilder<KoalaBear>) {}
}

impl<'a> Air<p3_uni_stark::VerifierConstraintFolder<'a, crate::config::TxStarkConfig>>
    for VerifierView<'_>
{
    fn eval(
        &self,
        builder: &mut p3_uni_stark::VerifierConstraintFolder<'a, crate::config::TxStarkConfig>,
    ) {
        self.0.eval(builder);
    }
}
