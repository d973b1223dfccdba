//! What keeps the user from being locked out, at the top of the account list
//! (`ui/widgets/safety-cards.slint`, `SafetyAdapter`):
//!
//! - **the banner** while the last automatic backup failed, with its cause in plain words
//!   (folder gone, permission lost, disk full, read-only, …, from the core's
//!   [`crate::autobackup::Status`]) and a button to the backup settings; it stays until a
//!   backup succeeds;
//! - **a failed re-keying** of the automatic backups after a passcode change (they would keep
//!   opening with the old passcode): never dropped, shown until dismissed;
//! - **the reminders** of [`crate::reminders`]: the backup reminder (dismissable, back after
//!   the next change) and the passcode reminder (type the passcode now; "later" asks a day
//!   after; every unlock counts);
//! - **the first-run offer**: once, after the first account is added, to turn on automatic
//!   backups (and the paper backup).
//!
//! What is due is read again from the files beside the vault after every change, at unlock,
//! once a minute, and after each action here.

use std::cell::Cell;
use std::rc::Rc;

use slint::{ComponentHandle, SharedString};
use zeroize::Zeroizing;

use super::core::Core;
use super::{AppWindow, Msg, SafetyAdapter, Screen, nav};
use crate::reminders::{self, Inputs, Reminder, ReminderState};
use crate::vault;

/// Seconds between two re-reads of what is due while the list is open.
const REFRESH_SECS: u64 = 60;

#[derive(Default)]
pub(crate) struct SafetyState {
    /// When what is due was last read (Unix seconds).
    last_refresh: Cell<u64>,
    busy: Cell<bool>,
}

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let a = ui.global::<SafetyAdapter>();
    a.on_open_backup_settings(core.act(|core| {
        hide_offer(core);
        super::auto_backup::open(core);
    }));
    a.on_open_paper_backup(core.act(|core| {
        hide_offer(core);
        nav::open(core, Screen::Backup);
    }));
    a.on_decline_offer(core.act(hide_offer));
    a.on_dismiss_backup_reminder(core.act(|core| {
        if reminders::dismiss_backup(&core.vault_path).is_err() {
            core.toast(
                Msg::SettingsNotSaved,
                crate::autobackup::status::status_path(&core.vault_path)
                    .display()
                    .to_string(),
            );
        }
        refresh(core);
    }));
    a.on_check_passcode(
        core.act1(|core, typed: SharedString| {
            check_passcode(core, Zeroizing::new(typed.to_string()))
        }),
    );
    a.on_snooze_passcode(core.act(|core| {
        let mut st = ReminderState::load(&core.vault_path);
        st.snooze_passcode(core.now());
        store_state(core, &st);
        refresh(core);
    }));
    a.on_dismiss_rekey(core.act(|core| {
        if let Some(ui) = core.ui() {
            ui.global::<SafetyAdapter>()
                .set_rekey_error(SharedString::new());
        }
    }));
}

fn store_state(core: &Rc<Core>, st: &ReminderState) {
    if st.store(&core.vault_path).is_err() {
        core.toast(
            Msg::SettingsNotSaved,
            reminders::state_path(&core.vault_path)
                .display()
                .to_string(),
        );
    }
}

/// Reads what is due from beside the vault and shows it (nothing while locked). Also the
/// backup state line of the settings.
pub(crate) fn refresh(core: &Core) {
    let Some(ui) = core.ui() else { return };
    let a = ui.global::<SafetyAdapter>();
    let now = core.now();
    core.safety.last_refresh.set(now);
    if !core.is_unlocked() {
        a.set_failure(Msg::None);
        a.set_failure_arg(SharedString::new());
        a.set_backup_reminder(false);
        a.set_passcode_reminder(false);
        a.set_passcode_message(Msg::None);
        a.set_offer(false);
        a.set_rekey_error(SharedString::new());
        return;
    }
    let i = Inputs::load(&core.vault_path);
    let (failure, arg) = match (&i.status.last_error, i.backup.active()) {
        (Some(error), Some(dir)) => {
            super::auto_backup::failure_message(i.status.last_error_cause, dir, error)
        }
        _ => (Msg::None, String::new()),
    };
    a.set_failure(failure);
    a.set_failure_arg(arg.into());
    let due = reminders::due(&i, now);
    a.set_backup_reminder(due.contains(&Reminder::Backup));
    let passcode_due = due.contains(&Reminder::Passcode);
    if !passcode_due {
        a.set_passcode_message(Msg::None);
    }
    a.set_passcode_reminder(passcode_due);
    super::auto_backup::show_state(core, &i);
}

/// Once a second while unlocked: re-read what is due now and then (a reminder may fall due
/// while the app stays open).
pub(crate) fn tick(core: &Core) {
    if core.now().saturating_sub(core.safety.last_refresh.get()) >= REFRESH_SECS {
        refresh(core);
    }
}

/// The vault was unlocked with the passcode (which counts as typing it).
pub(crate) fn unlocked(core: &Core) {
    let mut st = ReminderState::load(&core.vault_path);
    st.passcode_typed(core.now());
    let _ = st.store(&core.vault_path);
    refresh(core);
}

/// After a change that took the vault from `before` accounts to `after` (already saved and
/// backed up): the one-time offer after the first account, then what is due.
pub(crate) fn changed(core: &Core, before: usize, after: usize) {
    let i = Inputs::load(&core.vault_path);
    if reminders::offer_backups(&i, before, after) {
        let mut st = i.state.clone();
        st.backup_offered = true;
        // Offered once: recorded as soon as it shows, so it never nags.
        let _ = st.store(&core.vault_path);
        if let Some(ui) = core.ui() {
            ui.global::<SafetyAdapter>().set_offer(true);
        }
    }
    refresh(core);
}

fn hide_offer(core: &Rc<Core>) {
    if let Some(ui) = core.ui() {
        ui.global::<SafetyAdapter>().set_offer(false);
    }
}

/// Re-keying the automatic backups after a passcode change failed: shown on the list.
pub(crate) fn rekey_failed(core: &Core, why: String) {
    if let Some(ui) = core.ui() {
        ui.global::<SafetyAdapter>().set_rekey_error(why.into());
    }
}

fn set_busy(core: &Core, busy: bool) {
    core.safety.busy.set(busy);
    if let Some(ui) = core.ui() {
        ui.global::<SafetyAdapter>().set_busy(busy);
    }
}

fn passcode_message(core: &Core, msg: Msg, arg: String) {
    if let Some(ui) = core.ui() {
        let a = ui.global::<SafetyAdapter>();
        a.set_passcode_message(msg);
        a.set_passcode_message_arg(arg.into());
    }
}

/// The passcode reminder: the passcode typed is checked against the open vault (the same
/// attempt policy as every passcode prompt; the KDF runs on a thread).
fn check_passcode(core: &Rc<Core>, passcode: Zeroizing<String>) {
    if core.safety.busy.get() || passcode.is_empty() {
        return;
    }
    let Some(check) = core.with_vault(|v| v.passcode_check()) else {
        return;
    };
    set_busy(core, true);
    passcode_message(core, Msg::None, String::new());
    let (now, epoch) = (core.now(), core.epoch.get());
    let started = core.spawn("monban-reminder", move |poster| {
        let result = check.verify(&passcode, now);
        drop(passcode);
        poster.post(move |core| checked(core, epoch, result));
    });
    if !started {
        set_busy(core, false);
    }
}

fn checked(core: &Rc<Core>, epoch: u64, result: vault::Result<()>) {
    set_busy(core, false);
    if core.epoch.get() != epoch || !core.is_unlocked() {
        return;
    }
    match result {
        Ok(()) => {
            let mut st = ReminderState::load(&core.vault_path);
            st.passcode_typed(core.now());
            store_state(core, &st);
            let days = reminders::ReminderSettings::load(&core.vault_path).passcode_days;
            refresh(core);
            core.toast(Msg::PasscodeKept, days.to_string());
        }
        Err(vault::Error::WrongPasscode) => {
            let failed = vault::failed_attempts(&core.vault_path);
            passcode_message(
                core,
                Msg::ReauthWrong,
                vault::REAUTH_LIMIT
                    .saturating_sub(failed)
                    .max(1)
                    .to_string(),
            );
        }
        Err(vault::Error::TooManyTries | vault::Error::Backoff { .. }) => core.lock(),
        Err(e) => passcode_message(core, Msg::Detail, e.to_string()),
    }
}
