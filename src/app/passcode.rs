//! Change the passcode: [`Vault::change_passcode`] checks the current one against the open
//! vault (not the file) through the attempt policy, then re-keys the vault.
//! Both steps run the KDF, so they run on a background thread: the open vault is handed to
//! that thread and back (the list's clock pauses meanwhile); if the app locks in between,
//! the vault is dropped when it comes back.

use std::rc::Rc;

use slint::{ComponentHandle, SharedString};
use zeroize::Zeroizing;

use super::core::Core;
use super::{AppWindow, Msg, PasscodeAdapter, Screen, nav};
use crate::vault::{self, Vault};

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let a = ui.global::<PasscodeAdapter>();
    a.set_min_length(vault::MIN_PASSCODE_LEN as i32);
    let weak = Rc::downgrade(core);
    a.on_estimate(move |p| {
        let Some(core) = weak.upgrade() else {
            return Default::default();
        };
        // The open vault's own settings (calibrated when it was made); while the change runs
        // the vault is away and the meter is not looked at.
        let (params, bound) = core
            .vault
            .borrow()
            .as_ref()
            .map_or((crate::vault::KdfParams::DEFAULT, false), |v| {
                (v.kdf_params(), v.device_bound().is_some())
            });
        super::strength::estimate(&p, params, bound)
    });
    let weak = Rc::downgrade(core);
    a.on_change_passcode(move |current, first, second| {
        let Some(core) = weak.upgrade() else { return };
        core.activity();
        change(
            &core,
            Zeroizing::new(current.to_string()),
            Zeroizing::new(first.to_string()),
            Zeroizing::new(second.to_string()),
        );
    });
}

pub(crate) fn open(core: &Rc<Core>) {
    message(core, Msg::None, "", false);
    nav::go(core, Screen::Passcode);
}

fn message(core: &Core, msg: Msg, arg: impl Into<SharedString>, error: bool) {
    if let Some(ui) = core.ui() {
        let a = ui.global::<PasscodeAdapter>();
        a.set_message(msg);
        a.set_message_arg(arg.into());
        a.set_message_is_error(error);
    }
}

fn set_busy(core: &Core, busy: bool) {
    if let Some(ui) = core.ui() {
        ui.global::<PasscodeAdapter>().set_busy(busy);
    }
}

enum Outcome {
    /// Changed; `Some(why)` when the automatic backups could not follow (they would keep
    /// opening with the old passcode): shown on the list, never dropped.
    Changed(Option<String>),
    WrongCurrent,
    /// The attempt policy's limit (or a backoff wait): the app locks.
    TooMany,
    /// The new passcode broke a rule (too short, too weak) or the device key failed.
    Refused(vault::Error),
    Failed(vault::Error),
}

fn change(
    core: &Rc<Core>,
    current: Zeroizing<String>,
    first: Zeroizing<String>,
    second: Zeroizing<String>,
) {
    if core
        .ui()
        .is_some_and(|ui| ui.global::<PasscodeAdapter>().get_busy())
        || current.is_empty()
    {
        return;
    }
    if first.as_str() != second.as_str() {
        message(core, Msg::NewPasscodesDiffer, "", true);
        return;
    }
    if first.chars().count() < vault::MIN_PASSCODE_LEN {
        message(
            core,
            Msg::PasscodeShort,
            vault::MIN_PASSCODE_LEN.to_string(),
            true,
        );
        return;
    }
    let Some(v) = core.vault.borrow_mut().take() else {
        return;
    };
    set_busy(core, true);
    message(core, Msg::None, "", false);
    let (now, epoch, options) = (core.now(), core.epoch.get(), core.open_options);
    // The open vault goes to the thread only once it runs: if no thread can start, it stays.
    let (hand_over, receive) = std::sync::mpsc::channel::<Vault>();
    let started = core.spawn("monban-passcode", move |poster| {
        let Ok(mut v) = receive.recv() else { return };
        // Calibrated again on this device (tests: fixed parameters).
        let params = options.new_kdf_params();
        let outcome = match v.change_passcode(&current, &first, params, now) {
            Ok(()) => {
                // Automatic backups follow the change (a failure to re-key them is shown; a
                // failed backup is recorded in their status; the passcode change stands).
                let rekey = crate::autobackup::passcode_changed(&mut v, &first)
                    .err()
                    .map(|e| e.to_string());
                crate::autobackup::after_change(&v, now);
                Outcome::Changed(rekey)
            }
            Err(vault::Error::WrongPasscode) => Outcome::WrongCurrent,
            Err(vault::Error::TooManyTries | vault::Error::Backoff { .. }) => Outcome::TooMany,
            Err(e) if super::strength::refusal(&e).is_some() => Outcome::Refused(e),
            Err(e) => Outcome::Failed(e),
        };
        drop((current, first, second));
        poster.post(move |core| finished(core, epoch, v, outcome));
    });
    if started {
        let _ = hand_over.send(v);
    } else {
        *core.vault.borrow_mut() = Some(v);
        set_busy(core, false);
    }
}

fn finished(core: &Rc<Core>, epoch: u64, v: Vault, outcome: Outcome) {
    set_busy(core, false);
    if core.epoch.get() != epoch || core.is_unlocked() {
        // Locked meanwhile: the vault is not handed back.
        v.lock();
        return;
    }
    *core.vault.borrow_mut() = Some(v);
    core.schedule_tick();
    core.activity();
    match outcome {
        Outcome::Changed(rekey) => {
            match rekey {
                Some(why) => {
                    message(core, Msg::RekeyFailed, why.clone(), true);
                    super::safety::rekey_failed(core, why);
                }
                None => message(core, Msg::PasscodeChanged, "", false),
            }
            super::safety::unlocked(core);
        }
        Outcome::WrongCurrent => message(core, Msg::PasscodeWrong, "", true),
        Outcome::TooMany => core.lock(),
        Outcome::Refused(e) => {
            let (msg, arg) = super::strength::refusal(&e).unwrap_or((Msg::Detail, e.to_string()));
            message(core, msg, arg, true);
        }
        Outcome::Failed(e) => message(core, Msg::Detail, e.to_string(), true),
    }
}

pub(crate) fn clear(core: &Rc<Core>) {
    message(core, Msg::None, "", false);
}
