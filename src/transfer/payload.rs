//! What a QR payload (or one line of a text file) is: the one classification used by the
//! camera scanner, the import session and the URI-list importer.

use crate::account::Account;

/// Prefix of Monban's sealed transfer QR payloads (agreed with the transfer format).
pub const TRANSFER_PREFIX: &str = super::sealed::PREFIX;
/// Prefix of a Monban backup carried in a QR code (paper backup).
pub const BACKUP_PREFIX: &str = "monban-backup:";
/// Google Authenticator's export scheme.
pub const GOOGLE_MIGRATION_PREFIX: &str = "otpauth-migration://";

/// What a QR payload is, for the app to act on. The strings are the full payload text.
#[derive(Clone, PartialEq, Eq)]
pub enum Classified {
    /// An `otpauth://` (or `steam://`) URI that parsed into an account.
    Account(Account),
    /// An `otpauth://` URI that did not parse: the reason, for the user.
    InvalidAccount(String),
    /// One part of a Google Authenticator export (`otpauth-migration://offline?data=...`).
    GoogleMigration(String),
    /// One part of a Monban sealed transfer (starts with [`TRANSFER_PREFIX`]).
    MonbanTransfer(String),
    /// A Monban backup in a QR code (starts with [`BACKUP_PREFIX`]).
    Backup(String),
    /// Anything else (a URL, plain text, ...).
    Other(String),
}

impl std::fmt::Debug for Classified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Payloads carry secrets: show only the kind and the size.
        match self {
            Classified::Account(a) => f.debug_tuple("Account").field(a).finish(),
            Classified::InvalidAccount(e) => f.debug_tuple("InvalidAccount").field(e).finish(),
            Classified::GoogleMigration(s) => write!(f, "GoogleMigration({} chars)", s.len()),
            Classified::MonbanTransfer(s) => write!(f, "MonbanTransfer({} chars)", s.len()),
            Classified::Backup(s) => write!(f, "Backup({} chars)", s.len()),
            Classified::Other(s) => write!(f, "Other({} chars)", s.len()),
        }
    }
}

/// Classifies one payload text.
pub fn classify(text: &str) -> Classified {
    let t = text.trim();
    let lower_prefix = |p: &str| {
        t.len() >= p.len() && t.is_char_boundary(p.len()) && t[..p.len()].eq_ignore_ascii_case(p)
    };
    if lower_prefix(GOOGLE_MIGRATION_PREFIX) {
        Classified::GoogleMigration(t.to_owned())
    } else if lower_prefix("otpauth://") || lower_prefix("steam://") {
        match crate::uri::parse(t) {
            Ok(a) => Classified::Account(a),
            Err(e) => Classified::InvalidAccount(e.to_string()),
        }
    } else if lower_prefix(TRANSFER_PREFIX) {
        Classified::MonbanTransfer(t.to_owned())
    } else if lower_prefix(BACKUP_PREFIX) {
        Classified::Backup(t.to_owned())
    } else {
        Classified::Other(text.to_owned())
    }
}
