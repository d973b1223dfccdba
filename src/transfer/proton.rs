//! Proton Authenticator export, plain and password-protected.
//!
//! Plain: JSON `{version: 1, entries: [{id, content: {uri, entry_type, name}, note}]}`: each
//! entry's `uri` is an `otpauth://` link (Steam entries: `steam://`), `name` the account name
//! shown in the app, `note` a free note.
//! Password-protected: `{version: 1, salt, content}` with `content` = Base64 of `nonce (12) ‖
//! AES-256-GCM ciphertext ‖ tag` over the plain export, associated data
//! `proton.authenticator.export.v1`, key = Argon2id(password, salt; 19 MiB, 2 passes, 1 lane)
//! — the app's fixed settings (its `password_exporter.rs`), nothing read from the file.
//!
//! Kept: the note and the list order. Lost: the entry ids.

use data_encoding::BASE64;
use serde_json::Value;

use super::json::str;
use super::{Error, Importer, Meta, Parsed, Refused, Result, crypto};

const FORMAT: &str = "Proton Authenticator";
const AAD: &[u8] = b"proton.authenticator.export.v1";
const ARGON2_M_KIB: u32 = 19 * 1024;
const ARGON2_T: u32 = 2;
const ARGON2_P: u32 = 1;

pub struct Proton;

fn malformed(why: &str) -> Error {
    Error::Malformed {
        format: FORMAT,
        why: why.into(),
    }
}

fn read_entries(doc: &Value) -> Result<Parsed> {
    let entries = doc
        .get("entries")
        .and_then(Value::as_array)
        .ok_or_else(|| malformed("no entries list"))?;
    let mut out = Parsed::default();
    for (i, e) in entries.iter().enumerate() {
        let content = e.get("content").unwrap_or(&Value::Null);
        let name = str(content, "name").trim();
        let what = super::loose_label("", name, i);
        match crate::uri::parse(str(content, "uri")) {
            Ok(mut a) => {
                if !name.is_empty() {
                    a.name = name.to_string();
                }
                match crate::otp::validate(&a) {
                    Ok(()) => out.push_with(
                        a,
                        Meta {
                            note: str(e, "note").to_string(),
                            order: u32::try_from(i).ok(),
                            ..Meta::default()
                        },
                    ),
                    Err(why) => out.refused.push(Refused::new(what, why.to_string())),
                }
            }
            Err(why) => out.refused.push(Refused::new(what, why.to_string())),
        }
    }
    Ok(out)
}

fn decrypt(doc: &Value, password: &str) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    let salt = BASE64
        .decode(str(doc, "salt").as_bytes())
        .map_err(|_| malformed("the salt is not Base64"))?;
    let content = BASE64
        .decode(str(doc, "content").as_bytes())
        .map_err(|_| malformed("the content is not Base64"))?;
    if content.len() < 12 + 16 {
        return Err(malformed("the encrypted content is cut short"));
    }
    let (nonce, sealed) = content.split_at(12);
    let key = crypto::argon2id(password.as_bytes(), &salt, ARGON2_M_KIB, ARGON2_T, ARGON2_P)
        .map_err(Error::KdfRefused)?;
    crypto::aes_gcm_open(&key, nonce, AAD, sealed).map_err(|_| Error::WrongPassword)
}

fn is_encrypted_doc(v: &Value) -> bool {
    v.get("salt").is_some_and(Value::is_string)
        && v.get("content").is_some_and(Value::is_string)
        && v.get("version").is_some()
}

impl Importer for Proton {
    fn id(&self) -> &'static str {
        "proton-authenticator"
    }
    fn name(&self) -> &'static str {
        "Proton Authenticator"
    }
    fn files(&self) -> &'static str {
        "JSON export (.json)"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Optional
    }
    fn detect(&self, data: &[u8]) -> bool {
        super::json_matches(data, |v| {
            is_encrypted_doc(v)
                || v.get("entries").and_then(Value::as_array).is_some_and(|a| {
                    a.iter()
                        .any(|e| e.get("content").is_some_and(|c| c.get("uri").is_some()))
                })
        })
    }
    fn encrypted(&self, data: &[u8]) -> bool {
        super::json_matches(data, is_encrypted_doc)
    }
    fn read(&self, data: &[u8], password: Option<&str>) -> Result<Parsed> {
        let v = super::parse_json(data, FORMAT)?;
        if is_encrypted_doc(&v) {
            let password = password.ok_or(Error::PasswordNeeded)?;
            let plain = decrypt(&v, password)?;
            let inner = super::json_doc(&plain)
                .ok_or_else(|| malformed("the decrypted export is not JSON"))?;
            return read_entries(&inner);
        }
        read_entries(&v)
    }
}
