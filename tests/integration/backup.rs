//! Automatic backups from the outside: every vault-changing command leaves a verified backup,
//! only the newest N are kept, a restore gives back every field, each failure cause (folder
//! gone, permission lost, read-only, disk full) leaves the change saved with one warning line,
//! and kill -9 during backups loses nothing.

mod cli;
mod crash;
mod failures;

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{monban, run};

/// Strong passphrases, as a user of the command line would choose.
pub const PASS: &str = "correct horse battery staple 7";
pub const NEW_PASS: &str = "violet harbour compass 19 slowly";
pub const BACKUP_PW: &str = "tulip lantern orbit 42 quietly";

/// `monban` on `vault` with the passcode and backup password in the environment.
pub fn cmd(vault: &Path) -> Command {
    let mut c = monban();
    c.env("MONBAN_VAULT", vault)
        .env("MONBAN_PASSCODE", PASS)
        .env("MONBAN_BACKUP_PASSWORD", BACKUP_PW);
    c
}

/// Runs `c args`, which must succeed; returns (stdout, stderr).
pub fn ok(mut c: Command, args: &[&str]) -> (String, String) {
    c.args(args);
    let (success, out, err) = run(c);
    assert!(success, "monban {args:?} failed: {err}{out}");
    (out, err)
}

/// `backup status --json`.
pub fn status(c: Command) -> serde_json::Value {
    let (out, _) = ok(c, &["backup", "status", "--json"]);
    assert_eq!(out.trim().lines().count(), 1, "one JSON object: {out}");
    serde_json::from_str(out.trim()).unwrap()
}

/// The automatic backups in `dir`, oldest first.
pub fn backups(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.starts_with("monban-auto-") && n.ends_with(".monban-backup")
        })
        .collect();
    v.sort();
    v
}

/// A new vault made through the command line.
pub fn init(dir: &Path) -> PathBuf {
    let v = dir.join("monban.vault");
    ok(cmd(&v), &["init"]);
    v
}

/// `list --json` without the fields that depend on the time.
pub fn listing(c: Command) -> serde_json::Value {
    let (out, _) = ok(c, &["list", "--json"]);
    let mut v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for row in v.as_array_mut().unwrap() {
        let o = row.as_object_mut().unwrap();
        o.remove("code");
        o.remove("seconds_left");
    }
    v
}
