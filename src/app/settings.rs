//! The app's own preferences (not secret): auto-lock, clipboard clearing, theme, next code.
//! Stored as JSON beside the vault (`<vault>.settings.json`); a damaged or missing file means
//! defaults, and nothing here can lose vault data.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Auto-lock choices offered in the settings screen, in seconds.
pub const AUTO_LOCK_CHOICES: [u64; 5] = [30, 60, 120, 300, 900];
/// Clipboard clearing choices, in seconds (0: never).
pub const CLIPBOARD_CHOICES: [u64; 5] = [15, 30, 60, 120, 0];

/// Why settings could not be saved.
#[derive(Debug, Error)]
pub enum Error {
    #[error("cannot save the settings to {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Light/dark choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Idle time before the app locks itself.
    pub auto_lock_secs: u64,
    /// Time after which a copied code is removed from the clipboard (0: never).
    pub clipboard_clear_secs: u64,
    pub theme: ThemeChoice,
    /// Show the next code in the last seconds of a period.
    pub show_next_code: bool,
    /// Unlock with the numeric keypad.
    pub keypad: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            auto_lock_secs: 60,
            clipboard_clear_secs: 30,
            theme: ThemeChoice::System,
            show_next_code: true,
            keypad: false,
        }
    }
}

impl Settings {
    /// Where the settings of the vault at `vault` are kept.
    pub fn path_for(vault: &Path) -> PathBuf {
        let mut s = vault.as_os_str().to_owned();
        s.push(".settings.json");
        PathBuf::from(s)
    }

    /// Reads settings; a missing or unreadable file gives the defaults.
    pub fn load(path: &Path) -> Settings {
        std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Writes settings (through a temporary file renamed into place). The file is shared with
    /// the core's sections (automatic backups, reminders): keys this struct does not know are
    /// kept as they are, so saving an app preference never turns automatic backups off.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let err = |source| Error::Write {
            path: path.to_owned(),
            source,
        };
        let other = |e: serde_json::Error| err(std::io::Error::other(e));
        let mut merged = std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| match v {
                serde_json::Value::Object(map) => Some(map),
                _ => None,
            })
            .unwrap_or_default();
        if let serde_json::Value::Object(mine) = serde_json::to_value(self).map_err(other)? {
            merged.extend(mine);
        }
        let json = serde_json::to_vec_pretty(&merged).map_err(other)?;
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        std::fs::write(&tmp, json).map_err(err)?;
        std::fs::rename(&tmp, path).map_err(err)
    }

    pub fn auto_lock(&self) -> Duration {
        Duration::from_secs(self.auto_lock_secs.max(5))
    }

    pub fn clipboard_clear(&self) -> Duration {
        Duration::from_secs(self.clipboard_clear_secs)
    }

    /// Index of the current auto-lock time among [`AUTO_LOCK_CHOICES`] (nearest).
    pub fn auto_lock_index(&self) -> usize {
        nearest(&AUTO_LOCK_CHOICES, self.auto_lock_secs)
    }

    /// Index of the current clipboard time among [`CLIPBOARD_CHOICES`] (nearest; 0 = never).
    pub fn clipboard_index(&self) -> usize {
        if self.clipboard_clear_secs == 0 {
            return CLIPBOARD_CHOICES.len() - 1;
        }
        nearest(
            &CLIPBOARD_CHOICES[..CLIPBOARD_CHOICES.len() - 1],
            self.clipboard_clear_secs,
        )
    }

    pub fn set_auto_lock_index(&mut self, i: i32) {
        self.auto_lock_secs =
            AUTO_LOCK_CHOICES[(i.max(0) as usize).min(AUTO_LOCK_CHOICES.len() - 1)];
    }

    pub fn set_clipboard_index(&mut self, i: i32) {
        self.clipboard_clear_secs =
            CLIPBOARD_CHOICES[(i.max(0) as usize).min(CLIPBOARD_CHOICES.len() - 1)];
    }
}

fn nearest(choices: &[u64], v: u64) -> usize {
    (0..choices.len())
        .min_by_key(|&i| choices[i].abs_diff(v))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_one_minute_and_thirty_seconds() {
        let s = Settings::default();
        assert_eq!(s.auto_lock(), Duration::from_secs(60));
        assert_eq!(s.clipboard_clear(), Duration::from_secs(30));
        assert_eq!(s.auto_lock_index(), 1);
        assert_eq!(s.clipboard_index(), 1);
    }

    #[test]
    fn round_trip_and_damaged_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = Settings::path_for(&dir.path().join("v.monban"));
        assert!(p.to_string_lossy().ends_with("v.monban.settings.json"));
        assert_eq!(Settings::load(&p), Settings::default());
        let mut s = Settings::default();
        s.set_clipboard_index(4);
        s.set_auto_lock_index(99);
        s.theme = ThemeChoice::Dark;
        s.save(&p).unwrap();
        let back = Settings::load(&p);
        assert_eq!(back, s);
        assert_eq!(back.clipboard_clear_secs, 0);
        assert_eq!(back.clipboard_index(), 4);
        assert_eq!(back.auto_lock_secs, 900);
        std::fs::write(&p, b"{not json").unwrap();
        assert_eq!(Settings::load(&p), Settings::default());
        // Unknown and missing fields are tolerated.
        std::fs::write(&p, br#"{"auto_lock_secs": 300, "future": 1}"#).unwrap();
        let s = Settings::load(&p);
        assert_eq!((s.auto_lock_secs, s.clipboard_clear_secs), (300, 30));
    }

    #[test]
    fn saving_keeps_the_sections_the_app_does_not_know() {
        let dir = tempfile::tempdir().unwrap();
        let p = Settings::path_for(&dir.path().join("v.monban"));
        std::fs::write(
            &p,
            br#"{"auto_lock_secs": 300, "backup": {"enabled": true, "keep": 3}, "future": 1}"#,
        )
        .unwrap();
        let mut s = Settings::load(&p);
        s.theme = ThemeChoice::Dark;
        s.save(&p).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        assert_eq!(v["backup"]["enabled"], serde_json::json!(true));
        assert_eq!(v["backup"]["keep"], serde_json::json!(3));
        assert_eq!(v["future"], serde_json::json!(1));
        assert_eq!(Settings::load(&p).theme, ThemeChoice::Dark);
        assert_eq!(Settings::load(&p).auto_lock_secs, 300);
    }
}
