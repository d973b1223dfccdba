//! Property tests for the readers their owners' property tests do not cover (checked with
//! `grep -rn proptest src tests`: `uri` (lead), `transfer::proto`, `transfer::google` and
//! `transfer::sealed`'s text/Base45/entry parsing already have theirs):
//!
//! - every importer, and format detection: no panic on any bytes or on mutated fixtures;
//!   the URI-list importer reads back what the URI writer writes;
//! - the vault file reader (`vault::read_bytes`, light KDF): no panic on any bytes, and no
//!   mutation of a real vault file is ever accepted;
//! - the backup reader: no panic; write → read round trip of any valid accounts;
//! - the sealed transfer: seal → open round trip of any valid accounts, parts in any order;
//! - the QR decoder on arbitrary frames and image bytes: no panic; encode → decode round trip;
//! - the scanner's payload classification: no panic on any text.

use proptest::prelude::*;

use monban::account::{Algorithm, Kind};
use monban::camera::{self, scanner};
use monban::qr::Frame;
use monban::transfer::{self, backup, sealed};
use monban::vault::{self, KdfBounds, KdfParams};
use monban::{Account, Secret, qr};

use super::{PASS, light_vault};
use crate::common::fixture;

fn cfg(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Any account `otp::validate` accepts.
fn valid_account() -> impl Strategy<Value = Account> {
    (
        "\\PC{0,24}",
        "\\PC{0,24}",
        proptest::collection::vec(any::<u8>(), 1..64),
        0u8..3,
        0u8..3,
        6u32..=10,
        1u64..=600,
        any::<u64>(),
    )
        .prop_map(
            |(issuer, name, secret, kind, alg, digits, period, counter)| {
                let kind = [Kind::Totp, Kind::Hotp, Kind::Steam][kind as usize];
                Account {
                    // Readers trim the labels (a lenient reader's choice), so writers never see
                    // surrounding spaces from them.
                    issuer: issuer.trim().to_string(),
                    name: name.trim().to_string(),
                    secret: Secret::new(secret),
                    kind,
                    algorithm: if kind == Kind::Steam {
                        Algorithm::Sha1
                    } else {
                        [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][alg as usize]
                    },
                    digits: if kind == Kind::Steam { 5 } else { digits },
                    // HOTP keeps the default period: it is unused, and URIs do not carry it.
                    period: if kind == Kind::Totp { period } else { 30 },
                    counter: if kind == Kind::Hotp { counter } else { 0 },
                }
            },
        )
}

/// Every import fixture's bytes.
fn import_fixtures() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    // The generated fixtures, and one folder per format of real exports.
    let mut dirs = vec![fixture("transfer")];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() {
                dirs.push(e.path());
                continue;
            }
            if name.ends_with(".py")
                || name.ends_with(".png")
                || name == "expected.json"
                || name == "NOTICE"
            {
                continue;
            }
            out.push(std::fs::read(e.path()).unwrap());
        }
    }
    assert!(out.len() >= 10, "import fixtures missing");
    out
}

/// A mutation: at `pos` (scaled to the length), `op` 0 flips a byte, 1 deletes it, 2 inserts.
fn mutate(data: &[u8], pos: usize, op: u8, byte: u8) -> Vec<u8> {
    let mut d = data.to_vec();
    if d.is_empty() {
        d.push(byte);
        return d;
    }
    let i = pos % d.len();
    match op % 3 {
        0 => d[i] ^= byte | 1,
        1 => {
            d.remove(i);
        }
        _ => d.insert(i, byte),
    }
    d
}

/// Reads `data` with every importer, with and without the fixtures' password.
fn read_all(data: &[u8]) {
    for imp in transfer::IMPORTERS {
        let _ = imp.detect(data);
        let _ = imp.encrypted(data);
        let _ = imp.read(data, None);
    }
    if let Ok(imp) = transfer::detect(data) {
        let _ = imp.read(data, Some("test"));
    }
}

proptest! {
    #![proptest_config(cfg(256))]

    #[test]
    fn importers_never_panic_on_bytes(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        read_all(&data);
    }

    #[test]
    fn importers_never_panic_on_json(s in "\\{\"(db|services|items|tokens|encryptedData|header)\":\\PC{0,200}") {
        read_all(s.as_bytes());
    }

    #[test]
    fn scanner_classify_never_panics(s in "\\PC{0,200}", raw in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = scanner::classify(&s);
        let _ = scanner::classify(&format!("otpauth://{s}"));
        let _ = scanner::classify(&qr::bytes_to_text(&raw));
    }
}

proptest! {
    // Mutated fixtures reach deeper (past detection and JSON); encrypted fixtures run their
    // KDF (scrypt 2^15, PBKDF2 10k, Argon2id) once per case, so fewer cases.
    #![proptest_config(cfg(48))]

    #[test]
    fn importers_never_panic_on_mutated_fixtures(which in any::<usize>(), pos in any::<usize>(), op in any::<u8>(), byte in any::<u8>(), more in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4)) {
        let fixtures = import_fixtures();
        let mut data = mutate(&fixtures[which % fixtures.len()], pos, op, byte);
        for (p, b) in more {
            data = mutate(&data, p, 0, b);
        }
        read_all(&data);
    }

    #[test]
    fn uri_list_reads_back_what_the_uri_writer_writes(accounts in proptest::collection::vec(valid_account(), 1..6)) {
        let text: Vec<String> = accounts.iter().map(|a| monban::uri::write(a).to_string()).collect();
        let imp = transfer::importer("uri-list").unwrap();
        let parsed = imp.read(text.join("\n").as_bytes(), None).unwrap();
        prop_assert!(parsed.refused.is_empty(), "{:?}", parsed.refused);
        prop_assert!(parsed.accounts == accounts);
    }
}

proptest! {
    #![proptest_config(cfg(128))]

    #[test]
    fn vault_reader_never_panics_on_bytes(data in proptest::collection::vec(any::<u8>(), 0..400), magic in any::<bool>()) {
        let mut data = data;
        if magic {
            let mut d = vault::MAGIC.to_vec();
            d.extend_from_slice(&1u16.to_le_bytes());
            d.extend(data);
            data = d;
        }
        prop_assert!(vault::read_bytes(&data, PASS, &KdfBounds::LIGHT_FOR_TESTS).is_err());
    }

    #[test]
    fn backup_reader_never_panics_on_bytes(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut d = backup::MAGIC.to_vec();
        d.extend_from_slice(&1u16.to_le_bytes());
        d.push(1);
        d.extend(&data);
        for bytes in [&data[..], &d[..]] {
            prop_assert!(backup::read(bytes, "pw", &KdfBounds::LIGHT_FOR_TESTS).is_err());
        }
    }
}

proptest! {
    #![proptest_config(cfg(64))]

    #[test]
    fn no_mutation_of_a_vault_file_is_accepted(muts in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..4)) {
        let dir = tempfile::tempdir().unwrap();
        let orig = std::fs::read(light_vault(dir.path(), "v.vault")).unwrap();
        let mut data = orig.clone();
        for (pos, op, byte) in muts {
            data = mutate(&data, pos, op, byte);
        }
        prop_assume!(data != orig);
        prop_assert!(vault::read_bytes(&data, PASS, &KdfBounds::LIGHT_FOR_TESTS).is_err());
    }

    #[test]
    fn backup_round_trips(accounts in proptest::collection::vec(valid_account(), 0..6), pw in "\\PC{1,20}") {
        let entries: Vec<backup::BackupEntry> = accounts
            .iter()
            .map(|a| backup::BackupEntry { account: a.clone(), meta: None })
            .collect();
        let bytes = backup::write(&entries, &pw, KdfParams::TEST_LIGHT, 1_700_000_000).unwrap();
        let b = backup::read(&bytes, &pw, &KdfBounds::LIGHT_FOR_TESTS).unwrap();
        prop_assert!(b.accounts() == accounts);
        prop_assert_eq!(b.created, 1_700_000_000);
        prop_assert_eq!(b.fingerprint(), backup::fingerprint(accounts.iter()));
    }

    #[test]
    fn sealed_transfer_round_trips_in_any_order(accounts in proptest::collection::vec(valid_account(), 1..12), rot in any::<usize>()) {
        let code = sealed::TransferCode::generate().unwrap();
        let light = sealed::KdfParams { m_kib: 64, t: 1, p: 1 };
        let s = sealed::seal(&accounts, &code, light, sealed::MAX_VERSION).unwrap();
        let mut parts: Vec<sealed::Part> = s.texts.iter().map(|t| sealed::parse_part(t).unwrap()).collect();
        let n = parts.len();
        parts.rotate_left(rot % n);
        let typed = code.display().to_lowercase();
        let code2 = sealed::TransferCode::parse(&typed).unwrap();
        let opened = sealed::open(&parts, &code2, &sealed::Limits::NO_FLOOR).unwrap();
        prop_assert!(opened.refused.is_empty(), "{:?}", opened.refused);
        prop_assert!(opened.accounts == accounts);
    }
}

proptest! {
    #![proptest_config(cfg(24))]

    #[test]
    fn qr_decoder_never_panics_on_frames(w in 1usize..96, h in 1usize..96, pad in 0usize..8, seed in any::<u64>(), kind in 0u8..4) {
        let stride = w + pad;
        let mut x = seed | 1;
        let luma: Vec<u8> = (0..stride * h)
            .map(|i| match kind {
                0 => { x ^= x << 13; x ^= x >> 7; x ^= x << 17; x as u8 }
                1 => if (i / 3 + i / stride / 3) % 2 == 0 { 0 } else { 255 },
                2 => (i % 256) as u8,
                _ => if x.wrapping_mul(i as u64 + 1) >> 63 == 0 { 0 } else { 255 },
            })
            .collect();
        let frame = Frame::new(w, h, stride, luma).unwrap();
        let _ = qr::decode(&frame);
        let _ = qr::decode_with(&frame, &qr::DecodeOptions::thorough());
    }

    #[test]
    fn image_loader_never_panics(data in proptest::collection::vec(any::<u8>(), 0..600), header in 0u8..6) {
        let magic: &[u8] = match header {
            0 => b"\x89PNG\r\n\x1a\n",
            1 => b"\xff\xd8\xff",
            2 => b"GIF89a",
            3 => b"BM",
            4 => b"RIFF\0\0\0\0WEBP",
            _ => b"",
        };
        let mut d = magic.to_vec();
        d.extend(data);
        if let Ok(f) = camera::load_image_bytes(&d) {
            let _ = qr::decode(&f);
        }
    }

    #[test]
    fn image_loader_never_panics_on_mutated_png(pos in any::<usize>(), op in any::<u8>(), byte in any::<u8>()) {
        let png = qr::encode_png("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP", 2).unwrap();
        let d = mutate(&png, pos, op, byte);
        if let Ok(f) = camera::load_image_bytes(&d) {
            let _ = qr::decode(&f);
        }
    }

    #[test]
    fn qr_encode_decode_round_trips(text in "[ -~]{1,120}") {
        let img = qr::encode(&text).unwrap();
        let found = qr::decode(&img.to_frame());
        prop_assert!(found.iter().any(|p| p.text == text), "{:?}", found.iter().map(|p| p.text.len()).collect::<Vec<_>>());
    }
}
