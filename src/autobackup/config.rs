//! What the user chose for automatic backups: on or off, the folder, how many to keep. Not
//! secret (the key is inside the vault). Kept as the `backup` section of Monban's settings
//! file beside the vault (`<vault>.settings.json`); the other sections are left as they are.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Backups kept unless the user chooses otherwise.
pub const DEFAULT_KEEP: u32 = 10;
/// Most backups one folder may be asked to keep.
pub const MAX_KEEP: u32 = 1000;

/// The `backup` section of the settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BackupSettings {
    /// Automatic backups after every change.
    pub enabled: bool,
    /// The folder they go to (absolute).
    pub dir: Option<PathBuf>,
    /// How many of the newest are kept.
    pub keep: u32,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            enabled: false,
            dir: None,
            keep: DEFAULT_KEEP,
        }
    }
}

impl BackupSettings {
    /// The folder, when automatic backups are on and have one.
    pub fn active_dir(&self) -> Option<&Path> {
        self.dir.as_deref().filter(|_| self.enabled)
    }

    /// `keep` within 1..=[`MAX_KEEP`].
    pub fn keep(&self) -> usize {
        self.keep.clamp(1, MAX_KEEP) as usize
    }
}

/// `<vault>.settings.json` (the one settings file, [`crate::settings`]).
pub fn settings_path(vault: &Path) -> PathBuf {
    crate::settings::Settings::path_for(vault)
}

const SECTION: &str = "backup";

/// Reads the backup section; a missing or damaged file means the defaults (off).
pub fn load(vault: &Path) -> BackupSettings {
    crate::settings::load_section(vault, SECTION)
}

/// Writes the backup section, keeping every other setting in the file.
pub fn save(vault: &Path, s: &BackupSettings) -> std::io::Result<()> {
    crate::settings::save_section(vault, SECTION, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_round_trip_keeps_other_settings() {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("v.vault");
        assert_eq!(load(&vault), BackupSettings::default());
        std::fs::write(settings_path(&vault), br#"{"auto_lock_secs": 300}"#).unwrap();
        let s = BackupSettings {
            enabled: true,
            dir: Some(dir.path().join("b")),
            keep: 3,
        };
        save(&vault, &s).unwrap();
        assert_eq!(load(&vault), s);
        let all: serde_json::Value =
            serde_json::from_slice(&std::fs::read(settings_path(&vault)).unwrap()).unwrap();
        assert_eq!(all["auto_lock_secs"], 300);
        std::fs::write(settings_path(&vault), b"{oops").unwrap();
        assert_eq!(load(&vault), BackupSettings::default());
        assert_eq!(
            BackupSettings {
                keep: 0,
                ..s.clone()
            }
            .keep(),
            1
        );
        assert_eq!(
            BackupSettings {
                enabled: false,
                ..s
            }
            .active_dir(),
            None
        );
    }
}
