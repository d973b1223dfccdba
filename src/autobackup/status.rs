//! How automatic backups are going, persisted beside the vault as `<vault>.backup-status.json`
//! (JSON, no secret): when the last one succeeded and where, the last failure, whether the
//! vault changed since the last backup, and whether the user dismissed the backup reminder.
//! A missing or damaged file reads as "never backed up, nothing pending".

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// `<vault>.backup-status.json`.
pub fn status_path(vault: &Path) -> PathBuf {
    let mut s = vault.as_os_str().to_owned();
    s.push(".backup-status.json");
    PathBuf::from(s)
}

/// Why the last automatic backup failed, as a kind (the wording is the front end's: the CLI
/// prints [`Status::last_error`], the app a translated sentence per cause).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    FolderGone,
    PermissionDenied,
    ReadOnly,
    DiskFull,
    NotAFolder,
    NoKey,
    Verify,
    Other,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Status {
    /// Unix time of the last backup written and verified (automatic or by hand).
    pub last_ok: Option<u64>,
    /// The file it went to, as messages name it (a path, or its place in a document tree).
    pub last_file: Option<String>,
    /// Why the last automatic backup failed, until one succeeds again.
    pub last_error: Option<String>,
    /// Unix time of that failure.
    pub last_error_at: Option<u64>,
    /// Its kind (absent in files of older versions: read as [`Cause::Other`]).
    pub last_error_cause: Option<Cause>,
    /// The vault changed since the last backup.
    pub pending_changes: bool,
    /// The user dismissed the backup reminder (cleared by the next change).
    pub reminder_dismissed: bool,
    /// The vault's tag in automatic backups' file names.
    pub vault_tag: Option<String>,
}

impl Status {
    /// Reads the status of the vault at `vault`.
    pub fn load(vault: &Path) -> Status {
        fs::read(status_path(vault))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Writes it (atomically).
    pub fn store(&self, vault: &Path) -> io::Result<()> {
        let json = serde_json::to_vec_pretty(self).expect("plain struct serializes");
        write_small(&status_path(vault), &json)
    }

    /// A change was made: a backup is due and the reminder may show again.
    pub fn changed(&mut self) {
        self.pending_changes = true;
        self.reminder_dismissed = false;
    }

    /// A backup was written and verified at `now`.
    pub fn succeeded(&mut self, file: &str, now: u64) {
        self.last_ok = Some(now);
        self.last_file = Some(file.to_owned());
        self.last_error = None;
        self.last_error_at = None;
        self.last_error_cause = None;
        self.pending_changes = false;
    }

    /// An automatic backup failed at `now`.
    pub fn failed(&mut self, why: String, cause: Cause, now: u64) {
        self.last_error = Some(why);
        self.last_error_at = Some(now);
        self.last_error_cause = Some(cause);
    }
}

/// Replaces a small file beside the vault atomically (through [`crate::secure_file`]).
pub(crate) fn write_small(path: &Path, bytes: &[u8]) -> io::Result<()> {
    crate::secure_file::write(path, bytes, crate::secure_file::Overwrite::Replace)
        .map_err(|e| io::Error::other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_transitions() {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("v.vault");
        assert_eq!(Status::load(&vault), Status::default());
        let mut s = Status {
            reminder_dismissed: true,
            ..Status::default()
        };
        s.changed();
        assert!(s.pending_changes && !s.reminder_dismissed);
        s.failed("the folder is gone".into(), Cause::FolderGone, 5);
        assert!(s.pending_changes);
        assert_eq!(s.last_error_cause, Some(Cause::FolderGone));
        s.store(&vault).unwrap();
        assert_eq!(Status::load(&vault), s);
        s.succeeded("/b/x", 9);
        assert_eq!(
            (
                s.last_ok,
                s.last_error.as_deref(),
                s.last_error_cause,
                s.pending_changes
            ),
            (Some(9), None, None, false)
        );
        std::fs::write(status_path(&vault), b"[").unwrap();
        assert_eq!(Status::load(&vault), Status::default());
    }
}
