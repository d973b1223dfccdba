//! FreeOTP+ JSON export (`freeotp-backup.json`).
//!
//! `{tokens: [{algo, counter, digits, issuerExt, label, period, secret, type}], tokenOrder}`;
//! `secret` is an array of **signed** bytes (Java `byte[]`: -128..127).
//!
//! HOTP counter: FreeOTP stores one less than the counter of the next code as other apps and
//! Monban count it (../shared/specs/otp-formats.md §5), so the import adds 1. (Should a
//! FreeOTP build ever store the next counter itself, this skips one code, which HOTP servers'
//! look-ahead window accepts; the opposite mistake would replay a used code.)
//! Steam: FreeOTP has no Steam type; as Aegis does, a TOTP token whose issuer is exactly
//! "Steam" is read as a Steam Guard account. Lost on import: images, colours, token order,
//! `issuerInt`.

use serde_json::Value;
use zeroize::Zeroizing;

use super::json::{num, str};
use super::{Error, Fields, Importer, Parsed, Refused, Result};

const FORMAT: &str = "FreeOTP+";

pub struct FreeOtpPlus;

fn secret_bytes(v: Option<&Value>) -> std::result::Result<Zeroizing<Vec<u8>>, String> {
    let list = v
        .and_then(Value::as_array)
        .ok_or("the secret is not a byte list")?;
    let mut out = Zeroizing::new(Vec::with_capacity(list.len()));
    for b in list {
        let n = b
            .as_i64()
            .filter(|n| (-128..=255).contains(n))
            .ok_or("the secret holds a value that is not a byte")?;
        out.push(n as u8);
    }
    Ok(out)
}

/// Files one FreeOTP token (`{algo, counter, digits, issuerExt, label, period, type}`) with
/// its key bytes (taken from `secret` when `key` is `None`), as entry `i` in list order.
/// `counter_behind`: the file stores one less than the next HOTP counter (FreeOTP 1 and
/// FreeOTP+; FreeOTP 2 backups store the next counter itself).
pub(super) fn push_token(
    out: &mut Parsed,
    i: usize,
    t: &Value,
    key: Option<&[u8]>,
    counter_behind: bool,
) {
    let (issuer, name) = (str(t, "issuerExt"), str(t, "label"));
    let what = super::loose_label(issuer, name, i);
    let bytes = match key {
        Some(k) => Zeroizing::new(k.to_vec()),
        None => match secret_bytes(t.get("secret")) {
            Ok(b) => b,
            Err(why) => {
                out.refused.push(Refused::new(what, why));
                return;
            }
        },
    };
    let b32 = Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&bytes));
    let kind = str(t, "type");
    let steam = kind.eq_ignore_ascii_case("totp") && issuer.trim() == "Steam";
    let fields = Fields {
        issuer,
        name,
        secret: &b32,
        kind: if steam { "steam" } else { kind },
        algorithm: str(t, "algo"),
        digits: num(t, "digits"),
        period: num(t, "period"),
        counter: num(t, "counter").map(|c| c.saturating_add(u64::from(counter_behind))),
    };
    let meta = super::Meta {
        order: u32::try_from(i).ok(),
        ..super::Meta::default()
    };
    fields.push_with_meta(out, i, meta);
}

fn read_tokens(tokens: &[Value]) -> Parsed {
    let mut out = Parsed::default();
    for (i, t) in tokens.iter().enumerate() {
        push_token(&mut out, i, t, None, true);
    }
    out
}

impl Importer for FreeOtpPlus {
    fn id(&self) -> &'static str {
        "freeotp-plus"
    }
    fn name(&self) -> &'static str {
        "FreeOTP+"
    }
    fn files(&self) -> &'static str {
        "JSON export (freeotp-backup.json); its internal tokens.xml reads as FreeOTP"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Never
    }
    fn detect(&self, data: &[u8]) -> bool {
        super::json_matches(data, |v| v.get("tokens").is_some_and(Value::is_array))
    }
    fn encrypted(&self, _data: &[u8]) -> bool {
        false
    }
    fn read(&self, data: &[u8], _password: Option<&str>) -> Result<Parsed> {
        let doc = super::parse_json(data, FORMAT)?;
        let tokens =
            doc.get("tokens")
                .and_then(Value::as_array)
                .ok_or_else(|| Error::Malformed {
                    format: FORMAT,
                    why: "no tokens list".into(),
                })?;
        Ok(read_tokens(tokens))
    }
}
