//! The scanner view: live camera frames (preview + decoding), image files (the desktop's file
//! chooser, else an in-app path field), paste, the screen (desktop: [`crate::screen`], every
//! QR code shown in other windows; one goes on as if the camera had read it, several are
//! offered as a choice), and the way to manual entry.
//!
//! Frames reach the decoder through the camera module's [`Scanner`]; its events come back to
//! the UI thread through the app's inbox. A camera is a [`FrameSource`] that pushes frames
//! into a [`FrameFeed`] from its own thread; the app's [`Viewfinder`] watches the feed and
//! builds the preview image there (a `SharedPixelBuffer`, which is `Send`).

use std::cell::{Cell, RefCell};
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use slint::{
    ComponentHandle, Image, ModelRc, Rgb8Pixel, SharedPixelBuffer, SharedString, VecModel,
};

use super::core::{Core, Poster};
use super::{AppWindow, CameraState, FoundCode, Msg, ScanAdapter, Screen, nav};
use crate::camera::scanner::{Classified, ScanEvent, Scanner};
use crate::camera::{CameraError, FeedWatcher, FrameFeed, FrameSource};
use crate::clipboard::Pasted;
use crate::file_dialog::{self, Choice, Purpose};
use crate::qr::{DecodeOptions, Frame};

/// Longest side of the preview image (the decoder still gets the full frame).
pub const PREVIEW_MAX_SIDE: usize = 640;

/// The app's watcher of a camera feed: shows each frame in the viewfinder, reports failures.
struct Viewfinder {
    poster: Poster,
}

impl FeedWatcher for Viewfinder {
    fn frame(&self, frame: &Frame) {
        let preview = preview_buffer(frame, PREVIEW_MAX_SIDE);
        self.poster.post(move |core| {
            if let Some(ui) = core.ui() {
                let a = ui.global::<ScanAdapter>();
                a.set_frame(Image::from_rgb8(preview));
                a.set_camera_state(CameraState::Live);
            }
        });
    }

    fn failed(&self, error: CameraError) {
        self.poster.post(move |core| camera_failed(core, &error));
    }
}

/// A feed into the running scanner, watched by the viewfinder.
fn feed(core: &Core, scanner: &Scanner) -> FrameFeed {
    FrameFeed::new(
        scanner.sink(),
        Arc::new(Viewfinder {
            poster: core.poster(),
        }),
    )
}

/// A grey preview of `frame`, shrunk by an integer step so its longest side is ≤ `max_side`.
pub fn preview_buffer(frame: &Frame, max_side: usize) -> SharedPixelBuffer<Rgb8Pixel> {
    let longest = frame.width().max(frame.height()).max(1);
    let step = longest.div_ceil(max_side.max(1)).max(1);
    let (w, h) = (frame.width().div_ceil(step), frame.height().div_ceil(step));
    let mut buf = SharedPixelBuffer::<Rgb8Pixel>::new(w as u32, h as u32);
    let pixels = buf.make_mut_slice();
    for y in 0..h {
        let row = frame.row(y * step);
        for x in 0..w {
            let v = row[x * step];
            pixels[y * w + x] = Rgb8Pixel { r: v, g: v, b: v };
        }
    }
    buf
}

pub(crate) struct ScanState {
    scanner: RefCell<Option<Scanner>>,
    camera: RefCell<Option<Box<dyn FrameSource>>>,
    camera_running: Cell<bool>,
    /// A file or paste was submitted and no result came yet.
    awaiting: Cell<bool>,
    /// The QR codes found on the screen, when there were several (the choice shown).
    found: RefCell<Vec<Classified>>,
}

impl ScanState {
    pub(crate) fn new(camera: Option<Box<dyn FrameSource>>) -> Self {
        ScanState {
            scanner: RefCell::new(None),
            camera: RefCell::new(camera),
            camera_running: Cell::new(false),
            awaiting: Cell::new(false),
            found: RefCell::new(Vec::new()),
        }
    }
}

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let a = ui.global::<ScanAdapter>();
    a.on_open_image(core.act(open_image));
    a.on_paste(core.act(paste));
    a.on_manual(core.act(super::edit::open_manual));
    a.on_close(core.act(nav::back));
    a.set_screen_available(cfg!(all(
        unix,
        not(any(
            target_os = "android",
            target_os = "ios",
            target_os = "macos"
        ))
    )));
    a.on_scan_screen(core.act(scan_screen));
    a.on_choose_found(core.act1(|core, i: i32| {
        let chosen = usize::try_from(i)
            .ok()
            .and_then(|i| core.scan.found.borrow().get(i).cloned());
        if let Some(c) = chosen {
            clear_found(core);
            found(core, c);
        }
    }));
    a.on_open_path(
        core.act1(|core, path: SharedString| open_path(core, &file_dialog::expand_path(&path))),
    );
}

fn set_message(core: &Core, msg: Msg, arg: impl Into<SharedString>, error: bool) {
    if let Some(ui) = core.ui() {
        let a = ui.global::<ScanAdapter>();
        a.set_message(msg);
        a.set_message_arg(arg.into());
        a.set_message_is_error(error);
    }
}

fn set_camera_state(core: &Core, state: CameraState) {
    if let Some(ui) = core.ui() {
        ui.global::<ScanAdapter>().set_camera_state(state);
    }
}

/// Opens the scanner view: starts the decoder and the camera.
pub(crate) fn open(core: &Rc<Core>) {
    if !core.is_unlocked() {
        return;
    }
    nav::go(core, Screen::Scan);
    start(core);
}

/// Starts the decoder and the camera with a fresh view (the scanner, the import screen).
pub(crate) fn start(core: &Rc<Core>) {
    set_message(core, Msg::None, "", false);
    clear_found(core);
    if let Some(ui) = core.ui() {
        let a = ui.global::<ScanAdapter>();
        a.set_show_path_field(false);
        a.set_frame(Image::default());
    }
    ensure_scanner(core);
    start_camera(core);
}

/// The decoder, started on first use; the previous results are forgotten so the same QR code
/// can be scanned again.
fn ensure_scanner(core: &Rc<Core>) {
    let mut scanner = core.scan.scanner.borrow_mut();
    if scanner.is_none() {
        let poster = core.poster();
        match Scanner::start(DecodeOptions::camera(), move |event| {
            poster.post(move |core| on_event(core, event));
        }) {
            Ok(s) => *scanner = Some(s),
            Err(e) => {
                drop(scanner);
                core.toast(Msg::NoThread, e.to_string());
                return;
            }
        }
    }
    if let Some(s) = scanner.as_ref() {
        s.forget_seen();
    }
}

fn start_camera(core: &Rc<Core>) {
    let feed = {
        let scanner = core.scan.scanner.borrow();
        let Some(s) = scanner.as_ref() else { return };
        feed(core, s)
    };
    let mut camera = core.scan.camera.borrow_mut();
    let Some(cam) = camera.as_mut() else {
        set_camera_state(core, CameraState::Unavailable);
        return;
    };
    set_camera_state(core, CameraState::Starting);
    match cam.start(feed) {
        Ok(()) => core.scan.camera_running.set(true),
        Err(e) => {
            drop(camera);
            camera_failed(core, &e);
        }
    }
}

fn camera_failed(core: &Rc<Core>, e: &CameraError) {
    stop_camera(core);
    match e {
        CameraError::PermissionDenied => set_camera_state(core, CameraState::Denied),
        CameraError::Unavailable(_) => set_camera_state(core, CameraState::Unavailable),
    }
}

fn stop_camera(core: &Core) {
    if core.scan.camera_running.replace(false)
        && let Some(cam) = core.scan.camera.borrow_mut().as_mut()
    {
        cam.stop();
    }
}

/// Whether the decoder runs (the scanner or the import screen is reading QR codes).
pub fn scanning(core: &Core) -> bool {
    core.scan.scanner.borrow().is_some()
}

/// Stops the camera and the decoder (leaving the view, locking).
pub(crate) fn stop(core: &Core) {
    stop_camera(core);
    if let Some(s) = core.scan.scanner.borrow_mut().take() {
        s.stop();
    }
    core.scan.awaiting.set(false);
    clear_found(core);
    if let Some(ui) = core.ui() {
        let a = ui.global::<ScanAdapter>();
        a.set_frame(Image::default());
        a.set_path(SharedString::new());
        a.set_screen_busy(false);
    }
}

/// Feeds one frame through the scanner's real path, as a camera would (tests, replays).
pub fn feed_frame(core: &Rc<Core>, frame: Frame) {
    ensure_scanner(core);
    let feed = {
        let scanner = core.scan.scanner.borrow();
        scanner.as_ref().map(|s| feed(core, s))
    };
    if let Some(feed) = feed {
        feed.push(frame);
    }
}

fn on_event(core: &Rc<Core>, event: ScanEvent) {
    // The import screen collects transfer parts through this scanner.
    match nav::current(core) {
        Screen::Import => return super::import::on_scan_event(core, event),
        Screen::Scan => {}
        _ => return,
    }
    match event {
        ScanEvent::Found(classified) => {
            core.scan.awaiting.set(false);
            found(core, classified);
        }
        ScanEvent::Unreadable(reason) => {
            core.scan.awaiting.set(false);
            set_message(core, Msg::Unreadable, reason, true);
        }
        ScanEvent::SourceError(reason) => {
            set_camera_state(core, CameraState::Unavailable);
            set_message(core, Msg::Detail, reason, true);
        }
        ScanEvent::SourceEnded => {
            if core.scan.awaiting.replace(false) {
                set_message(core, Msg::NoQr, "", true);
            }
        }
    }
}

/// What "what else it is" a QR payload that is not an account is.
fn other_kind(text: &str) -> Msg {
    let t = text.trim().to_ascii_lowercase();
    let link = t.starts_with("http://") || t.starts_with("https://") || t.starts_with("www.");
    if link { Msg::WebLink } else { Msg::PlainText }
}

/// Goes on with one QR code read (camera, file, paste, screen).
fn found(core: &Rc<Core>, classified: Classified) {
    match classified {
        Classified::Account(account) => super::edit::open_new(core, account),
        Classified::InvalidAccount(reason) => set_message(core, Msg::NotAccount, reason, true),
        Classified::GoogleMigration(t) => {
            super::import::start_from_scan(core, Classified::GoogleMigration(t))
        }
        Classified::MonbanTransfer(t) => {
            super::import::start_from_scan(core, Classified::MonbanTransfer(t))
        }
        Classified::Backup(_) => set_message(core, Msg::Backup, "", true),
        Classified::Other(text) => set_message(core, other_kind(&text), "", true),
    }
}

fn clear_found(core: &Core) {
    core.scan.found.borrow_mut().clear();
    if let Some(ui) = core.ui() {
        ui.global::<ScanAdapter>().set_found(ModelRc::default());
    }
}

/// Reads the screen on a thread and goes on with what it shows: one QR code as if the
/// camera had read it, several as a choice, none as a message.
fn scan_screen(core: &Rc<Core>) {
    let Some(ui) = core.ui() else { return };
    let a = ui.global::<ScanAdapter>();
    if a.get_screen_busy() {
        return;
    }
    a.set_screen_busy(true);
    set_message(core, Msg::None, "", false);
    clear_found(core);
    let epoch = core.epoch.get();
    let started = core.spawn("monban-screen", move |poster| {
        let result = read_screen();
        poster.post(move |core| {
            if core.epoch.get() != epoch {
                return;
            }
            if let Some(ui) = core.ui() {
                ui.global::<ScanAdapter>().set_screen_busy(false);
            }
            if nav::current(core) == Screen::Scan {
                screen_read(core, result);
            }
        });
    });
    if !started {
        a.set_screen_busy(false);
    }
}

/// Why the screen could not be read, for the user.
#[derive(Debug)]
enum ScreenProblem {
    NoDisplay,
    Refused,
    Failed(String),
}

/// The distinct payloads, classified (the texts are zeroized here).
fn classify_all(payloads: Vec<String>) -> Vec<Classified> {
    let mut out: Vec<Classified> = Vec::new();
    for text in payloads {
        let text = zeroize::Zeroizing::new(text);
        let c = crate::transfer::payload::classify(&text);
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Goes on with QR payloads read from the screen, as "Scan the screen" does once the screen
/// is read (tests hand in payloads of their own; the capture itself is tested under Xvfb).
pub fn screen_scanned(core: &Rc<Core>, payloads: Vec<String>) {
    screen_read(core, Ok(classify_all(payloads)));
}

/// The distinct QR codes on the screen, classified.
fn read_screen() -> Result<Vec<Classified>, ScreenProblem> {
    #[cfg(all(
        unix,
        not(any(target_os = "android", target_os = "ios", target_os = "macos"))
    ))]
    {
        use crate::screen;
        let source = screen::detect().map_err(|_| ScreenProblem::NoDisplay)?;
        let payloads = screen::scan(&source).map_err(|e| match e {
            screen::Error::NoDisplay => ScreenProblem::NoDisplay,
            screen::Error::Refused => ScreenProblem::Refused,
            other => ScreenProblem::Failed(other.to_string()),
        })?;
        Ok(classify_all(payloads))
    }
    #[cfg(not(all(
        unix,
        not(any(target_os = "android", target_os = "ios", target_os = "macos"))
    )))]
    {
        Err(ScreenProblem::NoDisplay)
    }
}

fn screen_read(core: &Rc<Core>, result: Result<Vec<Classified>, ScreenProblem>) {
    let mut codes = match result {
        Ok(codes) => codes,
        Err(ScreenProblem::NoDisplay) => return set_message(core, Msg::ScreenNoDisplay, "", true),
        Err(ScreenProblem::Refused) => return set_message(core, Msg::ScreenRefused, "", true),
        Err(ScreenProblem::Failed(why)) => return set_message(core, Msg::ScreenFailed, why, true),
    };
    match codes.len() {
        0 => set_message(core, Msg::ScreenNone, "", true),
        1 => found(core, codes.remove(0)),
        n => {
            let rows: Vec<FoundCode> = codes.iter().map(found_row).collect();
            if let Some(ui) = core.ui() {
                ui.global::<ScanAdapter>()
                    .set_found(ModelRc::new(VecModel::from(rows)));
            }
            *core.scan.found.borrow_mut() = codes;
            set_message(core, Msg::ScreenSeveral, n.to_string(), false);
        }
    }
}

/// How one of several codes is offered: an account by its names and avatar, anything else by
/// what it is. No secret: only issuer and name.
fn found_row(c: &Classified) -> FoundCode {
    let what = |what| FoundCode {
        what,
        ..Default::default()
    };
    match c {
        Classified::Account(a) => FoundCode {
            issuer: a.issuer.as_str().into(),
            name: a.name.as_str().into(),
            look: super::avatars::for_entry(
                &crate::vault::Icon::Letter,
                crate::vault::default_colour(a),
                &a.issuer,
                &a.name,
            ),
            what: Msg::None,
        },
        Classified::InvalidAccount(_) => what(Msg::NotAccount),
        Classified::GoogleMigration(_) => what(Msg::Migration),
        Classified::MonbanTransfer(_) => what(Msg::Transfer),
        Classified::Backup(_) => what(Msg::Backup),
        Classified::Other(text) => what(other_kind(text)),
    }
}

/// Reads an image file chosen by the user and decodes it (off the UI thread).
pub(crate) fn open_path(core: &Rc<Core>, path: &Path) {
    if path.as_os_str().is_empty() {
        set_message(core, Msg::NoFileDialog, "", false);
        return;
    }
    match std::fs::read(path) {
        Ok(bytes) => {
            ensure_scanner(core);
            let scanner = core.scan.scanner.borrow();
            if let Some(s) = scanner.as_ref() {
                core.scan.awaiting.set(true);
                set_message(core, Msg::None, "", false);
                s.submit_image_bytes(&bytes);
                s.sink().end();
            }
        }
        Err(e) => {
            let (msg, arg) = super::reasons::unreadable_file(&e, path);
            set_message(core, msg, arg, true);
        }
    }
}

fn open_image(core: &Rc<Core>) {
    core.spawn("monban-file-dialog", move |poster| {
        let chosen = file_dialog::choose(Purpose::QrImage);
        poster.post(move |core| match chosen {
            Choice::Chosen(path) => open_path(core, &path),
            Choice::Cancelled => {}
            Choice::Missing => {
                if let Some(ui) = core.ui() {
                    ui.global::<ScanAdapter>().set_show_path_field(true);
                }
                set_message(core, Msg::NoFileDialog, "", false);
            }
        });
    });
}

fn paste(core: &Rc<Core>) {
    let pasted = core.clipboard.as_ref().and_then(|c| c.read());
    submit_pasted(core, pasted);
}

/// Decodes pasted content through the scanner.
pub fn submit_pasted(core: &Rc<Core>, pasted: Option<Pasted>) {
    ensure_scanner(core);
    let scanner = core.scan.scanner.borrow();
    let Some(s) = scanner.as_ref() else { return };
    set_message(core, Msg::None, "", false);
    match pasted {
        Some(Pasted::Text(text)) => {
            core.scan.awaiting.set(true);
            s.submit_text(text.trim());
            s.sink().end();
        }
        Some(Pasted::Image(frame)) => {
            core.scan.awaiting.set(true);
            s.submit(frame);
            s.sink().end();
        }
        None => set_message(core, Msg::ClipboardEmpty, "", true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_shrinks_by_whole_steps() {
        let f = Frame::new(
            1280,
            720,
            1280,
            (0..1280 * 720).map(|i| (i % 251) as u8).collect(),
        )
        .unwrap();
        let b = preview_buffer(&f, 640);
        assert_eq!((b.width(), b.height()), (640, 360));
        assert_eq!(b.as_slice()[1].r, f.get(2, 0));
        let small = Frame::packed(3, 2, vec![1, 2, 3, 4, 5, 6]).unwrap();
        let b = preview_buffer(&small, 640);
        assert_eq!((b.width(), b.height()), (3, 2));
        assert_eq!(b.as_slice()[4].g, 5);
    }
}
