//! The app's life on the OS: leaving and re-entering the foreground.
//!
//! - [`gate`]: when leaving the foreground must lock and hide the content ([`LifecycleGate`],
//!   the same policy on Android and iOS; tested on Linux).
//! - [`notify`]: how a platform tells whoever runs the vault (the GUI registers itself with
//!   [`set_handler`]) that the app went to the background or came back. Phone glue calls it
//!   from any thread; the handler brings the call to its own thread.
//!
//! The idle timeout while the app is in front is the GUI's own (`app::lifecycle`).

pub mod gate;

use std::sync::{Arc, Mutex};

pub use gate::{LifecycleGate, LockPolicy, Reaction, SYSTEM_UI_WINDOW};

/// What happened to the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Gone to the background (Android `onPause`/`onStop`, iOS `willResignActive`): lock now,
    /// so the app switcher and a lost phone show no codes.
    Background,
    /// Visible again: refresh whatever depends on time.
    Foreground,
}

type Handler = Arc<dyn Fn(Event) + Send + Sync>;

static HANDLER: Mutex<Option<Handler>> = Mutex::new(None);

/// Sets who hears [`notify`] (the running app; a later call replaces it).
pub fn set_handler(handler: impl Fn(Event) + Send + Sync + 'static) {
    *HANDLER.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(handler));
}

/// Tells the handler, if any, what happened. Returns whether one heard it.
pub fn notify(event: Event) -> bool {
    let handler = HANDLER.lock().unwrap_or_else(|p| p.into_inner()).clone();
    match handler {
        Some(h) => {
            h(event);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn the_handler_hears_events() {
        static HEARD: AtomicUsize = AtomicUsize::new(0);
        set_handler(|e| {
            if e == Event::Background {
                HEARD.fetch_add(1, Ordering::SeqCst);
            }
        });
        assert!(notify(Event::Background));
        assert!(notify(Event::Foreground));
        assert_eq!(HEARD.load(Ordering::SeqCst), 1);
    }
}
