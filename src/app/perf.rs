//! Timing marks for the performance figures (`docs/performance.md`): written only when
//! `AppOptions::perf_log` is set (the desktop binary sets it from `MONBAN_PERF_LOG`).
//! Lines are `key=value`; times are Unix milliseconds or durations in milliseconds.

use std::cell::{Cell, RefCell};
use std::io::Write;
use std::path::Path;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

#[derive(Default)]
pub(crate) struct PerfLog {
    file: RefCell<Option<std::fs::File>>,
    first_frame: Cell<bool>,
    unlock_started: Cell<Option<Instant>>,
    frames: Cell<u64>,
}

fn unix_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
}

impl PerfLog {
    pub(crate) fn open(path: Option<&Path>) -> PerfLog {
        let file = path.and_then(|p| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .ok()
        });
        PerfLog {
            file: RefCell::new(file),
            ..Default::default()
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.file.borrow().is_some()
    }

    pub(crate) fn mark(&self, key: &str, value: impl std::fmt::Display) {
        if let Some(f) = self.file.borrow_mut().as_mut() {
            let _ = writeln!(f, "{key}={value}");
            let _ = f.flush();
        }
    }

    /// The passcode was submitted.
    pub(crate) fn unlock_started(&self) {
        if self.enabled() {
            self.unlock_started.set(Some(Instant::now()));
        }
    }

    /// One step of "passcode → list drawn", at `at`: `key` with the milliseconds since the
    /// passcode was submitted (nothing when no unlock is being timed).
    pub(crate) fn unlock_step(&self, key: &str, at: Instant) {
        if let Some(t) = self.unlock_started.get() {
            let ms = at.saturating_duration_since(t).as_secs_f64() * 1000.0;
            self.mark(key, format!("{ms:.1}"));
        }
    }

    /// A frame was drawn; `list_shown`: the account list is the current screen.
    pub(crate) fn frame_drawn(&self, list_shown: bool) {
        if !self.enabled() {
            return;
        }
        self.frames.set(self.frames.get() + 1);
        if !self.first_frame.replace(true) {
            self.mark("first_frame_unix_ms", unix_ms());
        }
        if list_shown && let Some(t) = self.unlock_started.take() {
            self.mark(
                "unlock_to_list_ms",
                format!("{:.1}", t.elapsed().as_secs_f64() * 1000.0),
            );
            self.mark("list_drawn_unix_ms", unix_ms());
        }
    }

    pub(crate) fn frames(&self) -> u64 {
        self.frames.get()
    }
}

/// Calls `drawn` after every frame of `window`: through the renderer's notifier where it has
/// one (FemtoVG, Skia), else (the software renderer, the desktop's) on the event loop's next
/// turn after winit asked for the frame, when it has been drawn and handed to the display.
pub(crate) fn on_frame(window: &slint::Window, drawn: impl Fn() + Clone + 'static) {
    let notified = drawn.clone();
    let notifier = window.set_rendering_notifier(move |state, _| {
        if matches!(state, slint::RenderingState::AfterRendering) {
            notified();
        }
    });
    if notifier.is_err() {
        after_redraw(window, drawn);
    }
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
fn after_redraw(window: &slint::Window, drawn: impl Fn() + Clone + 'static) {
    use slint::winit_030::{EventResult, WinitWindowAccessor, winit::event::WindowEvent};
    window.on_winit_window_event(move |_, event| {
        if matches!(event, WindowEvent::RedrawRequested) {
            // Timers run once the event loop has handled the events of this turn: the draw.
            slint::Timer::single_shot(std::time::Duration::ZERO, drawn.clone());
        }
        EventResult::Propagate
    });
}

#[cfg(any(target_os = "android", target_os = "ios"))]
fn after_redraw(_: &slint::Window, _: impl Fn() + Clone + 'static) {
    // The phones' renderers have a notifier.
}
