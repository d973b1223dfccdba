//! docs/vault-format.md is enough to read a vault: `tests/fixtures/vault/read_vault.py`, written
//! from the document alone with the Python standard library (its own Argon2id, XChaCha20 and
//! Poly1305), decrypts vaults written by Monban. Also: a vault file committed in an earlier
//! build still opens (format stability).

use std::process::Command;

use monban::vault::{self, EntryId, Icon, KdfBounds, OpenOptions, Vault};
use monban::{Account, Kind, Secret};

use super::{NOW, PASS, small_vault};
use crate::common::{fixture, require_tool};

fn python(args: &[&std::ffi::OsStr]) -> (bool, String, String, Option<i32>) {
    let mut c = Command::new("python3");
    c.arg(fixture("vault/read_vault.py")).args(args);
    let out = c.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

#[test]
fn python_reader_from_the_spec_decrypts_a_monban_vault() {
    if !require_tool("python3", "apt-get install python3") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = small_vault(dir.path(), "py.vault");
    let mut v = Vault::open_with(&path, PASS, NOW, &OpenOptions::light_for_tests()).unwrap();
    let mut h = Account::totp("Bank", "hotp-user", Secret::new(vec![0xAB; 16]));
    h.kind = Kind::Hotp;
    h.counter = 41;
    let id = v.add(h, NOW + 1).unwrap();
    let mut e = v.entry(id).unwrap().clone();
    e.meta.icon = Icon::Custom(b"\x89PNG\r\n\x1a\n-tiny".to_vec());
    e.meta.note = "ünïcode ✓".into();
    v.update(id, e.account, e.meta).unwrap();
    let expected = serde_json::json!({
        "created": v.created(),
        "next_id": 4,
        "entries": serde_json::to_value(v.entries()).unwrap(),
    });
    v.lock();

    let p = path.as_os_str();
    let (ok, out, err, _) = python(&[p, PASS.as_ref(), "--light".as_ref()]);
    assert!(ok, "{err}");
    let got: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(got, expected);
    assert_eq!(
        got["entries"][0]["account"]["secret"][0], 49,
        "raw secret bytes as numbers"
    );
    assert_eq!(
        got["entries"][2]["meta"]["icon"]["value"],
        "iVBORw0KGgotdGlueQ=="
    );

    let (ok, _, err, code) = python(&[p, "wrong-passcode".as_ref(), "--light".as_ref()]);
    assert!(
        !ok && code == Some(3) && err.contains("wrong passcode"),
        "{err}"
    );
    // Without --light the reader applies the real bounds, as the document says.
    let (ok, _, err, code) = python(&[p, PASS.as_ref()]);
    assert!(
        !ok && code == Some(2) && err.contains("KDF parameters refused"),
        "{err}"
    );
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[10] ^= 1; // generation: caught by the header checksum first
    std::fs::write(&path, &bytes).unwrap();
    let (ok, _, err, code) = python(&[p, PASS.as_ref(), "--light".as_ref()]);
    assert!(
        !ok && code == Some(2) && err.contains("header checksum"),
        "{err}"
    );
    // An editor who also fixes the (unkeyed) checksum: the content's tag still refuses it.
    super::tamper::fix_checksum(&mut bytes);
    std::fs::write(&path, &bytes).unwrap();
    let (ok, _, err, code) = python(&[p, PASS.as_ref(), "--light".as_ref()]);
    assert!(
        !ok && code == Some(2) && err.contains("does not authenticate"),
        "{err}"
    );
}

/// `light-v1.vault`: written once by this version (passcode "246810", light KDF) and committed.
#[test]
fn committed_version_1_vault_still_opens() {
    let bytes = std::fs::read(fixture("vault/light-v1.vault")).unwrap();
    let c = vault::read_bytes(&bytes, PASS, &KdfBounds::LIGHT_FOR_TESTS).unwrap();
    let names: Vec<String> = c.entries.iter().map(|e| e.account.display_name()).collect();
    assert_eq!(names, ["GitHub (alice)", "Bank (bob)"]);
    assert_eq!(c.entries[0].id, EntryId(1));
    assert_eq!(
        c.entries[0].account.secret.expose(),
        b"12345678901234567890"
    );
    assert_eq!(c.generation, 3);
    assert_eq!(c.created, NOW);
    // And through the CLI's real bounds it is refused before any KDF: the light parameters are
    // for tests only.
    assert!(matches!(
        vault::read_bytes(&bytes, PASS, &KdfBounds::REAL),
        Err(vault::Error::KdfParams { .. })
    ));
}

/// The payload example in docs/vault-format.md is exactly what Monban reads.
#[test]
fn documented_payload_example_matches_the_code() {
    let doc = std::fs::read_to_string(crate::common::root().join("docs/vault-format.md")).unwrap();
    let start = doc
        .find("```json\n{\n  \"created\"")
        .expect("payload example in the document")
        + "```json\n".len();
    let end = start + doc[start..].find("```").unwrap();
    let example: serde_json::Value = serde_json::from_str(&doc[start..end]).unwrap();
    let entries: Vec<vault::Entry> = serde_json::from_value(example["entries"].clone()).unwrap();
    assert_eq!(entries[0].account.secret.expose(), b"12345678901234567890");
    assert_eq!(
        entries[0].meta.colour,
        vault::default_colour(&entries[0].account)
    );
    // Written back, the entry has the same JSON shape as in the document.
    assert_eq!(serde_json::to_value(&entries).unwrap(), example["entries"]);
}
