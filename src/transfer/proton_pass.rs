//! Proton Pass export: a zip holding `Proton Pass/data.json` (unencrypted export).
//!
//! `data.json` = `{version, vaults: {"<id>": {name, items: [{data: {type, metadata: {name,
//! note}, content: {totpUri, itemUsername, itemEmail}, extraFields: [{fieldName, type:
//! "totp", data: {totpUri}}]}, pinned, state}]}}}`. Every login's `totpUri` and every TOTP
//! extra field is one account; `totpUri` may be an `otpauth://` link or a bare Base32 key
//! (then the item name is the issuer and the username or e-mail the name). Items in the trash
//! (`state` 2) are passed over, as are items without a TOTP.
//!
//! Kept: the vault name (as a group), the item note, pinned items as favourites. Lost:
//! passwords, URLs, passkeys. The PGP-encrypted export (`.pgp`) is refused: export again
//! without encryption. The zip is bounded before it is unpacked (entry count, sizes).

use serde_json::Value;

use super::json::{num, str};
use super::{Error, Importer, Meta, Parsed, Result, push_login_totp};

const FORMAT: &str = "Proton Pass";
const DATA_JSON: &str = "Proton Pass/data.json";

pub struct ProtonPass;

fn malformed(why: impl Into<String>) -> Error {
    Error::Malformed {
        format: FORMAT,
        why: why.into(),
    }
}

fn read_doc(doc: &Value) -> Result<Parsed> {
    let vaults = doc
        .get("vaults")
        .and_then(Value::as_object)
        .ok_or_else(|| malformed("no vaults in data.json"))?;
    let mut out = Parsed::default();
    let mut n = 0;
    for vault in vaults.values() {
        let vault_name = str(vault, "name").trim();
        let Some(items) = vault.get("items").and_then(Value::as_array) else {
            continue;
        };
        for item in items {
            if num(item, "state") == Some(2) {
                continue; // in the trash
            }
            let data = item.get("data").unwrap_or(&Value::Null);
            let md = data.get("metadata").unwrap_or(&Value::Null);
            let content = data.get("content").unwrap_or(&Value::Null);
            let name = str(md, "name");
            let user = match str(content, "itemUsername").trim() {
                "" => str(content, "itemEmail"),
                u => u,
            };
            let meta = Meta {
                note: str(md, "note").to_string(),
                favourite: item.get("pinned").and_then(Value::as_bool).unwrap_or(false),
                groups: if vault_name.is_empty() {
                    Vec::new()
                } else {
                    vec![vault_name.to_string()]
                },
                ..Meta::default()
            };
            let mut uris: Vec<&str> = vec![str(content, "totpUri")];
            if let Some(extra) = data.get("extraFields").and_then(Value::as_array) {
                uris.extend(
                    extra
                        .iter()
                        .filter(|f| str(f, "type") == "totp")
                        .map(|f| str(f.get("data").unwrap_or(&Value::Null), "totpUri")),
                );
            }
            for uri in uris.into_iter().filter(|u| !u.trim().is_empty()) {
                push_login_totp(&mut out, n, name, user, uri, meta.clone());
                n += 1;
            }
        }
    }
    Ok(out)
}

impl Importer for ProtonPass {
    fn id(&self) -> &'static str {
        "proton-pass"
    }
    fn name(&self) -> &'static str {
        "Proton Pass"
    }
    fn files(&self) -> &'static str {
        "export zip (Proton Pass/data.json inside)"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Never
    }
    fn detect(&self, data: &[u8]) -> bool {
        super::zipped::holds(data, DATA_JSON)
    }
    fn encrypted(&self, _data: &[u8]) -> bool {
        false
    }
    fn read(&self, data: &[u8], _password: Option<&str>) -> Result<Parsed> {
        let json = super::zipped::member(data, DATA_JSON, None, FORMAT)?;
        let doc: Value = serde_json::from_slice(&json)
            .map_err(|e| malformed(format!("data.json is not JSON ({e})")))?;
        read_doc(&doc)
    }
}
