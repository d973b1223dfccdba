//! The backup folder: file names, listing, the crash-safe write of one file and pruning.
//!
//! Automatic backups are named `monban-auto-<tag>-<UTC YYYYMMDDTHHMMSSZ>-g<generation>.monban-backup`
//! where `<tag>` (8 hex digits) tells the vaults sharing one folder apart (a synced folder used
//! by a phone and a desktop), so that pruning never touches another vault's files, nor
//! anything else in the folder. Names sort oldest first.
//!
//! A file is written by [`crate::secure_file`] to `.<name>.part-<random>` (mode 0600, created
//! new), flushed, renamed into place and the folder flushed: a kill at any instant leaves
//! complete backups plus at most a temporary file of encrypted bytes, which the next backup
//! removes.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::secure_file;

/// Start of every automatic backup's file name.
pub const PREFIX: &str = "monban-auto-";
/// Temporary files of [`crate::secure_file`] are `.<name>.part-<random>`.
const TEMP_PREFIX: &str = ".monban-auto-";
const TEMP_MARK: &str = ".part-";

fn suffix() -> String {
    format!(".{}", crate::transfer::backup::EXTENSION)
}

/// The tag of a vault in file names: from its creation time, stable for the vault's life.
pub fn vault_tag(vault_created: u64) -> String {
    let d = Sha256::new()
        .chain_update(b"monban-auto-backup-tag")
        .chain_update(vault_created.to_le_bytes())
        .finalize();
    data_encoding::HEXLOWER.encode(&d[..4])
}

/// The file name of the backup of `generation` written at `now`.
pub fn file_name(tag: &str, now: u64, generation: u64) -> String {
    let t = chrono::DateTime::from_timestamp(now as i64, 0).unwrap_or_default();
    format!(
        "{PREFIX}{tag}-{}-g{generation:010}{}",
        t.format("%Y%m%dT%H%M%SZ"),
        suffix()
    )
}

/// The tag of an automatic backup's file name, or `None` for any other file.
pub fn tag_of(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(PREFIX)?.strip_suffix(suffix().as_str())?;
    let (tag, rest) = rest.split_once('-')?;
    let (stamp, generation) = rest.split_once("-g")?;
    let ok = tag.len() == 8
        && tag.bytes().all(|b| b.is_ascii_hexdigit())
        && stamp.len() == 16
        && generation.len() >= 10
        && generation.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(tag)
}

/// The automatic backups in `dir` (of the vault with `tag`, or of any vault), oldest first.
pub fn list(dir: &Path, tag: Option<&str>) -> io::Result<Vec<PathBuf>> {
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    for e in fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(t) = tag_of(&name) else { continue };
        if tag.is_some_and(|want| want != t) || !e.file_type()?.is_file() {
            continue;
        }
        found.push((name, e.path()));
    }
    found.sort();
    Ok(found.into_iter().map(|(_, p)| p).collect())
}

/// Writes `bytes` to `dir/name` through [`crate::secure_file`] (mode 0600, temporary file
/// flushed then renamed, folder flushed): a crash leaves the old state or the whole new file.
/// Returns the path.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, secure_file::Error> {
    let target = dir.join(name);
    // Replace: a name repeats only for the same vault generation in the same second.
    secure_file::write(&target, bytes, secure_file::Overwrite::Replace)?;
    Ok(target)
}

/// Removes temporary files left by backups that were interrupted (killed mid-write).
pub fn remove_stale_temps(dir: &Path) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(TEMP_PREFIX) && name.contains(TEMP_MARK) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Removes the oldest backups of `tag` beyond the newest `keep`, never `newest` itself.
/// Returns how many were removed.
pub fn prune(dir: &Path, tag: &str, keep: usize, newest: &Path) -> io::Result<usize> {
    let files = list(dir, Some(tag))?;
    let excess = files.len().saturating_sub(keep.max(1));
    let mut removed = 0;
    for f in files.iter().filter(|f| f.as_path() != newest).take(excess) {
        fs::remove_file(f)?;
        removed += 1;
    }
    if removed > 0 {
        sync_dir(dir)?;
    }
    Ok(removed)
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_time_then_generation_and_parse_back() {
        let tag = vault_tag(1_700_000_000);
        assert_eq!(tag.len(), 8);
        assert_ne!(tag, vault_tag(1_700_000_001));
        let a = file_name(&tag, 1_764_581_520, 9);
        assert_eq!(
            a,
            format!("monban-auto-{tag}-20251201T093200Z-g0000000009.monban-backup")
        );
        let b = file_name(&tag, 1_764_581_520, 10);
        let c = file_name(&tag, 1_764_581_521, 2);
        assert!(a < b && b < c);
        assert_eq!(tag_of(&a), Some(tag.as_str()));
        for other in [
            "monban-2025-12-01.monban-backup",
            "monban-auto-zzzzzzzz-20251201T093200Z-g0000000009.monban-backup",
            "monban-auto-12345678-20251201T093200Z-g0000000009.monban-backup.tmp",
            "notes.txt",
        ] {
            assert_eq!(tag_of(other), None, "{other}");
        }
    }

    #[test]
    fn prune_keeps_the_newest_and_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mine = vault_tag(1);
        let theirs = vault_tag(2);
        let mut newest = PathBuf::new();
        for g in 1..=6u64 {
            newest = write_file(d, &file_name(&mine, 1000 + g, g), b"x").unwrap();
        }
        write_file(d, &file_name(&theirs, 1000, 1), b"y").unwrap();
        fs::write(d.join("mine.monban-backup"), b"manual").unwrap();
        fs::write(
            d.join(".monban-auto-x.monban-backup.part-0011223344556677"),
            b"killed",
        )
        .unwrap();
        assert_eq!(prune(d, &mine, 3, &newest).unwrap(), 3);
        remove_stale_temps(d);
        let left = list(d, Some(&mine)).unwrap();
        assert_eq!(left.len(), 3);
        assert_eq!(left.last().unwrap(), &newest);
        assert_eq!(list(d, None).unwrap().len(), 4);
        assert!(d.join("mine.monban-backup").exists());
        assert_eq!(fs::read_dir(d).unwrap().count(), 5, "the temp file is gone");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&newest).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
