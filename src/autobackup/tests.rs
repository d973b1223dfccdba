use std::fs;
use std::path::PathBuf;

use super::*;
use crate::transfer::backup as format;
use crate::vault::{BackupPasswordSource, KdfBounds, KdfParams, OpenOptions};
use crate::{Account, Secret};

const NOW: u64 = 1_764_581_520;

fn vault_with_key(dir: &Path) -> Vault {
    let path = dir.join("v.vault");
    let mut v = Vault::create_with(
        &path,
        "246810",
        KdfParams::TEST_LIGHT,
        NOW,
        &OpenOptions::light_for_tests(),
    )
    .unwrap();
    let key = format::derive_key(
        "correct horse battery staple 7",
        KdfParams::TEST_LIGHT,
        BackupPasswordSource::Separate,
    )
    .unwrap();
    v.set_backup_key(Some(key)).unwrap();
    v
}

fn turn_on(v: &Vault, dir: &Path, keep: u32) {
    fs::create_dir_all(dir).unwrap();
    config::save(
        v.path(),
        &BackupSettings {
            enabled: true,
            dir: Some(dir.to_path_buf().into()),
            keep,
        },
    )
    .unwrap();
}

fn add(v: &mut Vault, i: u8) {
    v.add(
        Account::totp(format!("I{i}"), "n", Secret::new(vec![i + 1; 20])),
        NOW,
    )
    .unwrap();
}

#[test]
fn every_change_leaves_a_verified_backup_and_only_the_newest_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let mut v = vault_with_key(tmp.path());
    let dir = tmp.path().join("backups");
    turn_on(&v, &dir, 3);
    fs::write(dir.join("holiday.jpg"), b"not ours").unwrap();
    for i in 0..5u8 {
        add(&mut v, i);
        let out = after_change(&v, NOW + u64::from(i));
        let Outcome::Written(w) = out else {
            panic!("{out:?}")
        };
        assert_eq!(w.entries, usize::from(i) + 1);
        assert_eq!(w.kept, (usize::from(i) + 1).min(3));
        // the newest opens with the password and holds the vault's accounts at that moment
        let b = format::read(
            &fs::read(&w.file).unwrap(),
            "correct horse battery staple 7",
            &KdfBounds::LIGHT_FOR_TESTS,
        )
        .unwrap();
        assert_eq!(b.entries, backup_entries(&v));
        let s = Status::load(v.path());
        assert_eq!(s.last_ok, Some(NOW + u64::from(i)));
        assert_eq!(s.last_file.as_deref(), Some(w.file.as_str()));
        assert!(!s.pending_changes && s.last_error.is_none());
    }
    assert_eq!(folder::list(&dir, None).unwrap().len(), 3);
    assert!(dir.join("holiday.jpg").exists());
    assert_eq!(
        count_files(&Location::Dir(dir.clone()), &Status::load(v.path())),
        3
    );
}

#[test]
fn off_marks_the_change_as_not_backed_up() {
    let tmp = tempfile::tempdir().unwrap();
    let mut v = vault_with_key(tmp.path());
    let mut s = Status::load(v.path());
    s.reminder_dismissed = true;
    s.store(v.path()).unwrap();
    add(&mut v, 1);
    assert!(matches!(after_change(&v, NOW), Outcome::Off));
    let s = Status::load(v.path());
    assert!(s.pending_changes && !s.reminder_dismissed);
    record_manual_backup(v.path(), Path::new("/x.monban-backup"), NOW + 1);
    assert_eq!(
        Status::load(v.path()).last_file.as_deref(),
        Some("/x.monban-backup")
    );
    assert!(!Status::load(v.path()).pending_changes);
}

#[test]
fn a_folder_that_is_gone_or_a_file_fails_without_touching_the_vault() {
    let tmp = tempfile::tempdir().unwrap();
    let mut v = vault_with_key(tmp.path());
    let dir = tmp.path().join("usb");
    turn_on(&v, &dir, 10);
    add(&mut v, 1);
    assert!(matches!(after_change(&v, NOW), Outcome::Written(_)));
    fs::remove_dir_all(&dir).unwrap();
    add(&mut v, 2);
    let out = after_change(&v, NOW + 60);
    assert!(
        matches!(out, Outcome::Failed(Error::FolderGone(_))),
        "{out:?}"
    );
    let w = out.warning().unwrap();
    assert!(
        w.contains("change is saved") && w.contains("is gone"),
        "{w}"
    );
    assert!(!w.contains('\n'));
    assert!(!dir.exists(), "a missing folder is not created again");
    let s = Status::load(v.path());
    assert_eq!(s.last_ok, Some(NOW));
    assert!(s.pending_changes);
    assert!(s.last_error.as_deref().unwrap().contains("is gone"));
    assert_eq!(
        s.last_error_cause,
        Some(Cause::FolderGone),
        "for the app's words"
    );
    assert_eq!(v.entries().len(), 2);

    fs::write(&dir, b"a file").unwrap();
    assert!(matches!(
        after_change(&v, NOW + 61),
        Outcome::Failed(Error::NotAFolder(_))
    ));
    assert_eq!(
        Status::load(v.path()).last_error_cause,
        Some(Cause::NotAFolder)
    );
    fs::remove_file(&dir).unwrap();
    fs::create_dir(&dir).unwrap();
    assert!(matches!(after_change(&v, NOW + 62), Outcome::Written(_)));
    let s = Status::load(v.path());
    assert!(s.last_error.is_none() && s.last_error_cause.is_none() && !s.pending_changes);
}

#[test]
fn no_key_in_the_vault_is_a_clear_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let mut v = vault_with_key(tmp.path());
    v.set_backup_key(None).unwrap();
    turn_on(&v, &tmp.path().join("b"), 10);
    let out = after_change(&v, NOW);
    assert!(matches!(out, Outcome::Failed(Error::NoKey)), "{out:?}");
    assert_eq!(Status::load(v.path()).last_error_cause, Some(Cause::NoKey));
}

#[test]
fn every_error_has_the_cause_a_user_can_act_on() {
    let d = || Location::Dir("/b".into());
    let io = |k| Error::io("write a backup into", &d(), std::io::Error::from(k));
    use std::io::ErrorKind as K;
    assert_eq!(io(K::NotFound).cause(), Cause::FolderGone);
    assert_eq!(io(K::PermissionDenied).cause(), Cause::PermissionDenied);
    assert_eq!(io(K::ReadOnlyFilesystem).cause(), Cause::ReadOnly);
    assert_eq!(io(K::StorageFull).cause(), Cause::DiskFull);
    assert_eq!(io(K::QuotaExceeded).cause(), Cause::DiskFull);
    assert_eq!(io(K::NotADirectory).cause(), Cause::NotAFolder);
    assert_eq!(io(K::Interrupted).cause(), Cause::Other);
    assert_eq!(Error::NotAFolder(d()).cause(), Cause::NotAFolder);
    let verify = Error::Verify {
        file: "/b/x".into(),
        reason: "x".into(),
    };
    assert_eq!(verify.cause(), Cause::Verify);
    // An older status file without the field reads as "no cause known".
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("v.vault");
    fs::write(
        status::status_path(&vault),
        br#"{"last_error": "the folder is gone", "pending_changes": true}"#,
    )
    .unwrap();
    let s = Status::load(&vault);
    assert_eq!((s.last_error_cause, s.pending_changes), (None, true));
}

#[test]
fn the_key_survives_a_passcode_change_and_reopening() {
    let tmp = tempfile::tempdir().unwrap();
    let mut v = vault_with_key(tmp.path());
    let key = v.backup_key().unwrap().clone();
    v.change_passcode("246810", "135790", KdfParams::TEST_LIGHT, NOW)
        .unwrap();
    let path = v.path().to_path_buf();
    v.lock();
    let v = Vault::open_with(&path, "135790", NOW, &OpenOptions::light_for_tests()).unwrap();
    assert_eq!(v.backup_key(), Some(&key));
}

#[test]
fn leftovers_of_an_interrupted_backup_are_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let v = vault_with_key(tmp.path());
    let dir = tmp.path().join("b");
    turn_on(&v, &dir, 10);
    fs::write(
        dir.join(".monban-auto-1234abcd-20251201T093200Z-g0000000003.monban-backup.part-0123456789abcdef"),
        b"half",
    )
    .unwrap();
    assert!(matches!(after_change(&v, NOW), Outcome::Written(_)));
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
}

/// After a passcode change, the re-keying of backups that open with the passcode is a vault
/// save of its own. Here it really fails: between the change and the re-key, `<vault>.bak`
/// (where the save keeps the previous generation) becomes a folder with a file in it.
#[test]
fn a_re_keying_that_fails_is_reported_and_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("v.vault");
    let options = OpenOptions::light_for_tests();
    let mut v = Vault::create_with(&path, "246810", KdfParams::TEST_LIGHT, NOW, &options).unwrap();
    let key = format::derive_key(
        "246810",
        KdfParams::TEST_LIGHT,
        BackupPasswordSource::Passcode,
    )
    .unwrap();
    v.set_backup_key(Some(key.clone())).unwrap();
    let dir = tmp.path().join("backups");
    turn_on(&v, &dir, 10);
    add(&mut v, 1);
    add(&mut v, 2);
    assert!(matches!(after_change(&v, NOW), Outcome::Written(_)));
    let accounts = backup_entries(&v);

    v.change_passcode("246810", "135790", KdfParams::TEST_LIGHT, NOW + 1)
        .unwrap();
    let bak = crate::vault::backup_path(&path);
    fs::remove_file(&bak).unwrap();
    fs::create_dir(&bak).unwrap();
    fs::write(bak.join("in the way"), b"x").unwrap();
    let err = passcode_changed(&mut v, "135790").unwrap_err();
    assert!(matches!(err, Error::Vault(_)), "{err:?}");
    let said = err.to_string();
    assert!(
        said.contains("cannot keep the new backup key in the vault"),
        "{said}"
    );
    assert_eq!(err.cause(), Cause::Other);

    // Nothing is lost: the open vault keeps the old key (its backups keep opening with the
    // old passcode, as the app and the CLI say), the next backup is written with it, and the
    // vault on disk opens with the new passcode holding every account.
    assert_eq!(v.backup_key(), Some(&key));
    let Outcome::Written(w) = after_change(&v, NOW + 2) else {
        panic!("the backup after the passcode change")
    };
    let newest = format::read(
        &fs::read(&w.file).unwrap(),
        "246810",
        &KdfBounds::LIGHT_FOR_TESTS,
    )
    .unwrap();
    assert_eq!(newest.entries, accounts);
    assert_eq!(folder::list(&dir, None).unwrap().len(), 2);
    v.lock();
    let v = Vault::open_with(&path, "135790", NOW + 3, &options).unwrap();
    assert_eq!(backup_entries(&v), accounts);
    assert_eq!(v.backup_key(), Some(&key));
}

/// The trees this process "picked": URI → a real folder. A tree not in the list answers as
/// the Android glue does when the persisted permission was taken back.
static TREES: std::sync::Mutex<Vec<(String, PathBuf)>> = std::sync::Mutex::new(Vec::new());

fn open_test_tree(uri: &str) -> std::io::Result<Box<dyn Folder>> {
    let trees = TREES.lock().unwrap();
    match trees.iter().find(|(u, _)| u == uri) {
        Some((_, p)) => Ok(Box::new(dir::Dir::new(p))),
        None => Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the permission to use this folder was taken back",
        )),
    }
}

/// The service over a folder that is not a path (an Android document tree, through the
/// platform's opener): the same backups, pruning and causes, named by the tree's place.
#[test]
fn a_document_tree_is_backed_up_like_a_path_and_a_lost_permission_is_its_cause() {
    let tmp = tempfile::tempdir().unwrap();
    let mut v = vault_with_key(tmp.path());
    let uri = "content://com.android.externalstorage.documents/tree/primary%3ADocuments%2FMonban";
    let real = tmp.path().join("picked");
    fs::create_dir(&real).unwrap();
    TREES.lock().unwrap().push((uri.into(), real.clone()));
    store::set_tree_opener(open_test_tree);
    let tree = Location::parse(uri);
    config::save(
        v.path(),
        &BackupSettings {
            enabled: true,
            dir: Some(tree.clone()),
            keep: 2,
        },
    )
    .unwrap();
    for i in 0..3u8 {
        add(&mut v, i);
        let Outcome::Written(w) = after_change(&v, NOW + u64::from(i)) else {
            panic!("a backup into the tree")
        };
        assert!(
            w.file.starts_with("Documents/Monban/monban-auto-"),
            "{}",
            w.file
        );
    }
    assert_eq!(folder::list(&real, None).unwrap().len(), 2, "pruned");
    assert_eq!(count_files(&tree, &Status::load(v.path())), 2);
    assert!(
        Status::load(v.path())
            .last_file
            .unwrap()
            .starts_with("Documents/Monban/")
    );

    TREES.lock().unwrap().clear();
    add(&mut v, 9);
    let out = after_change(&v, NOW + 10);
    let Outcome::Failed(e) = &out else {
        panic!("{out:?}")
    };
    assert_eq!(e.cause(), Cause::PermissionDenied);
    let w = out.warning().unwrap();
    assert!(
        w.contains("may not write into the backup folder Documents/Monban"),
        "{w}"
    );
    assert_eq!(
        Status::load(v.path()).last_error_cause,
        Some(Cause::PermissionDenied)
    );
    assert_eq!(
        folder::list(&real, None).unwrap().len(),
        2,
        "nothing removed"
    );
}
