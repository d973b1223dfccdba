//! First start and unlock: passcodes go to a background thread for the KDF (the UI keeps
//! drawing its progress), results come back through the inbox; the backoff after repeated
//! failures is shown as a countdown.

use std::cell::Cell;
use std::rc::Rc;

use slint::{ComponentHandle, SharedString};
use zeroize::Zeroizing;

use super::core::Core;
use super::{AppWindow, Msg, UnlockAdapter};
use crate::vault::{self, KdfParams, Vault};

#[derive(Default)]
pub(crate) struct UnlockState {
    busy: Cell<bool>,
    backoff: Cell<u64>,
}

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let a = ui.global::<UnlockAdapter>();
    a.set_min_length(vault::MIN_PASSCODE_LEN as i32);
    a.set_keypad(core.settings.borrow().keypad);
    a.on_drop_last(|s| {
        let mut s = s.to_string();
        s.pop();
        s.into()
    });
    a.on_unlock(core.act1(unlock));
    a.on_create(core.act2(create));
}

fn set_error(core: &Core, msg: Msg, arg: impl Into<SharedString>) {
    if let Some(ui) = core.ui() {
        let a = ui.global::<UnlockAdapter>();
        a.set_error(msg);
        a.set_error_arg(arg.into());
    }
}

fn set_busy(core: &Core, busy: bool) {
    core.unlock.busy.set(busy);
    if let Some(ui) = core.ui() {
        ui.global::<UnlockAdapter>().set_busy(busy);
    }
}

/// True while a wrong-passcode wait is running.
pub(crate) fn backoff_active(core: &Core) -> bool {
    core.unlock.backoff.get() > 0
}

/// Re-reads the backoff wait (locked only) and shows it. Returns whether a wait is running.
pub(crate) fn refresh_backoff(core: &Core) -> bool {
    let wait = if core.is_unlocked() {
        0
    } else {
        vault::backoff_status(&core.vault_path, core.now()).unwrap_or(0)
    };
    core.unlock.backoff.set(wait);
    if let Some(ui) = core.ui() {
        ui.global::<UnlockAdapter>()
            .set_backoff_seconds(wait.min(i32::MAX as u64) as i32);
    }
    wait > 0
}

fn unlock(core: &Rc<Core>, passcode: SharedString) {
    if core.unlock.busy.get() || core.is_unlocked() {
        return;
    }
    if refresh_backoff(core) {
        core.schedule_tick();
        return;
    }
    let passcode = Zeroizing::new(passcode.to_string());
    if passcode.is_empty() {
        return;
    }
    set_error(core, Msg::None, "");
    set_busy(core, true);
    core.perf.unlock_started();
    let (path, now, options) = (core.vault_path.clone(), core.now(), core.open_options);
    let started = core.spawn("monban-unlock", move |poster| {
        let kdf_start = std::time::Instant::now();
        let result = Vault::open_with(&path, &passcode, now, &options);
        let kdf_ms = kdf_start.elapsed().as_secs_f64() * 1000.0;
        drop(passcode);
        poster.post(move |core| {
            core.perf.mark("open_vault_ms", format!("{kdf_ms:.1}"));
            finished(core, result)
        });
    });
    if !started {
        set_busy(core, false);
    }
}

fn create(core: &Rc<Core>, first: SharedString, second: SharedString) {
    if core.unlock.busy.get() || core.is_unlocked() {
        return;
    }
    let passcode = Zeroizing::new(first.to_string());
    if passcode.as_str() != second.as_str() {
        set_error(core, Msg::PasscodesDiffer, "");
        return;
    }
    if passcode.chars().count() < vault::MIN_PASSCODE_LEN {
        set_error(
            core,
            Msg::PasscodeShort,
            vault::MIN_PASSCODE_LEN.to_string(),
        );
        return;
    }
    set_error(core, Msg::None, "");
    set_busy(core, true);
    let (path, now, options) = (core.vault_path.clone(), core.now(), core.open_options);
    let started = core.spawn("monban-create", move |poster| {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        // Always the real parameters: only library tests create light vaults.
        let result = Vault::create_with(&path, &passcode, KdfParams::DEFAULT, now, &options);
        drop(passcode);
        poster.post(move |core| finished(core, result));
    });
    if !started {
        set_busy(core, false);
    }
}

fn finished(core: &Rc<Core>, result: vault::Result<Vault>) {
    set_busy(core, false);
    match result {
        Ok(v) => {
            set_error(core, Msg::None, "");
            core.unlock.backoff.set(0);
            core.unlocked(v);
        }
        Err(e) => {
            let (msg, arg) = match &e {
                vault::Error::WrongPasscode => (
                    Msg::WrongPasscode,
                    vault::failed_attempts(&core.vault_path).to_string(),
                ),
                vault::Error::Backoff { .. } => (Msg::None, String::new()),
                vault::Error::Locked => (Msg::VaultInUse, String::new()),
                vault::Error::PasscodeTooShort { min } => (Msg::PasscodeShort, min.to_string()),
                other => (Msg::Detail, other.to_string()),
            };
            set_error(core, msg, arg);
            if refresh_backoff(core) {
                core.schedule_tick();
            }
            if let Some(ui) = core.ui() {
                ui.invoke_focus_screen();
            }
        }
    }
}
