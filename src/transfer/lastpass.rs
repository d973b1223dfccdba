//! LastPass Authenticator export (Android and iOS), plain JSON.
//!
//! `{version, accounts: [{issuerName, originalIssuerName, userName, originalUserName, secret,
//! timeStep, digits, algorithm, isFavorite, folderData: {folderId, position}}], folders: [{id,
//! name}]}`. The names shown in the app (`issuerName`, `userName`) win over the ones the
//! enrollment link carried (`original*`, used only where the shown one is missing). All
//! accounts are TOTP (the app has no HOTP).
//!
//! Kept: favourites, folders (as groups; the built-in "Favorites" and default folders are
//! not groups), the order within the list. Lost: push-notification (LastPass MFA) accounts,
//! which have no code key and are refused.

use std::collections::BTreeMap;

use serde_json::Value;

use super::json::{num, str};
use super::{Fields, Importer, Meta, Parsed, Result};

const FORMAT: &str = "LastPass Authenticator";

pub struct LastPass;

fn accounts(v: &Value) -> Option<&Vec<Value>> {
    v.get("accounts").and_then(Value::as_array).filter(|a| {
        a.iter()
            .any(|e| e.get("secret").is_some() && e.get("timeStep").is_some())
    })
}

fn first_set<'a>(a: &'a Value, shown: &str, original: &str) -> &'a str {
    match str(a, shown).trim() {
        "" => str(a, original),
        s => s,
    }
}

impl Importer for LastPass {
    fn id(&self) -> &'static str {
        "lastpass"
    }
    fn name(&self) -> &'static str {
        "LastPass Authenticator"
    }
    fn files(&self) -> &'static str {
        "JSON export (Android, iOS)"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Never
    }
    fn detect(&self, data: &[u8]) -> bool {
        super::json_matches(data, |v| accounts(v).is_some())
    }
    fn encrypted(&self, _data: &[u8]) -> bool {
        false
    }
    fn read(&self, data: &[u8], _password: Option<&str>) -> Result<Parsed> {
        let doc = super::parse_json(data, FORMAT)?;
        let list = accounts(&doc).ok_or_else(|| super::Error::Malformed {
            format: FORMAT,
            why: "no accounts list with secrets".into(),
        })?;
        let folders: BTreeMap<u64, &str> = doc
            .get("folders")
            .and_then(Value::as_array)
            .map(|f| {
                f.iter()
                    .filter_map(|f| Some((num(f, "id")?, str(f, "name"))))
                    .collect()
            })
            .unwrap_or_default();
        let mut out = Parsed::default();
        for (i, a) in list.iter().enumerate() {
            let folder = a.get("folderData").unwrap_or(&Value::Null);
            let folder_id = num(folder, "folderId");
            // Folder 0 is the default list, folder 1 the built-in favourites.
            let favourite = a
                .get("isFavorite")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                || folder_id == Some(1);
            let groups = folder_id
                .filter(|id| *id > 1)
                .and_then(|id| folders.get(&id))
                .map(|n| vec![(*n).to_string()])
                .unwrap_or_default();
            let meta = Meta {
                favourite,
                groups,
                order: u32::try_from(i).ok(),
                ..Meta::default()
            };
            Fields {
                issuer: first_set(a, "issuerName", "originalIssuerName"),
                name: first_set(a, "userName", "originalUserName"),
                secret: str(a, "secret"),
                algorithm: str(a, "algorithm"),
                digits: num(a, "digits"),
                period: num(a, "timeStep"),
                ..Fields::default()
            }
            .push_with_meta(&mut out, i, meta);
        }
        Ok(out)
    }
}
