//! Live capture: the one trait every camera implements ([`FrameSource`]) and the feed it
//! pushes frames into ([`FrameFeed`]).
//!
//! Implementations, one per platform: [`super::device::Webcam`] (desktop, nokhwa, feature
//! `camera`), [`ReplayCamera`] (a folder of recorded frames: demos, tests), Android Camera2
//! (`platform::android::camera2`) and iOS AVFoundation (`platform::ios`). None of them knows
//! the app: the app builds the feed with a [`FeedWatcher`] of its own (the viewfinder preview)
//! and hands it to `start`.

use std::path::PathBuf;
use std::sync::Arc;

use thiserror::Error;

use super::scanner::FrameSink;
use super::sources::Replay;
use crate::qr::Frame;

/// Why a camera cannot deliver frames.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CameraError {
    /// The user (or a policy) refused camera access: the scanner says how to allow it.
    #[error("camera access was refused")]
    PermissionDenied,
    /// No camera, or it could not be opened.
    #[error("no camera available: {0}")]
    Unavailable(String),
}

impl CameraError {
    /// Sorts an OS error text: a refused device (EACCES on Linux, TCC on macOS) is a
    /// permission problem the user can fix; anything else means no usable camera.
    pub fn from_reason(reason: &str) -> CameraError {
        let lower = reason.to_lowercase();
        if lower.contains("permission")
            || lower.contains("denied")
            || lower.contains("not authorized")
        {
            CameraError::PermissionDenied
        } else {
            CameraError::Unavailable(reason.to_owned())
        }
    }
}

/// A live camera. `start` begins pushing frames into the feed from a thread of its own (or
/// the OS's capture queue); `stop` ends that. The app calls `stop` when the scanner closes
/// and when it locks.
pub trait FrameSource {
    fn start(&mut self, feed: FrameFeed) -> Result<(), CameraError>;
    fn stop(&mut self);
}

/// Who watches a feed besides the decoder: the app's viewfinder. Called on the camera thread.
pub trait FeedWatcher: Send + Sync {
    /// A frame arrived (before the decoder gets it).
    fn frame(&self, frame: &Frame);
    /// The camera stopped or failed after it had started.
    fn failed(&self, error: CameraError);
}

/// Where a camera delivers frames: the scanner's sink plus a watcher. Cheap to clone, `Send`.
#[derive(Clone)]
pub struct FrameFeed {
    sink: FrameSink,
    watcher: Arc<dyn FeedWatcher>,
}

impl FrameFeed {
    pub fn new(sink: FrameSink, watcher: Arc<dyn FeedWatcher>) -> FrameFeed {
        FrameFeed { sink, watcher }
    }

    /// Shows the frame to the watcher and hands it to the decoder (the newest frame wins).
    pub fn push(&self, frame: Frame) {
        self.watcher.frame(&frame);
        self.sink.submit(frame);
    }

    /// The camera stopped or failed; `PermissionDenied` lets the app say how to allow access.
    pub fn failed(&self, error: CameraError) {
        self.watcher.failed(error);
    }

    /// A finite source (a replay) is done: the scanner reports the end after its last frame.
    pub fn end(&self) {
        self.sink.end();
    }

    /// True once the scanner is gone (the camera thread should stop).
    pub fn is_closed(&self) -> bool {
        self.sink.is_closed()
    }
}

/// A folder of frames replayed as if a camera delivered them (demos, tests, recorded sessions).
pub struct ReplayCamera {
    dir: PathBuf,
    fps: f64,
    looping: bool,
    running: Option<Replay>,
}

impl ReplayCamera {
    /// Replays the images of `dir` at `fps` frames per second, once or in a loop.
    pub fn new(dir: impl Into<PathBuf>, fps: f64, looping: bool) -> ReplayCamera {
        ReplayCamera {
            dir: dir.into(),
            fps,
            looping,
            running: None,
        }
    }
}

impl FrameSource for ReplayCamera {
    fn start(&mut self, feed: FrameFeed) -> Result<(), CameraError> {
        self.stop();
        let (frames, errors, end) = (feed.clone(), feed.clone(), feed);
        let replay = Replay::start_with(
            &self.dir,
            self.fps,
            self.looping,
            move |frame| {
                frames.push(frame);
                !frames.is_closed()
            },
            move |reason| errors.failed(CameraError::Unavailable(reason)),
            move || end.end(),
        )
        .map_err(|e| CameraError::Unavailable(e.to_string()))?;
        self.running = Some(replay);
        Ok(())
    }

    fn stop(&mut self) {
        if let Some(replay) = self.running.take() {
            replay.stop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::camera::scanner::{ScanEvent, Scanner};
    use std::sync::Mutex;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn permission_errors_are_told_apart() {
        assert_eq!(
            CameraError::from_reason("cannot open camera 0: Permission denied (os error 13)"),
            CameraError::PermissionDenied
        );
        assert!(matches!(
            CameraError::from_reason("cannot open camera 0: No such device"),
            CameraError::Unavailable(_)
        ));
    }

    #[derive(Default)]
    struct Counting {
        frames: Mutex<usize>,
        failures: Mutex<Vec<CameraError>>,
    }

    impl FeedWatcher for Counting {
        fn frame(&self, _: &Frame) {
            *self.frames.lock().unwrap() += 1;
        }
        fn failed(&self, error: CameraError) {
            self.failures.lock().unwrap().push(error);
        }
    }

    #[test]
    fn a_replay_is_a_camera_the_watcher_and_the_decoder_both_see() {
        let dir = tempfile::tempdir().unwrap();
        let code = crate::qr::encode("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A")
            .unwrap()
            .to_frame();
        image::GrayImage::from_raw(
            code.width() as u32,
            code.height() as u32,
            code.data().into(),
        )
        .unwrap()
        .save(dir.path().join("frame_0001.png"))
        .unwrap();
        let (tx, rx) = mpsc::channel();
        let scanner = Scanner::start(crate::qr::DecodeOptions::default(), move |e| {
            let _ = tx.send(e);
        })
        .unwrap();
        let watcher = Arc::new(Counting::default());
        let mut camera = ReplayCamera::new(dir.path(), 0.0, false);
        camera
            .start(FrameFeed::new(scanner.sink(), watcher.clone()))
            .unwrap();
        let mut found = false;
        while let Ok(e) = rx.recv_timeout(Duration::from_secs(10)) {
            match e {
                ScanEvent::Found(_) => found = true,
                ScanEvent::SourceEnded => break,
                _ => {}
            }
        }
        camera.stop();
        assert!(found, "the decoder read the replayed frame");
        assert_eq!(*watcher.frames.lock().unwrap(), 1);
        assert!(watcher.failures.lock().unwrap().is_empty());
        let mut missing = ReplayCamera::new(dir.path().join("nowhere"), 0.0, false);
        assert!(matches!(
            missing.start(FrameFeed::new(scanner.sink(), watcher)),
            Err(CameraError::Unavailable(_))
        ));
    }
}
