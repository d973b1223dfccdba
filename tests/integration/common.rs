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

/// True when the tests run in CI (`CI` set to anything but empty, `0` or `false`; CI sets
/// `CI=true`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// Whether a test that needs `what` (a tool, a data set, a privilege) goes on. When it is
/// missing: under CI the test fails, naming what to install; elsewhere it prints a `SKIPPED`
/// note and the caller returns. No test passes in CI by skipping.
#[track_caller]
pub fn require(available: bool, what: &str, install: &str) -> bool {
    if available {
        return true;
    }
    let at = std::panic::Location::caller();
    assert!(
        !in_ci(),
        "{what} is missing, and under CI=true no test may skip: {install}"
    );
    eprintln!(
        "SKIPPED ({}:{}): {what} is missing ({install}); under CI=true this fails",
        at.file(),
        at.line()
    );
    false
}

/// [`require`] for a program on PATH, e.g. `require_tool("zbarimg", "apt-get install zbar-tools")`.
#[track_caller]
pub fn require_tool(program: &str, install: &str) -> bool {
    require(have(program), &format!("`{program}`"), install)
}

/// [`require`] for Python 3 with Google's protobuf runtime.
#[track_caller]
pub fn require_python_protobuf() -> bool {
    require_tool("python3", "apt-get install python3")
        && require(
            Command::new("python3")
                .args(["-c", "import google.protobuf"])
                .status()
                .is_ok_and(|s| s.success()),
            "Python's `google.protobuf` module",
            "pip install protobuf (./scripts/test.sh does)",
        )
}
