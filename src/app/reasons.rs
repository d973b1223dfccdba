//! From core errors to the message catalogue: what a user reads must be a translated `Msg`,
//! never the English text of an OS or library error.

use std::io;
use std::path::Path;

use super::Msg;

/// The message (and its argument: the file's path) for a file that cannot be read.
pub(crate) fn unreadable_file(e: &io::Error, path: &Path) -> (Msg, String) {
    let msg = match e.kind() {
        io::ErrorKind::NotFound => Msg::FileMissing,
        io::ErrorKind::PermissionDenied => Msg::FileDenied,
        io::ErrorKind::IsADirectory => Msg::FileIsFolder,
        _ => Msg::FileUnreadable,
    };
    (msg, path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_become_messages_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.png");
        let e = std::fs::read(&missing).unwrap_err();
        assert_eq!(
            unreadable_file(&e, &missing),
            (Msg::FileMissing, missing.display().to_string())
        );
        let e = std::fs::read(dir.path()).unwrap_err();
        assert_eq!(unreadable_file(&e, dir.path()).0, Msg::FileIsFolder);
        let e = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(unreadable_file(&e, &missing).0, Msg::FileDenied);
        let e = io::Error::other("disk on fire");
        assert_eq!(unreadable_file(&e, &missing).0, Msg::FileUnreadable);
    }
}
