//! The graphical app: the only module that knows Slint.
//!
//! `ui/` holds the .slint files; each feature has one adapter global there (`UnlockAdapter`,
//! `ListAdapter`, `ScanAdapter`, `EditAdapter`, `SettingsAdapter`) and one Rust file here that
//! connects it:
//!
//! | file | feature |
//! |---|---|
//! | [`unlock`] | first start (create passcode), unlock with the KDF on a thread, backoff |
//! | [`list`] | the account list: rows, once-a-second tick, search, favourites, copy |
//! | [`scan`] | scanner view: camera frames, image files, paste, manual entry |
//! | [`edit`] | confirm / edit / manual form, delete |
//! | [`settings_view`] | settings screen ([`settings::Settings`] on disk) |
//! | [`lifecycle`] | auto-lock on idle and on background |
//!
//! Pure logic (what a row shows, search, ordering, the manual form) lives in [`rows`],
//! [`manual`], [`glyphs`] and is unit-tested without a window. Secrets never enter a Slint
//! model: rows carry issuer, name, icon, colour and the formatted code only.
//!
//! Background work (the KDF, the QR decoder, file dialogs) never runs on the UI thread; it
//! posts a closure to the app's inbox ([`Core::post`]), which the event loop drains.

slint::include_modules!();

pub mod clipboard;
pub mod clock;
mod core;
pub mod demo;
mod edit;
pub mod glyphs;
pub mod lifecycle;
mod list;
pub mod manual;
mod perf;
pub mod rows;
pub mod scan;
pub mod settings;
mod settings_view;
mod unlock;
#[cfg(feature = "camera")]
pub mod webcam;
// Part 2 (issue 7): pages over the current screen.
mod about;
pub mod account_qr;
mod backup;
pub mod export;
pub mod i18n;
pub mod import;
pub mod pages;
mod passcode;

use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

pub use self::clipboard::Clipboard;
pub use self::clock::{Clock, ManualClock, SystemClock};
pub use self::core::Core;
pub use self::scan::{CameraError, CameraFeed, CameraSource};

/// How the app is started: desktop `main`, Android/iOS entry points, tests and screenshots.
pub struct AppOptions {
    /// The vault file; `None` uses the per-user default (`vault::default_path`).
    pub vault_path: Option<PathBuf>,
    /// Where the app's preferences live; `None`: beside the vault.
    pub settings_path: Option<PathBuf>,
    /// Wall clock for the codes (tests pass a [`ManualClock`]).
    pub clock: Arc<dyn Clock>,
    /// The system clipboard; `None` picks the desktop one (or none where it cannot run).
    pub clipboard: Option<Rc<dyn Clipboard>>,
    /// The live camera; `None` shows the scanner without a live image (files, paste and
    /// manual entry still work). With the `camera` feature the desktop default is the webcam.
    pub camera: Option<Box<dyn CameraSource>>,
    /// Vault open options. The app always uses the real KDF bounds; only tests of the library
    /// widen them to open vaults created with light parameters.
    pub open_options: crate::vault::OpenOptions,
    /// Append timing marks here (first frame drawn, passcode → list drawn, KDF time); for
    /// the performance figures. `None`: no marks.
    pub perf_log: Option<PathBuf>,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            vault_path: None,
            settings_path: None,
            clock: Arc::new(SystemClock),
            clipboard: None,
            camera: None,
            open_options: crate::vault::OpenOptions::default(),
            perf_log: None,
        }
    }
}

/// A running app: the window plus the controllers behind it. Dropping it closes the vault.
pub struct App {
    window: AppWindow,
    core: Rc<Core>,
}

impl App {
    /// Creates the window and connects every feature, without running the event loop.
    pub fn new(options: AppOptions) -> Result<App, slint::PlatformError> {
        let window = AppWindow::new()?;
        let core = Core::new(&window, options);
        unlock::connect(&window, &core);
        list::connect(&window, &core);
        scan::connect(&window, &core);
        edit::connect(&window, &core);
        settings_view::connect(&window, &core);
        lifecycle::connect(&window, &core);
        pages::connect(&window, &core);
        export::connect(&window, &core);
        import::connect(&window, &core);
        account_qr::connect(&window, &core);
        backup::connect(&window, &core);
        passcode::connect(&window, &core);
        i18n::connect(&window, &core);
        about::connect(&window);
        core.start();
        if core.perf.enabled() {
            let weak = Rc::downgrade(&core);
            let _ = window.window().set_rendering_notifier(move |state, _| {
                if let (slint::RenderingState::AfterRendering, Some(core)) = (state, weak.upgrade())
                {
                    core.perf.frame_drawn(core.screen() == Screen::List);
                }
            });
        }
        Ok(App { window, core })
    }

    pub fn window(&self) -> &AppWindow {
        &self.window
    }

    pub fn core(&self) -> &Rc<Core> {
        &self.core
    }

    /// Frames drawn so far (counted only when a perf log is set).
    pub fn frames_drawn(&self) -> u64 {
        self.core.perf.frames()
    }

    /// Runs queued background results (tests and benchmarks; the event loop does this itself).
    pub fn pump(&self) -> usize {
        self.core.drain_inbox()
    }

    /// Pumps until `done` is true or `timeout` passes; returns whether `done` became true.
    pub fn pump_until(&self, timeout: Duration, mut done: impl FnMut(&App) -> bool) -> bool {
        let end = std::time::Instant::now() + timeout;
        loop {
            self.pump();
            if done(self) {
                return true;
            }
            if std::time::Instant::now() >= end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Shows the window and runs the event loop until the window is closed.
    pub fn run(&self) -> Result<(), slint::PlatformError> {
        self.window.run()
    }
}

/// Creates the window and runs the event loop (desktop `main`, `android_main`, iOS).
pub fn run(options: AppOptions) -> Result<(), slint::PlatformError> {
    let app = App::new(options)?;
    app.run()
}
