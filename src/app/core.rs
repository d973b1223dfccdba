//! [`Core`]: the state shared by the feature controllers (UI thread only), the inbox through
//! which background threads hand results back, and the timers.

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use slint::{ComponentHandle, Timer, TimerMode};

use super::clock::{Clock, ms_to_next_second};
use super::settings::Settings;
use super::{AppOptions, AppState, AppWindow, Clipboard, Msg, Screen, list, scan, unlock};
use crate::vault::{OpenOptions, Vault};

/// Work handed from a background thread to the UI thread.
pub(crate) type Job = Box<dyn FnOnce(&Rc<Core>) + Send>;

thread_local! {
    /// The app running on this (UI) thread, for the event-loop wake-up and the lifecycle calls.
    static CURRENT: RefCell<Weak<Core>> = const { RefCell::new(Weak::new()) };
}

/// Runs `f` with the app of the current thread, if there is one.
pub(crate) fn with_current<R>(f: impl FnOnce(&Rc<Core>) -> R) -> Option<R> {
    CURRENT.with(|c| c.borrow().upgrade()).map(|core| f(&core))
}

/// A cloneable, `Send` handle that posts jobs to the UI thread.
#[derive(Clone)]
pub(crate) struct Poster(Sender<Job>);

impl Poster {
    pub(crate) fn post(&self, job: impl FnOnce(&Rc<Core>) + Send + 'static) {
        if self.0.send(Box::new(job)).is_ok() {
            // Wake the event loop; without one (testing backend) the test pumps the inbox.
            let _ = slint::invoke_from_event_loop(|| {
                with_current(|core| core.drain_inbox());
            });
        }
    }
}

/// The app's state. Lives on the UI thread; controllers hold it as `Rc<Core>`.
pub struct Core {
    pub(crate) window: slint::Weak<AppWindow>,
    pub(crate) vault_path: PathBuf,
    pub(crate) settings_path: PathBuf,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) clipboard: Option<Rc<dyn Clipboard>>,
    pub(crate) open_options: OpenOptions,
    pub(crate) settings: RefCell<Settings>,
    /// The decrypted vault while unlocked; `None` when locked.
    pub(crate) vault: RefCell<Option<Vault>>,
    /// Unix second that `ListAdapter.clock == 0` stands for (keeps the Slint `int` small).
    pub(crate) base: Cell<u64>,
    pub(crate) list: list::ListState,
    pub(crate) scan: scan::ScanState,
    pub(crate) edit: RefCell<super::edit::EditTarget>,
    pub(crate) unlock: unlock::UnlockState,
    pub(crate) perf: super::perf::PerfLog,
    tick_timer: Timer,
    idle_timer: Timer,
    toast_timer: Timer,
    poster: Poster,
    inbox: Receiver<Job>,
}

impl Core {
    pub(crate) fn new(window: &AppWindow, mut options: AppOptions) -> Rc<Core> {
        let vault_path = options
            .vault_path
            .take()
            .or_else(crate::vault::default_path)
            .unwrap_or_else(|| PathBuf::from(crate::vault::DEFAULT_FILE_NAME));
        let settings_path = options
            .settings_path
            .take()
            .unwrap_or_else(|| Settings::path_for(&vault_path));
        let settings = Settings::load(&settings_path);
        let clipboard = options.clipboard.take().or_else(default_clipboard);
        let (tx, rx) = mpsc::channel();
        let now = options.clock.now_secs();
        let core = Rc::new(Core {
            window: window.as_weak(),
            vault_path,
            settings_path,
            clock: options.clock.clone(),
            clipboard,
            open_options: options.open_options,
            settings: RefCell::new(settings),
            vault: RefCell::new(None),
            base: Cell::new(now),
            list: list::ListState::default(),
            scan: scan::ScanState::new(options.camera.take().or_else(default_camera)),
            edit: RefCell::new(Default::default()),
            unlock: unlock::UnlockState::default(),
            perf: super::perf::PerfLog::open(options.perf_log.as_deref()),
            tick_timer: Timer::default(),
            idle_timer: Timer::default(),
            toast_timer: Timer::default(),
            poster: Poster(tx),
            inbox: rx,
        });
        CURRENT.with(|c| *c.borrow_mut() = Rc::downgrade(&core));
        core
    }

    /// First screen: create a passcode when there is no vault yet, else unlock.
    pub(crate) fn start(self: &Rc<Self>) {
        super::settings_view::apply(self);
        if self.vault_path.exists() {
            self.show(Screen::Unlock);
            unlock::refresh_backoff(self);
        } else {
            self.show(Screen::Setup);
        }
    }

    pub(crate) fn ui(&self) -> Option<AppWindow> {
        self.window.upgrade()
    }

    pub(crate) fn poster(&self) -> Poster {
        self.poster.clone()
    }

    /// Runs every job background threads have posted. Returns how many ran.
    pub fn drain_inbox(self: &Rc<Self>) -> usize {
        let mut n = 0;
        while let Ok(job) = self.inbox.try_recv() {
            job(self);
            n += 1;
        }
        n
    }

    pub fn is_unlocked(&self) -> bool {
        self.vault.borrow().is_some()
    }

    /// Unix seconds now.
    pub(crate) fn now(&self) -> u64 {
        self.clock.now_secs()
    }

    /// The value of `ListAdapter.clock` for Unix time `unix`.
    pub(crate) fn clock_value(&self, unix: u64) -> i32 {
        unix.saturating_sub(self.base.get())
            .min(i32::MAX as u64 - 1) as i32
    }

    pub(crate) fn show(&self, screen: Screen) {
        if let Some(ui) = self.ui() {
            ui.global::<AppState>().set_screen(screen);
            ui.invoke_focus_screen();
        }
    }

    pub(crate) fn screen(&self) -> Screen {
        self.ui()
            .map(|ui| ui.global::<AppState>().get_screen())
            .unwrap_or(Screen::Unlock)
    }

    /// Shows a short confirmation at the bottom for 1.5 s.
    pub(crate) fn toast(self: &Rc<Self>, msg: Msg, arg: impl Into<slint::SharedString>) {
        let Some(ui) = self.ui() else { return };
        let state = ui.global::<AppState>();
        state.set_toast(msg);
        state.set_toast_arg(arg.into());
        let weak = self.window.clone();
        self.toast_timer.start(
            TimerMode::SingleShot,
            Duration::from_millis(1500),
            move || {
                if let Some(ui) = weak.upgrade() {
                    ui.global::<AppState>().set_toast(Msg::None);
                }
            },
        );
    }

    /// (Re)arms the once-a-second tick so it fires just after the next whole second of the
    /// app's clock: codes change exactly at the period boundary.
    pub(crate) fn schedule_tick(self: &Rc<Self>) {
        let wait = ms_to_next_second(self.clock.now_ms());
        let weak = Rc::downgrade(self);
        self.tick_timer.start(
            TimerMode::SingleShot,
            Duration::from_millis(wait),
            move || {
                if let Some(core) = weak.upgrade() {
                    core.tick();
                }
            },
        );
    }

    /// One second passed: update what depends on time, and re-arm only if something does.
    pub fn tick(self: &Rc<Self>) {
        let mut again = false;
        if self.is_unlocked() {
            list::tick(self);
            again = true;
        }
        if unlock::refresh_backoff(self) {
            again = true;
        }
        if again {
            self.schedule_tick();
        } else {
            self.tick_timer.stop();
        }
    }

    /// The user did something: restart the idle countdown.
    pub(crate) fn activity(self: &Rc<Self>) {
        if !self.is_unlocked() {
            return;
        }
        let weak = Rc::downgrade(self);
        let idle = self.settings.borrow().auto_lock();
        self.idle_timer.start(TimerMode::SingleShot, idle, move || {
            if let Some(core) = weak.upgrade() {
                core.lock();
            }
        });
    }

    /// Called once the vault is open: show the list and start the clocks.
    pub(crate) fn unlocked(self: &Rc<Self>, vault: Vault) {
        *self.vault.borrow_mut() = Some(vault);
        self.base.set(self.now());
        list::refresh(self);
        self.show(Screen::List);
        self.schedule_tick();
        self.activity();
    }

    /// Locks: drops the decrypted vault (zeroized), every row, the form and the scanner.
    pub fn lock(self: &Rc<Self>) {
        let was_unlocked = self.is_unlocked();
        scan::stop(self);
        super::edit::clear(self);
        if let Some(v) = self.vault.borrow_mut().take() {
            v.lock();
        }
        list::clear(self);
        self.idle_timer.stop();
        self.tick_timer.stop();
        if let Some(ui) = self.ui() {
            ui.invoke_clear_passcodes();
        }
        if self.vault_path.exists() {
            self.show(Screen::Unlock);
            unlock::refresh_backoff(self);
            if unlock::backoff_active(self) {
                self.schedule_tick();
            }
        } else {
            self.show(Screen::Setup);
        }
        if was_unlocked {
            self.toast(Msg::Locked, "");
        }
    }

    /// Back navigation (Escape, back arrows).
    pub(crate) fn back(self: &Rc<Self>) {
        match self.screen() {
            Screen::Scan => scan::close(self),
            Screen::Edit => super::edit::cancel(self),
            Screen::Settings => self.show(Screen::List),
            Screen::List | Screen::Setup | Screen::Unlock => {}
        }
    }

    /// Runs `f` with the open vault; `None` when locked.
    pub(crate) fn with_vault<R>(&self, f: impl FnOnce(&mut Vault) -> R) -> Option<R> {
        self.vault.borrow_mut().as_mut().map(f)
    }
}

/// The desktop webcam when built with the `camera` feature; none otherwise (mobile entry
/// points pass their own source).
fn default_camera() -> Option<Box<dyn super::CameraSource>> {
    #[cfg(feature = "camera")]
    {
        Some(Box::new(super::webcam::Webcam::default()))
    }
    #[cfg(not(feature = "camera"))]
    {
        None
    }
}

fn default_clipboard() -> Option<Rc<dyn Clipboard>> {
    #[cfg(not(any(target_os = "android", target_os = "ios")))]
    {
        match super::clipboard::DesktopClipboard::new() {
            Ok(c) => Some(Rc::new(c)),
            Err(_) => None,
        }
    }
    #[cfg(any(target_os = "android", target_os = "ios"))]
    {
        None
    }
}
