//! Copying codes: the [`Clipboard`] trait the app uses, the desktop implementation (arboard)
//! and a recording implementation for tests. Android/iOS implementations live in
//! `src/platform/`.
//!
//! Clearing: after `clear_after` the clipboard is emptied only if it still holds the code, so
//! something the user copied since is never destroyed.

use std::cell::RefCell;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

/// Puts a one-time code on the system clipboard and takes it off again later.
pub trait Clipboard {
    /// Copies `code` (digits only, no grouping space) and clears it after `clear_after`
    /// if the clipboard still holds it. `Duration::ZERO` means never clear.
    fn set_code(&self, code: &str, clear_after: Duration);
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
enum Command {
    Set {
        code: Zeroizing<String>,
        clear_after: Duration,
    },
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
/// The desktop clipboard through `arboard`, owned by one background thread so the clipboard
/// content stays available on X11/Wayland (where the owner must stay alive) and the UI thread
/// never blocks on the clipboard.
pub struct DesktopClipboard {
    tx: Sender<Command>,
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
impl DesktopClipboard {
    /// Starts the clipboard thread. Fails when no clipboard is reachable (no display).
    pub fn new() -> Result<Self, arboard::Error> {
        // Probe on this thread so the caller learns at once whether a clipboard exists.
        drop(arboard::Clipboard::new()?);
        let (tx, rx) = mpsc::channel::<Command>();
        thread::Builder::new()
            .name("monban-clipboard".into())
            .spawn(move || {
                let Ok(mut board) = arboard::Clipboard::new() else {
                    return;
                };
                // The code waiting to be cleared and when.
                let mut pending: Option<(Zeroizing<String>, Instant)> = None;
                loop {
                    let msg = match &pending {
                        Some((_, at)) => {
                            let wait = at.saturating_duration_since(Instant::now());
                            match rx.recv_timeout(wait) {
                                Ok(m) => Some(m),
                                Err(RecvTimeoutError::Timeout) => None,
                                Err(RecvTimeoutError::Disconnected) => break,
                            }
                        }
                        None => match rx.recv() {
                            Ok(m) => Some(m),
                            Err(_) => break,
                        },
                    };
                    match msg {
                        Some(Command::Set { code, clear_after }) => {
                            let _ = set_text(&mut board, &code);
                            pending = (!clear_after.is_zero())
                                .then(|| (code, Instant::now() + clear_after));
                        }
                        None => {
                            if let Some((code, _)) = pending.take() {
                                let still = board
                                    .get_text()
                                    .map(|t| Zeroizing::new(t) == code)
                                    .unwrap_or(false);
                                if still {
                                    let _ = board.clear();
                                }
                            }
                        }
                    }
                }
            })
            .map_err(|e| arboard::Error::Unknown {
                description: e.to_string(),
            })?;
        Ok(DesktopClipboard { tx })
    }
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
#[cfg(target_os = "linux")]
fn set_text(board: &mut arboard::Clipboard, text: &str) -> Result<(), arboard::Error> {
    use arboard::SetExtLinux;
    // Clipboard managers honouring the hint keep one-time codes out of their history.
    board.set().exclude_from_history().text(text.to_owned())
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
#[cfg(not(target_os = "linux"))]
fn set_text(board: &mut arboard::Clipboard, text: &str) -> Result<(), arboard::Error> {
    board.set_text(text.to_owned())
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
impl Clipboard for DesktopClipboard {
    fn set_code(&self, code: &str, clear_after: Duration) {
        let _ = self.tx.send(Command::Set {
            code: Zeroizing::new(code.to_owned()),
            clear_after,
        });
    }
}

/// Remembers what was copied (tests; platforms without a clipboard).
#[derive(Default)]
pub struct RecordingClipboard {
    copied: RefCell<Vec<(String, Duration)>>,
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
}

impl Clipboard for RecordingClipboard {
    fn set_code(&self, code: &str, clear_after: Duration) {
        self.copied
            .borrow_mut()
            .push((code.to_owned(), clear_after));
    }
}

impl<T: Clipboard + ?Sized> Clipboard for std::rc::Rc<T> {
    fn set_code(&self, code: &str, clear_after: Duration) {
        (**self).set_code(code, clear_after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recording_keeps_order() {
        let c = RecordingClipboard::new();
        c.set_code("123456", Duration::from_secs(30));
        c.set_code("654321", Duration::ZERO);
        assert_eq!(c.last().as_deref(), Some("654321"));
        assert_eq!(
            c.copied()[0],
            ("123456".to_owned(), Duration::from_secs(30))
        );
    }
}
