//! The fields of the aggregation circuit, the same as the transaction proof's:
//! KoalaBear and its quintic extension `x^5 + x^2 − 1`.

use p3_field::{BasedVectorSpace, PrimeCharacteristicRing};

pub use transaction_circuit::config::{Challenge as Ext, Val};

/// Extension degree.
pub const EXT_DEGREE: usize = 5;

/// The protocol's Poseidon2 permutation (KoalaBear, width 24).
pub fn permute(state: &mut [Val; 24]) {
    hegemon_crypto::poseidon2::permute(state);
}

/// `Some(v)` if the extension element is the base element `v`.
pub fn as_base(value: Ext) -> Option<Val> {
    let c = value.as_basis_coefficients_slice();
    c[1..].iter().all(|x| *x == Val::ZERO).then_some(c[0])
}

/// The extension's generator `X` (coefficients `0, 1, 0, 0, 0`).
pub fn extension_generator() -> Ext {
    Ext::from_basis_coefficients_fn(|i| Val::from_bool(i == 1))
}

/// The base-field coefficients of an extension element.
pub fn coefficients(value: Ext) -> [Val; EXT_DEGREE] {
    core::array::from_fn(|i| value.as_basis_coefficients_slice()[i])
}

/// `a · b` in the extension, over coefficient expressions: multiply as polynomials, then reduce
/// with `x^5 = 1 − x^2`. Used by the AIR; a test pins it to the field's own multiplication.
pub fn ext_mul_coefficients<R: PrimeCharacteristicRing>(
    a: &[R; EXT_DEGREE],
    b: &[R; EXT_DEGREE],
) -> [R; EXT_DEGREE] {
    let mut product: [R; 2 * EXT_DEGREE - 1] = core::array::from_fn(|_| R::ZERO);
    for i in 0..EXT_DEGREE {
        for j in 0..EXT_DEGREE {
            product[i + j] = product[i + j].clone() + a[i].clone() * b[j].clone();
        }
    }
    // Fold x^k (k ≥ 5) down, highest first: x^k = x^(k−5) − x^(k−3).
    for k in (EXT_DEGREE..2 * EXT_DEGREE - 1).rev() {
        let high = core::mem::replace(&mut product[k], R::ZERO);
        product[k - 5] = product[k - 5].clone() + high.clone();
        product[k - 3] = product[k - 3].clone() - high;
    }
    core::array::from_fn(|i| product[i].clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use p3_field::PrimeField32;

    /// The AIR's multiplication formula is the field's multiplication.
    #[test]
    fn coefficient_multiplication_matches_the_field() {
        let mut x = 7u32;
        let mut next = || {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            Val::from_u32(x % Val::ORDER_U32)
        };
        for _ in 0..32 {
            let a: [Val; EXT_DEGREE] = core::array::from_fn(|_| next());
            let b: [Val; EXT_DEGREE] = core::array::from_fn(|_| next());
            let expected = Ext::from_basis_coefficients_slice(&a)
                .and_then(|a| Some(a * Ext::from_basis_coefficients_slice(&b)?));
            let got = Ext::from_basis_coefficients_slice(&ext_mul_coefficients(&a, &b));
            assert_eq!(got, expected);
        }
    }
}
