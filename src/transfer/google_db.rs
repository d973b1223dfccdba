//! Google Authenticator's own database (`/data/data/com.google.android.apps.authenticator2/
//! databases/databases`, from a rooted phone or a device backup): SQLite table `accounts`
//! (`email`, `secret` Base32, `counter`, `type` 0 TOTP / 1 HOTP, `issuer`, `original_name`).
//!
//! The app has only SHA1, 6 digits and 30 s, so that is what every account gets. `email` may
//! hold `Issuer:account`; the prefix is dropped when it repeats the issuer. Rows the app
//! marked `isencrypted` (newer versions, keys in the phone's keystore) are refused. Lost:
//! nothing else is stored.

use rusqlite::Connection;

use super::{Fields, Importer, Parsed, Result, sqlite};

const FORMAT: &str = "Google Authenticator database";

pub struct GoogleDb;

fn read_rows(conn: &Connection) -> std::result::Result<Parsed, rusqlite::Error> {
    let encrypted_col = sqlite::has_columns(conn, "accounts", &["isencrypted"]);
    let sql = format!(
        "SELECT email, secret, counter, type, issuer, {} FROM accounts ORDER BY _id",
        if encrypted_col { "isencrypted" } else { "0" }
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Parsed::default();
    let mut i = 0;
    while let Some(r) = rows.next()? {
        let email: String = r.get::<_, Option<String>>(0)?.unwrap_or_default();
        let secret = zeroize::Zeroizing::new(r.get::<_, Option<String>>(1)?.unwrap_or_default());
        let counter: Option<i64> = r.get(2)?;
        let kind: Option<i64> = r.get(3)?;
        let issuer: String = r.get::<_, Option<String>>(4)?.unwrap_or_default();
        let encrypted: i64 = r.get::<_, Option<i64>>(5)?.unwrap_or(0);
        let name = match email.split_once(':') {
            Some((prefix, rest)) if issuer.is_empty() || prefix.trim() == issuer.trim() => rest,
            _ => email.as_str(),
        };
        let issuer = if issuer.is_empty() {
            email.split_once(':').map_or("", |(p, _)| p)
        } else {
            issuer.as_str()
        };
        if encrypted > 0 {
            out.refused.push(super::Refused::new(
                super::loose_label(issuer, name, i),
                "the key is encrypted with this phone's keystore: export it from the app as a transfer QR code instead",
            ));
            i += 1;
            continue;
        }
        let kind = match kind {
            Some(1) => "hotp",
            Some(0) | None => "totp",
            Some(_) => "unknown",
        };
        Fields {
            issuer,
            name,
            secret: &secret,
            kind,
            counter: counter.and_then(|c| u64::try_from(c).ok()),
            ..Fields::default()
        }
        .push_into(&mut out, i);
        i += 1;
    }
    Ok(out)
}

impl Importer for GoogleDb {
    fn id(&self) -> &'static str {
        "google-authenticator-db"
    }
    fn name(&self) -> &'static str {
        "Google Authenticator database"
    }
    fn files(&self) -> &'static str {
        "SQLite database \"databases\" from a rooted phone or backup"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Never
    }
    fn detect(&self, data: &[u8]) -> bool {
        sqlite::detect(data, "accounts", &["email", "secret", "counter", "type"])
    }
    fn encrypted(&self, _data: &[u8]) -> bool {
        false
    }
    fn read(&self, data: &[u8], _password: Option<&str>) -> Result<Parsed> {
        sqlite::read_accounts(data, FORMAT, read_rows)
    }
}
