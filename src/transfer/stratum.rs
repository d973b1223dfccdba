//! Authenticator Pro / Stratum backups, plain and encrypted, and the app's own database.
//!
//! - Plain backup: JSON `{Authenticators: [{Type, Issuer, Username, Secret, Algorithm,
//!   Digits, Period, Counter, Ranking, Icon}], Categories: [{Id, Name}],
//!   AuthenticatorCategories: [{CategoryId, AuthenticatorSecret}], CustomIcons: [{Id, Data}]}`.
//!   `Type` 1 HOTP, 2 TOTP, 3 mOTP, 4 Steam, 5 Yandex; `Algorithm` 0 SHA1, 1 SHA256, 2 SHA512.
//! - Encrypted backup: `"AUTHENTICATORPRO" ‖ salt (16) ‖ nonce (12) ‖ AES-256-GCM ciphertext ‖
//!   tag`, key = Argon2id(password, salt; 64 MiB, 3 passes, 4 lanes) — fixed by the app, not
//!   read from the file, so nothing in a file can raise the cost.
//! - Legacy encrypted backup: `"AuthenticatorPro" ‖ salt (20) ‖ IV (16) ‖ AES-256-CBC`, key =
//!   PBKDF2-HMAC-SHA1(password, salt, 64,000).
//! - Database (`authenticator.db3` from a rooted phone): SQLite table `authenticator` with the
//!   same columns in lower case.
//!
//! Kept: categories (as groups), order (`Ranking`), custom icons (PNG/JPEG/WebP images).
//! Refused with why: mOTP and Yandex entries. Lost: built-in icon names, copy counts, PINs.

use std::collections::BTreeMap;

use serde_json::Value;
use zeroize::Zeroizing;

use super::json::{num, str};
use super::{Error, Fields, Importer, Meta, Parsed, Result, crypto, sqlite};

const FORMAT: &str = "Authenticator Pro / Stratum";
const HEADER: &[u8] = b"AUTHENTICATORPRO";
const HEADER_LEGACY: &[u8] = b"AuthenticatorPro";
/// The app's fixed Argon2id settings.
const ARGON2_M_KIB: u32 = 64 * 1024;
const ARGON2_T: u32 = 3;
const ARGON2_P: u32 = 4;
const LEGACY_PBKDF2_ROUNDS: u32 = 64_000;

pub struct Stratum;

fn malformed(why: impl Into<String>) -> Error {
    Error::Malformed {
        format: FORMAT,
        why: why.into(),
    }
}

fn kind_name(t: Option<u64>) -> &'static str {
    match t {
        Some(1) => "hotp",
        Some(2) => "totp",
        Some(3) => "mOTP",
        Some(4) => "steam",
        Some(5) => "Yandex",
        _ => "unknown",
    }
}

fn algorithm_name(a: Option<u64>) -> &'static str {
    match a {
        Some(0) | None => "SHA1",
        Some(1) => "SHA256",
        Some(2) => "SHA512",
        _ => "unknown",
    }
}

/// One row of the app's data, as both the JSON and the database carry it.
struct Row<'a> {
    kind: Option<u64>,
    issuer: &'a str,
    username: &'a str,
    secret: &'a str,
    algorithm: Option<u64>,
    digits: Option<u64>,
    period: Option<u64>,
    counter: Option<u64>,
    ranking: Option<u64>,
    icon: Option<crate::vault::Icon>,
    groups: Vec<String>,
}

fn push_row(out: &mut Parsed, i: usize, r: Row<'_>) {
    let meta = Meta {
        icon: r.icon,
        groups: r.groups,
        order: r.ranking.and_then(|n| u32::try_from(n).ok()),
        ..Meta::default()
    };
    Fields {
        issuer: r.issuer,
        name: r.username,
        secret: r.secret,
        kind: kind_name(r.kind),
        algorithm: algorithm_name(r.algorithm),
        digits: r.digits,
        period: r.period,
        counter: r.counter,
    }
    .push_with_meta(out, i, meta);
}

fn read_json(doc: &Value) -> Result<Parsed> {
    let list = doc
        .get("Authenticators")
        .and_then(Value::as_array)
        .ok_or_else(|| malformed("no Authenticators list"))?;
    let empty = Vec::new();
    let arr = |k: &str| doc.get(k).and_then(Value::as_array).unwrap_or(&empty);
    let categories: BTreeMap<&str, &str> = arr("Categories")
        .iter()
        .map(|c| (str(c, "Id"), str(c, "Name")))
        .collect();
    let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for link in arr("AuthenticatorCategories") {
        if let Some(name) = categories.get(str(link, "CategoryId")) {
            groups
                .entry(str(link, "AuthenticatorSecret"))
                .or_default()
                .push((*name).to_string());
        }
    }
    let icons: BTreeMap<&str, &str> = arr("CustomIcons")
        .iter()
        .map(|c| (str(c, "Id"), str(c, "Data")))
        .collect();
    let mut out = Parsed::default();
    for (i, a) in list.iter().enumerate() {
        let secret = str(a, "Secret");
        let icon = str(a, "Icon")
            .strip_prefix('@')
            .and_then(|id| icons.get(id))
            .and_then(|b64| data_encoding::BASE64.decode(b64.as_bytes()).ok())
            .and_then(|bytes| super::picture::icon_png(&bytes));
        push_row(
            &mut out,
            i,
            Row {
                kind: num(a, "Type"),
                issuer: str(a, "Issuer"),
                username: str(a, "Username"),
                secret,
                algorithm: num(a, "Algorithm"),
                digits: num(a, "Digits"),
                period: num(a, "Period"),
                counter: num(a, "Counter"),
                ranking: num(a, "Ranking"),
                icon,
                groups: groups.remove(secret).unwrap_or_default(),
            },
        );
    }
    Ok(out)
}

fn parse_plain(plain: &[u8]) -> Result<Parsed> {
    let doc: Value =
        serde_json::from_slice(plain).map_err(|_| malformed("the decrypted backup is not JSON"))?;
    read_json(&doc)
}

fn read_database(data: &[u8]) -> Result<Parsed> {
    let conn = sqlite::open(data).map_err(malformed)?;
    let rows = (|| -> std::result::Result<Parsed, rusqlite::Error> {
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        if sqlite::has_columns(
            &conn,
            "authenticatorcategory",
            &["categoryid", "authenticatorsecret"],
        ) && sqlite::has_columns(&conn, "category", &["id", "name"])
        {
            let mut stmt = conn.prepare(
                "SELECT ac.authenticatorSecret, c.name FROM authenticatorcategory ac JOIN category c ON c.id = ac.categoryId",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let (s, n): (String, String) = (r.get(0)?, r.get(1)?);
                groups.entry(s).or_default().push(n);
            }
        }
        let mut stmt = conn.prepare(
            "SELECT type, issuer, username, secret, algorithm, digits, period, counter, ranking FROM authenticator ORDER BY ranking",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Parsed::default();
        let mut i = 0;
        while let Some(r) = rows.next()? {
            let text = |n: usize| -> std::result::Result<String, rusqlite::Error> {
                Ok(r.get::<_, Option<String>>(n)?.unwrap_or_default())
            };
            let int = |n: usize| -> std::result::Result<Option<u64>, rusqlite::Error> {
                Ok(r.get::<_, Option<i64>>(n)?
                    .and_then(|v| u64::try_from(v).ok()))
            };
            let (issuer, username) = (text(1)?, text(2)?);
            let secret = Zeroizing::new(text(3)?);
            push_row(
                &mut out,
                i,
                Row {
                    kind: int(0)?,
                    issuer: &issuer,
                    username: &username,
                    secret: &secret,
                    algorithm: int(4)?,
                    digits: int(5)?,
                    period: int(6)?,
                    counter: int(7)?,
                    ranking: int(8)?,
                    icon: None,
                    groups: groups.remove(secret.as_str()).unwrap_or_default(),
                },
            );
            i += 1;
        }
        Ok(out)
    })();
    rows.map_err(|e| malformed(format!("cannot read the authenticator table ({e})")))
}

fn decrypt(data: &[u8], password: &str) -> Result<Zeroizing<Vec<u8>>> {
    if let Some(rest) = data.strip_prefix(HEADER) {
        if rest.len() < 16 + 12 + 16 {
            return Err(malformed("the encrypted backup is cut short"));
        }
        let (salt, rest) = rest.split_at(16);
        let (nonce, sealed) = rest.split_at(12);
        let key = crypto::argon2id(password.as_bytes(), salt, ARGON2_M_KIB, ARGON2_T, ARGON2_P)
            .map_err(Error::KdfRefused)?;
        return crypto::aes_gcm_open(&key, nonce, b"", sealed).map_err(|_| Error::WrongPassword);
    }
    let rest = data
        .strip_prefix(HEADER_LEGACY)
        .ok_or_else(|| malformed("unknown header"))?;
    if rest.len() < 20 + 16 + 16 {
        return Err(malformed("the encrypted backup is cut short"));
    }
    let (salt, rest) = rest.split_at(20);
    let (iv, ct) = rest.split_at(16);
    let key = crypto::pbkdf2_sha1(password.as_bytes(), salt, LEGACY_PBKDF2_ROUNDS);
    crypto::aes_cbc_open(&key, iv, ct).map_err(|_| Error::WrongPassword)
}

fn is_plain_json(data: &[u8]) -> bool {
    super::json_matches(data, |v| {
        v.get("Authenticators").is_some_and(Value::is_array)
    })
}

fn is_database(data: &[u8]) -> bool {
    sqlite::detect(
        data,
        "authenticator",
        &["type", "issuer", "secret", "algorithm"],
    )
}

impl Importer for Stratum {
    fn id(&self) -> &'static str {
        "stratum"
    }
    fn name(&self) -> &'static str {
        "Authenticator Pro / Stratum"
    }
    fn files(&self) -> &'static str {
        "backup (.authpro, .stratum, .json), internal authenticator.db3"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Optional
    }
    fn detect(&self, data: &[u8]) -> bool {
        data.starts_with(HEADER)
            || data.starts_with(HEADER_LEGACY)
            || is_plain_json(data)
            || is_database(data)
    }
    fn encrypted(&self, data: &[u8]) -> bool {
        data.starts_with(HEADER) || data.starts_with(HEADER_LEGACY)
    }
    fn read(&self, data: &[u8], password: Option<&str>) -> Result<Parsed> {
        if self.encrypted(data) {
            let password = password.ok_or(Error::PasswordNeeded)?;
            let plain = decrypt(data, password)?;
            // CBC is not authenticated: garbage from a wrong key that happens to end in valid
            // padding shows here.
            let legacy = data.starts_with(HEADER_LEGACY);
            return parse_plain(&plain).map_err(|e| if legacy { Error::WrongPassword } else { e });
        }
        if sqlite::is_sqlite(data) {
            return read_database(data);
        }
        let doc = super::parse_json(data, FORMAT)?;
        read_json(&doc)
    }
}
