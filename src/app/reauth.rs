//! The passcode prompt that guards every screen showing secrets (an export's QR codes, an
//! account's QR code): [`with_passcode`] runs the step behind it once the passcode is
//! re-entered, or at once within [`REAUTH_GRACE`] of the last correct entry. Wrong entries in a
//! row lock the app ([`REAUTH_TRIES`]). The check reads the vault file on a background thread
//! (the KDF takes a moment); the open vault in memory is not touched.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use slint::{ComponentHandle, SharedString};
use zeroize::Zeroizing;

use super::core::Core;
use super::{AppWindow, Msg, ReauthAdapter};
use crate::vault;

/// Wrong passcodes in a row at the prompt before the app locks itself.
pub const REAUTH_TRIES: u32 = 3;
/// After a correct passcode, further secret pages open without asking again for this long.
pub const REAUTH_GRACE: Duration = Duration::from_secs(120);

type Then = Box<dyn FnOnce(&Rc<Core>)>;

/// The prompt's state: the step waiting behind it, the check running, the grace period.
#[derive(Default)]
pub(crate) struct ReauthState {
    then: RefCell<Option<Then>>,
    busy: Cell<bool>,
    failures: Cell<u32>,
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

/// Checks the passcode against the vault file on a background thread (the KDF takes a
/// moment); the open vault in memory is not touched.
fn submit(core: &Rc<Core>, passcode: SharedString) {
    let st = &core.reauth;
    if st.busy.get() || st.then.borrow().is_none() || passcode.is_empty() {
        return;
    }
    let passcode = Zeroizing::new(passcode.to_string());
    set_busy(core, true);
    set_error(core, Msg::None, "");
    let (path, bounds, epoch) = (
        core.vault_path.clone(),
        core.open_options.kdf_bounds,
        core.epoch.get(),
    );
    let started = core.spawn("monban-reauth", move |poster| {
        let result = check(&path, &passcode, &bounds);
        drop(passcode);
        poster.post(move |core| checked(core, epoch, result));
    });
    if !started {
        set_busy(core, false);
    }
}

/// Why the passcode could not be checked (neither right nor wrong).
#[derive(Debug, thiserror::Error)]
pub(crate) enum CheckError {
    #[error("cannot read the vault: {0}")]
    Read(#[from] std::io::Error),
    #[error(transparent)]
    Vault(#[from] vault::Error),
}

/// Whether `passcode` opens the vault file at `path` (runs the KDF: call off the UI thread).
pub(crate) fn check(
    path: &std::path::Path,
    passcode: &str,
    bounds: &vault::KdfBounds,
) -> Result<bool, CheckError> {
    let bytes = std::fs::read(path)?;
    match vault::read_bytes(&bytes, passcode, bounds) {
        Ok(contents) => {
            drop(contents);
            Ok(true)
        }
        Err(vault::Error::WrongPasscode) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

fn checked(core: &Rc<Core>, epoch: u64, result: Result<bool, CheckError>) {
    let st = &core.reauth;
    if core.epoch.get() != epoch || !core.is_unlocked() {
        return;
    }
    set_busy(core, false);
    match result {
        Ok(true) => {
            st.failures.set(0);
            st.authed_until.set(Some(Instant::now() + REAUTH_GRACE));
            close_prompt(core);
            let then = st.then.borrow_mut().take();
            if let Some(then) = then {
                then(core);
            }
        }
        Ok(false) => {
            let failures = st.failures.get() + 1;
            st.failures.set(failures);
            if failures >= REAUTH_TRIES {
                st.failures.set(0);
                core.lock();
            } else {
                set_error(
                    core,
                    Msg::ReauthWrong,
                    (REAUTH_TRIES - failures).to_string(),
                );
            }
        }
        Err(e) => set_error(core, Msg::Detail, e.to_string()),
    }
}

/// The app locked: forget the prompt, the step behind it and the grace period.
pub(crate) fn locked(core: &Rc<Core>) {
    let st = &core.reauth;
    st.then.borrow_mut().take();
    st.authed_until.set(None);
    st.failures.set(0);
    set_busy(core, false);
    close_prompt(core);
}
