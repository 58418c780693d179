//! One Poseidon2 permutation per trace row: columns, constraints and witness filling.
//!
//! The permutation is exactly `hegemon_crypto::poseidon2::permute` (KoalaBear, width 24,
//! `x^3`, 4 + 4 full rounds, 23 partial rounds, the published constants). The row stores the
//! input, the state after every full round and the S-box output of every partial round, so each
//! constraint has degree 3 (one cube of a linear form).

use p3_air::AirBuilder;
use p3_field::{Field, PrimeCharacteristicRing};
use p3_koala_bear::{
    GenericPoseidon2LinearLayersKoalaBear, KOALABEAR_POSEIDON2_RC_24_EXTERNAL_FINAL,
    KOALABEAR_POSEIDON2_RC_24_EXTERNAL_INITIAL, KOALABEAR_POSEIDON2_RC_24_INTERNAL, KoalaBear,
};
use p3_poseidon2::GenericPoseidon2LinearLayers;

/// Permutation width.
pub const WIDTH: usize = 24;
/// Full rounds before (and after) the partial rounds.
pub const HALF_FULL_ROUNDS: usize = 4;
/// Partial rounds.
pub const PARTIAL_ROUNDS: usize = 23;

type Layers = GenericPoseidon2LinearLayersKoalaBear;

/// The columns of one permutation.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Poseidon2Cols<T> {
    /// The permutation input.
    pub input: [T; WIDTH],
    /// State after each of the first four full rounds.
    pub beginning_full: [[T; WIDTH]; HALF_FULL_ROUNDS],
    /// Lane 0 after the S-box of each partial round.
    pub partial: [T; PARTIAL_ROUNDS],
    /// State after each of the last four full rounds; the last is the output.
    pub ending_full: [[T; WIDTH]; HALF_FULL_ROUNDS],
}

/// Number of columns of one permutation.
pub const NUM_POSEIDON2_COLS: usize = core::mem::size_of::<Poseidon2Cols<u8>>();

impl<T> Poseidon2Cols<T> {
    /// The permutation output.
    pub fn output(&self) -> &[T; WIDTH] {
        &self.ending_full[HALF_FULL_ROUNDS - 1]
    }
}

impl<T: Copy> Poseidon2Cols<T> {
    /// Reads the first [`NUM_POSEIDON2_COLS`] values of a row, in declaration order.
    pub fn from_slice(slice: &[T]) -> Self {
        let lanes = |at: usize| -> [T; WIDTH] { core::array::from_fn(|i| slice[at + i]) };
        let partial_at = WIDTH * (1 + HALF_FULL_ROUNDS);
        let ending_at = partial_at + PARTIAL_ROUNDS;
        Self {
            input: lanes(0),
            beginning_full: core::array::from_fn(|r| lanes(WIDTH * (1 + r))),
            partial: core::array::from_fn(|i| slice[partial_at + i]),
            ending_full: core::array::from_fn(|r| lanes(ending_at + WIDTH * r)),
        }
    }

    /// Appends the values in declaration order.
    pub fn write_to(&self, out: &mut alloc::vec::Vec<T>) {
        out.extend_from_slice(&self.input);
        self.beginning_full
            .iter()
            .for_each(|s| out.extend_from_slice(s));
        out.extend_from_slice(&self.partial);
        self.ending_full
            .iter()
            .for_each(|s| out.extend_from_slice(s));
    }
}

/// The linear algebra behind the constraint form, computed once from the linear layers:
/// `M_E`, `M_E⁻¹`, and the partial rounds unrolled into linear forms over the state after the
/// last beginning full round (basis 0‥23) and the partial S-box outputs (basis 24‥46).
struct LinearForms {
    external: [[KoalaBear; WIDTH]; WIDTH],
    external_inverse: [[KoalaBear; WIDTH]; WIDTH],
    /// Lane 0 entering partial round `r`.
    partial_inputs: [[KoalaBear; BASIS]; PARTIAL_ROUNDS],
    /// The state after the last partial round.
    partial_outputs: [[KoalaBear; BASIS]; WIDTH],
}

const BASIS: usize = WIDTH + PARTIAL_ROUNDS;

fn matrix_of(layer: impl Fn(&mut [KoalaBear; WIDTH])) -> [[KoalaBear; WIDTH]; WIDTH] {
    let mut m = [[KoalaBear::ZERO; WIDTH]; WIDTH];
    for j in 0..WIDTH {
        let mut e = [KoalaBear::ZERO; WIDTH];
        e[j] = KoalaBear::ONE;
        layer(&mut e);
        for i in 0..WIDTH {
            m[i][j] = e[i];
        }
    }
    m
}

/// Gauss–Jordan inverse over KoalaBear (`None` if singular; the MDS matrix never is).
fn invert(m: &[[KoalaBear; WIDTH]; WIDTH]) -> Option<[[KoalaBear; WIDTH]; WIDTH]> {
    let mut a = *m;
    let mut inv = [[KoalaBear::ZERO; WIDTH]; WIDTH];
    for (i, row) in inv.iter_mut().enumerate() {
        row[i] = KoalaBear::ONE;
    }
    for col in 0..WIDTH {
        let pivot = (col..WIDTH).find(|&r| a[r][col] != KoalaBear::ZERO)?;
        a.swap(col, pivot);
        inv.swap(col, pivot);
        let scale = a[col][col].try_inverse()?;
        for k in 0..WIDTH {
            a[col][k] *= scale;
            inv[col][k] *= scale;
        }
        for r in 0..WIDTH {
            let factor = a[r][col];
            if r != col && factor != KoalaBear::ZERO {
                for k in 0..WIDTH {
                    let (ack, ick) = (a[col][k], inv[col][k]);
                    a[r][k] -= factor * ack;
                    inv[r][k] -= factor * ick;
                }
            }
        }
    }
    Some(inv)
}

fn linear_forms() -> &'static LinearForms {
    static FORMS: spin::Once<LinearForms> = spin::Once::new();
    FORMS.call_once(|| {
        let external = matrix_of(Layers::external_linear_layer);
        let internal = matrix_of(Layers::internal_linear_layer);
        let external_inverse = invert(&external)
            .unwrap_or_else(|| unreachable!("the Poseidon2 MDS matrix is invertible"));
        let mut state = [[KoalaBear::ZERO; BASIS]; WIDTH];
        for (i, form) in state.iter_mut().enumerate() {
            form[i] = KoalaBear::ONE;
        }
        let mut partial_inputs = [[KoalaBear::ZERO; BASIS]; PARTIAL_ROUNDS];
        for (round, input) in partial_inputs.iter_mut().enumerate() {
            *input = state[0];
            state[0] = [KoalaBear::ZERO; BASIS];
            state[0][WIDTH + round] = KoalaBear::ONE;
            state = core::array::from_fn(|i| {
                core::array::from_fn(|k| (0..WIDTH).map(|j| internal[i][j] * state[j][k]).sum())
            });
        }
        LinearForms {
            external,
            external_inverse,
            partial_inputs,
            partial_outputs: state,
        }
    })
}

fn combine<AB: AirBuilder>(coefficients: &[KoalaBear], vars: &[AB::Expr]) -> AB::Expr
where
    AB::F: From<KoalaBear>,
{
    coefficients
        .iter()
        .zip(vars)
        .filter(|(c, _)| **c != KoalaBear::ZERO)
        .fold(AB::Expr::ZERO, |acc, (c, v)| {
            acc + v.clone() * AB::F::from(*c)
        })
}

/// Constrains `cols` to be one valid permutation (degree 3, no next-row access).
///
/// Each constraint is one cube against one linear form, so every constraint is a small flat
/// expression:
/// - full round: `(M_E⁻¹ · post)[i] = (state_in[i] + c_i)^3`, where `state_in` is the previous
///   round's `post` (or `M_E · input` for the first round, or the unrolled partial-round output);
/// - partial round `r`: `sbox_r = (L_r + c_r)^3`, with `L_r` lane 0 as a linear form over the
///   last beginning round's state and the earlier S-box outputs.
pub fn eval<AB: AirBuilder<F = KoalaBear>>(builder: &mut AB, cols: &Poseidon2Cols<AB::Var>)
where
    AB::Var: Copy,
{
    let forms = linear_forms();
    let vars =
        |v: &[AB::Var]| -> alloc::vec::Vec<AB::Expr> { v.iter().map(|&x| x.into()).collect() };
    let input = vars(&cols.input);
    let mut state_in: alloc::vec::Vec<AB::Expr> = forms
        .external
        .iter()
        .map(|row| combine::<AB>(row, &input))
        .collect();
    for (round, post) in cols.beginning_full.iter().enumerate() {
        full_round::<AB>(
            builder,
            &state_in,
            &KOALABEAR_POSEIDON2_RC_24_EXTERNAL_INITIAL[round],
            post,
        );
        state_in = vars(post);
    }
    let mut basis = state_in;
    basis.extend(vars(&cols.partial));
    for (round, sbox) in cols.partial.iter().enumerate() {
        let x = combine::<AB>(&forms.partial_inputs[round], &basis)
            + KOALABEAR_POSEIDON2_RC_24_INTERNAL[round];
        builder.assert_eq(x.cube(), *sbox);
    }
    let mut state_in: alloc::vec::Vec<AB::Expr> = forms
        .partial_outputs
        .iter()
        .map(|form| combine::<AB>(form, &basis))
        .collect();
    for (round, post) in cols.ending_full.iter().enumerate() {
        full_round::<AB>(
            builder,
            &state_in,
            &KOALABEAR_POSEIDON2_RC_24_EXTERNAL_FINAL[round],
            post,
        );
        state_in = vars(post);
    }
}

fn full_round<AB: AirBuilder<F = KoalaBear>>(
    builder: &mut AB,
    state_in: &[AB::Expr],
    constants: &[KoalaBear; WIDTH],
    post: &[AB::Var; WIDTH],
) where
    AB::Var: Copy,
{
    let post: alloc::vec::Vec<AB::Expr> = post.iter().map(|&p| p.into()).collect();
    for i in 0..WIDTH {
        let undone = combine::<AB>(&linear_forms().external_inverse[i], &post);
        builder.assert_eq(undone, (state_in[i].clone() + constants[i]).cube());
    }
}

/// Computes every column of the permutation of `input`.
pub fn fill(input: [KoalaBear; WIDTH]) -> Poseidon2Cols<KoalaBear> {
    let mut cols = Poseidon2Cols {
        input,
        beginning_full: [[KoalaBear::ZERO; WIDTH]; HALF_FULL_ROUNDS],
        partial: [KoalaBear::ZERO; PARTIAL_ROUNDS],
        ending_full: [[KoalaBear::ZERO; WIDTH]; HALF_FULL_ROUNDS],
    };
    let mut state = input;
    Layers::external_linear_layer(&mut state);
    for round in 0..HALF_FULL_ROUNDS {
        for (s, c) in state
            .iter_mut()
            .zip(&KOALABEAR_POSEIDON2_RC_24_EXTERNAL_INITIAL[round])
        {
            *s = (*s + *c).cube();
        }
        Layers::external_linear_layer(&mut state);
        cols.beginning_full[round] = state;
    }
    for round in 0..PARTIAL_ROUNDS {
        state[0] = (state[0] + KOALABEAR_POSEIDON2_RC_24_INTERNAL[round]).cube();
        cols.partial[round] = state[0];
        Layers::internal_linear_layer(&mut state);
    }
    for round in 0..HALF_FULL_ROUNDS {
        for (s, c) in state
            .iter_mut()
            .zip(&KOALABEAR_POSEIDON2_RC_24_EXTERNAL_FINAL[round])
        {
            *s = (*s + *c).cube();
        }
        Layers::external_linear_layer(&mut state);
        cols.ending_full[round] = state;
    }
    cols
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_inverse_is_an_inverse() {
        let f = linear_forms();
        for i in 0..WIDTH {
            for j in 0..WIDTH {
                let dot: KoalaBear = (0..WIDTH)
                    .map(|k| f.external[i][k] * f.external_inverse[k][j])
                    .sum();
                assert_eq!(dot, KoalaBear::from_bool(i == j));
            }
        }
    }

    /// The AIR's permutation is the protocol's permutation.
    #[test]
    fn fill_matches_the_protocol_permutation() {
        for seed in 0..4u32 {
            let input: [KoalaBear; WIDTH] =
                core::array::from_fn(|i| KoalaBear::from_u32(seed * 1000 + i as u32 * 7919));
            let mut expected = input;
            hegemon_crypto::poseidon2::permute(&mut expected);
            assert_eq!(*fill(input).output(), expected);
        }
    }
}
