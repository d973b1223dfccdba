//! Each cause of a failed automatic backup — folder gone, permission lost, read-only, disk
//! full — through the built binary: the change is saved and the command succeeds, stderr holds
//! exactly one warning line naming the cause, `backup status --json` reports it and the change
//! as pending; once the cause is gone the next change backs up again and clears the error.
//!
//! Read-only and disk full mount a tmpfs (root); permission lost as root runs the commands as
//! the unprivileged user 65534 (root ignores file modes). Under `CI=true` a machine that
//! cannot do this fails instead of skipping.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{backups, cmd, ok, status};
#[cfg(target_os = "linux")]
use crate::common::Tmpfs;
use crate::common::run;

const GITHUB: &str = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const MAIL: &str = "otpauth://totp/Mail:carol?secret=KRSXG5CTMVRXEZLU&issuer=Mail";

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn cannot(what: &str) {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{what}: run the tests as root (mount, setpriv from util-linux)");
    }
    eprintln!("backup failure test SKIPPED: {what} (needs root)");
}

/// Commands on `vault`, run as `uid` when given.
struct Runner {
    vault: PathBuf,
    uid: Option<u32>,
}

impl Runner {
    fn cmd(&self) -> Command {
        let c = cmd(&self.vault);
        let Some(uid) = self.uid else { return c };
        let mut w = Command::new("setpriv");
        w.args([
            format!("--reuid={uid}"),
            format!("--regid={uid}"),
            "--clear-groups".into(),
            "--".into(),
        ])
        .arg(c.get_program())
        .args(c.get_args());
        for (k, v) in c.get_envs() {
            match v {
                Some(v) => w.env(k, v),
                None => w.env_remove(k),
            };
        }
        w
    }
}

/// Vault with one account and automatic backups into `dir` (one backup there).
fn set_up(tmp: &Path, dir: &Path, uid: Option<u32>) -> Runner {
    let r = Runner {
        vault: tmp.join("monban.vault"),
        uid,
    };
    ok(r.cmd(), &["init"]);
    ok(r.cmd(), &["add", GITHUB]);
    ok(r.cmd(), &["backup", "auto", "--dir", dir.to_str().unwrap()]);
    assert_eq!(backups(dir).len(), 1);
    r
}

/// A change while the cause holds: saved, one warning line with `cause`, reported in status.
fn change_with_failed_backup(r: &Runner, cause: &str) {
    let last_ok = status(r.cmd())["last_ok"].clone();
    let mut c = r.cmd();
    c.args(["add", MAIL]);
    let (success, out, err) = run(c);
    assert!(success, "the change must succeed: {err}");
    assert!(out.contains("added Mail"), "{out}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one warning line: {err}");
    assert!(
        lines[0].starts_with("monban: warning:") && lines[0].contains(cause),
        "{err}"
    );
    let s = status(r.cmd());
    assert!(s["last_error"].as_str().unwrap().contains(cause), "{s}");
    assert_eq!(s["pending_changes"], true);
    assert_eq!(
        s["last_ok"], last_ok,
        "the last good backup is still reported"
    );
    let (list, _) = ok(r.cmd(), &["list", "--json"]);
    assert!(list.contains("\"Mail\""), "the change is in the vault");
}

/// After the cause is gone: the next change backs up and clears the error.
fn recovers(r: &Runner, dir: &Path) {
    let before = backups(dir).len();
    let (_, err) = ok(r.cmd(), &["rename", "Mail", "carol2"]);
    assert!(err.is_empty(), "{err}");
    assert_eq!(backups(dir).len(), before + 1);
    let s = status(r.cmd());
    assert!(s["last_error"].is_null(), "{s}");
    assert_eq!(s["pending_changes"], false);
}

#[test]
fn folder_gone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("usb-stick");
    let r = set_up(tmp.path(), &dir, None);
    std::fs::remove_dir_all(&dir).unwrap();
    change_with_failed_backup(&r, "is gone");
    assert!(!dir.exists(), "a vanished folder is not re-created");
    std::fs::create_dir(&dir).unwrap();
    recovers(&r, &dir);
}

#[cfg(unix)]
#[test]
fn permission_lost() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let uid = if is_root() {
        if !crate::common::have("setpriv") {
            return cannot("setpriv is missing (install util-linux)");
        }
        // root ignores modes: the commands run as an unprivileged user on files it owns
        let s = Command::new("chown")
            .args(["-R", "65534:65534"])
            .arg(tmp.path())
            .status()
            .unwrap();
        assert!(s.success());
        Some(65534)
    } else {
        None
    };
    let dir = tmp.path().join("backups");
    let r = set_up(tmp.path(), &dir, uid);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o500)).unwrap();
    change_with_failed_backup(&r, "may not write");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    recovers(&r, &dir);
}

#[cfg(target_os = "linux")]
#[test]
fn read_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ro");
    let Some(m) = Tmpfs::mount(&dir, "1m") else {
        return cannot("cannot mount a tmpfs");
    };
    let r = set_up(tmp.path(), &dir, None);
    m.remount("ro");
    change_with_failed_backup(&r, "read-only");
    m.remount("rw");
    recovers(&r, &dir);
}

#[cfg(target_os = "linux")]
#[test]
fn disk_full() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("full");
    let Some(m) = Tmpfs::mount(&dir, "64k") else {
        return cannot("cannot mount a tmpfs");
    };
    let r = set_up(tmp.path(), &dir, None);
    let filler = m.fill();
    change_with_failed_backup(&r, "is full");
    let temps = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".part-")
        })
        .count();
    assert_eq!(temps, 0, "no temporary file left on the full disk");
    assert_eq!(backups(&dir).len(), 1, "the older backup is kept");
    std::fs::remove_file(&filler).unwrap();
    recovers(&r, &dir);
}
