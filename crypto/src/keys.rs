//! The wallet key hierarchy, from a mnemonic phrase down to diversified addresses.
//!
//! ```text
//! mnemonic (BIP-39, 24 words) + passphrase ──PBKDF2──▶ seed (64 B) ──▶ master (32 B)
//! master ──▶ sk_spend (12 field elements)      ak = H_AUTH_KEY(sk_spend)
//!                                              nk = H_NULLIFIER_KEY(sk_spend)
//! master ──▶ kem_root (32 B)
//! incoming viewing key = (ak, kem_root)        full viewing key = (ak, nk, kem_root)
//! address i = (pk_auth_i = H_PK_AUTH(ak, i), ML-KEM-1024 key from H(kem_root, i))
//! master ──▶ ML-DSA-65 seed for transparent account j
//! ```
//! Laid out in [spec § Key hierarchy][keys]. Every step is deterministic, so the mnemonic alone
//! restores every key and address byte for byte.
//!
//! [keys]: ../../docs/spec/keys-and-notes.md#key-hierarchy

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use zeroize::Zeroizing;

use crate::address::{Address, Network};
use crate::derive::{context, derive_bytes, derive_elements};
use crate::mldsa::MlDsaKeyPair;
use crate::mlkem::{self, DecapsulationKey};
use crate::poseidon2::{DIGEST_BYTES, DIGEST_ELEMS, Digest, Felt};
use crate::spec;
use crate::text::{self, TextError};

/// Words in a newly generated mnemonic (256 bits of entropy).
pub const MNEMONIC_WORDS: usize = 24;

/// Why a mnemonic or a key encoding was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The phrase is not a valid BIP-39 English mnemonic.
    #[error("invalid mnemonic phrase: {reason}")]
    InvalidMnemonic {
        /// What BIP-39 parsing reported (unknown word, bad checksum, wrong word count).
        reason: String,
    },
    /// Entropy of an unsupported length.
    #[error("mnemonic entropy must be 16-32 bytes in steps of 4, got {got}")]
    BadEntropyLength {
        /// Length received.
        got: usize,
    },
    /// The text of a viewing key did not decode.
    #[error(transparent)]
    Text(#[from] TextError),
    /// The decoded viewing key has the wrong length or a non-canonical field element.
    #[error("viewing key payload is malformed")]
    MalformedKey,
}

/// A BIP-39 mnemonic: the one secret a user writes down.
pub struct Mnemonic(bip39::Mnemonic);

impl Mnemonic {
    /// Builds the mnemonic for `entropy` (32 bytes → 24 words).
    pub fn from_entropy(entropy: &[u8]) -> Result<Self, KeyError> {
        bip39::Mnemonic::from_entropy(entropy)
            .map(Self)
            .map_err(|_| KeyError::BadEntropyLength { got: entropy.len() })
    }

    /// Parses a phrase (English word list; whitespace and case normalised).
    pub fn parse(phrase: &str) -> Result<Self, KeyError> {
        let normalised = phrase
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        bip39::Mnemonic::parse_normalized(&normalised)
            .map(Self)
            .map_err(|e| KeyError::InvalidMnemonic {
                reason: alloc::format!("{e}"),
            })
    }

    /// The phrase, space separated. Show it to the user once; never log it.
    pub fn phrase(&self) -> Zeroizing<String> {
        Zeroizing::new(self.0.words().collect::<Vec<_>>().join(" "))
    }

    /// The 64-byte BIP-39 seed under an optional passphrase.
    pub fn to_seed(&self, passphrase: &str) -> Zeroizing<[u8; 64]> {
        Zeroizing::new(self.0.to_seed_normalized(passphrase))
    }
}

impl fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Mnemonic(<secret>)")
    }
}

/// Every key of one wallet, derived from its seed. Holds `sk_spend`: never printed.
pub struct SpendingKeys {
    master: Zeroizing<[u8; 32]>,
    sk_spend: Zeroizing<[u32; DIGEST_ELEMS]>,
    fvk: FullViewingKey,
}

impl SpendingKeys {
    /// Derives all keys from a BIP-39 seed.
    pub fn from_seed(seed: &[u8; 64]) -> Self {
        let master = Zeroizing::new(derive_bytes::<32>(context::MASTER, &[seed]));
        let sk = derive_elements(context::SPEND_KEY, &[&*master]);
        let kem_root = Zeroizing::new(derive_bytes::<32>(context::KEM_ROOT, &[&*master]));
        let fvk = FullViewingKey {
            ivk: IncomingViewingKey {
                ak: spec::derive_auth_key(&sk),
                kem_root,
            },
            nk: spec::derive_nullifier_key(&sk),
        };
        let sk_spend = Zeroizing::new(sk.map(|e| p3_field::PrimeField32::as_canonical_u32(&e)));
        Self {
            master,
            sk_spend,
            fvk,
        }
    }

    /// Derives all keys from a mnemonic and passphrase.
    pub fn from_mnemonic(mnemonic: &Mnemonic, passphrase: &str) -> Self {
        Self::from_seed(&mnemonic.to_seed(passphrase))
    }

    /// `sk_spend` in field-element form: the circuit witness that authorises spends.
    pub fn sk_spend(&self) -> [Felt; DIGEST_ELEMS] {
        self.sk_spend.map(Felt::new)
    }

    /// The full viewing key.
    pub fn full_viewing_key(&self) -> &FullViewingKey {
        &self.fvk
    }

    /// The ML-DSA-65 key of transparent account `index`.
    pub fn transparent_account(&self, index: u32) -> MlDsaKeyPair {
        let seed = Zeroizing::new(derive_bytes::<32>(
            context::TRANSPARENT_KEY,
            &[&*self.master, &index.to_le_bytes()],
        ));
        MlDsaKeyPair::from_seed(&seed)
    }
}

impl fmt::Debug for SpendingKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SpendingKeys(<secret>)")
    }
}

/// Decrypts incoming notes and derives addresses; cannot spend or see spends.
#[derive(Clone)]
pub struct IncomingViewingKey {
    ak: Digest,
    kem_root: Zeroizing<[u8; 32]>,
}

/// Bytes of an encoded incoming viewing key: `ak ‖ kem_root`.
pub const IVK_BYTES: usize = DIGEST_BYTES + 32;

impl IncomingViewingKey {
    /// The authorizing key `ak`.
    pub fn ak(&self) -> &Digest {
        &self.ak
    }

    /// `pk_auth` of address `index`.
    pub fn pk_auth(&self, index: u32) -> Digest {
        spec::derive_pk_auth(&self.ak, index)
    }

    /// Address `index` and the decapsulation key that opens notes sent to it.
    pub fn address_keys(&self, index: u32) -> (Address, DecapsulationKey) {
        let seed = Zeroizing::new(derive_bytes::<{ mlkem::KEYGEN_SEED_BYTES }>(
            context::ADDRESS_KEM_SEED,
            &[&*self.kem_root, &index.to_le_bytes()],
        ));
        let (ek, dk) = mlkem::generate_keypair(&seed);
        (Address::new(self.pk_auth(index), ek), dk)
    }

    /// Address `index` (generating it costs one ML-KEM key generation, ~50 µs).
    pub fn address(&self, index: u32) -> Address {
        self.address_keys(index).0
    }

    /// Canonical bytes `ak ‖ kem_root`.
    pub fn to_bytes(&self) -> Zeroizing<[u8; IVK_BYTES]> {
        let mut out = Zeroizing::new([0u8; IVK_BYTES]);
        out[..DIGEST_BYTES].copy_from_slice(&self.ak.to_bytes());
        out[DIGEST_BYTES..].copy_from_slice(&*self.kem_root);
        out
    }

    /// Parses [`Self::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        if bytes.len() != IVK_BYTES {
            return Err(KeyError::MalformedKey);
        }
        let ak_bytes: &[u8; DIGEST_BYTES] = bytes[..DIGEST_BYTES]
            .try_into()
            .map_err(|_| KeyError::MalformedKey)?;
        let ak = Digest::from_bytes(ak_bytes).ok_or(KeyError::MalformedKey)?;
        let mut kem_root = Zeroizing::new([0u8; 32]);
        kem_root.copy_from_slice(&bytes[DIGEST_BYTES..]);
        Ok(Self { ak, kem_root })
    }

    /// Text form, e.g. `thgmivk1…`.
    pub fn encode(&self, network: Network) -> Zeroizing<String> {
        Zeroizing::new(text::encode(network.ivk_hrp(), &*self.to_bytes()))
    }

    /// Parses the text form for `network`.
    pub fn decode(network: Network, text: &str) -> Result<Self, KeyError> {
        let bytes = Zeroizing::new(text::decode(network.ivk_hrp(), text)?);
        Self::from_bytes(&bytes)
    }
}

impl fmt::Debug for IncomingViewingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IncomingViewingKey(<secret>)")
    }
}

impl PartialEq for IncomingViewingKey {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(self.to_bytes().ct_eq(&*other.to_bytes()))
    }
}
impl Eq for IncomingViewingKey {}

/// An incoming viewing key plus the nullifier key: sees incoming notes and their spends.
#[derive(Clone, PartialEq, Eq)]
pub struct FullViewingKey {
    ivk: IncomingViewingKey,
    nk: Digest,
}

/// Bytes of an encoded full viewing key: `ak ‖ kem_root ‖ nk`.
pub const FVK_BYTES: usize = IVK_BYTES + DIGEST_BYTES;

impl FullViewingKey {
    /// The incoming viewing key.
    pub fn incoming(&self) -> &IncomingViewingKey {
        &self.ivk
    }

    /// The nullifier key `nk`.
    pub fn nullifier_key(&self) -> &Digest {
        &self.nk
    }

    /// Canonical bytes `ak ‖ kem_root ‖ nk`.
    pub fn to_bytes(&self) -> Zeroizing<[u8; FVK_BYTES]> {
        let mut out = Zeroizing::new([0u8; FVK_BYTES]);
        out[..IVK_BYTES].copy_from_slice(&*self.ivk.to_bytes());
        out[IVK_BYTES..].copy_from_slice(&self.nk.to_bytes());
        out
    }

    /// Parses [`Self::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        if bytes.len() != FVK_BYTES {
            return Err(KeyError::MalformedKey);
        }
        let ivk = IncomingViewingKey::from_bytes(&bytes[..IVK_BYTES])?;
        let nk_bytes: &[u8; DIGEST_BYTES] = bytes[IVK_BYTES..]
            .try_into()
            .map_err(|_| KeyError::MalformedKey)?;
        let nk = Digest::from_bytes(nk_bytes).ok_or(KeyError::MalformedKey)?;
        Ok(Self { ivk, nk })
    }

    /// Text form, e.g. `thgmfvk1…`.
    pub fn encode(&self, network: Network) -> Zeroizing<String> {
        Zeroizing::new(text::encode(network.fvk_hrp(), &*self.to_bytes()))
    }

    /// Parses the text form for `network`.
    pub fn decode(network: Network, text: &str) -> Result<Self, KeyError> {
        let bytes = Zeroizing::new(text::decode(network.fvk_hrp(), text)?);
        Self::from_bytes(&bytes)
    }
}

impl fmt::Debug for FullViewingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FullViewingKey(<secret>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> SpendingKeys {
        let m = Mnemonic::from_entropy(&[42u8; 32]).expect("32 bytes");
        SpendingKeys::from_mnemonic(&m, "")
    }

    #[test]
    fn mnemonic_round_trip_and_normalisation() {
        let m = Mnemonic::from_entropy(&[1u8; 32]).expect("32 bytes");
        let phrase = m.phrase();
        assert_eq!(phrase.split(' ').count(), MNEMONIC_WORDS);
        let messy = alloc::format!("  {}  ", phrase.to_uppercase().replace(' ', "\n "));
        assert_eq!(
            *Mnemonic::parse(&messy).expect("parses").to_seed(""),
            *m.to_seed("")
        );
        assert_ne!(*m.to_seed(""), *m.to_seed("passphrase"));
    }

    #[test]
    fn bad_mnemonics_are_rejected() {
        assert!(matches!(
            Mnemonic::parse("abandon abandon"),
            Err(KeyError::InvalidMnemonic { .. })
        ));
        let m = Mnemonic::from_entropy(&[1u8; 32]).expect("32 bytes");
        let mut words: Vec<String> = m.phrase().split(' ').map(String::from).collect();
        words.swap(0, 1);
        assert!(matches!(
            Mnemonic::parse(&words.join(" ")),
            Err(KeyError::InvalidMnemonic { .. })
        ));
        assert_eq!(
            Mnemonic::from_entropy(&[0u8; 7]).map(|_| ()),
            Err(KeyError::BadEntropyLength { got: 7 })
        );
    }

    #[test]
    fn addresses_are_diversified() {
        let k = keys();
        let ivk = k.full_viewing_key().incoming();
        let (a0, a1) = (ivk.address(0), ivk.address(1));
        assert_ne!(a0.pk_auth(), a1.pk_auth());
        assert_ne!(a0.encapsulation_key(), a1.encapsulation_key());
        assert_eq!(a0, ivk.address(0));
    }

    #[test]
    fn viewing_keys_round_trip_and_reject_garbage() {
        let k = keys();
        let fvk = k.full_viewing_key();
        let text = fvk.encode(Network::Test);
        assert_eq!(
            &FullViewingKey::decode(Network::Test, &text).expect("decodes"),
            fvk
        );
        assert!(matches!(
            FullViewingKey::decode(Network::Main, &text),
            Err(KeyError::Text(TextError::WrongPrefix { .. }))
        ));
        let ivk_text = fvk.incoming().encode(Network::Main);
        assert_eq!(
            &IncomingViewingKey::decode(Network::Main, &ivk_text).expect("decodes"),
            fvk.incoming()
        );
        assert_eq!(
            IncomingViewingKey::from_bytes(&[0u8; 5]).map(|_| ()),
            Err(KeyError::MalformedKey)
        );
        let non_canonical = [0xffu8; FVK_BYTES];
        assert_eq!(
            FullViewingKey::from_bytes(&non_canonical).map(|_| ()),
            Err(KeyError::MalformedKey)
        );
    }

    #[test]
    fn secrets_are_not_printed() {
        let k = keys();
        assert_eq!(alloc::format!("{k:?}"), "SpendingKeys(<secret>)");
        assert_eq!(
            alloc::format!("{:?}", k.full_viewing_key()),
            "FullViewingKey(<secret>)"
        );
    }
}
