//! Bitwarden (and Vaultwarden) unencrypted JSON export.
//!
//! `{encrypted: false, items: [{name, login: {username, totp}}]}`; `totp` is an `otpauth://`
//! URI, a `steam://` URI or a bare Base32 key. Items without `totp` (plain logins, notes,
//! cards) are not authenticator entries and are passed over without a refusal. For a bare
//! key the issuer is the item name and the account the login username; for URIs missing an
//! issuer or a name, the same item fields fill the gap.
//!
//! Password-protected (`encrypted: true`) exports are refused as a whole: export again as
//! "JSON" without a password. Lost on import: everything but the TOTP fields (passwords,
//! URLs, notes, folders).

use serde_json::Value;

use super::json::str;
use super::{Error, Fields, Importer, Parsed, Refused, Result};

const FORMAT: &str = "Bitwarden";

pub struct Bitwarden;

fn read_items(items: &[Value]) -> Parsed {
    let mut out = Parsed::default();
    for (i, item) in items.iter().enumerate() {
        let login = item.get("login").unwrap_or(&Value::Null);
        let totp = str(login, "totp").trim();
        if totp.is_empty() {
            continue;
        }
        let (item_name, user) = (str(item, "name").trim(), str(login, "username").trim());
        let lower = totp.to_ascii_lowercase();
        if lower.starts_with("otpauth://") || lower.starts_with("steam://") {
            match crate::uri::parse(totp) {
                Ok(mut a) => {
                    if a.issuer.is_empty() || lower.starts_with("steam://") {
                        a.issuer = if item_name.is_empty() {
                            a.issuer
                        } else {
                            item_name.to_string()
                        };
                    }
                    if a.name.is_empty() {
                        a.name = user.to_string();
                    }
                    out.push_checked(a);
                }
                Err(e) => out.refused.push(Refused::new(
                    super::loose_label(item_name, user, i),
                    e.to_string(),
                )),
            }
        } else {
            Fields {
                issuer: item_name,
                name: user,
                secret: totp,
                ..Fields::default()
            }
            .push_into(&mut out, i);
        }
    }
    out
}

impl Importer for Bitwarden {
    fn id(&self) -> &'static str {
        "bitwarden"
    }
    fn name(&self) -> &'static str {
        "Bitwarden JSON"
    }
    fn detect(&self, data: &[u8]) -> bool {
        serde_json::from_slice::<Value>(data).is_ok_and(|v| {
            v.get("items").is_some_and(Value::is_array) && v.get("encrypted").is_some()
        })
    }
    fn encrypted(&self, data: &[u8]) -> bool {
        serde_json::from_slice::<Value>(data)
            .is_ok_and(|v| v.get("encrypted") == Some(&Value::Bool(true)))
    }
    fn read(&self, data: &[u8], _password: Option<&str>) -> Result<Parsed> {
        let doc = super::parse_json(data, FORMAT)?;
        if doc.get("encrypted") == Some(&Value::Bool(true)) {
            return Err(Error::Unsupported {
                format: FORMAT,
                why: "password-protected exports cannot be read; export again as plain JSON".into(),
            });
        }
        let items = doc
            .get("items")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::Malformed {
                format: FORMAT,
                why: "no items list".into(),
            })?;
        Ok(read_items(items))
    }
}
