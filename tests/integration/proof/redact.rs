//! `Debug` of every type that holds a secret redacts it, and error messages of the readers do
//! not echo the secret of the input they refuse.
//!
//! The types were found by going through `src/` for fields holding secrets, keys, passcodes,
//! transfer codes or QR payloads: `Secret`, `Account`, `vault::{Vault, Entry, Contents}`,
//! `qr::Payload`, `camera::scanner::{Classified, ScanEvent}`, `transfer::{Parsed,
//! google::MigrationBatch, google::Export, sealed::{TransferCode, Part},
//! backup::{Backup, BackupEntry}}`. (`app::manual::ManualForm` and `clipboard::Pasted` hold
//! typed secrets but implement no `Debug` at all, which the compiler enforces.)

use monban::camera::scanner::{self, Classified};
use monban::transfer::{self, backup, google, sealed};
use monban::vault::{self, KdfBounds, KdfParams, OpenOptions, Vault};
use monban::{Account, Secret, qr};

use super::leak::{canary_uri, find_leak};
use super::{CANARY, NOW, PASS, light_vault};

fn canary_account() -> Account {
    Account::totp("Canary", "alice", Secret::new(CANARY.to_vec()))
}

/// Fails with the type name when `text` shows the canary in any form.
fn assert_redacted(what: &str, text: &str) {
    if let Some(form) = find_leak(text.as_bytes(), CANARY) {
        panic!("{what} shows the secret ({form}): {text}");
    }
}

#[test]
fn secret_and_account() {
    let s = Secret::new(CANARY.to_vec());
    assert_redacted("Secret", &format!("{s:?} {s:#?}"));
    let a = canary_account();
    assert_redacted("Account", &format!("{a:?} {a:#?}"));
    // The harness can fail: the canary's own Base32 is found.
    assert!(find_leak(s.to_base32().as_bytes(), CANARY).is_some());
}

#[test]
fn vault_types() {
    let dir = tempfile::tempdir().unwrap();
    let path = light_vault(dir.path(), "v.vault");
    let v = Vault::open_with(&path, PASS, NOW, &OpenOptions::light_for_tests()).unwrap();
    assert_redacted("Vault", &format!("{v:?} {v:#?}"));
    for e in v.entries() {
        assert_redacted("Entry", &format!("{e:?} {e:#?}"));
    }
    drop(v);
    let bytes = std::fs::read(&path).unwrap();
    let c = vault::read_bytes(&bytes, PASS, &KdfBounds::LIGHT_FOR_TESTS).unwrap();
    assert_redacted("vault::Contents", &format!("{c:?} {c:#?}"));
    // Errors: wrong passcode, damaged, too new.
    let e = vault::read_bytes(&bytes, "999999", &KdfBounds::LIGHT_FOR_TESTS).unwrap_err();
    assert_redacted("vault::Error", &format!("{e} {e:?}"));
    let _ = KdfParams::TEST_LIGHT;
}

#[test]
fn qr_and_scanner_types() {
    let uri = canary_uri();
    let p = qr::Payload::from_bytes(uri.as_bytes().to_vec());
    assert_redacted("qr::Payload", &format!("{p:?} {p:#?}"));
    for text in [
        uri.clone(),
        uri.replace("otpauth://totp", "otpauth://nonsense"),
        format!("{}?data=abc", scanner::GOOGLE_MIGRATION_PREFIX),
        format!("{}1:ABC", scanner::TRANSFER_PREFIX),
        format!("see {uri}"),
    ] {
        let c = scanner::classify(&text);
        assert_redacted("Classified", &format!("{c:?} {c:#?}"));
        let ev = scanner::ScanEvent::Found(c);
        assert_redacted("ScanEvent", &format!("{ev:?}"));
    }
    assert!(matches!(scanner::classify(&uri), Classified::Account(_)));
}

#[test]
fn transfer_types() {
    let a = canary_account();
    let mut parsed = transfer::Parsed::default();
    parsed.accounts.push(a.clone());
    assert_redacted("transfer::Parsed", &format!("{parsed:?} {parsed:#?}"));

    let export = google::export(std::slice::from_ref(&a), 7);
    let batch = google::parse_migration_uri(&export.uris[0]).unwrap();
    assert_redacted("google::MigrationBatch", &format!("{batch:?} {batch:#?}"));

    let code = sealed::TransferCode::parse("7KQ2M-XD4PA").unwrap();
    assert!(!format!("{code:?}").contains("7KQ2M"), "{code:?}");
    let light = sealed::KdfParams {
        m_kib: 64,
        t: 1,
        p: 1,
    };
    let s = sealed::seal(std::slice::from_ref(&a), &code, light, 10).unwrap();
    let part = sealed::parse_part(&s.texts[0]).unwrap();
    assert_redacted("sealed::Part", &format!("{part:?}"));

    let entries = vec![backup::BackupEntry {
        account: a.clone(),
        meta: None,
    }];
    assert_redacted("backup::BackupEntry", &format!("{entries:?}"));
    let bytes = backup::write(&entries, "pw-123456", KdfParams::TEST_LIGHT, NOW).unwrap();
    let b = backup::read(&bytes, "pw-123456", &KdfBounds::LIGHT_FOR_TESTS).unwrap();
    assert_redacted("backup::Backup", &format!("{b:?} {b:#?}"));
}

/// `google::Export` carries the transfer links themselves (the secrets, Base64-encoded inside
/// a protobuf): its `Debug` must not print them.
#[test]
fn google_export_debug_hides_the_links() {
    let export = google::export(&[canary_account()], 7);
    let shown = format!("{export:?}");
    let link = export.uris[0].as_str();
    let data = link.split("data=").nth(1).unwrap();
    assert!(
        !shown.contains(&data[..24.min(data.len())]),
        "google::Export's Debug prints the transfer link (the secrets in Base64): {shown}"
    );
}

/// Readers refusing an input that holds the canary do not quote the secret back.
#[test]
fn reader_errors_do_not_echo_the_secret() {
    let b32 = Secret::new(CANARY.to_vec()).to_base32().to_string();
    let bad_uris = [
        format!("otpauth://totp/Canary:alice?secret={b32}&digits=99"),
        format!("otpauth://totp/Canary:alice?secret={b32}&algorithm=MD5"),
        format!("otpauth://totp/Canary:alice?secret={b32}&period=0"),
        format!("otpauth://nonsense/Canary:alice?secret={b32}"),
        format!("otpauth://totp/Canary:alice?secret={b32}!!"),
        format!("otpauth://totp/Canary:alice?secret={b32}&counter=x"),
        format!("otpauth://hotp/Canary:alice?secret={b32}&counter=-1"),
    ];
    for u in &bad_uris {
        if let Err(e) = monban::uri::parse(u) {
            assert_redacted("uri::Error", &format!("{e} {e:?}"));
        }
    }
    let text = bad_uris.join("\n");
    let imp = transfer::importer("uri-list").unwrap();
    match imp.read(text.as_bytes(), None) {
        Ok(p) => {
            assert_redacted("uri-list refusals", &format!("{:?}", p.refused));
            for r in &p.refused {
                assert_redacted("uri-list refusal", &r.to_string());
            }
        }
        Err(e) => assert_redacted("transfer::Error", &format!("{e} {e:?}")),
    }
    // Every importer, fed a JSON document full of the canary in wrong places.
    let json = format!(
        r#"{{"db":{{"entries":[{{"type":"md5","name":"x","issuer":"y","info":{{"secret":"{b32}","digits":99}}}}]}},
            "services":[{{"secret":"{b32}!","otp":{{"digits":99}}}}],
            "items":[{{"login":{{"totp":"otpauth://totp/x?secret={b32}&digits=99"}}}}],
            "tokens":[{{"secret":[1,2,3],"type":"md5"}}]}}"#
    );
    for imp in transfer::IMPORTERS {
        match imp.read(json.as_bytes(), None) {
            Ok(p) => {
                for r in &p.refused {
                    assert_redacted(imp.id(), &r.to_string());
                }
            }
            Err(e) => assert_redacted(imp.id(), &format!("{e} {e:?}")),
        }
    }
}
