//! The wallet file: the wallet state encrypted at rest, written atomically
//! (`docs/spec/wallet.md#file`).
//!
//! Layout: `magic "HGMWLT" ‖ version u16 ‖ m_kib u32 ‖ t u32 ‖ p u32 ‖ salt (16) ‖ nonce (12) ‖
//! ciphertext`, little-endian. The key is Argon2id(password, salt, m, t, p), 32 bytes; the
//! ciphertext is ChaCha20-Poly1305 with the whole header as associated data, so a changed
//! parameter is as fatal as a changed byte of state.
//!
//! Writes go to `<file>.tmp`, are synced, then renamed over the file and the directory synced:
//! a kill at any point leaves either the old file or the new one, never a mix.

use std::{
    fs::{self, File},
    io::Write,
    path::Path,
};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, aead::Aead, aead::Payload};
use zeroize::Zeroizing;

use crate::error::WalletError;

const MAGIC: &[u8; 6] = b"HGMWLT";
const VERSION: u16 = 1;
const HEADER_BYTES: usize = 6 + 2 + 12 + 16 + 12;

/// Argon2id cost: memory (KiB), passes, lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfCost {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfCost {
    /// The most a file may ask for: 1 GiB, 64 passes, 16 lanes. A damaged or hostile header must
    /// not make opening a wallet allocate without bound.
    pub const MAX: Self = Self {
        m_kib: 1024 * 1024,
        t: 64,
        p: 16,
    };

    /// The default for wallet files: 64 MiB, 3 passes, 1 lane (OWASP's Argon2id baseline).
    pub const DEFAULT: Self = Self {
        m_kib: 64 * 1024,
        t: 3,
        p: 1,
    };
    /// Cheap parameters for tests only.
    pub const TEST: Self = Self {
        m_kib: 64,
        t: 1,
        p: 1,
    };
}

fn derive_key(
    password: &str,
    salt: &[u8],
    cost: KdfCost,
) -> Result<Zeroizing<[u8; 32]>, WalletError> {
    let params = Params::new(cost.m_kib, cost.t, cost.p, Some(32))
        .map_err(|_| WalletError::Damaged("key-derivation parameters out of range"))?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(password.as_bytes(), salt, key.as_mut())
        .map_err(|_| WalletError::Damaged("key derivation failed"))?;
    Ok(key)
}

/// `N` bytes from the OS.
pub(crate) fn random<const N: usize>() -> Result<[u8; N], WalletError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|e| WalletError::Io(format!("no OS randomness: {e}")))?;
    Ok(out)
}

/// Encrypts `plaintext` under `password`.
pub fn seal(plaintext: &[u8], password: &str, cost: KdfCost) -> Result<Vec<u8>, WalletError> {
    let (salt, nonce) = (random::<16>()?, random::<12>()?);
    let mut out = Vec::with_capacity(HEADER_BYTES + plaintext.len() + 16);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    for v in [cost.m_kib, cost.t, cost.p] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&salt);
    out.extend_from_slice(&nonce);
    let key = derive_key(password, &salt, cost)?;
    let ciphertext = ChaCha20Poly1305::new(key.as_ref().into())
        .encrypt(
            (&nonce).into(),
            Payload {
                msg: plaintext,
                aad: &out,
            },
        )
        .map_err(|_| WalletError::Damaged("encryption failed"))?;
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

/// Decrypts a sealed file; returns the plaintext and the file's key-derivation cost. A wrong
/// password and a damaged file are told apart only as far as the format allows: a well-formed
/// file that fails authentication is `WrongPassword`.
pub fn open(bytes: &[u8], password: &str) -> Result<(Zeroizing<Vec<u8>>, KdfCost), WalletError> {
    if bytes.len() < HEADER_BYTES + 16 || &bytes[..6] != MAGIC {
        return Err(WalletError::Damaged("not a Hegemon wallet file"));
    }
    let version = u16::from_le_bytes([bytes[6], bytes[7]]);
    if version != VERSION {
        return Err(WalletError::UnsupportedVersion(version));
    }
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    let cost = KdfCost {
        m_kib: word(8),
        t: word(12),
        p: word(16),
    };
    if cost.m_kib > KdfCost::MAX.m_kib || cost.t > KdfCost::MAX.t || cost.p > KdfCost::MAX.p {
        return Err(WalletError::Damaged("key-derivation cost out of range"));
    }
    let (header, ciphertext) = bytes.split_at(HEADER_BYTES);
    let (salt, nonce) = (&header[20..36], &header[36..48]);
    let key = derive_key(password, salt, cost)?;
    ChaCha20Poly1305::new(key.as_ref().into())
        .decrypt(
            nonce.into(),
            Payload {
                msg: ciphertext,
                aad: header,
            },
        )
        .map(|plaintext| (Zeroizing::new(plaintext), cost))
        .map_err(|_| WalletError::WrongPassword)
}

/// Replaces `path` with `bytes` atomically and durably.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WalletError> {
    let io = |e: std::io::Error| WalletError::Io(format!("{}: {e}", path.display()));
    let tmp = path.with_extension("tmp");
    {
        let mut file = File::create(&tmp).map_err(io)?;
        file.write_all(bytes).map_err(io)?;
        file.sync_all().map_err(io)?;
    }
    fs::rename(&tmp, path).map_err(io)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_wrong_password() {
        let sealed = seal(b"state", "pw", KdfCost::TEST).unwrap();
        let (plaintext, cost) = open(&sealed, "pw").unwrap();
        assert_eq!((&plaintext[..], cost), (&b"state"[..], KdfCost::TEST));
        assert!(matches!(
            open(&sealed, "nope"),
            Err(WalletError::WrongPassword)
        ));
    }

    #[test]
    fn every_tampered_byte_is_rejected() {
        let sealed = seal(b"some wallet state", "pw", KdfCost::TEST).unwrap();
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x20;
            assert!(open(&bad, "pw").is_err(), "byte {i}");
        }
        assert!(matches!(
            open(&sealed[..40], "pw"),
            Err(WalletError::Damaged(_))
        ));
        assert!(matches!(open(b"", "pw"), Err(WalletError::Damaged(_))));
    }

    #[test]
    fn a_header_asking_for_unbounded_memory_is_refused_before_deriving() {
        let mut sealed = seal(b"x", "pw", KdfCost::TEST).unwrap();
        sealed[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(open(&sealed, "pw"), Err(WalletError::Damaged(_))));
    }

    #[test]
    fn atomic_write_replaces_the_file() {
        let dir = std::env::temp_dir().join(format!("hegemon-vault-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("wallet.hgm");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert!(!path.with_extension("tmp").exists());
        fs::remove_dir_all(dir).unwrap();
    }
}
