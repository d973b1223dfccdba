//! A folder of the file system as a backup [`Folder`].
//!
//! A file is written by [`crate::secure_file`] to `.<name>.part-<random>` (mode 0600, created
//! new), flushed, renamed into place and the folder flushed: a kill at any instant leaves the
//! old state or the whole new file, plus at most a temporary file of encrypted bytes, which
//! the next backup removes ([`super::folder::remove_stale_temps`]).

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use super::store::Folder;
use crate::secure_file;

/// The folder at a path. A folder that is gone is never created again (it could be an empty
/// mount point): every operation fails with `NotFound` instead.
#[derive(Debug, Clone)]
pub struct Dir(PathBuf);

impl Dir {
    pub fn new(path: impl Into<PathBuf>) -> Dir {
        Dir(path.into())
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// `NotFound` / `NotADirectory` unless the folder is there.
    fn check(&self) -> io::Result<()> {
        if fs::metadata(&self.0)?.is_dir() {
            Ok(())
        } else {
            Err(io::Error::from(io::ErrorKind::NotADirectory))
        }
    }

    fn sync(&self) -> io::Result<()> {
        #[cfg(unix)]
        File::open(&self.0)?.sync_all()?;
        Ok(())
    }
}

impl Folder for Dir {
    fn names(&self) -> io::Result<Vec<String>> {
        self.check()?;
        let mut names = Vec::new();
        for e in fs::read_dir(&self.0)? {
            let e = e?;
            if e.file_type()?.is_file() {
                names.push(e.file_name().to_string_lossy().into_owned());
            }
        }
        Ok(names)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        self.check()?;
        // Replace: a name repeats only for the same vault generation in the same second.
        secure_file::write(&self.0.join(name), bytes, secure_file::Overwrite::Replace).map_err(
            |e| match e {
                secure_file::Error::DiskFull { .. } => io::ErrorKind::StorageFull.into(),
                secure_file::Error::NotAFolder { .. } => io::ErrorKind::NotADirectory.into(),
                secure_file::Error::Io { source, .. } => source,
                other => io::Error::other(other.to_string()),
            },
        )
    }

    fn read(&self, name: &str) -> io::Result<Vec<u8>> {
        fs::read(self.0.join(name))
    }

    fn remove(&self, name: &str) -> io::Result<()> {
        fs::remove_file(self.0.join(name))?;
        self.sync()
    }
}
