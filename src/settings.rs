//! Preferences (not secret): auto-lock, clipboard clearing, theme, next code, keypad, language.
//! One JSON file beside the vault (`<vault>.settings.json`), read by the app and the command
//! line alike; a damaged or missing file means defaults, and nothing here can lose vault data.
//!
//! Older versions kept the language in a separate `<settings>.lang` file: it is read once when
//! the JSON has no `language` yet, and removed after the next successful save.

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

/// The user's language choice (the order of the settings menu). Stored as its
/// [`Language::id`]; an unknown identifier reads as [`Language::System`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum Language {
    /// Follow the system locale.
    #[default]
    #[serde(rename = "system")]
    System,
    #[serde(rename = "en")]
    English,
    #[serde(rename = "ja")]
    Japanese,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::System, Language::English, Language::Japanese];

    pub fn from_index(i: i32) -> Language {
        usize::try_from(i)
            .ok()
            .and_then(|i| Self::ALL.get(i).copied())
            .unwrap_or_default()
    }

    pub fn index(self) -> i32 {
        Self::ALL.iter().position(|&l| l == self).unwrap_or(0) as i32
    }

    /// The identifier stored in the file (`system`, `en`, `ja`).
    pub fn id(self) -> &'static str {
        match self {
            Language::System => "system",
            Language::English => "en",
            Language::Japanese => "ja",
        }
    }

    /// Reads an identifier; anything unknown follows the system.
    pub fn from_id(s: &str) -> Language {
        match s.trim() {
            "en" => Language::English,
            "ja" => Language::Japanese,
            _ => Language::System,
        }
    }

    /// The bundled translation to select: `"ja"` or `""` (the English source strings).
    pub fn bundle(self, system_locale: Option<&str>) -> &'static str {
        match self {
            Language::English => "",
            Language::Japanese => "ja",
            Language::System => match system_locale {
                Some(l) if l.to_ascii_lowercase().starts_with("ja") => "ja",
                _ => "",
            },
        }
    }
}

impl<'de> Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Language::from_id(&String::deserialize(d)?))
    }
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
    /// The interface language.
    pub language: Language,
    /// The account list's order and reveal-on-tap: the `list` section.
    pub list: crate::arrange::ListSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            auto_lock_secs: 60,
            clipboard_clear_secs: 30,
            theme: ThemeChoice::System,
            show_next_code: true,
            keypad: false,
            language: Language::System,
            list: crate::arrange::ListSettings::default(),
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

    /// The file where older versions kept the language of the settings at `path`.
    pub fn legacy_language_path(path: &Path) -> PathBuf {
        let mut s = path.as_os_str().to_owned();
        s.push(".lang");
        PathBuf::from(s)
    }

    /// Reads settings; a missing or unreadable file gives the defaults. Without a stored
    /// language, the one of an older version's `<settings>.lang` is taken over.
    pub fn load(path: &Path) -> Settings {
        let value: Option<serde_json::Value> = std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let has_language = value.as_ref().is_some_and(|v| v.get("language").is_some());
        let mut settings: Settings = value
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        if !has_language && let Ok(old) = std::fs::read_to_string(Self::legacy_language_path(path))
        {
            settings.language = Language::from_id(&old);
        }
        settings
    }

    /// Writes settings through [`crate::secure_file`] (a temporary file renamed into place).
    /// The file is shared with the core's sections (automatic backups, reminders): keys this
    /// struct does not know are kept as they are, so saving a preference never turns
    /// automatic backups off.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let err = |source| Error::Write {
            path: path.to_owned(),
            source,
        };
        let mut all = read_object(path);
        if let serde_json::Value::Object(mine) =
            serde_json::to_value(self).expect("plain struct serializes")
        {
            all.extend(mine);
        }
        write_object(path, all).map_err(err)?;
        // The language now lives in this file; an older version's separate file is obsolete.
        let _ = std::fs::remove_file(Self::legacy_language_path(path));
        Ok(())
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

/// One named section of the settings file of the vault at `vault` (automatic backups,
/// reminders); missing or damaged gives the defaults.
pub fn load_section<T: serde::de::DeserializeOwned + Default>(vault: &Path, name: &str) -> T {
    read_object(&Settings::path_for(vault))
        .remove(name)
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

/// Replaces one named section of the settings file of the vault at `vault`, keeping the
/// others.
pub fn save_section<T: Serialize>(vault: &Path, name: &str, value: &T) -> std::io::Result<()> {
    let path = Settings::path_for(vault);
    let mut all = read_object(&path);
    all.insert(
        name.to_owned(),
        serde_json::to_value(value).expect("plain struct serializes"),
    );
    write_object(&path, all)
}

/// The settings file as a JSON object; missing, damaged or not an object gives an empty one.
fn read_object(path: &Path) -> serde_json::Map<String, serde_json::Value> {
    match std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
    {
        Some(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    }
}

fn write_object(
    path: &Path,
    all: serde_json::Map<String, serde_json::Value>,
) -> std::io::Result<()> {
    let json =
        serde_json::to_vec_pretty(&serde_json::Value::Object(all)).expect("JSON value serializes");
    crate::secure_file::write(path, &json, crate::secure_file::Overwrite::Replace)
        .map_err(|e| std::io::Error::other(e.to_string()))
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
    fn language_is_stored_in_the_settings_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v.monban.settings.json");
        let s = Settings {
            language: Language::Japanese,
            ..Settings::default()
        };
        s.save(&p).unwrap();
        let json = std::fs::read_to_string(&p).unwrap();
        assert!(json.contains(r#""language": "ja""#), "{json}");
        assert_eq!(Settings::load(&p).language, Language::Japanese);
        std::fs::write(&p, br#"{"language": "klingon", "auto_lock_secs": 300}"#).unwrap();
        let s = Settings::load(&p);
        assert_eq!((s.language, s.auto_lock_secs), (Language::System, 300));
    }

    #[test]
    fn an_older_language_file_is_taken_over_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v.monban.settings.json");
        let legacy = Settings::legacy_language_path(&p);
        assert!(
            legacy
                .to_string_lossy()
                .ends_with("v.monban.settings.json.lang")
        );
        std::fs::write(&p, br#"{"auto_lock_secs": 300}"#).unwrap();
        std::fs::write(&legacy, "ja").unwrap();
        let s = Settings::load(&p);
        assert_eq!((s.language, s.auto_lock_secs), (Language::Japanese, 300));
        s.save(&p).unwrap();
        assert!(!legacy.exists(), "the old file is removed once saved");
        assert_eq!(Settings::load(&p).language, Language::Japanese);
        // A stored language wins over a stray old file.
        std::fs::write(&legacy, "en").unwrap();
        assert_eq!(Settings::load(&p).language, Language::Japanese);
    }

    #[test]
    fn language_choice_maps_to_bundle() {
        assert_eq!(Language::Japanese.bundle(Some("en-US")), "ja");
        assert_eq!(Language::English.bundle(Some("ja-JP")), "");
        assert_eq!(Language::System.bundle(Some("ja-JP")), "ja");
        assert_eq!(Language::System.bundle(Some("ja")), "ja");
        assert_eq!(Language::System.bundle(Some("de-DE")), "");
        assert_eq!(Language::System.bundle(None), "");
        for l in Language::ALL {
            assert_eq!(Language::from_index(l.index()), l);
            assert_eq!(Language::from_id(l.id()), l);
        }
        assert_eq!(Language::from_index(99), Language::System);
        assert_eq!(Language::from_index(-1), Language::System);
    }

    #[test]
    fn saving_keeps_the_sections_it_does_not_know() {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("v.monban");
        let p = Settings::path_for(&vault);
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
        save_section(&vault, "backup", &serde_json::json!({"enabled": false})).unwrap();
        let back: serde_json::Value = load_section(&vault, "backup");
        assert_eq!(back["enabled"], serde_json::json!(false));
        assert_eq!(Settings::load(&p).theme, ThemeChoice::Dark);
    }
}
