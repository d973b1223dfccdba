//! Steam Desktop Authenticator `.maFile` (and the JSON other Steam Guard tools write), old and
//! new layout.
//!
//! Old: one account per file, `{shared_secret, account_name, identity_secret, revocation_code,
//! steamid, ...}`. New: `{accounts: {"<id>": {the same fields}}}`. `shared_secret` is the
//! Base64 TOTP key; the account becomes a Steam Guard entry (5 characters, SHA1, 30 s), issuer
//! "Steam", name `account_name`.
//!
//! Lost: the revocation code, identity secret (trade confirmations) and session data, which an
//! authenticator does not use. Encrypted SDA files (`"encrypted": true` in its manifest) are
//! refused by SDA's design: decrypt them in SDA first.

use serde_json::Value;
use zeroize::Zeroizing;

use super::json::str;
use super::{Error, Fields, Importer, Parsed, Refused, Result};

const FORMAT: &str = "Steam";

pub struct Steam;

fn is_account(v: &Value) -> bool {
    v.get("shared_secret").is_some_and(Value::is_string)
        && (v.get("account_name").is_some() || v.get("steamid").is_some())
}

fn accounts(v: &Value) -> Vec<&Value> {
    if is_account(v) {
        return vec![v];
    }
    match v.get("accounts") {
        Some(Value::Object(map)) => map.values().filter(|a| is_account(a)).collect(),
        Some(Value::Array(list)) => list.iter().filter(|a| is_account(a)).collect(),
        _ => Vec::new(),
    }
}

impl Importer for Steam {
    fn id(&self) -> &'static str {
        "steam"
    }
    fn name(&self) -> &'static str {
        "Steam Desktop Authenticator"
    }
    fn files(&self) -> &'static str {
        ".maFile (one account or an accounts list)"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Never
    }
    fn detect(&self, data: &[u8]) -> bool {
        super::json_matches(data, |v| !accounts(v).is_empty())
    }
    fn encrypted(&self, _data: &[u8]) -> bool {
        false
    }
    fn read(&self, data: &[u8], _password: Option<&str>) -> Result<Parsed> {
        let doc = super::parse_json(data, FORMAT)?;
        let list = accounts(&doc);
        if list.is_empty() {
            return Err(Error::Malformed {
                format: FORMAT,
                why: "no account with a shared_secret in it".into(),
            });
        }
        let mut out = Parsed::default();
        for (i, a) in list.into_iter().enumerate() {
            let name = str(a, "account_name");
            let Ok(key) = data_encoding::BASE64.decode(str(a, "shared_secret").as_bytes()) else {
                out.refused.push(Refused::new(
                    super::loose_label("Steam", name, i),
                    "the shared_secret is not Base64",
                ));
                continue;
            };
            let b32 = Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&Zeroizing::new(key)));
            Fields {
                issuer: "Steam",
                name,
                secret: &b32,
                kind: "steam",
                ..Fields::default()
            }
            .push_into(&mut out, i);
        }
        Ok(out)
    }
}
