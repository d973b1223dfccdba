//! Part 2 pages (issue 7): navigation between the pages shown over the current screen
//! (`Pages.page` in `ui/globals/pages.slint`), the passcode prompt that guards every page
//! showing secrets, and the lock hook that drops whatever the pages hold.
//!
//! Each page's controller keeps its state in [`PagesState`], found per app through
//! [`state`] (a thread-local registry keyed by the [`Core`], so two apps on one thread —
//! as in the two-device tests — stay apart, and background jobs, which only get the `Core`,
//! can reach it).
//!
//! **What reaches Slint.** Rows carry names only. The single exception to "no secret in a
//! Slint property": the QR pixels (and, for a sealed transfer, the one-time transfer code) of
//! an export or an account QR that the user explicitly asked to show, after re-entering the
//! passcode. They are replaced by an empty image when the page closes and when the app locks.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

use slint::{ComponentHandle, SharedString};
use zeroize::Zeroizing;

use super::core::Core;
use super::{AppWindow, Page, Pages, TMsg};
use crate::vault::{self, KdfBounds};

/// Wrong passcodes in a row at the prompt before the app locks itself.
pub const REAUTH_TRIES: u32 = 3;
/// After a correct passcode, further secret pages open without asking again for this long.
pub const REAUTH_GRACE: Duration = Duration::from_secs(120);

type Then = Box<dyn FnOnce(&Rc<Core>)>;

/// Everything the part-2 pages hold for one app.
#[derive(Default)]
pub(crate) struct PagesState {
    pub(crate) export: super::export::ExportState,
    pub(crate) import: super::import::ImportState,
    pub(crate) account_qr: super::account_qr::AccountQrState,
    then: RefCell<Option<Then>>,
    busy: Cell<bool>,
    failures: Cell<u32>,
    authed_until: Cell<Option<Instant>>,
    /// Counts locks; a background result started before a lock is dropped.
    pub(crate) epoch: Cell<u64>,
}

thread_local! {
    static STATES: RefCell<Vec<(Weak<Core>, Rc<PagesState>)>> = const { RefCell::new(Vec::new()) };
}

/// The pages' state of `core` (created on first use).
pub(crate) fn state(core: &Rc<Core>) -> Rc<PagesState> {
    STATES.with(|s| {
        let mut s = s.borrow_mut();
        s.retain(|(w, _)| w.strong_count() > 0);
        if let Some((_, st)) = s.iter().find(|(w, _)| w.as_ptr() == Rc::as_ptr(core)) {
            return st.clone();
        }
        let st = Rc::new(PagesState::default());
        s.push((Rc::downgrade(core), st.clone()));
        st
    })
}

/// True when the app runs with the light key-derivation settings that only tests use
/// (`OpenOptions::light_for_tests`); transfers and backups then use light settings too.
pub(crate) fn light_kdf(core: &Core) -> bool {
    core.open_options.kdf_bounds == KdfBounds::LIGHT_FOR_TESTS
}

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let p = ui.global::<Pages>();
    let weak = Rc::downgrade(core);
    p.on_open(move |page| {
        if let Some(core) = weak.upgrade() {
            core.activity();
            open(&core, page);
        }
    });
    let weak = Rc::downgrade(core);
    p.on_back(move || {
        if let Some(core) = weak.upgrade() {
            core.activity();
            back(&core);
        }
    });
    let weak = Rc::downgrade(core);
    p.on_reauth_submit(move |passcode| {
        if let Some(core) = weak.upgrade() {
            core.activity();
            submit(&core, passcode);
        }
    });
    let weak = Rc::downgrade(core);
    p.on_reauth_cancel(move || {
        if let Some(core) = weak.upgrade() {
            cancel_reauth(&core);
        }
    });
    let weak = Rc::downgrade(core);
    p.on_locked(move || {
        if let Some(core) = weak.upgrade() {
            locked(&core);
        }
    });
}

/// The page shown now.
pub(crate) fn page(core: &Core) -> Page {
    core.ui()
        .map(|ui| ui.global::<Pages>().get_page())
        .unwrap_or(Page::None)
}

pub(crate) fn set_page(core: &Core, page: Page) {
    if let Some(ui) = core.ui() {
        ui.global::<Pages>().set_page(page);
    }
}

/// Opens a page (from settings, the list, or a test).
pub fn open(core: &Rc<Core>, page: Page) {
    if !core.is_unlocked() {
        return;
    }
    match page {
        Page::Export | Page::ExportShow => super::export::open(core),
        Page::Import => super::import::open(core),
        Page::AccountQr => super::account_qr::open(core, None),
        Page::Backup => super::backup::open(core),
        Page::Passcode => super::passcode::open(core),
        Page::About => set_page(core, Page::About),
        Page::None => set_page(core, Page::None),
    }
}

/// Back (arrow, Escape): one step up.
pub fn back(core: &Rc<Core>) {
    if core
        .ui()
        .is_some_and(|ui| ui.global::<Pages>().get_reauth())
    {
        cancel_reauth(core);
        return;
    }
    match page(core) {
        Page::ExportShow => super::export::back(core),
        Page::Import => super::import::cancel(core),
        Page::AccountQr => super::account_qr::back(core),
        _ => set_page(core, Page::None),
    }
}

/// Runs `then` once the user has re-entered the passcode (at once within [`REAUTH_GRACE`]
/// of the last correct entry).
pub(crate) fn with_passcode(core: &Rc<Core>, then: impl FnOnce(&Rc<Core>) + 'static) {
    let st = state(core);
    if st.authed_until.get().is_some_and(|t| Instant::now() < t) {
        then(core);
        return;
    }
    *st.then.borrow_mut() = Some(Box::new(then));
    set_error(core, TMsg::None, "");
    if let Some(ui) = core.ui() {
        ui.global::<Pages>().set_reauth(true);
    }
}

fn set_error(core: &Core, msg: TMsg, arg: impl Into<SharedString>) {
    if let Some(ui) = core.ui() {
        let p = ui.global::<Pages>();
        p.set_reauth_error(msg);
        p.set_reauth_error_arg(arg.into());
    }
}

fn set_busy(core: &Core, st: &PagesState, busy: bool) {
    st.busy.set(busy);
    if let Some(ui) = core.ui() {
        ui.global::<Pages>().set_reauth_busy(busy);
    }
}

fn close_prompt(core: &Core) {
    if let Some(ui) = core.ui() {
        let p = ui.global::<Pages>();
        p.set_reauth(false);
        p.set_reauth_busy(false);
    }
}

fn cancel_reauth(core: &Rc<Core>) {
    let st = state(core);
    st.then.borrow_mut().take();
    set_busy(core, &st, false);
    close_prompt(core);
}

/// Checks the passcode against the vault file on a background thread (the KDF takes a
/// moment); the open vault in memory is not touched.
fn submit(core: &Rc<Core>, passcode: SharedString) {
    let st = state(core);
    if st.busy.get() || st.then.borrow().is_none() || passcode.is_empty() {
        return;
    }
    let passcode = Zeroizing::new(passcode.to_string());
    set_busy(core, &st, true);
    set_error(core, TMsg::None, "");
    let (path, bounds, poster, epoch) = (
        core.vault_path.clone(),
        core.open_options.kdf_bounds,
        core.poster(),
        st.epoch.get(),
    );
    std::thread::Builder::new()
        .name("monban-reauth".into())
        .spawn(move || {
            let result = std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(
                    |bytes| match vault::read_bytes(&bytes, &passcode, &bounds) {
                        Ok(contents) => {
                            drop(contents);
                            Ok(true)
                        }
                        Err(vault::Error::WrongPasscode) => Ok(false),
                        Err(e) => Err(e.to_string()),
                    },
                );
            drop(passcode);
            poster.post(move |core| checked(core, epoch, result));
        })
        .expect("spawn the passcode check thread");
}

fn checked(core: &Rc<Core>, epoch: u64, result: Result<bool, String>) {
    let st = state(core);
    if st.epoch.get() != epoch || !core.is_unlocked() {
        return;
    }
    set_busy(core, &st, false);
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
                    TMsg::ReauthWrong,
                    (REAUTH_TRIES - failures).to_string(),
                );
            }
        }
        Err(e) => set_error(core, TMsg::Detail, e),
    }
}

/// The app locked: forget the prompt, the grace period and every page's data.
fn locked(core: &Rc<Core>) {
    let st = state(core);
    st.epoch.set(st.epoch.get() + 1);
    st.then.borrow_mut().take();
    st.authed_until.set(None);
    st.failures.set(0);
    set_busy(core, &st, false);
    close_prompt(core);
    super::export::clear(core);
    super::import::clear(core);
    super::account_qr::clear(core);
    super::backup::clear(core);
    super::passcode::clear(core);
    set_page(core, Page::None);
}

/// The accounts of the open vault (empty when locked), for tests and tools that check what
/// an import stored. Never shown anywhere.
pub fn vault_accounts(core: &Rc<Core>) -> Vec<crate::account::Account> {
    core.with_vault(|v| v.entries().iter().map(|e| e.account.clone()).collect())
        .unwrap_or_default()
}

/// Spoken form of a code for screen readers: every character separated ("4 8 2 7").
pub fn spoken(code: &str) -> String {
    let chars: Vec<String> = code
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| c.to_string())
        .collect();
    chars.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_spoken_character_by_character() {
        assert_eq!(spoken("123 456"), "1 2 3 4 5 6");
        assert_eq!(spoken("7KQ2M-XD4PA"), "7 K Q 2 M X D 4 P A");
        assert_eq!(spoken(""), "");
    }
}
