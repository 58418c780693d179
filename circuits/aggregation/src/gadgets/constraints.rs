//! An inner AIR's constraints, evaluated at the out-of-domain point in-circuit and folded with
//! `α` exactly as Plonky3's `VerifierConstraintFolder` does: `acc ← acc · α + cᵢ` over the
//! constraints in the order the AIR asserts them.
//!
//! The constraints come from one symbolic pass over the AIR (`get_symbolic_constraints`), so the
//! same code serves the transaction AIR and any other: every node of the expression DAG becomes
//! one ALU row, shared subexpressions once.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use p3_air::symbolic::{
    AirLayout, BaseEntry, BaseLeaf, SymbolicAirBuilder, SymbolicExpr, SymbolicExpression,
    get_symbolic_constraints,
};
use p3_air::{Air, BaseAir};

use crate::circuit::{CircuitBuilder, Wire};
use crate::field::Val;

/// The opened values and selectors the constraints read, as wires.
#[derive(Clone, Debug)]
pub struct ConstraintPoint<'a> {
    /// Main trace at `ζ`.
    pub main_local: &'a [Wire],
    /// Main trace at `ζ·g` (empty if the AIR never reads the next row).
    pub main_next: &'a [Wire],
    /// Preprocessed trace at `ζ`.
    pub preprocessed_local: &'a [Wire],
    /// Preprocessed trace at `ζ·g`.
    pub preprocessed_next: &'a [Wire],
    /// Periodic columns evaluated at `ζ`.
    pub periodic: &'a [Wire],
    /// Public values (base-field wires).
    pub public: &'a [Wire],
    /// First-row selector at `ζ`.
    pub is_first_row: Wire,
    /// Last-row selector at `ζ`.
    pub is_last_row: Wire,
    /// Transition selector at `ζ`.
    pub is_transition: Wire,
}

/// The symbolic constraints of an AIR, in assertion order.
pub fn symbolic_constraints<A>(air: &A) -> Vec<SymbolicExpression<Val>>
where
    A: Air<SymbolicAirBuilder<Val>> + BaseAir<Val>,
{
    get_symbolic_constraints(air, AirLayout::from_air::<Val>(air))
}

/// `Σ αⁿ⁻¹⁻ⁱ · cᵢ(point)`: the folded constraints at the point.
pub fn fold_constraints(
    builder: &mut CircuitBuilder,
    constraints: &[SymbolicExpression<Val>],
    point: &ConstraintPoint<'_>,
    alpha: Wire,
) -> Wire {
    let mut evaluator = Evaluator {
        point,
        memo: BTreeMap::new(),
    };
    let mut acc = builder.zero();
    for constraint in constraints {
        let value = evaluator.eval(builder, constraint);
        acc = builder.mul_add(acc, alpha, value);
    }
    acc
}

struct Evaluator<'p, 'a> {
    point: &'p ConstraintPoint<'a>,
    /// Already-evaluated nodes, by address: the DAG shares subexpressions through `Arc`s.
    memo: BTreeMap<usize, Wire>,
}

impl Evaluator<'_, '_> {
    fn eval(&mut self, builder: &mut CircuitBuilder, expr: &SymbolicExpression<Val>) -> Wire {
        let key = expr as *const SymbolicExpression<Val> as usize;
        if let Some(&w) = self.memo.get(&key) {
            return w;
        }
        let wire = match expr {
            SymbolicExpr::Leaf(leaf) => self.leaf(builder, leaf),
            // A sum or difference with a product folds into one multiply–add row.
            SymbolicExpr::Add { x, y, .. } => match (&**x, &**y) {
                (SymbolicExpr::Mul { x: a, y: b, .. }, _) => {
                    let (a, b, c) = (
                        self.eval(builder, a),
                        self.eval(builder, b),
                        self.eval(builder, y),
                    );
                    builder.mul_add(a, b, c)
                }
                (_, SymbolicExpr::Mul { x: a, y: b, .. }) => {
                    let (a, b, c) = (
                        self.eval(builder, a),
                        self.eval(builder, b),
                        self.eval(builder, x),
                    );
                    builder.mul_add(a, b, c)
                }
                _ => {
                    let (x, y) = (self.eval(builder, x), self.eval(builder, y));
                    builder.add(x, y)
                }
            },
            SymbolicExpr::Sub { x, y, .. } => match &**y {
                SymbolicExpr::Mul { x: a, y: b, .. } => {
                    let (x, a, b) = (
                        self.eval(builder, x),
                        self.eval(builder, a),
                        self.eval(builder, b),
                    );
                    builder.sub_mul(x, a, b)
                }
                _ => {
                    let (x, y) = (self.eval(builder, x), self.eval(builder, y));
                    builder.sub(x, y)
                }
            },
            SymbolicExpr::Neg { x, .. } => {
                let x = self.eval(builder, x);
                let zero = builder.zero();
                builder.sub(zero, x)
            }
            SymbolicExpr::Mul { x, y, .. } => {
                let (x, y) = (self.eval(builder, x), self.eval(builder, y));
                builder.mul(x, y)
            }
        };
        self.memo.insert(key, wire);
        wire
    }

    fn leaf(&self, builder: &mut CircuitBuilder, leaf: &BaseLeaf<Val>) -> Wire {
        let p = self.point;
        match leaf {
            BaseLeaf::Constant(c) => builder.constant_base(*c),
            BaseLeaf::IsFirstRow => p.is_first_row,
            BaseLeaf::IsLastRow => p.is_last_row,
            BaseLeaf::IsTransition => p.is_transition,
            BaseLeaf::Variable(v) => match v.entry {
                BaseEntry::Main { offset: 0 } => p.main_local[v.index],
                BaseEntry::Main { .. } => p.main_next[v.index],
                BaseEntry::Preprocessed { offset: 0 } => p.preprocessed_local[v.index],
                BaseEntry::Preprocessed { .. } => p.preprocessed_next[v.index],
                BaseEntry::Periodic => p.periodic[v.index],
                BaseEntry::Public => p.public[v.index],
            },
        }
    }
}
