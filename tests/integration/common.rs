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

/// The built `monban` binary, with no inherited MONBAN_* variables and no session bus (so no
/// Secret Service: the tests never touch the keyring of the person running them; the device
/// key tests give it their own, [`Keyring`]). New passcodes get the shortest KDF calibration
/// (`MONBAN_KDF_MS`), which still never goes below 64 MiB × 3.
pub fn monban() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_monban"));
    for (k, _) in std::env::vars() {
        if k.starts_with("MONBAN_") {
            c.env_remove(k);
        }
    }
    c.env("MONBAN_KDF_MS", "100");
    c.env("DBUS_SESSION_BUS_ADDRESS", NO_BUS);
    c
}

/// A session bus address where nothing listens.
pub const NO_BUS: &str = "unix:path=/nonexistent/monban-tests-have-no-session-bus";

/// A private D-Bus session (`dbus-run-session`) with gnome-keyring-daemon's Secret Service in
/// it, its login keyring unlocked and kept in a temporary folder. Dropping it ends the
/// session (and the daemon with it).
pub struct Keyring {
    child: std::process::Child,
    /// `DBUS_SESSION_BUS_ADDRESS` of the session.
    pub address: String,
    _home: tempfile::TempDir,
}

impl Keyring {
    /// Starts one; `None` (skipped outside CI, a failure naming the packages under CI) when
    /// the tools are missing.
    pub fn start() -> Option<Keyring> {
        use std::io::BufRead;
        use std::os::unix::process::CommandExt;
        if !require(
            have("dbus-run-session") && have("gnome-keyring-daemon") && have("secret-tool"),
            "a Secret Service (dbus-run-session, gnome-keyring-daemon, secret-tool)",
            "apt-get install dbus-user-session gnome-keyring libsecret-tools",
        ) {
            return None;
        }
        let home = tempfile::tempdir().unwrap();
        let run = home.path().join("run");
        std::fs::create_dir(&run).unwrap();
        // `--unlock` returns before the daemon owns its bus name: wait for the name, or a
        // second daemon would be started by D-Bus activation, without the unlocked keyring.
        let script = "echo \"$DBUS_SESSION_BUS_ADDRESS\"; \
            printf %s monban-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; \
            for i in $(seq 100); do \
              dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
                org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
                | grep -q 'boolean true' && break; sleep 0.1; \
            done; echo ready; exec sleep 600";
        let mut child = Command::new("dbus-run-session")
            .args(["--", "sh", "-c", script])
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_RUNTIME_DIR", &run)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start dbus-run-session");
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let address = lines.next().unwrap().unwrap();
        assert_eq!(lines.next().unwrap().unwrap(), "ready");
        Some(Keyring {
            child,
            address,
            _home: home,
        })
    }

    /// `monban` in this session.
    pub fn monban(&self) -> Command {
        let mut c = monban();
        c.env("DBUS_SESSION_BUS_ADDRESS", &self.address);
        c
    }

    /// `secret-tool ARGS...` in this session: (ok, stdout and stderr; `search` prints the
    /// attributes on stderr).
    pub fn secret_tool(&self, args: &[&str]) -> (bool, String) {
        let out = Command::new("secret-tool")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .args(args)
            .output()
            .expect("run secret-tool");
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        (out.status.success(), text)
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        // The whole process group: dbus-run-session, the bus, the daemon, the shell's sleep.
        let _ = Command::new("sh")
            .args(["-c", &format!("kill -TERM -{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
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

/// `monban export --format FORMAT --out OUT` followed by `extra`, run as `c` (a `monban`
/// command with its vault and passcode set), which must succeed; gives its stdout.
pub fn export(mut c: Command, format: &str, out: &std::path::Path, extra: &[&str]) -> String {
    c.args(["export", "--format", format, "--out"])
        .arg(out)
        .args(extra);
    let (success, stdout, stderr) = run(c);
    assert!(success, "monban export --format {format} failed: {stderr}");
    stdout
}

/// What `monban export --json` reports.
pub struct Exported {
    /// The files written, in part order.
    pub files: Vec<String>,
    /// The one-time transfer code (sealed QR exports only).
    pub transfer_code: Option<String>,
    /// The accounts the format cannot carry, as reported.
    pub refused: Vec<serde_json::Value>,
}

/// [`export`] with `--json`, its report read.
pub fn export_json(c: Command, format: &str, out: &std::path::Path) -> Exported {
    let json = export(c, format, out, &["--json"]);
    let v: serde_json::Value = serde_json::from_str(json.trim()).expect("one JSON object");
    let files = v["files"].as_array().expect("a list of files");
    Exported {
        files: files
            .iter()
            .map(|f| f.as_str().expect("a file name").to_string())
            .collect(),
        transfer_code: v
            .get("transfer_code")
            .map(|c| c.as_str().expect("the code as text").to_string()),
        refused: v["refused"].as_array().cloned().unwrap_or_default(),
    }
}

/// A tmpfs mounted over a folder, for the read-only and full-disk tests (mounting needs root),
/// unmounted on drop.
#[cfg(target_os = "linux")]
pub struct Tmpfs(PathBuf);

#[cfg(target_os = "linux")]
impl Tmpfs {
    /// Mounts a tmpfs of `size` (`"64k"`, `"1m"`) with mode 0700 over `dir`, created first;
    /// `None` when it cannot (not root).
    pub fn mount(dir: &std::path::Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
            .then(|| Tmpfs(dir.to_path_buf()))
    }

    /// Remounts it `"ro"` or `"rw"`.
    pub fn remount(&self, mode: &str) {
        let s = Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(s.success(), "remount {mode}");
    }

    /// Fills it to the last byte with one file, `filler`; gives that file's path.
    pub fn fill(&self) -> PathBuf {
        use std::io::Write;
        let filler = self.0.join("filler");
        let mut f = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 1024];
        while f.write_all(&chunk).is_ok() {}
        let _ = f.sync_all();
        filler
    }
}

#[cfg(target_os = "linux")]
impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
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
