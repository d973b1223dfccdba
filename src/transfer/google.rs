//! Google Authenticator's transfer QR: `otpauth-migration://offline?data=...`, read and
//! written (../shared/specs/otp-formats.md §2).
//!
//! `data` is standard Base64 of a protobuf `MigrationPayload` (decoded by hand with
//! [`super::proto`]). One payload per QR; an export of many accounts is a batch of QRs
//! sharing `batch_id`, each with `batch_index` of `batch_size`; Google puts up to
//! [`ACCOUNTS_PER_QR`] accounts in one.
//!
//! **Plaintext**: whoever photographs such a QR owns every account in it.
//!
//! Reading: unspecified enums mean SHA1 / 6 digits / TOTP; `name` `Issuer:account` is split
//! at the first colon only when `issuer` is empty, and a leading `issuer:` is dropped when
//! it repeats the issuer; unescaped `+` turned into spaces are turned back; MD5, unknown
//! types and empty secrets are refused per entry.
//!
//! Writing refuses, by name, what the format cannot carry: periods other than 30 s (there is
//! no period field), Steam accounts, and digit counts other than 6 and 8. Nothing is
//! silently changed.

use data_encoding::{BASE64, BASE64_NOPAD};
use thiserror::Error;
use zeroize::Zeroizing;

use super::proto::{self, Reader, Value, Writer};
use super::{Parsed, Refused, label};
use crate::account::{Account, Algorithm, Kind, Secret};

/// Accounts per QR code on export (what Google Authenticator and Aegis do).
pub const ACCOUNTS_PER_QR: usize = 10;

/// URI scheme of the transfer QR.
pub const SCHEME: &str = "otpauth-migration://";

/// Why a migration link cannot be read at all.
#[derive(Debug, Error, PartialEq, Eq, Clone)]
pub enum Error {
    #[error("not a Google Authenticator transfer link: it should start with otpauth-migration://")]
    NotMigration,
    #[error("the transfer link has no data=... parameter")]
    NoData,
    #[error("the transfer link's data is not Base64")]
    BadBase64,
    #[error("the transfer link's data is damaged: {0}")]
    BadPayload(#[from] proto::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One decoded transfer QR: its accounts, the entries refused, and the batch fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MigrationBatch {
    pub accounts: Vec<Account>,
    pub refused: Vec<Refused>,
    pub version: i32,
    /// Number of QR codes in the export (0 in old single-QR exports: read it as 1).
    pub batch_size: i32,
    /// 0-based position of this QR in the export.
    pub batch_index: i32,
    /// Shared by all QR codes of one export (0 occurs).
    pub batch_id: i32,
}

impl MigrationBatch {
    /// Number of parts in the export, at least 1.
    pub fn part_count(&self) -> usize {
        usize::try_from(self.batch_size).unwrap_or(0).max(1)
    }

    /// This part's 0-based index.
    pub fn part_index(&self) -> usize {
        usize::try_from(self.batch_index).unwrap_or(usize::MAX)
    }

    /// Accounts and refusals, without the batch fields.
    pub fn into_parsed(self) -> Parsed {
        Parsed {
            accounts: self.accounts,
            refused: self.refused,
            ..Parsed::default()
        }
    }
}

/// True when `text` starts with `otpauth-migration://` (any case).
pub fn is_migration_uri(text: &str) -> bool {
    let t = text.trim_start();
    t.len() >= SCHEME.len()
        && t.is_char_boundary(SCHEME.len())
        && t[..SCHEME.len()].eq_ignore_ascii_case(SCHEME)
}

/// Reads one `otpauth-migration://offline?data=...` link.
pub fn parse_migration_uri(uri: &str) -> Result<MigrationBatch> {
    let uri = uri.trim();
    if !is_migration_uri(uri) {
        return Err(Error::NotMigration);
    }
    let query = uri.split_once('?').map(|(_, q)| q).unwrap_or("");
    let query = query.split('#').next().unwrap_or("");
    let raw = query
        .split('&')
        .find_map(|kv| {
            kv.strip_prefix("data=")
                .or_else(|| kv.strip_prefix("DATA="))
        })
        .ok_or(Error::NoData)?;
    let data = Zeroizing::new(crate::uri::percent_decode(raw, false));
    let bytes = decode_base64(&data)?;
    decode_payload(&bytes)
}

/// Lenient Base64: spaces back to `+`, padding optional, URL-safe letters accepted.
fn decode_base64(s: &str) -> Result<Zeroizing<Vec<u8>>> {
    let cleaned: Zeroizing<String> = Zeroizing::new(
        s.chars()
            .filter(|c| *c != '\n' && *c != '\r' && *c != '\t')
            .map(|c| match c {
                ' ' | '-' => '+',
                '_' => '/',
                c => c,
            })
            .collect(),
    );
    BASE64_NOPAD
        .decode(cleaned.trim_end_matches('=').as_bytes())
        .map(Zeroizing::new)
        .map_err(|_| Error::BadBase64)
}

/// Decodes the protobuf `MigrationPayload`.
pub fn decode_payload(bytes: &[u8]) -> Result<MigrationBatch> {
    let mut batch = MigrationBatch::default();
    let mut index = 0;
    for field in Reader::new(bytes) {
        match field? {
            (1, Value::Bytes(m)) => {
                match decode_otp(m, index) {
                    Ok(a) => batch.accounts.push(a),
                    Err(r) => batch.refused.push(r),
                }
                index += 1;
            }
            (2, Value::Varint(v)) => batch.version = v as i32,
            (3, Value::Varint(v)) => batch.batch_size = v as i32,
            (4, Value::Varint(v)) => batch.batch_index = v as i32,
            (5, Value::Varint(v)) => batch.batch_id = v as i32,
            _ => {} // unknown fields are skipped, as protobuf readers do
        }
    }
    Ok(batch)
}

fn decode_otp(m: &[u8], index: usize) -> std::result::Result<Account, Refused> {
    let mut secret = Zeroizing::new(Vec::new());
    let (mut name, mut issuer) = (String::new(), String::new());
    let (mut algorithm, mut digits, mut kind, mut counter) = (0u64, 0u64, 0u64, 0u64);
    for field in Reader::new(m) {
        let field = field.map_err(|e| {
            Refused::new(
                format!("entry {}", index + 1),
                format!("damaged entry: {e}"),
            )
        })?;
        match field {
            (1, Value::Bytes(b)) => *secret = b.to_vec(),
            (2, Value::Bytes(b)) => name = String::from_utf8_lossy(b).into_owned(),
            (3, Value::Bytes(b)) => issuer = String::from_utf8_lossy(b).into_owned(),
            (4, Value::Varint(v)) => algorithm = v,
            (5, Value::Varint(v)) => digits = v,
            (6, Value::Varint(v)) => kind = v,
            (7, Value::Varint(v)) => counter = v,
            _ => {}
        }
    }
    let (issuer, name) = split_name(issuer.trim(), name.trim());
    let what = super::loose_label(&issuer, &name, index);
    let refuse = |why: &str| Refused::new(what.clone(), why.to_string());
    let algorithm = match algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        4 => return Err(refuse("uses MD5, which Monban does not support")),
        n => return Err(refuse(&format!("unknown algorithm number {n}"))),
    };
    let digits = match digits {
        0 | 1 => 6,
        2 => 8,
        n => return Err(refuse(&format!("unknown digit count number {n}"))),
    };
    let kind = match kind {
        0 | 2 => Kind::Totp,
        1 => Kind::Hotp,
        n => return Err(refuse(&format!("unknown code type number {n}"))),
    };
    if secret.is_empty() {
        return Err(refuse("has no secret key"));
    }
    let account = Account {
        issuer,
        name,
        secret: Secret::new(secret.to_vec()),
        kind,
        algorithm,
        digits,
        period: crate::account::DEFAULT_PERIOD,
        counter: if kind == Kind::Hotp { counter } else { 0 },
    };
    crate::otp::validate(&account).map_err(|e| refuse(&e.to_string()))?;
    Ok(account)
}

/// `name` may be `Issuer:account`.
fn split_name(issuer: &str, name: &str) -> (String, String) {
    if issuer.is_empty() {
        if let Some((i, n)) = name.split_once(':') {
            return (i.trim().to_string(), n.trim().to_string());
        }
        return (String::new(), name.to_string());
    }
    if let Some(rest) = name.strip_prefix(issuer).and_then(|r| r.strip_prefix(':')) {
        return (issuer.to_string(), rest.trim().to_string());
    }
    (issuer.to_string(), name.to_string())
}

/// Encodes one `MigrationPayload`.
pub fn encode_payload(
    accounts: &[&Account],
    batch_size: i32,
    batch_index: i32,
    batch_id: i32,
) -> Zeroizing<Vec<u8>> {
    let mut w = Writer::new();
    for a in accounts {
        let mut m = Writer::new();
        m.bytes(1, a.secret.expose());
        let name = if a.issuer.is_empty() || a.name.is_empty() {
            a.name.clone()
        } else {
            format!("{}:{}", a.issuer, a.name)
        };
        m.bytes(2, name.as_bytes());
        if !a.issuer.is_empty() {
            m.bytes(3, a.issuer.as_bytes());
        }
        m.varint(
            4,
            match a.algorithm {
                Algorithm::Sha1 => 1,
                Algorithm::Sha256 => 2,
                Algorithm::Sha512 => 3,
            },
        );
        m.varint(5, if a.digits == 8 { 2 } else { 1 });
        match a.kind {
            Kind::Hotp => {
                m.varint(6, 1);
                m.varint(7, a.counter);
            }
            _ => m.varint(6, 2),
        }
        w.bytes(1, &m.buf);
    }
    w.varint(2, 1);
    w.varint(3, batch_size as u32 as u64);
    w.varint(4, batch_index as u32 as u64);
    w.varint(5, batch_id as i64 as u64);
    Zeroizing::new(std::mem::take(&mut w.buf))
}

/// Why an account cannot travel in a Google transfer QR, or `None` if it can.
pub fn cannot_carry(a: &Account) -> Option<&'static str> {
    match a.kind {
        Kind::Steam => Some(
            "Steam accounts cannot travel in a Google Authenticator QR; use a sealed transfer or a backup",
        ),
        _ if a.kind == Kind::Totp && a.period != 30 => Some(
            "its period is not 30 s and Google's format has no period field; use a sealed transfer or a backup",
        ),
        _ if a.digits != 6 && a.digits != 8 => {
            Some("Google's format carries only 6- or 8-digit codes")
        }
        _ if a.issuer.is_empty() && a.name.contains(':') => Some(
            "its name contains a colon and it has no issuer, which Google's format would split; set an issuer first",
        ),
        _ => None,
    }
}

/// A Google export: one link per QR code, and the accounts left out.
#[derive(Debug)]
pub struct Export {
    pub uris: Vec<Zeroizing<String>>,
    pub refused: Vec<Refused>,
}

/// Builds the transfer links for `accounts`, [`ACCOUNTS_PER_QR`] per link, all sharing
/// `batch_id`. Accounts the format cannot carry are refused by name.
pub fn export(accounts: &[Account], batch_id: i32) -> Export {
    let mut refused = Vec::new();
    let mut ok: Vec<&Account> = Vec::new();
    for a in accounts {
        match cannot_carry(a) {
            Some(why) => refused.push(Refused::new(label(a), why)),
            None => ok.push(a),
        }
    }
    let chunks: Vec<&[&Account]> = ok.chunks(ACCOUNTS_PER_QR).collect();
    let size = chunks.len() as i32;
    let uris = chunks
        .iter()
        .enumerate()
        .map(|(i, chunk)| {
            let payload = encode_payload(chunk, size, i as i32, batch_id);
            let b64 = Zeroizing::new(BASE64.encode(&payload[..]));
            Zeroizing::new(format!(
                "{SCHEME}offline?data={}",
                crate::uri::percent_encode(&b64)
            ))
        })
        .collect();
    Export { uris, refused }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const V1: &str = "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC";
    const V2: &str = "CkAKFDEyMzQ1Njc4OTAxMjM0NTY3ODkwEhlFeGFtcGxlOmFsaWNlQGV4YW1wbGUuY29tGgdFeGFtcGxlIAEoATACCkQKIDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDEyEg9ib2JAZXhhbXBsZS5jb20aB0FDTUUgQ28gAigCMAE4BRABGAEolZrvOg==";

    #[test]
    fn spec_vector_1() {
        let b = parse_migration_uri(V1).unwrap();
        assert_eq!(b.accounts.len(), 1);
        let a = &b.accounts[0];
        assert_eq!(&*a.secret.to_base32(), "JBSWY3DPEHPK3PXP");
        assert_eq!(
            (a.issuer.as_str(), a.name.as_str()),
            ("Example", "alice@google.com")
        );
        assert_eq!(
            (a.kind, a.algorithm, a.digits, a.period),
            (Kind::Totp, Algorithm::Sha1, 6, 30)
        );
    }

    #[test]
    fn spec_vector_2_with_escaped_and_unescaped_plus() {
        for data in [
            V2.to_string(),
            crate::uri::percent_encode(V2),
            V2.replace('+', " "),
        ] {
            let b =
                parse_migration_uri(&format!("otpauth-migration://offline?data={data}")).unwrap();
            assert_eq!(
                (b.version, b.batch_size, b.batch_index, b.batch_id),
                (1, 1, 0, 123456789)
            );
            let [a, h] = &b.accounts[..] else {
                panic!("two accounts expected")
            };
            assert_eq!(a.secret.expose(), b"12345678901234567890");
            assert_eq!(
                (a.issuer.as_str(), a.name.as_str()),
                ("Example", "alice@example.com")
            );
            assert_eq!(crate::otp::code_at(a, 59).unwrap(), "287082");
            assert_eq!(h.secret.expose(), b"12345678901234567890123456789012");
            assert_eq!(
                (h.issuer.as_str(), h.name.as_str()),
                ("ACME Co", "bob@example.com")
            );
            assert_eq!(
                (h.kind, h.algorithm, h.digits, h.counter),
                (Kind::Hotp, Algorithm::Sha256, 8, 5)
            );
            assert_eq!(crate::otp::code_at(h, 0).unwrap(), "89744399");
        }
    }

    #[test]
    fn bad_links() {
        assert_eq!(
            parse_migration_uri("otpauth://totp/x?secret=AA"),
            Err(Error::NotMigration)
        );
        assert_eq!(
            parse_migration_uri("otpauth-migration://offline"),
            Err(Error::NoData)
        );
        assert_eq!(
            parse_migration_uri("otpauth-migration://offline?data=***"),
            Err(Error::BadBase64)
        );
        assert!(matches!(
            parse_migration_uri("otpauth-migration://offline?data=CgU="),
            Err(Error::BadPayload(_))
        ));
    }

    #[test]
    fn bad_entry_is_refused_not_fatal() {
        let good = Account::totp("A", "a", Secret::new(vec![7; 10]));
        let payload = encode_payload(&[&good], 1, 0, 5);
        let mut w = Writer::new();
        let mut m = Writer::new();
        m.bytes(1, &[1; 10]);
        m.bytes(2, b"Old:md5");
        m.varint(4, 4);
        w.bytes(1, &m.buf);
        let mut bytes = w.buf.clone();
        bytes.extend_from_slice(&payload);
        let b = decode_payload(&bytes).unwrap();
        assert_eq!(b.accounts, vec![good]);
        assert_eq!(
            b.refused,
            vec![Refused::new(
                "Old (md5)",
                "uses MD5, which Monban does not support"
            )]
        );
    }

    #[test]
    fn export_refuses_what_it_cannot_carry_and_round_trips_the_rest() {
        let mut accounts: Vec<Account> = (0..23)
            .map(|i| {
                Account::totp(
                    format!("Issuer {i}"),
                    format!("user{i}"),
                    Secret::new(vec![i as u8 + 1; 20]),
                )
            })
            .collect();
        let mut steam = Account::totp("Steam", "gamer", Secret::new(vec![9; 20]));
        steam.kind = Kind::Steam;
        steam.digits = 5;
        let mut sixty = Account::totp("Slow", "x", Secret::new(vec![8; 20]));
        sixty.period = 60;
        let mut seven = Account::totp("Seven", "y", Secret::new(vec![6; 20]));
        seven.digits = 7;
        let mut hotp = Account::totp("", "counter", Secret::new(vec![5; 20]));
        hotp.kind = Kind::Hotp;
        hotp.counter = 42;
        hotp.algorithm = Algorithm::Sha512;
        accounts.push(hotp);
        accounts.extend([steam, sixty, seven]);
        let e = export(&accounts, -5);
        assert_eq!(e.uris.len(), 3);
        assert_eq!(
            e.refused
                .iter()
                .map(|r| r.what.as_str())
                .collect::<Vec<_>>(),
            ["Steam (gamer)", "Slow (x)", "Seven (y)"]
        );
        let mut back = Vec::new();
        for (i, u) in e.uris.iter().enumerate().rev() {
            let b = parse_migration_uri(u).unwrap();
            assert_eq!(
                (b.batch_size, b.batch_index, b.batch_id, b.version),
                (3, i as i32, -5, 1)
            );
            assert!(b.accounts.len() <= ACCOUNTS_PER_QR);
            back.splice(0..0, b.accounts);
        }
        assert_eq!(back, accounts[..24].to_vec());
    }

    proptest! {
        #[test]
        fn never_panics(s in ".{0,200}") {
            let _ = parse_migration_uri(&format!("otpauth-migration://offline?data={s}"));
        }
        #[test]
        fn never_panics_on_bytes(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode_payload(&data);
        }
    }
}
