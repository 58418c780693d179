//! One Poseidon2 permutation per trace row: columns, constraints and witness filling.
//!
//! The permutation is exactly `hegemon_crypto::poseidon2::permute` (KoalaBear, width 24,
//! `x^3`, 4 + 4 full rounds, 23 partial rounds, the published constants). The row stores the
//! input, the state after every full round and the S-box output of every partial round, so each
//! constraint has degree 3 (one cube of a linear form).

use alloc::vec::Vec;

use p3_air::AirBuilder;
use p3_field::{Algebra, Field, PrimeCharacteristicRing};
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

/// Lanes per block of the external layer.
const BLOCK: usize = 4;
/// Blocks of the external layer.
const BLOCKS: usize = WIDTH / BLOCK;

/// The linear layers in the factored form the constraints evaluate, read once off p3's layers
/// and checked against them:
/// - external: `M_E = (I + J) ⊗ M4` over the six blocks of four lanes (each block through
///   `M4`, then every lane plus its position's sum over the blocks), so
///   `M_E⁻¹ = (I − J/7) ⊗ M4⁻¹`;
/// - internal: `M_I = diag(d) + J` (every lane times its `d`, plus the sum of all lanes).
///
/// Factored, a full round's 24 linear forms take 140 multiply–adds instead of 576 (dense), and a
/// partial round's 47: evaluated per row by the prover and per inner proof by the recursive
/// verifier, whose out-of-domain check they were most of.
struct LinearLayers {
    m4: [[KoalaBear; BLOCK]; BLOCK],
    m4_inverse: [[KoalaBear; BLOCK]; BLOCK],
    /// `−1 / (1 + BLOCKS)`: the weight of the block sums in `(I + J)⁻¹ = I − J/7`.
    block_sum_inverse_weight: KoalaBear,
    /// The diagonal of `M_I − J`.
    internal_diagonal: [KoalaBear; WIDTH],
}

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

/// Gauss–Jordan inverse over KoalaBear (`None` if singular; `M4` never is).
fn invert<const N: usize>(m: &[[KoalaBear; N]; N]) -> Option<[[KoalaBear; N]; N]> {
    let mut a = *m;
    let mut inv = [[KoalaBear::ZERO; N]; N];
    for (i, row) in inv.iter_mut().enumerate() {
        row[i] = KoalaBear::ONE;
    }
    for col in 0..N {
        let pivot = (col..N).find(|&r| a[r][col] != KoalaBear::ZERO)?;
        a.swap(col, pivot);
        inv.swap(col, pivot);
        let scale = a[col][col].try_inverse()?;
        for k in 0..N {
            a[col][k] *= scale;
            inv[col][k] *= scale;
        }
        for r in 0..N {
            let factor = a[r][col];
            if r != col && factor != KoalaBear::ZERO {
                for k in 0..N {
                    let (ack, ick) = (a[col][k], inv[col][k]);
                    a[r][k] -= factor * ack;
                    inv[r][k] -= factor * ick;
                }
            }
        }
    }
    Some(inv)
}

fn linear_layers() -> &'static LinearLayers {
    static LAYERS: spin::Once<LinearLayers> = spin::Once::new();
    LAYERS.call_once(|| {
        let external = matrix_of(Layers::external_linear_layer);
        let internal = matrix_of(Layers::internal_linear_layer);
        // An off-diagonal block of `M_E` is `M4`; a diagonal one `2 · M4`.
        let m4: [[KoalaBear; BLOCK]; BLOCK] =
            core::array::from_fn(|i| core::array::from_fn(|j| external[i][BLOCK + j]));
        let internal_diagonal = core::array::from_fn(|i| internal[i][i] - KoalaBear::ONE);
        for (i, (e_row, i_row)) in external.iter().zip(&internal).enumerate() {
            for (j, (&e, &m)) in e_row.iter().zip(i_row).enumerate() {
                let weight = KoalaBear::from_bool(i / BLOCK == j / BLOCK) + KoalaBear::ONE;
                let internal_expected =
                    KoalaBear::ONE + KoalaBear::from_bool(i == j) * internal_diagonal[i];
                assert!(
                    e == weight * m4[i % BLOCK][j % BLOCK] && m == internal_expected,
                    "p3's Poseidon2-24 linear layers are (I + J) ⊗ M4 and diag(d) + J"
                );
            }
        }
        LinearLayers {
            m4,
            m4_inverse: invert(&m4).unwrap_or_else(|| unreachable!("M4 is invertible")),
            block_sum_inverse_weight: -KoalaBear::from_usize(1 + BLOCKS).inverse(),
            internal_diagonal,
        }
    })
}

/// `x · c`, without a product for `c = 1`.
fn scale<E: Algebra<KoalaBear>>(x: &E, c: KoalaBear) -> E {
    if c == KoalaBear::ONE {
        x.clone()
    } else {
        x.clone() * c
    }
}

/// `Σ cᵢ · xᵢ` over the nonzero coefficients.
fn combine<E: Algebra<KoalaBear>>(coefficients: &[KoalaBear], xs: &[E]) -> E {
    coefficients
        .iter()
        .zip(xs)
        .filter(|(c, _)| **c != KoalaBear::ZERO)
        .map(|(c, x)| scale(x, *c))
        .reduce(|acc, term| acc + term)
        .unwrap_or(E::ZERO)
}

/// `((I + w·J) ⊗ M) · x`: each block of four lanes through `m`, then every lane plus `w` times
/// the sum of its position over the blocks.
fn block_layer<E: Algebra<KoalaBear>>(
    m: &[[KoalaBear; BLOCK]; BLOCK],
    w: KoalaBear,
    x: &[E],
) -> Vec<E> {
    let y: Vec<E> = x
        .chunks_exact(BLOCK)
        .flat_map(|block| m.iter().map(move |row| combine(row, block)))
        .collect();
    let sums: Vec<E> = (0..BLOCK)
        .map(|k| scale(&y.iter().skip(k).step_by(BLOCK).cloned().sum::<E>(), w))
        .collect();
    y.iter()
        .enumerate()
        .map(|(i, lane)| lane.clone() + sums[i % BLOCK].clone())
        .collect()
}

/// `M_E · x`.
fn external<E: Algebra<KoalaBear>>(x: &[E]) -> Vec<E> {
    block_layer(&linear_layers().m4, KoalaBear::ONE, x)
}

/// `M_E⁻¹ · x`.
fn external_inverse<E: Algebra<KoalaBear>>(x: &[E]) -> Vec<E> {
    let layers = linear_layers();
    block_layer(&layers.m4_inverse, layers.block_sum_inverse_weight, x)
}

/// `M_I · x`.
fn internal<E: Algebra<KoalaBear>>(x: &[E]) -> Vec<E> {
    let sum: E = x.iter().cloned().sum();
    x.iter()
        .zip(&linear_layers().internal_diagonal)
        .map(|(lane, d)| scale(lane, *d) + sum.clone())
        .collect()
}

/// Constrains `cols` to be one valid permutation (degree 3, no next-row access).
///
/// Each constraint is one cube against one linear form of the committed columns:
/// - full round: `(M_E⁻¹ · post)[i] = (state_in[i] + c_i)^3`, where `state_in` is the previous
///   round's `post` (or `M_E · input` for the first round, or the state after the partial
///   rounds);
/// - partial round `r`: `sbox_r = (s_0 + c_r)^3`, where the state `s` starts as the last
///   beginning round's `post` and each partial round sets `s_0 = sbox_r`, then `s = M_I · s`.
pub fn eval<AB: AirBuilder<F = KoalaBear>>(builder: &mut AB, cols: &Poseidon2Cols<AB::Var>)
where
    AB::Var: Copy,
{
    let vars = |v: &[AB::Var]| -> Vec<AB::Expr> { v.iter().map(|&x| x.into()).collect() };
    let mut state_in = external(&vars(&cols.input));
    for (round, post) in cols.beginning_full.iter().enumerate() {
        full_round::<AB>(
            builder,
            &state_in,
            &KOALABEAR_POSEIDON2_RC_24_EXTERNAL_INITIAL[round],
            post,
        );
        state_in = vars(post);
    }
    for (round, &sbox) in cols.partial.iter().enumerate() {
        let x = state_in[0].clone() + KOALABEAR_POSEIDON2_RC_24_INTERNAL[round];
        builder.assert_eq(x.cube(), sbox);
        state_in[0] = sbox.into();
        state_in = internal(&state_in);
    }
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
    let post: Vec<AB::Expr> = post.iter().map(|&p| p.into()).collect();
    for ((undone, lane), c) in external_inverse(&post)
        .into_iter()
        .zip(state_in)
        .zip(constants)
    {
        builder.assert_eq(undone, (lane.clone() + *c).cube());
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

    fn sample(seed: u32) -> [KoalaBear; WIDTH] {
        core::array::from_fn(|i| KoalaBear::from_u32(seed * 1000 + i as u32 * 7919 + 1))
    }

    /// The factored layers are p3's layers, and `M_E⁻¹` undoes `M_E`.
    #[test]
    fn factored_layers_are_the_permutation_layers() {
        for seed in 0..4 {
            let x = sample(seed);
            let (mut e, mut i) = (x, x);
            Layers::external_linear_layer(&mut e);
            Layers::internal_linear_layer(&mut i);
            assert_eq!(external(&x), e);
            assert_eq!(internal(&x), i);
            assert_eq!(external_inverse(&e), x);
        }
    }

    /// One permutation per row, nothing else: the AIR [`check_constraints`] runs.
    struct PermutationAir;

    impl<F> p3_air::BaseAir<F> for PermutationAir {
        fn width(&self) -> usize {
            NUM_POSEIDON2_COLS
        }
    }

    impl<AB: AirBuilder<F = KoalaBear>> p3_air::Air<AB> for PermutationAir
    where
        AB::Var: Copy,
    {
        fn eval(&self, builder: &mut AB) {
            use p3_air::WindowAccess;
            let row: Vec<AB::Var> = builder.main().current_slice().to_vec();
            eval(builder, &Poseidon2Cols::from_slice(&row));
        }
    }

    fn rows_hold(values: &[KoalaBear]) -> bool {
        extern crate std;
        let trace = p3_matrix::dense::RowMajorMatrix::new(values.to_vec(), NUM_POSEIDON2_COLS);
        std::panic::catch_unwind(|| p3_air::check_constraints(&PermutationAir, &trace, &[])).is_ok()
    }

    /// The constraints hold on every filled row, and a change to any one column breaks them.
    #[test]
    fn constraints_hold_exactly_on_permutation_rows() {
        let mut values = Vec::new();
        for seed in 0..4 {
            fill(sample(seed)).write_to(&mut values);
        }
        assert!(rows_hold(&values));
        for column in 0..NUM_POSEIDON2_COLS {
            let mut tampered = values.clone();
            tampered[NUM_POSEIDON2_COLS + column] += KoalaBear::ONE;
            assert!(!rows_hold(&tampered), "column {column} is unconstrained");
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
