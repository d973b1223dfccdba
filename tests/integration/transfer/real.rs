//! Real export files written by the other apps themselves (tests/fixtures/transfer/<format>/,
//! with their licence notes): each fixture set against its ONE expected-accounts list
//! (expected.json, written by make_expected.py), field by field, plus the set's broken copy,
//! whose one damaged entry must be refused alone.

use monban::transfer::{self, Parsed};
use monban::{Account, Kind};
use serde_json::Value;

use crate::common::fixture;

/// Every folder of real fixtures (one per format, named by the importer's id).
pub const FORMATS: &[&str] = &[
    "2fas",
    "aegis",
    "andotp",
    "authenticator-plus",
    "authy",
    "battle-net",
    "bitwarden",
    "duo",
    "ente",
    "freeotp",
    "freeotp-plus",
    "google-authenticator-db",
    "keepass",
    "lastpass",
    "microsoft-authenticator",
    "proton-authenticator",
    "proton-pass",
    "raivo",
    "steam",
    "stratum",
    "totp-authenticator",
    "uri-list",
];

/// An expected account, with the secret as Base32.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
pub struct Want {
    pub secret: String,
    pub kind: String,
    pub issuer: String,
    pub name: String,
    pub algorithm: String,
    pub digits: u64,
    pub period: u64,
    pub counter: u64,
}

pub fn want_of(a: &Value) -> Want {
    let s = |k: &str| {
        a[k].as_str()
            .unwrap_or_else(|| panic!("{k} in {a}"))
            .to_string()
    };
    let n = |k: &str| a[k].as_u64().unwrap_or_else(|| panic!("{k} in {a}"));
    Want {
        secret: s("secret"),
        kind: s("kind"),
        issuer: s("issuer"),
        name: s("name"),
        algorithm: s("algorithm"),
        digits: n("digits"),
        period: n("period"),
        counter: n("counter"),
    }
}

pub fn got_of(a: &Account) -> Want {
    Want {
        secret: a.secret.to_base32().to_string(),
        kind: a.kind.as_str().to_string(),
        issuer: a.issuer.clone(),
        name: a.name.clone(),
        algorithm: a.algorithm.as_str().to_string(),
        digits: u64::from(a.digits),
        period: if a.kind == Kind::Hotp { 30 } else { a.period },
        counter: a.counter,
    }
}

fn sorted(mut v: Vec<Want>) -> Vec<Want> {
    v.sort();
    v
}

fn read(folder: &str, file: &str, password: Option<&str>) -> Parsed {
    let path = fixture(&format!("transfer/{folder}/{file}"));
    let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let imp = transfer::detect(&data).unwrap_or_else(|e| panic!("{folder}/{file}: {e}"));
    assert_eq!(imp.id(), folder, "{folder}/{file} detected as {}", imp.id());
    assert_eq!(
        imp.encrypted(&data),
        password.is_some(),
        "{folder}/{file}: encrypted?"
    );
    if password.is_some() {
        assert_eq!(
            imp.read(&data, None).unwrap_err(),
            transfer::Error::PasswordNeeded,
            "{folder}/{file}"
        );
        assert_eq!(
            imp.read(&data, Some("not the password 9")).unwrap_err(),
            transfer::Error::WrongPassword,
            "{folder}/{file}"
        );
    }
    imp.read(&data, password)
        .unwrap_or_else(|e| panic!("{folder}/{file}: {e}"))
}

/// Checks one folder; returns the number of fixture files it read.
pub fn check_folder(folder: &str) -> usize {
    let text = std::fs::read_to_string(fixture(&format!("transfer/{folder}/expected.json")))
        .unwrap_or_else(|e| panic!("{folder}/expected.json: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut files = 0;
    for set in doc["sets"].as_array().unwrap() {
        let want: Vec<Want> = set["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(want_of)
            .collect();
        let want = sorted(want);
        for f in set["files"].as_array().unwrap() {
            let file = f["file"].as_str().unwrap();
            let parsed = read(folder, file, f["password"].as_str());
            let got = sorted(parsed.accounts.iter().map(got_of).collect());
            assert_eq!(got, want, "{folder}/{file} ({})", set["name"]);
            let expect_refused = f["refused"].as_u64().unwrap_or(0) as usize;
            assert_eq!(
                parsed.refused.len(),
                expect_refused,
                "{folder}/{file}: {:?}",
                parsed.refused
            );
            files += 1;
        }
        if let Some(b) = set.get("broken").filter(|b| b.is_object()) {
            let file = b["file"].as_str().unwrap();
            let victim = b["refused"].as_str().unwrap();
            let parsed = read(folder, file, b["password"].as_str());
            let got = sorted(parsed.accounts.iter().map(got_of).collect());
            let rest: Vec<Want> = want
                .iter()
                .filter(|w| w.secret != victim)
                .cloned()
                .collect();
            assert_eq!(got, rest, "{folder}/{file}: all but the broken entry");
            assert_eq!(
                parsed.refused.len(),
                1,
                "{folder}/{file}: {:?}",
                parsed.refused
            );
            assert!(!parsed.refused[0].why.is_empty());
            files += 1;
        }
    }
    files
}

macro_rules! folder_tests {
    ($($name:ident => $folder:literal),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                assert!(check_folder($folder) > 0);
            }
        )*
    };
}

folder_tests! {
    twofas => "2fas",
    aegis => "aegis",
    andotp => "andotp",
    authenticator_plus => "authenticator-plus",
    authy => "authy",
    battle_net => "battle-net",
    bitwarden => "bitwarden",
    duo => "duo",
    ente => "ente",
    freeotp => "freeotp",
    freeotp_plus => "freeotp-plus",
    google_authenticator_db => "google-authenticator-db",
    keepass => "keepass",
    lastpass => "lastpass",
    microsoft_authenticator => "microsoft-authenticator",
    proton_authenticator => "proton-authenticator",
    proton_pass => "proton-pass",
    raivo => "raivo",
    steam => "steam",
    stratum => "stratum",
    totp_authenticator => "totp-authenticator",
    uri_list => "uri-list",
}

/// Every format folder is listed (a new folder without a test would go unchecked).
#[test]
fn every_folder_is_checked() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixture("transfer"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("expected.json").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    assert_eq!(on_disk, FORMATS);
}

// ------------------------------------------------------------------ the import contract

mod contract {
    use std::path::Path;
    use std::process::Command;

    use crate::common::{fixture, monban, run};

    const PASSCODE: &str = "correct horse battery staple 7";

    fn cmd(vault: &Path) -> Command {
        let mut c = monban();
        c.env("MONBAN_VAULT", vault)
            .env("MONBAN_PASSCODE", PASSCODE);
        c
    }

    fn import(vault: &Path, file: &str, password: Option<&str>) -> (bool, String, String) {
        let mut c = cmd(vault);
        if let Some(p) = password {
            c.env("MONBAN_BACKUP_PASSWORD", p);
        }
        c.arg("import").arg(fixture(&format!("transfer/{file}")));
        run(c)
    }

    #[test]
    fn list_formats_names_every_importer_with_its_files_and_encryption() {
        let mut c = monban();
        c.args(["import", "--list-formats"]);
        let (ok, out, err) = run(c);
        assert!(ok, "{err}");
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines.len() >= monban::transfer::IMPORTERS.len() + 3,
            "{out}"
        );
        for imp in monban::transfer::IMPORTERS {
            let line = lines
                .iter()
                .find(|l| l.starts_with(&format!("{}:", imp.name())))
                .unwrap_or_else(|| panic!("{} missing:\n{out}", imp.name()));
            assert!(line.contains("encrypted"), "{line}");
        }
    }

    #[test]
    fn real_exports_import_and_export_again_with_their_fields() {
        let d = tempfile::tempdir().unwrap();
        let v = d.path().join("real.vault");
        let (ok, _, err) = run({
            let mut c = cmd(&v);
            c.arg("init");
            c
        });
        assert!(ok, "{err}");
        // Encrypted (Argon2id) Authenticator Pro backup: 7 accounts of every kind.
        let (ok, out, err) = import(&v, "stratum/stratum_encrypted.bin", Some("test"));
        assert!(ok, "{err}");
        assert!(out.contains("added 7, duplicates 0, refused 0"), "{out}");
        // The same accounts again from another app: all duplicates.
        let (ok, out, err) = import(&v, "aegis/aegis_plain.json", None);
        assert!(ok, "{err}");
        assert!(out.contains("added 0, duplicates 7, refused 0"), "{out}");
        // A file with one broken entry: read (exit 0), the entry refused with why.
        let (ok, out, err) = import(&v, "lastpass/proton-lastpass.json", None);
        assert!(ok, "{err}");
        assert!(out.contains("added 3, duplicates 0, refused 0"), "{out}");
        let (ok, out, err) = import(&v, "2fas/2fas_authenticator_plain_v4-broken.2fas", None);
        assert!(ok, "{err}");
        assert!(out.contains("duplicates 4, refused 1"), "{out}");
        assert!(out.contains("refused Deno (Mason): "), "{out}");
        // Every account comes out of `export --format uri` with what the source carried.
        let uris = d.path().join("out.txt");
        let (ok, _, err) = run({
            let mut c = cmd(&v);
            c.args(["export", "--format", "uri", "--out"]).arg(&uris);
            c
        });
        assert!(ok, "{err}");
        let text = std::fs::read_to_string(&uris).unwrap();
        assert_eq!(text.lines().count(), 10, "{text}");
        for want in [
            "otpauth://hotp/WWE:Mason?secret=5VAML3X35THCEBVRLV24CGBKOY&issuer=WWE&algorithm=SHA512&digits=8&counter=10300",
            "otpauth://totp/SPDX:James?secret=5OM4WOOGPLQEF6UGN3CPEOOLWU&issuer=SPDX&algorithm=SHA256&digits=7&period=20",
            "otpauth://steam/Boeing:Sophia?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&issuer=Boeing",
        ] {
            assert!(
                text.lines().any(|l| l.starts_with(want)),
                "{want} missing from:\n{text}"
            );
        }
    }

    #[test]
    fn unreadable_files_fail_with_one_line_saying_why() {
        let d = tempfile::tempdir().unwrap();
        let v = d.path().join("v.vault");
        let junk = d.path().join("junk.bin");
        std::fs::write(&junk, b"\x00\x01\x02 not an export at all").unwrap();
        let mut c = cmd(&v);
        c.arg("import").arg(&junk);
        let (ok, out, err) = run(c);
        assert!(!ok && out.is_empty(), "{out}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(
            err.contains("Monban reads:") && err.contains("Aegis"),
            "{err}"
        );
        // A known format, damaged: which format and what is wrong.
        let cut = d.path().join("cut.json");
        let aegis = std::fs::read(fixture("transfer/aegis/aegis_plain.json")).unwrap();
        std::fs::write(&cut, &aegis[..aegis.len() / 2]).unwrap();
        let mut c = cmd(&v);
        c.arg("import").arg(&cut).arg("--format").arg("aegis");
        let (ok, _, err) = run(c);
        assert!(!ok, "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains("damaged Aegis file"), "{err}");
        // A wrong password names the file and the format.
        let (ok, _, err) = import(
            &v,
            "2fas/2fas_authenticator_encrypted_v4.2fas",
            Some("nope"),
        );
        assert!(
            !ok && err.contains("2FAS") && err.contains("wrong password"),
            "{err}"
        );
    }
}
