//! Duo Mobile's third-party accounts (`duokit/accounts.json` from a rooted Android phone).
//!
//! A JSON array of `{accountType: "OtpAccount", name, otpGenerator: {otpSecret, counter?},
//! logoUri, pkey}`: a `counter` makes it HOTP, else TOTP; always SHA1, 6 digits, 30 s. Duo
//! keeps no issuer apart from the name, so the issuer stays empty. Duo's own push accounts
//! (`accountType` other than `OtpAccount`) have no code key and are refused with why. Lost:
//! the logo (a file path on the phone).

use serde_json::Value;

use super::json::{num, str};
use super::{Fields, Importer, Parsed, Refused, Result};

const FORMAT: &str = "Duo";

pub struct Duo;

fn list(v: &Value) -> Option<&Vec<Value>> {
    v.as_array()
        .filter(|a| a.iter().any(|e| e.get("otpGenerator").is_some()))
}

impl Importer for Duo {
    fn id(&self) -> &'static str {
        "duo"
    }
    fn name(&self) -> &'static str {
        "Duo Mobile"
    }
    fn files(&self) -> &'static str {
        "accounts.json from a rooted phone"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Never
    }
    fn detect(&self, data: &[u8]) -> bool {
        super::json_matches(data, |v| list(v).is_some())
    }
    fn encrypted(&self, _data: &[u8]) -> bool {
        false
    }
    fn read(&self, data: &[u8], _password: Option<&str>) -> Result<Parsed> {
        let doc = super::parse_json(data, FORMAT)?;
        let entries = list(&doc).ok_or_else(|| super::Error::Malformed {
            format: FORMAT,
            why: "no account with an otpGenerator in it".into(),
        })?;
        let mut out = Parsed::default();
        for (i, e) in entries.iter().enumerate() {
            let name = str(e, "name");
            let Some(otp) = e.get("otpGenerator") else {
                out.refused.push(Refused::new(
                    super::loose_label("", name, i),
                    "a Duo push account has no code key",
                ));
                continue;
            };
            let counter = num(otp, "counter");
            Fields {
                name,
                secret: str(otp, "otpSecret"),
                kind: if counter.is_some() { "hotp" } else { "totp" },
                counter,
                ..Fields::default()
            }
            .push_into(&mut out, i);
        }
        Ok(out)
    }
}
