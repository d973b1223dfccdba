//! The desktop clipboard through `arboard` (Linux X11/Wayland, macOS, Windows).
//!
//! One background thread owns the clipboard: on X11/Wayland the owner must stay alive for the
//! content to stay available, and the UI thread never blocks on it. Clearing later goes through
//! the shared [`ClearSchedule`].

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::{ClearDecision, ClearSchedule, Clip, Clipboard, Pasted};

struct Set {
    code: Zeroizing<String>,
    clear_after: Duration,
}

/// The system clipboard of a desktop.
pub struct DesktopClipboard {
    tx: Sender<Set>,
}

impl DesktopClipboard {
    /// Starts the clipboard thread. Fails when no clipboard is reachable (no display).
    pub fn new() -> Result<Self, arboard::Error> {
        // Probe on this thread so the caller learns at once whether a clipboard exists.
        drop(arboard::Clipboard::new()?);
        let (tx, rx) = mpsc::channel::<Set>();
        thread::Builder::new()
            .name("monban-clipboard".into())
            .spawn(move || {
                let Ok(mut board) = arboard::Clipboard::new() else {
                    return;
                };
                let mut schedule = ClearSchedule::new();
                loop {
                    let next = match schedule.due() {
                        Some(due) => {
                            match rx.recv_timeout(due.saturating_duration_since(Instant::now())) {
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
                    match next {
                        Some(Set { code, clear_after }) => {
                            let _ = set_text(&mut board, &code);
                            schedule.copied(&code, Instant::now(), clear_after);
                        }
                        None => {
                            let text = board.get_text().ok().map(Zeroizing::new);
                            let clip = match &text {
                                Some(t) => Clip::Text(t),
                                None => Clip::Empty,
                            };
                            if schedule.check(Instant::now(), clip) == ClearDecision::Clear {
                                let _ = board.clear();
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

#[cfg(target_os = "linux")]
fn set_text(board: &mut arboard::Clipboard, text: &str) -> Result<(), arboard::Error> {
    use arboard::SetExtLinux;
    // Clipboard managers honouring the hint keep one-time codes out of their history.
    board.set().exclude_from_history().text(text.to_owned())
}

#[cfg(not(target_os = "linux"))]
fn set_text(board: &mut arboard::Clipboard, text: &str) -> Result<(), arboard::Error> {
    board.set_text(text.to_owned())
}

impl Clipboard for DesktopClipboard {
    fn set_code(&self, code: &str, clear_after: Duration) {
        let _ = self.tx.send(Set {
            code: Zeroizing::new(code.to_owned()),
            clear_after,
        });
    }

    fn read(&self) -> Option<Pasted> {
        let mut board = arboard::Clipboard::new().ok()?;
        if let Ok(text) = board.get_text() {
            let text = Zeroizing::new(text);
            if !text.trim().is_empty() {
                return Some(Pasted::Text(text));
            }
        }
        let img = board.get_image().ok()?;
        let frame = crate::camera::frame_from_pixels(
            &img.bytes,
            img.width,
            img.height,
            img.width * 4,
            crate::camera::Packing::RgbaOnWhite,
        )
        .ok()?;
        Some(Pasted::Image(frame))
    }
}
