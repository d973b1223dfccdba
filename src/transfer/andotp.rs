//! andOTP backup, plain JSON and encrypted (`.json.aes`).
//!
//! Plain: a JSON array of `{secret, issuer, label, digits, type, algorithm, period | counter}`.
//! Encrypted (the password format of andOTP ≥ 0.6.3): `iterations (u32 big-endian) ‖
//! salt (12) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`, key = PBKDF2-HMAC-SHA1(password, salt,
//! iterations, 256 bits), AES-256-GCM. (The old PIN-less format with a SHA-256 key is not
//! supported.)
//!
//! Old andOTP versions put "Issuer - account" or "Issuer:account" into `label` with an empty
//! `issuer`; that label is split at the first colon. Lost on import: thumbnails, tags, usage
//! statistics.

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
        if issuer.is_empty()
            && let Some((i, n)) = name.split_once(':')
        {
            (issuer, name) = (i, n);
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
        fields.push_into(&mut out, i);
    }
    out
}

fn looks_plain(data: &[u8]) -> bool {
    serde_json::from_slice::<Value>(data).is_ok_and(|v| {
        v.as_array().is_some_and(|a| {
            a.first().is_some_and(|e| {
                e.get("secret").is_some() && e.get("label").is_some() && e.get("type").is_some()
            })
        })
    })
}

fn looks_encrypted(data: &[u8]) -> bool {
    data.len() >= HEADER + 16 && {
        let rounds = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
        (MIN_ROUNDS..=MAX_ROUNDS).contains(&rounds) && std::str::from_utf8(data).is_err()
    }
}

impl Importer for AndOtp {
    fn id(&self) -> &'static str {
        "andotp"
    }
    fn name(&self) -> &'static str {
        "andOTP backup"
    }
    fn detect(&self, data: &[u8]) -> bool {
        looks_plain(data) || looks_encrypted(data)
    }
    fn encrypted(&self, data: &[u8]) -> bool {
        !looks_plain(data)
    }
    fn read(&self, data: &[u8], password: Option<&str>) -> Result<Parsed> {
        if let Ok(v) = serde_json::from_slice::<Value>(data) {
            let list = v
                .as_array()
                .ok_or_else(|| malformed("the JSON is not a list of entries"))?;
            return Ok(read_list(list));
        }
        if data.len() < HEADER + 16 {
            return Err(malformed("too short for an encrypted backup"));
        }
        let password = password.ok_or(Error::PasswordNeeded)?;
        let rounds = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
        if !(MIN_ROUNDS..=MAX_ROUNDS).contains(&rounds) {
            return Err(Error::KdfRefused(format!("{rounds} PBKDF2 iterations")));
        }
        let (salt, nonce, sealed) = (&data[4..16], &data[16..28], &data[28..]);
        let key = crypto::pbkdf2_sha1(password.as_bytes(), salt, rounds);
        let plain =
            crypto::aes_gcm_open(&key, nonce, b"", sealed).map_err(|_| Error::WrongPassword)?;
        let v: Value = serde_json::from_slice(&plain)
            .map_err(|_| malformed("the decrypted backup is not JSON"))?;
        let list = v
            .as_array()
            .ok_or_else(|| malformed("the decrypted backup is not a list"))?;
        Ok(read_list(list))
    }
}
