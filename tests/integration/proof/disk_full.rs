//! A full disk: saving fails cleanly (a clear error, the change undone in memory, no stray
//! temporary file) and the old vault stays readable — including while the disk is still full.
//!
//! Two variants, both run when possible:
//! - `full_tmpfs`: a 64 KiB tmpfs mounted for the test (needs root and permission to mount;
//!   otherwise it says so on stderr and checks nothing), filled to the last byte; the error
//!   must be the vault's `DiskFull` ("the disk is full ...").
//! - `file_size_limit`: a child process under `ulimit -f` (RLIMIT_FSIZE, with SIGXFSZ
//!   ignored so writes fail with EFBIG instead of killing it) adds accounts until a save fails;
//!   works without privileges.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use monban::vault::{self, EntryMeta, Error, KdfBounds, OpenOptions, Vault};
use monban::{Account, Secret};

use super::{CANARY, NOW, PASS, light_vault};
use crate::common::require;

fn light() -> OpenOptions {
    OpenOptions::light_for_tests()
}

/// Files in `dir` that are neither the vault, its side files nor `keep`.
fn strays(dir: &Path, vault_path: &Path, keep: &[&str]) -> Vec<String> {
    let known = [
        vault_path.to_path_buf(),
        vault::backup_path(vault_path),
        vault::state_path(vault_path),
        vault::lock_path(vault_path),
    ];
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| !known.contains(p))
        .filter(|p| !keep.iter().any(|k| p.file_name().is_some_and(|n| n == *k)))
        .map(|p| p.display().to_string())
        .collect()
}

/// The vault opens and holds exactly the canary vault's accounts at `generation`.
fn assert_intact(path: &Path, generation: u64, entries: usize) {
    let v = Vault::open_with(path, PASS, NOW, &light())
        .unwrap_or_else(|e| panic!("the old vault does not open: {e}"));
    assert_eq!(v.generation(), generation);
    assert_eq!(v.entries().len(), entries);
    assert!(
        v.entries()
            .iter()
            .any(|e| e.account.secret.expose() == CANARY)
    );
    drop(v);
    if let Ok(b) = fs::read(vault::backup_path(path)) {
        vault::read_bytes(&b, PASS, &KdfBounds::LIGHT_FOR_TESTS)
            .unwrap_or_else(|e| panic!("the backup copy does not open: {e}"));
    }
}

fn new_account(i: usize) -> Account {
    Account::totp(
        format!("Full{i}"),
        "disk",
        Secret::new(vec![i as u8 + 1; 20]),
    )
}

struct Mount(PathBuf);
impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn full_tmpfs() {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("mnt");
    fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs"])
        .arg(&mnt)
        .output();
    let why = match &mounted {
        Ok(o) if o.status.success() => None,
        Ok(o) => Some(String::from_utf8_lossy(&o.stderr).trim().to_string()),
        Err(e) => Some(e.to_string()),
    };
    if !require(
        why.is_none(),
        &format!("a tmpfs mount ({})", why.as_deref().unwrap_or("")),
        "run the tests as root, where mount works; full_disk::file_size_limit covers the \
         failure path meanwhile",
    ) {
        return;
    }
    let _guard = Mount(mnt.clone());
    let path = light_vault(&mnt, "full.vault");
    let generation = Vault::open_with(&path, PASS, NOW, &light())
        .unwrap()
        .generation();

    // Fill the file system to the last byte.
    let filler = mnt.join("filler");
    let mut f = fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 512];
    let mut filled = 0usize;
    loop {
        match f.write(&chunk) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) => {
                assert_eq!(e.kind(), std::io::ErrorKind::StorageFull, "{e}");
                break;
            }
        }
    }
    let _ = f.sync_all();
    drop(f);
    assert!(filled < 64 * 1024, "the tmpfs was not limited");

    // Reading works on a full disk.
    let mut v = Vault::open_with(&path, PASS, NOW, &light())
        .unwrap_or_else(|e| panic!("the vault does not open on a full disk: {e}"));
    // Every kind of change fails with DiskFull and is undone in memory.
    let e = v.add(new_account(1), NOW).unwrap_err();
    assert!(matches!(e, Error::DiskFull), "add: {e:?}");
    assert!(e.to_string().contains("disk is full"), "{e}");
    assert_eq!(v.entries().len(), 2);
    let first = v.entries()[0].clone();
    let mut meta: EntryMeta = first.meta.clone();
    meta.note = "x".repeat(1000);
    let e = v.update(first.id, first.account.clone(), meta).unwrap_err();
    assert!(matches!(e, Error::DiskFull), "update: {e:?}");
    assert_eq!(v.entries()[0], first);
    let e = v.remove(first.id).unwrap_err();
    assert!(matches!(e, Error::DiskFull), "remove: {e:?}");
    assert_eq!(v.entries().len(), 2);
    assert_eq!(v.generation(), generation);
    drop(v);
    assert_eq!(strays(&mnt, &path, &["filler"]), Vec::<String>::new());
    assert_intact(&path, generation, 2);

    // Space again: the next save works.
    fs::remove_file(&filler).unwrap();
    let mut v = Vault::open_with(&path, PASS, NOW, &light()).unwrap();
    v.add(new_account(1), NOW).unwrap();
    drop(v);
    assert_intact(&path, generation + 1, 3);
    eprintln!(
        "full disk (tmpfs 64 KiB, filled with {filled} bytes): add/update/remove refused with \
         DiskFull, old vault intact, no stray files; RAN"
    );
}

const CHILD_ENV: &str = "MONBAN_PROOF_FSIZE_CHILD";

/// The child of `file_size_limit` (does nothing when run as a normal test): adds accounts
/// with 4 KiB notes until a save fails, then prints what it saw.
#[test]
fn fsize_child() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let path = PathBuf::from(path);
    let mut v = Vault::open_with(&path, PASS, NOW, &light()).unwrap();
    for i in 0..20 {
        let a = new_account(i);
        let mut meta = EntryMeta::new_for(&a, NOW);
        meta.note = "n".repeat(vault::MAX_NOTE_BYTES);
        let before = (v.generation(), v.entries().len());
        match v.add_with_meta(a, meta) {
            Ok(_) => println!("saved {}", v.generation()),
            Err(e) => {
                assert_eq!((v.generation(), v.entries().len()), before, "not undone");
                println!("refused {}: {e}", v.generation());
                return;
            }
        }
    }
    println!("never refused");
}

#[cfg(unix)]
#[test]
fn file_size_limit() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = light_vault(dir.path(), "limited.vault");
    let generation = Vault::open_with(&path, PASS, NOW, &light())
        .unwrap()
        .generation();
    let exe = std::env::current_exe().unwrap();
    // 16 blocks: 8 KiB (512-byte blocks) or 16 KiB (1 KiB blocks, bash); the vault starts
    // well below and grows by > 4 KiB per account.
    let out = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 16 || exit 97; exec \"$0\" --exact proof::disk_full::fsize_child --nocapture -q --test-threads=1")
        .arg(&exe)
        .env(CHILD_ENV, &path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the child failed ({}): {stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let saved = stdout.lines().filter(|l| l.starts_with("saved ")).count() as u64;
    let refused = stdout
        .lines()
        .find(|l| l.starts_with("refused "))
        .unwrap_or_else(|| panic!("no save was refused under the size limit: {stdout}"));
    assert!(
        refused.contains("too large") || refused.contains("disk is full"),
        "unclear error: {refused}"
    );
    assert_eq!(strays(dir.path(), &path, &[]), Vec::<String>::new());
    assert_intact(&path, generation + saved, 2 + saved as usize);
    eprintln!(
        "full disk (RLIMIT_FSIZE child): {saved} saves fitted, then `{refused}`; old vault \
         intact, no stray files; RAN"
    );
}
