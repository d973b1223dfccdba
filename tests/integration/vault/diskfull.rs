//! A full disk: saving fails with "the disk is full", the vault on disk and in memory keep the
//! previous version, no temp file is left, and saving works again once there is room. Uses a
//! 256 KiB tmpfs, which needs root (mount); elsewhere the test says so and does nothing, and
//! under CI=true it fails.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use monban::vault::{self, EntryMeta, Error, Icon, OpenOptions, Vault};
use monban::{Account, Secret};

use super::{NOW, PASS, small_vault};
use crate::common::require;

struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn mount_tmpfs(dir: &Path) -> Option<Mount> {
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs"])
        .arg(dir)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then(|| Mount(dir.to_path_buf()))
}

#[cfg(target_os = "linux")]
#[test]
fn full_disk_fails_cleanly_and_keeps_the_old_vault() {
    let dir = tempfile::tempdir().unwrap();
    let mount = mount_tmpfs(dir.path());
    if !require(
        mount.is_some(),
        "a tmpfs mount (`mount -t tmpfs` failed)",
        "run the tests as root, where mount works",
    ) {
        return;
    }
    let path = small_vault(dir.path(), "full.vault");
    let before = fs::read(&path).unwrap();
    let mut v = Vault::open_with(&path, PASS, NOW, &OpenOptions::light_for_tests()).unwrap();
    // Fill the file system.
    let mut filler = fs::File::create(dir.path().join("filler")).unwrap();
    let chunk = vec![0u8; 4096];
    while filler.write_all(&chunk).is_ok() {}
    let _ = filler.sync_all();

    let a = Account::totp("Big", "icon", Secret::new(vec![3; 20]));
    let mut meta = EntryMeta::new_for(&a, NOW);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.resize(vault::MAX_ICON_BYTES, 0x5a);
    meta.icon = Icon::Custom(png);
    let e = v.add_with_meta(a.clone(), meta.clone()).unwrap_err();
    assert!(matches!(e, Error::DiskFull), "{e:?}");
    assert!(
        e.to_string().contains("disk is full") && e.to_string().contains("intact"),
        "{e}"
    );
    assert_eq!(v.entries().len(), 2, "the failed add is undone in memory");
    assert_eq!(
        fs::read(&path).unwrap(),
        before,
        "the vault file is untouched"
    );
    let temps = fs::read_dir(dir.path()).unwrap().filter(|e| {
        e.as_ref()
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".tmp-")
    });
    assert_eq!(temps.count(), 0, "no temp file left on the full disk");
    v.lock();
    let v2 = Vault::open_with(&path, PASS, NOW, &OpenOptions::light_for_tests()).unwrap();
    assert_eq!(v2.entries().len(), 2);
    v2.lock();

    // Room again: the same save succeeds.
    drop(filler);
    fs::remove_file(dir.path().join("filler")).unwrap();
    let mut v = Vault::open_with(&path, PASS, NOW, &OpenOptions::light_for_tests()).unwrap();
    v.add_with_meta(a, meta).unwrap();
    v.lock();
    assert_eq!(
        Vault::open_with(&path, PASS, NOW, &OpenOptions::light_for_tests())
            .unwrap()
            .entries()
            .len(),
        3
    );
}
