//! [`Core`]: the app's state (UI thread only): the open vault, every screen's state as a field,
//! the inbox through which background threads hand results back, and the timers. Also the
//! one helper that wires a Slint callback to a controller ([`Core::act`]).

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use slint::{ComponentHandle, Timer, TimerMode};

use super::clock::{Clock, ms_to_next_second};
use super::{AppOptions, AppWindow, Msg, Navigation, Screen, list, nav, scan, unlock};
use crate::clipboard::Clipboard;
use crate::settings::Settings;
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
    pub(crate) nav: nav::NavState,
    pub(crate) unlock: unlock::UnlockState,
    pub(crate) list: list::ListState,
    pub(crate) scan: scan::ScanState,
    pub(crate) edit: RefCell<super::edit::EditTarget>,
    pub(crate) reauth: super::reauth::ReauthState,
    pub(crate) export: super::export::ExportState,
    pub(crate) import: super::import::ImportState,
    pub(crate) account_qr: super::account_qr::AccountQrState,
    pub(crate) auto_backup: super::auto_backup::AutoBackupState,
    pub(crate) safety: super::safety::SafetyState,
    /// Counts locks: a background result started before a lock is dropped.
    pub(crate) epoch: Cell<u64>,
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
            nav: Default::default(),
            unlock: Default::default(),
            list: Default::default(),
            scan: scan::ScanState::new(options.camera.take().or_else(default_camera)),
            edit: Default::default(),
            reauth: Default::default(),
            export: Default::default(),
            import: Default::default(),
            account_qr: Default::default(),
            auto_backup: Default::default(),
            safety: Default::default(),
            epoch: Cell::new(0),
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
            nav::reset(self, Screen::Unlock);
            unlock::refresh_backoff(self);
        } else {
            nav::reset(self, Screen::Setup);
        }
    }

    pub(crate) fn ui(&self) -> Option<AppWindow> {
        self.window.upgrade()
    }

    pub(crate) fn poster(&self) -> Poster {
        self.poster.clone()
    }

    /// Runs `work` on a new thread named `name`, with a [`Poster`] for its results. When the
    /// OS refuses a thread, the user is told and `false` comes back (the caller undoes its
    /// "busy" state); the app does not crash.
    pub(crate) fn spawn(
        self: &Rc<Self>,
        name: &str,
        work: impl FnOnce(Poster) + Send + 'static,
    ) -> bool {
        let poster = self.poster();
        match std::thread::Builder::new()
            .name(name.into())
            .spawn(move || work(poster))
        {
            Ok(_) => true,
            Err(e) => {
                self.toast(Msg::NoThread, e.to_string());
                false
            }
        }
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

    /// True when the app runs with the light key-derivation settings that only tests use
    /// (`OpenOptions::light_for_tests`); transfers and backups then use light settings too.
    pub(crate) fn light_kdf(&self) -> bool {
        self.open_options.kdf_bounds == crate::vault::KdfBounds::LIGHT_FOR_TESTS
    }

    /// The accounts of the open vault (empty when locked), for tests and tools that check what
    /// an import stored. Never shown anywhere.
    pub fn vault_accounts(&self) -> Vec<crate::account::Account> {
        self.with_vault(|v| v.entries().iter().map(|e| e.account.clone()).collect())
            .unwrap_or_default()
    }

    /// The entries (accounts with their metadata) of the open vault, for tests that check what
    /// a restore stored. Never shown anywhere.
    pub fn vault_entries(&self) -> Vec<crate::vault::Entry> {
        self.with_vault(|v| v.entries().to_vec())
            .unwrap_or_default()
    }

    /// A Slint callback without arguments that runs `f` with the app, if it still exists,
    /// and counts as activity (it restarts the idle timer). Every controller wires its
    /// adapter's callbacks through this and [`Core::act1`] / [`Core::act2`].
    pub(crate) fn act(self: &Rc<Self>, f: impl Fn(&Rc<Core>) + 'static) -> impl Fn() + 'static {
        let weak = Rc::downgrade(self);
        move || {
            if let Some(core) = weak.upgrade() {
                core.activity();
                f(&core);
            }
        }
    }

    /// [`Core::act`] for a callback with one argument.
    pub(crate) fn act1<A>(
        self: &Rc<Self>,
        f: impl Fn(&Rc<Core>, A) + 'static,
    ) -> impl Fn(A) + 'static {
        let weak = Rc::downgrade(self);
        move |a| {
            if let Some(core) = weak.upgrade() {
                core.activity();
                f(&core, a);
            }
        }
    }

    /// [`Core::act`] for a callback with two arguments.
    pub(crate) fn act2<A, B>(
        self: &Rc<Self>,
        f: impl Fn(&Rc<Core>, A, B) + 'static,
    ) -> impl Fn(A, B) + 'static {
        let weak = Rc::downgrade(self);
        move |a, b| {
            if let Some(core) = weak.upgrade() {
                core.activity();
                f(&core, a, b);
            }
        }
    }

    /// Shows a short confirmation at the bottom for 1.5 s.
    pub(crate) fn toast(self: &Rc<Self>, msg: Msg, arg: impl Into<slint::SharedString>) {
        let Some(ui) = self.ui() else { return };
        let n = ui.global::<Navigation>();
        n.set_toast(msg);
        n.set_toast_arg(arg.into());
        let weak = self.window.clone();
        self.toast_timer.start(
            TimerMode::SingleShot,
            Duration::from_millis(1500),
            move || {
                if let Some(ui) = weak.upgrade() {
                    ui.global::<Navigation>().set_toast(Msg::None);
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
            super::safety::tick(self);
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
        self.perf
            .unlock_step("unlock_rows_ms", std::time::Instant::now());
        nav::reset(self, Screen::List);
        self.perf
            .unlock_step("unlock_screen_ms", std::time::Instant::now());
        super::safety::unlocked(self);
        self.schedule_tick();
        self.activity();
    }

    /// Locks: drops the decrypted vault (zeroized), every row, every screen's data (leaving a
    /// screen clears what it showed) and the prompt; then the passcode screen.
    pub fn lock(self: &Rc<Self>) {
        let was_unlocked = self.is_unlocked();
        self.epoch.set(self.epoch.get() + 1);
        super::reauth::locked(self);
        unlock::locked(self);
        let root = if self.vault_path.exists() {
            Screen::Unlock
        } else {
            Screen::Setup
        };
        nav::reset(self, root);
        scan::stop(self);
        if let Some(v) = self.vault.borrow_mut().take() {
            v.lock();
        }
        list::clear(self);
        super::safety::refresh(self);
        self.idle_timer.stop();
        self.tick_timer.stop();
        if let Some(ui) = self.ui() {
            ui.invoke_clear_passcodes();
            ui.invoke_focus_screen();
        }
        if root == Screen::Unlock {
            unlock::refresh_backoff(self);
            if unlock::backoff_active(self) {
                self.schedule_tick();
            }
        }
        if was_unlocked {
            self.toast(Msg::Locked, "");
        }
    }

    /// Writes the settings beside the vault; a failure is told, the settings stay in effect.
    pub(crate) fn save_settings(self: &Rc<Self>) {
        let settings = self.settings.borrow().clone();
        if settings.save(&self.settings_path).is_err() {
            self.toast(
                Msg::SettingsNotSaved,
                self.settings_path.display().to_string(),
            );
        }
    }

    /// Runs `f` with the open vault; `None` when locked.
    pub(crate) fn with_vault<R>(&self, f: impl FnOnce(&mut Vault) -> R) -> Option<R> {
        self.vault.borrow_mut().as_mut().map(f)
    }

    /// Changes the open vault through `f` (which saves it): once the change is saved, the
    /// core's automatic backups follow it, as after every command of the CLI
    /// ([`crate::autobackup::after_change`]: with backups on a backup is written and checked;
    /// a failure leaves the change saved and is recorded in the backup status). Every change
    /// the app makes (add, edit, delete, reorder, favourite, HOTP counter, import, passcode)
    /// goes through here. Then the top of the list shows what is due (a failed backup, a
    /// reminder, the offer after the first account: [`super::safety`]). `None` when locked.
    pub(crate) fn change<R, E>(
        &self,
        f: impl FnOnce(&mut Vault) -> Result<R, E>,
    ) -> Option<Result<R, E>> {
        let before = self.with_vault(|v| v.entries().len())?;
        let result = self.with_vault(f)?;
        if result.is_ok() {
            self.changed_from(before);
        }
        Some(result)
    }

    /// The open vault was changed and saved outside [`Core::change`] (part of an import
    /// before an error): its automatic backups follow.
    pub(crate) fn changed(&self) {
        self.changed_from(usize::MAX);
    }

    fn changed_from(&self, before: usize) {
        let now = self.now();
        let after = self.with_vault(|v| {
            crate::autobackup::after_change(v, now);
            v.entries().len()
        });
        if let Some(after) = after {
            super::safety::changed(self, before, after);
        }
    }
}

/// The desktop webcam when built with the `camera` feature; none otherwise (mobile entry
/// points pass their own source).
fn default_camera() -> Option<Box<dyn crate::camera::FrameSource>> {
    #[cfg(feature = "camera")]
    {
        Some(Box::new(crate::camera::device::Webcam::default()))
    }
    #[cfg(not(feature = "camera"))]
    {
        None
    }
}

fn default_clipboard() -> Option<Rc<dyn Clipboard>> {
    #[cfg(not(any(target_os = "android", target_os = "ios")))]
    {
        match crate::clipboard::DesktopClipboard::new() {
            Ok(c) => Some(Rc::new(c)),
            Err(_) => None,
        }
    }
    #[cfg(any(target_os = "android", target_os = "ios"))]
    {
        None
    }
}
