//! The graphical app: the only module that knows Slint.
//!
//! `ui/` holds the .slint files: one adapter global per view in `ui/globals/`, one controller
//! per view here. Navigation is one stack of screens ([`nav`]); every sentence shown is one
//! `Msg` of one catalogue (`ui/globals/messages.slint`); each screen's state is a field of
//! [`Core`]; every callback is wired through [`Core::act`].
//!
//! | file | what |
//! |---|---|
//! | [`core`] | [`Core`]: the app's state, the inbox for background results, timers, callback wiring |
//! | [`nav`] | the screen stack: open, back, what leaving a screen clears |
//! | [`lifecycle`] | auto-lock on background (the handler of [`crate::lifecycle::notify`]) |
//! | [`unlock`] | first start (create passcode), unlock with the KDF on a thread, backoff |
//! | [`list`] | the account list: rows, once-a-second tick, search, group chips, sort, reveal on tap, favourites, copy |
//! | [`scan`] | scanner: camera frames, image files, paste, the screen (desktop), the way to manual entry |
//! | [`edit`] | confirm / edit / manual form: icon (brand, glyph, letter, own picture), groups, delete |
//! | [`avatars`] | what an avatar shows (brand logo, glyph, letter, picture), images made lazily |
//! | [`settings_view`], [`i18n`] | settings screen ([`crate::settings::Settings`] on disk), language |
//! | [`reauth`] | the passcode prompt before a screen shows secrets |
//! | [`export`] | export to a new device: sealed or Google QR parts |
//! | [`import`] | import: transfer QR parts, files, the summary |
//! | [`account_qr`] | one account's QR code |
//! | [`backup`] | backup file, restore drill, paper backup |
//! | [`auto_backup`] | automatic backups (on/off, folder, password, back up now), restore from the folder or a file, the reminders' settings |
//! | [`safety`] | the top of the list: the banner while backups fail, reminders, the first-run offer |
//! | [`passcode`] | change the passcode |
//! | [`about`] | version and licences |
//!
//! Pure logic (what a row shows, search, ordering, the manual form) lives in [`rows`],
//! [`manual`], [`glyphs`] and is unit-tested without a window. Secrets never enter a Slint
//! model: rows carry issuer, name, icon, colour and the formatted code only. The few Slint
//! properties that carry a secret are listed in ARCHITECTURE.md and cleared by [`nav`] when
//! their screen closes and when the app locks.
//!
//! Background work (the KDF, the QR decoder, file dialogs) never runs on the UI thread; it
//! starts through [`Core::spawn`] and posts a closure to the app's inbox, which the event loop
//! drains.

slint::include_modules!();

mod about;
pub mod account_qr;
mod auto_backup;
mod avatars;
mod backup;
pub mod clock;
mod core;
pub mod demo;
mod edit;
pub mod export;
pub mod glyphs;
pub mod i18n;
pub mod import;
mod lifecycle;
mod list;
pub mod manual;
pub mod nav;
mod passcode;
mod perf;
mod reasons;
mod reauth;
pub mod rows;
mod safety;
pub mod scan;
mod settings_view;
mod strength;
mod unlock;

use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

pub use self::auto_backup::short_path;
pub use self::clock::{Clock, ManualClock, SystemClock};
pub use self::core::Core;
use crate::camera::FrameSource;
use crate::clipboard::Clipboard;

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
    pub camera: Option<Box<dyn FrameSource>>,
    /// Vault open options. The app always uses the real KDF bounds, calibrated KDF for new
    /// passcodes, the strength floor and this device's key store ([`crate::keystore::options`]);
    /// only tests widen the bounds to open vaults created with light parameters.
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
            open_options: crate::keystore::options(),
            perf_log: None,
        }
    }
}

impl AppOptions {
    /// What the tests and the screenshot examples run the app with: the vault given (its
    /// settings beside it, as the app keeps them), a clock they move themselves, a clipboard
    /// that only records, no camera, and open options that admit light test vaults
    /// ([`OpenOptions::light_for_tests`], never used by the app itself).
    ///
    /// [`OpenOptions::light_for_tests`]: crate::vault::OpenOptions::light_for_tests
    pub fn for_tests(vault: PathBuf, clock: Arc<dyn Clock>) -> AppOptions {
        AppOptions {
            vault_path: Some(vault),
            settings_path: None,
            clock,
            clipboard: Some(Rc::new(crate::clipboard::RecordingClipboard::new())),
            camera: None,
            open_options: crate::vault::OpenOptions::light_for_tests(),
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
        nav::connect(&window, &core);
        lifecycle::connect();
        unlock::connect(&window, &core);
        list::connect(&window, &core);
        scan::connect(&window, &core);
        edit::connect(&window, &core);
        settings_view::connect(&window, &core);
        i18n::connect(&window, &core);
        reauth::connect(&window, &core);
        export::connect(&window, &core);
        import::connect(&window, &core);
        account_qr::connect(&window, &core);
        backup::connect(&window, &core);
        auto_backup::connect(&window, &core);
        safety::connect(&window, &core);
        passcode::connect(&window, &core);
        about::connect(&window);
        core.start();
        if core.perf.enabled() {
            let weak = Rc::downgrade(&core);
            perf::on_frame(window.window(), move || {
                if let Some(core) = weak.upgrade() {
                    core.perf.frame_drawn(nav::current(&core) == Screen::List);
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
