//! Builds the transaction trace from a witness, row by row in schedule order.

use alloc::vec::Vec;

use hegemon_crypto::Note;
use hegemon_crypto::poseidon2::{DIGEST_ELEMS, Digest, Felt, MERKLE_LEVEL_BASE};
use hegemon_crypto::spec::{
    NOTE_COMMITMENT_INPUT_LEN, NULLIFIER_INPUT_LEN, domain, u32_limbs, u64_limbs,
};
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::dense::RowMajorMatrix;

use crate::columns::{NUM_BITS, NUM_NOTES, NUM_SPENDS, NUM_TX_COLS, TxCols, VALUE_LIMBS};
use crate::poseidon2_cols::{self, Poseidon2Cols, WIDTH};
use crate::public_inputs::TransactionPublicInputs;
use crate::schedule::{TRACE_HEIGHT, USED_ROWS};
use crate::witness::{TransactionWitness, WitnessError};

const RATE: usize = 12;
const LIMB_BASE: i64 = 1 << 16;
const CARRY_OFFSET: i64 = 4;

/// Rows of one sponge call: fresh capacity `(tag, len)`, then one row per 12-element block.
fn sponge_rows(tag: u32, input: &[Felt]) -> Vec<Poseidon2Cols<Felt>> {
    let mut capacity = [Felt::ZERO; WIDTH - RATE];
    capacity[0] = Felt::from_u32(tag);
    capacity[1] = Felt::from_usize(input.len());
    input
        .chunks(RATE)
        .map(|block| {
            let mut state = [Felt::ZERO; WIDTH];
            state[..block.len()].copy_from_slice(block);
            state[RATE..].copy_from_slice(&capacity);
            let cols = poseidon2_cols::fill(state);
            capacity.copy_from_slice(&cols.output()[RATE..]);
            cols
        })
        .collect()
}

fn digest_of(cols: &Poseidon2Cols<Felt>) -> Digest {
    let mut d = [Felt::ZERO; DIGEST_ELEMS];
    d.copy_from_slice(&cols.output()[..DIGEST_ELEMS]);
    Digest::from_elements(d)
}

/// The commitment sponge's input, in spec order (`pk_auth ‖ pk_enc ‖ rho ‖ r ‖ value ‖ asset`).
fn commitment_input(note: &Note) -> Vec<Felt> {
    let mut input = Vec::with_capacity(NOTE_COMMITMENT_INPUT_LEN);
    input.extend_from_slice(note.recipient.pk_auth.elements());
    input.extend_from_slice(note.recipient.pk_enc_digest.elements());
    input.extend_from_slice(note.rseed.rho().elements());
    input.extend_from_slice(note.rseed.rcm().elements());
    input.extend_from_slice(&u64_limbs(note.value.get()));
    input.extend_from_slice(&u32_limbs(note.asset_id.get()));
    input
}

fn bits_of(value: u64, count: usize) -> [Felt; NUM_BITS] {
    core::array::from_fn(|i| Felt::from_bool(i < count && (value >> i) & 1 == 1))
}

/// A row with every register at its trace-wide constant value.
// Struct-update syntax here trips a rustc 1.95 ICE ("broken MIR" on const-generic array fields).
#[allow(clippy::field_reassign_with_default)]
fn base_row(witness: &TransactionWitness, asset_b: u32) -> TxCols<Felt> {
    let notes: [&Note; NUM_NOTES] = [
        &witness.spends[0].note,
        &witness.spends[1].note,
        &witness.outputs[0],
        &witness.outputs[1],
    ];
    let mut row = TxCols::default();
    row.values = notes.map(|n| u64_limbs(n.value.get()));
    row.slot = notes.map(|n| Felt::from_bool(n.asset_id.get() != 0));
    row.asset_b = u32_limbs(asset_b);
    row
}

/// Carry bits proving `Σ d_j 2^(16 j) = 0` for one slot's limb differences.
fn carry_bits(diffs: [i64; VALUE_LIMBS]) -> [Felt; NUM_BITS] {
    let mut carry = 0i64;
    let mut bits = [Felt::ZERO; NUM_BITS];
    for (j, d) in diffs.iter().take(VALUE_LIMBS - 1).enumerate() {
        carry = (d + carry) / LIMB_BASE;
        let encoded = (carry + CARRY_OFFSET) as u64;
        bits[3 * j..3 * j + 3].copy_from_slice(&bits_of(encoded, 3)[..3]);
    }
    bits
}

/// Generates the trace for a witness whose [`public inputs`](TransactionWitness::public_inputs)
/// are `public`.
pub fn generate_trace(
    witness: &TransactionWitness,
    public: &TransactionPublicInputs,
) -> Result<RowMajorMatrix<Felt>, WitnessError> {
    let asset_b = witness.second_asset()?.get();
    let base = base_row(witness, asset_b);
    let mut rows: Vec<TxCols<Felt>> = Vec::with_capacity(TRACE_HEIGHT);
    let mut push = |perm: Poseidon2Cols<Felt>, edit: &dyn Fn(&mut TxCols<Felt>)| {
        let mut row = base;
        row.perm = perm;
        edit(&mut row);
        rows.push(row);
    };

    for spend in &witness.spends {
        let nk = spend.nullifier_key();
        let rho = spend.note.rseed.rho();
        let in_segment = |row: &mut TxCols<Felt>| {
            row.nk = *nk.elements();
            row.rho = *rho.elements();
        };
        let nk_row = sponge_rows(domain::NULLIFIER_KEY, &spend.sk_spend);
        let ak_row = sponge_rows(domain::AUTH_KEY, &spend.sk_spend);
        let mut pk_input = ak_row[0].output()[..DIGEST_ELEMS].to_vec();
        pk_input.extend_from_slice(&u32_limbs(spend.address_index));
        let pk_rows = sponge_rows(domain::PK_AUTH, &pk_input);
        let cm_rows = sponge_rows(domain::NOTE_COMMITMENT, &commitment_input(&spend.note));
        for perm in nk_row
            .into_iter()
            .chain(ak_row)
            .chain(pk_rows)
            .chain(cm_rows.iter().copied())
        {
            push(perm, &|r| in_segment(r));
        }
        // Merkle path: the position register holds the bits of the levels below this row.
        let mut node = digest_of(&cm_rows[cm_rows.len() - 1]);
        let mut position = [0u32; 2];
        for (level, sibling) in spend.auth_path.iter().enumerate() {
            let bit = (spend.position >> level) & 1;
            let (left, right) = if bit == 0 {
                (node, *sibling)
            } else {
                (*sibling, node)
            };
            let mut state = [Felt::ZERO; WIDTH];
            state[..RATE].copy_from_slice(left.elements());
            state[RATE..].copy_from_slice(right.elements());
            state[WIDTH - 1] += Felt::from_u32(MERKLE_LEVEL_BASE + level as u32);
            let perm = poseidon2_cols::fill(state);
            node = digest_of(&perm);
            let pos = position.map(Felt::from_u32);
            push(perm, &|r| {
                in_segment(r);
                r.position = pos;
                r.bits[0] = Felt::from_u32(bit);
            });
            let half = level / 16;
            position[half] += bit << (level % 16);
        }
        let mut nf_input = nk.elements().to_vec();
        nf_input.extend_from_slice(rho.elements());
        nf_input.extend_from_slice(&u32_limbs(spend.position));
        debug_assert_eq!(nf_input.len(), NULLIFIER_INPUT_LEN);
        let pos = position.map(Felt::from_u32);
        for perm in sponge_rows(domain::NULLIFIER, &nf_input) {
            push(perm, &|r| {
                in_segment(r);
                r.position = pos;
            });
        }
    }
    for note in &witness.outputs {
        for perm in sponge_rows(domain::NOTE_COMMITMENT, &commitment_input(note)) {
            push(perm, &|_| {});
        }
    }
    let zero_perm = poseidon2_cols::fill([Felt::ZERO; WIDTH]);
    for note in 0..NUM_NOTES {
        for limb in 0..VALUE_LIMBS {
            let value = u64::from(base.values[note][limb].as_canonical_u32());
            push(zero_perm, &|r| r.bits = bits_of(value, 16));
        }
    }
    for slot in 0..2u32 {
        let diffs = balance_diffs(&base, public, slot);
        push(zero_perm, &|r| r.bits = carry_bits(diffs));
    }
    debug_assert_eq!(rows.len(), USED_ROWS);
    while rows.len() < TRACE_HEIGHT {
        let mut row = base;
        row.perm = zero_perm;
        rows.push(row);
    }
    let mut flat = Vec::with_capacity(TRACE_HEIGHT * NUM_TX_COLS);
    rows.iter().for_each(|r| r.write_to(&mut flat));
    Ok(RowMajorMatrix::new(flat, NUM_TX_COLS))
}

/// The per-limb differences the balance row of `slot` proves are zero as an integer.
fn balance_diffs(
    base: &TxCols<Felt>,
    public: &TransactionPublicInputs,
    slot: u32,
) -> [i64; VALUE_LIMBS] {
    let fee = u64_limbs(public.fee);
    let vb = public.value_balance;
    let magnitude = u64_limbs(u64::try_from(vb.amount.unsigned_abs()).unwrap_or(u64::MAX));
    let vb_slot = u32::from(vb.amount != 0 && vb.asset.get() != 0);
    let vb_sign: i64 = if vb.amount < 0 { -1 } else { 1 };
    core::array::from_fn(|j| {
        let limb = |f: Felt| i64::from(f.as_canonical_u32());
        let mut d = 0i64;
        for note in 0..NUM_NOTES {
            if base.slot[note].as_canonical_u32() == slot {
                let v = limb(base.values[note][j]);
                d += if note < NUM_SPENDS { v } else { -v };
            }
        }
        if slot == 0 {
            d -= limb(fee[j]);
        }
        if vb_slot == slot {
            d -= vb_sign * limb(magnitude[j]);
        }
        d
    })
}
