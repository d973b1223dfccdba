//! The one way Monban writes a file that holds secrets outside the vault: exports, backups,
//! paper pages, QR images. Shared by the command line, the app and automatic backups.
//!
//! - The content goes to a fresh temporary file in the target's folder (created exclusively,
//!   mode 0600 on Unix), is flushed to disk, and only then appears under its name: a crash or
//!   an error never leaves a half-written file under the chosen name, and the temporary file is
//!   removed on every error path (no plaintext left behind).
//! - [`Overwrite::Refuse`] (the default for every caller that did not ask the user) publishes
//!   with a hard link, which the OS refuses atomically when the name is taken; where the file
//!   system has no hard links, an exclusive create is used instead. [`Overwrite::Replace`]
//!   renames over the old file: callers pass it only after the user said yes (the app's
//!   "Replace?" question, the CLI's `--overwrite`).
//! - Folders Monban creates are 0700 ([`create_private_dir`]); existing folders are left as
//!   they are (they belong to the user).
//! - [`with_extension`] gives the name the content's type calls for, so a PDF never ends up
//!   in a `.png` file.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

/// Whether an existing file under the chosen name may be replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Overwrite {
    /// Fail with [`Error::AlreadyExists`] (nothing is written).
    #[default]
    Refuse,
    /// Replace it atomically (the user agreed).
    Replace,
}

/// Why a file could not be written. Nothing is left under the chosen name when these occur,
/// and an existing file there is untouched.
#[derive(Debug, Error)]
pub enum Error {
    /// No file name was chosen.
    #[error("choose where to save the file")]
    NoPath,
    /// The name is taken and replacing was not allowed.
    #[error("{} already exists: choose another name or allow replacing it", path.display())]
    AlreadyExists { path: PathBuf },
    /// A file stands where a folder is needed.
    #[error("{} is a file, not a folder: choose a folder", path.display())]
    NotAFolder { path: PathBuf },
    /// The disk or quota is full.
    #[error("the disk is full: {} was not written; free some space and retry", path.display())]
    DiskFull { path: PathBuf },
    /// Any other file-system failure.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

impl Error {
    fn io(action: &'static str, path: &Path, source: io::Error) -> Error {
        if matches!(
            source.kind(),
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
        ) {
            return Error::DiskFull {
                path: path.to_path_buf(),
            };
        }
        Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Options creating a file readable by its owner only (0600 on Unix).
pub(crate) fn private_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

/// Creates `dir` and any missing parents with mode 0700 (Unix); an existing folder is left
/// as it is. A file in the way is [`Error::NotAFolder`].
pub fn create_private_dir(dir: &Path) -> Result<(), Error> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if dir.exists() {
        return Err(Error::NotAFolder {
            path: dir.to_path_buf(),
        });
    }
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
        .map_err(|e| Error::io("create the folder", dir, e))
}

/// `path` with the extension `ext` (no dot): unchanged when it already ends in `.ext`
/// (any case), else `.ext` appended (`backup` → `backup.monban-backup`, `page.png` →
/// `page.png.pdf` for a PDF).
pub fn with_extension(path: &Path, ext: &str) -> PathBuf {
    let has = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext));
    if has || ext.is_empty() {
        return path.to_path_buf();
    }
    let mut s: OsString = path.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn temp_name(path: &Path) -> Result<PathBuf, Error> {
    let mut rand = [0u8; 8];
    getrandom::fill(&mut rand).map_err(|_| {
        Error::io(
            "pick a temporary name beside",
            path,
            io::Error::other("the system random generator failed"),
        )
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(folder_of(path).join(format!(
        ".{name}.part-{}",
        data_encoding::HEXLOWER.encode(&rand)
    )))
}

/// Writes `bytes` to `path` as described in the module docs: mode 0600, complete or absent,
/// no temporary file left after an error. Missing parent folders are created 0700.
pub fn write(path: &Path, bytes: &[u8], overwrite: Overwrite) -> Result<(), Error> {
    if path.as_os_str().is_empty() || path.file_name().is_none() {
        return Err(Error::NoPath);
    }
    let folder = folder_of(path);
    create_private_dir(&folder)?;
    if overwrite == Overwrite::Refuse && fs::symlink_metadata(path).is_ok() {
        return Err(Error::AlreadyExists {
            path: path.to_path_buf(),
        });
    }
    let tmp = temp_name(path)?;
    let result = (|| {
        let mut f = private_options()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| Error::io("create a temporary file in", &folder, e))?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .map_err(|e| Error::io("write", &tmp, e))?;
        drop(f);
        publish(&tmp, path, bytes, overwrite)?;
        #[cfg(unix)]
        File::open(&folder)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io("flush the folder", &folder, e))?;
        Ok(())
    })();
    // Success (hard link) or failure: the temporary name never stays.
    let _ = fs::remove_file(&tmp);
    result
}

/// Makes the written temporary file appear under `path`.
fn publish(tmp: &Path, path: &Path, bytes: &[u8], overwrite: Overwrite) -> Result<(), Error> {
    if overwrite == Overwrite::Replace {
        return fs::rename(tmp, path).map_err(|e| Error::io("save", path, e));
    }
    match fs::hard_link(tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(Error::AlreadyExists {
            path: path.to_path_buf(),
        }),
        // No hard links on this file system (FAT, some network and phone storage): an
        // exclusive create, removed again if the write fails.
        Err(_) => {
            let mut f = private_options()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| match e.kind() {
                    io::ErrorKind::AlreadyExists => Error::AlreadyExists {
                        path: path.to_path_buf(),
                    },
                    _ => Error::io("create", path, e),
                })?;
            let written = f.write_all(bytes).and_then(|()| f.sync_all());
            if let Err(e) = written {
                drop(f);
                let _ = fs::remove_file(path);
                return Err(Error::io("write", path, e));
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_owner_only_files_in_owner_only_new_folders() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("new/deeper/out.monban-backup");
        write(&p, b"secret", Overwrite::Refuse).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"secret");
        #[cfg(unix)]
        {
            assert_eq!(mode(&p), 0o600);
            assert_eq!(mode(&d.path().join("new")), 0o700);
            assert_eq!(mode(&d.path().join("new/deeper")), 0o700);
        }
        assert_eq!(names(&d.path().join("new/deeper")), ["out.monban-backup"]);
    }

    #[test]
    fn refuses_to_overwrite_unless_told() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.pdf");
        fs::write(&p, b"old").unwrap();
        let e = write(&p, b"new", Overwrite::Refuse).unwrap_err();
        assert!(matches!(e, Error::AlreadyExists { .. }), "{e}");
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(names(d.path()), ["a.pdf"], "no temporary file left");
        write(&p, b"new", Overwrite::Replace).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        #[cfg(unix)]
        assert_eq!(mode(&p), 0o600);
        assert_eq!(names(d.path()), ["a.pdf"]);
    }

    #[test]
    fn a_dangling_symlink_is_not_followed() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("link.png");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(d.path().join("elsewhere"), &p).unwrap();
            assert!(matches!(
                write(&p, b"x", Overwrite::Refuse),
                Err(Error::AlreadyExists { .. })
            ));
            assert!(!d.path().join("elsewhere").exists());
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_error_leaves_no_plaintext_behind() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        // The target name is a folder: publishing fails after the temporary file was written.
        let p = d.path().join("taken");
        fs::create_dir(&p).unwrap();
        assert!(write(&p, b"secret", Overwrite::Replace).is_err());
        assert_eq!(names(d.path()), ["taken"]);
        // A read-only folder: nothing can be created at all.
        let ro = d.path().join("ro");
        fs::create_dir(&ro).unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o500)).unwrap();
        let r = write(&ro.join("x.pdf"), b"secret", Overwrite::Refuse);
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o700)).unwrap();
        if r.is_ok() {
            // Running as root: permissions do not apply; nothing else to check here.
            return;
        }
        assert!(names(&ro).is_empty());
    }

    #[test]
    fn a_file_where_the_folder_should_be_is_named() {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("f"), b"").unwrap();
        let e = write(&d.path().join("f/x.png"), b"x", Overwrite::Refuse).unwrap_err();
        assert!(matches!(e, Error::NotAFolder { .. }), "{e}");
        assert!(write(Path::new(""), b"x", Overwrite::Refuse).is_err());
    }

    #[test]
    fn extensions_follow_the_content() {
        assert_eq!(
            with_extension(Path::new("/t/paper.png"), "pdf"),
            Path::new("/t/paper.png.pdf")
        );
        assert_eq!(
            with_extension(Path::new("/t/paper.PDF"), "pdf"),
            Path::new("/t/paper.PDF")
        );
        assert_eq!(
            with_extension(Path::new("b"), "monban-backup"),
            Path::new("b.monban-backup")
        );
    }
}
