//! The passcode prompt that guards every screen showing secrets (an export's QR codes, an
//! account's QR code): [`with_passcode`] runs the step behind it once the passcode is
//! re-entered, or at once within [`REAUTH_GRACE`] of the last correct entry. The passcode is
//! checked against the **open vault's key slot in memory** ([`vault::PasscodeCheck`], on a
//! background thread: the KDF takes a moment), never against the file on disk, through the
//! core's attempt policy: wrong entries are counted and persisted like those at the lock
//! screen, and at [`REAUTH_TRIES`] in a row (or during a backoff wait) the app locks.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use slint::{ComponentHandle, SharedString};
use zeroize::Zeroizing;

use super::core::Core;
use super::{AppWindow, Msg, ReauthAdapter};
use crate::vault;

/// Wrong passcodes in a row at the prompt before the app locks itself.
pub const REAUTH_TRIES: u32 = vault::REAUTH_LIMIT;
/// After a correct passcode, further secret pages open without asking again for this long.
pub const REAUTH_GRACE: Duration = Duration::from_secs(120);

type Then = Box<dyn FnOnce(&Rc<Core>)>;

/// The prompt's state: the step waiting behind it, the check running, the grace period.
#[derive(Default)]
pub(crate) struct ReauthState {
    then: RefCell<Option<Then>>,
    busy: Cell<bool>,
    authed_until: Cell<Option<Instant>>,
}

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let a = ui.global::<ReauthAdapter>();
    a.on_submit(core.act1(submit));
    a.on_cancel(core.act(cancel));
}

/// Whether the prompt is up.
pub(crate) fn shown(core: &Core) -> bool {
    core.ui()
        .is_some_and(|ui| ui.global::<ReauthAdapter>().get_shown())
}

/// Runs `then` once the user has re-entered the passcode (at once within [`REAUTH_GRACE`]
/// of the last correct entry).
pub(crate) fn with_passcode(core: &Rc<Core>, then: impl FnOnce(&Rc<Core>) + 'static) {
    let st = &core.reauth;
    if st.authed_until.get().is_some_and(|t| Instant::now() < t) {
        then(core);
        return;
    }
    *st.then.borrow_mut() = Some(Box::new(then));
    set_error(core, Msg::None, "");
    if let Some(ui) = core.ui() {
        ui.global::<ReauthAdapter>().set_shown(true);
    }
}

fn set_error(core: &Core, msg: Msg, arg: impl Into<SharedString>) {
    if let Some(ui) = core.ui() {
        let a = ui.global::<ReauthAdapter>();
        a.set_error(msg);
        a.set_error_arg(arg.into());
    }
}

fn set_busy(core: &Core, busy: bool) {
    core.reauth.busy.set(busy);
    if let Some(ui) = core.ui() {
        ui.global::<ReauthAdapter>().set_busy(busy);
    }
}

fn close_prompt(core: &Core) {
    if let Some(ui) = core.ui() {
        let a = ui.global::<ReauthAdapter>();
        a.set_shown(false);
        a.set_busy(false);
    }
}

/// Closes the prompt without running the step behind it.
pub(crate) fn cancel(core: &Rc<Core>) {
    let st = &core.reauth;
    st.then.borrow_mut().take();
    set_busy(core, false);
    close_prompt(core);
}

/// Checks the passcode against the open vault's key slot on a background thread (the KDF
/// takes a moment); the vault file is not read.
fn submit(core: &Rc<Core>, passcode: SharedString) {
    let st = &core.reauth;
    if st.busy.get() || st.then.borrow().is_none() || passcode.is_empty() {
        return;
    }
    let Some(check) = core.with_vault(|v| v.passcode_check()) else {
        return;
    };
    let passcode = Zeroizing::new(passcode.to_string());
    set_busy(core, true);
    set_error(core, Msg::None, "");
    let (now, epoch) = (core.now(), core.epoch.get());
    let started = core.spawn("monban-reauth", move |poster| {
        let result = check.verify(&passcode, now);
        drop((passcode, check));
        poster.post(move |core| checked(core, epoch, result));
    });
    if !started {
        set_busy(core, false);
    }
}

fn checked(core: &Rc<Core>, epoch: u64, result: vault::Result<()>) {
    let st = &core.reauth;
    if core.epoch.get() != epoch || !core.is_unlocked() {
        return;
    }
    set_busy(core, false);
    match result {
        Ok(()) => {
            st.authed_until.set(Some(Instant::now() + REAUTH_GRACE));
            close_prompt(core);
            let then = st.then.borrow_mut().take();
            if let Some(then) = then {
                then(core);
            }
        }
        Err(vault::Error::WrongPasscode) => {
            let failed = vault::failed_attempts(&core.vault_path);
            set_error(
                core,
                Msg::ReauthWrong,
                REAUTH_TRIES.saturating_sub(failed).max(1).to_string(),
            );
        }
        // The limit is reached, or a wait is running: the lock screen takes over (it shows
        // the wait and counts on).
        Err(vault::Error::TooManyTries | vault::Error::Backoff { .. }) => core.lock(),
        Err(e) => set_error(core, Msg::Detail, e.to_string()),
    }
}

/// The app locked: forget the prompt, the step behind it and the grace period.
pub(crate) fn locked(core: &Rc<Core>) {
    let st = &core.reauth;
    st.then.borrow_mut().take();
    st.authed_until.set(None);
    set_busy(core, false);
    close_prompt(core);
}
