//! Poseidon2 over KoalaBear, width 24: the permutation, the sponge and the 2-to-1 compression.
//!
//! Every in-circuit hash of the protocol is built from these three pieces, defined in
//! [Hegemon spec § Poseidon2][poseidon2]. The round constants are the fixed Grain-LFSR constants
//! that `p3-koala-bear` publishes for width 24 (`R_F = 8`, `R_P = 23`, `x^3` S-box); they are
//! never sampled at run time, and the known-answer file `tests/vectors/poseidon2.json` pins the
//! permutation so any change of constants fails the tests.
//!
//! [poseidon2]: ../../docs/spec/keys-and-notes.md#poseidon2

use core::fmt;

use p3_field::{PrimeCharacteristicRing, PrimeField32, integers::QuotientMap};
use p3_koala_bear::{KoalaBear, Poseidon2KoalaBear, default_koalabear_poseidon2_24};
use p3_symmetric::Permutation;

/// The base field element: KoalaBear, `p = 2^31 - 2^24 + 1`.
pub type Felt = KoalaBear;

/// The permutation width in field elements.
pub const WIDTH: usize = 24;
/// Sponge rate: elements absorbed per permutation call.
pub const RATE: usize = 12;
/// Digest length in field elements (12 × 31 bits ≈ 372 bits).
pub const DIGEST_ELEMS: usize = 12;
/// Bytes of a canonical [`Digest`] encoding (12 little-endian `u32`).
pub const DIGEST_BYTES: usize = DIGEST_ELEMS * 4;

/// Capacity lane that carries the domain tag of a sponge call.
pub const DOMAIN_LANE: usize = RATE;
/// Capacity lane that carries the input length (in field elements) of a sponge call.
pub const LENGTH_LANE: usize = RATE + 1;
/// Lane of a compression input that carries the Merkle level tweak.
pub const LEVEL_LANE: usize = WIDTH - 1;

/// The width-24 Poseidon2 permutation with the published KoalaBear constants.
pub fn permutation() -> &'static Poseidon2KoalaBear<WIDTH> {
    static PERM: spin::Once<Poseidon2KoalaBear<WIDTH>> = spin::Once::new();
    PERM.call_once(default_koalabear_poseidon2_24)
}

/// Applies the permutation in place.
pub fn permute(state: &mut [Felt; WIDTH]) {
    permutation().permute_mut(state);
}

/// A 12-element Poseidon2 output: note commitments, nullifiers, keys, Merkle nodes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest([Felt; DIGEST_ELEMS]);

impl Digest {
    /// The all-zero digest (not the output of any hash; used only as an explicit placeholder).
    pub const ZERO: Self = Self([Felt::ZERO; DIGEST_ELEMS]);

    /// Wraps field elements.
    pub const fn from_elements(elements: [Felt; DIGEST_ELEMS]) -> Self {
        Self(elements)
    }

    /// The field-element form, as the circuit sees it.
    pub const fn elements(&self) -> &[Felt; DIGEST_ELEMS] {
        &self.0
    }

    /// Canonical encoding: each element as a little-endian `u32` in `[0, p)`.
    pub fn to_bytes(&self) -> [u8; DIGEST_BYTES] {
        let mut out = [0u8; DIGEST_BYTES];
        for (chunk, e) in out.chunks_exact_mut(4).zip(self.0.iter()) {
            chunk.copy_from_slice(&e.as_canonical_u32().to_le_bytes());
        }
        out
    }

    /// Parses the canonical encoding; rejects any element `≥ p` so every digest has one encoding.
    pub fn from_bytes(bytes: &[u8; DIGEST_BYTES]) -> Option<Self> {
        let mut elements = [Felt::ZERO; DIGEST_ELEMS];
        for (e, chunk) in elements.iter_mut().zip(bytes.chunks_exact(4)) {
            let word = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            *e = Felt::from_canonical_checked(word)?;
        }
        Some(Self(elements))
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest(")?;
        for b in &self.to_bytes()[..8] {
            write!(f, "{b:02x}")?;
        }
        write!(f, "…)")
    }
}

/// The sponge of [spec § Poseidon2][poseidon2]: domain tag and input length in the capacity,
/// rate lanes overwritten by each 12-element block (the last block zero-filled), one permutation
/// per block, output the first 12 lanes. An empty input still permutes once.
///
/// Binding the length in the capacity makes the zero-fill padding injective, and the tag
/// separates every protocol function from every other.
///
/// [poseidon2]: ../../docs/spec/keys-and-notes.md#poseidon2
pub fn hash_elements(domain: u32, input: &[Felt]) -> Digest {
    let mut state = [Felt::ZERO; WIDTH];
    state[DOMAIN_LANE] = Felt::from_u32(domain);
    state[LENGTH_LANE] = Felt::from_usize(input.len());
    let mut blocks = input.chunks(RATE).peekable();
    if blocks.peek().is_none() {
        permute(&mut state);
    }
    for block in blocks {
        state[..RATE].fill(Felt::ZERO);
        state[..block.len()].copy_from_slice(block);
        permute(&mut state);
    }
    let mut out = [Felt::ZERO; DIGEST_ELEMS];
    out.copy_from_slice(&state[..DIGEST_ELEMS]);
    Digest(out)
}

/// The 2-to-1 compression for tree nodes: `Trunc_12(P(left ‖ right + tweak·e_23))`, where the
/// tweak `MERKLE_LEVEL_BASE + level` separates tree levels.
///
/// Truncated-permutation compression is the one Plonky3's Merkle commitments use, so a recursive
/// verifier needs a single permutation gadget for both trees.
pub fn compress(level: u32, left: &Digest, right: &Digest) -> Digest {
    let mut state = [Felt::ZERO; WIDTH];
    state[..DIGEST_ELEMS].copy_from_slice(&left.0);
    state[DIGEST_ELEMS..].copy_from_slice(&right.0);
    state[LEVEL_LANE] += Felt::from_u32(MERKLE_LEVEL_BASE + level);
    permute(&mut state);
    let mut out = [Felt::ZERO; DIGEST_ELEMS];
    out.copy_from_slice(&state[..DIGEST_ELEMS]);
    Digest(out)
}

/// Offset of the Merkle level tweak, so that level 0 still adds a non-zero constant.
pub const MERKLE_LEVEL_BASE: u32 = 0x4d00;

#[cfg(test)]
mod tests {
    use super::*;

    fn felts(range: core::ops::Range<u32>) -> alloc::vec::Vec<Felt> {
        range.map(Felt::from_u32).collect()
    }

    #[test]
    fn digest_bytes_round_trip_and_reject_non_canonical() {
        let d = hash_elements(7, &felts(0..30));
        assert_eq!(Digest::from_bytes(&d.to_bytes()), Some(d));
        let mut bad = d.to_bytes();
        bad[0..4].copy_from_slice(&0x7f00_0001u32.to_le_bytes()); // = p, not canonical
        assert_eq!(Digest::from_bytes(&bad), None);
    }

    #[test]
    fn sponge_binds_domain_length_and_content() {
        let base = hash_elements(1, &felts(0..12));
        assert_ne!(base, hash_elements(2, &felts(0..12)), "domain");
        let mut padded = felts(0..12);
        padded.push(Felt::ZERO);
        assert_ne!(base, hash_elements(1, &padded), "length (zero padding)");
        assert_ne!(
            hash_elements(1, &[]),
            hash_elements(1, &[Felt::ZERO]),
            "empty vs zero"
        );
        let mut changed = felts(0..12);
        changed[11] += Felt::ONE;
        assert_ne!(base, hash_elements(1, &changed), "content");
    }

    #[test]
    fn compress_binds_order_and_level() {
        let a = hash_elements(1, &felts(0..3));
        let b = hash_elements(1, &felts(3..6));
        assert_ne!(compress(0, &a, &b), compress(0, &b, &a));
        assert_ne!(compress(0, &a, &b), compress(1, &a, &b));
    }
}
