//! The vault commands through the built binary. The CLI always uses the real KDF (64 MiB,
//! t=3, p=4), so each unlock costs a noticeable fraction of a second: these tests are few.

use std::path::Path;

use monban::vault::{self, KdfParams, OpenOptions, Vault};

use super::{NOW, PASS, small_vault};
use crate::common::{fixture, monban, run};

fn cmd(vault: &Path, passcode: Option<&str>, args: &[&str]) -> (bool, String, String) {
    let mut c = monban();
    c.env("MONBAN_VAULT", vault).args(args);
    if let Some(p) = passcode {
        c.env("MONBAN_PASSCODE", p);
    }
    run(c)
}

const URI: &str = "otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example";

#[test]
fn init_add_list_code_rename_remove_passwd() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("cli.vault");
    let (ok, out, err) = cmd(&v, Some("12345"), &["init"]);
    assert!(!ok && err.contains("at least 6"), "{out}{err}");
    assert!(!v.exists());
    let (ok, out, err) = cmd(&v, Some(STRONG), &["init"]);
    assert!(ok, "{err}");
    assert!(out.contains("created"), "{out}");
    // The CLI writes the real parameters.
    let bytes = std::fs::read(&v).unwrap();
    assert_eq!(&bytes[..8], b"MONBANVT");
    // Calibrated on this device, never below 64 MiB × 3 passes.
    let m = u32::from_le_bytes(bytes[22..26].try_into().unwrap());
    let t = u32::from_le_bytes(bytes[26..30].try_into().unwrap());
    assert!(m >= KdfParams::DEFAULT.m_kib && t >= 3, "m={m} t={t}");
    assert_eq!(bytes[30..34], 4u32.to_le_bytes());
    let (ok, _, err) = cmd(&v, Some(STRONG), &["init"]);
    assert!(
        !ok && err.starts_with("monban: ") && err.contains("already exists"),
        "{err}"
    );

    let (ok, out, err) = cmd(&v, Some(STRONG), &["add", URI]);
    assert!(
        ok && out.contains("added Example (alice@example.com)"),
        "{out}{err}"
    );
    let (ok, _, err) = cmd(&v, Some(STRONG), &["add", URI]);
    assert!(!ok && err.contains("already in the vault"), "{err}");
    let migration =
        std::fs::read_to_string(fixture("vault/google-migration-2-accounts.txt")).unwrap();
    let (ok, out, err) = cmd(&v, Some(STRONG), &["add", migration.trim()]);
    assert!(ok, "{err}");
    // Example:alice has the same secret, issuer and name as the URI: skipped as a duplicate.
    assert!(
        out.contains("added 1 account") && out.contains("skipped Example (alice@example.com)"),
        "{out}"
    );

    // RFC 6238 SHA1 at T=59 → 94287082; six digits → 287082, 1 s left in the period.
    let (ok, out, err) = cmd(&v, Some(STRONG), &["list", "--json", "--at", "59"]);
    assert!(ok, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let keys: Vec<_> = rows[0].as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "code",
            "colour",
            "counter",
            "favourite",
            "groups",
            "icon",
            "id",
            "issuer",
            "kind",
            "name",
            "note",
            "seconds_left"
        ]
    );
    assert_eq!(rows[0]["issuer"], "Example");
    assert_eq!(rows[0]["name"], "alice@example.com");
    assert_eq!(rows[0]["kind"], "totp");
    assert_eq!(rows[0]["code"], "287082");
    assert_eq!(rows[0]["seconds_left"], 1);
    assert_eq!(rows[1]["issuer"], "Acme");
    assert!(!out.contains("GEZDGNBV"), "no secret in the output");

    let (ok, out, err) = cmd(&v, Some(STRONG), &["code", "example", "--at", "59"]);
    assert!(ok && out.trim() == "287082", "{out}{err}");
    let (ok, out, err) = cmd(
        &v,
        Some(STRONG),
        &["rename", "acme", "robert", "--issuer", "Acme Corp"],
    );
    assert!(
        ok && out.contains("renamed Acme (bob) to Acme Corp (robert)"),
        "{out}{err}"
    );
    let (ok, out, err) = cmd(&v, Some(STRONG), &["list"]);
    assert!(
        ok && out.contains("Acme Corp") && out.contains("robert") && out.starts_with("ID  ISSUER"),
        "{out}{err}"
    );
    let (ok, _, err) = cmd(&v, Some(STRONG), &["remove", "nothing-like-this"]);
    assert!(!ok && err.contains("no account matches"), "{err}");
    let (ok, out, err) = cmd(&v, Some(STRONG), &["remove", "robert"]);
    assert!(
        ok && out.contains("removed Acme Corp (robert)"),
        "{out}{err}"
    );

    let mut c = monban();
    c.env("MONBAN_VAULT", &v)
        .env("MONBAN_PASSCODE", STRONG)
        .env("MONBAN_NEW_PASSCODE", STRONG_NEW)
        .arg("passwd");
    let (ok, out, err) = run(c);
    assert!(ok && out.contains("passcode changed"), "{out}{err}");
    let (ok, _, err) = cmd(&v, Some(STRONG), &["list"]);
    assert_eq!(err.trim(), "monban: cannot open the vault: wrong passcode");
    assert!(!ok);
    let (ok, out, err) = cmd(&v, Some(STRONG_NEW), &["list", "--json"]);
    assert!(ok, "{err}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn errors_without_unlocking() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.vault");
    let (ok, _, err) = cmd(&missing, Some(PASS), &["list"]);
    assert!(
        !ok && err.contains("no vault at") && err.contains("monban init"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    // A vault held open by another process (here: this one) is refused, not shared.
    let path = small_vault(dir.path(), "held.vault");
    let held = Vault::open_with(&path, PASS, NOW, &OpenOptions::light_for_tests()).unwrap();
    let (ok, _, err) = cmd(&path, Some(PASS), &["list"]);
    assert!(!ok && err.contains("in use by another Monban"), "{err}");
    held.lock();
    // The light test vault is refused by the CLI's real bounds, before any key derivation.
    let (ok, _, err) = cmd(&path, Some(PASS), &["list"]);
    assert!(!ok && err.contains("key-derivation settings"), "{err}");
    assert_eq!(vault::failed_attempts(&path), 0);

    // No passcode and no terminal: a clear message, not a hang.
    let (ok, _, err) = cmd(&path, None, &["list"]);
    assert!(!ok && err.contains("MONBAN_PASSCODE"), "{err}");
    // A bad URI is refused before the vault is opened.
    let (ok, _, err) = cmd(&path, Some(PASS), &["add", "otpauth://totp/x?secret=!!!"]);
    assert!(!ok && err.contains("cannot read the URI"), "{err}");
}

const STRONG: &str = "correct horse battery staple 7";
const STRONG_NEW: &str = "quiet lantern orbit meadow 42";

fn passwd(v: &Path, current: &str, new: &str) -> (bool, String, String) {
    let mut c = monban();
    c.env("MONBAN_VAULT", v)
        .env("MONBAN_PASSCODE", current)
        .env("MONBAN_NEW_PASSCODE", new)
        .arg("passwd");
    run(c)
}

/// After `monban passwd`, no file in the vault's folder opens with the old passcode (the
/// previous generation `.bak` included), and the vault and its `.bak` open with the new one.
#[test]
fn passwd_leaves_no_file_that_opens_with_the_old_passcode() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("p.vault");
    assert!(cmd(&v, Some(STRONG), &["init"]).0);
    let (ok, _, err) = cmd(&v, Some(STRONG), &["add", URI]);
    assert!(ok, "{err}");
    let (ok, out, err) = passwd(&v, STRONG, STRONG_NEW);
    assert!(ok && out.contains("passcode changed"), "{out}{err}");
    let mut opened_with_new = Vec::new();
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let p = e.unwrap().path();
        let bytes = std::fs::read(&p).unwrap();
        let old = vault::read_bytes(&bytes, STRONG, &vault::KdfBounds::REAL);
        assert!(old.is_err(), "{} opens with the old passcode", p.display());
        if let Ok(c) = vault::read_bytes(&bytes, STRONG_NEW, &vault::KdfBounds::REAL) {
            opened_with_new.push(c.entries.len());
        }
    }
    // The vault (one account) and its previous generation (from before the add).
    opened_with_new.sort();
    assert_eq!(opened_with_new, [0, 1]);
    let (ok, out, err) = cmd(&v, Some(STRONG_NEW), &["list", "--json"]);
    assert!(ok && out.contains("alice@example.com"), "{out}{err}");
}

/// `monban passwd` with a wrong current passcode is a failed attempt like any other: after
/// the free ones, the next `monban list` must wait, even with the right passcode.
#[test]
fn passwd_with_a_wrong_current_passcode_counts_as_a_failed_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("w.vault");
    assert!(cmd(&v, Some(STRONG), &["init"]).0);
    for i in 1..=vault::FREE_ATTEMPTS {
        let (ok, _, err) = passwd(&v, "not the passcode at all", STRONG_NEW);
        assert!(!ok && err.contains("wrong passcode"), "{err}");
        assert_eq!(vault::failed_attempts(&v), i);
    }
    let (ok, _, err) = cmd(&v, Some(STRONG), &["list"]);
    assert!(
        !ok && err.contains("too many wrong passcodes: wait"),
        "{err}"
    );
    // Nothing was changed by the refused attempts.
    let bytes = std::fs::read(&v).unwrap();
    assert!(vault::read_bytes(&bytes, STRONG, &vault::KdfBounds::REAL).is_ok());
}

/// A damaged vault is not a wrong passcode: one flipped byte in the salt, the right
/// passcode, and the CLI says in one line that the file is damaged and which command
/// restores the previous save; no failed attempt is counted; `monban recover` restores it.
#[test]
fn a_damaged_vault_is_named_in_one_line_with_the_command_that_restores() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("d.vault");
    assert!(cmd(&v, Some(STRONG), &["init"]).0);
    let (ok, _, err) = cmd(&v, Some(STRONG), &["add", URI]);
    assert!(ok, "{err}");
    let (ok, _, err) = cmd(&v, Some(STRONG), &["add", URI2]);
    assert!(ok, "{err}");
    let mut bytes = std::fs::read(&v).unwrap();
    bytes[40] ^= 0x04; // inside the Argon2 salt
    std::fs::write(&v, &bytes).unwrap();
    let (ok, out, err) = cmd(&v, Some(STRONG), &["list"]);
    assert!(!ok, "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("damaged") && err.contains("monban recover") && err.contains("1 account"),
        "{err}"
    );
    assert!(!err.contains("wrong passcode"), "{err}");
    assert_eq!(vault::failed_attempts(&v), 0);
    let (ok, out, err) = cmd(&v, Some(STRONG), &["recover"]);
    assert!(
        ok && out.contains("restored the previous save"),
        "{out}{err}"
    );
    let (ok, out, err) = cmd(&v, Some(STRONG), &["list", "--json"]);
    assert!(ok && out.contains("alice@example.com"), "{out}{err}");
}

const URI2: &str = "otpauth://totp/Other:bob@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Other";

/// The stolen-file floor: without a device-bound key, a passcode a rig of 8 GPUs would find
/// within 100 years is refused with exit 1 and one line saying why and what would do.
#[test]
fn init_and_passwd_refuse_a_passcode_under_the_floor() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("weak.vault");
    for weak in ["123456", "password1", "correct horse"] {
        let mut c = monban();
        c.env("MONBAN_VAULT", &v)
            .env("MONBAN_PASSCODE", weak)
            .arg("init");
        let out = c.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{weak}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains("too easy to guess") && err.contains("100 years") && err.contains("words"),
            "{err}"
        );
        assert!(!v.exists());
    }
    assert!(cmd(&v, Some(STRONG), &["init"]).0);
    let (ok, _, err) = passwd(&v, STRONG, "123456");
    assert!(!ok && err.contains("too easy to guess"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let (ok, _, err) = cmd(&v, Some(STRONG), &["list"]);
    assert!(ok, "the old passcode still opens: {err}");
}
