//! Microsoft Authenticator's database (`/data/data/com.azure.authenticator/databases/
//! PhoneFactor`, from a rooted phone): SQLite table `accounts` (`name` = issuer, `username`,
//! `oath_secret_key`, `account_type`, `ux_position`).
//!
//! `account_type` 0 is a standard TOTP account (Base32 key, 6 digits); 1 is a Microsoft
//! personal account (Base64 key, 8 digits). Both use SHA1 and 30 s, the only settings the app
//! has. Other types (work or school accounts signing in by push notification) have no code
//! key and are refused with why. Kept: the list order. Lost: nothing else is stored.

use rusqlite::Connection;
use zeroize::Zeroizing;

use super::{Fields, Importer, Meta, Parsed, Refused, Result, sqlite};

const FORMAT: &str = "Microsoft Authenticator database";

pub struct Microsoft;

fn read_rows(conn: &Connection) -> std::result::Result<Parsed, rusqlite::Error> {
    let mut stmt = conn.prepare(
        "SELECT name, username, oath_secret_key, account_type, ux_position FROM accounts ORDER BY ux_position, _id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Parsed::default();
    let mut i = 0;
    while let Some(r) = rows.next()? {
        let issuer: String = r.get::<_, Option<String>>(0)?.unwrap_or_default();
        let name: String = r.get::<_, Option<String>>(1)?.unwrap_or_default();
        let key = Zeroizing::new(r.get::<_, Option<String>>(2)?.unwrap_or_default());
        let kind: i64 = r.get::<_, Option<i64>>(3)?.unwrap_or(0);
        let position: Option<i64> = r.get(4)?;
        let meta = Meta {
            order: position.and_then(|p| u32::try_from(p).ok()),
            ..Meta::default()
        };
        let what = super::loose_label(&issuer, &name, i);
        i += 1;
        let (secret, digits) = match kind {
            0 => (key, 6),
            1 => match data_encoding::BASE64.decode(key.trim().as_bytes()) {
                Ok(bytes) => (
                    Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&Zeroizing::new(bytes))),
                    8,
                ),
                Err(_) => {
                    out.refused.push(Refused::new(
                        what,
                        "the Microsoft account key is not Base64",
                    ));
                    continue;
                }
            },
            _ => {
                out.refused.push(Refused::new(
                    what,
                    "a work or school account that signs in by notification has no code key",
                ));
                continue;
            }
        };
        Fields {
            issuer: &issuer,
            name: &name,
            secret: &secret,
            digits: Some(digits),
            ..Fields::default()
        }
        .push_with_meta(&mut out, i - 1, meta);
    }
    Ok(out)
}

impl Importer for Microsoft {
    fn id(&self) -> &'static str {
        "microsoft-authenticator"
    }
    fn name(&self) -> &'static str {
        "Microsoft Authenticator database"
    }
    fn files(&self) -> &'static str {
        "SQLite database \"PhoneFactor\" from a rooted phone"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Never
    }
    fn detect(&self, data: &[u8]) -> bool {
        sqlite::detect(
            data,
            "accounts",
            &["name", "username", "oath_secret_key", "account_type"],
        )
    }
    fn encrypted(&self, _data: &[u8]) -> bool {
        false
    }
    fn read(&self, data: &[u8], _password: Option<&str>) -> Result<Parsed> {
        sqlite::read_accounts(data, FORMAT, read_rows)
    }
}
