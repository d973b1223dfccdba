//! Time to the first list with 200 accounts of real services (each with its brand logo), for
//! one or more builds of the app side by side: `passcode entered → list drawn` minus the
//! vault's key derivation (the app's own part), median of 5 runs per build, alternating.
//! Also the app's memory (resident set) 2 s after the list is drawn. Runs the binaries under a
//! private Xvfb (needs Xvfb, xdotool, xclip).
//!
//! Where the time goes, for builds that write the steps (`src/app/perf.rs`): the median
//! milliseconds after the passcode was submitted at which the KDF started and ended, the
//! result reached the UI thread, the rows were built, the list became the screen, the list
//! was done, and its first frame was drawn.
//!
//! `cargo run --example first_list -- BIN...` (e.g. a build of `main` and this one).

#[path = "../tests/integration/ui/xvfb_driver.rs"]
mod xvfb_driver;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use monban::account::Account;
use monban::settings::Settings;
use monban::vault::{KdfParams, Vault};
use xvfb_driver::{Gui, Xvfb, missing_tools, perf_value};

const PASSCODE: &str = "first list timing passphrase";
const ACCOUNTS: usize = 200;
const RUNS: usize = 5;
/// The steps of "passcode → list drawn" the app marks (`src/app/perf.rs`), in order.
const STEPS: [&str; 7] = [
    "unlock_kdf_started_ms",
    "unlock_kdf_done_ms",
    "unlock_inbox_ms",
    "unlock_rows_ms",
    "unlock_screen_ms",
    "unlock_list_built_ms",
    "unlock_to_list_ms",
];

fn wait_for(path: &Path, key: &str) -> String {
    let end = Instant::now() + Duration::from_secs(90);
    while Instant::now() < end {
        if let Some(v) = perf_value(path, key) {
            return v;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("no {key} in {}", path.display());
}

fn main() {
    let bins: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    assert!(!bins.is_empty(), "usage: first_list BIN...");
    let missing = missing_tools();
    assert!(missing.is_empty(), "install {}", missing.join(", "));
    let x = Xvfb::start().expect("Xvfb starts");
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("200.vault");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut v = Vault::create(&vault, PASSCODE, KdfParams::DEFAULT, now).unwrap();
    let brands = monban::brands::all();
    let accounts: Vec<Account> = (0..ACCOUNTS)
        .map(|i| {
            Account::totp(
                brands[i % brands.len()].title.clone(),
                format!("user{i}@example.com"),
                monban::app::demo::sample_secret(5000 + i as u64),
            )
        })
        .collect();
    v.add_many(accounts, now).unwrap();
    v.lock();
    Settings {
        auto_lock_secs: 900,
        ..Settings::default()
    }
    .save(&Settings::path_for(&vault))
    .unwrap();
    let mut own: Vec<Vec<f64>> = vec![Vec::new(); bins.len()];
    let mut rss: Vec<Vec<f64>> = vec![Vec::new(); bins.len()];
    let mut steps: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); STEPS.len()]; bins.len()];
    for run in 0..RUNS {
        for (b, bin) in bins.iter().enumerate() {
            let log = dir.path().join(format!("run{run}-{b}.log"));
            let gui = Gui::start(bin, &x, &vault, Some(&log), None);
            let win = x
                .wait_window("Monban", Duration::from_secs(180))
                .unwrap_or_else(|| panic!("no window from {}", bin.display()));
            wait_for(&log, "first_frame_unix_ms");
            std::thread::sleep(Duration::from_millis(300));
            x.type_line(&win, PASSCODE);
            let total: f64 = wait_for(&log, "unlock_to_list_ms").parse().unwrap();
            let kdf: f64 = wait_for(&log, "open_vault_ms").parse().unwrap();
            own[b].push(total - kdf);
            for (k, key) in STEPS.iter().enumerate() {
                if let Some(v) = perf_value(&log, key).and_then(|v| v.parse().ok()) {
                    steps[b][k].push(v);
                }
            }
            std::thread::sleep(Duration::from_secs(2));
            rss[b].push(resident_mib(gui.child.id()));
            drop(gui);
        }
    }
    for (((bin, t), m), s) in bins.iter().zip(own).zip(rss).zip(steps) {
        println!(
            "{}: passcode → list drawn minus KDF, {ACCOUNTS} accounts: median {:.1} ms ({t:?}); resident memory median {:.1} MiB ({m:?})",
            bin.display(),
            median(t.clone()),
            median(m.clone())
        );
        if s.iter().all(|v| v.len() == RUNS) {
            let marks: Vec<String> = STEPS
                .iter()
                .zip(&s)
                .map(|(key, v)| {
                    format!(
                        "{} {:.1}",
                        key.trim_start_matches("unlock_"),
                        median(v.clone())
                    )
                })
                .collect();
            println!(
                "  steps (median ms after the passcode was submitted): {}",
                marks.join(", ")
            );
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// The resident set of process `pid`, MiB (from /proc).
fn resident_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}
