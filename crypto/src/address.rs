//! Shielded payment addresses: `pk_auth` plus an ML-KEM-1024 encapsulation key.
//!
//! Byte layout ([spec § Addresses][addresses]): `version (1) ‖ pk_auth (48) ‖ ek (1568)` =
//! 1,617 bytes, written as text with prefix `hgm` (main) or `thgm` (test and dev networks).
//!
//! [addresses]: ../../docs/spec/keys-and-notes.md#addresses

use alloc::string::String;

use crate::mlkem::{ENCAPSULATION_KEY_BYTES, EncapsulationKey, MlKemKeyError};
use crate::note::NoteRecipient;
use crate::poseidon2::{DIGEST_BYTES, Digest};
use crate::spec;
use crate::text::{self, TextError};

/// Current address format version.
pub const ADDRESS_VERSION: u8 = 1;
/// Bytes of an encoded address.
pub const ADDRESS_BYTES: usize = 1 + DIGEST_BYTES + ENCAPSULATION_KEY_BYTES;

/// Which network an address or key belongs to; chosen by its text prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Network {
    /// The production network.
    Main,
    /// Test and development networks.
    Test,
}

impl Network {
    /// Prefix of payment addresses.
    pub const fn address_hrp(self) -> &'static str {
        match self {
            Self::Main => "hgm",
            Self::Test => "thgm",
        }
    }

    /// Prefix of incoming viewing keys.
    pub const fn ivk_hrp(self) -> &'static str {
        match self {
            Self::Main => "hgmivk",
            Self::Test => "thgmivk",
        }
    }

    /// Prefix of full viewing keys.
    pub const fn fvk_hrp(self) -> &'static str {
        match self {
            Self::Main => "hgmfvk",
            Self::Test => "thgmfvk",
        }
    }
}

/// Why bytes or text are not an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddressError {
    /// The text did not decode (prefix, characters or checksum).
    #[error(transparent)]
    Text(#[from] TextError),
    /// The payload has the wrong length.
    #[error("address must be {expected} bytes, got {got}")]
    WrongLength {
        /// Required length.
        expected: usize,
        /// Length received.
        got: usize,
    },
    /// A version this software does not know.
    #[error("unknown address version {0}; upgrade the wallet")]
    UnknownVersion(u8),
    /// `pk_auth` holds a non-canonical field element.
    #[error("address spend-authority key is not canonical")]
    BadPkAuth,
    /// The encryption key fails the FIPS 203 check.
    #[error("address encryption key is invalid: {0}")]
    BadEncryptionKey(MlKemKeyError),
}

/// A shielded payment address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pk_auth: Digest,
    ek: EncapsulationKey,
}

impl Address {
    /// Assembles an address from its parts.
    pub fn new(pk_auth: Digest, ek: EncapsulationKey) -> Self {
        Self { pk_auth, ek }
    }

    /// The spend-authority key committed in notes sent here.
    pub fn pk_auth(&self) -> &Digest {
        &self.pk_auth
    }

    /// The ML-KEM-1024 key notes are encrypted to.
    pub fn encapsulation_key(&self) -> &EncapsulationKey {
        &self.ek
    }

    /// What a note sent to this address commits to.
    pub fn recipient(&self) -> NoteRecipient {
        NoteRecipient {
            pk_enc_digest: spec::pk_enc_digest(self.ek.as_bytes()),
            pk_auth: self.pk_auth,
        }
    }

    /// Canonical bytes `version ‖ pk_auth ‖ ek`.
    pub fn to_bytes(&self) -> [u8; ADDRESS_BYTES] {
        let mut out = [0u8; ADDRESS_BYTES];
        out[0] = ADDRESS_VERSION;
        out[1..1 + DIGEST_BYTES].copy_from_slice(&self.pk_auth.to_bytes());
        out[1 + DIGEST_BYTES..].copy_from_slice(self.ek.as_bytes());
        out
    }

    /// Parses and validates [`Self::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, AddressError> {
        if bytes.len() != ADDRESS_BYTES {
            return Err(AddressError::WrongLength {
                expected: ADDRESS_BYTES,
                got: bytes.len(),
            });
        }
        if bytes[0] != ADDRESS_VERSION {
            return Err(AddressError::UnknownVersion(bytes[0]));
        }
        let pk_auth_bytes: &[u8; DIGEST_BYTES] = bytes[1..1 + DIGEST_BYTES]
            .try_into()
            .map_err(|_| AddressError::BadPkAuth)?;
        let pk_auth = Digest::from_bytes(pk_auth_bytes).ok_or(AddressError::BadPkAuth)?;
        let ek = EncapsulationKey::from_bytes(&bytes[1 + DIGEST_BYTES..])
            .map_err(AddressError::BadEncryptionKey)?;
        Ok(Self { pk_auth, ek })
    }

    /// Text form, e.g. `thgm1…` (about 2,600 characters).
    pub fn encode(&self, network: Network) -> String {
        text::encode(network.address_hrp(), &self.to_bytes())
    }

    /// Parses the text form for `network`.
    pub fn decode(network: Network, text: &str) -> Result<Self, AddressError> {
        Self::from_bytes(&text::decode(network.address_hrp(), text)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SpendingKeys;

    fn address() -> Address {
        SpendingKeys::from_seed(&[5u8; 64])
            .full_viewing_key()
            .incoming()
            .address(3)
    }

    #[test]
    fn round_trips_through_text() {
        let a = address();
        let text = a.encode(Network::Test);
        assert!(text.starts_with("thgm1"));
        assert_eq!(Address::decode(Network::Test, &text), Ok(a));
    }

    #[test]
    fn every_error_variant() {
        let a = address();
        let text = a.encode(Network::Main);
        assert!(matches!(
            Address::decode(Network::Test, &text),
            Err(AddressError::Text(_))
        ));
        assert_eq!(
            Address::from_bytes(&[1u8; 10]),
            Err(AddressError::WrongLength {
                expected: ADDRESS_BYTES,
                got: 10
            })
        );
        let mut bytes = a.to_bytes();
        bytes[0] = 9;
        assert_eq!(
            Address::from_bytes(&bytes),
            Err(AddressError::UnknownVersion(9))
        );
        let mut bytes = a.to_bytes();
        bytes[1..5].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(Address::from_bytes(&bytes), Err(AddressError::BadPkAuth));
        let mut bytes = a.to_bytes();
        bytes[1 + DIGEST_BYTES..].fill(0xff);
        assert_eq!(
            Address::from_bytes(&bytes),
            Err(AddressError::BadEncryptionKey(MlKemKeyError::NotReduced))
        );
    }
}
