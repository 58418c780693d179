//! A small inner AIR and its proofs, for the recursive verifier's tests and benchmarks.

use alloc::vec::Vec;

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;
use p3_uni_stark::Proof;

use crate::config::{AggregationConfig, stark_config_with_cap};
use crate::field::Val;

/// `(a, b) → (b, a + b)` over the trace; public values: the first pair and the last `b`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fibonacci;

/// The configuration seed the fixtures prove under.
pub const FIBONACCI_SEED: [u32; 3] = [7, 7, 7];

impl BaseAir<Val> for Fibonacci {
    fn width(&self) -> usize {
        2
    }

    fn num_public_values(&self) -> usize {
        3
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        alloc::vec![0, 1]
    }
}

impl<AB: AirBuilder<F = Val>> Air<AB> for Fibonacci {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let (Some(a), Some(b), Some(a2), Some(b2)) =
            (main.current(0), main.current(1), main.next(0), main.next(1))
        else {
            unreachable!("the layout has two columns and the next row")
        };
        let public: Vec<AB::Expr> = builder.public_values().iter().map(|&p| p.into()).collect();
        builder.when_first_row().assert_eq(a, public[0].clone());
        builder.when_first_row().assert_eq(b, public[1].clone());
        builder.when_transition().assert_eq(a2, b);
        builder.when_transition().assert_eq(b2, a + b);
        builder.when_last_row().assert_eq(b, public[2].clone());
    }
}

/// A proof over `2^log_rows` rows starting from `(start, start)`, in the aggregation
/// configuration seeded with [`FIBONACCI_SEED`] with caps of `2^cap_height` digests, and its
/// public values. `log_rows` is at least [`crate::config::AGGREGATION`]'s `min_log_height`
/// less one: FRI takes only extensions taller than its final polynomial's.
pub fn fibonacci_proof(
    log_rows: usize,
    cap_height: usize,
    start: u32,
) -> (Proof<AggregationConfig>, Vec<Val>) {
    let n = 1 << log_rows;
    let mut values = Vec::with_capacity(2 * n);
    let (mut a, mut b) = (Val::from_u32(start), Val::from_u32(start));
    for _ in 0..n {
        values.extend([a, b]);
        (a, b) = (b, a + b);
    }
    let public = alloc::vec![values[0], values[1], values[2 * n - 1]];
    let config = stark_config_with_cap(&FIBONACCI_SEED.map(Val::from_u32), cap_height);
    let proof = p3_uni_stark::prove(&config, &Fibonacci, RowMajorMatrix::new(values, 2), &public)
        .unwrap_or_else(|e| unreachable!("a valid Fibonacci trace proves: {e:?}"));
    (proof, public)
}

/// A circuit with a row in every table: `y = x · x + x`, a permutation of `(y, x, …, x, 0, …)`
/// (`x` in lanes 1‥11, a zero capacity) whose first output is the public input. Returns it with
/// its public and private inputs for `x = 3`.
pub fn every_table_circuit() -> (crate::Circuit, Vec<Val>, Vec<crate::field::Ext>) {
    let mut b = crate::CircuitBuilder::new();
    let x = b.private_input();
    let y = b.mul_add(x, x, x);
    let zero = b.zero();
    let lanes: [crate::Wire; 24] = core::array::from_fn(|i| match i {
        0 => y,
        1..12 => x,
        _ => zero,
    });
    let out = b.permute(lanes);
    let public = b.public_input();
    b.connect(out[0], public);
    let x = Val::from_u32(3);
    let mut state: [Val; 24] = core::array::from_fn(|i| match i {
        0 => x * x + x,
        1..12 => x,
        _ => Val::ZERO,
    });
    crate::field::permute(&mut state);
    (b.build(), alloc::vec![state[0]], alloc::vec![x.into()])
}

/// A circuit exposing one permutation's output lanes 0‥11 as its twelve public inputs, the way
/// leaves and nodes expose their digest (bound on that Poseidon2 row, no public table). Returns
/// it with its public and private inputs for the rate lanes all 5 (the capacity zero).
pub fn permutation_digest_circuit() -> (crate::Circuit, Vec<Val>, Vec<crate::field::Ext>) {
    let mut b = crate::CircuitBuilder::new();
    let x = b.private_input();
    let zero = b.zero();
    let out = b.permute(core::array::from_fn(|k| if k < 12 { x } else { zero }));
    for &lane in &out[..12] {
        let public = b.public_input();
        b.connect(lane, public);
    }
    let mut state: [Val; 24] = core::array::from_fn(|k| Val::from_u32(if k < 12 { 5 } else { 0 }));
    crate::field::permute(&mut state);
    (
        b.build(),
        state[..12].to_vec(),
        alloc::vec![Val::from_u32(5).into()],
    )
}
