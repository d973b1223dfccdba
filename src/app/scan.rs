//! The scanner view: live camera frames (preview + decoding), image files (a native dialog
//! where the desktop has one, else an in-app path field), paste, and the way to manual entry.
//!
//! Frames reach the decoder through the QR module's [`Scanner`]; its events come back to the UI
//! thread through the app's inbox. A camera (webcam, Android Camera2, iOS AVFoundation) is a
//! [`CameraSource`] that pushes frames into a [`CameraFeed`] from its own thread: the feed
//! builds the preview image there (a `SharedPixelBuffer`, which is `Send`) and hands the frame
//! to the decoder.

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use slint::{ComponentHandle, Image, Rgb8Pixel, SharedPixelBuffer, SharedString};
use thiserror::Error;

use super::core::{Core, Poster};
use super::{AppWindow, CameraState, Msg, ScanAdapter, Screen};
use crate::camera::scanner::{Classified, FrameSink, ScanEvent, Scanner};
use crate::camera::{self, Frame};
use crate::qr::DecodeOptions;

/// Why a camera cannot deliver frames.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CameraError {
    /// The user (or a policy) refused camera access: the view says how to allow it.
    #[error("camera access was refused")]
    PermissionDenied,
    /// No camera, or it could not be opened.
    #[error("no camera available: {0}")]
    Unavailable(String),
}

/// A live camera. `start` begins pushing frames into the feed from a thread of its own;
/// `stop` ends that (the app calls it when the scanner view closes or the app locks).
pub trait CameraSource {
    fn start(&mut self, feed: CameraFeed) -> Result<(), CameraError>;
    fn stop(&mut self);
}

/// Where a camera thread delivers frames. Cheap to clone, `Send`.
#[derive(Clone)]
pub struct CameraFeed {
    sink: FrameSink,
    poster: Poster,
}

/// Longest side of the preview image (the decoder still gets the full frame).
pub const PREVIEW_MAX_SIDE: usize = 640;

impl CameraFeed {
    /// Hands a frame to the decoder and shows it in the viewfinder. Call from the camera thread.
    pub fn push(&self, frame: Frame) {
        let preview = preview_buffer(&frame, PREVIEW_MAX_SIDE);
        self.poster.post(move |core| {
            if let Some(ui) = core.ui() {
                let a = ui.global::<ScanAdapter>();
                a.set_frame(Image::from_rgb8(preview));
                a.set_camera_state(CameraState::Live);
            }
        });
        self.sink.submit(frame);
    }

    /// The camera stopped or failed; `PermissionDenied` shows how to allow access.
    pub fn failed(&self, error: CameraError) {
        self.poster.post(move |core| camera_failed(core, &error));
    }

    /// True once the scanner is gone (the camera thread should stop).
    pub fn is_closed(&self) -> bool {
        self.sink.is_closed()
    }
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
    camera: RefCell<Option<Box<dyn CameraSource>>>,
    camera_running: Cell<bool>,
    /// A file or paste was submitted and no result came yet.
    awaiting: Cell<bool>,
}

impl ScanState {
    pub(crate) fn new(camera: Option<Box<dyn CameraSource>>) -> Self {
        ScanState {
            scanner: RefCell::new(None),
            camera: RefCell::new(camera),
            camera_running: Cell::new(false),
            awaiting: Cell::new(false),
        }
    }
}

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let a = ui.global::<ScanAdapter>();
    let on = |f: fn(&Rc<Core>)| {
        let weak = Rc::downgrade(core);
        move || {
            if let Some(core) = weak.upgrade() {
                core.activity();
                f(&core);
            }
        }
    };
    a.on_open_image(on(open_image));
    a.on_paste(on(paste));
    a.on_manual(on(|core| {
        stop(core);
        super::edit::open_manual(core);
    }));
    a.on_close(on(close));
    let weak = Rc::downgrade(core);
    a.on_open_path(move |path: SharedString| {
        if let Some(core) = weak.upgrade() {
            core.activity();
            open_path(&core, Path::new(path.trim()));
        }
    });
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
    set_message(core, Msg::None, "", false);
    if let Some(ui) = core.ui() {
        let a = ui.global::<ScanAdapter>();
        a.set_show_path_field(false);
        a.set_frame(Image::default());
    }
    ensure_scanner(core);
    core.show(Screen::Scan);
    start_camera(core);
}

/// The decoder, started on first use; the previous results are forgotten so the same QR code
/// can be scanned again.
fn ensure_scanner(core: &Rc<Core>) {
    let mut scanner = core.scan.scanner.borrow_mut();
    if scanner.is_none() {
        let poster = core.poster();
        *scanner = Some(Scanner::start(DecodeOptions::camera(), move |event| {
            poster.post(move |core| on_event(core, event));
        }));
    }
    if let Some(s) = scanner.as_ref() {
        s.forget_seen();
    }
}

fn start_camera(core: &Rc<Core>) {
    let feed = {
        let scanner = core.scan.scanner.borrow();
        let Some(s) = scanner.as_ref() else { return };
        CameraFeed {
            sink: s.sink(),
            poster: core.poster(),
        }
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

/// Stops the camera and the decoder (leaving the view, locking).
pub(crate) fn stop(core: &Core) {
    stop_camera(core);
    if let Some(s) = core.scan.scanner.borrow_mut().take() {
        s.stop();
    }
    core.scan.awaiting.set(false);
    if let Some(ui) = core.ui() {
        let a = ui.global::<ScanAdapter>();
        a.set_frame(Image::default());
        a.set_path(SharedString::new());
    }
}

pub(crate) fn close(core: &Rc<Core>) {
    stop(core);
    core.show(Screen::List);
}

/// Feeds one frame through the scanner's real path, as a camera would (tests, replays).
pub fn feed_frame(core: &Rc<Core>, frame: Frame) {
    ensure_scanner(core);
    let feed = {
        let scanner = core.scan.scanner.borrow();
        scanner.as_ref().map(|s| CameraFeed {
            sink: s.sink(),
            poster: core.poster(),
        })
    };
    if let Some(feed) = feed {
        feed.push(frame);
    }
}

fn on_event(core: &Rc<Core>, event: ScanEvent) {
    // The import page (issue 7) collects transfer parts through this scanner.
    if super::pages::page(core) == super::Page::Import {
        return super::import::on_scan_event(core, event);
    }
    if core.screen() != Screen::Scan {
        return;
    }
    match event {
        ScanEvent::Found(found) => {
            core.scan.awaiting.set(false);
            match found {
                Classified::Account(account) => {
                    stop(core);
                    super::edit::open_new(core, account);
                }
                Classified::InvalidAccount(reason) => {
                    set_message(core, Msg::NotAccount, reason, true)
                }
                Classified::GoogleMigration(t) => {
                    super::import::start_from_scan(core, Classified::GoogleMigration(t))
                }
                Classified::MonbanTransfer(t) => {
                    super::import::start_from_scan(core, Classified::MonbanTransfer(t))
                }
                Classified::Backup(_) => set_message(core, Msg::Backup, "", true),
                Classified::Other(text) => {
                    let t = text.trim().to_ascii_lowercase();
                    let link = t.starts_with("http://")
                        || t.starts_with("https://")
                        || t.starts_with("www.");
                    set_message(
                        core,
                        if link { Msg::WebLink } else { Msg::PlainText },
                        "",
                        true,
                    );
                }
            }
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
        Err(e) => set_message(core, Msg::FileError, e.to_string(), true),
    }
}

fn open_image(core: &Rc<Core>) {
    let poster = core.poster();
    std::thread::Builder::new()
        .name("monban-file-dialog".into())
        .spawn(move || {
            let chosen = native_file_dialog();
            poster.post(move |core| match chosen {
                Dialog::Chosen(path) => open_path(core, &path),
                Dialog::Cancelled => {}
                Dialog::Missing => {
                    if let Some(ui) = core.ui() {
                        ui.global::<ScanAdapter>().set_show_path_field(true);
                    }
                    set_message(core, Msg::NoFileDialog, "", false);
                }
            });
        })
        .expect("spawn the file dialog thread");
}

pub(super) enum Dialog {
    Chosen(PathBuf),
    Cancelled,
    Missing,
}

/// The desktop's own file chooser when it has one: zenity (GNOME) or kdialog (KDE) on Linux,
/// the Finder dialog through osascript on macOS. Runs a separate program, so the app needs no
/// GTK/portal libraries; without one the view shows the in-app path field.
fn native_file_dialog() -> Dialog {
    let candidates: &[(&str, &[&str])] = if cfg!(target_os = "macos") {
        &[(
            "osascript",
            &[
                "-e",
                "POSIX path of (choose file of type {\"public.image\"} with prompt \"Choose a QR code image\")",
            ],
        )]
    } else if cfg!(all(
        unix,
        not(target_os = "android"),
        not(target_os = "ios")
    )) {
        &[
            (
                "zenity",
                &[
                    "--file-selection",
                    "--title=Choose a QR code image",
                    "--file-filter=Images | *.png *.jpg *.jpeg *.webp *.gif *.bmp *.tif *.tiff",
                ],
            ),
            (
                "kdialog",
                &[
                    "--getopenfilename",
                    ".",
                    "image/png image/jpeg image/webp image/gif image/bmp image/tiff",
                ],
            ),
        ]
    } else {
        &[]
    };
    run_file_dialog(candidates)
}

/// Runs the first file-chooser program that exists among `candidates` (program, arguments)
/// and reports what the user chose; shared by the scanner and the import page.
pub(super) fn run_file_dialog(candidates: &[(&str, &[&str])]) -> Dialog {
    for (program, args) in candidates {
        match std::process::Command::new(program).args(*args).output() {
            Ok(out) if out.status.success() => {
                let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
                return if path.is_empty() {
                    Dialog::Cancelled
                } else {
                    Dialog::Chosen(PathBuf::from(path))
                };
            }
            Ok(_) => return Dialog::Cancelled,
            Err(_) => continue,
        }
    }
    Dialog::Missing
}

/// What the system clipboard holds, for pasting a QR image or an `otpauth://` link.
pub enum Pasted {
    Text(zeroize::Zeroizing<String>),
    Image(Frame),
}

/// Reads the desktop clipboard (text first, then an image).
fn read_clipboard() -> Option<Pasted> {
    #[cfg(not(any(target_os = "android", target_os = "ios")))]
    {
        let mut board = arboard::Clipboard::new().ok()?;
        if let Ok(text) = board.get_text() {
            let text = zeroize::Zeroizing::new(text);
            if !text.trim().is_empty() {
                return Some(Pasted::Text(text));
            }
        }
        let img = board.get_image().ok()?;
        let frame =
            camera::frame_from_rgba_on_white(&img.bytes, img.width, img.height, img.width * 4)
                .ok()?;
        Some(Pasted::Image(frame))
    }
    #[cfg(any(target_os = "android", target_os = "ios"))]
    {
        None
    }
}

fn paste(core: &Rc<Core>) {
    let pasted = read_clipboard();
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
