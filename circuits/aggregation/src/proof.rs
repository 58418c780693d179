//! Proving and verifying a circuit run with one multi-table (batch) STARK proof.

use alloc::vec::Vec;

use p3_batch_stark::{
    BatchProof, CommonData, ProverData, StarkInstance, prove_batch, verify_batch,
};

use p3_matrix::dense::RowMajorMatrix;

use crate::circuit::{Circuit, RunError};
use crate::config::{
    AGGREGATION, AggregationConfig, FriSetting, LOOKUP_DEGREE, PREPROCESSED_PATH_CAP_HEIGHT,
    stark_config_in,
};
use crate::field::{Ext, Val};
use crate::gadgets::stark::Cap;
use crate::security::{MIN_CONJECTURED_SECURITY_BITS, SecurityReport, security_report};
use crate::tables::view::{self, VerifierView};
use crate::tables::{Table, tables};

/// Everything needed to prove and verify one circuit: its tables and their preprocessed
/// commitment. Built once per circuit.
pub struct CircuitKey {
    circuit: Circuit,
    tables: Vec<Table>,
    log_heights: Vec<usize>,
    /// Each table's constraint degree, measured once for the verifier ([`view`]).
    degrees: Vec<usize>,
    config: AggregationConfig,
    setting: FriSetting,
    data: KeyData,
    /// The preprocessed tree's digests at [`PREPROCESSED_PATH_CAP_HEIGHT`], read by the
    /// in-circuit verifiers of this circuit's proofs.
    preprocessed_path_cap: Option<Cap>,
    security: SecurityReport,
}

/// What a key holds of its preprocessed columns.
enum KeyData {
    /// Everything: their low-degree extensions and Merkle trees too (hundreds of MB for a node).
    Prover(ProverData<AggregationConfig>),
    /// Only what verification needs: the commitment and the lookups.
    Verifier(CommonData<AggregationConfig>),
}

/// A proof that a circuit runs with the given public inputs.
pub struct CircuitProof {
    pub(crate) inner: BatchProof<AggregationConfig>,
}

/// A proof that cannot be decoded.
#[derive(Debug, thiserror::Error)]
#[error("malformed aggregation proof: {0}")]
pub struct DecodeError(postcard::Error);

impl core::fmt::Debug for CircuitProof {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CircuitProof")
            .field("log_heights", &self.inner.degree_bits)
            .finish_non_exhaustive()
    }
}

impl CircuitProof {
    /// The batch-STARK proof (a recursive verifier reads it field by field).
    pub fn batch(&self) -> &BatchProof<AggregationConfig> {
        &self.inner
    }

    /// The proof's canonical encoding (postcard).
    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_allocvec(&self.inner)
            .unwrap_or_else(|e| unreachable!("encoding into memory cannot fail: {e}"))
    }

    /// Decodes a proof; anything that is not exactly one encoded proof is an error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let (inner, rest) = postcard::take_from_bytes(bytes).map_err(DecodeError)?;
        if !rest.is_empty() {
            return Err(DecodeError(postcard::Error::DeserializeUnexpectedEnd));
        }
        Ok(Self { inner })
    }
}

/// Why proving failed.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    /// The inputs do not satisfy the circuit.
    #[error("the inputs do not satisfy the circuit: {0}")]
    Unsatisfied(#[from] RunError),
    /// The STARK prover failed (a bug: a satisfying witness always proves).
    #[error("the STARK prover failed: {0}")]
    Prover(alloc::string::String),
    /// The key was made for verification only ([`CircuitKey::into_verifier`]).
    #[error("this circuit key was made for verification only")]
    VerifierOnly,
}

/// Why a proof was rejected.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The proof's shape is not this circuit's.
    #[error("the proof's table heights {got:?} are not the circuit's {expected:?}")]
    Shape {
        /// The circuit's `log2` table heights.
        expected: Vec<usize>,
        /// The proof's.
        got: Vec<usize>,
    },
    /// The wrong number of public inputs.
    #[error("the circuit has {expected} public inputs, {got} were given")]
    PublicCount {
        /// What the circuit has.
        expected: usize,
        /// What was given.
        got: usize,
    },
    /// A tree's root checked against no transfers, or more than its depth covers.
    #[error("a tree of depth {depth} covers 1 to {max} transfers, {got} were given")]
    TransferCount {
        /// The tree's depth.
        depth: usize,
        /// `2^depth`.
        max: usize,
        /// What was given.
        got: usize,
    },
    /// The STARK verifier rejected the proof.
    #[error("the proof does not verify: {0}")]
    Invalid(alloc::string::String),
}

impl CircuitKey {
    /// Builds the tables of `circuit` and commits to their preprocessed columns.
    ///
    /// # Panics
    /// If proofs of this circuit would fall below [`MIN_CONJECTURED_SECURITY_BITS`]: circuits are
    /// fixed in code, so that is a bug to catch in tests, never a runtime condition.
    pub fn new(circuit: Circuit) -> Self {
        Self::with_setting(circuit, AGGREGATION)
    }

    /// [`Self::new`] for proofs in another FRI setting (a block's final proof,
    /// [`crate::config::WRAP`]).
    ///
    /// # Panics
    /// As [`Self::new`].
    pub fn with_setting(circuit: Circuit, setting: FriSetting) -> Self {
        let tables = tables(&circuit, setting.min_log_height);
        let security = security_report(&tables, setting);
        assert!(
            security.conjectured_bits >= MIN_CONJECTURED_SECURITY_BITS as f64,
            "aggregation proofs of this circuit have {:.1} conjectured bits, below {}",
            security.conjectured_bits,
            MIN_CONJECTURED_SECURITY_BITS
        );
        let log_heights: Vec<usize> = tables.iter().map(Table::log_height).collect();
        let config = stark_config_in(setting, &circuit.digest(), setting.cap_height);
        let budgets = alloc::vec![LOOKUP_DEGREE; tables.len()];
        let prover_data = ProverData::from_airs_and_degrees_with_lookup_budgets(
            &config,
            &tables,
            &log_heights,
            &budgets,
            setting.log_blowup,
        )
        .unwrap_or_else(|e| unreachable!("committing preprocessed columns cannot fail: {e:?}"));
        // Only aggregation-setting proofs are verified in-circuit (every such tree is at least
        // `2^(9+2)` leaves tall).
        let preprocessed_path_cap = prover_data
            .prover_only
            .preprocessed_prover_data
            .as_ref()
            .filter(|_| setting == AGGREGATION)
            .map(|tree| tree.cap(PREPROCESSED_PATH_CAP_HEIGHT));
        let degrees = tables
            .iter()
            .zip(&log_heights)
            .zip(&prover_data.common.lookups)
            .map(|((table, &log_height), lookups)| {
                view::constraint_degree(table, log_height, lookups)
            })
            .collect();
        Self {
            circuit,
            tables,
            log_heights,
            degrees,
            config,
            setting,
            data: KeyData::Prover(prover_data),
            preprocessed_path_cap,
            security,
        }
    }

    /// The FRI setting of this circuit's proofs.
    pub fn setting(&self) -> FriSetting {
        self.setting
    }

    /// The security of this circuit's proofs.
    pub fn security(&self) -> SecurityReport {
        self.security
    }

    /// The circuit.
    pub fn circuit(&self) -> &Circuit {
        &self.circuit
    }

    /// `log2` of each table's height, in proof order.
    pub fn log_heights(&self) -> &[usize] {
        &self.log_heights
    }

    /// The STARK configuration (pre-seeded with the circuit's digest).
    pub(crate) fn config(&self) -> &AggregationConfig {
        &self.config
    }

    pub(crate) fn common(&self) -> &CommonData<AggregationConfig> {
        match &self.data {
            KeyData::Prover(data) => &data.common,
            KeyData::Verifier(common) => common,
        }
    }

    /// The same key without what only proving needs (the preprocessed columns' extensions and
    /// trees): it verifies, and serves as the child key of circuits verifying its proofs, but
    /// [`Self::prove`] fails with [`ProveError::VerifierOnly`].
    pub fn into_verifier(self) -> Self {
        let data = match self.data {
            KeyData::Prover(data) => KeyData::Verifier(data.common),
            verifier => verifier,
        };
        Self { data, ..self }
    }

    /// The circuit's tables, in proof order.
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// Each table's public values for the circuit's public inputs `public`.
    pub fn table_public_values(&self, public: &[Val]) -> Vec<Vec<Val>> {
        self.tables
            .iter()
            .map(|t| t.public_values(public))
            .collect()
    }

    /// The commitment to every table's preprocessed columns (part of the verifying key).
    pub fn preprocessed_commitment(&self) -> Option<&Cap> {
        self.common().preprocessed.as_ref().map(|p| &p.commitment)
    }

    /// The preprocessed tree's `2^PREPROCESSED_PATH_CAP_HEIGHT` digests of one level, which
    /// compress to [`Self::preprocessed_commitment`]: where in-circuit verifiers end its paths.
    pub fn preprocessed_path_cap(&self) -> Option<&Cap> {
        self.preprocessed_path_cap.as_ref()
    }

    /// The configuration's challenger pre-seed: the circuit's digest.
    pub fn config_seed(&self) -> [Val; 12] {
        self.circuit.digest()
    }

    /// Each table's lookups, as the proof packs them (a recursive verifier folds their
    /// constraints).
    pub fn lookups(&self) -> Vec<&[p3_lookup::Lookup<Val>]> {
        self.common().lookups.iter().map(|l| l.as_ref()).collect()
    }

    /// Runs the circuit and proves the run.
    pub fn prove(&self, public: &[Val], private: &[Ext]) -> Result<CircuitProof, ProveError> {
        let witness = self.circuit.run(public, private)?;
        let traces: Vec<_> = self
            .tables
            .iter()
            .map(|t| t.trace(&self.circuit, &witness))
            .collect();
        self.prove_traces(&traces, public)
    }

    fn prove_traces(
        &self,
        traces: &[RowMajorMatrix<Val>],
        public: &[Val],
    ) -> Result<CircuitProof, ProveError> {
        let public_values: Vec<Vec<Val>> = self
            .tables
            .iter()
            .map(|t| t.public_values(public))
            .collect();
        let instances: Vec<StarkInstance<'_, AggregationConfig, Table>> = self
            .tables
            .iter()
            .zip(traces)
            .zip(public_values)
            .map(|((air, trace), public_values)| StarkInstance {
                air,
                trace,
                public_values,
            })
            .collect();
        let KeyData::Prover(prover_data) = &self.data else {
            return Err(ProveError::VerifierOnly);
        };
        let inner = prove_batch(&self.config, &instances, prover_data)
            .map_err(|e| ProveError::Prover(alloc::format!("{e:?}")))?;
        Ok(CircuitProof { inner })
    }

    /// Verifies that the circuit runs with these public inputs.
    pub fn verify(&self, proof: &CircuitProof, public: &[Val]) -> Result<(), VerifyError> {
        if public.len() != self.circuit.num_public() {
            return Err(VerifyError::PublicCount {
                expected: self.circuit.num_public(),
                got: public.len(),
            });
        }
        if proof.inner.degree_bits != self.log_heights {
            return Err(VerifyError::Shape {
                expected: self.log_heights.clone(),
                got: proof.inner.degree_bits.clone(),
            });
        }
        let views: Vec<VerifierView<'_>> = self
            .tables
            .iter()
            .zip(&self.degrees)
            .map(|(table, &degree)| VerifierView::new(table, degree))
            .collect();
        verify_batch(
            &self.config,
            &views,
            &proof.inner,
            &self.table_public_values(public),
            self.common(),
        )
        .map_err(|e| VerifyError::Invalid(alloc::format!("{e:?}")))
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use p3_field::PrimeCharacteristicRing;
    use p3_matrix::Matrix;

    use super::*;
    use crate::{CircuitBuilder, Wire};

    /// `x · y + x = z` (public `z`), plus a permutation of `(x, y, 0, …)` whose first lane is
    /// public: every table has a row.
    fn key() -> (CircuitKey, Vec<Val>, Vec<Ext>) {
        let mut b = CircuitBuilder::new();
        let z = b.public_input();
        let lane = b.public_input();
        let x = b.private_input();
        let y = b.private_input();
        let d = b.mul_add(x, y, x);
        b.connect(d, z);
        let zero = b.zero();
        let mut state = [zero; 24];
        state[0] = x;
        state[1] = y;
        let out = b.permute(state);
        b.connect(out[0], lane);
        // A Merkle step chained to that permutation: its output half as the node, the right
        // child (bit = 1), against a sibling of zeros (free witness lanes).
        let bit = b.private_input();
        let sibling: [Wire; 12] = core::array::from_fn(|_| b.private_input());
        let node: [Wire; 24] =
            core::array::from_fn(|i| if i < 12 { out[i] } else { sibling[i - 12] });
        b.permute_swapped(node, bit);
        // Two Horner rows over the first permutation's rate lanes, at `x`.
        let rate = &out[..12];
        b.power_sum(x, rate);
        // A two-block sponge over them twice: its second row carries the first's capacity.
        crate::gadgets::hash::sponge(&mut b, &[rate, rate].concat());
        // A challenger-style absorption: two lanes, its length tagged onto the capacity it
        // carries from the permutation before.
        let carried = b.permute(state);
        let absorbed: [Wire; 24] = core::array::from_fn(|i| {
            [x, y]
                .get(i)
                .copied()
                .unwrap_or(if i < 12 { zero } else { carried[i] })
        });
        b.permute_tagged(absorbed, Val::TWO);
        // A protocol hash of `x` nothing reads: its capacity is preset (domain 7, length 1).
        crate::gadgets::hash::hash_elements(&mut b, 7, &[x]);
        // The first permutation's rate compressed with a digest just computed, which the row
        // takes across halves: the rows a Merkle tree takes in at a lower height.
        let taken = crate::gadgets::hash::sponge(&mut b, &[x]);
        let rate: [Wire; 12] = core::array::from_fn(|i| out[i]);
        crate::gadgets::hash::compress(&mut b, &rate, &taken);
        // The first permutation again, checked against entry 1 of a cap of two digests.
        let cap: alloc::vec::Vec<[Wire; 12]> = (0..2)
            .map(|_| core::array::from_fn(|_| b.private_input()))
            .collect();
        let entry = b.private_input();
        let mut state = [zero; 24];
        state[0] = x;
        state[1] = y;
        b.permute_into_cap(state, None, &cap, entry);
        let (x, y) = (Val::from_u32(6), Val::from_u32(7));
        let mut state = [Val::ZERO; 24];
        state[0] = x;
        state[1] = y;
        crate::field::permute(&mut state);
        let public = alloc::vec![x * y + x, state[0]];
        let mut private = alloc::vec![x.into(), y.into(), Ext::ONE];
        private.extend([Ext::ZERO; 12]);
        private.extend([Ext::ZERO; 12]);
        private.extend(state[..12].iter().map(|&v| Ext::from(v)));
        private.push(Ext::ONE);
        (CircuitKey::new(b.build()), public, private)
    }

    /// The level the in-circuit verifiers end preprocessed paths at compresses, pair by pair,
    /// to the key's commitment.
    #[test]
    fn the_preprocessed_path_cap_compresses_to_the_commitment() {
        use p3_symmetric::{PseudoCompressionFunction, TruncatedPermutation};
        let (circuit, _, _) = crate::fixtures::every_table_circuit();
        let key = CircuitKey::new(circuit);
        let compress = TruncatedPermutation::<_, 2, 12, 24>::new(
            p3_koala_bear::default_koalabear_poseidon2_24(),
        );
        let mut level = key
            .preprocessed_path_cap()
            .expect("has one")
            .roots()
            .to_vec();
        assert_eq!(level.len(), 1 << PREPROCESSED_PATH_CAP_HEIGHT);
        while level.len() > 1 << AGGREGATION.cap_height {
            level = level
                .chunks_exact(2)
                .map(|pair| compress.compress([pair[0], pair[1]]))
                .collect();
        }
        assert_eq!(
            level,
            key.preprocessed_commitment().expect("has one").roots()
        );
    }

    /// The verifier's views expect exactly the quotient chunks Plonky3 derives from the real
    /// tables, and their degree hints are the real degrees.
    #[test]
    fn verifier_views_size_the_quotient_like_the_tables() {
        use p3_batch_stark::symbolic::get_log_num_quotient_chunks;
        use p3_lookup::LogUpGadget;

        let (key, _, _) = key();
        let gadget = LogUpGadget::new();
        for (i, table) in key.tables.iter().enumerate() {
            let lookups = &key.common().lookups[i];
            let height = 1 << key.log_heights[i];
            let real = get_log_num_quotient_chunks::<Val, Ext, _, _>(
                table,
                view::layout(table),
                height,
                lookups,
                0,
                &gadget,
            );
            let seen = get_log_num_quotient_chunks::<Val, Ext, _, _>(
                &VerifierView::new(table, key.degrees[i]),
                view::layout(table),
                height,
                lookups,
                0,
                &gadget,
            );
            assert_eq!(seen, real, "table {i}");
            assert!(
                key.degrees[i] >= 2,
                "table {i} has degree {}",
                key.degrees[i]
            );
        }
    }

    /// Every table's trace of `witness` under `key`'s tables.
    fn traces_of(key: &CircuitKey, witness: &crate::Witness) -> Vec<RowMajorMatrix<Val>> {
        key.tables
            .iter()
            .map(|t| t.trace(&key.circuit, witness))
            .collect()
    }

    /// [`key`] with its public inputs and the honest traces of its run.
    fn honest_traces() -> (CircuitKey, Vec<Val>, Vec<RowMajorMatrix<Val>>) {
        let (key, public, private) = key();
        let witness = key.circuit.run(&public, &private).expect("runs");
        let traces = traces_of(&key, &witness);
        (key, public, traces)
    }

    /// A tampered trace proves (the batch prover runs without its debug self-checks, see the
    /// workspace profile) and the verifier rejects the proof.
    fn assert_rejected(key: &CircuitKey, traces: &[RowMajorMatrix<Val>], public: &[Val]) {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            key.prove_traces(traces, public)
        }));
        match outcome {
            Ok(Ok(proof)) => assert!(
                key.verify(&proof, public).is_err(),
                "a tampered trace verified"
            ),
            Ok(Err(e)) => std::println!("prover refused: {e}"),
            Err(_) => std::println!("prover panicked"),
        }
    }

    #[test]
    fn honest_traces_prove_and_meet_the_security_floor() {
        let (key, public, private) = key();
        let proof = key.prove(&public, &private).expect("proves");
        key.verify(&proof, &public).expect("verifies");
        assert!(key.security().conjectured_bits >= 128.0);
        assert!(key.security().logup_bits >= 128.0);
    }

    /// A bit sum with a 2 where a bit goes: the same circuit without the bit check runs and
    /// proves it, but its traces under the checking circuit's key are rejected.
    #[test]
    fn bit_rows_refuse_other_values() {
        let circuit = |bits: bool| {
            let mut b = CircuitBuilder::new();
            let sum = b.public_input();
            let values = [b.private_input(), b.private_input()];
            let two = b.constant_base(Val::TWO);
            let out = b.horner_rows(two, &values, bits);
            b.connect(out, sum);
            b.build()
        };
        let (checking, unchecked) = (CircuitKey::new(circuit(true)), circuit(false));
        // 1·2 + 2 = 4.
        let public = [Val::from_u32(4)];
        let forged = [Ext::ONE, Ext::ONE + Ext::ONE];
        assert!(checking.circuit.run(&public, &forged).is_err());
        let witness = unchecked.run(&public, &forged).expect("runs unchecked");
        assert_rejected(&checking, &traces_of(&checking, &witness), &public);
        // Bits prove.
        let public = [Val::from_u32(3)];
        let proof = checking
            .prove(&public, &[Ext::ONE, Ext::ONE])
            .expect("proves");
        checking.verify(&proof, &public).expect("verifies");
    }

    /// An ALU row's constants bind: values that satisfy the plain multiply–add `a·b + c = d`
    /// run and prove in that circuit, but their traces under the key of the same circuit with
    /// `3·a·b + 5·c = d` (or a division shifted by 5) are rejected; scaled rows prove.
    #[test]
    fn scaled_rows_hold_their_constants() {
        let (three, five) = (Val::from_u32(3), Val::from_u32(5));
        let circuit = |scaled: bool, shared: bool| {
            let mut b = CircuitBuilder::new();
            let out = b.public_input();
            let (x, y) = (b.private_input(), b.private_input());
            let d = match (scaled, shared) {
                (true, false) => b.scaled_mul_add(three, x, y, five, x),
                (false, false) => b.mul_add(x, y, x),
                // y / (x + 5) against y / x.
                (true, true) => b.div_shifted(y, x, five),
                (false, true) => b.div(y, x),
            };
            b.connect(d, out);
            b.build()
        };
        let (x, y) = (Ext::from(Val::from_u32(6)), Ext::from(Val::from_u32(7)));
        for shared in [false, true] {
            let (checking, plain) = (
                CircuitKey::new(circuit(true, shared)),
                circuit(false, shared),
            );
            let plain_value = if shared { y / x } else { x * y + x };
            let public = [crate::field::as_base(plain_value).expect("base")];
            assert!(checking.circuit.run(&public, &[x, y]).is_err());
            let witness = plain.run(&public, &[x, y]).expect("runs plain");
            assert_rejected(&checking, &traces_of(&checking, &witness), &public);
            let scaled_value = if shared {
                y / (x + Ext::from(five))
            } else {
                Ext::from(three) * x * y + Ext::from(five) * x
            };
            let public = [crate::field::as_base(scaled_value).expect("base")];
            let proof = checking.prove(&public, &[x, y]).expect("proves");
            checking.verify(&proof, &public).expect("verifies");
        }
    }

    /// A base constant is fixed by the witness table's first column: the same circuit with 6
    /// where the key has 5 runs and proves its own sum, but its traces under the key of 5 are
    /// rejected.
    #[test]
    fn constants_are_fixed_in_the_first_column() {
        let circuit = |c: u32| {
            let mut b = CircuitBuilder::new();
            let out = b.public_input();
            let x = b.private_input();
            let c = b.constant_base(Val::from_u32(c));
            let sum = b.add(x, c);
            b.connect(sum, out);
            b.build()
        };
        let (key, other) = (CircuitKey::new(circuit(5)), circuit(6));
        let (x, public) = (Ext::from(Val::from_u32(2)), [Val::from_u32(8)]);
        assert!(key.circuit.run(&public, &[x]).is_err());
        let witness = other.run(&public, &[x]).expect("runs with 6");
        assert_rejected(&key, &traces_of(&key, &witness), &public);
        let public = [Val::from_u32(7)];
        let proof = key.prove(&public, &[x]).expect("proves");
        key.verify(&proof, &public).expect("verifies");
    }

    /// Wire 0 is the generator `X`, fixed on the witness table's first row, and the extension
    /// constants built from it are what they claim: a run of the same circuit with `2X` on wire
    /// 0 (so `X² + 3` becomes `4X² + 3`) is self-consistent, but its traces are rejected.
    #[test]
    fn the_generator_is_fixed_on_the_first_row() {
        let mut b = CircuitBuilder::new();
        let p = b.public_input();
        let product = b.private_input();
        let x = crate::field::extension_generator();
        let c = b.constant(x * x + Ext::from(Val::from_u32(3)));
        let q = b.mul(p, c);
        b.connect(q, product);
        let key = CircuitKey::new(b.build());
        let mut forged = key.circuit.clone();
        for op in &mut forged.ops {
            if let crate::circuit::Op::Const(w, value) = op
                && w.index() == 0
            {
                *value = x + x;
            }
        }
        let p = Val::from_u32(5);
        let honest = Ext::from(p) * (x * x + Ext::from(Val::from_u32(3)));
        let proof = key.prove(&[p], &[honest]).expect("proves");
        key.verify(&proof, &[p]).expect("verifies");
        let other =
            Ext::from(p) * (Ext::from(Val::from_u32(4)) * x * x + Ext::from(Val::from_u32(3)));
        assert!(key.circuit.run(&[p], &[other]).is_err());
        let witness = forged.run(&[p], &[other]).expect("runs with 2X");
        assert_rejected(&key, &traces_of(&key, &witness), &[p]);
    }

    /// Twelve public inputs computed by a permutation are bound on its row: the honest traces
    /// claimed for other public values are rejected (not only by the transcript: the prover
    /// runs on those values).
    #[test]
    fn a_permutation_binds_the_public_inputs_it_computes() {
        let (circuit, public, private) = crate::fixtures::permutation_digest_circuit();
        let key = CircuitKey::new(circuit);
        let witness = key.circuit.run(&public, &private).expect("runs");
        let traces = traces_of(&key, &witness);
        let mut other = public.clone();
        other[3] += Val::ONE;
        assert_rejected(&key, &traces, &other);
    }

    /// An ALU table taller than every other table takes two operations a row, and each lane is
    /// bound: a circuit of one permutation and 700 multiply–adds (past the `2^9` rows of the
    /// shortest table) proves with a two-lane ALU table of `2^9` rows, and a perturbed operand
    /// in either lane is rejected, as is a lane moved onto the other.
    #[test]
    fn a_two_lane_alu_table_binds_both_lanes() {
        let mut b = CircuitBuilder::new();
        let out = b.public_input();
        let (x, y) = (b.private_input(), b.private_input());
        let zero = b.zero();
        let mut state = [zero; 24];
        state[0] = x;
        b.permute(state);
        let mut acc = x;
        for _ in 0..700 {
            acc = b.mul_add(acc, y, x);
        }
        b.connect(acc, out);
        let key = CircuitKey::new(b.build());
        let (xv, yv) = (Val::from_u32(3), Val::from_u32(5));
        let mut expected = xv;
        for _ in 0..700 {
            expected = expected * yv + xv;
        }
        let (public, private) = ([expected], [Ext::from(xv), Ext::from(yv)]);
        let alu = key
            .tables
            .iter()
            .position(|t| matches!(t, Table::Alu(_)))
            .expect("alu");
        assert_eq!(key.log_heights()[alu], AGGREGATION.min_log_height);
        let witness = key.circuit.run(&public, &private).expect("runs");
        let honest = traces_of(&key, &witness);
        assert_eq!(honest[alu].width(), 40, "two lanes of four values");
        let proof = key.prove_traces(&honest, &public).expect("proves");
        key.verify(&proof, &public).expect("verifies");
        // Row 5: operations 10 and 11; every operand of each lane.
        for col in [0, 7, 12, 19, 20, 27, 32, 39] {
            let mut traces = honest.clone();
            traces[alu].values[5 * 40 + col] += Val::ONE;
            assert_rejected(&key, &traces, &public);
        }
        let mut traces = honest.clone();
        let row = &mut traces[alu].values[5 * 40..6 * 40];
        let first: alloc::vec::Vec<Val> = row[..20].to_vec();
        row[20..].copy_from_slice(&first);
        assert_rejected(&key, &traces, &public);
    }

    /// A Horner sum starts from zero and its rows are linked: a row recomputed from another
    /// incoming accumulator (satisfying its own pins) is rejected, on the sum's first row and
    /// on the row it feeds.
    #[test]
    fn a_horner_sum_starts_from_zero_and_links_its_rows() {
        let (key, public, honest) = honest_traces();
        let t = key
            .tables
            .iter()
            .position(|t| matches!(t, Table::Horner(_)))
            .expect("horner");
        let w = honest[t].width();
        for row in [0, 1] {
            let mut traces = honest.clone();
            let cells = &mut traces[t].values[row * w..(row + 1) * w];
            crate::tables::horner::forge_row(cells, Val::ONE);
            assert_rejected(&key, &traces, &public);
        }
    }

    /// Every table, attacked in its value columns and its bookkeeping.
    #[test]
    fn tampered_traces_do_not_verify() {
        let (key, public, honest) = honest_traces();
        // (table, row, column) cells to perturb.
        let mut cells = alloc::vec::Vec::new();
        for (t, table) in key.tables.iter().enumerate() {
            let width = honest[t].width();
            match table {
                // A row's first and second wire values, and a use count.
                Table::Witness(_) => cells.extend([
                    (t, 2, 0),
                    (t, 1, crate::tables::witness::MAIN_PER_WIRE),
                    (t, 2, width - 1),
                ]),
                Table::Public(_) => cells.push((t, 0, 1)),
                // Each operand of the multiply–add.
                Table::Alu(_) => cells.extend([(t, 0, 0), (t, 0, 7), (t, 0, 12), (t, 0, 19)]),
                // An input lane, an S-box column, an output lane, an exchange bit (1 → 2).
                // ... and a cap entry on a row without a cap (0 → 1).
                Table::Poseidon2(_) => cells.extend([
                    (t, 0, 1),
                    (t, 0, 130),
                    (t, 0, width - 4),
                    (t, 1, width - 2),
                    (t, 0, width - 1),
                ]),
                // α, the incoming accumulator, the first and last values, an intermediate and
                // the outgoing accumulator.
                Table::Horner(_) => cells.extend([
                    (t, 0, 0),
                    (t, 0, 5),
                    (t, 0, 10),
                    (t, 0, 25),
                    (t, 0, 30),
                    (t, 0, width - 1),
                ]),
            }
        }
        for (t, row, col) in cells {
            let mut traces = honest.clone();
            let width = traces[t].width();
            traces[t].values[row * width + col] += Val::ONE;
            assert_rejected(&key, &traces, &public);
        }
        // An exchange bit cleared (1 → 0): the row reads the lanes unexchanged.
        let perm = key
            .tables
            .iter()
            .position(|t| matches!(t, Table::Poseidon2(_)))
            .expect("poseidon2");
        let mut traces = honest.clone();
        let w = traces[perm].width();
        traces[perm].values[w + w - 2] = Val::ZERO;
        assert_rejected(&key, &traces, &public);
        // The cap row (the last) pointed at the other entry, or beyond the cap.
        let cap_row = key.circuit.perm_ops().count() - 1;
        assert!(
            key.circuit
                .perm_ops()
                .nth(cap_row)
                .is_some_and(|op| op.cap.is_some())
        );
        for entry in [0u32, 2] {
            let mut traces = honest.clone();
            traces[perm].values[cap_row * w + w - 1] = Val::from_u32(entry);
            assert_rejected(&key, &traces, &public);
        }

        assert!(
            key.circuit
                .perm_ops()
                .nth(1)
                .is_some_and(|op| op.chained[0])
        );
        // Permutation row `r` recomputed with input column `lane` shifted: its permutation
        // columns stay consistent, only its links and reads can break.
        let forged = |r: usize, lane: usize, shift: Val| {
            let mut traces = honest.clone();
            let row = &traces[perm].values[r * w..(r + 1) * w];
            let mut input: [Val; 24] = core::array::from_fn(|i| row[i]);
            let (bit, entry) = (row[w - 2], row[w - 1]);
            input[lane] += shift;
            let mut forged = alloc::vec::Vec::with_capacity(w);
            transaction_circuit::poseidon2_cols::fill(input).write_to(&mut forged);
            forged.extend([bit, entry]);
            traces[perm].values[r * w..(r + 1) * w].copy_from_slice(&forged);
            traces
        };
        // The chained row recomputed over another node: the link to the previous row's output
        // breaks.
        assert_rejected(&key, &forged(1, 12, Val::ONE), &public);

        // The same for a row chained in its high half (the sponge's second block), forged over
        // another capacity lane.
        let r = key
            .circuit
            .perm_ops()
            .position(|op| op.chained == [false, true])
            .expect("a sponge row");
        assert_rejected(&key, &forged(r, 20, Val::ONE), &public);

        // The tagged row recomputed without its tag, and with its tag on another value: the
        // link to the carried capacity breaks either way.
        let r = key
            .circuit
            .perm_ops()
            .position(|op| op.tag != Val::ZERO)
            .expect("a tagged row");
        assert!(
            key.circuit
                .perm_ops()
                .nth(r)
                .is_some_and(|op| op.chained[1])
        );
        for shift in [-Val::TWO, Val::ONE] {
            assert_rejected(&key, &forged(r, 12, shift), &public);
        }

        // The preset row recomputed over another domain, another length, or a non-zero lane
        // beyond them: the preset breaks (nothing reads its outputs).
        let r = key
            .circuit
            .perm_ops()
            .position(|op| op.preset && op.input[12] != op.input[14])
            .expect("a preset row with a domain");
        for lane in [12, 13, 14, 23] {
            assert_rejected(&key, &forged(r, lane, Val::ONE), &public);
        }

        // The crossed row recomputed over another digest: the link across halves breaks.
        let r = key
            .circuit
            .perm_ops()
            .position(|op| op.crossed)
            .expect("a crossed row");
        for lane in [12, 23] {
            assert_rejected(&key, &forged(r, lane, Val::ONE), &public);
        }

        // A consistent change of one wire's value in both the witness and the ALU tables still
        // breaks the multiply–add (wire 0 is the constant zero, so use the ALU's `x`).
        let alu = key
            .tables
            .iter()
            .position(|t| matches!(t, Table::Alu(_)))
            .expect("alu");
        let x_wire = key.circuit.alu_ops().next().expect("one row").wires[0].index();
        let mut traces = honest.clone();
        let per_wire = crate::tables::witness::MAIN_PER_WIRE;
        traces[0].values[x_wire * per_wire] += Val::ONE;
        traces[alu].values[0] += Val::ONE;
        assert_rejected(&key, &traces, &public);
    }
}
