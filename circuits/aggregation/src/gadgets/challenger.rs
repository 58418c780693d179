//! The Fiat–Shamir challenger in-circuit: an exact replica of Plonky3's
//! `DuplexChallenger<KoalaBear, Poseidon2-24, 24, 12>`.
//!
//! The native challenger (p3-challenger 0.9) works as follows, and so does this one:
//! - `observe` appends to an input buffer (and clears the output buffer); a full buffer of
//!   twelve duplexes at once;
//! - duplexing overwrites the first lanes with the buffered inputs, zeroes the rest of the rate,
//!   adds the number absorbed to lane 12, permutes, and refills the output buffer with lanes
//!   0‥11;
//! - `sample` duplexes if inputs are pending or outputs are exhausted, then pops the LAST output;
//! - an extension sample is five base samples, lowest coefficient first;
//! - `sample_bits(n)` keeps the low `n` bits of a sample's canonical value;
//! - a proof-of-work check observes the witness and requires `sample_bits(n) = 0`.

use alloc::vec::Vec;

use p3_field::{BasedVectorSpace, PrimeCharacteristicRing};

use super::hash::RATE;
use crate::circuit::{CircuitBuilder, Wire};
use crate::field::{EXT_DEGREE, Ext, Val};
use crate::tables::poseidon2::WIDTH;

/// Bits of a canonical KoalaBear value.
pub const VALUE_BITS: usize = 31;
/// KoalaBear is `2^31 − 2^24 + 1`: the values whose bits 24‥30 are all set are `p − 1` and the
/// non-canonical `p‥2^31 − 1`.
const LOW_BITS: usize = 24;

/// The challenger's state as wires.
#[derive(Clone, Debug)]
pub struct ChallengerWires {
    state: [Wire; WIDTH],
    input: Vec<Wire>,
    output: Vec<Wire>,
}

impl ChallengerWires {
    /// A fresh challenger (all-zero state, empty buffers).
    pub fn new(builder: &mut CircuitBuilder) -> Self {
        let zero = builder.zero();
        Self {
            state: [zero; WIDTH],
            input: Vec::new(),
            output: Vec::new(),
        }
    }

    fn duplex(&mut self, builder: &mut CircuitBuilder) {
        let absorbed = self.input.len();
        debug_assert!(absorbed <= RATE);
        for (lane, value) in self.state.iter_mut().zip(self.input.drain(..)) {
            *lane = value;
        }
        if absorbed > 0 {
            let zero = builder.zero();
            self.state[absorbed..RATE].fill(zero);
        }
        // An absorption binds its length into lane 12, in the permutation row itself so that
        // the carried capacity stays chained (a squeeze adds zero).
        let tag = Val::from_usize(absorbed);
        self.state = builder.permute_tagged(self.state, tag);
        self.output.clear();
        self.output.extend_from_slice(&self.state[..RATE]);
    }

    /// Absorbs one base-field wire.
    pub fn observe(&mut self, builder: &mut CircuitBuilder, value: Wire) {
        self.output.clear();
        self.input.push(value);
        if self.input.len() == RATE {
            self.duplex(builder);
        }
    }

    /// Absorbs base-field wires in order.
    pub fn observe_slice(&mut self, builder: &mut CircuitBuilder, values: &[Wire]) {
        for &v in values {
            self.observe(builder, v);
        }
    }

    /// Squeezes one base-field element.
    pub fn sample(&mut self, builder: &mut CircuitBuilder) -> Wire {
        if !self.input.is_empty() || self.output.is_empty() {
            self.duplex(builder);
        }
        self.output
            .pop()
            .unwrap_or_else(|| unreachable!("duplexing refills twelve outputs"))
    }

    /// Squeezes one extension element (five samples, lowest coefficient first).
    pub fn sample_ext(&mut self, builder: &mut CircuitBuilder) -> Wire {
        let coefficients: [Wire; EXT_DEGREE] = core::array::from_fn(|_| self.sample(builder));
        from_base_coefficients(builder, &coefficients)
    }

    /// Squeezes `n` random bits (least significant first), like `sample_bits(n)`.
    pub fn sample_bits(&mut self, builder: &mut CircuitBuilder, n: usize) -> Vec<Wire> {
        let value = self.sample(builder);
        let mut bits = canonical_bits(builder, value);
        bits.truncate(n);
        bits
    }

    /// Checks a proof-of-work witness like `check_witness(n, witness)`.
    pub fn check_pow(&mut self, builder: &mut CircuitBuilder, n: usize, witness: Wire) {
        if n == 0 {
            return;
        }
        self.observe(builder, witness);
        for bit in self.sample_bits(builder, n) {
            builder.assert_zero(bit);
        }
    }
}

/// `Σ cᵢ · Xⁱ`: an extension wire from five coefficient wires (base-field coefficients, or
/// extension-valued ones as in `from_ext_basis_coefficients`).
pub fn from_coefficients(builder: &mut CircuitBuilder, coefficients: &[Wire; EXT_DEGREE]) -> Wire {
    let mut acc = coefficients[0];
    for (i, &c) in coefficients.iter().enumerate().skip(1) {
        let basis = builder
            .constant(<Ext as BasedVectorSpace<Val>>::ith_basis_element(i).unwrap_or_default());
        acc = builder.mul_add(c, basis, acc);
    }
    acc
}

/// `Σ cᵢ · Xⁱ` for base-field coefficients: one Horner row where the circuit has a Horner
/// table ([`CircuitBuilder::power_sum`] at `X`), four ALU rows otherwise. Running fails if a
/// coefficient is not in the base field.
pub fn from_base_coefficients(
    builder: &mut CircuitBuilder,
    coefficients: &[Wire; EXT_DEGREE],
) -> Wire {
    let x = extension_generator(builder);
    builder.power_sum(x, coefficients)
}

/// `X`, the generator of the extension over the base field: an element is `Σ cⱼ·Xʲ`.
pub(crate) fn extension_generator(builder: &mut CircuitBuilder) -> Wire {
    builder.constant(<Ext as BasedVectorSpace<Val>>::ith_basis_element(1).unwrap_or_default())
}

/// The 31 bits of a base-field wire's canonical value, least significant first.
pub fn canonical_bits(builder: &mut CircuitBuilder, value: Wire) -> Vec<Wire> {
    let (bits, high) = builder.bits_hint(value, VALUE_BITS);
    assert_canonical_bits(builder, value, &bits, high);
    bits
}

/// Constrains `(bits, high)` to be the canonical 31-bit decomposition of `value`: boolean bits,
/// `high = 0`, and not the second decomposition `value + p` that exists for `value < 2^24 − 1`.
pub fn assert_canonical_bits(builder: &mut CircuitBuilder, value: Wire, bits: &[Wire], high: Wire) {
    builder.assert_zero(high);
    // value = low + 2^24 · (bits 24‥30), each part a bit sum.
    let low = builder.bit_sum(&bits[..LOW_BITS]);
    let top = builder.bit_sum(&bits[LOW_BITS..]);
    let scale = builder.constant_base(Val::from_u32(1 << LOW_BITS));
    let sum = builder.mul_add(top, scale, low);
    builder.connect(sum, value);
    // (all of bits 24‥30 set) · low = 0.
    let mut all_set = bits[LOW_BITS];
    for &b in &bits[LOW_BITS + 1..] {
        all_set = builder.mul(all_set, b);
    }
    let product = builder.mul(all_set, low);
    builder.assert_zero(product);
}
