//! Secrets never leak through the command line: the built binary is run through every command
//! (plain and `--json`, success and error paths) with a vault holding a known secret, and
//! everything it prints — stdout and stderr, where any panic message or log line would land
//! (Monban has no logging framework; stderr is its only log) — is searched for that secret as
//! raw bytes, hexadecimal and Base32 (any case, with or without spacing, and the first 10
//! bytes alone), and for the passcodes. Only commands whose purpose is to show a secret are
//! exempt from the search of what they were asked to show (`scan` prints the QR content it
//! decodes; exports write secrets into the files the user named, never to the terminal).

use std::path::Path;
use std::process::Command;

use monban::Secret;

use super::CANARY;
use crate::common::{fixture, monban};

/// The canary account as an `otpauth://` URI.
pub fn canary_uri() -> String {
    let b32 = Secret::new(CANARY.to_vec()).to_base32().to_string();
    format!("otpauth://totp/Canary:alice?secret={b32}&issuer=Canary")
}

fn squeeze(b: &[u8]) -> Vec<u8> {
    b.iter()
        .filter(|c| !c.is_ascii_whitespace() && **c != b'-')
        .map(u8::to_ascii_lowercase)
        .collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// The form in which `secret` appears in `hay`, if it does.
pub fn find_leak(hay: &[u8], secret: &[u8]) -> Option<&'static str> {
    if contains(hay, secret) {
        return Some("raw bytes");
    }
    let lower = squeeze(hay);
    let b32 = data_encoding::BASE32_NOPAD
        .encode(secret)
        .to_ascii_lowercase();
    let hex = data_encoding::HEXLOWER.encode(secret);
    let prefix = &secret[..secret.len().min(10)];
    let b32_prefix = data_encoding::BASE32_NOPAD
        .encode(prefix)
        .to_ascii_lowercase();
    let hex_prefix = data_encoding::HEXLOWER.encode(prefix);
    let b64 = data_encoding::BASE64.encode(secret);
    for (form, needle, hay) in [
        ("Base32", b32.as_bytes(), &lower),
        ("hex", hex.as_bytes(), &lower),
        (
            "Base32 of the first 10 bytes",
            b32_prefix.as_bytes(),
            &lower,
        ),
        ("hex of the first 10 bytes", hex_prefix.as_bytes(), &lower),
        (
            "Base64",
            b64.trim_end_matches('=').as_bytes(),
            &hay.to_vec(),
        ),
    ] {
        if contains(hay, needle) {
            return Some(form);
        }
    }
    // The printable middle of the canary, in case the raw bytes were mangled to UTF-8.
    if contains(hay, b"MonbanCanary") {
        return Some("raw bytes (lossy)");
    }
    None
}

const PASSCODE: &str = "leak test walnut quarry violet Q7";
const NEW_PASSCODE: &str = "leak test ember saddle tundra R8";
const BACKUP_PASSWORD: &str = "leak-test-backup-pw-S9";

struct Run<'a> {
    vault: &'a Path,
    passcode: &'a str,
    runs: usize,
}

impl Run<'_> {
    /// Runs `monban --vault V args...`, checks everything it printed, returns (ok, stdout).
    fn check(&mut self, label: &str, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
        let mut c: Command = monban();
        c.arg("--vault").arg(self.vault).args(args);
        c.env("MONBAN_PASSCODE", self.passcode)
            .env("MONBAN_BACKUP_PASSWORD", BACKUP_PASSWORD)
            .env("RUST_BACKTRACE", "1")
            .env("RUST_LOG", "trace");
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().expect("run monban");
        self.runs += 1;
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            if let Some(form) = find_leak(bytes, CANARY) {
                panic!(
                    "`monban {label}` printed the stored secret ({form}) on {stream}:\n{}",
                    String::from_utf8_lossy(bytes)
                );
            }
            let text = String::from_utf8_lossy(bytes);
            for pw in [PASSCODE, NEW_PASSCODE, BACKUP_PASSWORD] {
                assert!(
                    !text.contains(pw),
                    "`monban {label}` printed a passcode or password on {stream}: {text}"
                );
            }
            assert!(
                !text.contains("panicked"),
                "`monban {label}` panicked: {text}"
            );
        }
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }
}

#[test]
fn the_cli_never_prints_a_stored_secret() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("leak.vault");
    let d = |name: &str| dir.path().join(name).display().to_string();
    let uri = canary_uri();
    let b32 = Secret::new(CANARY.to_vec()).to_base32().to_string();
    let mut r = Run {
        vault: &vault,
        passcode: PASSCODE,
        runs: 0,
    };

    assert!(r.check("init", &["init"], &[]).0, "init");
    assert!(r.check("add", &["add", &uri], &[]).0, "add");
    assert!(!r.check("add (duplicate)", &["add", &uri], &[]).0);
    for bad in [
        format!("otpauth://totp/Canary:alice?secret={b32}&digits=99"),
        format!("otpauth://totp/Canary:alice?secret={b32}&algorithm=MD5"),
        format!("otpauth://nonsense/Canary:alice?secret={b32}"),
        format!("otpauth://totp/Canary:alice?secret={b32}!!&issuer=Canary"),
        format!("otpauth-migration://offline?data={b32}"),
    ] {
        assert!(!r.check("add (bad URI)", &["add", &bad], &[]).0, "{bad}");
    }
    // A Google transfer link holding the same account: a duplicate, reported by name only.
    let export = monban::transfer::google::export(
        &[monban::Account::totp(
            "Canary",
            "alice",
            Secret::new(CANARY.to_vec()),
        )],
        1,
    );
    r.check("add (migration)", &["add", &export.uris[0]], &[]);

    let (ok, list) = r.check("list", &["list"], &[]);
    assert!(ok && list.contains("Canary"), "list: {list}");
    let (ok, json) = r.check("list --json", &["list", "--json"], &[]);
    assert!(ok && json.contains("Canary"), "list --json: {json}");
    r.check("list --at", &["list", "--json", "--at", "0"], &[]);
    assert!(r.check("code", &["code", "Canary"], &[]).0);
    assert!(!r.check("code (no match)", &["code", "nomatch"], &[]).0);
    assert!(r.check("code --uri", &["code", "--uri", &uri], &[]).0);
    let bad = format!("otpauth://totp/x?secret={b32}&digits=99");
    assert!(!r.check("code --uri (bad)", &["code", "--uri", &bad], &[]).0);
    assert!(
        r.check(
            "rename",
            &["rename", "Canary", "alice2", "--issuer", "Canary2"],
            &[]
        )
        .0
    );

    // Wrong passcode, missing passcode.
    let mut wrong = Run {
        vault: &vault,
        passcode: "wrong-passcode-000",
        runs: 0,
    };
    assert!(!wrong.check("list (wrong passcode)", &["list"], &[]).0);
    assert!(
        !wrong
            .check("list --json (wrong passcode)", &["list", "--json"], &[])
            .0
    );
    r.runs += wrong.runs;

    // scan: an image that is not an image but holds the secret as text; a real QR image of
    // something else (scan shows what it decodes, so the canary must not be in that image).
    let not_image = d("not-an-image.png");
    std::fs::write(&not_image, uri.as_bytes()).unwrap();
    assert!(!r.check("scan (not an image)", &["scan", &not_image], &[]).0);
    assert!(
        !r.check(
            "scan --json (not an image)",
            &["scan", "--json", &not_image],
            &[]
        )
        .0
    );
    let png = fixture("transfer/google-migration-1.png")
        .display()
        .to_string();
    r.check("scan", &["scan", &png, &not_image], &[]);
    r.check("scan --json", &["scan", "--json", &png], &[]);

    // Exports write secrets into files; the terminal gets file names (and the transfer code).
    for format in ["uri", "google-qr", "sealed-qr", "backup", "paper"] {
        let out = d(&format!("export-{format}"));
        r.check(
            &format!("export --format {format}"),
            &["export", "--format", format, "--out", &out],
            &[],
        );
        let out = d(&format!("export-json-{format}"));
        r.check(
            &format!("export --format {format} --json"),
            &["export", "--format", format, "--out", &out, "--json"],
            &[],
        );
    }
    r.check(
        "export (bad format)",
        &["export", "--format", "nope", "--out", &d("x")],
        &[],
    );
    let backup = d("export-backup");
    r.check("backup verify", &["backup", "verify", &backup], &[]);
    r.check(
        "backup verify (not a backup)",
        &["backup", "verify", &not_image],
        &[],
    );
    let mut wrong_pw = vec![("MONBAN_BACKUP_PASSWORD", "wrong")];
    r.check(
        "backup verify (wrong password)",
        &["backup", "verify", &backup],
        &wrong_pw,
    );

    // Imports into a second vault: a URI list with good and bad lines, garbage, the backup.
    let other = dir.path().join("other.vault");
    let mut o = Run {
        vault: &other,
        passcode: PASSCODE,
        runs: 0,
    };
    assert!(o.check("init (second vault)", &["init"], &[]).0);
    let list_file = d("accounts.txt");
    std::fs::write(
        &list_file,
        format!("{uri}\n{bad}\notpauth://totp/y?secret={b32}!!\nnot a uri {b32}\n"),
    )
    .unwrap();
    o.check("import (URI list)", &["import", &list_file], &[]);
    o.check(
        "import --format uri-list",
        &["import", "--format", "uri-list", &list_file],
        &[],
    );
    o.check("import (not an export)", &["import", &not_image], &[]);
    o.check("import (backup)", &["import", &backup], &[]);
    wrong_pw.push(("MONBAN_PASSCODE", PASSCODE));
    o.check(
        "import (backup, wrong password)",
        &["import", &backup],
        &wrong_pw,
    );
    for dirname in ["export-google-qr", "export-sealed-qr"] {
        let pngs: Vec<String> = std::fs::read_dir(d(dirname))
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.path().display().to_string())
                    .collect()
            })
            .unwrap_or_default();
        if !pngs.is_empty() {
            let mut args = vec!["import"];
            args.extend(pngs.iter().map(String::as_str));
            o.check(&format!("import {dirname}"), &args, &[]);
            args.extend(["--transfer-code", "00000-00000"]);
            o.check(&format!("import {dirname} (wrong code)"), &args, &[]);
        }
    }
    r.runs += o.runs;

    // Change the passcode, then the old one fails and the new one works.
    assert!(
        r.check(
            "passwd",
            &["passwd"],
            &[("MONBAN_NEW_PASSCODE", NEW_PASSCODE)]
        )
        .0
    );
    let mut new = Run {
        vault: &vault,
        passcode: NEW_PASSCODE,
        runs: 0,
    };
    assert!(new.check("list (new passcode)", &["list"], &[]).0);
    assert!(new.check("remove", &["remove", "Canary2"], &[]).0);
    assert!(!new.check("remove (gone)", &["remove", "Canary2"], &[]).0);
    new.check("--help", &["--help"], &[]);
    new.check("--version", &["--version"], &[]);
    r.runs += new.runs;
    eprintln!(
        "secret leak search: {} CLI runs, nothing printed the secret or a passcode",
        r.runs
    );
}

#[test]
fn find_leak_finds_every_form() {
    let s = CANARY.as_slice();
    let b32 = data_encoding::BASE32_NOPAD.encode(s);
    let spaced: String = b32
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    for hay in [
        b32.clone(),
        b32.to_lowercase(),
        spaced,
        data_encoding::HEXUPPER.encode(s),
        data_encoding::HEXLOWER.encode(&s[..10]),
        data_encoding::BASE64.encode(s),
        String::from_utf8_lossy(s).into_owned(),
    ] {
        assert!(
            find_leak(format!("x {hay} y").as_bytes(), s).is_some(),
            "{hay}"
        );
    }
    assert!(find_leak(b"Canary (alice) 123 456", s).is_none());
}
