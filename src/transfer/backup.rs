//! Backup file: every entry of the vault (account and display metadata) in one file
//! encrypted with a backup password, and the restore drill.
//!
//! Layout (all integers little-endian; byte map in `docs/transfer-format.md`):
//!
//! ```text
//! magic "MONBANBK" (8) ‖ version u16 = 1 ‖ kdf id u8 = 1 (Argon2id v1.3) ‖ m_kib u32 ‖ t u32 ‖
//! p u32 ‖ salt (16) ‖ nonce (24) ‖ created u64 (Unix s) ‖ XChaCha20-Poly1305 ciphertext ‖ tag
//! ```
//!
//! The key is Argon2id(password, salt) with the vault's default settings (64 MiB, t = 3,
//! p = 4); the whole 71-byte header is the associated data, so any edit — a KDF downgrade
//! included — fails authentication. KDF parameters are bounds-checked before the KDF runs.
//! The plaintext is JSON `{"entries": [{"account": ..., "meta": ...}]}`.
//!
//! The **fingerprint** identifies a set of accounts independent of order and of HOTP
//! counters: SHA-256 over the sorted SHA-256 digests of each account's identity (kind,
//! algorithm, digits, period, issuer, name, secret), first 8 bytes as `xxxx-xxxx-xxxx-xxxx`.
//! A backup and a vault holding the same accounts show the same fingerprint.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::crypto;
use crate::account::Account;
use crate::vault::{BackupKey, BackupPasswordSource, EntryMeta, KdfBounds, KdfParams};

/// File magic.
pub const MAGIC: &[u8; 8] = b"MONBANBK";
/// Format version.
pub const VERSION: u16 = 1;
const KDF_ARGON2ID: u8 = 1;
/// Header length (the associated data).
pub const HEADER_LEN: usize = 8 + 2 + 1 + 12 + 16 + 24 + 8;
const TAG_LEN: usize = 16;
/// Suggested file extension.
pub const EXTENSION: &str = "monban-backup";

/// What can go wrong writing or reading a backup.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum Error {
    #[error("not a Monban backup file")]
    NotBackup,
    #[error("the backup was written by a newer Monban (format {0}); update Monban to restore it")]
    TooNew(u16),
    #[error("the backup file is cut short or damaged")]
    Truncated,
    #[error(
        "the backup asks for key-derivation settings Monban refuses ({0}): the file may have been tampered with"
    )]
    KdfRefused(String),
    #[error("wrong backup password, or the file was changed after it was written")]
    WrongPassword,
    #[error("the backup's content is damaged: {0}")]
    Damaged(String),
    #[error("the backup password is empty")]
    EmptyPassword,
    #[error("no random numbers available from the system: {0}")]
    Random(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One entry in a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupEntry {
    pub account: Account,
    /// Display metadata (icon, colour, note, favourite, times); absent in hand-made files.
    #[serde(default)]
    pub meta: Option<EntryMeta>,
}

impl From<Account> for BackupEntry {
    /// An account without display metadata (as in a hand-made file).
    fn from(account: Account) -> BackupEntry {
        BackupEntry {
            account,
            meta: None,
        }
    }
}

#[derive(Deserialize)]
struct Payload {
    entries: Vec<BackupEntry>,
}

/// The payload serialized straight from borrowed entries (no copy of the secrets).
#[derive(Serialize)]
struct PayloadRef<'a> {
    entries: &'a [BackupEntry],
}

/// A decrypted backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    /// When it was written (Unix seconds).
    pub created: u64,
    pub kdf: KdfParams,
    pub entries: Vec<BackupEntry>,
}

impl Backup {
    pub fn accounts(&self) -> Vec<Account> {
        self.entries.iter().map(|e| e.account.clone()).collect()
    }
    pub fn fingerprint(&self) -> String {
        fingerprint(self.entries.iter().map(|e| &e.account))
    }
}

/// True when `data` starts with the backup magic.
pub fn is_backup(data: &[u8]) -> bool {
    data.starts_with(MAGIC)
}

struct Header {
    kdf: KdfParams,
    salt: [u8; 16],
    nonce: [u8; 24],
    created: u64,
}

impl Header {
    fn encode(&self) -> [u8; HEADER_LEN] {
        let mut h = [0u8; HEADER_LEN];
        h[..8].copy_from_slice(MAGIC);
        h[8..10].copy_from_slice(&VERSION.to_le_bytes());
        h[10] = KDF_ARGON2ID;
        h[11..15].copy_from_slice(&self.kdf.m_kib.to_le_bytes());
        h[15..19].copy_from_slice(&self.kdf.t.to_le_bytes());
        h[19..23].copy_from_slice(&self.kdf.p.to_le_bytes());
        h[23..39].copy_from_slice(&self.salt);
        h[39..63].copy_from_slice(&self.nonce);
        h[63..71].copy_from_slice(&self.created.to_le_bytes());
        h
    }

    fn decode(data: &[u8]) -> Result<Header> {
        if !is_backup(data) {
            return Err(Error::NotBackup);
        }
        if data.len() < HEADER_LEN + TAG_LEN {
            return Err(Error::Truncated);
        }
        let u32_at = |i: usize| u32::from_le_bytes(data[i..i + 4].try_into().expect("4 bytes"));
        let version = u16::from_le_bytes([data[8], data[9]]);
        if version != VERSION {
            return Err(Error::TooNew(version));
        }
        if data[10] != KDF_ARGON2ID {
            return Err(Error::KdfRefused(format!("unknown KDF {}", data[10])));
        }
        Ok(Header {
            kdf: KdfParams {
                m_kib: u32_at(11),
                t: u32_at(15),
                p: u32_at(19),
            },
            salt: data[23..39].try_into().expect("16 bytes"),
            nonce: data[39..63].try_into().expect("24 bytes"),
            created: u64::from_le_bytes(data[63..71].try_into().expect("8 bytes")),
        })
    }
}

/// Writes a backup of `entries` (accounts with optional metadata).
pub fn write(entries: &[BackupEntry], password: &str, kdf: KdfParams, now: u64) -> Result<Vec<u8>> {
    let key = derive_key(password, kdf, BackupPasswordSource::Separate)?;
    write_with_key(entries, &key, now)
}

/// Derives the key of backups written with `password` (fresh random salt): what automatic
/// backups keep inside the vault so that they never ask for the password. Files written with
/// it ([`write_with_key`]) open with [`read`] and the password like any other backup.
pub fn derive_key(
    password: &str,
    kdf: KdfParams,
    source: BackupPasswordSource,
) -> Result<BackupKey> {
    if password.is_empty() {
        return Err(Error::EmptyPassword);
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| Error::Random(e.to_string()))?;
    let key = crypto::argon2id(password.as_bytes(), &salt, kdf.m_kib, kdf.t, kdf.p)
        .map_err(Error::KdfRefused)?;
    Ok(BackupKey {
        source,
        kdf,
        salt,
        key,
    })
}

/// Writes a backup with an already derived key (no KDF runs; a fresh nonce every time).
pub fn write_with_key(entries: &[BackupEntry], key: &BackupKey, now: u64) -> Result<Vec<u8>> {
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut nonce).map_err(|e| Error::Random(e.to_string()))?;
    let header = Header {
        kdf: key.kdf,
        salt: key.salt,
        nonce,
        created: now,
    };
    let aad = header.encode();
    // Grown without leaving copies of the secrets in freed memory.
    let mut plain = crate::vault::ZeroizingWriter::with_capacity(4096 + 512 * entries.len());
    serde_json::to_writer(&mut plain, &PayloadRef { entries }).expect("accounts always serialize");
    let plain = plain.0;
    let sealed = crypto::xchacha_seal(&key.key, &header.nonce, &aad, &plain);
    let mut out = aad.to_vec();
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Reads a backup written with `key` without running the KDF (how automatic backups are
/// verified after writing). A file under another salt or other settings is
/// [`Error::WrongPassword`].
pub fn read_with_key(data: &[u8], key: &BackupKey) -> Result<Backup> {
    let header = Header::decode(data)?;
    if header.salt != key.salt || header.kdf != key.kdf {
        return Err(Error::WrongPassword);
    }
    open_payload(data, &header, &key.key)
}

/// Reads a backup: header checks, KDF bounds (before the KDF), authentication, JSON.
pub fn read(data: &[u8], password: &str, bounds: &KdfBounds) -> Result<Backup> {
    let header = Header::decode(data)?;
    if !bounds.admits(header.kdf) {
        let k = header.kdf;
        return Err(Error::KdfRefused(format!(
            "Argon2id {} KiB, t={}, p={}",
            k.m_kib, k.t, k.p
        )));
    }
    let key = crypto::argon2id(
        password.as_bytes(),
        &header.salt,
        header.kdf.m_kib,
        header.kdf.t,
        header.kdf.p,
    )
    .map_err(Error::KdfRefused)?;
    open_payload(data, &header, &key)
}

fn open_payload(data: &[u8], header: &Header, key: &[u8; 32]) -> Result<Backup> {
    let plain = crypto::xchacha_open(key, &header.nonce, &data[..HEADER_LEN], &data[HEADER_LEN..])
        .map_err(|_| Error::WrongPassword)?;
    let payload: Payload =
        serde_json::from_slice(&plain).map_err(|e| Error::Damaged(e.to_string()))?;
    Ok(Backup {
        created: header.created,
        kdf: header.kdf,
        entries: payload.entries,
    })
}

/// The order-independent fingerprint of a set of accounts (see the module docs).
pub fn fingerprint<'a>(accounts: impl IntoIterator<Item = &'a Account>) -> String {
    let mut digests: Vec<[u8; 32]> = accounts
        .into_iter()
        .map(|a| {
            let mut h = Sha256::new();
            h.update(a.kind.as_str().as_bytes());
            h.update([0]);
            h.update(a.algorithm.as_str().as_bytes());
            h.update([0]);
            h.update(a.digits.to_le_bytes());
            h.update(a.period.to_le_bytes());
            for part in [a.issuer.as_bytes(), a.name.as_bytes(), a.secret.expose()] {
                h.update((part.len() as u64).to_le_bytes());
                h.update(part);
            }
            h.finalize().into()
        })
        .collect();
    digests.sort_unstable();
    let mut h = Sha256::new();
    h.update(b"monban-fingerprint-v1");
    h.update((digests.len() as u64).to_le_bytes());
    for d in &digests {
        h.update(d);
    }
    let d = h.finalize();
    let hex = data_encoding::HEXLOWER.encode(&d[..8]);
    format!(
        "{}-{}-{}-{}",
        &hex[..4],
        &hex[4..8],
        &hex[8..12],
        &hex[12..16]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;

    fn entries() -> Vec<BackupEntry> {
        (0..5)
            .map(|i| BackupEntry {
                account: Account::totp(
                    format!("I{i}"),
                    format!("n{i}"),
                    Secret::new(vec![i + 1; 20]),
                ),
                meta: (i % 2 == 0).then(|| {
                    let mut m = EntryMeta::new_for(
                        &Account::totp("x", "y", Secret::new(vec![1; 10])),
                        1_700_000_000,
                    );
                    m.groups = vec!["Work".into(), format!("group {i}")];
                    m.use_count = u64::from(i);
                    m
                }),
            })
            .collect()
    }

    #[test]
    fn round_trip_and_fingerprint_ignores_order_and_counter() {
        let e = entries();
        let bytes = write(&e, "correct horse", KdfParams::TEST_LIGHT, 1_700_000_123).unwrap();
        let b = read(&bytes, "correct horse", &KdfBounds::LIGHT_FOR_TESTS).unwrap();
        assert_eq!(b.entries, e);
        assert_eq!(b.created, 1_700_000_123);
        assert_eq!(
            b.entries[2].meta.as_ref().unwrap().groups,
            ["Work", "group 2"]
        );
        let mut rev: Vec<Account> = b.accounts();
        rev.reverse();
        rev[0].counter = 99;
        assert_eq!(fingerprint(&rev), b.fingerprint());
        rev[1].name.push('!');
        assert_ne!(fingerprint(&rev), b.fingerprint());
        assert_eq!(b.fingerprint().len(), 19);
    }

    #[test]
    fn wrong_password_tamper_downgrade_and_truncation() {
        let bytes = write(&entries(), "pw", KdfParams::TEST_LIGHT, 1).unwrap();
        assert_eq!(
            read(&bytes, "nope", &KdfBounds::LIGHT_FOR_TESTS),
            Err(Error::WrongPassword)
        );
        // light parameters are refused by the real bounds before the KDF runs
        assert!(matches!(
            read(&bytes, "pw", &KdfBounds::REAL),
            Err(Error::KdfRefused(_))
        ));
        for i in [9, 20, 30, 50, 64, HEADER_LEN + 2, bytes.len() - 1] {
            let mut bad = bytes.clone();
            bad[i] ^= 1;
            assert!(
                read(&bad, "pw", &KdfBounds::LIGHT_FOR_TESTS).is_err(),
                "byte {i}"
            );
        }
        for cut in [0, 5, HEADER_LEN, bytes.len() - 1] {
            assert!(read(&bytes[..cut], "pw", &KdfBounds::LIGHT_FOR_TESTS).is_err());
        }
        assert_eq!(
            read(b"hello", "pw", &KdfBounds::LIGHT_FOR_TESTS),
            Err(Error::NotBackup)
        );
        assert_eq!(
            write(&entries(), "", KdfParams::TEST_LIGHT, 1),
            Err(Error::EmptyPassword)
        );
    }

    #[test]
    fn a_derived_key_writes_files_the_password_opens() {
        let e = entries();
        let key = derive_key(
            "correct horse",
            KdfParams::TEST_LIGHT,
            BackupPasswordSource::Separate,
        )
        .unwrap();
        let a = write_with_key(&e, &key, 10).unwrap();
        let b = write_with_key(&e, &key, 11).unwrap();
        assert_ne!(a[39..63], b[39..63], "a fresh nonce per file");
        let opened = read(&a, "correct horse", &KdfBounds::LIGHT_FOR_TESTS).unwrap();
        assert_eq!((opened.entries, opened.created), (e.clone(), 10));
        assert_eq!(read_with_key(&b, &key).unwrap().created, 11);
        let other = derive_key(
            "correct horse",
            KdfParams::TEST_LIGHT,
            BackupPasswordSource::Separate,
        )
        .unwrap();
        assert_eq!(read_with_key(&b, &other), Err(Error::WrongPassword));
        let mut bad = b.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(read_with_key(&bad, &key), Err(Error::WrongPassword));
        assert!(matches!(
            derive_key("", KdfParams::TEST_LIGHT, BackupPasswordSource::Passcode),
            Err(Error::EmptyPassword)
        ));
    }

    #[test]
    fn the_file_holds_no_secret_in_clear() {
        let e = entries();
        let bytes = write(&e, "pw", KdfParams::TEST_LIGHT, 1).unwrap();
        for x in &e {
            assert!(
                !bytes
                    .windows(x.account.secret.len())
                    .any(|w| w == x.account.secret.expose())
            );
        }
    }
}
