//! Helpers shared by the integration test modules.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture under tests/fixtures.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// The shared material beside the repository (`../shared`), if present.
pub fn shared_dir() -> Option<PathBuf> {
    let p = root().join("../shared");
    p.is_dir().then_some(p)
}

/// The built `monban` binary, with no inherited MONBAN_* variables.
pub fn monban() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_monban"));
    for (k, _) in std::env::vars() {
        if k.starts_with("MONBAN_") {
            c.env_remove(k);
        }
    }
    c
}

/// Runs a command and returns (status ok, stdout, stderr) as strings.
pub fn run(mut c: Command) -> (bool, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = c.output().expect("spawn");
    (
        status.success(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// True when an external program is on PATH.
pub fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program} >/dev/null 2>&1")])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}
