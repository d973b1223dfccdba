//! Bitwarden (and Vaultwarden) unencrypted JSON and CSV exports.
//!
//! `{encrypted: false, items: [{name, login: {username, totp}}]}`; `totp` is an `otpauth://`
//! URI, a `steam://` URI or a bare Base32 key. Items without `totp` (plain logins, notes,
//! cards) are not authenticator entries and are passed over without a refusal. For a bare
//! key the issuer is the item name and the account the login username; for URIs missing an
//! issuer or a name, the same item fields fill the gap.
//!
//! Password-protected (`encrypted: true`) exports are refused as a whole: export again as
//! "JSON" without a password. CSV: the header row names the columns (`folder, favorite,
//! type, name, notes, ..., login_username, ..., login_totp`); rows are read by column name, so
//! extra or reordered columns do not matter. Kept: notes, favourites, folders (as groups).
//! Lost: passwords, URLs and custom fields.

use std::collections::BTreeMap;

use serde_json::Value;

use super::json::str;
use super::{Error, Importer, Meta, Parsed, Refused, Result, push_login_totp};

const FORMAT: &str = "Bitwarden";

pub struct Bitwarden;

fn read_items(doc: &Value, items: &[Value]) -> Parsed {
    let folders: BTreeMap<&str, &str> = doc
        .get("folders")
        .and_then(Value::as_array)
        .map(|f| f.iter().map(|f| (str(f, "id"), str(f, "name"))).collect())
        .unwrap_or_default();
    let mut out = Parsed::default();
    for (i, item) in items.iter().enumerate() {
        let login = item.get("login").unwrap_or(&Value::Null);
        let totp = str(login, "totp");
        if totp.trim().is_empty() {
            continue;
        }
        let meta = Meta {
            note: str(item, "notes").to_string(),
            favourite: item
                .get("favorite")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            groups: folders
                .get(str(item, "folderId"))
                .map(|n| vec![(*n).to_string()])
                .unwrap_or_default(),
            ..Meta::default()
        };
        push_login_totp(
            &mut out,
            i,
            str(item, "name"),
            str(login, "username"),
            totp,
            meta,
        );
    }
    out
}

/// The columns a Bitwarden CSV export starts with (the `login_*` ones come later).
fn csv_header(data: &[u8]) -> Option<csv::StringRecord> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(data.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(data));
    let h = r.headers().ok()?.clone();
    let has = |c: &str| h.iter().any(|x| x.trim() == c);
    (has("login_totp") && has("name") && has("type")).then_some(h)
}

fn read_csv(data: &[u8]) -> Result<Parsed> {
    let data = data.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(data);
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(data);
    let h = r
        .headers()
        .map_err(|e| Error::Malformed {
            format: FORMAT,
            why: format!("invalid CSV ({e})"),
        })?
        .clone();
    let col = |name: &str| h.iter().position(|x| x.trim() == name);
    let (name, user, totp) = (col("name"), col("login_username"), col("login_totp"));
    let (folder, favourite, notes) = (col("folder"), col("favorite"), col("notes"));
    let mut out = Parsed::default();
    for (i, row) in r.records().enumerate() {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                out.refused.push(Refused::new(
                    format!("row {}", i + 2),
                    format!("invalid CSV ({e})"),
                ));
                continue;
            }
        };
        let get = |c: Option<usize>| c.and_then(|c| row.get(c)).unwrap_or("");
        if get(totp).trim().is_empty() {
            continue;
        }
        let meta = Meta {
            note: get(notes).to_string(),
            favourite: get(favourite).trim() == "1",
            groups: match get(folder).trim() {
                "" => Vec::new(),
                f => vec![f.to_string()],
            },
            ..Meta::default()
        };
        push_login_totp(&mut out, i, get(name), get(user), get(totp), meta);
    }
    Ok(out)
}

impl Importer for Bitwarden {
    fn id(&self) -> &'static str {
        "bitwarden"
    }
    fn name(&self) -> &'static str {
        "Bitwarden"
    }
    fn files(&self) -> &'static str {
        "JSON or CSV export"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Never
    }
    fn detect(&self, data: &[u8]) -> bool {
        super::json_matches(data, |v| {
            v.get("items").is_some_and(Value::is_array) && v.get("encrypted").is_some()
        }) || csv_header(data).is_some()
    }
    fn encrypted(&self, data: &[u8]) -> bool {
        super::json_matches(data, |v| v.get("encrypted") == Some(&Value::Bool(true)))
    }
    fn read(&self, data: &[u8], _password: Option<&str>) -> Result<Parsed> {
        if csv_header(data).is_some() {
            return read_csv(data);
        }
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
        Ok(read_items(&doc, items))
    }
}
