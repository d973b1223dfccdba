//! The system clipboard: copying a code and taking it off again later, and reading what the
//! user wants to paste (an `otpauth://` link or a QR image).
//!
//! One trait, [`Clipboard`], with one backend per platform: [`DesktopClipboard`] (arboard;
//! Linux, macOS, Windows), Android's `ClipboardManager` (a clip marked sensitive) and iOS's
//! `UIPasteboard` (local only, expiring) in `platform::android` / `platform::ios`, and
//! [`RecordingClipboard`] for tests. Where the OS clipboard cannot expire by itself, the
//! backend clears later through one [`ClearSchedule`]: only if the clipboard still holds the
//! code, so something the user copied since is never destroyed.

mod schedule;

#[cfg(all(feature = "gui", not(any(target_os = "android", target_os = "ios"))))]
mod desktop;

use std::cell::RefCell;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::qr::Frame;

#[cfg(all(feature = "gui", not(any(target_os = "android", target_os = "ios"))))]
pub use desktop::DesktopClipboard;
pub use schedule::{ClearDecision, ClearSchedule, Clip};

/// What the clipboard holds, for pasting a QR image or an `otpauth://` link.
pub enum Pasted {
    Text(Zeroizing<String>),
    Image(Frame),
}

/// Puts a one-time code on the system clipboard and takes it off again later; reads it.
pub trait Clipboard {
    /// Copies `code` (digits only, no grouping space) and clears it after `clear_after`
    /// if the clipboard still holds it. `Duration::ZERO` means never clear.
    fn set_code(&self, code: &str, clear_after: Duration);

    /// What the clipboard holds now (text first, then an image); `None` when it is empty or
    /// the OS does not let the app read it.
    fn read(&self) -> Option<Pasted>;
}

impl<T: Clipboard + ?Sized> Clipboard for std::rc::Rc<T> {
    fn set_code(&self, code: &str, clear_after: Duration) {
        (**self).set_code(code, clear_after)
    }
    fn read(&self) -> Option<Pasted> {
        (**self).read()
    }
}

/// Remembers what was copied and returns what a test put there (tests; screenshots).
#[derive(Default)]
pub struct RecordingClipboard {
    copied: RefCell<Vec<(String, Duration)>>,
    content: RefCell<Option<String>>,
}

impl RecordingClipboard {
    pub fn new() -> Self {
        Self::default()
    }
    /// Every `(code, clear_after)` copied so far, oldest first.
    pub fn copied(&self) -> Vec<(String, Duration)> {
        self.copied.borrow().clone()
    }
    /// The last code copied.
    pub fn last(&self) -> Option<String> {
        self.copied.borrow().last().map(|(c, _)| c.clone())
    }
    /// Puts text on the clipboard as another app would.
    pub fn put_text(&self, text: &str) {
        *self.content.borrow_mut() = Some(text.to_owned());
    }
}

impl Clipboard for RecordingClipboard {
    fn set_code(&self, code: &str, clear_after: Duration) {
        self.copied
            .borrow_mut()
            .push((code.to_owned(), clear_after));
        *self.content.borrow_mut() = Some(code.to_owned());
    }

    fn read(&self) -> Option<Pasted> {
        let text = self.content.borrow().clone()?;
        (!text.trim().is_empty()).then(|| Pasted::Text(Zeroizing::new(text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recording_keeps_order_and_reads_back() {
        let c = RecordingClipboard::new();
        assert!(c.read().is_none());
        c.set_code("123456", Duration::from_secs(30));
        c.set_code("654321", Duration::ZERO);
        assert_eq!(c.last().as_deref(), Some("654321"));
        assert_eq!(
            c.copied()[0],
            ("123456".to_owned(), Duration::from_secs(30))
        );
        c.put_text("otpauth://totp/A?secret=JBSWY3DPEHPK3PXP");
        assert!(matches!(c.read(), Some(Pasted::Text(t)) if t.starts_with("otpauth://")));
        c.put_text("  ");
        assert!(c.read().is_none());
    }
}
