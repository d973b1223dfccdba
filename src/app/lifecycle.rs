//! Auto-lock: after the idle time (default 1 minute, set in settings) and when the app goes to
//! the background. Locking drops the decrypted vault from memory.
//!
//! Phones report background/foreground through [`crate::lifecycle::notify`] (any thread);
//! the running app registers itself as its handler here. The desktop has the idle timer,
//! reset by every interaction.

use std::rc::Rc;

use super::core::{Core, with_current};
use crate::lifecycle::{self, Event};

/// Makes the running app the handler of the platform's lifecycle events.
pub(super) fn connect() {
    lifecycle::set_handler(|event| match event {
        Event::Background => on_ui_thread(|core| {
            if core.is_unlocked() {
                core.lock();
            }
        }),
        Event::Foreground => on_ui_thread(|core| core.tick()),
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
