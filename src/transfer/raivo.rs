//! Raivo OTP (iOS): Settings → "Export OTPs to ZIP archive". Raivo writes a zip encrypted with
//! the password it asks for (WinZip AES), holding `raivo-otp-export.json` and an HTML copy of
//! it. The JSON is an array of `{kind: "TOTP" | "HOTP", algorithm, timer, digits, counter,
//! issuer, account, secret, pinned, iconType, iconValue}`, every value a string (layout from
//! Raivo's `DataExportFeature` and its password model). Read: the zip with its password, and
//! the JSON on its own (taken out of the zip by hand, as other apps' guides ask). Kept:
//! `pinned` as favourite. Lost: the icon (a name in Raivo's online icon repository).

use serde_json::Value;

use super::json::{num, str};
use super::{Fields, Importer, Meta, Parsed, Result};

const FORMAT: &str = "Raivo OTP";
const MEMBER: &str = "raivo-otp-export.json";

pub struct Raivo;

/// The entries when `v` is Raivo's array (each entry with `kind`, `timer` and `secret`).
fn list(v: &Value) -> Option<&Vec<Value>> {
    v.as_array().filter(|a| {
        !a.is_empty()
            && a.iter().all(|e| {
                e.get("kind").is_some() && e.get("timer").is_some() && e.get("secret").is_some()
            })
    })
}

fn read_json(data: &[u8]) -> Result<Parsed> {
    let doc = super::parse_json(data, FORMAT)?;
    let entries = list(&doc).ok_or_else(|| super::Error::Malformed {
        format: FORMAT,
        why: "not a list of Raivo accounts (kind, timer, secret)".into(),
    })?;
    let mut out = Parsed::default();
    for (i, e) in entries.iter().enumerate() {
        let hotp = str(e, "kind").eq_ignore_ascii_case("hotp");
        let meta = Meta {
            favourite: str(e, "pinned").eq_ignore_ascii_case("true"),
            ..Meta::default()
        };
        Fields {
            issuer: str(e, "issuer"),
            name: str(e, "account"),
            secret: str(e, "secret"),
            kind: str(e, "kind"),
            algorithm: str(e, "algorithm"),
            digits: num(e, "digits"),
            period: if hotp { None } else { num(e, "timer") },
            counter: if hotp { num(e, "counter") } else { None },
        }
        .push_with_meta(&mut out, i, meta);
    }
    Ok(out)
}

impl Importer for Raivo {
    fn id(&self) -> &'static str {
        "raivo"
    }
    fn name(&self) -> &'static str {
        "Raivo OTP"
    }
    fn files(&self) -> &'static str {
        "export zip (password) or the raivo-otp-export.json inside it"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Optional
    }
    fn detect(&self, data: &[u8]) -> bool {
        super::zipped::holds(data, MEMBER) || super::json_matches(data, |v| list(v).is_some())
    }
    fn encrypted(&self, data: &[u8]) -> bool {
        super::zipped::encrypted(data, MEMBER)
    }
    fn read(&self, data: &[u8], password: Option<&str>) -> Result<Parsed> {
        if super::zipped::holds(data, MEMBER) {
            let json = super::zipped::member(data, MEMBER, password, FORMAT)?;
            return read_json(&json);
        }
        read_json(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Kind;
    use crate::transfer::Error;

    const DIR: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/transfer/raivo/"
    );
    const PASSWORD: &str = "correct horse battery staple 7";

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{DIR}{name}")).unwrap()
    }

    #[test]
    fn the_zip_and_the_json_inside_it_read_alike() {
        let zip = fixture("raivo.zip");
        let json = fixture("raivo-otp-export.json");
        assert!(Raivo.detect(&zip) && Raivo.detect(&json));
        assert!(Raivo.encrypted(&zip) && !Raivo.encrypted(&json));
        let a = Raivo.read(&zip, Some(PASSWORD)).unwrap();
        let b = Raivo.read(&json, None).unwrap();
        assert_eq!(a.accounts, b.accounts);
        assert_eq!(a.accounts.len(), 6);
        let hotp = &a.accounts[4];
        assert_eq!((hotp.kind, hotp.counter), (Kind::Hotp, 50));
        assert!(a.meta(1).is_some_and(|m| m.favourite), "pinned");
        assert!(!a.meta(0).is_some_and(|m| m.favourite));
    }

    #[test]
    fn the_zip_asks_for_its_password_and_names_a_wrong_one() {
        let zip = fixture("raivo.zip");
        assert!(matches!(Raivo.read(&zip, None), Err(Error::PasswordNeeded)));
        assert!(matches!(
            Raivo.read(&zip, Some("not it")),
            Err(Error::WrongPassword)
        ));
    }

    #[test]
    fn an_unknown_kind_is_refused_alone() {
        let json = br#"[{"kind":"TOTP","timer":"30","digits":"6","algorithm":"SHA1","secret":"JBSWY3DPEHPK3PXP","issuer":"A","account":"a"},
                       {"kind":"PUSH","timer":"30","digits":"6","algorithm":"SHA1","secret":"JBSWY3DPEHPK3PXP","issuer":"B","account":"b"}]"#;
        let p = Raivo.read(json, None).unwrap();
        assert_eq!(p.accounts.len(), 1);
        assert_eq!(p.refused.len(), 1);
        assert!(!Raivo.detect(br#"[{"name":"x"}]"#));
    }
}
