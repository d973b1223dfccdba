//! kill -9 during saves: a child process saves the vault in a loop and is killed at random
//! moments; after every kill the vault opens, and holds either the last save the child
//! confirmed or the one it was making — never neither, never a mix, never locked.
//!
//! The child is this test binary itself, re-run on the test `vault::crash::save_loop` with
//! `MONBAN_TEST_SAVE_LOOP=<vault path>` set (no extra build target needed). Iterations:
//! `MONBAN_KILL_ITERATIONS` (default 200).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{Rng, kill_child};
use monban::vault::{self, EntryId, KdfBounds, OpenOptions, Vault};

use super::{NOW, PASS, small_vault};

const CHILD_ENV: &str = "MONBAN_TEST_SAVE_LOOP";
/// Generation of `small_vault` (create + 2 adds), before any loop save.
const INITIAL_GENERATION: u64 = 3;

fn light() -> OpenOptions {
    OpenOptions::light_for_tests()
}

/// One save: entry #1's note becomes "<generation it will have>:" plus padding, so the file
/// size changes from save to save and every generation's content is recognisable.
fn save_once(v: &mut Vault) {
    let id = EntryId(1);
    let e = v.entry(id).unwrap().clone();
    let mut meta = e.meta;
    let next = v.generation() + 1;
    meta.note = format!("{next}:{}", "x".repeat((next % 97) as usize * 7));
    v.update(id, e.account, meta).unwrap();
    assert_eq!(v.generation(), next);
}

fn note_generation(v: &Vault) -> u64 {
    let note = &v.entry(EntryId(1)).unwrap().meta.note;
    note.split(':').next().unwrap().parse().unwrap_or(0)
}

/// As a normal test: 50 saves in a row keep the invariant. As the child of
/// `kill_9_during_saves`: saves forever, printing "saved N" after each save returns.
#[test]
fn save_loop() {
    let child_path = std::env::var_os(CHILD_ENV);
    let dir = tempfile::tempdir().unwrap();
    let path = match &child_path {
        Some(p) => p.into(),
        None => small_vault(dir.path(), "loop.vault"),
    };
    let mut v = Vault::open_with(&path, PASS, NOW, &light()).unwrap();
    let rounds = if child_path.is_some() { u64::MAX } else { 50 };
    for _ in 0..rounds {
        save_once(&mut v);
        if child_path.is_some() {
            println!("saved {}", v.generation());
        }
    }
    let g = v.generation();
    v.lock();
    let v = Vault::open_with(&path, PASS, NOW, &light()).unwrap();
    assert_eq!(v.generation(), g);
    assert_eq!(note_generation(&v), g);
}

/// Deterministic pseudo-random delays (xorshift), so a failing run can be repeated.
fn check_after_kill(path: &Path, confirmed: u64, i: usize) -> u64 {
    let v = Vault::open_with(path, PASS, NOW, &light())
        .unwrap_or_else(|e| panic!("kill {i}: the vault does not open after kill -9: {e}"));
    let g = v.generation();
    assert!(
        g == confirmed || g == confirmed + 1,
        "kill {i}: generation {g}, last confirmed {confirmed}"
    );
    // Content and header are of the same save (the note carries the generation it was saved as).
    if g > INITIAL_GENERATION {
        assert_eq!(note_generation(&v), g, "kill {i}");
    }
    // The backup is a complete earlier save.
    if let Ok(b) = std::fs::read(vault::backup_path(path)) {
        let c = vault::read_bytes(&b, PASS, &KdfBounds::LIGHT_FOR_TESTS)
            .unwrap_or_else(|e| panic!("kill {i}: the backup does not open: {e}"));
        assert!(
            c.generation + 1 == g || c.generation == g,
            "kill {i}: backup {} vs {g}",
            c.generation
        );
    }
    v.lock();
    g
}

#[cfg(unix)]
#[test]
fn kill_9_during_saves() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return; // only the parent runs this
    }
    let iterations: usize = std::env::var("MONBAN_KILL_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    let path = small_vault(dir.path(), "crash.vault");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut confirmed = INITIAL_GENERATION;
    let (mut mid_loop, mut total_saves, mut unconfirmed_new) = (0usize, 0u64, 0usize);
    let started = Instant::now();
    for i in 0..iterations {
        // Most kills land after the child's first save has returned, 0–15 ms into its save
        // loop (several saves at various stages); one in eight lands at a random moment of
        // its start-up instead.
        let killed = kill_child(
            "vault::crash::save_loop",
            (CHILD_ENV, &path),
            "saved ",
            i,
            |in_loop| Duration::from_micros(rng.next() % if in_loop { 15_000 } else { 20_000 }),
        );
        let saved = killed.reported;
        if let Some(&last) = saved.last() {
            mid_loop += 1;
            total_saves += saved.len() as u64;
            confirmed = last;
        }
        let g = check_after_kill(&path, confirmed, i);
        if g > confirmed {
            unconfirmed_new += 1;
        }
        confirmed = g;
    }
    // Whatever the kills left behind (temp files of interrupted saves) is gone after the next
    // save: only the vault, its backup, state and lock files remain.
    let mut v = Vault::open_with(&path, PASS, NOW, &light()).unwrap();
    save_once(&mut v);
    v.lock();
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "crash.vault",
            "crash.vault.bak",
            "crash.vault.lock",
            "crash.vault.state"
        ]
    );
    eprintln!(
        "kill -9: {iterations} kills ({mid_loop} during the save loop, {total_saves} confirmed saves; \
         {unconfirmed_new} found the save the child was killed in already complete) in {:.1?}; \
         the vault opened every time with the old or the new content",
        started.elapsed()
    );
    assert!(
        mid_loop * 2 >= iterations,
        "most kills must land while saving ({mid_loop}/{iterations})"
    );
}
