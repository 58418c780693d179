//! The security of an aggregation proof, computed with `p3-security` from the circuit's tables
//! and the FRI parameters, and asserted when a [`CircuitKey`](crate::CircuitKey) is built.
//!
//! Everything is counted from the tables themselves (one symbolic pass each): constraints,
//! degrees, bus interactions and committed widths. The batch is treated as one instance as tall
//! as its tallest table, with every committed column in the opening combination: an
//! over-count, which can only lower the reported level.

use p3_air::BaseAir;
use p3_air::symbolic::AirLayout;
use p3_lookup::InteractionSymbolicBuilder;
use p3_security::grinding::GrindingSites;
use p3_security::logup::{LogUpAir, security_term};
use p3_security::shape::{InstanceShape, StarkAirParams};
use p3_security::stark::conjectured_security_report;
use p3_uni_stark::OpeningShape;

use crate::config::{FriSetting, LOOKUP_POW_BITS};
use crate::field::{EXT_DEGREE, Ext, Val};
use crate::tables::Table;

/// No aggregation layer is accepted below this conjectured security.
pub const MIN_CONJECTURED_SECURITY_BITS: usize = 128;
/// Collision resistance of Poseidon2-24 with 12-element digests, as the transaction proof
/// assumes.
const HASH_SECURITY_BITS: usize = 128;
/// `⌊log2 |Ext|⌋`.
const CHALLENGE_FIELD_BITS: usize = 154;
/// Widest bus message: a wire index and five coefficients.
const MESSAGE_WIDTH: usize = 1 + EXT_DEGREE;

/// The security of one circuit's proofs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SecurityReport {
    /// Conjectured bits ("random words"), including the LogUp fingerprint term.
    pub conjectured_bits: f64,
    /// The LogUp fingerprint term alone.
    pub logup_bits: f64,
    /// Total committed columns opened by FRI (base-field columns).
    pub batched_functions: usize,
}

/// Per-table counts from one symbolic pass. Lookups are counted one column each even where
/// they are packed (an over-count of the committed columns).
struct TableShape {
    constraints: usize,
    max_degree: usize,
    interactions: usize,
}

fn shape_of(table: &Table) -> TableShape {
    // Lookups are packed several to a LogUp column, up to this degree.
    let packed_degree = crate::config::LOOKUP_DEGREE;
    let layout = AirLayout::from_air::<Val>(table);
    let symbolic = InteractionSymbolicBuilder::<Val, Ext>::from_air(table, layout);
    let base = symbolic.base_constraints();
    let interactions = symbolic.global_interactions();
    // A fraction pin `U·f − V` has degree max(1 + deg U, deg V), with U the combined message.
    let pin_degree = interactions
        .iter()
        .map(|i| {
            let message = i
                .fields
                .iter()
                .map(|f| f.degree_multiple())
                .max()
                .unwrap_or(0);
            (1 + message).max(i.count.degree_multiple())
        })
        .max()
        .unwrap_or(0);
    TableShape {
        // Each lookup adds a fraction pin; the running sum adds three more constraints.
        constraints: base.len() + interactions.len() + 3,
        max_degree: base
            .iter()
            .map(|c| c.degree_multiple())
            .max()
            .unwrap_or(0)
            .max(pin_degree)
            .max(packed_degree)
            .max(2),
        interactions: interactions.len(),
    }
}

/// Computes the conjectured security of proofs over these tables in this FRI setting.
pub fn security_report(tables: &[Table], setting: FriSetting) -> SecurityReport {
    let fri = setting.parameters(());
    let shapes: alloc::vec::Vec<TableShape> = tables.iter().map(shape_of).collect();
    let max_degree = shapes.iter().map(|s| s.max_degree).max().unwrap_or(2);
    let num_quotient_chunks = (max_degree - 1).next_power_of_two();
    let batched_functions = tables
        .iter()
        .zip(&shapes)
        .map(|(t, s)| {
            p3_batch_stark::num_batched_openings(
                BaseAir::<Val>::width(t),
                false,
                BaseAir::<Val>::preprocessed_width(t),
                false,
                num_quotient_chunks,
                s.interactions,
                EXT_DEGREE,
                OpeningShape::new(),
            )
        })
        .sum();
    let shape = InstanceShape {
        log_trace_length: tables.iter().map(Table::log_height).max().unwrap_or(0),
        modulus_bits: CHALLENGE_FIELD_BITS,
        collision_resistance: HASH_SECURITY_BITS,
        num_batched_functions: batched_functions,
    };
    let air = StarkAirParams {
        num_constraints: shapes.iter().map(|s| s.constraints).sum(),
        max_constraint_degree: max_degree,
        num_quotient_chunks,
        max_combo: 2,
    };
    let lookups = LogUpAir {
        num_interactions: shapes.iter().map(|s| s.interactions).sum(),
        max_message_width: MESSAGE_WIDTH,
    };
    let grinding = GrindingSites {
        lookup_challenge: LOOKUP_POW_BITS,
        ..fri.grinding_sites()
    };
    let logup = security_term(&lookups, &shape, &grinding);
    let logup_bits = logup.as_ref().map_or(f64::INFINITY, |t| t.bits.bits());
    let report = conjectured_security_report(
        &fri.security_regime(),
        &air,
        &shape,
        logup.as_slice(),
        &grinding,
    );
    #[cfg(feature = "std")]
    if std::env::var_os("HEGEMON_SECURITY_DEBUG").is_some() {
        std::eprintln!("{report:?} shape {shape:?} air {air:?}");
    }
    SecurityReport {
        conjectured_bits: report.security_bits(),
        logup_bits,
        batched_functions,
    }
}
