//! What the service needs of the place automatic backups go: a [`Folder`] lists its files,
//! writes one whole file, reads one back and removes one. Two kinds implement it:
//!
//! - a folder of the file system ([`super::dir::Dir`]: desktop, iOS, a path on Android);
//! - an Android Storage Access Framework document tree (`content://…/tree/…`, a folder the
//!   user picked with a persisted permission), in `platform::android::saf`, registered at
//!   start with [`set_tree_opener`] (this module never names a platform).
//!
//! Errors are `io::Error`s whose kind says what happened, so that the service sorts every
//! kind of folder into the same causes a user can act on: `NotFound` the folder is gone,
//! `NotADirectory` a file stands in its place, `PermissionDenied` the access was lost,
//! `ReadOnlyFilesystem`, `StorageFull`.
//!
//! Only std here: `android/hostcheck` compiles this file with the Android glue.

use std::io;
use std::sync::OnceLock;

/// A folder automatic backups are written into. Names are plain file names (no separators).
pub trait Folder {
    /// The names of the files directly in the folder (not of sub-folders).
    fn names(&self) -> io::Result<Vec<String>>;
    /// Writes the whole file `name`, replacing one of that name. Each kind says how close to
    /// atomic this is; the service never removes an older backup before the new one reads back.
    fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()>;
    /// The bytes of the file `name`.
    fn read(&self, name: &str) -> io::Result<Vec<u8>>;
    /// Removes the file `name`.
    fn remove(&self, name: &str) -> io::Result<()>;
}

/// Marks a temporary file: `.<name>.part-<16 hex digits>`, the name a file is written under
/// before it is renamed into place (as `crate::secure_file` names its own). The next backup
/// removes those an interrupted write left (`folder::remove_stale_temps`).
pub const TEMP_MARK: &str = ".part-";

/// The temporary name of `name` with 64 bits of `random`.
pub fn temp_name(name: &str, random: u64) -> String {
    format!(".{name}{TEMP_MARK}{random:016x}")
}

/// Opens a document tree from its `content://` URI (the platform's [`Folder`]).
pub type TreeOpener = fn(&str) -> io::Result<Box<dyn Folder>>;

static TREE_OPENER: OnceLock<TreeOpener> = OnceLock::new();

/// Called once by the platform that has document trees (Android) before the app starts.
pub fn set_tree_opener(open: TreeOpener) {
    let _ = TREE_OPENER.set(open);
}

/// The document tree at `uri`, through the platform's opener; `Unsupported` where there is
/// none (a settings file carried from a phone to a desktop).
pub fn open_tree(uri: &str) -> io::Result<Box<dyn Folder>> {
    match TREE_OPENER.get() {
        Some(open) => open(uri),
        None => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "this folder was picked on an Android device (content://…) and can only be used there",
        )),
    }
}
