//! The transaction AIR's constraints evaluated in-circuit equal Plonky3's verifier fold.

use aggregation_circuit::field::{Ext, Val};
use aggregation_circuit::gadgets::constraints::{
    ConstraintPoint, fold_constraints, symbolic_constraints,
};
use aggregation_circuit::{CircuitBuilder, Wire};
use p3_air::{Air, BaseAir, RowWindow};
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrixView;
use p3_matrix::stack::VerticalPair;
use p3_uni_stark::VerifierConstraintFolder;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use transaction_circuit::TransactionAir;
use transaction_circuit::config::TxStarkConfig;

struct Point {
    local: Vec<Ext>,
    next: Vec<Ext>,
    periodic: Vec<Ext>,
    public: Vec<Val>,
    selectors: [Ext; 3],
    alpha: Ext,
}

fn native_fold(air: &TransactionAir, p: &Point) -> Ext {
    let mut folder = VerifierConstraintFolder::<TxStarkConfig> {
        main: VerticalPair::new(
            RowMajorMatrixView::new_row(&p.local),
            RowMajorMatrixView::new_row(&p.next),
        ),
        preprocessed: VerticalPair::new(
            RowMajorMatrixView::new(&[], 0),
            RowMajorMatrixView::new(&[], 0),
        ),
        preprocessed_window: RowWindow::from_two_rows(&[], &[]),
        periodic_values: &p.periodic,
        public_values: &p.public,
        is_first_row: p.selectors[0],
        is_last_row: p.selectors[1],
        is_transition: p.selectors[2],
        alpha: p.alpha,
        accumulator: Ext::default(),
    };
    air.eval(&mut folder);
    folder.accumulator
}

#[test]
fn the_transaction_constraints_fold_like_the_native_verifier() {
    let air = TransactionAir::new();
    let width = BaseAir::<Val>::width(&air);
    let periodic = BaseAir::<Val>::num_periodic_columns(&air);
    let public = BaseAir::<Val>::num_public_values(&air);
    let mut rng = StdRng::seed_from_u64(5);
    let mut ext = |n: usize| -> Vec<Ext> { (0..n).map(|_| rng.random()).collect() };
    let (local, next, periodic, more) = (ext(width), ext(width), ext(periodic), ext(4));
    let p = Point {
        local,
        next,
        periodic,
        public: (0..public).map(|i| Val::from_usize(i * 7919 + 1)).collect(),
        selectors: [more[0], more[1], more[2]],
        alpha: more[3],
    };
    let expected = native_fold(&air, &p);

    let constraints = symbolic_constraints(&air);
    let mut b = CircuitBuilder::new();
    let mut private = Vec::new();
    let mut input = |b: &mut CircuitBuilder, v: Ext| -> Wire {
        private.push(v);
        b.private_input()
    };
    let local: Vec<Wire> = p.local.iter().map(|v| input(&mut b, *v)).collect();
    let next: Vec<Wire> = p.next.iter().map(|v| input(&mut b, *v)).collect();
    let periodic_w: Vec<Wire> = p.periodic.iter().map(|v| input(&mut b, *v)).collect();
    let public_w: Vec<Wire> = p
        .public
        .iter()
        .map(|v| input(&mut b, Ext::from(*v)))
        .collect();
    let sel: Vec<Wire> = p.selectors.iter().map(|v| input(&mut b, *v)).collect();
    let alpha = input(&mut b, p.alpha);
    let point = ConstraintPoint {
        main_local: &local,
        main_next: &next,
        preprocessed_local: &[],
        preprocessed_next: &[],
        periodic: &periodic_w,
        public: &public_w,
        is_first_row: sel[0],
        is_last_row: sel[1],
        is_transition: sel[2],
    };
    let folded = fold_constraints(&mut b, &constraints, &point, alpha);
    let circuit = b.build();
    let alu_rows = circuit.alu_ops().count();
    let witness = circuit.run(&[], &private).expect("runs");
    assert_eq!(witness.value(folded), expected);
    println!(
        "{} transaction constraints evaluate in {alu_rows} ALU rows",
        constraints.len()
    );
}
