//! Files beside the vault and how they are written: the exclusive lock, the crash-safe save
//! (unique temp file in the same directory, fsync, rename, fsync of the directory), the backup
//! of the previous generation, and the small state file (failed attempts, last generation).

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use super::error::{Error, Result};

/// Largest vault file read (a hostile huge file is refused before it is read).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s: OsString = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// `<vault>.bak`: the previous generation, replaced on every save.
pub fn backup_path(vault: &Path) -> PathBuf {
    with_suffix(vault, ".bak")
}

/// `<vault>.state`: failed attempts, backoff and last seen generation (JSON, unencrypted).
pub fn state_path(vault: &Path) -> PathBuf {
    with_suffix(vault, ".state")
}

/// `<vault>.damaged`: a damaged vault set aside by a recovery.
pub fn damaged_path(vault: &Path) -> PathBuf {
    with_suffix(vault, ".damaged")
}

/// `<vault>.lock`: the file whose OS lock marks the vault as open. Never deleted.
pub fn lock_path(vault: &Path) -> PathBuf {
    with_suffix(vault, ".lock")
}

/// Prefix of the temporary files of a save (`.<file name>.tmp-<16 hex digits>`).
fn temp_prefix(vault: &Path) -> String {
    let name = vault
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.tmp-")
}

fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

use crate::secure_file::private_options;

/// An exclusive OS lock on `<vault>.lock`, released when dropped or when the process dies.
#[derive(Debug)]
pub(crate) struct LockGuard {
    _file: File,
}

/// How long [`lock`] keeps retrying before reporting [`Error::Locked`]: a process being spawned
/// elsewhere in this program holds a copy of every descriptor (lock included) until it calls
/// exec, so a just-released lock can look taken for a moment.
const LOCK_RETRIES: u32 = 25;
const LOCK_RETRY_PAUSE: std::time::Duration = std::time::Duration::from_millis(10);

/// Takes the vault's lock, or fails with [`Error::Locked`] if another process keeps holding it
/// for a quarter of a second.
pub(crate) fn lock(vault: &Path) -> Result<LockGuard> {
    let path = lock_path(vault);
    let file = private_options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error::io("open the lock file", &path, e))?;
    for attempt in 0..=LOCK_RETRIES {
        match file.try_lock() {
            Ok(()) => return Ok(LockGuard { _file: file }),
            Err(fs::TryLockError::WouldBlock) if attempt < LOCK_RETRIES => {
                std::thread::sleep(LOCK_RETRY_PAUSE)
            }
            Err(fs::TryLockError::WouldBlock) => return Err(Error::Locked),
            Err(fs::TryLockError::Error(e)) => return Err(Error::io("lock", &path, e)),
        }
    }
    Err(Error::Locked)
}

/// Reads a whole vault file (refusing absurd sizes).
pub(crate) fn read_vault(path: &Path) -> Result<Vec<u8>> {
    let f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(Error::Missing {
                path: path.to_path_buf(),
            });
        }
        Err(e) => return Err(Error::io("open", path, e)),
    };
    let len = f.metadata().map_err(|e| Error::io("read", path, e))?.len();
    if len > MAX_FILE_BYTES {
        return Err(Error::Damaged {
            path: path.to_path_buf(),
            reason: "the file is far larger than any vault",
            previous: None,
        });
    }
    let mut buf = Vec::with_capacity(len as usize);
    f.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io("read", path, e))?;
    Ok(buf)
}

/// Replaces `path` with `bytes` so that a crash at any instant leaves either the old or the new
/// file: unique temp file in the same directory (mode 0600), write, fsync, optional backup of
/// the old file as `<path>.bak` (hard link, else copy), rename over `path`, fsync the directory.
/// On failure the temp file is removed and `path` is untouched.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], keep_backup: bool) -> Result<()> {
    let dir = dir_of(path);
    let rand: [u8; 8] = super::format::random()?;
    let tmp = dir.join(format!(
        "{}{}",
        temp_prefix(path),
        data_encoding::HEXLOWER.encode(&rand)
    ));
    let result = (|| {
        let mut f = private_options()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| Error::io("create a temporary file in", &dir, e))?;
        f.write_all(bytes)
            .map_err(|e| Error::io("write", &tmp, e))?;
        f.sync_all()
            .map_err(|e| Error::io("flush to disk", &tmp, e))?;
        drop(f);
        if keep_backup && path.exists() {
            backup(path)?;
        }
        fs::rename(&tmp, path).map_err(|e| Error::io("replace", path, e))?;
        sync_dir(&dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Makes `<path>.bak` a copy of the current `path`, itself atomically.
fn backup(path: &Path) -> Result<()> {
    let bak = backup_path(path);
    let rand: [u8; 8] = super::format::random()?;
    let tmp = dir_of(path).join(format!(
        "{}{}",
        temp_prefix(path),
        data_encoding::HEXLOWER.encode(&rand)
    ));
    let made = fs::hard_link(path, &tmp).or_else(|_| {
        fs::copy(path, &tmp)?;
        File::open(&tmp)?.sync_all()
    });
    let result = made.and_then(|()| fs::rename(&tmp, &bak));
    // When the backup already is a hard link to the vault (a save killed between its two
    // renames), POSIX rename of one link over another of the same file does nothing and
    // leaves `tmp` in place: remove it in every case.
    let _ = fs::remove_file(&tmp);
    result.map_err(|e| Error::io("keep the previous version as", &bak, e))
}

/// Makes a rename durable (Unix: fsync of the directory; elsewhere a no-op).
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io("flush the directory", dir, e))?;
    }
    let _ = dir;
    Ok(())
}

/// Removes temp files left by interrupted writes of the vault or its state file (call only
/// while holding the lock).
pub(crate) fn remove_stale_temps(vault: &Path) {
    let prefixes = [temp_prefix(vault), temp_prefix(&state_path(vault))];
    let Ok(rd) = fs::read_dir(dir_of(vault)) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if prefixes.iter().any(|p| name.starts_with(p.as_str())) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Creates the directory that will hold a new vault (mode 0700 on Unix for new directories).
pub(crate) fn create_dir_for(vault: &Path) -> Result<()> {
    let dir = dir_of(vault);
    crate::secure_file::create_private_dir(&dir).map_err(|e| match e {
        crate::secure_file::Error::Io { source, .. } => {
            Error::io("create the directory", &dir, source)
        }
        other => Error::io("create the directory", &dir, std::io::Error::other(other)),
    })
}
