//! End to end: the real binary on a virtual X display. Unlock by typing the passcode, click
//! the first account, read the clipboard with xclip. Skips with a note when Xvfb, xdotool or
//! xclip is missing, and fails so under CI=true (`./scripts/test.sh` installs them).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use monban::account::{Account, Secret};
use monban::vault::{KdfParams, Vault};

use super::xvfb_driver::{Gui, Xvfb, missing_tools};
use crate::common::require;

#[test]
fn click_an_account_and_paste_its_code_with_xclip() {
    let missing = missing_tools();
    if !require(
        missing.is_empty(),
        &missing.join(", "),
        "apt-get install xvfb xdotool xclip",
    ) {
        return;
    }
    let x = Xvfb::start();
    if !require(
        x.is_some(),
        "a running Xvfb (it did not start)",
        "check `Xvfb :99` runs here",
    ) {
        return;
    }
    let x = x.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("e2e.vault");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
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
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
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
