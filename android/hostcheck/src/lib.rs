//! Host type-check of the Android glue: the real source files (included by path), arranged
//! under the module paths they use, with the app's camera feed replaced by a stand-in of the
//! same shape (`monban::app::scan::CameraFeed`).
#![allow(dead_code)]

#[path = "../../../src/camera/frame.rs"]
pub mod frame;
#[path = "../../../src/camera/yuv.rs"]
pub mod yuv;

#[path = "../../../src/platform/clipboard.rs"]
pub mod clipboard;
#[path = "../../../src/platform/error.rs"]
pub mod error;
#[path = "../../../src/platform/frames.rs"]
pub mod frames;
#[path = "../../../src/platform/permission.rs"]
pub mod permission;

#[path = "../../../src/platform/lifecycle.rs"]
pub mod lifecycle;

/// The glue itself: mod.rs with its jni_glue.rs and camera2.rs.
#[path = "../../../src/platform/android/mod.rs"]
pub mod android;

pub mod camera {
    pub use crate::frame::{Frame, FrameError};
    pub use crate::{frame, yuv};
}

pub mod platform {
    pub use crate::error::Error;
    pub use crate::{clipboard, frames, lifecycle, permission};
}

pub mod vault {
    pub const DEFAULT_FILE_NAME: &str = "monban.vault";
}

/// The app's interface to the platform, same signatures as `monban::app` (mod.rs, scan.rs,
/// clipboard.rs, lifecycle.rs).
pub mod app {
    use std::path::PathBuf;
    use std::rc::Rc;
    use std::time::Duration;

    use crate::camera::Frame;

    pub trait Clipboard {
        fn set_code(&self, code: &str, clear_after: Duration);
    }

    pub trait CameraSource {
        fn start(&mut self, feed: CameraFeed) -> Result<(), CameraError>;
        fn stop(&mut self);
    }

    #[derive(Default)]
    pub struct AppOptions {
        pub vault_path: Option<PathBuf>,
        pub settings_path: Option<PathBuf>,
        pub clipboard: Option<Rc<dyn Clipboard>>,
        pub camera: Option<Box<dyn CameraSource>>,
    }

    pub fn run(options: AppOptions) -> Result<(), slint::PlatformError> {
        drop(options);
        Ok(())
    }

    pub mod lifecycle {
        pub fn on_background() {}
        pub fn on_foreground() {}
    }

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum CameraError {
        PermissionDenied,
        Unavailable(String),
    }

    #[derive(Clone)]
    pub struct CameraFeed(std::sync::Arc<std::sync::atomic::AtomicBool>);

    impl CameraFeed {
        pub fn push(&self, _frame: Frame) {}
        pub fn failed(&self, _error: CameraError) {}
        pub fn is_closed(&self) -> bool {
            self.0.load(std::sync::atomic::Ordering::Relaxed)
        }
    }
}
