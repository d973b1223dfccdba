//! TOTP Authenticator (Binary Boss, `com.authenticator.authservice2`): its encrypted backup
//! file and its internal preferences XML.
//!
//! - Backup (`.bin`, or `.encrypt` on iOS): Base64 text of AES-256-CBC (zero IV, PKCS#7)
//!   ciphertext, key = SHA-256(password). The app writes it with the password the user chose
//!   or, when none was set, with `TotpAuthenticator`, which Monban tries first. The plaintext
//!   is a JSON object whose first key is the accounts list as JSON text.
//! - Internal (`shared_prefs/TOTP_Authenticator_Preferences.xml`, rooted phone): the string
//!   `STATIC_TOTP_CODES_LIST` holds the same list.
//!
//! Each account: `{issuer, name, key, base (16 hex | 32 Base32 | 64 Base64), digits, period,
//! isFavorite}`; SHA1. Kept: favourites, the list order. Lost: icons.

use serde_json::Value;
use zeroize::Zeroizing;

use super::json::{num, str};
use super::{Error, Fields, Importer, Meta, Parsed, Refused, Result, crypto, prefs};

const FORMAT: &str = "TOTP Authenticator";
const PREF_KEY: &str = "STATIC_TOTP_CODES_LIST";
/// The password the app encrypts with when the user set none.
const DEFAULT_PASSWORD: &str = "TotpAuthenticator";
/// Largest backup decoded (the backups of thousands of accounts are far smaller).
const MAX_BACKUP_BYTES: usize = 4 * 1024 * 1024;

pub struct TotpAuthenticator;

fn malformed(why: impl Into<String>) -> Error {
    Error::Malformed {
        format: FORMAT,
        why: why.into(),
    }
}

fn ciphertext(data: &[u8]) -> Option<Vec<u8>> {
    if data.len() > MAX_BACKUP_BYTES {
        return None;
    }
    let text = std::str::from_utf8(data).ok()?.trim();
    if text.len() < 44 || text.starts_with('{') || text.starts_with('[') {
        return None;
    }
    let ct = data_encoding::BASE64.decode(text.as_bytes()).ok()?;
    (ct.len() >= 32 && ct.len() % 16 == 0).then_some(ct)
}

fn open(ct: &[u8], password: &str) -> Result<Zeroizing<String>> {
    let key = crypto::sha256_key(password.as_bytes());
    let plain = crypto::aes_cbc_open(&key, &[0u8; 16], ct).map_err(|_| Error::WrongPassword)?;
    let doc: Value = serde_json::from_slice(&plain).map_err(|_| Error::WrongPassword)?;
    let list = doc
        .as_object()
        .and_then(|o| o.keys().next())
        .ok_or_else(|| malformed("the decrypted backup holds no list"))?;
    Ok(Zeroizing::new(list.clone()))
}

fn read_list(json: &str) -> Result<Parsed> {
    let list = super::json_text(json).ok_or_else(|| malformed("the accounts list is not JSON"))?;
    let list = list
        .as_array()
        .ok_or_else(|| malformed("the accounts list is not a list"))?;
    let mut out = Parsed::default();
    for (i, a) in list.iter().enumerate() {
        let (issuer, name) = (str(a, "issuer"), str(a, "name"));
        let key = str(a, "key");
        let secret = match num(a, "base").unwrap_or(32) {
            16 => data_encoding::HEXLOWER_PERMISSIVE
                .decode(key.trim().as_bytes())
                .ok(),
            64 => data_encoding::BASE64.decode(key.trim().as_bytes()).ok(),
            32 => crate::uri::parse_secret(key)
                .ok()
                .map(|s| s.expose().to_vec()),
            _ => None,
        };
        let Some(secret) = secret.map(Zeroizing::new) else {
            out.refused.push(Refused::new(
                super::loose_label(issuer, name, i),
                "the key is not in the base the entry names",
            ));
            continue;
        };
        let b32 = Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&secret));
        let meta = Meta {
            favourite: a
                .get("isFavorite")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            order: u32::try_from(i).ok(),
            ..Meta::default()
        };
        Fields {
            issuer,
            name,
            secret: &b32,
            digits: num(a, "digits"),
            period: num(a, "period"),
            ..Fields::default()
        }
        .push_with_meta(&mut out, i, meta);
    }
    Ok(out)
}

impl Importer for TotpAuthenticator {
    fn id(&self) -> &'static str {
        "totp-authenticator"
    }
    fn name(&self) -> &'static str {
        "TOTP Authenticator"
    }
    fn files(&self) -> &'static str {
        "backup (.bin, .encrypt), internal TOTP_Authenticator_Preferences.xml"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Always
    }
    fn detect(&self, data: &[u8]) -> bool {
        prefs::has_key(data, PREF_KEY) || ciphertext(data).is_some()
    }
    fn encrypted(&self, data: &[u8]) -> bool {
        ciphertext(data).is_some_and(|ct| open(&ct, DEFAULT_PASSWORD).is_err())
    }
    fn read(&self, data: &[u8], password: Option<&str>) -> Result<Parsed> {
        if let Some(ct) = ciphertext(data) {
            let list = match open(&ct, DEFAULT_PASSWORD) {
                Ok(l) => l,
                Err(_) => open(&ct, password.ok_or(Error::PasswordNeeded)?)?,
            };
            return read_list(&list);
        }
        let p = prefs::read(data).map_err(malformed)?;
        let list = p
            .get(PREF_KEY)
            .ok_or_else(|| malformed(format!("no {PREF_KEY} in the preferences")))?;
        read_list(list)
    }
}
