//! Auto-lock: after the idle time (default 1 minute, set in settings) and when the app goes to
//! the background. Locking drops the decrypted vault from memory.
//!
//! Mobile entry points call [`on_background`] / [`on_foreground`] from their lifecycle events
//! (any thread); the desktop has the idle timer, reset by every interaction.

use std::rc::Rc;

use slint::ComponentHandle;

use super::core::{Core, with_current};
use super::{AppState, AppWindow};

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let s = ui.global::<AppState>();
    let weak = Rc::downgrade(core);
    s.on_activity(move || {
        if let Some(core) = weak.upgrade() {
            core.activity();
        }
    });
    let weak = Rc::downgrade(core);
    s.on_back(move || {
        if let Some(core) = weak.upgrade() {
            core.back();
        }
    });
    let weak = Rc::downgrade(core);
    s.on_lock(move || {
        if let Some(core) = weak.upgrade() {
            core.lock();
        }
    });
}

/// Runs `f` on the UI thread with the running app: at once when called there, else through
/// the event loop.
fn on_ui_thread(f: fn(&Rc<Core>)) {
    if with_current(f).is_none() {
        let _ = slint::invoke_from_event_loop(move || {
            with_current(f);
        });
    }
}

/// The app went to the background (Android `onPause`/`onStop`, iOS `willResignActive`):
/// lock now, so the app switcher and a lost phone show no codes.
pub fn on_background() {
    on_ui_thread(|core| {
        if core.is_unlocked() {
            core.lock();
        }
    });
}

/// The app is visible again: the unlock screen is up (it locked when backgrounded); refresh
/// any countdown that depends on time.
pub fn on_foreground() {
    on_ui_thread(|core| core.tick());
}
