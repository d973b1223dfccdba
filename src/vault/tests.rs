//! Unit tests of the vault internals and API; file-level torture (every byte flipped, kill -9,
//! CLI) is in tests/integration/vault.rs.

use std::path::PathBuf;

use super::format::{Header, HeaderError, PasscodeSlot};
use super::*;
use crate::account::{Account, Kind, Secret};

const PASS: &str = "123456";
const NOW: u64 = 1_700_000_000;

fn light() -> OpenOptions {
    OpenOptions::light_for_tests()
}

fn new_vault(dir: &tempfile::TempDir) -> (PathBuf, Vault) {
    let path = dir.path().join("v.vault");
    let v = Vault::create_with(&path, PASS, KdfParams::TEST_LIGHT, NOW, &light()).unwrap();
    (path, v)
}

fn open(path: &std::path::Path) -> Result<Vault> {
    Vault::open_with(path, PASS, NOW, &light())
}

fn acct(issuer: &str, name: &str, seed: u8) -> Account {
    Account::totp(issuer, name, Secret::new(vec![seed; 20]))
}

#[test]
fn header_round_trip_and_layout() {
    let h = Header {
        version: VERSION,
        generation: 0x0102_0304_0506_0708,
        slot: PasscodeSlot {
            device: false,
            params: KdfParams::DEFAULT,
            salt: [7; 16],
            wrap_nonce: [8; 24],
            wrapped_key: [9; 48],
        },
        content_nonce: [10; 24],
        content_len: 20,
    };
    let mut file = h.encode().to_vec();
    assert_eq!(&file[..8], b"MONBANVT");
    assert_eq!(&file[8..10], &[2, 0]);
    assert_eq!(file.len(), HEADER_LEN);
    assert_eq!(file[150..182], format::checksum(&file[..150]));
    assert_eq!(&file[10..18], &[8, 7, 6, 5, 4, 3, 2, 1]);
    assert_eq!(&file[22..26], &(64u32 * 1024).to_le_bytes());
    file.extend_from_slice(&[0; 20]);
    assert_eq!(Header::decode(&file), Ok(h.clone()));
    file[40] ^= 1;
    assert_eq!(Header::decode(&file), Err(HeaderError::Checksum));
    // A device slot: type 2, same body.
    let mut d = h.clone();
    d.slot.device = true;
    let mut file = d.encode().to_vec();
    assert_eq!(file[19], 2);
    file.extend_from_slice(&[0; 20]);
    assert_eq!(Header::decode(&file), Ok(d));
    file[19] = 3;
    let sum = format::checksum(&file[..150]);
    file[150..182].copy_from_slice(&sum);
    assert_eq!(
        Header::decode(&file),
        Err(HeaderError::Malformed("unknown key slot type"))
    );
}

#[test]
fn an_authenticated_side_file_locks_when_missing_or_edited() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("v.vault");
    let key: state::StateKey = zeroize::Zeroizing::new([5u8; 32]);
    // Missing: the longest wait from now, written down at once.
    let s = state::State::load_checked(&v, Some(&key), 1000);
    assert_eq!(s.failed_attempts, state::TAMPERED_FAILURES);
    assert_eq!(s.wait_secs(1000), Some(MAX_WAIT_SECS));
    let again = state::State::load_checked(&v, Some(&key), 2000);
    assert_eq!(
        (again.failed_attempts, again.last_failure),
        (s.failed_attempts, 1000)
    );
    // Stored with its MAC: read back as it is.
    let good = state::State {
        failed_attempts: 1,
        last_failure: 5,
        last_generation: 9,
        mac: None,
    };
    good.store(&v, Some(&key)).unwrap();
    let back = state::State::load_checked(&v, Some(&key), 3000);
    assert_eq!((back.failed_attempts, back.last_generation), (1, 9));
    // Edited (the counter reset by hand), or checked with another key: locked again.
    let text = std::fs::read_to_string(fsio::state_path(&v)).unwrap();
    std::fs::write(
        fsio::state_path(&v),
        text.replace("\"failed_attempts\": 1", "\"failed_attempts\": 0"),
    )
    .unwrap();
    let edited = state::State::load_checked(&v, Some(&key), 4000);
    assert_eq!(
        (edited.failed_attempts, edited.last_failure),
        (state::TAMPERED_FAILURES, 4000)
    );
    good.store(&v, Some(&key)).unwrap();
    let other: state::StateKey = zeroize::Zeroizing::new([6u8; 32]);
    assert_eq!(
        state::State::load_checked(&v, Some(&other), 5000).failed_attempts,
        state::TAMPERED_FAILURES
    );
    // Without a key (a passcode-only vault) the file is read as it is, MAC or not.
    good.store(&v, Some(&key)).unwrap();
    assert_eq!(
        state::State::load_checked(&v, None, 6000).failed_attempts,
        1
    );
}

#[test]
fn header_decode_errors() {
    assert_eq!(Header::decode(b""), Err(HeaderError::NotVault));
    assert_eq!(Header::decode(b"MONB"), Err(HeaderError::Truncated));
    assert_eq!(
        Header::decode(b"{\"json\": true}"),
        Err(HeaderError::NotVault)
    );
    assert_eq!(
        Header::decode(b"MONBANVT\x03\x00rest"),
        Err(HeaderError::TooNew(3))
    );
    assert!(matches!(
        Header::decode(b"MONBANVT\x00\x00"),
        Err(HeaderError::Malformed(_))
    ));
    assert_eq!(
        Header::decode(b"MONBANVT\x01\x00short"),
        Err(HeaderError::Truncated)
    );
}

#[test]
fn backoff_schedule() {
    let d: Vec<u64> = (0..14).map(delay_after).collect();
    assert_eq!(
        d,
        [0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    );
    assert_eq!(delay_after(u32::MAX), 3600);
    let s = state::State {
        failed_attempts: 6,
        last_failure: 1000,
        last_generation: 0,
        mac: None,
    };
    assert_eq!(s.wait_secs(1000), Some(60));
    assert_eq!(s.wait_secs(1059), Some(1));
    assert_eq!(s.wait_secs(1060), None);
    // A clock set back does not lengthen the wait beyond the step.
    assert_eq!(s.wait_secs(10), Some(60));
}

#[test]
fn create_open_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(&dir);
    assert_eq!(v.generation(), 1);
    let a = acct("GitHub", "alice", 1);
    let id = v.add(a.clone(), NOW + 5).unwrap();
    let mut h = acct("Bank", "bob", 2);
    h.kind = Kind::Hotp;
    h.counter = 7;
    let hid = v.add(h.clone(), NOW).unwrap();
    v.set_favourite(id, true).unwrap();
    let expected = v.entries().to_vec();
    v.lock();

    let v = open(&path).unwrap();
    assert_eq!(v.entries(), &expected[..]);
    assert_eq!(v.entry(id).unwrap().account, a);
    assert_eq!(v.entry(hid).unwrap().account, h);
    assert_eq!(v.entry(id).unwrap().meta.created, NOW + 5);
    assert!(v.entry(id).unwrap().meta.favourite);
    assert_eq!(v.generation(), 4);
    assert_eq!(v.created(), NOW);
    assert_eq!(v.kdf_params(), KdfParams::TEST_LIGHT);
}

#[test]
fn create_refuses_existing_short_passcode_and_weak_kdf() {
    let dir = tempfile::tempdir().unwrap();
    let (path, v) = new_vault(&dir);
    drop(v);
    let before = std::fs::read(&path).unwrap();
    let e = Vault::create_with(&path, PASS, KdfParams::TEST_LIGHT, NOW, &light()).unwrap_err();
    assert!(matches!(e, Error::AlreadyExists { .. }), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let p2 = dir.path().join("w.vault");
    let e = Vault::create_with(&p2, "12345", KdfParams::TEST_LIGHT, NOW, &light()).unwrap_err();
    assert!(matches!(e, Error::PasscodeTooShort { min: 6 }), "{e}");
    // The real bounds (app, CLI) refuse light parameters at creation too.
    let e = Vault::create(&p2, PASS, KdfParams::TEST_LIGHT, NOW).unwrap_err();
    assert!(matches!(e, Error::KdfParams { .. }), "{e}");
    assert!(!p2.exists());
}

#[test]
fn wrong_passcode_counts_backs_off_and_resets() {
    let dir = tempfile::tempdir().unwrap();
    let (path, v) = new_vault(&dir);
    drop(v);
    let o = light();
    for i in 1..=5 {
        let e = Vault::open_with(&path, "000000", NOW, &o).unwrap_err();
        assert!(matches!(e, Error::WrongPasscode), "{e}");
        assert_eq!(failed_attempts(&path), i);
    }
    assert_eq!(backoff_status(&path, NOW), Some(30));
    // Even the right passcode waits (the KDF is not run during the wait).
    let e = Vault::open_with(&path, PASS, NOW + 10, &o).unwrap_err();
    assert!(matches!(e, Error::Backoff { wait_secs: 20 }), "{e}");
    assert!(e.to_string().contains("20 s"));
    // After the wait, a sixth failure doubles the wait.
    let e = Vault::open_with(&path, "000000", NOW + 30, &o).unwrap_err();
    assert!(matches!(e, Error::WrongPasscode));
    assert_eq!(backoff_status(&path, NOW + 30), Some(60));
    assert_eq!(backoff_status(&path, NOW + 90), None);
    // Success resets the counter.
    drop(Vault::open_with(&path, PASS, NOW + 90, &o).unwrap());
    assert_eq!(failed_attempts(&path), 0);
    assert_eq!(backoff_status(&path, NOW + 90), None);
}

#[test]
fn second_open_is_refused_until_locked() {
    let dir = tempfile::tempdir().unwrap();
    let (path, v) = new_vault(&dir);
    let e = open(&path).unwrap_err();
    assert!(matches!(e, Error::Locked), "{e}");
    assert!(e.to_string().contains("another Monban"));
    v.lock();
    drop(open(&path).unwrap());
}

#[test]
fn duplicates_and_add_many() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(&dir);
    v.add(acct("A", "x", 1), NOW).unwrap();
    let g = v.generation();
    assert!(matches!(
        v.add(acct("A", "x", 1), NOW),
        Err(Error::Duplicate)
    ));
    assert_eq!(v.generation(), g, "a refused add does not save");
    // Same secret with another name is another login.
    v.add(acct("A", "y", 1), NOW).unwrap();
    let r = v
        .add_many(
            vec![
                acct("A", "x", 1),
                acct("B", "z", 3),
                acct("B", "z", 3),
                acct("C", "", 4),
            ],
            NOW,
        )
        .unwrap();
    assert_eq!(r.added.len(), 2);
    assert_eq!(r.duplicates, vec!["A (x)".to_string(), "B (z)".to_string()]);
    let mut bad = acct("D", "d", 5);
    bad.digits = 3;
    let e = v.add_many(vec![acct("E", "e", 6), bad], NOW).unwrap_err();
    assert!(matches!(e, Error::InvalidEntry(_)), "{e}");
    assert_eq!(v.entries().len(), 4, "nothing of a refused batch is added");
    v.lock();
    let v = open(&path).unwrap();
    let names: Vec<_> = v
        .entries()
        .iter()
        .map(|e| e.account.display_name())
        .collect();
    assert_eq!(names, ["A (x)", "A (y)", "B (z)", "C"]);
    let orders: Vec<_> = v.entries().iter().map(|e| e.meta.order).collect();
    assert_eq!(orders, [0, 1, 2, 3]);
}

#[test]
fn update_remove_reorder_persist() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(&dir);
    let a = v.add(acct("A", "a", 1), NOW).unwrap();
    let b = v.add(acct("B", "b", 2), NOW).unwrap();
    let c = v.add(acct("C", "c", 3), NOW).unwrap();
    v.reorder(c, 0).unwrap();
    let mut e = v.entry(b).unwrap().clone();
    e.account.name = "renamed".into();
    e.meta.note = "work laptop".into();
    e.meta.icon = Icon::Custom(b"\x89PNG\r\n\x1a\nfake".to_vec());
    e.meta.colour = 0x123456;
    v.update(b, e.account.clone(), e.meta.clone()).unwrap();
    // Renaming onto another login is a duplicate.
    let mut clash = v.entry(b).unwrap().account.clone();
    clash.secret = Secret::new(vec![1; 20]);
    clash.issuer = "A".into();
    clash.name = "a".into();
    assert!(matches!(
        v.update(b, clash, e.meta.clone()),
        Err(Error::Duplicate)
    ));
    let removed = v.remove(a).unwrap();
    assert_eq!(removed.account.issuer, "A");
    assert!(matches!(v.remove(a), Err(Error::NotFound)));
    v.mark_used(c, NOW + 9).unwrap();
    v.lock();
    let v = open(&path).unwrap();
    let ids: Vec<_> = v.entries().iter().map(|e| e.id).collect();
    assert_eq!(ids, [c, b]);
    let eb = v.entry(b).unwrap();
    assert_eq!(eb.account.name, "renamed");
    assert_eq!(eb.meta.note, "work laptop");
    assert_eq!(
        eb.meta.icon,
        Icon::Custom(b"\x89PNG\r\n\x1a\nfake".to_vec())
    );
    assert_eq!(eb.meta.order, 1);
    assert_eq!(v.entry(c).unwrap().meta.last_used, Some(NOW + 9));
    // Ids are never reused.
    let mut v = v;
    assert_eq!(v.add(acct("D", "d", 4), NOW).unwrap(), EntryId(4));
}

#[test]
fn invalid_metadata_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut v) = new_vault(&dir);
    let a = acct("A", "a", 1);
    let mut m = EntryMeta::new_for(&a, NOW);
    m.icon = Icon::Custom(vec![0; 10]);
    assert!(matches!(
        v.add_with_meta(a.clone(), m.clone()),
        Err(Error::InvalidEntry(_))
    ));
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.resize(MAX_ICON_BYTES + 1, 0);
    m.icon = Icon::Custom(png);
    assert!(matches!(
        v.add_with_meta(a.clone(), m.clone()),
        Err(Error::InvalidEntry(_))
    ));
    m.icon = Icon::Builtin("github".into());
    m.colour = 0x1_000_000;
    assert!(matches!(
        v.add_with_meta(a.clone(), m.clone()),
        Err(Error::InvalidEntry(_))
    ));
    let mut empty = a.clone();
    empty.secret = Secret::new(vec![]);
    assert!(matches!(v.add(empty, NOW), Err(Error::InvalidEntry(_))));
    assert!(v.entries().is_empty());
}

#[test]
fn groups_and_use_counts_persist() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(&dir);
    let a = v.add(acct("A", "a", 1), NOW).unwrap();
    v.set_groups(a, vec![" Work ".into(), "work".into(), "Home".into()])
        .unwrap();
    assert!(matches!(
        v.set_groups(a, vec!["x".repeat(MAX_GROUP_BYTES + 1)]),
        Err(Error::InvalidEntry(_))
    ));
    v.mark_used(a, NOW + 1).unwrap();
    v.mark_used(a, NOW + 2).unwrap();
    v.lock();
    let mut v = open(&path).unwrap();
    let e = v.entry(a).unwrap();
    assert_eq!(e.meta.groups, ["Work", "Home"]);
    assert_eq!(e.meta.use_count, 2);
    assert_eq!(e.meta.last_used, Some(NOW + 2));
    v.set_groups(a, Vec::new()).unwrap();
    assert!(v.entry(a).unwrap().meta.groups.is_empty());
    assert!(matches!(
        v.set_groups(EntryId(99), Vec::new()),
        Err(Error::NotFound)
    ));
}

#[test]
fn hotp_counter_advances_and_persists() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(&dir);
    // RFC 4226 appendix D secret.
    let mut h = Account::totp("RFC", "4226", Secret::new(b"12345678901234567890".to_vec()));
    h.kind = Kind::Hotp;
    let id = v.add(h, NOW).unwrap();
    assert_eq!(v.next_hotp_code(id, NOW).unwrap(), "755224");
    assert_eq!(v.next_hotp_code(id, NOW).unwrap(), "287082");
    v.lock();
    let mut v = open(&path).unwrap();
    assert_eq!(v.entry(id).unwrap().account.counter, 2);
    assert_eq!(v.entry(id).unwrap().meta.last_used, Some(NOW));
    assert_eq!(v.next_hotp_code(id, NOW).unwrap(), "359152");
}

#[test]
fn change_passcode_makes_a_new_master_key_and_reencrypts_the_previous_generation() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(&dir);
    v.add(acct("A", "a", 1), NOW).unwrap();
    v.add(acct("B", "b", 2), NOW).unwrap();
    let old_key = *v.master_key;
    let p = KdfParams::TEST_LIGHT;
    assert!(matches!(
        v.change_passcode(PASS, "12345", p, NOW),
        Err(Error::PasscodeTooShort { .. })
    ));
    // A wrong current passcode changes nothing and is counted.
    assert!(matches!(
        v.change_passcode("999999", "correct horse", p, NOW),
        Err(Error::WrongPasscode)
    ));
    assert_eq!(failed_attempts(&path), 1);
    let gen_before = v.generation();
    v.change_passcode(PASS, "correct horse", p, NOW).unwrap();
    assert_eq!(failed_attempts(&path), 0);
    assert_ne!(*v.master_key, old_key, "a new master key");
    // Every file in the folder: none opens with the old passcode; the vault and the
    // previous generation open with the new one.
    let mut new_ones = Vec::new();
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(e.unwrap().path()).unwrap();
        assert!(read_bytes(&bytes, PASS, &KdfBounds::LIGHT_FOR_TESTS).is_err());
        if let Ok(c) = read_bytes(&bytes, "correct horse", &KdfBounds::LIGHT_FOR_TESTS) {
            new_ones.push((c.generation, c.entries.len()));
        }
    }
    new_ones.sort();
    // The previous generation keeps its own content: before the last add it held one entry.
    assert_eq!(new_ones, [(gen_before - 1, 1), (gen_before + 1, 2)]);
    let mut v2 = v;
    v2.add(acct("C", "c", 3), NOW).unwrap();
    v2.lock();
    let v = Vault::open_with(&path, "correct horse", NOW, &light()).unwrap();
    assert_eq!(v.entries().len(), 3);
    v.lock();
    assert!(matches!(open(&path), Err(Error::WrongPasscode)));
}

#[test]
fn change_passcode_reencrypts_a_bak_holding_fewer_entries_and_drops_an_unreadable_one() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(&dir);
    v.add(acct("A", "a", 1), NOW).unwrap();
    v.add(acct("B", "b", 2), NOW).unwrap();
    let bak = backup_path(&path);
    let before = read_bytes(
        &std::fs::read(&bak).unwrap(),
        PASS,
        &KdfBounds::LIGHT_FOR_TESTS,
    )
    .unwrap();
    assert_eq!(before.entries.len(), 1);
    v.change_passcode(PASS, "second passcode", KdfParams::TEST_LIGHT, NOW)
        .unwrap();
    let after = read_bytes(
        &std::fs::read(&bak).unwrap(),
        "second passcode",
        &KdfBounds::LIGHT_FOR_TESTS,
    )
    .unwrap();
    assert_eq!(after.entries, before.entries);
    assert_eq!(after.generation, before.generation);
    // A .bak the open key cannot read (here: garbage) is removed, not left to an old key.
    std::fs::write(&bak, b"MONBANVT garbage").unwrap();
    v.change_passcode(
        "second passcode",
        "third passcode",
        KdfParams::TEST_LIGHT,
        NOW,
    )
    .unwrap();
    assert!(!bak.exists());
}

#[test]
fn verify_passcode_checks_the_open_slot_not_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, v) = new_vault(&dir);
    // Someone at the unlocked device puts their own vault where the real one is.
    let other = dir.path().join("other.vault");
    Vault::create_with(
        &other,
        "attacker passcode",
        KdfParams::TEST_LIGHT,
        NOW,
        &light(),
    )
    .unwrap()
    .lock();
    std::fs::copy(&other, &path).unwrap();
    assert!(matches!(
        v.verify_passcode("attacker passcode", NOW),
        Err(Error::WrongPasscode)
    ));
    v.verify_passcode(PASS, NOW).unwrap();
    // Run from another thread through the detached check.
    let check = v.passcode_check();
    assert!(format!("{check:?}").contains("PasscodeCheck"));
    std::thread::spawn(move || check.verify(PASS, NOW).unwrap())
        .join()
        .unwrap();
}

#[test]
fn verify_passcode_shares_the_attempt_policy_and_asks_to_lock_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let (path, v) = new_vault(&dir);
    for i in 1..REAUTH_LIMIT {
        assert!(matches!(
            v.verify_passcode("000000", NOW),
            Err(Error::WrongPasscode)
        ));
        assert_eq!(failed_attempts(&path), i);
    }
    assert!(matches!(
        v.verify_passcode("000000", NOW),
        Err(Error::TooManyTries)
    ));
    v.lock();
    // The lock screen continues from the same count: two more and the backoff starts.
    for _ in REAUTH_LIMIT..FREE_ATTEMPTS {
        assert!(matches!(
            Vault::open_with(&path, "000000", NOW, &light()),
            Err(Error::WrongPasscode)
        ));
    }
    assert_eq!(backoff_status(&path, NOW), Some(FIRST_WAIT_SECS));
    let v = Vault::open_with(&path, PASS, NOW + FIRST_WAIT_SECS, &light()).unwrap();
    // During a wait the KDF is not even run for a re-authentication.
    for _ in 0..FREE_ATTEMPTS {
        let _ = v.verify_passcode("000000", NOW + FIRST_WAIT_SECS);
    }
    assert!(matches!(
        v.verify_passcode(PASS, NOW + FIRST_WAIT_SECS + 1),
        Err(Error::Backoff { .. })
    ));
}

#[test]
fn backup_keeps_previous_generation_and_rollback_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(&dir);
    v.add(acct("A", "a", 1), NOW).unwrap();
    let gen2 = std::fs::read(&path).unwrap();
    v.add(acct("B", "b", 2), NOW).unwrap();
    assert_eq!(std::fs::read(backup_path(&path)).unwrap(), gen2);
    v.lock();
    // Restore the old copy: refused as a rollback, with the way out in the message.
    std::fs::write(&path, &gen2).unwrap();
    let e = open(&path).unwrap_err();
    assert!(
        matches!(
            e,
            Error::RolledBack {
                found: 2,
                expected: 3,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains(".state"), "{e}");
    let o = OpenOptions {
        allow_rollback: true,
        ..light()
    };
    let v = Vault::open_with(&path, PASS, NOW, &o).unwrap();
    assert_eq!(v.entries().len(), 1);
    v.lock();
    // Accepting it records generation 2 as the last seen one.
    drop(open(&path).unwrap());
}

#[cfg(unix)]
#[test]
fn files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(&dir);
    v.add(acct("A", "a", 1), NOW).unwrap();
    for p in [
        path.clone(),
        backup_path(&path),
        lock_path(&path),
        state_path(&path),
    ] {
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", p.display());
    }
    // No temp file is left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
}

#[test]
fn failed_save_keeps_old_vault_and_memory_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(&dir);
    v.add(acct("A", "a", 1), NOW).unwrap();
    let before = std::fs::read(&path).unwrap();
    // A directory where the backup must go makes the save fail after the temp file is written.
    std::fs::remove_file(backup_path(&path)).unwrap();
    std::fs::create_dir(backup_path(&path)).unwrap();
    std::fs::write(backup_path(&path).join("x"), b"x").unwrap();
    let e = v.add(acct("B", "b", 2), NOW).unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e}");
    assert_eq!(v.entries().len(), 1, "the failed add is undone in memory");
    assert_eq!(v.generation(), 2);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let stray = std::fs::read_dir(dir.path()).unwrap().filter(|e| {
        e.as_ref()
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".tmp-")
    });
    assert_eq!(stray.count(), 0);
    v.lock();
    assert_eq!(open(&path).unwrap().entries().len(), 1);
}

#[test]
fn kdf_bounds_are_checked_before_the_kdf() {
    let b = KdfBounds::REAL;
    assert!(b.admits(KdfParams::DEFAULT));
    assert!(b.admits(KdfParams {
        m_kib: 19 * 1024,
        t: 2,
        p: 1
    }));
    assert!(!b.admits(KdfParams {
        m_kib: 19 * 1024 - 1,
        t: 2,
        p: 1
    }));
    assert!(!b.admits(KdfParams {
        m_kib: 64 * 1024,
        t: 1,
        p: 4
    }));
    assert!(!b.admits(KdfParams {
        m_kib: 4 * 1024 * 1024,
        t: 3,
        p: 4
    }));
    assert!(!b.admits(KdfParams {
        m_kib: 64 * 1024,
        t: 3,
        p: 0
    }));
    assert!(!b.admits(KdfParams {
        m_kib: 64 * 1024,
        t: u32::MAX,
        p: 4
    }));
    assert!(
        !KdfBounds::LIGHT_FOR_TESTS.admits(KdfParams {
            m_kib: 8,
            t: 1,
            p: 2
        }),
        "Argon2 needs m ≥ 8p"
    );
    // A light vault opened with the real bounds: refused, nothing counted as a failed attempt.
    let dir = tempfile::tempdir().unwrap();
    let (path, v) = new_vault(&dir);
    drop(v);
    let e = Vault::open(&path, PASS, NOW).unwrap_err();
    assert!(
        matches!(
            e,
            Error::KdfParams {
                m_kib: 64,
                t: 1,
                p: 1,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(failed_attempts(&path), 0);
}

#[test]
fn too_new_and_missing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, v) = new_vault(&dir);
    drop(v);
    let mut b = std::fs::read(&path).unwrap();
    b[8] = 3;
    std::fs::write(&path, &b).unwrap();
    let e = open(&path).unwrap_err();
    assert!(matches!(e, Error::TooNew { version: 3 }), "{e}");
    assert!(e.to_string().contains("update Monban"));
    let e = open(&dir.path().join("nope.vault")).unwrap_err();
    assert!(matches!(e, Error::Missing { .. }), "{e}");
    assert!(
        !dir.path().join("nope.vault.lock").exists(),
        "opening a missing vault creates nothing"
    );
}

#[test]
fn read_bytes_needs_no_files() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(&dir);
    v.add(acct("A", "a", 1), NOW).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let c = read_bytes(&bytes, PASS, &KdfBounds::LIGHT_FOR_TESTS).unwrap();
    assert_eq!(c.generation, 2);
    assert_eq!(c.entries, v.entries());
    assert!(matches!(
        read_bytes(&bytes, "nope-nope", &KdfBounds::LIGHT_FOR_TESTS),
        Err(Error::WrongPasscode)
    ));
}

#[test]
fn nothing_secret_in_debug_or_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut v) = new_vault(&dir);
    let a = Account::totp("A", "a", Secret::new(b"SUPERSECRETBYTES".to_vec()));
    v.add(a.clone(), NOW).unwrap();
    let dbg = format!("{v:?} {:?}", v.entries());
    assert!(!dbg.contains("SUPERSECRET"), "{dbg}");
    assert!(!dbg.contains(&*a.secret.to_base32()), "{dbg}");
    let e = v.add(a, NOW).unwrap_err().to_string();
    assert!(!e.contains("SUPERSECRET") && !e.contains(PASS), "{e}");
}

#[test]
fn disk_full_is_recognised() {
    let e = Error::io(
        "write",
        std::path::Path::new("x"),
        std::io::Error::from(std::io::ErrorKind::StorageFull),
    );
    assert!(matches!(e, Error::DiskFull));
    #[cfg(target_os = "linux")]
    {
        let e = Error::io(
            "write",
            std::path::Path::new("x"),
            std::io::Error::from_raw_os_error(28),
        );
        assert!(matches!(e, Error::DiskFull), "ENOSPC");
    }
}

#[test]
fn zeroizing_writer_grows_correctly() {
    use std::io::Write;
    let mut w = ZeroizingWriter::with_capacity(1);
    for i in 0..1000u32 {
        w.write_all(&i.to_le_bytes()).unwrap();
    }
    assert_eq!(w.0.len(), 4000);
    assert!(w.0.capacity() >= 4000 + format::TAG_LEN);
    assert_eq!(&w.0[4..8], &1u32.to_le_bytes());
}

#[test]
fn icon_json_shape() {
    let j = serde_json::to_string(&Icon::Custom(vec![1, 2, 3])).unwrap();
    assert_eq!(j, r#"{"type":"custom","value":"AQID"}"#);
    assert_eq!(
        serde_json::to_string(&Icon::Letter).unwrap(),
        r#"{"type":"letter"}"#
    );
    assert_eq!(
        serde_json::to_string(&Icon::Builtin("github".into())).unwrap(),
        r#"{"type":"builtin","value":"github"}"#
    );
}

#[test]
fn default_path_is_in_the_data_dir() {
    if let Some(p) = default_path() {
        assert!(p.ends_with(DEFAULT_FILE_NAME));
    }
}

mod prop {
    use proptest::prelude::*;

    use super::super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Arbitrary bytes never panic and never open.
        #[test]
        fn arbitrary_bytes_are_refused(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            prop_assert!(read_bytes(&bytes, "123456", &KdfBounds::LIGHT_FOR_TESTS).is_err());
        }

        /// A valid-looking header with arbitrary fields and body never panics and never opens.
        #[test]
        fn arbitrary_headers_are_refused(
            generation in any::<u64>(),
            m in 0u32..4096, t in 0u32..4, p in 0u32..3,
            tail in proptest::collection::vec(any::<u8>(), 0..300),
            fix_len in any::<bool>(),
        ) {
            let mut b = Vec::from(*b"MONBANVT");
            b.extend_from_slice(&1u16.to_le_bytes());
            b.extend_from_slice(&generation.to_le_bytes());
            b.extend_from_slice(&[1, 1, 100, 0]);
            for v in [m, t, p] {
                b.extend_from_slice(&v.to_le_bytes());
            }
            b.extend_from_slice(&tail);
            if fix_len && b.len() >= HEADER_LEN {
                let n = (b.len() - HEADER_LEN) as u32;
                b[146..150].copy_from_slice(&n.to_le_bytes());
            }
            prop_assert!(read_bytes(&b, "123456", &KdfBounds::LIGHT_FOR_TESTS).is_err());
        }
    }
}

#[test]
fn damaged_message_points_to_the_backup_when_there_is_one() {
    let dir = tempfile::tempdir().unwrap();
    let (path, v) = new_vault(&dir);
    let corrupt = |p: &std::path::Path| {
        let mut b = std::fs::read(p).unwrap();
        let last = b.len() - 1;
        b[last] ^= 1;
        std::fs::write(p, b).unwrap();
    };
    let gen1 = std::fs::read(&path).unwrap();
    v.lock();
    corrupt(&path);
    let e = open(&path).unwrap_err().to_string();
    assert!(
        e.contains("damaged") && !e.contains("monban recover"),
        "{e}"
    );
    std::fs::write(&path, gen1).unwrap();
    let mut v = open(&path).unwrap();
    v.add(acct("A", "a", 1), NOW).unwrap();
    v.add(acct("B", "b", 2), NOW).unwrap();
    v.lock();
    corrupt(&path);
    let e = open(&path).unwrap_err();
    assert!(
        matches!(&e, Error::Damaged { previous: Some(p), .. } if p.accounts == 1),
        "{e:?}"
    );
    assert!(e.to_string().contains("monban recover"), "{e}");
    assert!(!e.to_string().contains('\n'), "one line: {e}");
    assert_eq!(failed_attempts(&path), 0);
    // A wrong passcode on a damaged vault whose previous save is intact is still counted.
    assert!(matches!(
        Vault::open_with(&path, "999999", NOW, &light()),
        Err(Error::WrongPasscode)
    ));
    assert_eq!(failed_attempts(&path), 1);
    // Following the message gets the previous save back.
    assert!(matches!(
        Vault::recover_previous(&path, "999999", NOW, &light()),
        Err(Error::WrongPasscode)
    ));
    let v = Vault::recover_previous(&path, PASS, NOW, &light()).unwrap();
    assert_eq!(v.entries().len(), 1);
    drop(v);
    assert!(damaged_path(&path).is_file());
    assert_eq!(open(&path).unwrap().entries().len(), 1);
}

#[cfg(unix)]
#[test]
fn backup_that_is_a_link_to_the_vault_leaves_no_temp_file() {
    // The state after a save killed between "backup" and "rename": PATH.bak is a hard link to
    // PATH. The next save must not leave its backup temp file behind.
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(&dir);
    v.add(acct("A", "a", 1), NOW).unwrap();
    std::fs::remove_file(backup_path(&path)).unwrap();
    std::fs::hard_link(&path, backup_path(&path)).unwrap();
    let before = std::fs::read(&path).unwrap();
    v.add(acct("B", "b", 2), NOW).unwrap();
    assert_eq!(std::fs::read(backup_path(&path)).unwrap(), before);
    let stray: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn add_entries_saves_once_and_sorts_out_duplicates_and_invalid_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(&dir);
    v.add(acct("Old", "me", 1), NOW).unwrap();
    let before = v.generation();
    let meta = |a: &Account| EntryMeta::new_for(a, NOW);
    let mut bad = acct("Bad", "me", 4);
    bad.digits = 3;
    let items: Vec<(Account, EntryMeta)> = [
        acct("A", "me", 2),
        acct("Old", "me", 1),
        acct("B", "me", 3),
        acct("A", "me", 2),
        bad,
    ]
    .into_iter()
    .map(|a| {
        let m = meta(&a);
        (a, m)
    })
    .collect();
    let out = v.add_entries(items).unwrap();
    assert!(matches!(out[0], Added::Added(_)));
    assert_eq!(out[1], Added::Duplicate, "already stored");
    assert!(matches!(out[2], Added::Added(_)));
    assert_eq!(out[3], Added::Duplicate, "twice in the batch");
    assert!(matches!(out[4], Added::Invalid(_)));
    assert_eq!(v.generation(), before + 1, "one save for the batch");
    let issuers: Vec<String> = v
        .entries()
        .iter()
        .map(|e| e.account.issuer.clone())
        .collect();
    assert_eq!(issuers, ["Old", "A", "B"]);
    drop(v);
    assert_eq!(open(&path).unwrap().entries().len(), 3, "saved");
}

#[test]
fn a_damaged_vault_is_set_aside_and_a_new_one_takes_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(&dir);
    for i in 0..5 {
        v.add(acct("Old", &format!("u{i}"), i), NOW).unwrap();
    }
    v.lock();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[34] ^= 1;
    std::fs::write(&path, &bytes).unwrap();
    assert!(matches!(open(&path), Err(Error::Damaged { .. })));
    let mut v =
        Vault::replace_damaged(&path, PASS, KdfParams::TEST_LIGHT, NOW + 9, &light()).unwrap();
    assert!(v.entries().is_empty() && v.generation() == 1);
    assert_eq!(
        std::fs::read(damaged_path(&path)).unwrap(),
        bytes,
        "kept aside"
    );
    v.add(acct("New", "n", 9), NOW + 9).unwrap();
    v.lock();
    // The new file opens again: its generation restarts without a rollback error.
    let v = open(&path).unwrap();
    assert_eq!(v.entries().len(), 1);
    v.lock();
    assert!(matches!(
        Vault::replace_damaged(&path, "12", KdfParams::TEST_LIGHT, NOW, &light()),
        Err(Error::PasscodeTooShort { .. })
    ));
    assert!(
        path.exists(),
        "a refused passcode leaves the vault in place"
    );
}
