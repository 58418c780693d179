//! Periodic columns at a point, in-circuit, against Plonky3's domain evaluation, including the
//! transaction AIR's 38 columns.

use aggregation_circuit::field::{Ext, Val};
use aggregation_circuit::gadgets::periodic::periodic_at;
use aggregation_circuit::{CircuitBuilder, Wire};
use p3_air::BaseAir;
use p3_commit::PolynomialSpace;
use p3_field::coset::TwoAdicMultiplicativeCoset;
use p3_field::{Field, PrimeCharacteristicRing};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use transaction_circuit::TransactionAir;

fn check(columns: &[Vec<Val>], shift: Val, log_n: usize, point: Ext) -> usize {
    let domain = TwoAdicMultiplicativeCoset::new(shift, log_n).expect("domain");
    let mut b = CircuitBuilder::new();
    let p: Wire = b.private_input();
    let out = periodic_at(&mut b, columns, shift, log_n, p);
    let circuit = b.build();
    let rows = circuit.alu_ops().count();
    let w = circuit.run(&[], &[point]).expect("runs");
    for (column, wire) in columns.iter().zip(out) {
        let expected: Ext = domain.evaluate_periodic_column_at(column, point);
        assert_eq!(w.value(wire), expected, "period {}", column.len());
    }
    rows
}

#[test]
fn periodic_columns_match_plonky3() {
    let mut rng = StdRng::seed_from_u64(21);
    let columns: Vec<Vec<Val>> = [1, 2, 8, 64]
        .iter()
        .map(|&p| (0..p).map(|_| rng.random()).collect())
        .collect();
    for shift in [Val::ONE, Val::GENERATOR] {
        check(&columns, shift, 6, rng.random());
    }
}

#[test]
fn the_transaction_periodic_columns_match_plonky3() {
    let air = TransactionAir::new();
    let columns = BaseAir::<Val>::periodic_columns(&air).into_owned();
    let rows = check(&columns, Val::ONE, 7, StdRng::seed_from_u64(22).random());
    println!(
        "{} periodic columns at zeta in {rows} ALU rows",
        columns.len()
    );
}
