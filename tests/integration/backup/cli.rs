//! The contract commands: `backup auto --dir DIR [--keep N] [--use-passcode]`, `backup auto
//! --off`, `backup status --json`, a backup after every vault-changing command, `list --json`
//! with the display fields, and `import BACKUP` giving back the same list.

use std::path::Path;

use monban::transfer::backup;
use monban::vault::{EntryMeta, Icon, KdfBounds, KdfParams, Vault};
use monban::{Account, Secret};

use super::{BACKUP_PW, NEW_PASS, PASS, backups, cmd, init, listing, ok, status};
use crate::common::run;

const GITHUB: &str = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const BANK: &str = "otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&counter=5&issuer=Bank";

/// The newest backup opens with `monban backup verify` and holds exactly `list --json`'s
/// accounts (issuer, name, HOTP counter) of `vault` opened with `passcode`.
fn newest_matches(vault: &Path, dir: &Path, passcode: &str, password: &str) {
    let newest = backups(dir).pop().expect("a backup");
    let mut c = cmd(vault);
    c.env("MONBAN_BACKUP_PASSWORD", password);
    let (out, _) = ok(c, &["backup", "verify", newest.to_str().unwrap()]);
    let mut c = cmd(vault);
    c.env("MONBAN_PASSCODE", passcode);
    let list = listing(c);
    let rows = list.as_array().unwrap();
    assert!(out.contains(&format!("entries: {}", rows.len())), "{out}");
    let b = backup::read(&std::fs::read(&newest).unwrap(), password, &KdfBounds::REAL).unwrap();
    let got: Vec<(String, String, Option<u64>)> = b
        .entries
        .iter()
        .map(|e| {
            let a = &e.account;
            (
                a.issuer.clone(),
                a.name.clone(),
                (a.kind == monban::Kind::Hotp).then_some(a.counter),
            )
        })
        .collect();
    let want: Vec<(String, String, Option<u64>)> = rows
        .iter()
        .map(|r| {
            (
                r["issuer"].as_str().unwrap().to_string(),
                r["name"].as_str().unwrap().to_string(),
                r["counter"].as_u64(),
            )
        })
        .collect();
    assert_eq!(got, want, "the newest backup holds the vault's accounts");
}

#[test]
fn every_vault_changing_command_leaves_a_verified_backup_and_at_most_n() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = init(tmp.path());
    let dir = tmp.path().join("Sync").join("Monban");

    let s = status(cmd(&vault));
    assert_eq!(s["enabled"], false);
    assert_eq!(s["files"], 0);
    assert!(s["last_ok"].is_null() && s["last_error"].is_null());
    assert_eq!(s["pending_changes"], false);
    assert_eq!(s["keep"], 10);

    ok(cmd(&vault), &["add", GITHUB]);
    assert_eq!(status(cmd(&vault))["pending_changes"], true);

    let (out, _) = ok(
        cmd(&vault),
        &[
            "backup",
            "auto",
            "--dir",
            dir.to_str().unwrap(),
            "--keep",
            "3",
        ],
    );
    assert!(
        out.contains("first backup") && out.contains("backup password you chose"),
        "{out}"
    );
    let s = status(cmd(&vault));
    assert_eq!(s["enabled"], true);
    assert_eq!(s["keep"], 3);
    assert_eq!(s["files"], 1);
    assert_eq!(s["dir"], dir.to_str().unwrap());
    assert_eq!(s["pending_changes"], false);
    assert!(s["last_error"].is_null());
    let last_ok = s["last_ok"].as_str().unwrap();
    chrono::DateTime::parse_from_rfc3339(last_ok).expect("RFC 3339");
    newest_matches(&vault, &dir, PASS, BACKUP_PW);

    let uri_list = tmp.path().join("more.txt");
    std::fs::write(
        &uri_list,
        "otpauth://totp/Mail:carol?secret=KRSXG5CTMVRXEZLU&issuer=Mail\n",
    )
    .unwrap();
    let steps: [&[&str]; 7] = [
        &["add", BANK],
        &["group", "GitHub", "Work"],
        &["rename", "GitHub", "alice2"],
        &["ungroup", "alice2", "Work"],
        &["code", "Bank"], // HOTP: the counter advances
        &["import", uri_list.to_str().unwrap()],
        &["remove", "alice2"],
    ];
    for args in steps {
        let before = backups(&dir);
        let (_, err) = ok(cmd(&vault), args);
        assert!(err.is_empty(), "{args:?}: {err}");
        let after = backups(&dir);
        assert!(after.len() <= 3, "{args:?}: {} backups", after.len());
        assert_ne!(after.last(), before.last(), "{args:?} left a new backup");
        newest_matches(&vault, &dir, PASS, BACKUP_PW);
    }
    // A TOTP code changes nothing: no backup.
    let before = backups(&dir);
    ok(cmd(&vault), &["code", "Mail"]);
    assert_eq!(backups(&dir), before);

    // passwd: a backup after it, still under the separate backup password.
    let mut c = cmd(&vault);
    c.env("MONBAN_NEW_PASSCODE", NEW_PASS);
    ok(c, &["passwd"]);
    assert_ne!(backups(&dir), before);
    newest_matches(&vault, &dir, NEW_PASS, BACKUP_PW);
    assert_eq!(backups(&dir).len(), 3);
    let mut c = cmd(&vault);
    c.env("MONBAN_PASSCODE", NEW_PASS);
    let s = status(c);
    assert_eq!(
        (s["files"].as_u64(), s["pending_changes"].as_bool()),
        (Some(3), Some(false))
    );

    // Off: changes are no longer backed up, and are reported as pending.
    let (out, _) = ok(cmd(&vault), &["backup", "auto", "--off"]);
    assert!(out.contains("off"), "{out}");
    let before = backups(&dir);
    let mut c = cmd(&vault);
    c.env("MONBAN_PASSCODE", NEW_PASS);
    ok(c, &["add", GITHUB]);
    assert_eq!(backups(&dir), before);
    let s = status(cmd(&vault));
    assert_eq!(s["enabled"], false);
    assert_eq!(s["pending_changes"], true);
    assert_eq!(s["files"], 3);
}

/// A vault made with the library so that it holds every kind of metadata the CLI cannot set.
fn rich_vault(path: &Path) {
    let mut v = Vault::create(path, PASS, KdfParams::DEFAULT, 1_700_000_000).unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[1, 2, 3, 4]);
    let accounts = [
        (
            Account::totp(
                "GitHub",
                "alice",
                Secret::new(b"12345678901234567890".to_vec()),
            ),
            Icon::Builtin("github".into()),
            0x123456,
            true,
            "recovery codes in the safe",
        ),
        (
            Account::totp("Shop", "me", Secret::new(vec![9; 20])),
            Icon::Custom(png),
            0xABCDEF,
            false,
            "",
        ),
        (
            Account::totp("Mail", "me", Secret::new(vec![5; 20])),
            Icon::Letter,
            0x00FF00,
            true,
            "メモ",
        ),
    ];
    for (a, icon, colour, favourite, note) in accounts {
        let mut meta = EntryMeta::new_for(&a, 1_700_000_000);
        meta.icon = icon;
        meta.colour = colour;
        meta.favourite = favourite;
        meta.note = note.into();
        v.add_with_meta(a, meta).unwrap();
    }
    let mut hotp = Account::totp("Bank", "bob", Secret::new(vec![7; 20]));
    hotp.kind = monban::Kind::Hotp;
    hotp.counter = 41;
    v.add(hotp, 1_700_000_000).unwrap();
}

#[test]
fn restore_of_an_automatic_backup_gives_the_same_list_and_use_passcode_follows_passwd() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("source.vault");
    rich_vault(&source);
    let dir = tmp.path().join("backups");
    let (out, _) = ok(
        cmd(&source),
        &[
            "backup",
            "auto",
            "--dir",
            dir.to_str().unwrap(),
            "--use-passcode",
        ],
    );
    assert!(out.contains("vault passcode"), "{out}");
    ok(cmd(&source), &["code", "Bank"]); // counter 41 → 42, backed up
    let want = listing(cmd(&source));
    let rows = want.as_array().unwrap();
    assert_eq!(rows[0]["favourite"], true);
    assert_eq!(rows[0]["note"], "recovery codes in the safe");
    assert_eq!(rows[0]["icon"], "brand:github");
    assert_eq!(rows[0]["colour"], "#123456");
    assert!(rows[1]["icon"].as_str().unwrap().starts_with("custom:"));
    assert_eq!(rows[3]["counter"], 42);

    let newest = backups(&dir).pop().unwrap();
    let restored = tmp.path().join("restored.vault");
    ok(cmd(&restored), &["init"]);
    let mut c = cmd(&restored);
    c.env("MONBAN_BACKUP_PASSWORD", PASS); // the backups open with the passcode
    ok(c, &["import", newest.to_str().unwrap()]);
    assert_eq!(
        listing(cmd(&restored)),
        want,
        "import gives back every field and the order"
    );

    // passwd: the next backups open with the new passcode, not the old one.
    let mut c = cmd(&source);
    c.env("MONBAN_NEW_PASSCODE", NEW_PASS);
    let (out, _) = ok(c, &["passwd"]);
    assert!(out.contains("new passcode"), "{out}");
    let newest = backups(&dir).pop().unwrap();
    let mut c = cmd(&source);
    c.env("MONBAN_BACKUP_PASSWORD", NEW_PASS);
    ok(c, &["backup", "verify", newest.to_str().unwrap()]);
    let mut c = cmd(&source);
    c.env("MONBAN_BACKUP_PASSWORD", PASS)
        .args(["backup", "verify", newest.to_str().unwrap()]);
    let (success, _, err) = run(c);
    assert!(!success && err.contains("wrong backup password"), "{err}");
}

#[test]
fn bad_input_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = init(tmp.path());
    let dir = tmp.path().join("b");
    let mut c = cmd(&vault);
    c.env("MONBAN_BACKUP_PASSWORD", "short").args([
        "backup",
        "auto",
        "--dir",
        dir.to_str().unwrap(),
    ]);
    let (success, _, err) = run(c);
    assert!(!success && err.contains("too short"), "{err}");
    let file = tmp.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let mut c = cmd(&vault);
    c.args(["backup", "auto", "--dir", file.to_str().unwrap()]);
    let (success, _, err) = run(c);
    assert!(!success && err.contains("is a file"), "{err}");
    for keep in ["0", "-1", "many"] {
        let mut c = cmd(&vault);
        c.args([
            "backup",
            "auto",
            "--dir",
            dir.to_str().unwrap(),
            "--keep",
            keep,
        ]);
        assert!(!run(c).0, "--keep {keep}");
    }
    let mut c = cmd(&vault);
    c.args(["backup", "auto"]);
    assert!(!run(c).0, "--dir is required");
    assert_eq!(status(cmd(&vault))["enabled"], false);
    assert!(!dir.exists());
}
