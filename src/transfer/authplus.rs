//! Authenticator Plus (Mufri): its "Export as Text" backup, a password-protected zip holding
//! `Accounts.txt`, an `otpauth://` URI list (read by [`super::uri_list`]).
//!
//! The zip uses the classic ZIP password encryption, opened with the backup password by the
//! `zip` crate. The app's other backup, `authplus.db`, is a SQLCipher database: opening it
//! needs SQLCipher built on OpenSSL, which Monban does not link (no TLS library may be in the
//! build), so it cannot be read (the import page says to use "Export as Text"). Kept: what the
//! links carry.

use super::{Importer, Parsed, Result};

const FORMAT: &str = "Authenticator Plus";
const ACCOUNTS: &str = "Accounts.txt";

pub struct AuthPlus;

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
        super::zipped::holds(data, ACCOUNTS)
    }
    fn encrypted(&self, data: &[u8]) -> bool {
        super::zipped::encrypted(data, ACCOUNTS)
    }
    fn read(&self, data: &[u8], password: Option<&str>) -> Result<Parsed> {
        let text = super::zipped::member(data, ACCOUNTS, password, FORMAT)?;
        let text = super::text(&text, FORMAT)?;
        Ok(super::uri_list::read_text(&text))
    }
}
