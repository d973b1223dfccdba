//! Tampering and misuse of the encrypted containers other than the vault file (whose every
//! byte is flipped by the vault's own test, `vault::tamper`): every byte of a backup file and
//! of a sealed transfer flipped one at a time gives an error — never a success, never a
//! panic; files from a future version are refused with a clear message; KDF parameters beyond
//! the bounds are refused before the KDF runs (so before its memory is allocated), for the
//! vault, backups, sealed transfers and the encrypted importers.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use sha2::Digest;

use monban::transfer::{self, backup, sealed};
use monban::vault::{self, KdfBounds, KdfParams};
use monban::{Account, Secret};

use super::{CANARY, PASS, light_vault};
use crate::common::fixture;

const MASKS: [u8; 3] = [0x01, 0x80, 0xff];

/// Bounds for flip tests: light files accepted, at most 64 MiB so a flipped memory byte costs
/// at most one 64 MiB KDF run.
const FLIP_BOUNDS: KdfBounds = KdfBounds {
    max_m_kib: 64 * 1024 + 64,
    ..KdfBounds::LIGHT_FOR_TESTS
};

/// A refusal that must come before any KDF: quick (one 19 MiB Argon2id pass, the smallest
/// accepted, already takes longer than this on this kind of machine).
const BEFORE_KDF: Duration = Duration::from_millis(50);

fn accounts() -> Vec<Account> {
    vec![
        Account::totp("Canary", "alice", Secret::new(CANARY.to_vec())),
        Account::totp("Bank", "bob", Secret::new(vec![7; 10])),
    ]
}

fn small_backup() -> Vec<u8> {
    let entries: Vec<backup::BackupEntry> = accounts().into_iter().map(Into::into).collect();
    backup::write(&entries, "backup-pw", KdfParams::TEST_LIGHT, 1_700_000_000).unwrap()
}

#[test]
fn every_byte_of_a_backup_flipped_is_refused() {
    let orig = small_backup();
    assert!(backup::read(&orig, "backup-pw", &FLIP_BOUNDS).is_ok());
    let mut tries = 0;
    for offset in 0..orig.len() {
        for mask in MASKS {
            let mut b = orig.clone();
            b[offset] ^= mask;
            let r = catch_unwind(|| backup::read(&b, "backup-pw", &FLIP_BOUNDS).map(|_| ()))
                .unwrap_or_else(|_| panic!("backup: panic at byte {offset} ^ {mask:#x}"));
            let e = r
                .err()
                .unwrap_or_else(|| panic!("backup: byte {offset} ^ {mask:#x} was accepted"));
            // Past the header only authentication can fail.
            if offset >= backup::HEADER_LEN {
                assert_eq!(e, backup::Error::WrongPassword, "byte {offset}");
            }
            tries += 1;
        }
    }
    // Truncations.
    for len in 0..orig.len() {
        assert!(
            backup::read(&orig[..len], "backup-pw", &FLIP_BOUNDS).is_err(),
            "backup cut to {len} bytes was accepted"
        );
    }
    eprintln!(
        "tamper: backup of {} bytes: {tries} single-byte changes and {} truncations refused",
        orig.len(),
        orig.len()
    );
}

fn light_sealed() -> (Vec<String>, sealed::TransferCode) {
    let code = sealed::TransferCode::generate().unwrap();
    let light = sealed::KdfParams {
        m_kib: 64,
        t: 1,
        p: 1,
    };
    // Version-2 QR codes at most: the two accounts travel in two parts.
    let s = sealed::seal(&accounts(), &code, light, 2).unwrap();
    (s.texts, code)
}

/// Parses and opens a whole set of part texts.
fn open_texts(texts: &[String], code: &sealed::TransferCode) -> Result<usize, sealed::Error> {
    let parts = texts
        .iter()
        .map(|t| sealed::parse_part(t))
        .collect::<Result<Vec<_>, _>>()?;
    let limits = sealed::Limits {
        max_m_kib: 64 * 1024 + 64,
        ..sealed::Limits::NO_FLOOR
    };
    sealed::open(&parts, code, &limits).map(|p| p.accounts.len())
}

#[test]
fn every_byte_of_a_sealed_transfer_flipped_is_refused() {
    let (texts, code) = light_sealed();
    assert!(texts.len() >= 2, "expected several parts");
    assert_eq!(open_texts(&texts, &code), Ok(2));
    let prefix = &format!("monban-transfer:{}:", sealed::VERSION);
    let mut tries = 0;
    let mut total_bytes = 0;
    for (i, t) in texts.iter().enumerate() {
        let bytes = sealed::base45_decode(t.strip_prefix(prefix).unwrap()).unwrap();
        total_bytes += bytes.len();
        for offset in 0..bytes.len() {
            for mask in MASKS {
                let mut b = bytes.clone();
                b[offset] ^= mask;
                let mut set = texts.clone();
                set[i] = format!("{prefix}{}", sealed::base45_encode(&b));
                let r = catch_unwind(AssertUnwindSafe(|| open_texts(&set, &code)))
                    .unwrap_or_else(|_| panic!("part {i} byte {offset}: panic"));
                assert!(
                    r.is_err(),
                    "sealed part {i}: byte {offset} ^ {mask:#x} was accepted ({r:?})"
                );
                tries += 1;
            }
        }
        // Every character of the QR text replaced.
        for (pos, _) in t.char_indices().skip(prefix.len()) {
            let mut s = t.clone();
            let c = if &t[pos..=pos] == "0" { "1" } else { "0" };
            s.replace_range(pos..=pos, c);
            let mut set = texts.clone();
            set[i] = s;
            let r = catch_unwind(AssertUnwindSafe(|| open_texts(&set, &code)))
                .unwrap_or_else(|_| panic!("part {i} char {pos}: panic"));
            assert!(
                r.is_err(),
                "sealed part {i}: char {pos} changed was accepted"
            );
            tries += 1;
        }
    }
    // Parts of another export mixed in, and the wrong code.
    let (other, _) = light_sealed();
    let mixed = vec![texts[0].clone(), other[1].clone()];
    assert!(
        open_texts(&mixed, &code).is_err(),
        "parts of two exports were mixed"
    );
    let wrong = sealed::TransferCode::generate().unwrap();
    assert_eq!(open_texts(&texts, &wrong), Err(sealed::Error::WrongCode));
    eprintln!(
        "tamper: sealed transfer of {} parts ({total_bytes} bytes): {tries} single-byte and \
         single-character changes refused",
        texts.len()
    );
}

/// Offset of the part number in a sealed part's header (version 1, batch id 4, index, count).
const PART_INDEX: usize = 5;

/// Found by `every_byte_of_a_sealed_transfer_flipped_is_refused` (owner: transfer::sealed):
/// one part of a two-part transfer, its number byte changed from 1 to 0, is dropped as a
/// duplicate of part 0 and `open` succeeds with one account instead of two — a tampered
/// transfer opened without an error. Fixed in 118c0dc (`open` refuses two different parts
/// with one number); this keeps it fixed.
#[test]
fn sealed_part_renumbered_as_another_is_refused() {
    let (texts, code) = light_sealed();
    let prefix = &format!("monban-transfer:{}:", sealed::VERSION);
    for i in 0..texts.len() {
        for other in 0..texts.len() {
            if other == i {
                continue;
            }
            let mut b = sealed::base45_decode(texts[i].strip_prefix(prefix).unwrap()).unwrap();
            b[PART_INDEX] = other as u8;
            let mut set = texts.clone();
            set[i] = format!("{prefix}{}", sealed::base45_encode(&b));
            let r = open_texts(&set, &code);
            assert!(r.is_err(), "part {i} renumbered {other}: accepted ({r:?})");
        }
    }
}

#[test]
fn future_versions_are_refused_clearly() {
    // Vault: version field 3.
    let dir = tempfile::tempdir().unwrap();
    let mut v = std::fs::read(light_vault(dir.path(), "v.vault")).unwrap();
    v[8..10].copy_from_slice(&3u16.to_le_bytes());
    let e = vault::read_bytes(&v, PASS, &KdfBounds::LIGHT_FOR_TESTS).unwrap_err();
    assert!(matches!(e, vault::Error::TooNew { version: 3 }), "{e:?}");
    assert!(
        e.to_string().contains("newer Monban") && e.to_string().contains("update"),
        "{e}"
    );

    // Backup: version field 2.
    let mut b = small_backup();
    b[8..10].copy_from_slice(&2u16.to_le_bytes());
    let e = backup::read(&b, "backup-pw", &KdfBounds::LIGHT_FOR_TESTS).unwrap_err();
    assert_eq!(e, backup::Error::TooNew(2));
    assert!(
        e.to_string().contains("newer Monban") && e.to_string().contains("update"),
        "{e}"
    );

    // Sealed transfer: the next text version, and the next header version byte.
    let (texts, _) = light_sealed();
    let current = format!("monban-transfer:{}:", sealed::VERSION);
    let next = sealed::VERSION + 1;
    let t2 = texts[0].replacen(&current, &format!("monban-transfer:{next}:"), 1);
    let e = sealed::parse_part(&t2).unwrap_err();
    assert_eq!(e, sealed::Error::UnsupportedVersion(next));
    assert!(
        e.to_string().contains("newer Monban") && e.to_string().contains("update"),
        "{e}"
    );
    let mut bytes = sealed::base45_decode(texts[0].strip_prefix(&current).unwrap()).unwrap();
    bytes[0] = next;
    let t = format!("{current}{}", sealed::base45_encode(&bytes));
    assert_eq!(
        sealed::parse_part(&t).unwrap_err(),
        sealed::Error::UnsupportedVersion(next)
    );
}

/// Runs `f`, which must fail quickly with a KDF refusal.
fn refused_fast<E: std::fmt::Debug, T>(
    what: &str,
    f: impl FnOnce() -> Result<T, E>,
    ok: impl Fn(&E) -> bool,
) {
    let t0 = Instant::now();
    let r = f();
    let took = t0.elapsed();
    match r {
        Ok(_) => panic!("{what}: accepted"),
        Err(e) => assert!(ok(&e), "{what}: {e:?}"),
    }
    assert!(took < BEFORE_KDF, "{what}: took {took:?}: the KDF ran");
}

const EXTREME: [(u32, u32, u32); 6] = [
    (u32::MAX, 3, 4),
    (4 * 1024 * 1024, 3, 4), // 4 GiB
    (64 * 1024, u32::MAX, 4),
    (64 * 1024, 3, 0),
    (64 * 1024, 3, u32::MAX),
    (1024, 1, 1), // a downgrade
];

#[test]
fn kdf_parameters_beyond_bounds_are_refused_before_the_kdf() {
    // Vault, through the file-less reader with the real bounds.
    let dir = tempfile::tempdir().unwrap();
    let orig = std::fs::read(light_vault(dir.path(), "v.vault")).unwrap();
    for (m, t, p) in EXTREME {
        let mut b = orig.clone();
        b[22..26].copy_from_slice(&m.to_le_bytes());
        b[26..30].copy_from_slice(&t.to_le_bytes());
        b[30..34].copy_from_slice(&p.to_le_bytes());
        // A deliberate edit fixes the unkeyed header checksum too.
        let sum = sha2::Sha256::digest(&b[..vault::HEADER_LEN_V1]);
        b[vault::HEADER_LEN_V1..vault::HEADER_LEN].copy_from_slice(&sum);
        refused_fast(
            &format!("vault m={m} t={t} p={p}"),
            || vault::read_bytes(&b, PASS, &KdfBounds::REAL),
            |e| matches!(e, vault::Error::KdfParams { .. }),
        );
    }
    // Backup.
    let orig = small_backup();
    for (m, t, p) in EXTREME {
        let mut b = orig.clone();
        b[11..15].copy_from_slice(&m.to_le_bytes());
        b[15..19].copy_from_slice(&t.to_le_bytes());
        b[19..23].copy_from_slice(&p.to_le_bytes());
        refused_fast(
            &format!("backup m={m} t={t} p={p}"),
            || backup::read(&b, "backup-pw", &KdfBounds::REAL),
            |e| matches!(e, backup::Error::KdfRefused(_)),
        );
    }
    // Sealed transfer (t and p are one byte each).
    let (texts, code) = light_sealed();
    let prefix = &format!("monban-transfer:{}:", sealed::VERSION);
    for (m, t, p) in [
        (u32::MAX, 3u8, 4u8),
        (4 << 20, 3, 4),
        (65536, 255, 4),
        (65536, 3, 0),
        (65536, 3, 255),
        (1024, 1, 1),
    ] {
        let set: Vec<String> = texts
            .iter()
            .map(|s| {
                let mut b = sealed::base45_decode(s.strip_prefix(prefix).unwrap()).unwrap();
                b[7..11].copy_from_slice(&m.to_le_bytes());
                b[11] = t;
                b[12] = p;
                format!("{prefix}{}", sealed::base45_encode(&b))
            })
            .collect();
        refused_fast(
            &format!("sealed m={m} t={t} p={p}"),
            || {
                let parts = set
                    .iter()
                    .map(|s| sealed::parse_part(s))
                    .collect::<Result<Vec<_>, _>>()?;
                sealed::open(&parts, &code, &sealed::Limits::DEFAULT)
            },
            |e| matches!(e, sealed::Error::KdfRefused(_)),
        );
    }
}

fn aegis_with_scrypt(n: u64, r: u64, p: u64) -> Vec<u8> {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture("transfer/aegis-encrypted.json")).unwrap())
            .unwrap();
    for slot in v["header"]["slots"].as_array_mut().unwrap() {
        if slot["type"] == 1 {
            slot["n"] = n.into();
            slot["r"] = r.into();
            slot["p"] = p.into();
        }
    }
    serde_json::to_vec(&v).unwrap()
}

#[test]
fn encrypted_imports_with_extreme_kdf_settings_are_refused_before_the_kdf() {
    let aegis = transfer::importer("aegis").unwrap();
    for (n, r, p) in [
        (1u64 << 40, 8, 1),
        (1 << 15, 1 << 20, 1),
        (1 << 15, 8, 1 << 20),
        (3, 8, 1),
    ] {
        let data = aegis_with_scrypt(n, r, p);
        refused_fast(
            &format!("aegis scrypt N={n} r={r} p={p}"),
            || aegis.read(&data, Some("test")),
            |e| {
                matches!(
                    e,
                    transfer::Error::KdfRefused(_) | transfer::Error::Malformed { .. }
                )
            },
        );
    }
    let ente = transfer::importer("ente").unwrap();
    let orig: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture("transfer/ente-encrypted.txt")).unwrap())
            .unwrap();
    for (mem, ops) in [(1u64 << 40, 2u64), (16 << 20, 1 << 30), (16 << 20, 0)] {
        let mut v = orig.clone();
        v["kdfParams"]["memLimit"] = mem.into();
        v["kdfParams"]["opsLimit"] = ops.into();
        let data = serde_json::to_vec(&v).unwrap();
        refused_fast(
            &format!("ente mem={mem} ops={ops}"),
            || ente.read(&data, Some("test")),
            |e| matches!(e, transfer::Error::KdfRefused(_)),
        );
    }
    let andotp = transfer::importer("andotp").unwrap();
    let mut data = std::fs::read(fixture("transfer/andotp-encrypted.json.aes")).unwrap();
    data[..4].copy_from_slice(&u32::MAX.to_be_bytes());
    // Outside the bounds the count is never used: PBKDF2 does not run (refused fast). Such a
    // file is also what an old-layout backup (no count, a SHA-256 key) looks like, which
    // does not open with this password either: "wrong password".
    refused_fast(
        "andotp u32::MAX PBKDF2 rounds",
        || andotp.read(&data, Some("test")),
        |e| {
            matches!(
                e,
                transfer::Error::KdfRefused(_) | transfer::Error::WrongPassword
            )
        },
    );
}

/// Found by review (owner: transfer::aegis): the scrypt ceiling (N ≤ 2^20, r ≤ 32, p ≤ 16)
/// admits a file that makes Monban allocate 128·r·N = 4 GiB and run 16 such passes — an
/// out-of-memory kill on a phone from one crafted import file. The vault and backups stop at
/// 1 GiB. Fixed in 118c0dc (scrypt settings over 1 GiB refused before scrypt runs). Run in
/// a child limited to 2 GiB of address space so a regression cannot exhaust the machine.
#[test]
fn aegis_scrypt_needing_4_gib_is_refused() {
    const CHILD: &str = "MONBAN_PROOF_AEGIS_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let data = aegis_with_scrypt(1 << 20, 32, 1);
        let r = transfer::importer("aegis")
            .unwrap()
            .read(&data, Some("test"));
        assert!(matches!(r, Err(transfer::Error::KdfRefused(_))), "{r:?}");
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 2097152; exec \"$0\" --exact proof::tamper::aegis_scrypt_needing_4_gib_is_refused -q --test-threads=1")
        .arg(exe)
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "the 4 GiB scrypt file was not refused up front ({}): {stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
