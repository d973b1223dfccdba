//! andOTP backup, plain JSON and encrypted (`.json.aes`).
//!
//! Plain: a JSON array of `{secret, issuer, label, digits, type, algorithm, period | counter}`.
//! Encrypted (the password format of andOTP ≥ 0.6.3): `iterations (u32 big-endian) ‖
//! salt (12) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`, key = PBKDF2-HMAC-SHA1(password, salt,
//! iterations, 256 bits), AES-256-GCM. Old encrypted format (andOTP before 0.6.3):
//! `nonce (12) ‖ ciphertext ‖ tag`, key = SHA-256(password), AES-256-GCM; tried when the
//! file has no plausible iteration count or the new layout does not open.
//!
//! Old andOTP versions put "Issuer:account" into `label`, with an empty `issuer` (then the
//! label is split at the first colon) or the issuer repeated (then the prefix is dropped).
//! Kept: tags (as groups), the time of last use, the order. Lost: thumbnails (built-in icon
//! names), usage counts.

use serde_json::Value;

use super::crypto;
use super::json::{num, str};
use super::{Error, Fields, Importer, Parsed, Result};

const FORMAT: &str = "andOTP";
/// PBKDF2 iteration counts Monban runs (andOTP picks 140,000–160,000 at random).
const MIN_ROUNDS: u32 = 1_000;
const MAX_ROUNDS: u32 = 1_000_000;
const HEADER: usize = 4 + 12 + 12;

pub struct AndOtp;

fn malformed(why: &str) -> Error {
    Error::Malformed {
        format: FORMAT,
        why: why.into(),
    }
}

fn read_list(list: &[Value]) -> Parsed {
    let mut out = Parsed::default();
    for (i, e) in list.iter().enumerate() {
        let (mut issuer, mut name) = (str(e, "issuer"), str(e, "label"));
        if let Some((i, n)) = name
            .split_once(" - ")
            .and_then(|(i, rest)| Some((i, rest.strip_prefix(i)?.strip_prefix(':')?)))
            .filter(|_| issuer.is_empty())
        {
            // andOTP before 0.6 had no issuer field: its label is "Issuer - Issuer:account".
            (issuer, name) = (i, n);
        } else if issuer.is_empty()
            && let Some((i, n)) = name.split_once(':')
        {
            (issuer, name) = (i, n);
        } else if let Some(rest) = name
            .strip_prefix(issuer)
            .and_then(|r| r.strip_prefix(':'))
            .filter(|_| !issuer.is_empty())
        {
            // Old andOTP kept the whole "Issuer:account" label beside the issuer.
            name = rest;
        }
        let fields = Fields {
            issuer,
            name,
            secret: str(e, "secret"),
            kind: str(e, "type"),
            algorithm: str(e, "algorithm"),
            digits: num(e, "digits"),
            period: num(e, "period"),
            counter: num(e, "counter"),
        };
        let meta = super::Meta {
            groups: e
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| {
                    t.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            // andOTP counts milliseconds.
            last_used: num(e, "last_used").filter(|t| *t > 0).map(|t| t / 1000),
            order: u32::try_from(i).ok(),
            ..super::Meta::default()
        };
        fields.push_with_meta(&mut out, i, meta);
    }
    out
}

fn looks_plain(data: &[u8]) -> bool {
    super::json_matches(data, |v| {
        v.as_array().is_some_and(|a| {
            a.first().is_some_and(|e| {
                e.get("secret").is_some() && e.get("label").is_some() && e.get("type").is_some()
            })
        })
    })
}

fn plausible_rounds(data: &[u8]) -> bool {
    data.len() >= HEADER + 16 && {
        let rounds = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
        (MIN_ROUNDS..=MAX_ROUNDS).contains(&rounds)
    }
}

/// Binary data of another known kind (zip, SQLite, Java serialization, KeePass, PDF, Monban
/// backup).
fn other_binary(data: &[u8]) -> bool {
    const MAGICS: [&[u8]; 6] = [
        b"PK\x03\x04",
        b"SQLite format 3\0",
        &[0xAC, 0xED],
        &[0x03, 0xD9, 0xA2, 0x9A],
        b"%PDF",
        b"MONBANBK",
    ];
    MAGICS.iter().any(|m| data.starts_with(m))
}

/// Binary data long enough for either encrypted layout (andOTP encrypted backups carry no
/// magic number: this is the last guess of detection).
fn looks_encrypted(data: &[u8]) -> bool {
    data.len() >= 12 + 16 + 2 && std::str::from_utf8(data).is_err() && !other_binary(data)
}

fn open_new(data: &[u8], password: &str) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    let rounds = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
    let (salt, nonce, sealed) = (&data[4..16], &data[16..28], &data[28..]);
    let key = crypto::pbkdf2_sha1(password.as_bytes(), salt, rounds);
    crypto::aes_gcm_open(&key, nonce, b"", sealed).map_err(|_| Error::WrongPassword)
}

fn open_old(data: &[u8], password: &str) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    let key = crypto::sha256_key(password.as_bytes());
    crypto::aes_gcm_open(&key, &data[..12], b"", &data[12..]).map_err(|_| Error::WrongPassword)
}

impl Importer for AndOtp {
    fn id(&self) -> &'static str {
        "andotp"
    }
    fn name(&self) -> &'static str {
        "andOTP"
    }
    fn files(&self) -> &'static str {
        "backup (.json, .json.aes)"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Optional
    }
    fn detect(&self, data: &[u8]) -> bool {
        looks_plain(data) || looks_encrypted(data)
    }
    fn encrypted(&self, data: &[u8]) -> bool {
        !looks_plain(data)
    }
    fn read(&self, data: &[u8], password: Option<&str>) -> Result<Parsed> {
        if let Some(v) = super::json_doc(data) {
            let list = v
                .as_array()
                .ok_or_else(|| malformed("the JSON is not a list of entries"))?;
            return Ok(read_list(list));
        }
        if data.len() < 12 + 16 {
            return Err(malformed("too short for an encrypted backup"));
        }
        let password = password.ok_or(Error::PasswordNeeded)?;
        // The iteration count is bounded before any work: outside the bounds, only the old
        // layout (a plain SHA-256 key) is tried.
        let plain = if plausible_rounds(data) {
            open_new(data, password).or_else(|_| open_old(data, password))?
        } else {
            // An old-layout file has no count (its first bytes are the nonce), so a count
            // outside the bounds is either that or a crafted new-layout file: PBKDF2 never
            // runs, and when the old layout does not open the answer is "wrong password"
            // (what a user of an old backup who mistyped needs to hear).
            open_old(data, password)?
        };
        let v = super::WipedJson(
            serde_json::from_slice(&plain)
                .map_err(|_| malformed("the decrypted backup is not JSON"))?,
        );
        let list = v
            .as_array()
            .ok_or_else(|| malformed("the decrypted backup is not a list"))?;
        Ok(read_list(list))
    }
}
