//! Every single-byte change and every truncation of a small vault file is refused with the
//! error of its region; never a panic, never a silent success. KDF downgrades are refused
//! before the KDF runs.

use std::fs;
use std::path::Path;

use monban::vault::{self, Error, HEADER_LEN, KdfBounds, KdfParams, OpenOptions, Vault};

use super::{NOW, PASS, small_vault};

/// Bounds for this test: light vaults accepted, but at most 64 MiB so that a flipped memory
/// byte costs at most one 64 MiB KDF run.
fn bounds() -> OpenOptions {
    OpenOptions {
        kdf_bounds: KdfBounds {
            max_m_kib: 64 * 1024 + 64,
            ..KdfBounds::LIGHT_FOR_TESTS
        },
        ..OpenOptions::light_for_tests()
    }
}

/// Opens `bytes` written at `path` (fresh side state each time so the backoff never hides a try).
fn open_bytes(path: &Path, bytes: &[u8]) -> Result<Vault, Error> {
    fs::write(path, bytes).unwrap();
    let _ = fs::remove_file(vault::state_path(path));
    Vault::open_with(path, PASS, NOW, &bounds())
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Class {
    Damaged,
    TooNew,
    WrongOrKdf,
}

/// The error class expected for a change at `offset` (see docs/vault-format.md for the layout).
/// Since version 2 the header checksum turns every accidental change into damage, the key
/// slot included: never a "wrong passcode", never a failed attempt.
fn expected(offset: usize) -> &'static [Class] {
    match offset {
        0..=7 => &[Class::Damaged],                // magic
        8..=9 => &[Class::Damaged, Class::TooNew], // version (0 is damaged, >2 too new)
        _ => &[Class::Damaged], // header (checksum), checksum, ciphertext and tag
    }
}

/// Recomputes the (unkeyed) header checksum after a deliberate edit, as an attacker would.
pub fn fix_checksum(bytes: &mut [u8]) {
    use sha2::Digest;
    let sum = sha2::Sha256::digest(&bytes[..vault::HEADER_LEN_V1]);
    bytes[vault::HEADER_LEN_V1..HEADER_LEN].copy_from_slice(&sum);
}

fn classify(e: &Error) -> Option<Class> {
    match e {
        Error::Damaged { .. } => Some(Class::Damaged),
        Error::TooNew { .. } => Some(Class::TooNew),
        Error::WrongPasscode | Error::KdfParams { .. } => Some(Class::WrongOrKdf),
        _ => None,
    }
}

#[test]
fn every_single_byte_change_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let orig_path = small_vault(dir.path(), "orig.vault");
    let orig = fs::read(&orig_path).unwrap();
    assert!(
        orig.len() > HEADER_LEN + 100 && orig.len() < 2000,
        "{}",
        orig.len()
    );
    let path = dir.path().join("t.vault");
    // The untouched copy opens: the harness itself is sound.
    drop(open_bytes(&path, &orig).expect("the original opens"));
    let mut tries = 0;
    for offset in 0..orig.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut b = orig.clone();
            b[offset] ^= mask;
            let r = std::panic::catch_unwind(|| open_bytes(&path, &b).map(|_| ()));
            let r = r.unwrap_or_else(|_| panic!("panic at offset {offset} mask {mask:#x}"));
            let e = r
                .err()
                .unwrap_or_else(|| panic!("byte {offset} ^ {mask:#x} opened"));
            let c = classify(&e)
                .unwrap_or_else(|| panic!("byte {offset} ^ {mask:#x}: unexpected {e:?}"));
            assert_eq!(
                vault::failed_attempts(&path),
                0,
                "byte {offset}: damage counted"
            );
            assert!(
                expected(offset).contains(&c),
                "byte {offset} ^ {mask:#x}: {e}"
            );
            // Same answer from the file-less reader.
            let e2 = vault::read_bytes(&b, PASS, &bounds().kdf_bounds).unwrap_err();
            assert_eq!(classify(&e2), Some(c), "offset {offset}");
            tries += 1;
        }
    }
    eprintln!(
        "single-byte changes refused: {tries} (file of {} bytes)",
        orig.len()
    );
}

#[test]
fn every_truncation_and_extension_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let orig = fs::read(small_vault(dir.path(), "orig.vault")).unwrap();
    let path = dir.path().join("t.vault");
    for len in 0..orig.len() {
        let e = open_bytes(&path, &orig[..len]).map(|_| ()).unwrap_err();
        assert!(matches!(e, Error::Damaged { .. }), "length {len}: {e}");
        if len >= 8 {
            assert!(e.to_string().contains("cut short"), "length {len}: {e}");
        }
    }
    let mut longer = orig.clone();
    longer.push(0);
    assert!(matches!(
        open_bytes(&path, &longer),
        Err(Error::Damaged { .. })
    ));
    assert!(matches!(
        open_bytes(&path, b"not a vault at all"),
        Err(Error::Damaged { .. })
    ));
}

/// A deliberate KDF edit: the parameters changed and the checksum fixed to match.
fn set_params(bytes: &mut [u8], p: KdfParams) {
    bytes[22..26].copy_from_slice(&p.m_kib.to_le_bytes());
    bytes[26..30].copy_from_slice(&p.t.to_le_bytes());
    bytes[30..34].copy_from_slice(&p.p.to_le_bytes());
    fix_checksum(bytes);
}

/// One flipped byte in the salt, the key-wrap nonce or the wrapped key, then the right
/// passcode: "damaged", with the previous save offered, and no failed attempt counted.
/// (Before the header checksum this was "wrong passcode" and walked the user into the
/// backoff.) A version-1 file, which has no checksum, is told apart by its previous save.
#[test]
fn a_flipped_byte_in_the_key_slot_is_damage_not_a_wrong_passcode() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_vault(dir.path(), "slot.vault");
    let orig = fs::read(&path).unwrap();
    for offset in [34, 49, 50, 73, 74, 105, 121] {
        let mut b = orig.clone();
        b[offset] ^= 0x01;
        fs::write(&path, &b).unwrap();
        let e = Vault::open_with(&path, PASS, NOW, &bounds()).unwrap_err();
        match &e {
            Error::Damaged {
                previous: Some(p), ..
            } => assert_eq!(p.accounts, 1, "{e}"),
            other => panic!("byte {offset}: {other:?}"),
        }
        assert!(e.to_string().contains("monban recover"), "{e}");
        assert_eq!(vault::failed_attempts(&path), 0, "byte {offset}");
    }
    // `recover` puts the previous save back and keeps the damaged file aside.
    let v = Vault::recover_previous(&path, PASS, NOW, &bounds()).unwrap();
    assert_eq!(v.entries().len(), 1);
    drop(v);
    assert!(vault::damaged_path(&path).is_file());

    // Version 1: the committed fixture as the previous save, a flipped salt byte in the vault.
    let v1 = fs::read(crate::common::fixture("vault/light-v1.vault")).unwrap();
    let p1 = dir.path().join("v1.vault");
    fs::write(vault::backup_path(&p1), &v1).unwrap();
    let mut b = v1.clone();
    b[40] ^= 0x01;
    fs::write(&p1, &b).unwrap();
    let e = Vault::open_with(&p1, PASS, NOW, &bounds()).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Damaged {
                previous: Some(_),
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(vault::failed_attempts(&p1), 0);
    // A wrong passcode on that damaged v1 vault is still a failed attempt.
    let e = Vault::open_with(&p1, "135790", NOW, &bounds()).unwrap_err();
    assert!(matches!(e, Error::WrongPasscode), "{e:?}");
    assert_eq!(vault::failed_attempts(&p1), 1);
}

#[test]
fn kdf_downgrade_of_a_real_vault_is_refused_before_the_kdf() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("real.vault");
    // A vault with the real parameters, as the app and the CLI make it.
    let opts = OpenOptions {
        strength_floor: false,
        ..OpenOptions::default()
    };
    drop(Vault::create_with(&path, PASS, KdfParams::DEFAULT, NOW, &opts).unwrap());
    let orig = fs::read(&path).unwrap();
    for weak in [
        KdfParams {
            m_kib: 1024,
            t: 3,
            p: 4,
        },
        KdfParams {
            m_kib: 64 * 1024,
            t: 1,
            p: 4,
        },
        KdfParams::TEST_LIGHT,
        KdfParams {
            m_kib: u32::MAX,
            t: 3,
            p: 4,
        }, // memory exhaustion
        KdfParams {
            m_kib: 64 * 1024,
            t: u32::MAX,
            p: 4,
        },
        KdfParams {
            m_kib: 64 * 1024,
            t: 3,
            p: 0,
        },
    ] {
        let mut b = orig.clone();
        set_params(&mut b, weak);
        fs::write(&path, &b).unwrap();
        let t0 = std::time::Instant::now();
        let e = Vault::open(&path, PASS, NOW).unwrap_err();
        assert!(matches!(e, Error::KdfParams { .. }), "{weak:?}: {e}");
        assert!(e.to_string().contains("tampered"), "{e}");
        // Refused before the KDF: no attempt counted, and far quicker than one 64 MiB run.
        assert_eq!(vault::failed_attempts(&path), 0);
        assert!(
            t0.elapsed().as_millis() < 100,
            "{weak:?} took {:?}",
            t0.elapsed()
        );
    }
    fs::write(&path, &orig).unwrap();
    drop(Vault::open(&path, PASS, NOW).expect("the unmodified real vault opens"));
}

#[test]
fn kdf_parameters_are_authenticated() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_vault(dir.path(), "v.vault");
    let orig = fs::read(&path).unwrap();
    // Without a previous save to compare with (which would call this damage).
    fs::remove_file(vault::backup_path(&path)).unwrap();
    // Within bounds but not what the vault was made with: the key cannot be unwrapped.
    for other in [
        KdfParams {
            m_kib: 128,
            t: 1,
            p: 1,
        },
        KdfParams {
            m_kib: 64,
            t: 2,
            p: 1,
        },
        KdfParams {
            m_kib: 64,
            t: 1,
            p: 2,
        },
    ] {
        let mut b = orig.clone();
        set_params(&mut b, other);
        assert!(
            matches!(open_bytes(&path, &b), Err(Error::WrongPasscode)),
            "{other:?}"
        );
    }
}
