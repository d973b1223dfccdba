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

/// The built `monban` binary, with no inherited MONBAN_* variables. New passcodes get the
/// shortest KDF calibration (`MONBAN_KDF_MS`), which still never goes below 64 MiB × 3.
pub fn monban() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_monban"));
    for (k, _) in std::env::vars() {
        if k.starts_with("MONBAN_") {
            c.env_remove(k);
        }
    }
    c.env("MONBAN_KDF_MS", "100");
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

/// The driver of the real binary under Xvfb (also used by `benches/ui.rs`); its `have` is
/// the one PATH check of the tests.
#[path = "ui/xvfb_driver.rs"]
pub mod xvfb_driver;
pub use xvfb_driver::have;

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

/// A fixed pseudo-random sequence (xorshift64) for the kill -9 harnesses: a failure repeats.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// What one killed child printed, and the numbers it reported after `marker` ("saved 7").
pub struct Killed {
    pub out: String,
    pub reported: Vec<u64>,
}

/// Runs the test `child_test` of this test binary as a child process with `env` set, and
/// kills it with SIGKILL. Seven kills in eight land after the child printed `marker` (its loop
/// runs: the kill comes `delay(true)` later), one in eight at a moment of its start-up
/// (`delay(false)` after the start). Panics when the child ended by itself, or, when it was
/// killed in its loop, when it reported nothing.
#[cfg(unix)]
pub fn kill_child(
    child_test: &str,
    env: (&str, &std::path::Path),
    marker: &str,
    kill: usize,
    delay: impl FnOnce(bool) -> std::time::Duration,
) -> Killed {
    use std::io::{BufRead, BufReader, Read};
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            child_test,
            "--nocapture",
            "--test-threads=1",
            "-q",
        ])
        .env(env.0, env.1)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut out = String::new();
    let in_loop = kill % 8 != 7;
    if in_loop {
        // (the test harness prints its own lines first)
        while !out.contains(marker) && stdout.read_line(&mut out).unwrap() > 0 {}
    }
    std::thread::sleep(delay(in_loop));
    if let Some(status) = child.try_wait().unwrap() {
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        panic!("kill {kill}: the child stopped by itself ({status}): {out}{err}");
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    stdout.read_to_string(&mut out).unwrap();
    let reported: Vec<u64> = out
        .lines()
        .filter_map(|l| l.strip_prefix(marker))
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    assert!(
        !in_loop || !reported.is_empty(),
        "kill {kill}: the child reported nothing ({marker:?}): {out}"
    );
    Killed { out, reported }
}

/// Passcode of the light test vaults made through the library (the strength floor is for
/// vaults made through the CLI and the app, whose tests use strong passphrases).
pub const PASS: &str = "246810";
/// Fixed "now" for vault operations.
pub const NOW: u64 = 1_700_000_000;

/// A light-KDF vault holding `accounts`, added one by one, closed, at `dir/name`.
pub fn light_vault_of(
    dir: &std::path::Path,
    name: &str,
    accounts: Vec<monban::Account>,
) -> PathBuf {
    use monban::vault::{KdfParams, OpenOptions, Vault};
    let path = dir.join(name);
    let mut v = Vault::create_with(
        &path,
        PASS,
        KdfParams::TEST_LIGHT,
        NOW,
        &OpenOptions::light_for_tests(),
    )
    .expect("create a light vault");
    // One save per account, as a user adds them: the previous save (`.bak`) holds all but
    // the last (the damage tests rely on it).
    for account in accounts {
        v.add(account, NOW).expect("add an account");
    }
    path
}
