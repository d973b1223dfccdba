//! kill -9 during automatic backups: a child process changes the vault and backs it up in a
//! loop and is killed at pseudo-random moments. After every kill the vault opens (with the
//! last confirmed change or the one in flight), every complete backup in the folder opens with
//! the backup password and holds exactly the vault's content of the generation in its name,
//! the newest is no older than the last backup the child confirmed, and the folder never holds
//! more than N + 1 (the +1: a kill between writing a new backup and removing the oldest).
//!
//! The child is this test binary re-run on `backup::crash::backup_loop` with
//! `MONBAN_TEST_BACKUP_LOOP=<vault path>`. Kills: `MONBAN_BACKUP_KILL_ITERATIONS` (default
//! 100; `scripts/backup-kill-test.sh` runs thousands).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::{Rng, kill_child};
use monban::autobackup::{self, BackupSettings, Outcome};
use monban::transfer::backup;
use monban::vault::{BackupPasswordSource, EntryId, KdfBounds, KdfParams, OpenOptions, Vault};
use monban::{Account, Secret};

const CHILD_ENV: &str = "MONBAN_TEST_BACKUP_LOOP";
const PASS: &str = "246810";
const PW: &str = "backup password 1";
const NOW: u64 = 1_764_581_520;
const KEEP: usize = 4;

fn light() -> OpenOptions {
    OpenOptions::light_for_tests()
}

fn backup_dir(vault: &Path) -> PathBuf {
    vault.parent().unwrap().join("backups")
}

/// A light vault with two accounts, a backup key and automatic backups into `backups/`.
fn set_up(dir: &Path) -> PathBuf {
    let path = dir.join("crash.vault");
    let mut v = Vault::create_with(&path, PASS, KdfParams::TEST_LIGHT, NOW, &light()).unwrap();
    v.add(
        Account::totp("GitHub", "alice", Secret::new(vec![1; 20])),
        NOW,
    )
    .unwrap();
    v.add(Account::totp("Bank", "bob", Secret::new(vec![2; 20])), NOW)
        .unwrap();
    let key =
        backup::derive_key(PW, KdfParams::TEST_LIGHT, BackupPasswordSource::Separate).unwrap();
    v.set_backup_key(Some(key)).unwrap();
    std::fs::create_dir(backup_dir(&path)).unwrap();
    let settings = BackupSettings {
        enabled: true,
        dir: Some(backup_dir(&path).into()),
        keep: KEEP as u32,
    };
    autobackup::config::save(&path, &settings).unwrap();
    assert!(matches!(
        autobackup::back_up_now(&v, &settings, NOW),
        Outcome::Written(_)
    ));
    path
}

/// One change: entry #1's note becomes "<generation>:" plus padding of varying size.
fn change(v: &mut Vault) {
    let e = v.entry(EntryId(1)).unwrap().clone();
    let mut meta = e.meta;
    let next = v.generation() + 1;
    meta.note = format!("{next}:{}", "x".repeat((next % 89) as usize * 40));
    v.update(EntryId(1), e.account, meta).unwrap();
}

fn note_generation(entries: &[backup::BackupEntry]) -> u64 {
    let note = &entries[0].meta.as_ref().unwrap().note;
    note.split(':').next().unwrap().parse().unwrap_or(0)
}

/// As a normal test: 20 changes keep the invariants. As the child of
/// `kill_9_during_backups`: changes and backs up forever, printing "backed up N" after each.
#[test]
fn backup_loop() {
    let child = std::env::var_os(CHILD_ENV);
    let tmp = tempfile::tempdir().unwrap();
    let path = match &child {
        Some(p) => PathBuf::from(p),
        None => set_up(tmp.path()),
    };
    let mut v = Vault::open_with(&path, PASS, NOW, &light()).unwrap();
    let rounds = if child.is_some() { u64::MAX } else { 20 };
    for _ in 0..rounds {
        change(&mut v);
        // The clock moves on with every change (names sort by time, then generation).
        match autobackup::after_change(&v, NOW + v.generation()) {
            Outcome::Written(_) => {}
            other => panic!("backup failed: {other:?}"),
        }
        if child.is_some() {
            println!("backed up {}", v.generation());
        }
    }
    let g = v.generation();
    v.lock();
    check(&path, g, g, 0);
}

/// Generation in an automatic backup's file name.
fn name_generation(p: &Path) -> u64 {
    let n = p.file_name().unwrap().to_string_lossy().into_owned();
    let g = n.rsplit_once("-g").unwrap().1;
    g.trim_end_matches(".monban-backup").parse().unwrap()
}

/// The invariants after a kill; returns (vault generation, newest backup generation).
fn check(path: &Path, confirmed: u64, confirmed_backup: u64, i: usize) -> (u64, u64) {
    let v = Vault::open_with(path, PASS, NOW, &light())
        .unwrap_or_else(|e| panic!("kill {i}: the vault does not open: {e}"));
    let g = v.generation();
    assert!(
        g == confirmed || g == confirmed + 1,
        "kill {i}: vault generation {g}, last confirmed {confirmed}"
    );
    v.lock();
    let dir = backup_dir(path);
    let files = autobackup::folder::list(&dir, None).unwrap();
    assert!(
        files.len() <= KEEP + 1,
        "kill {i}: {} backups for keep {KEEP}",
        files.len()
    );
    let newest = files
        .last()
        .unwrap_or_else(|| panic!("kill {i}: no backup left"));
    for f in &files {
        let b = backup::read(&std::fs::read(f).unwrap(), PW, &KdfBounds::LIGHT_FOR_TESTS)
            .unwrap_or_else(|e| panic!("kill {i}: {} does not open: {e}", f.display()));
        assert_eq!(b.entries.len(), 2, "kill {i}");
        let ng = name_generation(f);
        // The note carries the generation of the change (the first backup: the set-up vault).
        let content = note_generation(&b.entries);
        assert!(
            content == ng || content == 0,
            "kill {i}: {} holds {content}",
            f.display()
        );
    }
    let newest_g = name_generation(newest);
    assert!(
        newest_g >= confirmed_backup && newest_g <= g,
        "kill {i}: newest backup {newest_g}, confirmed {confirmed_backup}, vault {g}"
    );
    (g, newest_g)
}

#[cfg(unix)]
#[test]
fn kill_9_during_backups() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let iterations: usize = std::env::var("MONBAN_BACKUP_KILL_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let tmp = tempfile::tempdir().unwrap();
    let path = set_up(tmp.path());
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut confirmed = Vault::open_with(&path, PASS, NOW, &light())
        .unwrap()
        .generation();
    let mut confirmed_backup = confirmed;
    let (mut mid_loop, mut backed_up, mut behind, mut with_temp) = (0usize, 0u64, 0usize, 0usize);
    let started = Instant::now();
    for i in 0..iterations {
        let killed = kill_child(
            "backup::crash::backup_loop",
            (CHILD_ENV, &path),
            "backed up ",
            i,
            |_| Duration::from_micros(rng.next() % 20_000),
        );
        let done = killed.reported;
        if let Some(&last) = done.last() {
            mid_loop += 1;
            backed_up += done.len() as u64;
            confirmed = confirmed.max(last);
            confirmed_backup = last;
        }
        let dir = backup_dir(&path);
        if std::fs::read_dir(&dir)
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().contains(".part-"))
        {
            with_temp += 1;
        }
        let (g, newest) = check(&path, confirmed, confirmed_backup, i);
        if newest < g {
            behind += 1;
        }
        confirmed = g;
        confirmed_backup = newest;
    }
    // The next change cleans up: N backups, no temporary file.
    let mut v = Vault::open_with(&path, PASS, NOW, &light()).unwrap();
    change(&mut v);
    assert!(matches!(
        autobackup::after_change(&v, NOW + v.generation()),
        Outcome::Written(_)
    ));
    v.lock();
    let names: Vec<String> = std::fs::read_dir(backup_dir(&path))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), KEEP, "{names:?}");
    assert!(
        names.iter().all(|n| n.starts_with("monban-auto-")),
        "{names:?}"
    );
    eprintln!(
        "kill -9 (backups): {iterations} kills ({mid_loop} during the change+backup loop, \
         {backed_up} confirmed backups; {behind} left the vault one change ahead of its newest \
         backup, {with_temp} left a temporary file) in {:.1?}; the vault and every complete \
         backup opened every time",
        started.elapsed()
    );
    assert!(
        mid_loop * 2 >= iterations,
        "most kills must land in the loop ({mid_loop})"
    );
}
