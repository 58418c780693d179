//! Writing circuits: allocate wires, record operations, connect wires, compile.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use p3_field::{PrimeCharacteristicRing, PrimeField32};

use super::{AluOp, CapRead, Circuit, HORNER_STEPS, HornerOp, Op, PermOp, Solve, Wire};
use crate::field::{Ext, Val};
use crate::tables::poseidon2::{CHAIN_LANES, PRESET_LANES, READ_OUTPUTS, WIDTH};

/// The scales of a plain multiply–add row, `a · b + c = d`.
const PLAIN: [Val; 2] = [Val::ONE, Val::ONE];

fn constant_key(value: Ext) -> [u32; 5] {
    crate::field::coefficients(value).map(|c| c.as_canonical_u32())
}

/// How a class of connected wires is referenced, which decides whether it needs a witness row.
#[derive(Clone, Copy, Debug, Default)]
struct References {
    /// Constants, public inputs, ALU rows, bit hints, exchange bits.
    other: u32,
    /// Private-input definitions.
    private_defs: u32,
    /// Permutation input lanes.
    perm_inputs: u32,
    /// Permutation output lanes.
    perm_outputs: u32,
    /// Horner rows' outgoing accumulators.
    horner_outputs: u32,
}

impl References {
    /// A class needs a witness row unless it is
    /// - a permutation output nothing else reads (computed, never used, or only carried into
    ///   the next row of a chain, which the table links directly),
    /// - a Horner row's `acc_out` nothing else reads (carried into the next Horner row), or
    /// - a private input used only as one permutation input lane (free witness: the lane holds
    ///   it and nothing else constrains it, such as a Merkle sibling).
    ///
    /// Two rows defining one class constrain each other, so that stays live.
    fn is_live(&self) -> bool {
        if self.other > 0 || self.perm_outputs + self.horner_outputs > 1 {
            return true;
        }
        let free_lane = self.perm_inputs == 1 && self.perm_outputs == 0 && self.private_defs > 0;
        self.perm_inputs > 0 && !free_lane
    }
}

/// Records a circuit. Wires are cheap; [`connect`](Self::connect) merges two wires into one.
#[derive(Debug)]
pub struct CircuitBuilder {
    /// Union–find parent of every wire.
    parent: Vec<u32>,
    ops: Vec<Op>,
    /// One wire per distinct constant.
    constants: BTreeMap<[u32; 5], Wire>,
    /// The first wire of each block of consecutive constants, by its values.
    constant_blocks: BTreeMap<Vec<u32>, Wire>,
    num_public: usize,
    num_private: usize,
    /// Whether [`Self::power_sum`] runs on the ALU instead of the Horner table.
    power_sums_on_alu: bool,
    /// The output of every ALU row computed so far, by its operation and input classes.
    computed: BTreeMap<(u8, [u32; 3], [u32; 2]), Wire>,
}

impl Default for CircuitBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl CircuitBuilder {
    /// An empty circuit: wire 0 holds the extension's generator `X`, the one constant not in
    /// the base field ([`Self::constant`]).
    pub fn new() -> Self {
        let mut builder = Self {
            parent: Vec::new(),
            ops: Vec::new(),
            constants: BTreeMap::new(),
            constant_blocks: BTreeMap::new(),
            num_public: 0,
            num_private: 0,
            power_sums_on_alu: false,
            computed: BTreeMap::new(),
        };
        let generator = builder.fresh();
        let x = crate::field::extension_generator();
        builder.ops.push(Op::Const(generator, x));
        builder.constants.insert(constant_key(x), generator);
        builder
    }

    /// An empty circuit whose power sums take ALU rows instead of Horner rows. A proof with one
    /// table more opens its columns at every query and, the table having a height of its own,
    /// folds in one more FRI round; the block's final proof, read natively and judged by its
    /// size, is built this way (`docs/spec/aggregation.md#the-wrap`).
    pub fn without_horner_table() -> Self {
        Self {
            power_sums_on_alu: true,
            ..Self::new()
        }
    }

    fn fresh(&mut self) -> Wire {
        let index = u32::try_from(self.parent.len())
            .unwrap_or_else(|_| unreachable!("a circuit never has 2^32 wires"));
        self.parent.push(index);
        Wire(index)
    }

    /// The wire holding the constant `value` (one wire per distinct constant). The witness
    /// table fixes base-field constants and the generator `X` (wire 0); any other extension
    /// constant is `Σ cᵢ · Xⁱ`, on ALU rows.
    pub fn constant(&mut self, value: Ext) -> Wire {
        let key = constant_key(value);
        if let Some(&w) = self.constants.get(&key) {
            return w;
        }
        let w = if crate::field::as_base(value).is_some() {
            let w = self.fresh();
            self.ops.push(Op::Const(w, value));
            w
        } else {
            self.extension_constant(value)
        };
        self.constants.insert(key, w);
        w
    }

    /// `Σ cᵢ · Xⁱ` for `value`'s coefficients `cᵢ`, from the generator on wire 0.
    fn extension_constant(&mut self, value: Ext) -> Wire {
        let [c0, rest @ ..] = crate::field::coefficients(value);
        let (x, one) = (Wire(0), self.one());
        let mut acc = self.constant_base(c0);
        let mut power = x;
        for (i, c) in rest.into_iter().enumerate() {
            if i > 0 {
                power = self.mul(power, x);
            }
            if c != Val::ZERO {
                acc = self.scaled_mul_add(c, power, one, Val::ONE, acc);
            }
        }
        acc
    }

    /// Base-field constants on consecutive wires of their own (not shared with equal single
    /// constants), such as a constant Merkle cap that [`Self::permute_into_cap`] reads. Asking
    /// for the same block again returns the same wires: both children of a node read one copy
    /// of their circuit's preprocessed tree.
    pub fn constant_block(&mut self, values: &[Val]) -> Vec<Wire> {
        let key: Vec<u32> = values.iter().map(|v| v.as_canonical_u32()).collect();
        if let Some(&first) = self.constant_blocks.get(&key) {
            return (0..values.len() as u32)
                .map(|i| Wire(first.0 + i))
                .collect();
        }
        let wires: Vec<Wire> = values
            .iter()
            .map(|&value| {
                let w = self.fresh();
                self.ops.push(Op::Const(w, Ext::from(value)));
                w
            })
            .collect();
        if let Some(&first) = wires.first() {
            self.constant_blocks.insert(key, first);
        }
        wires
    }

    /// A base-field constant.
    pub fn constant_base(&mut self, value: Val) -> Wire {
        self.constant(Ext::from(value))
    }

    /// The constant zero.
    pub fn zero(&mut self) -> Wire {
        self.constant(Ext::ZERO)
    }

    /// The constant one.
    pub fn one(&mut self) -> Wire {
        self.constant(Ext::ONE)
    }

    /// A new public input (a base-field element).
    pub fn public_input(&mut self) -> Wire {
        let w = self.fresh();
        self.ops.push(Op::Public(w, self.num_public));
        self.num_public += 1;
        w
    }

    /// A new private input (any extension element).
    pub fn private_input(&mut self) -> Wire {
        let w = self.fresh();
        self.ops.push(Op::Private(w, self.num_private));
        self.num_private += 1;
        w
    }

    fn alu(&mut self, wires: [Wire; 4], solve: Solve, scales: [Val; 2]) {
        self.ops.push(Op::Alu(AluOp {
            wires,
            solve,
            scales,
        }));
    }

    /// The wire an ALU row computes from `inputs` (its other three wires, product operands
    /// first), placed in the row by `row`. An identical earlier row (the same operation on the
    /// same wires) is reused, so a subexpression repeated anywhere in the circuit costs one row.
    fn computed(
        &mut self,
        solve: Solve,
        inputs: [Wire; 3],
        scales: [Val; 2],
        row: impl FnOnce(Wire) -> [Wire; 4],
    ) -> Wire {
        let mut key = inputs.map(|w| self.find(w.0));
        // Multiplication commutes (divisions keep their operands' order).
        if matches!(solve, Solve::D | Solve::C) && key[0] > key[1] {
            key.swap(0, 1);
        }
        let key = (solve as u8, key, scales.map(|s| s.as_canonical_u32()));
        if let Some(&out) = self.computed.get(&key) {
            return out;
        }
        let out = self.fresh();
        self.alu(row(out), solve, scales);
        self.computed.insert(key, out);
        out
    }

    /// `k · a · b + l · c`, for base-field constants `k, l`.
    pub fn scaled_mul_add(&mut self, k: Val, a: Wire, b: Wire, l: Val, c: Wire) -> Wire {
        self.computed(Solve::D, [a, b, c], [k, l], |d| [a, b, c, d])
    }

    /// `d / (a + shift)`, as the row `a · q + shift · q = d`. Running fails if `a = −shift`.
    pub fn div_shifted(&mut self, d: Wire, a: Wire, shift: Val) -> Wire {
        self.computed(Solve::Shared, [a, d, d], [Val::ONE, shift], |q| {
            [a, q, q, d]
        })
    }

    /// `a · b + c`.
    pub fn mul_add(&mut self, a: Wire, b: Wire, c: Wire) -> Wire {
        self.computed(Solve::D, [a, b, c], PLAIN, |d| [a, b, c, d])
    }

    /// `a · b`.
    pub fn mul(&mut self, a: Wire, b: Wire) -> Wire {
        let zero = self.zero();
        self.mul_add(a, b, zero)
    }

    /// `a + b`.
    pub fn add(&mut self, a: Wire, b: Wire) -> Wire {
        let one = self.one();
        self.mul_add(a, one, b)
    }

    /// `a − b`, as the row `b · 1 + (a − b) = a`.
    pub fn sub(&mut self, a: Wire, b: Wire) -> Wire {
        let one = self.one();
        self.sub_mul(a, b, one)
    }

    /// `x − a · b`, as the row `a · b + (x − a · b) = x`.
    pub fn sub_mul(&mut self, x: Wire, a: Wire, b: Wire) -> Wire {
        self.computed(Solve::C, [a, b, x], PLAIN, |c| [a, b, c, x])
    }

    /// `a / b`, as the row `b · (a / b) + 0 = a`. Running fails if `b = 0`.
    pub fn div(&mut self, a: Wire, b: Wire) -> Wire {
        let zero = self.zero();
        self.sub_div(a, zero, b)
    }

    /// `(a − c) / b`, as the row `b · ((a − c) / b) + c = a`. Running fails if `b = 0`.
    pub fn sub_div(&mut self, a: Wire, c: Wire, b: Wire) -> Wire {
        self.computed(Solve::B, [b, c, a], PLAIN, |q| [b, q, c, a])
    }

    /// `1 / a`. Running fails if `a = 0`.
    pub fn inverse(&mut self, a: Wire) -> Wire {
        let one = self.one();
        self.div(one, a)
    }

    /// `a · b + c = d`, with every wire already defined.
    pub fn assert_mul_add(&mut self, a: Wire, b: Wire, c: Wire, d: Wire) {
        self.alu([a, b, c, d], Solve::D, PLAIN);
    }

    /// `Σ_j α^(n−1−j) · v_j` over the `n` base-field `values` (the Horner evaluation at `α` of
    /// the polynomial whose leading coefficient is `values[0]`), in rows of [`HORNER_STEPS`]
    /// steps. The first row starts from zero and is padded at the front with zero values,
    /// which leave the sum unchanged. Running fails if a value is not in the base field.
    pub fn horner(&mut self, alpha: Wire, values: &[Wire]) -> Wire {
        self.horner_rows(alpha, values, false)
    }

    /// [`Self::horner`], with every value constrained to a bit when `bits` is set.
    pub(crate) fn horner_rows(&mut self, alpha: Wire, values: &[Wire], bits: bool) -> Wire {
        let zero = self.zero();
        let padding = (HORNER_STEPS - values.len() % HORNER_STEPS) % HORNER_STEPS;
        let padded: Vec<Wire> = core::iter::repeat_n(zero, padding)
            .chain(values.iter().copied())
            .collect();
        let mut acc = zero;
        for chunk in padded.chunks_exact(HORNER_STEPS) {
            let acc_out = self.fresh();
            self.ops.push(Op::Horner(HornerOp {
                alpha,
                acc_in: acc,
                values: core::array::from_fn(|k| chunk[k]),
                acc_out,
                bits,
            }));
            acc = acc_out;
        }
        acc
    }

    /// Whether power sums take Horner rows (see [`Self::without_horner_table`]).
    pub fn has_horner_table(&self) -> bool {
        !self.power_sums_on_alu
    }

    /// `Σ_j α^j · v_j` over base-field `values`: [`Self::horner`] over them in reverse, or
    /// one ALU row per value after the last for [`Self::without_horner_table`].
    pub fn power_sum(&mut self, alpha: Wire, values: &[Wire]) -> Wire {
        if self.power_sums_on_alu {
            let mut reversed = values.iter().rev();
            let Some(&last) = reversed.next() else {
                return self.zero();
            };
            return reversed.fold(last, |acc, &v| self.mul_add(acc, alpha, v));
        }
        let reversed: Vec<Wire> = values.iter().rev().copied().collect();
        self.horner(alpha, &reversed)
    }

    /// `b ∈ {0, 1}`, as the row `b · b + 0 = b`.
    pub fn assert_bool(&mut self, b: Wire) {
        let zero = self.zero();
        self.assert_mul_add(b, b, zero, b);
    }

    /// `Σ bits[i] · 2^i`, with every bit constrained to 0 or 1: Horner rows at `α = 2` that
    /// check their values are bits (eight bits a row), or a boolean row and a multiply–add
    /// per bit for [`Self::without_horner_table`].
    pub fn bit_sum(&mut self, bits: &[Wire]) -> Wire {
        let two = self.constant_base(Val::TWO);
        if self.power_sums_on_alu {
            let mut acc = self.zero();
            for &bit in bits.iter().rev() {
                self.assert_bool(bit);
                acc = self.mul_add(acc, two, bit);
            }
            return acc;
        }
        let reversed: Vec<Wire> = bits.iter().rev().copied().collect();
        self.horner_rows(two, &reversed, true)
    }

    /// `b ? x : y`, i.e. `b · (x − y) + y`. `b` must be boolean.
    pub fn select(&mut self, b: Wire, x: Wire, y: Wire) -> Wire {
        let diff = self.sub(x, y);
        self.mul_add(b, diff, y)
    }

    /// Makes `a` and `b` the same wire: the witness must give them the same value.
    pub fn connect(&mut self, a: Wire, b: Wire) {
        let (ra, rb) = (self.find(a.0), self.find(b.0));
        if ra != rb {
            // The smaller index stays the representative, so constants keep their wires.
            let (keep, merge) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[merge as usize] = keep;
        }
    }

    /// `a = 0`.
    pub fn assert_zero(&mut self, a: Wire) {
        let zero = self.zero();
        self.connect(a, zero);
    }

    /// One Poseidon2 permutation of base-field lanes. Output lanes 12‥23 can only be the next
    /// permutation's input lanes 12‥23 (a sponge's or the challenger's capacity): the table
    /// reads no other use of them, and [`Self::build`] refuses a circuit with one.
    pub fn permute(&mut self, input: [Wire; WIDTH]) -> [Wire; WIDTH] {
        self.push_perm(input, None, Val::ZERO)
    }

    /// One permutation of `input` with `tag` added to lane 12 first (see [`PermOp::tag`]).
    pub fn permute_tagged(&mut self, input: [Wire; WIDTH], tag: Val) -> [Wire; WIDTH] {
        self.push_perm(input, None, tag)
    }

    /// One permutation of `input` with its halves exchanged first if `bit` is one. `bit` is
    /// constrained boolean by the permutation table. The table reads no lane of an exchanged
    /// row from the witness: lanes 0‥11 must come from the previous permutation's lanes 0‥11
    /// ([`Self::follows_last_permutation`]) and lanes 12‥23 be free (used nowhere else), or
    /// [`Self::build`] refuses the circuit.
    pub fn permute_swapped(&mut self, input: [Wire; WIDTH], bit: Wire) -> [Wire; WIDTH] {
        self.push_perm(input, Some(bit), Val::ZERO)
    }

    fn push_perm(&mut self, input: [Wire; WIDTH], swap: Option<Wire>, tag: Val) -> [Wire; WIDTH] {
        let output = core::array::from_fn(|_| self.fresh());
        self.ops.push(Op::Perm(PermOp {
            input,
            output,
            swap,
            cap: None,
            tag,
            chained: [false; 2],
            crossed: false,
            preset: false,
        }));
        output
    }

    /// One permutation of `input` (its halves exchanged first if `swap` is given, as in
    /// [`Self::permute_swapped`]) whose output lanes 0‥11 must be digest `index` of `cap`: the
    /// last step of a Merkle path, checked against its commitment without selecting the entry
    /// ([`CapRead`]). `index` is a base wire below `cap.len()`; the cap's digests must be fresh,
    /// consecutive wires (as `cap.len()` digests of private inputs allocated together) that are
    /// never connected to others, or [`Self::build`] refuses the circuit.
    pub fn permute_into_cap(
        &mut self,
        input: [Wire; WIDTH],
        swap: Option<Wire>,
        cap: &[[Wire; READ_OUTPUTS]],
        index: Wire,
    ) {
        let first = cap[0][0].0;
        assert!(
            cap.as_flattened()
                .iter()
                .enumerate()
                .all(|(i, w)| w.0 == first + i as u32),
            "a cap's digests are consecutive wires"
        );
        let output = core::array::from_fn(|k| {
            if k < READ_OUTPUTS {
                cap[0][k]
            } else {
                self.fresh()
            }
        });
        self.ops.push(Op::Perm(PermOp {
            input,
            output,
            swap,
            cap: Some(CapRead {
                index,
                entries: cap.len() as u32,
            }),
            tag: Val::ZERO,
            chained: [false; 2],
            crossed: false,
            preset: false,
        }));
    }

    /// Whether `lanes` are output lanes 0‥11 of the last permutation recorded, so that a
    /// permutation taking them as its lanes 0‥11 next is chained to it.
    pub fn follows_last_permutation(&mut self, lanes: &[Wire; CHAIN_LANES]) -> bool {
        // A cap row's output wires name the cap's first digest, not what it computed.
        let Some(last) = self.ops.iter().rev().find_map(|op| match op {
            Op::Perm(perm) => Some(perm.cap.is_none().then_some(perm.output)),
            _ => None,
        }) else {
            return false;
        };
        let Some(last) = last else {
            return false;
        };
        lanes
            .iter()
            .zip(&last)
            .all(|(a, b)| self.find(a.0) == self.find(b.0))
    }

    /// The `n` low bits of a base-field wire, least significant first, each constrained boolean
    /// and recomposed; the high part is returned as a wire so callers decide its range.
    /// Returns `(bits, high)` with `input = Σ bits[i]·2^i + high·2^n`.
    pub fn split_low_bits(&mut self, input: Wire, n: usize) -> (Vec<Wire>, Wire) {
        let (bits, high) = self.bits_hint(input, n);
        self.assert_split(input, &bits, high);
        (bits, high)
    }

    /// Unconstrained: wires the runner fills with the low `n` bits of `input` and the rest.
    pub fn bits_hint(&mut self, input: Wire, n: usize) -> (Vec<Wire>, Wire) {
        let bits: Vec<Wire> = (0..n).map(|_| self.fresh()).collect();
        let high = self.fresh();
        let mut all = bits.clone();
        all.push(high);
        self.ops.push(Op::Bits { input, bits: all });
        (bits, high)
    }

    /// Constrains `bits` boolean and `input = Σ bits[i]·2^i + high·2^n`.
    pub fn assert_split(&mut self, input: Wire, bits: &[Wire], high: Wire) {
        let low = self.bit_sum(bits);
        let scale = self.constant_base(Val::TWO.exp_u64(bits.len() as u64));
        let sum = self.mul_add(high, scale, low);
        self.connect(sum, input);
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// Compiles the circuit: connected wires share one slot. Slots are numbered so that the
    /// live ones come first (see `References::is_live`): a permutation output lane nothing
    /// reads (a sponge's overwritten rate, a compression's discarded half) and a private input
    /// used only as one permutation lane (a Merkle sibling) are computed but get no
    /// witness-table row.
    pub fn build(mut self) -> Circuit {
        let n = self.parent.len();
        let roots: Vec<usize> = (0..n).map(|w| self.find(w as u32) as usize).collect();
        // A permutation with a half of its input lanes equal to the same half of the previous
        // permutation's outputs is chained to it in the table, for that half; with its lanes
        // 12‥23 equal to the previous output lanes 0‥11, crossed. Lanes 12‥23 that are
        // constants, zero beyond lane 13, are preset.
        let constants: BTreeMap<usize, Ext> = self
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::Const(w, c) => Some((roots[w.index()], *c)),
                _ => None,
            })
            .collect();
        let mut previous_output: Option<[Wire; WIDTH]> = None;
        for op in &mut self.ops {
            if let Op::Perm(perm) = op {
                let same = |out: &[Wire; WIDTH], from: usize, to: usize| {
                    (0..CHAIN_LANES)
                        .all(|k| roots[perm.input[to + k].index()] == roots[out[from + k].index()])
                };
                perm.chained = core::array::from_fn(|half| {
                    previous_output
                        .is_some_and(|out| same(&out, half * CHAIN_LANES, half * CHAIN_LANES))
                });
                perm.crossed = !perm.chained[1]
                    && perm.swap.is_none()
                    && previous_output.is_some_and(|out| same(&out, 0, CHAIN_LANES));
                perm.preset = !perm.chained[1]
                    && !perm.crossed
                    && perm.swap.is_none()
                    && (CHAIN_LANES..WIDTH).all(|k| {
                        constants
                            .get(&roots[perm.input[k].index()])
                            .is_some_and(|c| PRESET_LANES.contains(&k) || *c == Ext::ZERO)
                    });
                previous_output = perm.cap.is_none().then_some(perm.output);
            }
        }
        let mut refs = alloc::vec![References::default(); n];
        for op in &self.ops {
            let mut other = |w: &Wire| refs[roots[w.index()]].other += 1;
            match op {
                Op::Const(w, _) | Op::Public(w, _) => other(w),
                Op::Alu(alu) => alu.wires.iter().for_each(&mut other),
                // `acc_in` is zero or the previous row's `acc_out` (checked below), which the
                // table links without reading.
                Op::Horner(horner) => {
                    horner.always_read().for_each(&mut other);
                    refs[roots[horner.acc_out.index()]].horner_outputs += 1;
                }
                Op::Bits { input, bits } => {
                    other(input);
                    bits.iter().for_each(&mut other);
                }
                Op::Perm(perm) => {
                    perm.swap.iter().for_each(&mut other);
                    (0..WIDTH)
                        .filter(|&k| !perm.from_table(k))
                        .for_each(|k| refs[roots[perm.input[k].index()]].perm_inputs += 1);
                    let defined = match perm.cap {
                        None => &perm.output[..],
                        // Any of the cap's lanes may be read, and the index is.
                        Some(CapRead { index, entries }) => {
                            refs[roots[index.index()]].other += 1;
                            let first = perm.output[0].index();
                            (first..first + entries as usize * READ_OUTPUTS)
                                .for_each(|w| refs[roots[w]].other += 1);
                            &perm.output[READ_OUTPUTS..]
                        }
                    };
                    defined
                        .iter()
                        .for_each(|w| refs[roots[w.index()]].perm_outputs += 1);
                }
                Op::Private(w, _) => refs[roots[w.index()]].private_defs += 1,
            }
        }
        let live = |root: usize| refs[root].is_live();
        // What the Poseidon2 table cannot read (`tables::poseidon2`): any input lane of an
        // exchanged row, input lanes 12‥23, and output lanes 12‥23.
        for perm in self.ops.iter().filter_map(|op| match op {
            Op::Perm(perm) => Some(perm),
            _ => None,
        }) {
            let is_read = |w: &Wire| live(roots[w.index()]);
            assert!(
                perm.swap.is_none()
                    || (0..WIDTH).all(|k| perm.from_table(k) || !is_read(&perm.input[k])),
                "an exchanged permutation reads input lanes from the witness: its lanes 0‥11 \
                 must follow the previous permutation and its lanes 12‥23 be free"
            );
            assert!(
                (CHAIN_LANES..WIDTH).all(|k| perm.from_table(k) || !is_read(&perm.input[k])),
                "a permutation reads input lanes 12‥23 from the witness: they must be the \
                 previous permutation's output lanes 12‥23 or 0‥11, constants (zero beyond \
                 lane 13), or free"
            );
            assert!(
                !perm.output[READ_OUTPUTS..].iter().any(is_read),
                "a permutation's output lanes 12‥23 are read: they can only feed the next \
                 permutation's lanes 12‥23"
            );
        }
        // The Horner table links a row's `acc_in` to the previous row's `acc_out`, or to zero.
        let mut previous_acc: Option<usize> = None;
        for horner in self.ops.iter().filter_map(|op| match op {
            Op::Horner(horner) => Some(horner),
            _ => None,
        }) {
            let acc_in = roots[horner.acc_in.index()];
            assert!(
                previous_acc == Some(acc_in) || constants.get(&acc_in) == Some(&Ext::ZERO),
                "a Horner row starts from zero or continues the row before"
            );
            previous_acc = Some(roots[horner.acc_out.index()]);
        }
        // Slots: constants first (the generator, wire 0, at slot 0), so that the witness
        // table's first column holds them all; then the other live wires; then the rest.
        let mut slot = alloc::vec![u32::MAX; n];
        let mut next = 0u32;
        for (pass_constant, pass_live) in [(true, true), (false, true), (false, false)] {
            for (w, &root) in roots.iter().enumerate() {
                if w == root
                    && live(root) == pass_live
                    && constants.contains_key(&root) == pass_constant
                {
                    slot[root] = next;
                    next += 1;
                }
            }
        }
        // A cap's lanes are read at computed slots: they must be consecutive slots.
        for perm in self.ops.iter().filter_map(|op| match op {
            Op::Perm(perm) => Some(perm),
            _ => None,
        }) {
            if let Some(CapRead { entries, .. }) = perm.cap {
                let first = perm.output[0].index();
                assert!(
                    (0..entries as usize * READ_OUTPUTS)
                        .all(|i| slot[roots[first + i]] == slot[roots[first]] + i as u32),
                    "a Merkle cap's digests were connected to other wires: its lanes are no \
                     longer consecutive slots"
                );
            }
        }
        let num_wires = (0..n).filter(|&w| roots[w] == w && live(w)).count();
        let slots: Vec<u32> = (0..n).map(|w| slot[roots[w]]).collect();
        let map = |w: Wire| Wire(slots[w.index()]);
        let ops = self
            .ops
            .into_iter()
            .map(|op| match op {
                Op::Const(w, c) => Op::Const(map(w), c),
                Op::Public(w, j) => Op::Public(map(w), j),
                Op::Private(w, j) => Op::Private(map(w), j),
                Op::Alu(AluOp {
                    wires,
                    solve,
                    scales,
                }) => Op::Alu(AluOp {
                    wires: wires.map(map),
                    solve,
                    scales,
                }),
                Op::Perm(PermOp {
                    input,
                    output,
                    swap,
                    cap,
                    tag,
                    chained,
                    crossed,
                    preset,
                }) => Op::Perm(PermOp {
                    input: input.map(map),
                    output: output.map(map),
                    swap: swap.map(map),
                    cap: cap.map(|c| CapRead {
                        index: map(c.index),
                        ..c
                    }),
                    tag,
                    chained,
                    crossed,
                    preset,
                }),
                Op::Bits { input, bits } => Op::Bits {
                    input: map(input),
                    bits: bits.into_iter().map(map).collect(),
                },
                Op::Horner(HornerOp {
                    alpha,
                    acc_in,
                    values,
                    acc_out,
                    bits,
                }) => Op::Horner(HornerOp {
                    alpha: map(alpha),
                    acc_in: map(acc_in),
                    values: values.map(map),
                    acc_out: map(acc_out),
                    bits,
                }),
            })
            .collect();
        Circuit {
            slots,
            num_slots: next as usize,
            num_wires,
            num_public: self.num_public,
            num_private: self.num_private,
            ops,
        }
    }
}
