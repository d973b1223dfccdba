//! Fuzz seeds that cannot be copied from tests/fixtures: light-KDF vault files, sealed
//! transfers and backups, written with the passcode / transfer code / password the fuzz
//! targets use (fuzz/src/lib.rs). `scripts/fuzz.sh` copies fuzz/seeds/<target>/ and the
//! matching fixtures into each target's corpus.
//!
//! Regenerate (after a format change): `cargo test --test integration proof::seeds -- --ignored`.
//! The non-ignored test checks the committed seeds still open, so a format change that would
//! leave the fuzzers stuck at the front door is noticed.

use std::fs;
use std::path::PathBuf;

use monban::transfer::{backup, sealed};
use monban::vault::{self, KdfBounds, KdfParams};
use monban::{Account, Secret};

use super::{PASS, light_vault};
use crate::common::root;

/// Must match fuzz/src/lib.rs.
const TRANSFER_CODE: &str = "7KQ2M-XD4PA";
const BACKUP_PASSWORD: &str = "fuzz-backup";

fn seeds(target: &str) -> PathBuf {
    root().join("fuzz/seeds").join(target)
}

fn accounts() -> Vec<Account> {
    let mut hotp = Account::totp("Example", "hotp@example.com", Secret::new(vec![3; 16]));
    hotp.kind = monban::Kind::Hotp;
    hotp.counter = 42;
    let mut steam = Account::totp("Steam", "gamer", Secret::new(vec![5; 10]));
    steam.kind = monban::Kind::Steam;
    steam.digits = 5;
    vec![
        Account::totp(
            "GitHub",
            "alice",
            Secret::new(b"12345678901234567890".to_vec()),
        ),
        hotp,
        steam,
    ]
}

#[test]
#[ignore = "writes fuzz/seeds; run by hand after a format change"]
fn write_fuzz_seeds() {
    // Vault files (light KDF, passcode PASS).
    let dir = tempfile::tempdir().unwrap();
    let out = seeds("vault_read");
    fs::create_dir_all(&out).unwrap();
    let v = light_vault(dir.path(), "two.vault");
    fs::copy(&v, out.join("two-accounts.vault")).unwrap();
    let empty = dir.path().join("empty.vault");
    drop(
        vault::Vault::create_with(
            &empty,
            PASS,
            KdfParams::TEST_LIGHT,
            super::NOW,
            &vault::OpenOptions::light_for_tests(),
        )
        .unwrap(),
    );
    fs::copy(&empty, out.join("empty.vault")).unwrap();

    // Sealed transfers: one part, and a many-part export (one part per line).
    let out = seeds("sealed_transfer");
    fs::create_dir_all(&out).unwrap();
    let code = sealed::TransferCode::parse(TRANSFER_CODE).unwrap();
    let light = sealed::KdfParams {
        m_kib: 64,
        t: 1,
        p: 1,
    };
    let s = sealed::seal(&accounts(), &code, light, 10).unwrap();
    fs::write(out.join("three-accounts.txt"), s.texts.join("\n")).unwrap();
    let many: Vec<Account> = (0..30)
        .map(|i| {
            Account::totp(
                format!("Issuer {i}"),
                "user",
                Secret::new(vec![i as u8 + 1; 20]),
            )
        })
        .collect();
    let s = sealed::seal(&many, &code, light, 4).unwrap();
    assert!(s.texts.len() > 1);
    fs::write(out.join("many-parts.txt"), s.texts.join("\n")).unwrap();

    // Backups.
    let out = seeds("backup_read");
    fs::create_dir_all(&out).unwrap();
    let entries: Vec<backup::BackupEntry> = accounts()
        .into_iter()
        .map(|account| backup::BackupEntry {
            account,
            meta: None,
        })
        .collect();
    let b = backup::write(
        &entries,
        BACKUP_PASSWORD,
        KdfParams::TEST_LIGHT,
        1_700_000_000,
    )
    .unwrap();
    fs::write(out.join("three-accounts.monban-backup"), b).unwrap();
}

/// Bounds of the vault and backup fuzz targets (fuzz/src/lib.rs `VAULT_FUZZ_BOUNDS`).
const FUZZ_BOUNDS: KdfBounds = KdfBounds {
    min_m_kib: 8,
    max_m_kib: 64,
    min_t: 1,
    max_t: 1,
    min_p: 1,
    max_p: 1,
};

#[test]
fn committed_fuzz_seeds_still_open() {
    let read =
        |t: &str, f: &str| fs::read(seeds(t).join(f)).unwrap_or_else(|e| panic!("{t}/{f}: {e}"));
    let c = vault::read_bytes(
        &read("vault_read", "two-accounts.vault"),
        PASS,
        &FUZZ_BOUNDS,
    )
    .unwrap();
    assert_eq!(c.entries.len(), 2);
    vault::read_bytes(&read("vault_read", "empty.vault"), PASS, &FUZZ_BOUNDS).unwrap();

    let code = sealed::TransferCode::parse(TRANSFER_CODE).unwrap();
    let limits = sealed::Limits {
        min_m_kib: 8,
        max_m_kib: 64,
        min_t: 1,
        max_t: 1,
        max_p: 1,
    };
    for (f, n) in [("three-accounts.txt", 3), ("many-parts.txt", 30)] {
        let text = String::from_utf8(read("sealed_transfer", f)).unwrap();
        let parts: Vec<sealed::Part> = text
            .lines()
            .map(|l| sealed::parse_part(l).unwrap())
            .collect();
        let p = sealed::open(&parts, &code, &limits).unwrap();
        assert_eq!(p.accounts.len(), n, "{f}");
    }

    let b = backup::read(
        &read("backup_read", "three-accounts.monban-backup"),
        BACKUP_PASSWORD,
        &FUZZ_BOUNDS,
    )
    .unwrap();
    assert_eq!(b.accounts(), accounts());
}
