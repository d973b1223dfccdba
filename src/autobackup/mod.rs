//! Automatic backups: after every change of the vault, a backup file (the format of
//! [`crate::transfer::backup`]) in a folder the user chose, keeping the newest N.
//!
//! - **Never asks.** The key is derived once from the backup password (the vault passcode or a
//!   separate password, the user's choice) and kept inside the encrypted vault
//!   ([`crate::vault::BackupKey`]); each backup runs no KDF.
//! - **Crash-safe.** Each file is written to a temporary name, flushed and renamed (a path:
//!   [`dir`]; an Android document tree: `platform::android::saf`, see [`store`]); it is read
//!   back and compared with what was meant before any older backup is removed. A kill at any
//!   instant leaves the vault and every complete backup intact.
//! - **Never in the way.** A backup that cannot be written (folder gone, permission lost, disk
//!   full, read-only) never undoes or fails the vault change: [`after_change`] returns
//!   [`Outcome::Failed`] and records why in [`Status`] (the CLI prints one warning line, the
//!   app shows a banner until a backup succeeds again).
//!
//! The settings ([`BackupSettings`]) and the status ([`Status`]) live beside the vault and hold
//! no secret. Time is passed in; nothing here reads the clock.

pub mod config;
pub mod dir;
pub mod folder;
pub mod status;
pub mod store;

use std::io;
use std::path::Path;

use thiserror::Error;

use crate::transfer::backup::{self, BackupEntry};
use crate::vault::Vault;

pub use config::{BackupSettings, DEFAULT_KEEP, Location, MAX_KEEP};
pub use status::{Cause, Status};
pub use store::Folder;

/// Why an automatic backup was not written. Each says what to do.
#[derive(Debug, Error)]
pub enum Error {
    #[error(
        "this vault holds no key for automatic backups: turn them on again (monban backup auto --dir DIR)"
    )]
    NoKey,
    #[error(
        "the backup folder {0} is gone (a removed drive or a deleted folder?): reconnect it or choose another folder"
    )]
    FolderGone(Location),
    #[error("{0} is not a folder: choose a folder for automatic backups")]
    NotAFolder(Location),
    #[error(
        "Monban may not write into the backup folder {0}: allow it again or choose another folder"
    )]
    PermissionDenied(Location),
    #[error("the backup folder {0} is read-only: choose a writable folder")]
    ReadOnly(Location),
    #[error("the disk holding the backup folder {0} is full: free some space")]
    DiskFull(Location),
    #[error(
        "the backup just written ({file}) does not read back ({reason}); it was removed and the older backups kept"
    )]
    Verify { file: String, reason: String },
    #[error("cannot write the backup: {0}")]
    Format(#[from] backup::Error),
    #[error("cannot keep the new backup key in the vault: {0}")]
    Vault(#[from] crate::vault::Error),
    #[error("cannot {action} {folder}: {source}")]
    Io {
        action: &'static str,
        folder: Location,
        source: io::Error,
    },
}

impl Error {
    /// Sorts an I/O failure in the backup folder (of any kind, see [`store`]) into the causes
    /// a user can act on.
    fn io(action: &'static str, dir: &Location, e: io::Error) -> Error {
        let dir = dir.clone();
        match e.kind() {
            io::ErrorKind::NotFound => Error::FolderGone(dir),
            io::ErrorKind::PermissionDenied => Error::PermissionDenied(dir),
            io::ErrorKind::ReadOnlyFilesystem => Error::ReadOnly(dir),
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => Error::DiskFull(dir),
            io::ErrorKind::NotADirectory => Error::NotAFolder(dir),
            _ => Error::Io {
                action,
                folder: dir,
                source: e,
            },
        }
    }
}

impl Error {
    /// The kind of cause, for a front end that words it in its own language.
    pub fn cause(&self) -> Cause {
        match self {
            Error::NoKey => Cause::NoKey,
            Error::FolderGone(_) => Cause::FolderGone,
            Error::NotAFolder(_) => Cause::NotAFolder,
            Error::PermissionDenied(_) => Cause::PermissionDenied,
            Error::ReadOnly(_) => Cause::ReadOnly,
            Error::DiskFull(_) => Cause::DiskFull,
            Error::Verify { .. } => Cause::Verify,
            Error::Format(_) | Error::Vault(_) | Error::Io { .. } => Cause::Other,
        }
    }
}

/// A backup written and verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Where it went, as messages name it ([`Location::shown`]).
    pub file: String,
    /// Accounts in it.
    pub entries: usize,
    /// Automatic backups of this vault now in the folder.
    pub kept: usize,
    /// Older ones removed.
    pub removed: usize,
}

/// What [`after_change`] did.
#[derive(Debug)]
pub enum Outcome {
    /// Automatic backups are off (the change is recorded as not backed up).
    Off,
    Written(Written),
    /// Nothing was written; the vault change stands. Recorded in [`Status::last_error`].
    Failed(Error),
}

impl Outcome {
    /// The one line the command line prints on stderr after a command whose backup failed.
    pub fn warning(&self) -> Option<String> {
        match self {
            Outcome::Failed(e) => Some(format!(
                "warning: the change is saved, but the automatic backup failed: {e}"
            )),
            _ => None,
        }
    }
}

/// Call after every change of the vault (it is already saved): marks the change, and with
/// automatic backups on writes a backup, verifies it and prunes the oldest. Never fails: see
/// [`Outcome`].
pub fn after_change(vault: &Vault, now: u64) -> Outcome {
    let settings = config::load(vault.path());
    let mut status = Status::load(vault.path());
    status.changed();
    // Recorded first, so that a kill during the backup still leaves "not backed up".
    let _ = status.store(vault.path());
    match settings.active() {
        None => Outcome::Off,
        Some(dir) => back_up(vault, dir, settings.keep(), &mut status, now),
    }
}

/// After a passcode change: automatic backups that open with the vault passcode follow it
/// (a new backup key from `new_passcode`, kept in the vault; older backups keep opening with
/// the old passcode). `Ok(true)` when the key was replaced, `Ok(false)` when backups use a
/// separate password or are off. Call [`after_change`] next, as after any change.
pub fn passcode_changed(vault: &mut Vault, new_passcode: &str) -> Result<bool, Error> {
    if !vault
        .backup_key()
        .is_some_and(|k| k.source == crate::vault::BackupPasswordSource::Passcode)
    {
        return Ok(false);
    }
    let key = backup::derive_key(
        new_passcode,
        crate::vault::KdfParams::DEFAULT,
        crate::vault::BackupPasswordSource::Passcode,
    )?;
    vault.set_backup_key(Some(key))?;
    Ok(true)
}

/// Writes an automatic backup now (e.g. right after they are turned on), recording the result.
pub fn back_up_now(vault: &Vault, settings: &BackupSettings, now: u64) -> Outcome {
    let mut status = Status::load(vault.path());
    match settings.active() {
        None => Outcome::Off,
        Some(dir) => back_up(vault, dir, settings.keep(), &mut status, now),
    }
}

fn back_up(vault: &Vault, dir: &Location, keep: usize, status: &mut Status, now: u64) -> Outcome {
    let outcome = match write_verified(vault, dir, keep, now) {
        Ok(w) => {
            status.succeeded(&w.file, now);
            status.vault_tag = Some(folder::vault_tag(vault.created()));
            Outcome::Written(w)
        }
        Err(e) => {
            status.failed(e.to_string(), e.cause(), now);
            Outcome::Failed(e)
        }
    };
    let _ = status.store(vault.path());
    outcome
}

/// Records a backup the user made by hand (an export), which also answers the reminder.
pub fn record_manual_backup(vault: &Path, file: &Path, now: u64) {
    let mut status = Status::load(vault);
    status.succeeded(&file.display().to_string(), now);
    let _ = status.store(vault);
}

/// The vault's entries as backup entries (accounts with their display metadata).
pub fn backup_entries(vault: &Vault) -> Vec<BackupEntry> {
    vault
        .entries()
        .iter()
        .map(|e| BackupEntry {
            account: e.account.clone(),
            meta: Some(e.meta.clone()),
        })
        .collect()
}

/// Writes one backup of `vault` into the folder at `location`, reads it back, then removes
/// the oldest beyond `keep`. Nothing older is removed unless the new file reads back exactly.
pub fn write_verified(
    vault: &Vault,
    location: &Location,
    keep: usize,
    now: u64,
) -> Result<Written, Error> {
    let key = vault.backup_key().ok_or(Error::NoKey)?;
    let fail = |action| move |e| Error::io(action, location, e);
    let dir = folder::open(location).map_err(fail("open the backup folder"))?;
    // Also the check that the folder is there: a vanished one is never created again.
    let present = dir.names().map_err(fail("open the backup folder"))?;
    let entries = backup_entries(vault);
    let bytes = backup::write_with_key(&entries, key, now)?;
    let tag = folder::vault_tag(vault.created());
    let name = folder::file_name(&tag, now, vault.generation());
    folder::remove_stale_temps(&*dir, &present);
    dir.write(&name, &bytes)
        .map_err(fail("write a backup into"))?;
    let file = location.shown(&name);
    let check = dir
        .read(&name)
        .map_err(|e| e.to_string())
        .and_then(|b| backup::read_with_key(&b, key).map_err(|e| e.to_string()))
        .and_then(|b| {
            (b.entries == entries && b.created == now)
                .then_some(())
                .ok_or_else(|| "its content differs from the vault".to_string())
        });
    if let Err(reason) = check {
        let _ = dir.remove(&name);
        return Err(Error::Verify { file, reason });
    }
    let removed =
        folder::prune(&*dir, &tag, keep, &name).map_err(fail("remove an old backup from"))?;
    let kept = folder::names(&*dir, Some(&tag)).map_or(0, |l| l.len());
    Ok(Written {
        file,
        entries: entries.len(),
        kept,
        removed,
    })
}

/// Automatic backups at `location` of the vault whose status is `status` (of any vault when
/// the status does not know the vault's tag yet).
pub fn count_files(location: &Location, status: &Status) -> usize {
    folder::open(location)
        .and_then(|f| folder::names(&*f, status.vault_tag.as_deref()))
        .map_or(0, |l| l.len())
}

#[cfg(test)]
mod tests;
