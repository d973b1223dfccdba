//! What the user chose for automatic backups: on or off, the folder ([`Location`]: a path, or
//! an Android document tree), how many to keep. Not secret (the key is inside the vault).
//! Kept as the `backup` section of Monban's settings file beside the vault
//! (`<vault>.settings.json`); the other sections are left as they are.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

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
    /// The folder they go to (an absolute path, or a `content://` document tree).
    pub dir: Option<Location>,
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
    pub fn active(&self) -> Option<&Location> {
        self.dir.as_ref().filter(|_| self.enabled)
    }

    /// `keep` within 1..=[`MAX_KEEP`].
    pub fn keep(&self) -> usize {
        self.keep.clamp(1, MAX_KEEP) as usize
    }
}

/// Where automatic backups go. Kept in the settings as one string: the path, or the tree's
/// `content://` URI (no absolute path starts with a scheme).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A folder of the file system (absolute).
    Dir(PathBuf),
    /// An Android Storage Access Framework document tree (`content://…/tree/…`) the user
    /// picked, with a persisted read and write permission.
    Tree(String),
}

const TREE_SCHEME: &str = "content://";

impl Location {
    /// A stored or typed folder: a `content://` URI is a document tree, anything else a path.
    pub fn parse(text: &str) -> Location {
        if text.starts_with(TREE_SCHEME) {
            Location::Tree(text.to_owned())
        } else {
            Location::Dir(PathBuf::from(text))
        }
    }

    /// The path, for a folder of the file system.
    pub fn as_dir(&self) -> Option<&Path> {
        match self {
            Location::Dir(p) => Some(p),
            Location::Tree(_) => None,
        }
    }

    /// How the file `name` in this folder is named in messages and the status.
    pub fn shown(&self, name: &str) -> String {
        match self {
            Location::Dir(p) => p.join(name).display().to_string(),
            Location::Tree(_) => format!("{self}/{name}"),
        }
    }
}

impl From<PathBuf> for Location {
    fn from(p: PathBuf) -> Location {
        Location::Dir(p)
    }
}

/// A path as it is; a document tree as the user knows it: the folder's place on its volume
/// (`…/tree/primary%3ADocuments%2FMonban` → `Documents/Monban`), else the decoded id.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Dir(p) => write!(f, "{}", p.display()),
            Location::Tree(uri) => {
                let id = uri.rsplit_once("/tree/").map_or(uri.as_str(), |(_, id)| id);
                let id = percent_decode(id.split('/').next().unwrap_or(id));
                let place = id.split_once(':').map_or(id.as_str(), |(_, p)| p);
                if place.is_empty() {
                    write!(f, "{id}")
                } else {
                    write!(f, "{place}")
                }
            }
        }
    }
}

/// `%3A` → `:` (invalid escapes are kept as they are).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (b[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Serialize for Location {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Location::Dir(p) => p.serialize(s),
            Location::Tree(uri) => s.serialize_str(uri),
        }
    }
}

impl<'de> Deserialize<'de> for Location {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Location, D::Error> {
        Ok(Location::parse(&String::deserialize(d)?))
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
            dir: Some(dir.path().join("b").into()),
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
            .active(),
            None
        );
    }

    #[test]
    fn a_document_tree_is_kept_as_its_uri_and_shown_as_its_place() {
        let uri =
            "content://com.android.externalstorage.documents/tree/primary%3ADocuments%2FMonban";
        let tree = Location::parse(uri);
        assert_eq!(tree, Location::Tree(uri.into()));
        assert_eq!(tree.to_string(), "Documents/Monban");
        assert_eq!(tree.as_dir(), None);
        assert_eq!(
            tree.shown("monban-auto-x.monban-backup"),
            "Documents/Monban/monban-auto-x.monban-backup"
        );
        let opaque = Location::parse("content://com.google.android.apps.docs.storage/tree/acc%3D1");
        assert_eq!(opaque.to_string(), "acc=1");
        assert_eq!(
            Location::parse("content://x/tree/bad%zz").to_string(),
            "bad%zz"
        );
        let path = Location::parse("/home/me/Sync");
        assert_eq!(path.as_dir(), Some(Path::new("/home/me/Sync")));
        assert_eq!(path.shown("f"), "/home/me/Sync/f");
        for l in [tree, path] {
            let json = serde_json::to_string(&l).unwrap();
            assert_eq!(serde_json::from_str::<Location>(&json).unwrap(), l);
        }
        assert_eq!(
            serde_json::to_string(&Location::parse(uri)).unwrap(),
            format!("\"{uri}\"")
        );
    }
}
