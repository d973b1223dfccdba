//! End to end: the real binary on a virtual X display. Unlock by typing the passcode, click
//! the first account, read the clipboard with xclip. Skips with a note when Xvfb, xdotool or
//! xclip is missing, and fails so under CI=true (`./scripts/test.sh` installs them).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use monban::account::{Account, Secret};
use monban::vault::{KdfParams, Vault};

use super::xvfb_driver::{Gui, Xvfb, missing_tools};
use crate::common::require;

/// A private X display with the tools that drive it, or `None` (the test returns) when
/// they are missing: a failure under CI=true.
#[track_caller]
fn display() -> Option<Xvfb> {
    let missing = missing_tools();
    if !require(
        missing.is_empty(),
        &missing.join(", "),
        "apt-get install xvfb xdotool xclip",
    ) {
        return None;
    }
    let x = Xvfb::start();
    require(
        x.is_some(),
        "a running Xvfb (it did not start)",
        "check `Xvfb :99` runs here",
    );
    x
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn click_an_account_and_paste_its_code_with_xclip() {
    let Some(x) = display() else { return };
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("e2e.vault");
    let now = unix_now();
    let account = Account::totp(
        "Example",
        "e2e@example.com",
        Secret::new(b"12345678901234567890".to_vec()),
    );
    {
        // The real parameters: the binary refuses light ones.
        let mut v = Vault::create(
            &vault,
            "xvfb lantern orbit meadow 42",
            KdfParams::DEFAULT,
            now,
        )
        .unwrap();
        v.add(account.clone(), now).unwrap();
        v.lock();
    }
    let gui = Gui::start(
        std::path::Path::new(env!("CARGO_BIN_EXE_monban")),
        &x,
        &vault,
        None,
        Some("winit-software"),
    );
    let win = x
        .wait_window("Monban", Duration::from_secs(30))
        .expect("the Monban window appears");
    std::thread::sleep(Duration::from_millis(300));
    x.type_line(&win, "xvfb lantern orbit meadow 42");
    // Unlocked when the vault's lock file is held and the window shows the list: poll the
    // clipboard after clicking the first row (top bar 56 px, rows 84 px).
    let mut copied = None;
    for _ in 0..60 {
        std::thread::sleep(Duration::from_millis(250));
        x.click(&win, 150, 56 + 42);
        if let Some(text) = x.clipboard().filter(|t| !t.is_empty()) {
            copied = Some(text);
            break;
        }
    }
    let copied = copied.expect("clicking the account put its code on the clipboard");
    let t = unix_now();
    let candidates: Vec<String> = [t.saturating_sub(30), t.saturating_sub(1), t, t + 1]
        .iter()
        .map(|&u| monban::otp::code_at(&account, u).unwrap())
        .collect();
    assert!(
        candidates.contains(&copied),
        "clipboard {copied:?} is the account's code (one of {candidates:?})"
    );
    assert_eq!(copied.len(), 6, "digits only, no grouping space");
    drop(gui);
}

/// A QR code shown in another window on the same screen (a "browser" page drawn
/// with x11rb) is added in two clicks: "Scan the screen" in the add view, then "Register" on
/// the confirm form. The real binary, its real screen capture (X11), the real vault.
#[test]
fn a_qr_code_in_another_window_is_added_in_two_clicks() {
    use monban::screen::{Source, capture};

    let Some(x) = display() else { return };
    const PASSCODE: &str = "screen scan: a long test passphrase 17";
    const URI: &str = "otpauth://totp/GitHub:carol?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("screen.vault");
    let now = unix_now();
    Vault::create(&vault, PASSCODE, KdfParams::DEFAULT, now)
        .unwrap()
        .lock();
    let saved_before = std::fs::metadata(&vault).unwrap().modified().unwrap();
    let log = dir.path().join("perf.log");
    let gui = Gui::start(
        std::path::Path::new(env!("CARGO_BIN_EXE_monban")),
        &x,
        &vault,
        Some(&log),
        // The renderer a user gets (the desktop build's software renderer); the perf marks
        // of drawn frames come from the frame hook (src/app/perf.rs).
        None,
    );
    let win = x
        .wait_window("Monban", Duration::from_secs(30))
        .expect("the Monban window appears");
    let wait_mark = |key: &str| {
        let end = std::time::Instant::now() + Duration::from_secs(60);
        while std::time::Instant::now() < end {
            if super::xvfb_driver::perf_value(&log, key).is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("no {key} in the perf log");
    };
    wait_mark("first_frame_unix_ms");
    std::thread::sleep(Duration::from_millis(300));
    x.type_line(&win, PASSCODE);
    wait_mark("unlock_to_list_ms");
    // The page with the QR code, beside the app's window.
    let _page = crate::qr::screen::PageWindow::show(&x.display, 520, 60, 480, 560, Some(URI));
    let (wx, wy, ww, wh) = x.geometry(&win);
    // The add view (the + at the top left), then the two clicks.
    x.click(&win, 24, 28);
    std::thread::sleep(Duration::from_millis(500));
    x.click(&win, ww / 2, wh - 100); // "Scan the screen", above "Enter the key manually"
    // The confirm form is up when its primary "Register" button (accent colour, dark) fills
    // the bottom row, where the add view has a light button.
    let source = Source::X11(x.display.clone());
    let end = std::time::Instant::now() + Duration::from_secs(60);
    let mut confirm = false;
    let mut last = None;
    while std::time::Instant::now() < end {
        let frame = capture(&source).expect("the screen reads");
        let luma = frame.get((wx + 30) as usize, (wy + wh - 40) as usize);
        if luma < 140 {
            confirm = true;
            break;
        }
        last = Some(frame);
        std::thread::sleep(Duration::from_millis(100));
    }
    if !confirm {
        // What the screen showed, to look at.
        let shot = std::env::temp_dir().join("monban-screen-scan-test.png");
        if let Some(f) = last {
            let (w, h) = (f.width(), f.height());
            let pixels: Vec<u8> = (0..h).flat_map(|y| f.row(y)[..w].to_vec()).collect();
            let _ = image::GrayImage::from_raw(w as u32, h as u32, pixels).map(|i| i.save(&shot));
        }
        panic!(
            "the confirm form did not appear after \"Scan the screen\" (window at {wx},{wy} {ww}×{wh}; the screen: {})",
            shot.display()
        );
    }
    x.click(&win, ww / 2, wh - 40); // "Register"
    let end = std::time::Instant::now() + Duration::from_secs(30);
    while std::fs::metadata(&vault).unwrap().modified().unwrap() == saved_before
        && std::time::Instant::now() < end
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    drop(gui);
    let v = Vault::open(&vault, PASSCODE, now).unwrap();
    let added: Vec<(String, String)> = v
        .entries()
        .iter()
        .map(|e| (e.account.issuer.clone(), e.account.name.clone()))
        .collect();
    assert_eq!(added, [("GitHub".to_owned(), "carol".to_owned())]);
    assert_eq!(
        v.entries()[0].account,
        monban::uri::parse(URI).unwrap(),
        "the account read from the screen"
    );
}
