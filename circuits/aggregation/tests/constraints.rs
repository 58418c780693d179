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
        permutation_local: &[],
        permutation_next: &[],
        permutation_challenges: &[],
        permutation_values: &[],
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

/// Every table of an aggregation proof, with its packed LogUp lookups: the in-circuit fold of its
/// base and extension constraints equals Plonky3's `VerifierConstraintFolderWithLookups` run
/// through `LogUpGadget::eval_air_and_lookups`.
#[test]
fn the_aggregation_tables_and_their_lookups_fold_like_the_native_verifier() {
    use aggregation_circuit::CircuitKey;
    use aggregation_circuit::config::AggregationConfig;
    use aggregation_circuit::gadgets::constraints::lookup_constraints;
    use p3_batch_stark::folder::VerifierConstraintFolderWithLookups;
    use p3_lookup::LookupProtocol;
    use p3_lookup::logup::LogUpGadget;

    let key = CircuitKey::new(aggregation_circuit::fixtures::every_table_circuit().0);

    let mut rng = StdRng::seed_from_u64(9);
    for (table, lookups) in key.tables().iter().zip(key.lookups()) {
        let constraints = lookup_constraints(table, lookups);
        let main_width = BaseAir::<Val>::width(table);
        let pre_width = BaseAir::<Val>::preprocessed_width(table);
        let public_count = BaseAir::<Val>::num_public_values(table);
        let perm_width = if lookups.is_empty() {
            0
        } else {
            lookups.len() + 1
        };
        let challenges = lookups.len() * LogUpGadget::new().num_challenges();
        let values = usize::from(!lookups.is_empty());
        let mut ext = |n: usize| -> Vec<Ext> { (0..n).map(|_| rng.random()).collect() };
        let (local, next, pre_local, pre_next) = (
            ext(main_width),
            ext(main_width),
            ext(pre_width),
            ext(pre_width),
        );
        let (perm_local, perm_next, perm_challenges, perm_values) = (
            ext(perm_width),
            ext(perm_width),
            ext(challenges),
            ext(values),
        );
        let selectors = ext(3);
        let alpha = ext(1)[0];
        let public: Vec<Val> = (0..public_count).map(|_| rng.random()).collect();

        let mut folder = VerifierConstraintFolderWithLookups::<AggregationConfig> {
            inner: VerifierConstraintFolder {
                main: VerticalPair::new(
                    RowMajorMatrixView::new_row(&local),
                    RowMajorMatrixView::new_row(&next),
                ),
                preprocessed: VerticalPair::new(
                    RowMajorMatrixView::new_row(&pre_local),
                    RowMajorMatrixView::new_row(&pre_next),
                ),
                preprocessed_window: RowWindow::from_two_rows(&pre_local, &pre_next),
                periodic_values: &[],
                public_values: &public,
                is_first_row: selectors[0],
                is_last_row: selectors[1],
                is_transition: selectors[2],
                alpha,
                accumulator: Ext::default(),
            },
            permutation: VerticalPair::new(
                RowMajorMatrixView::new_row(&perm_local),
                RowMajorMatrixView::new_row(&perm_next),
            ),
            permutation_challenges: &perm_challenges,
            permutation_values: &perm_values,
        };
        LogUpGadget::new().eval_air_and_lookups(table, &mut folder, lookups);
        let expected = folder.inner.accumulator;

        let mut b = CircuitBuilder::new();
        let mut private = Vec::new();
        let mut wires = |values: &[Ext], b: &mut CircuitBuilder| -> Vec<Wire> {
            values
                .iter()
                .map(|v| {
                    private.push(*v);
                    b.private_input()
                })
                .collect()
        };
        let w_local = wires(&local, &mut b);
        let w_next = wires(&next, &mut b);
        let w_pre_local = wires(&pre_local, &mut b);
        let w_pre_next = wires(&pre_next, &mut b);
        let w_perm_local = wires(&perm_local, &mut b);
        let w_perm_next = wires(&perm_next, &mut b);
        let w_challenges = wires(&perm_challenges, &mut b);
        let w_values = wires(&perm_values, &mut b);
        let w_sel = wires(&selectors, &mut b);
        let w_alpha = wires(&[alpha], &mut b)[0];
        let public_ext: Vec<Ext> = public.iter().map(|v| Ext::from(*v)).collect();
        let w_public = wires(&public_ext, &mut b);
        let point = ConstraintPoint {
            main_local: &w_local,
            main_next: &w_next,
            preprocessed_local: &w_pre_local,
            preprocessed_next: &w_pre_next,
            periodic: &[],
            public: &w_public,
            permutation_local: &w_perm_local,
            permutation_next: &w_perm_next,
            permutation_challenges: &w_challenges,
            permutation_values: &w_values,
            is_first_row: w_sel[0],
            is_last_row: w_sel[1],
            is_transition: w_sel[2],
        };
        let folded = fold_constraints(&mut b, &constraints, &point, w_alpha);
        let circuit = b.build();
        let witness = circuit.run(&[], &private).expect("runs");
        assert_eq!(
            witness.value(folded),
            expected,
            "{} constraints with {} lookups",
            constraints.len(),
            lookups.len()
        );
        println!(
            "table: {} constraints ({} lookups) fold in {} ALU rows",
            constraints.len(),
            lookups.len(),
            circuit.alu_ops().count()
        );
    }
}
