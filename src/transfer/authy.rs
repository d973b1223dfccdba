//! Authy's account storage from a rooted Android phone (`shared_prefs/
//! com.authy.storage.tokens.authenticator.xml`, and `...tokens.authy.xml` for Authy's own
//! tokens), plain or with the secrets encrypted by the backup password.
//!
//! A preferences XML whose `com.authy.storage.tokens.authenticator.key` (or `...authy.key`)
//! string is a JSON array of `{name, originalName, originalIssuer, accountType, digits,
//! decryptedSecret | encryptedSecret + salt | secretSeed}`.
//! - `decryptedSecret`: Base32 key; `encryptedSecret`: Base64 AES-256-CBC (zero IV) of the
//!   Base32 key, key = PBKDF2-HMAC-SHA1(backup password, salt as text, 1,000 rounds, 256 bits)
//!   — the app's settings (as Aegis reads them).
//! - `secretSeed`: an Authy-issued token (hex key, 7 digits, 10 s periods).
//!
//! The issuer is `originalIssuer`, else the part of `originalName` before a colon, else the
//! part of `name` before " - ", else the account type; the name is what remains of `name`.
//! Codes are SHA1 and 30 s (the app has nothing else). Lost: logos, upload state.

use serde_json::Value;
use zeroize::Zeroizing;

use super::json::{num, str};
use super::{Error, Fields, Importer, Parsed, Refused, Result, crypto, prefs};

const FORMAT: &str = "Authy";
const KEYS: [&str; 2] = [
    "com.authy.storage.tokens.authenticator.key",
    "com.authy.storage.tokens.authy.key",
];
const PBKDF2_ROUNDS: u32 = 1_000;

pub struct Authy;

fn malformed(why: impl Into<String>) -> Error {
    Error::Malformed {
        format: FORMAT,
        why: why.into(),
    }
}

/// The tokens of every list, as one JSON list wiped when dropped (they hold the seeds).
fn tokens(data: &[u8]) -> Result<super::WipedJson> {
    let p = prefs::read(data).map_err(malformed)?;
    let mut out = Vec::new();
    for key in KEYS {
        if let Some(json) = p.get(key) {
            let mut v = super::json_text(json)
                .ok_or_else(|| malformed(format!("{key} is not a JSON list")))?;
            if let Value::Array(list) = &mut v.0 {
                out.append(list);
            }
        }
    }
    Ok(super::WipedJson(Value::Array(out)))
}

fn as_list(tokens: &Value) -> &[Value] {
    tokens.as_array().map(Vec::as_slice).unwrap_or_default()
}

fn needs_password(tokens: &[Value]) -> bool {
    tokens
        .iter()
        .any(|t| t.get("encryptedSecret").is_some() && t.get("decryptedSecret").is_none())
}

/// Issuer and name as the app shows them (see the module docs).
fn names(t: &Value) -> (String, String) {
    let (name, original_name, original_issuer) = (
        str(t, "name"),
        str(t, "originalName"),
        str(t, "originalIssuer"),
    );
    let (issuer, sep) = if !original_issuer.is_empty() {
        (original_issuer.to_string(), "")
    } else if let Some((prefix, _)) = original_name.split_once(':') {
        (prefix.to_string(), ":")
    } else if let Some((prefix, _)) = name.split_once(" - ") {
        (prefix.to_string(), " - ")
    } else {
        let t = str(t, "accountType");
        let mut c = t.chars();
        (
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default(),
            "",
        )
    };
    let rest = name.replacen(&format!("{issuer}{sep}"), "", 1);
    let rest = rest.trim_start_matches(':').trim();
    (issuer, rest.to_string())
}

fn decrypt_secret(t: &Value, password: &str) -> std::result::Result<Zeroizing<String>, Error> {
    let ct = data_encoding::BASE64
        .decode(str(t, "encryptedSecret").as_bytes())
        .map_err(|_| malformed("an encryptedSecret is not Base64"))?;
    let key = crypto::pbkdf2_sha1(
        password.as_bytes(),
        str(t, "salt").as_bytes(),
        PBKDF2_ROUNDS,
    );
    let plain = crypto::aes_cbc_open(&key, &[0u8; 16], &ct).map_err(|_| Error::WrongPassword)?;
    String::from_utf8(plain.to_vec())
        .map(Zeroizing::new)
        .map_err(|_| Error::WrongPassword)
}

impl Importer for Authy {
    fn id(&self) -> &'static str {
        "authy"
    }
    fn name(&self) -> &'static str {
        "Authy"
    }
    fn files(&self) -> &'static str {
        "com.authy.storage.tokens.authenticator.xml from a rooted phone"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Optional
    }
    fn detect(&self, data: &[u8]) -> bool {
        KEYS.iter().any(|k| prefs::has_key(data, k))
    }
    fn encrypted(&self, data: &[u8]) -> bool {
        tokens(data).is_ok_and(|t| needs_password(as_list(&t)))
    }
    fn read(&self, data: &[u8], password: Option<&str>) -> Result<Parsed> {
        let tokens = tokens(data)?;
        let list = as_list(&tokens);
        if needs_password(list) && password.is_none() {
            return Err(Error::PasswordNeeded);
        }
        let mut out = Parsed::default();
        let mut opened_one = false;
        for (i, t) in list.iter().enumerate() {
            let (issuer, name) = names(t);
            let authy_token = t.get("secretSeed").is_some();
            let secret = if authy_token {
                match data_encoding::HEXLOWER_PERMISSIVE.decode(str(t, "secretSeed").as_bytes()) {
                    Ok(b) => Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&Zeroizing::new(b))),
                    Err(_) => {
                        out.refused.push(Refused::new(
                            super::loose_label(&issuer, &name, i),
                            "the Authy token key is not hex",
                        ));
                        continue;
                    }
                }
            } else if t.get("decryptedSecret").is_some() {
                Zeroizing::new(str(t, "decryptedSecret").to_string())
            } else {
                match decrypt_secret(t, password.unwrap_or("")) {
                    Ok(s) => {
                        opened_one = true;
                        s
                    }
                    // One entry that does not open under a password that opened others is
                    // damaged; if none opens, the password is wrong.
                    Err(Error::WrongPassword) => {
                        out.refused.push(Refused::new(
                            super::loose_label(&issuer, &name, i),
                            "the secret does not decrypt with this password",
                        ));
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            };
            Fields {
                issuer: if authy_token { str(t, "name") } else { &issuer },
                name: if authy_token { "" } else { &name },
                secret: &secret,
                digits: num(t, "digits"),
                period: Some(if authy_token { 10 } else { 30 }),
                ..Fields::default()
            }
            .push_into(&mut out, i);
        }
        if needs_password(list) && !opened_one {
            return Err(Error::WrongPassword);
        }
        Ok(out)
    }
}
