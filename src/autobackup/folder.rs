//! The backup folder: file names, listing, and pruning, over any [`Folder`] (a path or an
//! Android document tree, [`open`]).
//!
//! Automatic backups are named `monban-auto-<tag>-<UTC YYYYMMDDTHHMMSSZ>-g<generation>.monban-backup`
//! where `<tag>` (8 hex digits) tells the vaults sharing one folder apart (a synced folder used
//! by a phone and a desktop), so that pruning never touches another vault's files, nor
//! anything else in the folder. Names sort oldest first. Temporary files of an interrupted
//! write are `.<name>.part-<random>` in every kind of folder, and the next backup removes them.

use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::config::Location;
use super::dir::Dir;
use super::store::{self, Folder};

/// Start of every automatic backup's file name.
pub const PREFIX: &str = "monban-auto-";
/// Temporary files are `.<name>.part-<random>` ([`store::temp_name`]).
const TEMP_PREFIX: &str = ".monban-auto-";

fn suffix() -> String {
    format!(".{}", crate::transfer::backup::EXTENSION)
}

/// The folder at `location`.
pub fn open(location: &Location) -> io::Result<Box<dyn Folder>> {
    match location {
        Location::Dir(p) => Ok(Box::new(Dir::new(p))),
        Location::Tree(uri) => store::open_tree(uri),
    }
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

/// When the backup `name` was written (from its name), for one that does not open.
pub fn time_of(name: &str) -> Option<u64> {
    tag_of(name)?;
    let stamp = name.get(PREFIX.len() + 9..PREFIX.len() + 9 + 16)?;
    chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ")
        .ok()
        .and_then(|t| u64::try_from(t.and_utc().timestamp()).ok())
}

/// The names of the automatic backups in `folder` (of the vault with `tag`, or of any
/// vault), oldest first.
pub fn names(folder: &dyn Folder, tag: Option<&str>) -> io::Result<Vec<String>> {
    let mut found: Vec<String> = folder
        .names()?
        .into_iter()
        .filter(|n| tag_of(n).is_some_and(|t| tag.is_none_or(|want| want == t)))
        .collect();
    found.sort();
    Ok(found)
}

/// The automatic backups in the folder at the path `dir`, oldest first.
pub fn list(dir: &Path, tag: Option<&str>) -> io::Result<Vec<PathBuf>> {
    Ok(names(&Dir::new(dir), tag)?
        .into_iter()
        .map(|n| dir.join(n))
        .collect())
}

/// Removes temporary files left by backups that were interrupted (killed mid-write), among
/// the folder's `names`.
pub fn remove_stale_temps(folder: &dyn Folder, names: &[String]) {
    for name in names {
        if name.starts_with(TEMP_PREFIX) && name.contains(store::TEMP_MARK) {
            let _ = folder.remove(name);
        }
    }
}

/// Removes the oldest backups of `tag` beyond the newest `keep`, never `newest` itself.
/// Returns how many were removed.
pub fn prune(folder: &dyn Folder, tag: &str, keep: usize, newest: &str) -> io::Result<usize> {
    let files = names(folder, Some(tag))?;
    let excess = files.len().saturating_sub(keep.max(1));
    let mut removed = 0;
    for f in files.iter().filter(|f| *f != newest).take(excess) {
        folder.remove(f)?;
        removed += 1;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use std::fs;

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
    fn the_time_comes_back_from_the_name() {
        let name = file_name(&vault_tag(1), 1_764_581_520, 9);
        assert_eq!(time_of(&name), Some(1_764_581_520));
        assert_eq!(time_of("notes.txt"), None);
    }

    #[test]
    fn prune_keeps_the_newest_and_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let folder = Dir::new(d);
        let mine = vault_tag(1);
        let theirs = vault_tag(2);
        let mut newest = String::new();
        for g in 1..=6u64 {
            newest = file_name(&mine, 1000 + g, g);
            folder.write(&newest, b"x").unwrap();
        }
        folder.write(&file_name(&theirs, 1000, 1), b"y").unwrap();
        fs::write(d.join("mine.monban-backup"), b"manual").unwrap();
        fs::write(
            d.join(".monban-auto-x.monban-backup.part-0011223344556677"),
            b"killed",
        )
        .unwrap();
        assert_eq!(prune(&folder, &mine, 3, &newest).unwrap(), 3);
        remove_stale_temps(&folder, &folder.names().unwrap());
        let left = list(d, Some(&mine)).unwrap();
        assert_eq!(left.len(), 3);
        assert_eq!(left.last().unwrap(), &d.join(&newest));
        assert_eq!(list(d, None).unwrap().len(), 4);
        assert!(d.join("mine.monban-backup").exists());
        assert_eq!(fs::read_dir(d).unwrap().count(), 5, "the temp file is gone");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(d.join(&newest)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
