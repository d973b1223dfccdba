//! Android: the entry point and the glue around the shared app.
//!
//! `android/src/lib.rs` (the cdylib the APK loads) defines `android_main` and calls [`main`].
//! Everything runs on android-activity's main thread, which is Slint's event-loop thread: the
//! lifecycle listener, the camera start/stop and the clipboard calls. Shared state is therefore
//! an `Rc<RefCell<…>>`, and no borrow is held while calling into the app (which may call back
//! into the camera when it locks).
//!
//! - `FLAG_SECURE` on the window: codes never show in screenshots, screen recordings or the
//!   task switcher (`AndroidApp::set_window_flags`, which NativeActivity applies on its UI
//!   thread).
//! - Lock on pause/stop through [`LifecycleGate`] (a permission dialog we opened is excused).
//! - CAMERA permission through [`PermissionFlow`] and JNI (`jni_glue`).
//! - Camera frames through NDK Camera2 (`camera2`).
//! - The device key store of device-bound vaults: the Android Keystore (`keystore`).
//! - The folder for automatic backups: a Storage Access Framework document tree, picked with
//!   a persisted permission ([`choose_folder`], `saf`).
//! - Clipboard: a clip marked sensitive, cleared after the app's delay if it still holds the
//!   code ([`ClearSchedule`]; retried when the app regains focus, since Android 10+ hides the
//!   clipboard from apps without focus).

mod camera2;
mod jni_glue;
pub mod keystore;
mod saf;

pub use saf::choose_folder;

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub use slint::android::AndroidApp;
use slint::android::android_activity::{MainEvent, PollEvent, WindowManagerFlags};

use crate::app::{self, AppOptions};
use crate::camera::{CameraError, FrameFeed, FrameSource};
use crate::clipboard::{ClearDecision, ClearSchedule, Clip};
use crate::clipboard::{Clipboard, Pasted};
use crate::lifecycle::{self, LifecycleGate, LockPolicy, Reaction};
use crate::platform::Error;
use crate::platform::permission::{
    CameraAccess, Command, NO_DIALOG_AFTER, OsStatus, PermissionFlow,
};
use camera2::CameraSession;
use jni_glue::Java;

/// The JNI pointers, for [`open_app_settings`] (they are valid for the life of the process).
struct JavaCell(Java);
// Safety: a JavaVM pointer and a global reference may be used from any attached thread.
unsafe impl Send for JavaCell {}
unsafe impl Sync for JavaCell {}
static JAVA: OnceLock<JavaCell> = OnceLock::new();

/// State shared by the lifecycle listener, the camera and the clipboard.
struct Glue {
    java: Java,
    sdk_int: i32,
    gate: LifecycleGate,
    focused: bool,
    flow: PermissionFlow,
    /// The scanner's feed while the scanner view is open.
    feed: Option<FrameFeed>,
    session: Option<CameraSession>,
    clip: ClearSchedule,
}

type Shared = Rc<RefCell<Glue>>;

/// The Android main: called from `android_main` in the APK's library.
pub fn main(app: AndroidApp) {
    app.set_window_flags(WindowManagerFlags::SECURE, WindowManagerFlags::empty());
    // Safety: the pointers of the running app, as android-activity documents them.
    let java = unsafe { Java::new(app.vm_as_ptr(), app.activity_as_ptr()) };
    let _ = JAVA.set(JavaCell(java));
    let glue: Shared = Rc::new(RefCell::new(Glue {
        java,
        sdk_int: java.sdk_int().unwrap_or(26),
        gate: LifecycleGate::new(LockPolicy::default()),
        focused: true,
        flow: PermissionFlow::new(),
        feed: None,
        session: None,
        clip: ClearSchedule::new(),
    }));

    let listener = Rc::clone(&glue);
    let init = slint::android::init_with_event_listener(app.clone(), move |event| {
        on_event(&listener, event)
    });
    if let Err(e) = init {
        eprintln!("monban: cannot start the Android backend: {e}");
        return;
    }

    // The app's private storage (`/data/data/<package>/files`): not readable by other apps
    // and, with allowBackup=false and the data-extraction rules, never backed up.
    let files = app.internal_data_path();
    let vault_path = files
        .as_ref()
        .map(|d| d.join(crate::vault::DEFAULT_FILE_NAME));
    // Automatic backups into a folder picked through the Storage Access Framework.
    saf::init(files);
    let options = AppOptions {
        vault_path,
        clipboard: Some(Rc::new(AndroidClipboard(Rc::clone(&glue)))),
        camera: Some(Box::new(AndroidCamera(Rc::clone(&glue)))),
        ..AppOptions::default()
    };
    if let Err(e) = app::run(options) {
        eprintln!("monban: {e}");
    }
}

/// Opens Monban's page in the system settings (the scanner's "Open settings" action when the
/// camera permission is blocked).
pub fn open_app_settings() -> Result<(), Error> {
    JAVA.get().ok_or(Error::Unsupported)?.0.open_app_settings()
}

/// The clipboard's text (the paste of an `otpauth://` link).
fn read_clipboard_text() -> Option<zeroize::Zeroizing<String>> {
    let java = JAVA.get()?.0;
    java.with_clip(true, |clip| match clip {
        Clip::Text(t) => Some(zeroize::Zeroizing::new(t.to_owned())),
        Clip::Empty | Clip::Unreadable => None,
    })
    .ok()
    .flatten()
}

fn on_event(glue: &Shared, event: &PollEvent<'_>) {
    let now = Instant::now();
    let PollEvent::Main(main) = event else { return };
    match main {
        MainEvent::Pause => {
            // Our folder picker covering the app is excused as our dialogs are.
            let picker = saf::paused();
            let reaction = {
                let mut g = glue.borrow_mut();
                g.flow.paused();
                if picker {
                    g.gate.expect_system_activity(now);
                }
                g.gate.paused(now)
            };
            apply(reaction);
        }
        MainEvent::Stop => {
            let reaction = glue.borrow_mut().gate.backgrounded(now);
            apply(reaction);
        }
        MainEvent::Resume { .. } => {
            let reaction = glue.borrow_mut().gate.resumed(now);
            apply(reaction);
            saf::resumed();
            // Back from the permission dialog or from Settings: read the answer.
            let (java, asking) = {
                let g = glue.borrow();
                (g.java, g.flow.access() != CameraAccess::Unknown)
            };
            if asking {
                let os = java.camera_status().unwrap_or(OsStatus::Undetermined);
                let cmd = glue.borrow_mut().flow.resumed(os);
                run(glue, cmd);
            }
        }
        MainEvent::GainedFocus => {
            glue.borrow_mut().focused = true;
            try_clear_clipboard(glue);
        }
        MainEvent::LostFocus => glue.borrow_mut().focused = false,
        _ => {}
    }
}

/// Applies a lifecycle reaction. The content cover is `FLAG_SECURE`'s job on Android.
fn apply(reaction: Reaction) {
    if reaction.lock {
        lifecycle::notify(lifecycle::Event::Background);
    }
    if reaction.cover == Some(false) {
        lifecycle::notify(lifecycle::Event::Foreground);
    }
}

/// Carries out a permission-flow command, then tells the scanner view if access is missing.
fn run(glue: &Shared, cmd: Command) {
    let java = glue.borrow().java;
    match cmd {
        Command::Nothing => {}
        Command::StartCamera => {
            let feed = glue.borrow().feed.clone();
            if let Some(feed) = feed {
                match CameraSession::open(feed.clone()) {
                    Ok(session) => glue.borrow_mut().session = Some(session),
                    Err(e) => feed.failed(CameraError::Unavailable(e.to_string())),
                }
            }
        }
        Command::StopCamera => {
            let session = glue.borrow_mut().session.take();
            drop(session);
        }
        Command::RequestPermission => {
            glue.borrow_mut().gate.expect_system_ui(Instant::now());
            if let Err(e) = java.request_camera_permission() {
                eprintln!("monban: {e}");
            }
            // No pause within NO_DIALOG_AFTER means no dialog: the flow then says "blocked".
            let weak: Weak<RefCell<Glue>> = Rc::downgrade(glue);
            slint::Timer::single_shot(NO_DIALOG_AFTER + Duration::from_millis(100), move || {
                let Some(glue) = weak.upgrade() else { return };
                let os = java.camera_status().unwrap_or(OsStatus::Undetermined);
                let cmd = glue.borrow_mut().flow.tick(os, Instant::now());
                run(&glue, cmd);
            });
        }
        Command::OpenSettings => {
            if let Err(e) = java.open_app_settings() {
                eprintln!("monban: {e}");
            }
        }
    }
    report(glue);
}

/// Shows the denied / no-camera state in the scanner view when the flow has settled there.
fn report(glue: &Shared) {
    let (access, feed) = {
        let g = glue.borrow();
        (g.flow.access(), g.feed.clone())
    };
    let Some(feed) = feed else { return };
    match access {
        CameraAccess::Denied | CameraAccess::Blocked | CameraAccess::Restricted => {
            feed.failed(CameraError::PermissionDenied)
        }
        CameraAccess::NoCamera => feed.failed(CameraError::Unavailable("no camera".into())),
        CameraAccess::Unknown | CameraAccess::Requesting | CameraAccess::Granted => {}
    }
}

/// The camera as the app's scanner view sees it.
struct AndroidCamera(Shared);

impl FrameSource for AndroidCamera {
    fn start(&mut self, feed: FrameFeed) -> Result<(), CameraError> {
        let java = self.0.borrow().java;
        let os = java
            .camera_status()
            .map_err(|e| CameraError::Unavailable(e.to_string()))?;
        let cmd = {
            let mut g = self.0.borrow_mut();
            g.feed = Some(feed.clone());
            g.flow.open(os, Instant::now())
        };
        match cmd {
            Command::StartCamera => match CameraSession::open(feed) {
                Ok(session) => {
                    self.0.borrow_mut().session = Some(session);
                    Ok(())
                }
                Err(e) => Err(CameraError::Unavailable(e.to_string())),
            },
            // The camera starts when the dialog is answered (on resume).
            Command::RequestPermission => {
                run(&self.0, cmd);
                Ok(())
            }
            _ => match self.0.borrow().flow.access() {
                CameraAccess::NoCamera => Err(CameraError::Unavailable("no camera".into())),
                _ => Err(CameraError::PermissionDenied),
            },
        }
    }

    fn stop(&mut self) {
        let session = {
            let mut g = self.0.borrow_mut();
            g.feed = None;
            g.flow.close();
            g.session.take()
        };
        drop(session);
    }
}

/// The clipboard: a sensitive clip, cleared later if it still holds the code.
struct AndroidClipboard(Shared);

impl Clipboard for AndroidClipboard {
    /// Text only (Android: while Monban has focus; iOS 16+ may ask the user first).
    fn read(&self) -> Option<Pasted> {
        read_clipboard_text().map(Pasted::Text)
    }

    fn set_code(&self, code: &str, clear_after: Duration) {
        let java = self.0.borrow().java;
        if let Err(e) = java.set_sensitive_clip(code) {
            eprintln!("monban: {e}");
            return;
        }
        self.0
            .borrow_mut()
            .clip
            .copied(code, Instant::now(), clear_after);
        if self.0.borrow().clip.is_pending() {
            let weak = Rc::downgrade(&self.0);
            slint::Timer::single_shot(clear_after, move || {
                if let Some(glue) = weak.upgrade() {
                    try_clear_clipboard(&glue);
                }
            });
        }
    }
}

fn try_clear_clipboard(glue: &Shared) {
    let (java, focused, sdk_int, pending) = {
        let g = glue.borrow();
        (g.java, g.focused, g.sdk_int, g.clip.is_pending())
    };
    if !pending {
        return;
    }
    let now = Instant::now();
    match java.with_clip(focused, |clip| glue.borrow_mut().clip.check(now, clip)) {
        Ok(ClearDecision::Clear) => {
            if let Err(e) = java.clear_clip(sdk_int) {
                eprintln!("monban: {e}");
            }
        }
        Ok(ClearDecision::Wait | ClearDecision::LeaveAlone | ClearDecision::RetryInForeground) => {}
        Err(e) => eprintln!("monban: {e}"),
    }
}
