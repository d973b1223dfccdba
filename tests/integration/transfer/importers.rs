//! Every importer against its fixtures and the ONE shared list of expected accounts.

use std::collections::BTreeMap;

use monban::transfer::{self, Parsed};
use monban::{Account, Algorithm, Kind, Secret};

use crate::common::fixture;

/// The shared list (`expected.json`).
pub fn expected() -> Vec<Account> {
    let text = std::fs::read_to_string(fixture("transfer/expected.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| Account {
            issuer: a["issuer"].as_str().unwrap().into(),
            name: a["name"].as_str().unwrap().into(),
            secret: Secret::new(
                data_encoding::BASE32_NOPAD
                    .decode(a["secret"].as_str().unwrap().as_bytes())
                    .unwrap(),
            ),
            kind: match a["kind"].as_str().unwrap() {
                "totp" => Kind::Totp,
                "hotp" => Kind::Hotp,
                _ => Kind::Steam,
            },
            algorithm: match a["algorithm"].as_str().unwrap() {
                "SHA1" => Algorithm::Sha1,
                "SHA256" => Algorithm::Sha256,
                _ => Algorithm::Sha512,
            },
            digits: a["digits"].as_u64().unwrap() as u32,
            period: a["period"].as_u64().unwrap(),
            counter: a["counter"].as_u64().unwrap(),
        })
        .collect()
}

/// Which expected accounts each fixture carries (`carries.json`).
fn carries() -> BTreeMap<String, Vec<usize>> {
    let text = std::fs::read_to_string(fixture("transfer/carries.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn check(file: &str, format: &str, password: Option<&str>) -> Parsed {
    let data = std::fs::read(fixture(&format!("transfer/{file}"))).unwrap();
    let detected = transfer::detect(&data).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(
        detected.id(),
        format,
        "{file} detected as {}",
        detected.id()
    );
    let imp = transfer::importer(format).unwrap();
    assert_eq!(imp.encrypted(&data), password.is_some(), "{file}");
    if password.is_some() {
        assert_eq!(
            imp.read(&data, None).unwrap_err(),
            transfer::Error::PasswordNeeded,
            "{file}"
        );
        assert_eq!(
            imp.read(&data, Some("wrong")).unwrap_err(),
            transfer::Error::WrongPassword,
            "{file}"
        );
    }
    let parsed = imp
        .read(&data, password)
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let all = expected();
    let want: Vec<Account> = carries()[file].iter().map(|&i| all[i].clone()).collect();
    assert_eq!(parsed.accounts, want, "{file}");
    assert_eq!(parsed.refused.len(), 1, "{file}: {:?}", parsed.refused);
    assert!(
        parsed.refused[0].what.contains("Broken") || parsed.refused[0].what.starts_with("line"),
        "{file}: {:?}",
        parsed.refused
    );
    assert!(!parsed.refused[0].why.is_empty());
    parsed
}

#[test]
fn uri_list() {
    check("uri-list.txt", "uri-list", None);
}

#[test]
fn aegis_plain() {
    check("aegis-plain.json", "aegis", None);
}

#[test]
fn aegis_encrypted() {
    check("aegis-encrypted.json", "aegis", Some("test"));
}

#[test]
fn twofas_plain() {
    check("2fas-plain.2fas", "2fas", None);
}

#[test]
fn twofas_encrypted() {
    check("2fas-encrypted.2fas", "2fas", Some("test"));
}

#[test]
fn andotp_plain() {
    check("andotp-plain.json", "andotp", None);
}

#[test]
fn andotp_encrypted() {
    check("andotp-encrypted.json.aes", "andotp", Some("test"));
}

#[test]
fn bitwarden() {
    check("bitwarden.json", "bitwarden", None);
}

#[test]
fn freeotp_plus() {
    check("freeotp-plus.json", "freeotp-plus", None);
}

#[test]
fn ente_plain() {
    check("ente-plain.txt", "ente", None);
}

#[test]
fn ente_encrypted() {
    check("ente-encrypted.txt", "ente", Some("test"));
}

/// A Google export written by another program (make_fixtures.py, with the official protobuf
/// runtime), its two parts listed in reverse order.
#[test]
fn google_export_from_another_program() {
    let text = std::fs::read_to_string(fixture("transfer/google-migration.txt")).unwrap();
    let mut asm = transfer::Assembler::new();
    for line in text.lines() {
        let b = transfer::google::parse_migration_uri(line).unwrap();
        asm.add(b.batch_id as u32 as u64, b.part_index(), b.part_count(), b)
            .unwrap();
    }
    assert!(asm.progress().is_complete());
    let mut parsed = Parsed::default();
    for b in asm.into_parts() {
        parsed.extend(b.into_parsed());
    }
    let all = expected();
    let want: Vec<Account> = carries()["google-migration.txt"]
        .iter()
        .map(|&i| all[i].clone())
        .collect();
    assert_eq!(parsed.accounts, want);
    assert_eq!(parsed.refused.len(), 1);
    assert!(parsed.refused[0].why.contains("MD5"));
}

#[test]
fn truncated_and_garbage_files_fail_cleanly() {
    for f in [
        "aegis-encrypted.json",
        "2fas-encrypted.2fas",
        "andotp-encrypted.json.aes",
        "ente-encrypted.txt",
        "bitwarden.json",
    ] {
        let data = std::fs::read(fixture(&format!("transfer/{f}"))).unwrap();
        for cut in [0, 1, data.len() / 2, data.len() - 1] {
            for imp in transfer::IMPORTERS {
                let _ = imp.read(&data[..cut], Some("test"));
            }
        }
    }
    assert!(transfer::detect(b"hello world").is_err());
}
