//! Aegis Authenticator JSON export, plain and encrypted (Aegis `docs/vault.md`).
//!
//! `{version: 1, header: {slots, params}, db}`: `db` is a plain object when `slots` is null,
//! else Base64 AES-256-GCM ciphertext under a random master key, which each password slot
//! (type 1) wraps with an scrypt-derived key (N, r, p and salt in the slot; nonce and tag in
//! `key_params`). Biometric slots (type 2) cannot be opened off the phone and are skipped.
//!
//! Entries: `type` totp/hotp/steam, `name`, `issuer`, `info{secret, algo, digits, period |
//! counter}`, `note`, `favorite`, `icon` (Base64, `icon_mime`), `groups` (uuids named in
//! `db.groups`; older files: `group`). Kept: notes, favourites, groups, order, raster icons
//! (PNG/JPEG, scaled to the vault's size). Lost: SVG icons, usage counts. Yandex and mOTP
//! entries are refused (Monban has no such code types).

use serde_json::Value;
use zeroize::Zeroizing;

use super::crypto;
use super::json::{num, str};
use super::{Error, Fields, Importer, Parsed, Result};

const FORMAT: &str = "Aegis";

/// scrypt settings Monban accepts in a slot (Aegis uses N=2^15, r=8, p=1).
const MAX_LOG_N: u8 = 20;
const MAX_R: u32 = 32;
const MAX_P: u32 = 16;
/// Most memory scrypt may take (128·r·N bytes), the same ceiling as vaults and backups: a
/// crafted file must not make a phone allocate gigabytes.
const MAX_SCRYPT_BYTES: u64 = 1 << 30;

pub struct Aegis;

fn malformed(why: &str) -> Error {
    Error::Malformed {
        format: FORMAT,
        why: why.into(),
    }
}

fn hex(s: &str) -> Result<Vec<u8>> {
    data_encoding::HEXLOWER_PERMISSIVE
        .decode(s.as_bytes())
        .map_err(|_| malformed("a hex field is not hex"))
}

fn read_entries(db: &Value) -> Result<Parsed> {
    let entries = db
        .get("entries")
        .and_then(Value::as_array)
        .ok_or_else(|| malformed("no db.entries list"))?;
    // Database version 3 names groups by uuid in `db.groups`; older ones list group names.
    let group_names: std::collections::BTreeMap<&str, &str> = db
        .get("groups")
        .and_then(Value::as_array)
        .map(|g| g.iter().map(|g| (str(g, "uuid"), str(g, "name"))).collect())
        .unwrap_or_default();
    let mut out = Parsed::default();
    for (i, e) in entries.iter().enumerate() {
        let info = e.get("info").unwrap_or(&Value::Null);
        let groups = e
            .get("groups")
            .and_then(Value::as_array)
            .map(|g| {
                g.iter()
                    .filter_map(Value::as_str)
                    .map(|id| group_names.get(id).copied().unwrap_or(id).to_string())
                    .collect()
            })
            .or_else(|| {
                let g = str(e, "group");
                (!g.is_empty()).then(|| vec![g.to_string()])
            })
            .unwrap_or_default();
        let icon = e
            .get("icon")
            .and_then(Value::as_str)
            .and_then(|b64| data_encoding::BASE64.decode(b64.as_bytes()).ok())
            .and_then(|bytes| super::picture::icon_png(&bytes));
        let meta = super::Meta {
            icon,
            note: str(e, "note").to_string(),
            favourite: e.get("favorite").and_then(Value::as_bool).unwrap_or(false),
            groups,
            order: u32::try_from(i).ok(),
            last_used: num(e, "last_used").filter(|t| *t > 0).map(|t| t / 1000),
            ..super::Meta::default()
        };
        let kind = str(e, "type");
        let fields = Fields {
            issuer: str(e, "issuer"),
            name: str(e, "name"),
            secret: str(info, "secret"),
            kind,
            algorithm: str(info, "algo"),
            digits: num(info, "digits"),
            period: num(info, "period"),
            counter: num(info, "counter"),
        };
        fields.push_with_meta(&mut out, i, meta);
    }
    Ok(out)
}

/// Unwraps the master key with the first password slot that opens.
fn master_key(header: &Value, password: &str) -> Result<crypto::Key> {
    let slots = header
        .get("slots")
        .and_then(Value::as_array)
        .ok_or_else(|| malformed("no header.slots"))?;
    let mut any_password_slot = false;
    for slot in slots.iter().filter(|s| num(s, "type") == Some(1)) {
        any_password_slot = true;
        let n = num(slot, "n").ok_or_else(|| malformed("slot without n"))?;
        let r = num(slot, "r")
            .and_then(|r| u32::try_from(r).ok())
            .ok_or_else(|| malformed("slot without r"))?;
        let p = num(slot, "p")
            .and_then(|p| u32::try_from(p).ok())
            .ok_or_else(|| malformed("slot without p"))?;
        if !n.is_power_of_two() || n < 2 {
            return Err(malformed("scrypt N is not a power of two"));
        }
        let log_n = n.trailing_zeros() as u8;
        let memory = 128u64.saturating_mul(u64::from(r)).saturating_mul(n);
        if log_n > MAX_LOG_N || r > MAX_R || p > MAX_P || memory > MAX_SCRYPT_BYTES {
            return Err(Error::KdfRefused(format!(
                "scrypt N=2^{log_n}, r={r}, p={p} is beyond what Monban runs"
            )));
        }
        let salt = hex(str(slot, "salt"))?;
        let kp = slot.get("key_params").unwrap_or(&Value::Null);
        let nonce = hex(str(kp, "nonce"))?;
        let mut sealed = hex(str(slot, "key"))?;
        sealed.extend(hex(str(kp, "tag"))?);
        let kek =
            crypto::scrypt(password.as_bytes(), &salt, log_n, r, p).map_err(Error::KdfRefused)?;
        if let Ok(key) = crypto::aes_gcm_open(&kek, &nonce, b"", &sealed) {
            if key.len() != 32 {
                return Err(malformed("the master key is not 32 bytes"));
            }
            // Filled in place: no copy of the master key on the stack.
            let mut out = Zeroizing::new([0u8; 32]);
            out.copy_from_slice(&key[..]);
            return Ok(out);
        }
    }
    if any_password_slot {
        Err(Error::WrongPassword)
    } else {
        Err(Error::Unsupported {
            format: FORMAT,
            why: "no password slot (biometric only)".into(),
        })
    }
}

impl Importer for Aegis {
    fn id(&self) -> &'static str {
        "aegis"
    }
    fn name(&self) -> &'static str {
        "Aegis"
    }
    fn files(&self) -> &'static str {
        "vault JSON export (.json)"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Optional
    }
    fn detect(&self, data: &[u8]) -> bool {
        super::json_matches(data, |v| {
            v.get("header").is_some_and(|h| h.get("slots").is_some()) && v.get("db").is_some()
        })
    }
    fn encrypted(&self, data: &[u8]) -> bool {
        super::json_matches(data, |v| v.get("db").is_some_and(Value::is_string))
    }
    fn read(&self, data: &[u8], password: Option<&str>) -> Result<Parsed> {
        let doc = super::parse_json(data, FORMAT)?;
        match num(&doc, "version") {
            Some(1) => {}
            Some(v) => {
                return Err(Error::Unsupported {
                    format: FORMAT,
                    why: format!("version {v}"),
                });
            }
            None => return Err(malformed("no version")),
        }
        let db = doc.get("db").ok_or_else(|| malformed("no db"))?;
        if db.is_object() {
            return read_entries(db);
        }
        let b64 = db
            .as_str()
            .ok_or_else(|| malformed("db is neither an object nor Base64"))?;
        let password = password.ok_or(Error::PasswordNeeded)?;
        let header = doc.get("header").ok_or_else(|| malformed("no header"))?;
        let key = master_key(header, password)?;
        let params = header.get("params").unwrap_or(&Value::Null);
        let nonce = hex(str(params, "nonce"))?;
        let mut sealed = data_encoding::BASE64
            .decode(b64.trim().as_bytes())
            .map_err(|_| malformed("db is not Base64"))?;
        sealed.extend(hex(str(params, "tag"))?);
        let plain =
            crypto::aes_gcm_open(&key, &nonce, b"", &sealed).map_err(|_| Error::WrongPassword)?;
        let db = super::WipedJson(
            serde_json::from_slice(&plain)
                .map_err(|_| malformed("the decrypted db is not JSON"))?,
        );
        read_entries(&db)
    }
}
