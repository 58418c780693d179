//! An inner AIR's constraints, evaluated at the out-of-domain point in-circuit and folded with
//! `α` exactly as Plonky3's `VerifierConstraintFolder` does: `acc ← acc · α + cᵢ` over the
//! constraints in the order the AIR asserts them.
//!
//! The constraints come from one symbolic pass over the AIR (`get_symbolic_constraints`), so the
//! same code serves the transaction AIR and any other: every node of the expression DAG becomes
//! one ALU row, shared subexpressions once.
//!
//! An AIR with lookups (a batch-STARK table) also has extension-field constraints: the LogUp
//! gadget's, over the permutation trace, the lookup challenges and the table's terminal value.
//! Plonky3's `VerifierConstraintFolderWithLookups` folds base and extension constraints in one
//! order of emission, which [`lookup_constraints`] keeps.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use p3_air::symbolic::{
    AirLayout, BaseEntry, BaseLeaf, ExtEntry, ExtLeaf, SymbolicAirBuilder, SymbolicExpr,
    SymbolicExpression, SymbolicExpressionExt, get_symbolic_constraints,
};
use p3_air::{Air, BaseAir};
use p3_lookup::logup::LogUpGadget;
use p3_lookup::{InteractionSymbolicBuilder, Lookup, LookupProtocol};

use crate::circuit::{CircuitBuilder, Wire};
use crate::field::{Ext, Val};

/// One constraint of an AIR: over the base field, or over the extension (lookup constraints).
#[derive(Clone, Debug)]
pub enum Constraint {
    /// A base-field constraint.
    Base(SymbolicExpression<Val>),
    /// An extension-field constraint.
    Ext(SymbolicExpressionExt<Val, Ext>),
}

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
    /// Permutation (LogUp) trace at `ζ`, one extension element per column.
    pub permutation_local: &'a [Wire],
    /// Permutation trace at `ζ·g`.
    pub permutation_next: &'a [Wire],
    /// The table's lookup challenges.
    pub permutation_challenges: &'a [Wire],
    /// The table's terminal value(s).
    pub permutation_values: &'a [Wire],
    /// First-row selector at `ζ`.
    pub is_first_row: Wire,
    /// Last-row selector at `ζ`.
    pub is_last_row: Wire,
    /// Transition selector at `ζ`.
    pub is_transition: Wire,
}

/// The symbolic constraints of an AIR without lookups, in assertion order.
pub fn symbolic_constraints<A>(air: &A) -> Vec<Constraint>
where
    A: Air<SymbolicAirBuilder<Val>> + BaseAir<Val>,
{
    get_symbolic_constraints(air, AirLayout::from_air::<Val>(air))
        .into_iter()
        .map(Constraint::Base)
        .collect()
}

/// The constraints of a batch-STARK table with `lookups`: its own and the LogUp gadget's, in the
/// order `LogUpGadget::eval_air_and_lookups` emits them (as `p3_batch_stark` lays them out).
pub fn lookup_constraints<A>(air: &A, lookups: &[Lookup<Val>]) -> Vec<Constraint>
where
    A: Air<InteractionSymbolicBuilder<Val, Ext>> + BaseAir<Val>,
{
    let gadget = LogUpGadget::new();
    let (permutation_width, num_permutation_values) = if lookups.is_empty() {
        (0, 0)
    } else {
        (lookups.len() + 1, 1)
    };
    let layout = AirLayout {
        permutation_width,
        num_permutation_challenges: lookups.len() * gadget.num_challenges(),
        num_permutation_values,
        ..AirLayout::from_air::<Val>(air)
    };
    let mut builder = InteractionSymbolicBuilder::<Val, Ext>::new(layout);
    gadget.eval_air_and_lookups(air, &mut builder, lookups);
    let order = builder.constraint_layout();
    let mut all: Vec<Option<Constraint>> = alloc::vec![None; order.total_constraints()];
    for (i, c) in order.base_indices.iter().zip(builder.base_constraints()) {
        all[*i] = Some(Constraint::Base(c));
    }
    for (i, c) in order
        .ext_indices
        .iter()
        .zip(builder.extension_constraints())
    {
        all[*i] = Some(Constraint::Ext(c));
    }
    all.into_iter()
        .map(|c| c.unwrap_or_else(|| unreachable!("the layout indexes every constraint once")))
        .collect()
}

/// `Σ αⁿ⁻¹⁻ⁱ · cᵢ(point)`: the folded constraints at the point.
pub fn fold_constraints(
    builder: &mut CircuitBuilder,
    constraints: &[Constraint],
    point: &ConstraintPoint<'_>,
    alpha: Wire,
) -> Wire {
    let mut evaluator = Evaluator {
        point,
        memo: BTreeMap::new(),
    };
    let mut acc = builder.zero();
    for constraint in constraints {
        let value = match constraint {
            Constraint::Base(c) => evaluator.eval(builder, c),
            Constraint::Ext(c) => evaluator.eval(builder, c),
        };
        acc = builder.mul_add(acc, alpha, value);
    }
    acc
}

/// How a leaf of a symbolic expression becomes a wire.
trait Leaf: Sized {
    fn wire(&self, evaluator: &mut Evaluator<'_, '_>, builder: &mut CircuitBuilder) -> Wire;
}

impl Leaf for BaseLeaf<Val> {
    fn wire(&self, evaluator: &mut Evaluator<'_, '_>, builder: &mut CircuitBuilder) -> Wire {
        evaluator.leaf(builder, self)
    }
}

impl Leaf for ExtLeaf<Val, Ext> {
    fn wire(&self, evaluator: &mut Evaluator<'_, '_>, builder: &mut CircuitBuilder) -> Wire {
        let p = evaluator.point;
        match self {
            Self::Base(e) => evaluator.eval(builder, e),
            Self::ExtConstant(c) => builder.constant(*c),
            Self::ExtVariable(v) => match v.entry {
                ExtEntry::Permutation { offset: 0 } => p.permutation_local[v.index],
                ExtEntry::Permutation { .. } => p.permutation_next[v.index],
                ExtEntry::Challenge => p.permutation_challenges[v.index],
                ExtEntry::PermutationValue => p.permutation_values[v.index],
            },
        }
    }
}

struct Evaluator<'p, 'a> {
    point: &'p ConstraintPoint<'a>,
    /// Already-evaluated nodes, by address: the DAG shares subexpressions through `Arc`s.
    memo: BTreeMap<usize, Wire>,
}

impl Evaluator<'_, '_> {
    fn eval<L: Leaf>(&mut self, builder: &mut CircuitBuilder, expr: &SymbolicExpr<L>) -> Wire {
        let key = expr as *const SymbolicExpr<L> as usize;
        if let Some(&w) = self.memo.get(&key) {
            return w;
        }
        let wire = match expr {
            SymbolicExpr::Leaf(leaf) => leaf.wire(self, builder),
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
