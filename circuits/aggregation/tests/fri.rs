//! FRI arithmetic in-circuit against `p3-fri`.

use core::marker::PhantomData;

use aggregation_circuit::field::{Ext, Val};
use aggregation_circuit::gadgets::fri::{QueryPoints, fold_row, horner, reversed_power};
use aggregation_circuit::{CircuitBuilder, Wire};
use p3_field::{PrimeCharacteristicRing, TwoAdicField};
use p3_fri::{FriFoldingStrategy, TwoAdicFriFolding};
use p3_util::reverse_bits_len;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

fn bits_of(b: &mut CircuitBuilder, private: &mut Vec<Ext>, value: usize, n: usize) -> Vec<Wire> {
    (0..n)
        .map(|i| {
            private.push(Ext::from(Val::from_bool(value >> i & 1 == 1)));
            b.private_input()
        })
        .collect()
}

#[test]
fn reversed_powers_match() {
    for (log_n, index) in [(1, 1), (5, 0), (5, 19), (13, 4097), (13, 8191)] {
        let g = Val::two_adic_generator(log_n);
        let mut b = CircuitBuilder::new();
        let mut private = Vec::new();
        let bits = bits_of(&mut b, &mut private, index, log_n);
        let out = reversed_power(&mut b, g, &bits);
        let w = b.build().run(&[], &private).expect("runs");
        let expected = g.exp_u64(reverse_bits_len(index, log_n) as u64);
        assert_eq!(
            w.value(out),
            Ext::from(expected),
            "log {log_n}, index {index}"
        );
    }
}

/// A query's point on every lower domain, by squaring, is the reversed power of its shifted
/// index there.
#[test]
fn query_points_match_reversed_powers() {
    let (log_max, index) = (13, 5923);
    let mut b = CircuitBuilder::new();
    let mut private = Vec::new();
    let bits = bits_of(&mut b, &mut private, index, log_max);
    let mut points = QueryPoints::new(&mut b, &bits);
    let heights = [13, 12, 9, 4, 1, 0];
    let outs: Vec<Wire> = heights.iter().map(|&h| points.at(&mut b, h)).collect();
    let w = b.build().run(&[], &private).expect("runs");
    for (&h, out) in heights.iter().zip(outs) {
        let shifted = index >> (log_max - h);
        let expected = Val::two_adic_generator(h).exp_u64(reverse_bits_len(shifted, h) as u64);
        assert_eq!(w.value(out), Ext::from(expected), "height 2^{h}");
    }
}

#[test]
fn folding_a_row_matches_plonky3() {
    let folding = TwoAdicFriFolding::<(), ()>(PhantomData);
    let mut rng = StdRng::seed_from_u64(11);
    for log_arity in 1..=3 {
        for log_height in [1, 4, 9] {
            let index = rng.random_range(0..1usize << log_height);
            let beta: Ext = rng.random();
            let evals: Vec<Ext> = (0..1 << log_arity).map(|_| rng.random()).collect();
            let expected = FriFoldingStrategy::<Val, Ext>::fold_row(
                &folding,
                index,
                log_height,
                log_arity,
                beta,
                evals.iter().copied(),
            );
            // The query sits anywhere in the row: the fold does not depend on where.
            let position = rng.random_range(0..1usize << log_arity);
            let mut b = CircuitBuilder::new();
            let mut private = Vec::new();
            let log_domain = log_height + log_arity;
            let bits = bits_of(
                &mut b,
                &mut private,
                index << log_arity | position,
                log_domain,
            );
            let mut points = QueryPoints::new(&mut b, &bits);
            let beta_w = b.private_input();
            private.push(beta);
            let mut beta_arity = beta_w;
            for _ in 0..log_arity {
                beta_arity = b.mul(beta_arity, beta_arity);
            }
            let eval_w: Vec<Wire> = evals
                .iter()
                .map(|e| {
                    private.push(*e);
                    b.private_input()
                })
                .collect();
            let out = fold_row(
                &mut b,
                &mut points,
                log_domain,
                &bits[..log_arity],
                beta_w,
                beta_arity,
                &eval_w,
            );
            let w = b.build().run(&[], &private).expect("runs");
            assert_eq!(
                w.value(out),
                expected,
                "arity 2^{log_arity}, height 2^{log_height}"
            );
        }
    }
}

#[test]
fn horner_matches() {
    let mut rng = StdRng::seed_from_u64(12);
    let coefficients: Vec<Ext> = (0..4).map(|_| rng.random()).collect();
    let x: Ext = rng.random();
    let mut b = CircuitBuilder::new();
    let cw: Vec<Wire> = coefficients.iter().map(|_| b.private_input()).collect();
    let xw = b.private_input();
    let out = horner(&mut b, &cw, xw);
    let mut private = coefficients.clone();
    private.push(x);
    let w = b.build().run(&[], &private).expect("runs");
    let expected = coefficients
        .iter()
        .rev()
        .fold(Ext::ZERO, |acc, c| acc * x + *c);
    assert_eq!(w.value(out), expected);
}
