//! Device-bound vaults against a real Secret Service: gnome-keyring-daemon in a private
//! `dbus-run-session` ([`Keyring`]). The vault file plus the passcode is not enough to open
//! it; the device key alone is not either; deleting or editing the side file locks instead of
//! resetting the failed-attempt counter.

use crate::common::{Keyring, monban, run};
use monban::vault::{self, Error, KdfBounds};

const PIN: &str = "246810";
const NEW_PIN: &str = "135790";
const URI: &str = "otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example";

fn cmd(k: &Keyring, v: &std::path::Path, pass: &str, args: &[&str]) -> (bool, String, String) {
    let mut c = k.monban();
    c.env("MONBAN_VAULT", v)
        .env("MONBAN_PASSCODE", pass)
        .args(args);
    run(c)
}

/// The Monban items in the keyring, by their `monban-key` attribute.
fn keys(k: &Keyring) -> Vec<String> {
    let (_, out) = k.secret_tool(&["search", "--all", "application", "org.monban.Monban"]);
    let mut found: Vec<String> = out
        .lines()
        .filter_map(|l| l.strip_prefix("attribute.monban-key = "))
        .map(str::to_string)
        .collect();
    found.sort();
    found
}

#[test]
fn a_device_bound_vault_opens_only_with_the_file_and_the_device_key() {
    let Some(k) = Keyring::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("bound.vault");
    // A PIN is enough once the device key binds the file.
    let (ok, out, err) = cmd(&k, &v, PIN, &["init"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("bound to this device's key"), "{out}");
    assert_eq!(keys(&k).len(), 1, "one key in the keyring");
    assert_eq!(
        std::fs::read(&v).unwrap()[19],
        2,
        "slot type 2 in the header"
    );
    let (ok, out, err) = cmd(&k, &v, PIN, &["info", "--json"]);
    assert!(ok, "{err}");
    let info: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(info["device_bound"], true, "{out}");
    assert!(cmd(&k, &v, PIN, &["add", URI]).0);
    let (ok, out, err) = cmd(&k, &v, PIN, &["list"]);
    assert!(ok && out.contains("Example"), "{out}{err}");

    // The copied file with the right passcode, without the device key: the library refuses
    // before any KDF runs...
    let bytes = std::fs::read(&v).unwrap();
    assert!(matches!(
        vault::read_bytes(&bytes, PIN, &KdfBounds::REAL),
        Err(Error::DeviceKey(_))
    ));
    // ...and flipping the slot type to "passcode only" (checksum fixed up) does not help: the
    // key-encryption key really holds the device key.
    let mut forged = bytes.clone();
    forged[19] = 1;
    use sha2::Digest;
    let sum = sha2::Sha256::digest(&forged[..vault::HEADER_LEN_V1]);
    forged[vault::HEADER_LEN_V1..vault::HEADER_LEN].copy_from_slice(&sum);
    assert!(matches!(
        vault::read_bytes(&forged, PIN, &KdfBounds::REAL),
        Err(Error::WrongPasscode)
    ));
    // Another device (another Secret Service) or no key store at all: refused, not counted.
    let other = Keyring::start().unwrap();
    let copy = dir.path().join("copy.vault");
    std::fs::copy(&v, &copy).unwrap();
    let (ok, _, err) = cmd(&other, &copy, PIN, &["list"]);
    assert!(!ok && err.contains("holds no key for this vault"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let mut c = monban();
    c.env("MONBAN_VAULT", &copy)
        .env("MONBAN_PASSCODE", PIN)
        .arg("list");
    let (ok, _, err) = run(c);
    assert!(!ok && err.contains("not available"), "{err}");
    assert_eq!(
        vault::failed_attempts(&copy),
        0,
        "no store is not a wrong passcode"
    );

    // The key deleted from the keyring: the vault is useless here too.
    let (ok, _) = k.secret_tool(&["clear", "application", "org.monban.Monban"]);
    assert!(ok);
    let (ok, _, err) = cmd(&k, &v, PIN, &["list"]);
    assert!(!ok && err.contains("holds no key for this vault"), "{err}");
}

#[test]
fn passwd_on_a_bound_vault_makes_a_new_device_key_and_drops_the_old_one() {
    let Some(k) = Keyring::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("bound.vault");
    assert!(cmd(&k, &v, PIN, &["init"]).0);
    assert!(cmd(&k, &v, PIN, &["add", URI]).0);
    let before = keys(&k);
    let mut c = k.monban();
    c.env("MONBAN_VAULT", &v)
        .env("MONBAN_PASSCODE", PIN)
        .env("MONBAN_NEW_PASSCODE", NEW_PIN)
        .arg("passwd");
    let (ok, out, err) = run(c);
    assert!(ok && out.contains("passcode changed"), "{out}{err}");
    let after = keys(&k);
    assert_eq!(after.len(), 1, "{after:?}");
    assert_ne!(before, after, "a new device key, the old one deleted");
    let (ok, _, err) = cmd(&k, &v, PIN, &["list"]);
    assert!(!ok && err.contains("wrong passcode"), "{err}");
    let (ok, out, err) = cmd(&k, &v, NEW_PIN, &["list"]);
    assert!(ok && out.contains("Example"), "{out}{err}");
    // The previous generation follows the new key too.
    let bak = vault::backup_path(&v);
    let (ok, _, err) = cmd(&k, &bak, PIN, &["list"]);
    assert!(!ok, "the old passcode opens no file left: {err}");
}

#[test]
fn deleting_or_editing_the_side_file_of_a_bound_vault_locks_instead_of_resetting() {
    let Some(k) = Keyring::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("bound.vault");
    assert!(cmd(&k, &v, PIN, &["init"]).0);
    let state = vault::state_path(&v);
    for _ in 0..2 {
        assert!(!cmd(&k, &v, "999999", &["list"]).0);
    }
    assert_eq!(vault::failed_attempts(&v), 2);
    let stored: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert!(stored["mac"].is_string(), "{stored}");

    // Deleted: the right PIN now meets the longest wait, and the file says so (with a MAC).
    std::fs::remove_file(&state).unwrap();
    let (ok, _, err) = cmd(&k, &v, PIN, &["list"]);
    assert!(!ok && err.contains("wait 3600 s"), "{err}");
    assert_eq!(vault::failed_attempts(&v), vault::TAMPERED_FAILURES);

    // Edited back to zero failures (the MAC no longer fits): the same.
    let mut s: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    s["failed_attempts"] = 0.into();
    s["last_failure"] = 0.into();
    std::fs::write(&state, serde_json::to_vec(&s).unwrap()).unwrap();
    let (ok, _, err) = cmd(&k, &v, PIN, &["list"]);
    assert!(!ok && err.contains("too many wrong passcodes"), "{err}");

    // A passcode-only vault keeps today's behaviour: its side file is not authenticated
    // (the threat table says what that leaves open).
    let plain = dir.path().join("plain.vault");
    let strong = "quiet lantern orbit meadow 42";
    assert!(cmd(&k, &plain, strong, &["init", "--no-device"]).0);
    let (ok, out, err) = cmd(&k, &plain, strong, &["info"]);
    assert!(
        ok && out.contains("not bound to a device key"),
        "{out}{err}"
    );
    std::fs::remove_file(vault::state_path(&plain)).unwrap();
    assert!(cmd(&k, &plain, strong, &["list"]).0);
}
