//! 2FAS Authenticator `.2fas` backup, plain and encrypted.
//!
//! JSON `{services: [...], schemaVersion, ...}`; each service has `secret`, `name` and
//! `otp{account, issuer, digits, period | counter, algorithm, tokenType}`. Encrypted files
//! have `services: []` and `servicesEncrypted = b64(ciphertext‖tag):b64(salt):b64(iv)`:
//! PBKDF2-HMAC-SHA256 with 10,000 iterations, AES-256-GCM; the plaintext is the services
//! array. (The `reference` field, an encrypted known text, is not needed: GCM authentication
//! already tells a wrong password.)
//!
//! The issuer is `otp.issuer`, else the issuer in the label of `otp.link`, else the service
//! `name`; the account is `otp.account`, else `otp.label`, else the link's (2FAS manual entries
//! leave the fields empty). Kept: groups, order. Lost: icons (collection ids), badge colours.

use data_encoding::BASE64;
use serde_json::Value;

use super::crypto;
use super::json::{num, str};
use super::{Error, Fields, Importer, Parsed, Result};

const FORMAT: &str = "2FAS";
/// PBKDF2 iterations of 2FAS's encrypted backups.
pub const PBKDF2_ROUNDS: u32 = 10_000;

pub struct TwoFas;

fn malformed(why: &str) -> Error {
    Error::Malformed {
        format: FORMAT,
        why: why.into(),
    }
}

fn read_services(services: &[Value], groups: &[Value]) -> Parsed {
    let group_names: std::collections::BTreeMap<&str, &str> = groups
        .iter()
        .map(|g| (str(g, "id"), str(g, "name")))
        .collect();
    let mut out = Parsed::default();
    for (i, s) in services.iter().enumerate() {
        let otp = s.get("otp").unwrap_or(&Value::Null);
        // Manual entries may leave `account`/`issuer` empty and carry the names only in the
        // label of the stored link.
        let (link_issuer, link_name) = link_label(str(otp, "link"));
        let issuer = first_set(&[str(otp, "issuer"), &link_issuer, str(s, "name")]);
        let name = first_set(&[str(otp, "account"), str(otp, "label"), &link_name]);
        let fields = Fields {
            issuer,
            name,
            secret: str(s, "secret"),
            kind: str(otp, "tokenType"),
            algorithm: str(otp, "algorithm"),
            digits: num(otp, "digits"),
            period: num(otp, "period"),
            counter: num(otp, "counter"),
        };
        let meta = super::Meta {
            groups: group_names
                .get(str(s, "groupId"))
                .map(|n| vec![(*n).to_string()])
                .unwrap_or_default(),
            order: s
                .get("order")
                .and_then(|o| num(o, "position"))
                .and_then(|p| u32::try_from(p).ok()),
            ..super::Meta::default()
        };
        fields.push_with_meta(&mut out, i, meta);
    }
    out
}

fn groups(doc: &Value) -> &[Value] {
    doc.get("groups")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The first non-blank string.
fn first_set<'a>(candidates: &[&'a str]) -> &'a str {
    candidates
        .iter()
        .copied()
        .find(|c| !c.trim().is_empty())
        .unwrap_or("")
}

/// Issuer and name from the label of an `otpauth://` link (empty when there is none).
fn link_label(link: &str) -> (String, String) {
    if link.is_empty() {
        return Default::default();
    }
    crate::uri::parse(link)
        .map(|a| (a.issuer.clone(), a.name.clone()))
        .unwrap_or_default()
}

fn decrypt(blob: &str, password: &str) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    let parts: Vec<&str> = blob.trim().split(':').collect();
    let [ct, salt, iv] = parts[..] else {
        return Err(malformed("servicesEncrypted is not ciphertext:salt:iv"));
    };
    let b64 = |s: &str| {
        BASE64
            .decode(s.as_bytes())
            .map_err(|_| malformed("servicesEncrypted is not Base64"))
    };
    let (ct, salt, iv) = (b64(ct)?, b64(salt)?, b64(iv)?);
    let key = crypto::pbkdf2_sha256(password.as_bytes(), &salt, PBKDF2_ROUNDS);
    crypto::aes_gcm_open(&key, &iv, b"", &ct).map_err(|_| Error::WrongPassword)
}

impl Importer for TwoFas {
    fn id(&self) -> &'static str {
        "2fas"
    }
    fn name(&self) -> &'static str {
        "2FAS"
    }
    fn files(&self) -> &'static str {
        "backup (.2fas, .json)"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Optional
    }
    fn detect(&self, data: &[u8]) -> bool {
        super::json_matches(data, |v| {
            v.get("services").is_some_and(Value::is_array) && v.get("schemaVersion").is_some()
        })
    }
    fn encrypted(&self, data: &[u8]) -> bool {
        super::json_matches(data, |v| {
            v.get("servicesEncrypted").is_some_and(Value::is_string)
        })
    }
    fn read(&self, data: &[u8], password: Option<&str>) -> Result<Parsed> {
        let doc = super::parse_json(data, FORMAT)?;
        if let Some(blob) = doc.get("servicesEncrypted").and_then(Value::as_str) {
            let password = password.ok_or(Error::PasswordNeeded)?;
            let plain = decrypt(blob, password)?;
            let services: Value = serde_json::from_slice(&plain)
                .map_err(|_| malformed("the decrypted services are not JSON"))?;
            let list = services
                .as_array()
                .ok_or_else(|| malformed("the decrypted services are not a list"))?;
            return Ok(read_services(list, groups(&doc)));
        }
        let list = doc
            .get("services")
            .and_then(Value::as_array)
            .ok_or_else(|| malformed("no services list"))?;
        Ok(read_services(list, groups(&doc)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_account_fields_fall_back_to_the_link_label() {
        let doc = br#"{"schemaVersion":4,"services":[{"name":"","secret":"JBSWY3DPEHPK3PXP",
            "otp":{"link":"otpauth://totp/Acme%20Bank:carol%40example.com?secret=JBSWY3DPEHPK3PXP",
            "account":"","issuer":"","tokenType":"TOTP","source":"Manual"}}]}"#;
        let p = TwoFas.read(doc, None).unwrap();
        assert_eq!(p.accounts[0].issuer, "Acme Bank");
        assert_eq!(p.accounts[0].name, "carol@example.com");
    }
}
