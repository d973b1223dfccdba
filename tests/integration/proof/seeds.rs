//! Fuzz seeds that cannot be copied from tests/fixtures: light-KDF vault files, sealed
//! transfers and backups, written with the passcode / transfer code / password the fuzz
//! targets use (fuzz/src/lib.rs). `scripts/fuzz.sh` copies fuzz/seeds/<target>/ and the
//! matching fixtures into each target's corpus.
//!
//! Regenerate (after a format change): `cargo test --test integration proof::seeds -- --ignored`.
//! The light-KDF foreign exports in fuzz/seeds/import_* come from the fixtures' own writer
//! instead: `python3 tests/fixtures/transfer/make_fixtures.py --fuzz-seeds`.
//! The non-ignored test checks the committed seeds still open, so a format change that would
//! leave the fuzzers stuck at the front door is noticed.

use std::fs;
use std::path::PathBuf;

use monban::qr;
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
    let entries: Vec<backup::BackupEntry> = accounts().into_iter().map(Into::into).collect();
    let b = backup::write(
        &entries,
        BACKUP_PASSWORD,
        KdfParams::TEST_LIGHT,
        1_700_000_000,
    )
    .unwrap();
    fs::write(out.join("three-accounts.monban-backup"), b).unwrap();
}

#[test]
#[ignore = "writes fuzz/seeds; run by hand after a format change"]
fn write_qr_fuzz_seeds() {
    // Small QR images and raw frames (the QR targets take at most 128 × 128 pixels).
    for (target, scale) in [("qr_image", 2), ("qr_frame", 1)] {
        let out = seeds(target);
        fs::create_dir_all(&out).unwrap();
        for (name, text) in QR_SEEDS {
            let img = qr::encode_scaled(text, scale).unwrap();
            assert!(img.width <= 128, "{name}: {} px", img.width);
            let bytes = if target == "qr_image" {
                img.to_png().to_vec()
            } else {
                qr_frame_input(img.width, &img.luma)
            };
            let ext = if target == "qr_image" { "png" } else { "luma" };
            fs::write(out.join(format!("{name}.{ext}")), bytes).unwrap();
        }
    }
}

/// Texts of the QR seeds: an account link, and a short text.
const QR_SEEDS: &[(&str, &str)] = &[
    ("totp-uri", "otpauth://totp/ACME:al?secret=JBSWY3DPEHPK3PXP"),
    ("short-text", "monban"),
];

/// The `qr_frame` target's input for a packed frame: width - 1 (u16 LE), stride padding 0,
/// one unused byte, then the pixels (fuzz/src/lib.rs `qr_frame`).
fn qr_frame_input(width: usize, luma: &[u8]) -> Vec<u8> {
    let mut out = u16::try_from(width - 1).unwrap().to_le_bytes().to_vec();
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(luma);
    out
}

/// Bounds of the vault and backup fuzz targets (fuzz/src/lib.rs `VAULT_FUZZ_BOUNDS`).
const FUZZ_BOUNDS: KdfBounds = KdfBounds::FUZZ;

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
    let limits = sealed::Limits::FUZZ;
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

/// The light-KDF import seeds (make_fixtures.py --fuzz-seeds) open with the fixtures' password
/// and carry the fixture accounts; 2FAS's (1,000 rounds where the format fixes 10,000) opens
/// only in a fuzz build, which runs at most 1,000 PBKDF2 rounds: here it is a wrong password.
#[test]
fn committed_import_seeds_open_with_light_kdf() {
    use monban::transfer;
    let expected = transfer::importer("aegis")
        .unwrap()
        .read(
            &fs::read(root().join("tests/fixtures/transfer/aegis-plain.json")).unwrap(),
            None,
        )
        .unwrap()
        .accounts
        .len();
    for (target, file, id) in [
        ("import_aegis", "aegis-light.json", "aegis"),
        ("import_andotp", "andotp-light.json.aes", "andotp"),
        ("import_ente", "ente-light.txt", "ente"),
    ] {
        let data = fs::read(seeds(target).join(file)).unwrap();
        let imp = transfer::importer(id).unwrap();
        assert!(imp.detect(&data) && imp.encrypted(&data), "{file}");
        let p = imp
            .read(&data, Some("test"))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(p.accounts.len(), expected, "{file}");
    }
    let data = fs::read(seeds("import_2fas").join("2fas-light.2fas")).unwrap();
    let r = transfer::importer("2fas")
        .unwrap()
        .read(&data, Some("test"));
    assert!(matches!(r, Err(transfer::Error::WrongPassword)), "{r:?}");
}

/// The QR seeds decode to their texts (an image through the still loader, a raw frame as the
/// `qr_frame` target builds it).
#[test]
fn committed_qr_seeds_decode() {
    for (name, text) in QR_SEEDS {
        let png = fs::read(seeds("qr_image").join(format!("{name}.png"))).unwrap();
        let frame = monban::camera::load_image_bytes(&png).unwrap();
        assert!(frame.width() * frame.height() <= 128 * 128, "{name}");
        let got: Vec<String> = qr::decode(&frame).iter().map(|p| p.text.clone()).collect();
        assert_eq!(got, [*text], "qr_image/{name}.png");

        let raw = fs::read(seeds("qr_frame").join(format!("{name}.luma"))).unwrap();
        let width = 1 + usize::from(u16::from_le_bytes([raw[0], raw[1]]));
        assert!(raw.len() <= 4096, "{name}: {} bytes", raw.len());
        let pixels = raw[4..].to_vec();
        let height = pixels.len() / width;
        let frame = monban::qr::Frame::new(width, height, width, pixels).unwrap();
        let got: Vec<String> = qr::decode(&frame).iter().map(|p| p.text.clone()).collect();
        assert_eq!(got, [*text], "qr_frame/{name}.luma");
    }
}
