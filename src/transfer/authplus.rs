//! Authenticator Plus (Mufri): its "Export as Text" backup, a password-protected zip holding
//! `Accounts.txt`, an `otpauth://` URI list (read by [`super::uri_list`]).
//!
//! The zip uses the classic ZIP password encryption, opened with the backup password by the
//! `zip` crate. The app's other backup, `authplus.db`, is a SQLCipher database: opening it
//! needs SQLCipher built on OpenSSL, which Monban does not link (no TLS library may be in the
//! build), so such a file is refused with what to export instead. Kept: what the links carry.

use std::io::Read;

use zeroize::Zeroizing;

use super::{Error, Importer, Parsed, Result};

const FORMAT: &str = "Authenticator Plus";
const ACCOUNTS: &str = "Accounts.txt";
/// Largest `Accounts.txt` unpacked.
const MAX_TEXT_BYTES: u64 = 16 * 1024 * 1024;

pub struct AuthPlus;

fn malformed(why: impl Into<String>) -> Error {
    Error::Malformed {
        format: FORMAT,
        why: why.into(),
    }
}

fn archive(data: &[u8]) -> Option<zip::ZipArchive<std::io::Cursor<&[u8]>>> {
    if !data.starts_with(b"PK\x03\x04") {
        return None;
    }
    let z = zip::ZipArchive::new(std::io::Cursor::new(data)).ok()?;
    z.index_for_name(ACCOUNTS).is_some().then_some(z)
}

impl Importer for AuthPlus {
    fn id(&self) -> &'static str {
        "authenticator-plus"
    }
    fn name(&self) -> &'static str {
        "Authenticator Plus"
    }
    fn files(&self) -> &'static str {
        "\"Export as Text\" zip (Accounts.txt inside); its SQLCipher authplus.db is not readable"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Always
    }
    fn detect(&self, data: &[u8]) -> bool {
        archive(data).is_some()
    }
    fn encrypted(&self, data: &[u8]) -> bool {
        archive(data).is_some_and(|mut z| {
            let i = z.index_for_name(ACCOUNTS).expect("checked");
            z.by_index_raw(i).is_ok_and(|f| f.encrypted())
        })
    }
    fn read(&self, data: &[u8], password: Option<&str>) -> Result<Parsed> {
        let mut z = archive(data).ok_or_else(|| malformed(format!("no {ACCOUNTS} in the zip")))?;
        let encrypted = self.encrypted(data);
        let mut f = if encrypted {
            let password = password.ok_or(Error::PasswordNeeded)?;
            z.by_name_decrypt(ACCOUNTS, password.as_bytes())
                .map_err(|e| match e {
                    zip::result::ZipError::InvalidPassword => Error::WrongPassword,
                    e => malformed(format!("cannot unpack {ACCOUNTS} ({e})")),
                })?
        } else {
            z.by_name(ACCOUNTS)
                .map_err(|e| malformed(format!("cannot unpack {ACCOUNTS} ({e})")))?
        };
        let mut text = Zeroizing::new(Vec::new());
        f.by_ref()
            .take(MAX_TEXT_BYTES + 1)
            .read_to_end(&mut text)
            .map_err(|e| match e.kind() {
                // A wrong password that passed the one-byte check fails the CRC.
                std::io::ErrorKind::InvalidData if encrypted => Error::WrongPassword,
                _ => malformed(format!("cannot unpack {ACCOUNTS} ({e})")),
            })?;
        if text.len() as u64 > MAX_TEXT_BYTES {
            return Err(malformed(format!("{ACCOUNTS} is too large")));
        }
        let text = super::text(&text, FORMAT)?;
        Ok(super::uri_list::read_text(&text))
    }
}
