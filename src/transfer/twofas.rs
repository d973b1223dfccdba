//! 2FAS Authenticator `.2fas` backup, plain and encrypted.
//!
//! JSON `{services: [...], schemaVersion, ...}`; each service has `secret`, `name` and
//! `otp{account, issuer, digits, period | counter, algorithm, tokenType}`. Encrypted files
//! have `services: []` and `servicesEncrypted = b64(ciphertext‖tag):b64(salt):b64(iv)`:
//! PBKDF2-HMAC-SHA256 with 10,000 iterations, AES-256-GCM; the plaintext is the services
//! array. (The `reference` field, an encrypted known text, is not needed: GCM authentication
//! already tells a wrong password.)
//!
//! The issuer is `otp.issuer`, else the service `name`. Lost on import: icons, groups, order,
//! badge colours, `source`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
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

fn read_services(services: &[Value]) -> Parsed {
    let mut out = Parsed::default();
    for (i, s) in services.iter().enumerate() {
        let otp = s.get("otp").unwrap_or(&Value::Null);
        let issuer = match str(otp, "issuer") {
            "" => str(s, "name"),
            i => i,
        };
        let fields = Fields {
            issuer,
            name: str(otp, "account"),
            secret: str(s, "secret"),
            kind: str(otp, "tokenType"),
            algorithm: str(otp, "algorithm"),
            digits: num(otp, "digits"),
            period: num(otp, "period"),
            counter: num(otp, "counter"),
        };
        fields.push_into(&mut out, i);
    }
    out
}

fn decrypt(blob: &str, password: &str) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    let parts: Vec<&str> = blob.trim().split(':').collect();
    let [ct, salt, iv] = parts[..] else {
        return Err(malformed("servicesEncrypted is not ciphertext:salt:iv"));
    };
    let b64 = |s: &str| {
        STANDARD
            .decode(s)
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
        "2FAS backup"
    }
    fn detect(&self, data: &[u8]) -> bool {
        serde_json::from_slice::<Value>(data).is_ok_and(|v| {
            v.get("services").is_some_and(Value::is_array) && v.get("schemaVersion").is_some()
        })
    }
    fn encrypted(&self, data: &[u8]) -> bool {
        serde_json::from_slice::<Value>(data)
            .is_ok_and(|v| v.get("servicesEncrypted").is_some_and(Value::is_string))
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
            return Ok(read_services(list));
        }
        let list = doc
            .get("services")
            .and_then(Value::as_array)
            .ok_or_else(|| malformed("no services list"))?;
        Ok(read_services(list))
    }
}
