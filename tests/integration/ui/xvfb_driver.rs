//! Drives the real `monban` binary on a virtual X display: Xvfb for the screen, xdotool for
//! keyboard and mouse, xclip for the clipboard. Shared by the end-to-end test
//! (`tests/integration/ui/xvfb.rs`) and the UI benchmark (`benches/ui.rs`).
#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// True when `program` is on PATH.
pub fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program} >/dev/null 2>&1")])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// The tools missing for a run under Xvfb (empty: all there).
pub fn missing_tools() -> Vec<&'static str> {
    ["Xvfb", "xdotool", "xclip"]
        .into_iter()
        .filter(|p| !have(p))
        .collect()
}

/// A private virtual X server, killed on drop.
pub struct Xvfb {
    child: Child,
    pub display: String,
}

impl Xvfb {
    /// Starts Xvfb on a free display number; `None` if it cannot start. Tests running at the
    /// same time in one process try different numbers, and a server counts only while its own
    /// Xvfb is still running (not one another test started on the same number).
    pub fn start() -> Option<Xvfb> {
        static STARTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let salt = STARTS.fetch_add(1, std::sync::atomic::Ordering::SeqCst) * 53;
        for n in 0..40 {
            let num = 140 + (std::process::id() as usize + salt + n * 7) % 400;
            let lock = format!("/tmp/.X{num}-lock");
            if Path::new(&lock).exists() {
                continue;
            }
            let child = Command::new("Xvfb")
                .args([
                    &format!(":{num}"),
                    "-screen",
                    "0",
                    "1024x900x24",
                    "-nolisten",
                    "tcp",
                    // Without it the server resets whenever its last client leaves: a poll
                    // with xdotool every 20 ms while the app starts made the app's connection
                    // fail ("Failed to open connection to X server").
                    "-noreset",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok()?;
            let mut x = Xvfb {
                child,
                display: format!(":{num}"),
            };
            let socket = format!("/tmp/.X11-unix/X{num}");
            let end = Instant::now() + Duration::from_secs(10);
            while Instant::now() < end {
                if Path::new(&socket).exists()
                    && x.run("xdotool", &["getmouselocation"]).status.success()
                    && matches!(x.child.try_wait(), Ok(None))
                {
                    return Some(x);
                }
                if let Ok(Some(_)) = x.child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = x.child.kill();
        }
        None
    }

    /// Runs a program against this display.
    pub fn run(&self, program: &str, args: &[&str]) -> Output {
        Command::new(program)
            .args(args)
            .env("DISPLAY", &self.display)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
    }

    /// The id of the first window whose title is `title`, waiting up to `timeout`.
    pub fn wait_window(&self, title: &str, timeout: Duration) -> Option<String> {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            let out = self.run(
                "xdotool",
                &["search", "--onlyvisible", "--name", &format!("^{title}$")],
            );
            if let Some(id) = String::from_utf8_lossy(&out.stdout).lines().next() {
                return Some(id.trim().to_owned());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Gives `window` the keyboard focus and types `text`, then Return.
    pub fn type_line(&self, window: &str, text: &str) {
        self.run("xdotool", &["windowfocus", "--sync", window]);
        self.run("xdotool", &["type", "--delay", "15", text]);
        self.run("xdotool", &["key", "Return"]);
    }

    /// Clicks at (x, y) inside `window` (logical = physical pixels on Xvfb).
    pub fn click(&self, window: &str, x: u32, y: u32) {
        self.run(
            "xdotool",
            &[
                "mousemove",
                "--window",
                window,
                &x.to_string(),
                &y.to_string(),
            ],
        );
        std::thread::sleep(Duration::from_millis(50));
        self.run("xdotool", &["click", "1"]);
    }

    /// Position and size of `window` on the screen: (x, y, width, height).
    pub fn geometry(&self, window: &str) -> (u32, u32, u32, u32) {
        let out = self.run("xdotool", &["getwindowgeometry", "--shell", window]);
        let text = String::from_utf8_lossy(&out.stdout);
        let value = |key: &str| -> u32 {
            text.lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or_else(|| panic!("no {key} in xdotool's answer: {text}"))
        };
        (value("X"), value("Y"), value("WIDTH"), value("HEIGHT"))
    }

    /// The text on the CLIPBOARD selection.
    pub fn clipboard(&self) -> Option<String> {
        let out = self.run("xclip", &["-o", "-selection", "clipboard"]);
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running `monban` GUI, killed on drop.
pub struct Gui {
    pub child: Child,
}

impl Gui {
    /// Starts the binary on `vault`. `backend` sets `SLINT_BACKEND` (e.g. `winit-software`);
    /// `None` keeps the build's default (on the desktop the software renderer, the only one
    /// it has).
    pub fn start(
        bin: &Path,
        x: &Xvfb,
        vault: &Path,
        perf_log: Option<&Path>,
        backend: Option<&str>,
    ) -> Gui {
        let mut c = Command::new(bin);
        c.arg("--vault").arg(vault).env("DISPLAY", &x.display);
        match backend {
            Some(b) => c.env("SLINT_BACKEND", b),
            None => c.env_remove("SLINT_BACKEND"),
        };
        c.env_remove("WAYLAND_DISPLAY")
            .env_remove("XDG_SESSION_TYPE");
        for (k, _) in std::env::vars() {
            if k.starts_with("MONBAN_") {
                c.env_remove(k);
            }
        }
        if let Some(p) = perf_log {
            c.env("MONBAN_PERF_LOG", p);
        }
        c.stdout(Stdio::null()).stderr(Stdio::piped());
        Gui {
            child: c.spawn().expect("start monban"),
        }
    }

    /// CPU time (user + system) used so far, from /proc.
    pub fn cpu_time(&self) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        let after = stat.rsplit_once(')')?.1;
        let f: Vec<&str> = after.split_whitespace().collect();
        let (utime, stime): (u64, u64) = (f.get(11)?.parse().ok()?, f.get(12)?.parse().ok()?);
        let hz = 100; // USER_HZ on Linux
        Some(Duration::from_millis((utime + stime) * 1000 / hz))
    }
}

impl Drop for Gui {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads `key=value` marks from a perf log.
pub fn perf_marks(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect()
}

/// The last value of `key` in a perf log.
pub fn perf_value(path: &Path, key: &str) -> Option<String> {
    perf_marks(path)
        .into_iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}
