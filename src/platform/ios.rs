//! iOS: the entry point and the glue around the shared app (objc2 0.6 bindings).
//!
//! `ios/src/main.rs` (the executable Xcode bundles, built by `ios/build_for_ios_with_cargo.bash`)
//! calls [`main`] on the main thread, which is also Slint's event loop (winit + UIKit).
//! UIKit's notifications, the camera start/stop and the clipboard all run there, so the shared
//! state is a thread-local; the camera's frames arrive on a dispatch queue and go straight to
//! the scanner's feed.
//!
//! - Lock when the app resigns active ([`LifecycleGate`]; the camera permission alert we
//!   opened is excused), and an opaque cover over every window meanwhile, so the app-switcher
//!   snapshot shows no codes.
//! - `UIPasteboard` with an expiration date and `localOnly` (no Universal Clipboard): iOS
//!   itself removes the code when the time is up.
//! - AVFoundation camera frames (`420YpCbCr8BiPlanarFullRange`: plane 0 is the luma frame),
//!   permission through `AVCaptureDevice` authorization and [`PermissionFlow`].
//! - The vault in `Library/Application Support/Monban`, excluded from iCloud/iTunes backups
//!   (moving accounts is the app's own transfer QR or encrypted backup file).
//! - The folder for automatic backups from the document picker ([`choose_folder`]: Files, iCloud
//!   Drive, a provider), its security-scoped access kept across launches as a bookmark beside
//!   the vault and started again at launch ([`resume_backup_folder`]).

use std::cell::RefCell;
use std::path::PathBuf;
use std::ptr::NonNull;
use std::rc::Rc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use block2::RcBlock;
use dispatch2::{DispatchQueue, DispatchRetained};
use objc2::rc::Retained;
use objc2::runtime::{AnyObject, Bool, ProtocolObject};
use objc2::{
    AllocAnyThread, DefinedClass, MainThreadMarker, MainThreadOnly, define_class, msg_send,
};
use objc2_av_foundation::{
    AVAuthorizationStatus, AVCaptureConnection, AVCaptureDevice, AVCaptureDeviceInput,
    AVCaptureOutput, AVCaptureSession, AVCaptureSessionPreset1280x720,
    AVCaptureSessionPreset1920x1080, AVCaptureVideoDataOutput,
    AVCaptureVideoDataOutputSampleBufferDelegate, AVMediaTypeVideo,
};
use objc2_core_media::CMSampleBuffer;
use objc2_core_video::{
    CVPixelBuffer, CVPixelBufferGetBaseAddressOfPlane, CVPixelBufferGetBytesPerRowOfPlane,
    CVPixelBufferGetHeightOfPlane, CVPixelBufferGetWidthOfPlane, CVPixelBufferLockBaseAddress,
    CVPixelBufferLockFlags, CVPixelBufferUnlockBaseAddress, kCVPixelBufferPixelFormatTypeKey,
    kCVPixelFormatType_420YpCbCr8BiPlanarFullRange,
};
use objc2_foundation::{
    NSArray, NSData, NSDate, NSDictionary, NSNotification, NSNotificationCenter,
    NSNotificationName, NSNumber, NSObject, NSObjectProtocol, NSString, NSURL,
    NSURLBookmarkCreationOptions, NSURLBookmarkResolutionOptions, NSURLIsExcludedFromBackupKey,
    ns_string,
};
use objc2_ui_kit::{
    UIApplication, UIApplicationDidBecomeActiveNotification,
    UIApplicationDidEnterBackgroundNotification, UIApplicationOpenSettingsURLString,
    UIApplicationWillResignActiveNotification, UIColor, UIDocumentPickerDelegate,
    UIDocumentPickerViewController, UIPasteboard, UIPasteboardOptionExpirationDate,
    UIPasteboardOptionLocalOnly, UIView, UIViewAutoresizing, UIViewController, UIWindowScene,
};

use crate::app::{self, AppOptions};
use crate::camera::planes::{self as frames, Plane, Rotation};
use crate::camera::{CameraError, FrameFeed, FrameSource};
use crate::clipboard::{Clipboard, Pasted};
use crate::lifecycle::{self, LifecycleGate, LockPolicy, Reaction};
use crate::platform::Error;
use crate::platform::permission::{CameraAccess, Command, OsStatus, PermissionFlow};
use crate::qr::Frame;

/// Main-thread state.
struct Glue {
    gate: LifecycleGate,
    flow: PermissionFlow,
    feed: Option<FrameFeed>,
    capture: Option<Capture>,
    covers: Vec<Retained<UIView>>,
    _observers: Vec<Retained<ProtocolObject<dyn NSObjectProtocol>>>,
}

thread_local! {
    static GLUE: RefCell<Option<Glue>> = const { RefCell::new(None) };
}

/// Runs `f` on the glue state (main thread only). Never call into the app from inside `f`:
/// locking stops the camera, which comes back here.
fn with_glue<R>(f: impl FnOnce(&mut Glue) -> R) -> Option<R> {
    GLUE.with(|g| g.borrow_mut().as_mut().map(f))
}

/// The iOS main: called from `ios/src/main.rs`. Does not return (UIKit owns the main loop).
pub fn main() {
    if MainThreadMarker::new().is_none() {
        eprintln!("monban: the iOS app must start on the main thread");
        return;
    }
    let center = NSNotificationCenter::defaultCenter();
    let observers = unsafe {
        vec![
            observe(
                &center,
                UIApplicationWillResignActiveNotification,
                on_resign_active,
            ),
            observe(
                &center,
                UIApplicationDidEnterBackgroundNotification,
                on_background,
            ),
            observe(
                &center,
                UIApplicationDidBecomeActiveNotification,
                on_become_active,
            ),
        ]
    };
    GLUE.with(|g| {
        *g.borrow_mut() = Some(Glue {
            gate: LifecycleGate::new(LockPolicy::default()),
            flow: PermissionFlow::new(),
            feed: None,
            capture: None,
            covers: Vec::new(),
            _observers: observers,
        })
    });

    // Automatic backups into a folder picked earlier need its access started again.
    resume_backup_folder();
    let options = AppOptions {
        vault_path: vault_dir().map(|d| d.join(crate::vault::DEFAULT_FILE_NAME)),
        clipboard: Some(Rc::new(IosClipboard)),
        camera: Some(Box::new(IosCamera)),
        ..AppOptions::default()
    };
    if let Err(e) = app::run(options) {
        eprintln!("monban: {e}");
    }
}

/// `~/Library/Application Support/Monban`, created and excluded from backups.
fn vault_dir() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let dir = PathBuf::from(home).join("Library/Application Support/Monban");
    std::fs::create_dir_all(&dir).ok()?;
    let url = NSURL::fileURLWithPath(&NSString::from_str(&dir.to_string_lossy()));
    let yes = NSNumber::new_bool(true);
    let yes: &AnyObject = &yes;
    let excluded =
        unsafe { url.setResourceValue_forKey_error(Some(yes), NSURLIsExcludedFromBackupKey) };
    if let Err(e) = excluded {
        eprintln!(
            "monban: cannot exclude the vault from backups: {}",
            e.localizedDescription()
        );
    }
    Some(dir)
}

/// Registers `f` for a UIApplication notification. No queue: the block runs synchronously on
/// the posting (main) thread, so the cover is in place before iOS takes its snapshot.
unsafe fn observe(
    center: &NSNotificationCenter,
    name: &NSNotificationName,
    f: fn(),
) -> Retained<ProtocolObject<dyn NSObjectProtocol>> {
    let block = RcBlock::new(move |_: NonNull<NSNotification>| f());
    unsafe { center.addObserverForName_object_queue_usingBlock(Some(name), None, None, &block) }
}

fn on_resign_active() {
    let now = Instant::now();
    let reaction = with_glue(|g| {
        g.flow.paused();
        g.gate.paused(now)
    });
    apply(reaction.unwrap_or_default());
}

fn on_background() {
    let reaction = with_glue(|g| g.gate.backgrounded(Instant::now()));
    apply(reaction.unwrap_or_default());
}

fn on_become_active() {
    let reaction = with_glue(|g| g.gate.resumed(Instant::now()));
    apply(reaction.unwrap_or_default());
    // Back from Settings (or the permission alert): read the camera permission again.
    let open = with_glue(|g| g.flow.access() != CameraAccess::Unknown).unwrap_or(false);
    if open {
        let os = camera_status();
        if let Some(cmd) = with_glue(|g| g.flow.resumed(os)) {
            run(cmd);
        }
    }
}

fn apply(reaction: Reaction) {
    if reaction.cover == Some(true) {
        set_cover(true);
    }
    if reaction.lock {
        lifecycle::notify(lifecycle::Event::Background);
    }
    if reaction.cover == Some(false) {
        set_cover(false);
        lifecycle::notify(lifecycle::Event::Foreground);
    }
}

/// Puts an opaque view over every window of the app's scenes (or takes it away).
fn set_cover(on: bool) {
    let old = with_glue(|g| std::mem::take(&mut g.covers)).unwrap_or_default();
    for view in old {
        view.removeFromSuperview();
    }
    if !on {
        return;
    }
    let Some(mtm) = MainThreadMarker::new() else {
        return;
    };
    let mut covers = Vec::new();
    for scene in UIApplication::sharedApplication(mtm)
        .connectedScenes()
        .iter()
    {
        let Some(scene) = scene.downcast_ref::<UIWindowScene>() else {
            continue;
        };
        for window in scene.windows().iter() {
            let cover = UIView::initWithFrame(UIView::alloc(mtm), window.bounds());
            cover.setBackgroundColor(Some(&UIColor::systemBackgroundColor()));
            cover.setAutoresizingMask(
                UIViewAutoresizing::FlexibleWidth | UIViewAutoresizing::FlexibleHeight,
            );
            window.addSubview(&cover);
            window.bringSubviewToFront(&cover);
            covers.push(cover);
        }
    }
    with_glue(|g| g.covers = covers);
}

/// Opens Monban's page in the Settings app (to allow the camera again).
pub fn open_app_settings() -> Result<(), Error> {
    let mtm = MainThreadMarker::new().ok_or(Error::Apple("not on the main thread".into()))?;
    let url = NSURL::URLWithString(unsafe { UIApplicationOpenSettingsURLString })
        .ok_or(Error::Apple("no settings URL".into()))?;
    let options = NSDictionary::new();
    unsafe {
        UIApplication::sharedApplication(mtm)
            .openURL_options_completionHandler(&url, &options, None)
    };
    Ok(())
}

/// The pasteboard's text (the paste of an `otpauth://` link).
fn read_clipboard_text() -> Option<zeroize::Zeroizing<String>> {
    let text = unsafe { UIPasteboard::generalPasteboard().string() }?;
    let text = zeroize::Zeroizing::new(text.to_string());
    (!text.trim().is_empty()).then_some(text)
}

// ---- the folder for automatic backups ----

/// Where the bookmark of the chosen backup folder is kept (beside the vault; no secret).
fn bookmark_path() -> Option<PathBuf> {
    vault_dir().map(|d| d.join("backup-folder.bookmark"))
}

/// What the picker's delegate answers to: the thread waiting in [`choose_folder`].
struct PickerIvars {
    reply: Mutex<Option<std::sync::mpsc::Sender<Option<PathBuf>>>>,
}

define_class!(
    // SAFETY: NSObject has no subclassing requirements; no Drop impl. UIKit calls the
    // delegate on the main thread.
    #[unsafe(super = NSObject)]
    #[thread_kind = MainThreadOnly]
    #[name = "MonbanFolderPickerDelegate"]
    #[ivars = PickerIvars]
    struct FolderPickerDelegate;

    unsafe impl NSObjectProtocol for FolderPickerDelegate {}

    unsafe impl UIDocumentPickerDelegate for FolderPickerDelegate {
        #[unsafe(method(documentPicker:didPickDocumentsAtURLs:))]
        fn did_pick(&self, _picker: &UIDocumentPickerViewController, urls: &NSArray<NSURL>) {
            self.answer(urls.firstObject().and_then(|url| keep_access(&url)));
        }

        #[unsafe(method(documentPickerWasCancelled:))]
        fn cancelled(&self, _picker: &UIDocumentPickerViewController) {
            self.answer(None);
        }
    }
);

thread_local! {
    /// The picker's delegate while the picker is shown (UIKit holds it weakly).
    static PICKER: RefCell<Option<Retained<FolderPickerDelegate>>> = const { RefCell::new(None) };
}

impl FolderPickerDelegate {
    fn new(
        mtm: MainThreadMarker,
        reply: std::sync::mpsc::Sender<Option<PathBuf>>,
    ) -> Retained<Self> {
        let this = Self::alloc(mtm).set_ivars(PickerIvars {
            reply: Mutex::new(Some(reply)),
        });
        unsafe { msg_send![super(this), init] }
    }

    fn answer(&self, chosen: Option<PathBuf>) {
        if let Some(reply) = self.ivars().reply.lock().ok().and_then(|mut r| r.take()) {
            let _ = reply.send(chosen);
        }
        PICKER.with(|p| p.borrow_mut().take());
    }
}

/// The chosen folder's access, started now and kept as a bookmark for the next launches; its
/// path (automatic backups write there with plain file calls while the access lasts).
fn keep_access(url: &NSURL) -> Option<PathBuf> {
    // Security-scoped: access starts here and lasts while the app runs.
    let _ = unsafe { url.startAccessingSecurityScopedResource() };
    match url.bookmarkDataWithOptions_includingResourceValuesForKeys_relativeToURL_error(
        NSURLBookmarkCreationOptions(0),
        None,
        None,
    ) {
        Ok(data) => {
            if let Some(path) = bookmark_path()
                && let Err(e) = std::fs::write(&path, data.to_vec())
            {
                eprintln!("monban: cannot keep access to the backup folder: {e}");
            }
        }
        Err(e) => eprintln!(
            "monban: cannot keep access to the backup folder: {}",
            e.localizedDescription()
        ),
    }
    url.path().map(|p| PathBuf::from(p.to_string()))
}

/// At launch: starts the access to the backup folder chosen before (its bookmark), renewing a
/// stale bookmark. Without one nothing happens; a folder that is gone shows as the backup
/// failure it causes.
pub fn resume_backup_folder() {
    let Some(path) = bookmark_path() else { return };
    let Ok(bytes) = std::fs::read(&path) else {
        return;
    };
    let data = NSData::with_bytes(&bytes);
    let mut stale = Bool::NO;
    let resolved = unsafe {
        NSURL::URLByResolvingBookmarkData_options_relativeToURL_bookmarkDataIsStale_error(
            &data,
            NSURLBookmarkResolutionOptions::WithoutUI,
            None,
            &mut stale,
        )
    };
    match resolved {
        Ok(url) => {
            if stale.as_bool() {
                keep_access(&url);
            } else {
                let _ = unsafe { url.startAccessingSecurityScopedResource() };
            }
        }
        Err(e) => eprintln!(
            "monban: the backup folder chosen before cannot be reached: {}",
            e.localizedDescription()
        ),
    }
}

/// The top view controller of the key window, to present the picker from.
fn top_view_controller(mtm: MainThreadMarker) -> Option<Retained<UIViewController>> {
    let mut top = None;
    for scene in UIApplication::sharedApplication(mtm)
        .connectedScenes()
        .iter()
    {
        let Some(scene) = scene.downcast_ref::<UIWindowScene>() else {
            continue;
        };
        for window in scene.windows().iter() {
            if window.isKeyWindow() || top.is_none() {
                top = window.rootViewController();
            }
        }
    }
    let mut top = top?;
    while let Some(next) = top.presentedViewController() {
        top = next;
    }
    Some(top)
}

/// Shows the system's document picker for a folder and waits for the answer. Call it off the
/// main thread (the app's file-dialog thread): the picker runs on the main thread. `None`:
/// cancelled, or no window to show it from.
pub fn choose_folder() -> Option<PathBuf> {
    let (reply, answer) = std::sync::mpsc::channel();
    DispatchQueue::main().exec_async(move || {
        let Some(mtm) = MainThreadMarker::new() else {
            let _ = reply.send(None);
            return;
        };
        let Some(top) = top_view_controller(mtm) else {
            let _ = reply.send(None);
            return;
        };
        let delegate = FolderPickerDelegate::new(mtm, reply);
        // "public.folder" in open mode: the folder itself, not a copy (iOS 13 and later).
        #[allow(deprecated)]
        let picker = UIDocumentPickerViewController::initWithDocumentTypes_inMode(
            UIDocumentPickerViewController::alloc(mtm),
            &NSArray::from_retained_slice(&[NSString::from_str("public.folder")]),
            objc2_ui_kit::UIDocumentPickerMode::Open,
        );
        picker.setAllowsMultipleSelection(false);
        picker.setDelegate(Some(ProtocolObject::from_ref(&*delegate)));
        PICKER.with(|p| *p.borrow_mut() = Some(delegate));
        top.presentViewController_animated_completion(&picker, true, None);
    });
    answer.recv().ok().flatten()
}

// ---- camera permission ----

fn camera_status() -> OsStatus {
    let Some(video) = (unsafe { AVMediaTypeVideo }) else {
        return OsStatus::NoCamera;
    };
    if unsafe { AVCaptureDevice::defaultDeviceWithMediaType(video) }.is_none() {
        return OsStatus::NoCamera;
    }
    let status = unsafe { AVCaptureDevice::authorizationStatusForMediaType(video) };
    if status == AVAuthorizationStatus::Authorized {
        OsStatus::Granted
    } else if status == AVAuthorizationStatus::NotDetermined {
        OsStatus::Undetermined
    } else if status == AVAuthorizationStatus::Restricted {
        OsStatus::Restricted
    } else {
        // iOS asks once; after a denial only Settings can change it.
        OsStatus::Denied {
            can_ask_again: false,
        }
    }
}

fn run(cmd: Command) {
    match cmd {
        Command::Nothing => {}
        Command::StartCamera => {
            let feed = with_glue(|g| g.feed.clone()).flatten();
            if let Some(feed) = feed {
                match Capture::start(feed.clone()) {
                    Ok(capture) => {
                        with_glue(|g| g.capture = Some(capture));
                    }
                    Err(e) => feed.failed(CameraError::Unavailable(e.to_string())),
                }
            }
        }
        Command::StopCamera => {
            let capture = with_glue(|g| g.capture.take()).flatten();
            drop(capture);
        }
        Command::RequestPermission => {
            with_glue(|g| g.gate.expect_system_ui(Instant::now()));
            let Some(video) = (unsafe { AVMediaTypeVideo }) else {
                return;
            };
            // The handler runs on an arbitrary queue: hop to the event loop (main thread).
            let handler = RcBlock::new(|_granted: Bool| {
                let _ = slint::invoke_from_event_loop(|| {
                    let os = camera_status();
                    if let Some(cmd) = with_glue(|g| g.flow.resumed(os)) {
                        run(cmd);
                    }
                });
            });
            unsafe {
                AVCaptureDevice::requestAccessForMediaType_completionHandler(video, &handler)
            };
        }
        Command::OpenSettings => {
            if let Err(e) = open_app_settings() {
                eprintln!("monban: {e}");
            }
        }
    }
    report();
}

/// Shows the denied / no-camera state in the scanner view once the flow settled there.
fn report() {
    let Some((access, Some(feed))) = with_glue(|g| (g.flow.access(), g.feed.clone())) else {
        return;
    };
    match access {
        CameraAccess::Denied | CameraAccess::Blocked | CameraAccess::Restricted => {
            feed.failed(CameraError::PermissionDenied)
        }
        CameraAccess::NoCamera => feed.failed(CameraError::Unavailable("no camera".into())),
        CameraAccess::Unknown | CameraAccess::Requesting | CameraAccess::Granted => {}
    }
}

struct IosCamera;

impl FrameSource for IosCamera {
    fn start(&mut self, feed: FrameFeed) -> Result<(), CameraError> {
        let os = camera_status();
        let cmd = with_glue(|g| {
            g.feed = Some(feed.clone());
            g.flow.open(os, Instant::now())
        })
        .unwrap_or(Command::Nothing);
        match cmd {
            Command::StartCamera => match Capture::start(feed) {
                Ok(capture) => {
                    with_glue(|g| g.capture = Some(capture));
                    Ok(())
                }
                Err(e) => Err(CameraError::Unavailable(e.to_string())),
            },
            Command::RequestPermission => {
                run(cmd);
                Ok(())
            }
            _ => match with_glue(|g| g.flow.access()) {
                Some(CameraAccess::NoCamera) => Err(CameraError::Unavailable("no camera".into())),
                _ => Err(CameraError::PermissionDenied),
            },
        }
    }

    fn stop(&mut self) {
        let capture = with_glue(|g| {
            g.feed = None;
            g.flow.close();
            g.capture.take()
        })
        .flatten();
        drop(capture);
    }
}

// ---- camera frames ----

/// The frame delegate's state (touched only on the capture queue).
struct DelegateIvars {
    feed: FrameFeed,
    last: Mutex<Option<Instant>>,
}

/// Frames handed to the scanner at most this often.
const MIN_FRAME_INTERVAL: Duration = Duration::from_millis(66);

define_class!(
    // SAFETY: NSObject has no subclassing requirements; no Drop impl.
    #[unsafe(super = NSObject)]
    #[name = "MonbanFrameDelegate"]
    #[ivars = DelegateIvars]
    struct FrameDelegate;

    unsafe impl NSObjectProtocol for FrameDelegate {}

    unsafe impl AVCaptureVideoDataOutputSampleBufferDelegate for FrameDelegate {
        #[unsafe(method(captureOutput:didOutputSampleBuffer:fromConnection:))]
        fn did_output(
            &self,
            _output: &AVCaptureOutput,
            sample_buffer: &CMSampleBuffer,
            _connection: &AVCaptureConnection,
        ) {
            self.deliver(sample_buffer);
        }
    }
);

impl FrameDelegate {
    fn new(feed: FrameFeed) -> Retained<Self> {
        let this = Self::alloc().set_ivars(DelegateIvars {
            feed,
            last: Mutex::new(None),
        });
        unsafe { msg_send![super(this), init] }
    }

    fn deliver(&self, sample: &CMSampleBuffer) {
        let ivars = self.ivars();
        if ivars.feed.is_closed() {
            return;
        }
        {
            let Ok(mut last) = ivars.last.lock() else {
                return;
            };
            if last.is_some_and(|t| t.elapsed() < MIN_FRAME_INTERVAL) {
                return;
            }
            *last = Some(Instant::now());
        }
        if let Some(frame) = luma_of(sample) {
            // The back camera's sensor is landscape: a quarter turn makes portrait upright.
            ivars.feed.push(frames::rotate(&frame, Rotation::Cw90));
        }
    }
}

/// Plane 0 (luma) of a bi-planar 4:2:0 sample, copied out while the buffer is locked.
fn luma_of(sample: &CMSampleBuffer) -> Option<Frame> {
    let image = unsafe { sample.image_buffer() }?;
    let pixels: &CVPixelBuffer = &image;
    if unsafe { CVPixelBufferLockBaseAddress(pixels, CVPixelBufferLockFlags::ReadOnly) } != 0 {
        return None;
    }
    let frame = (|| {
        let base = CVPixelBufferGetBaseAddressOfPlane(pixels, 0)
            .cast::<u8>()
            .cast_const();
        if base.is_null() {
            return None;
        }
        let width = CVPixelBufferGetWidthOfPlane(pixels, 0);
        let height = CVPixelBufferGetHeightOfPlane(pixels, 0);
        let row_stride = CVPixelBufferGetBytesPerRowOfPlane(pixels, 0);
        let len = row_stride.checked_mul(height)?;
        // Safety: plane 0 of a locked buffer spans bytesPerRow × height bytes.
        let data = unsafe { std::slice::from_raw_parts(base, len) };
        frames::luma_from_camera(
            Plane {
                data,
                row_stride,
                pixel_stride: 1,
            },
            width,
            height,
            None,
        )
        .ok()
    })();
    unsafe { CVPixelBufferUnlockBaseAddress(pixels, CVPixelBufferLockFlags::ReadOnly) };
    frame
}

/// `AVCaptureSession` is documented as usable from any thread; start/stop block, so they run
/// on the capture queue.
struct SendSession(Retained<AVCaptureSession>);
unsafe impl Send for SendSession {}

impl SendSession {
    // Methods, so closures capture the whole wrapper (edition 2021 closures would otherwise
    // capture only the non-`Send` field).
    fn start(self) {
        unsafe { self.0.startRunning() }
    }
    fn stop(self) {
        unsafe { self.0.stopRunning() }
    }
}

/// A running capture: back camera → video data output → [`FrameDelegate`].
struct Capture {
    session: Retained<AVCaptureSession>,
    queue: DispatchRetained<DispatchQueue>,
    _delegate: Retained<FrameDelegate>,
}

impl Capture {
    fn start(feed: FrameFeed) -> Result<Capture, Error> {
        let video = unsafe { AVMediaTypeVideo }.ok_or(Error::NoCamera)?;
        let device =
            unsafe { AVCaptureDevice::defaultDeviceWithMediaType(video) }.ok_or(Error::NoCamera)?;
        let input = unsafe { AVCaptureDeviceInput::deviceInputWithDevice_error(&device) }
            .map_err(|e| Error::Camera(e.localizedDescription().to_string()))?;
        let session = unsafe { AVCaptureSession::new() };
        let output = unsafe { AVCaptureVideoDataOutput::new() };
        let delegate = FrameDelegate::new(feed);
        let queue = DispatchQueue::new("org.monban.camera", None);
        // Safety: the toll-free bridged CFString constant is an NSString.
        let format_key: &NSString =
            unsafe { &*(kCVPixelBufferPixelFormatTypeKey as *const _ as *const NSString) };
        let format = NSNumber::new_u32(kCVPixelFormatType_420YpCbCr8BiPlanarFullRange);
        let format: &AnyObject = &format;
        let settings: Retained<NSDictionary<NSString, AnyObject>> =
            NSDictionary::from_slices(&[format_key], &[format]);
        unsafe {
            session.beginConfiguration();
            // 1080p: what sealed transfer parts are sized for (camera::planes::CAPTURE_PIXELS).
            if session.canSetSessionPreset(AVCaptureSessionPreset1920x1080) {
                session.setSessionPreset(AVCaptureSessionPreset1920x1080);
            } else if session.canSetSessionPreset(AVCaptureSessionPreset1280x720) {
                session.setSessionPreset(AVCaptureSessionPreset1280x720);
            }
            let ok_in = session.canAddInput(&input);
            if ok_in {
                session.addInput(&input);
            }
            output.setVideoSettings(Some(&settings));
            output.setAlwaysDiscardsLateVideoFrames(true);
            output.setSampleBufferDelegate_queue(
                Some(ProtocolObject::from_ref(&*delegate)),
                Some(&*queue),
            );
            let ok_out = session.canAddOutput(&output);
            if ok_out {
                session.addOutput(&output);
            }
            session.commitConfiguration();
            if !ok_in || !ok_out {
                return Err(Error::Camera("the camera cannot be attached".into()));
            }
        }
        let running = SendSession(session.clone());
        queue.exec_async(move || running.start());
        Ok(Capture {
            session,
            queue,
            _delegate: delegate,
        })
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        let running = SendSession(self.session.clone());
        self.queue.exec_async(move || running.stop());
    }
}

// ---- clipboard ----

/// `UIPasteboard`: the code as plain text, local to this device, expiring after the delay.
struct IosClipboard;

impl Clipboard for IosClipboard {
    /// Text only (Android: while Monban has focus; iOS 16+ may ask the user first).
    fn read(&self) -> Option<Pasted> {
        read_clipboard_text().map(Pasted::Text)
    }

    fn set_code(&self, code: &str, clear_after: Duration) {
        let board = UIPasteboard::generalPasteboard();
        let text = NSString::from_str(code);
        let text: &AnyObject = &text;
        let item: Retained<NSDictionary<NSString, AnyObject>> =
            NSDictionary::from_slices(&[ns_string!("public.utf8-plain-text")], &[text]);
        let items = NSArray::from_retained_slice(&[item]);
        let yes = NSNumber::new_bool(true);
        let yes: &AnyObject = &yes;
        let expires = NSDate::dateWithTimeIntervalSinceNow(clear_after.as_secs_f64());
        let expires: &AnyObject = &expires;
        let local_only: &NSString = unsafe { UIPasteboardOptionLocalOnly };
        let expiration: &NSString = unsafe { UIPasteboardOptionExpirationDate };
        // `Duration::ZERO` means "never clear": no expiration then.
        let options: Retained<NSDictionary<NSString, AnyObject>> = if clear_after.is_zero() {
            NSDictionary::from_slices(&[local_only], &[yes])
        } else {
            NSDictionary::from_slices(&[local_only, expiration], &[yes, expires])
        };
        unsafe { board.setItems_options(&items, &options) };
    }
}
