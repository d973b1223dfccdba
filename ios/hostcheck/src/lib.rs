//! Host type-check of the iOS glue: the real source files (included by path) under the module
//! paths they use, with stand-ins of the same shape for `monban::app`'s platform interface.
#![allow(dead_code)]
#[path = "../../../src/platform/clipboard.rs"]
pub mod clipboard;
#[path = "../../../src/platform/error.rs"]
pub mod error;
#[path = "../../../src/camera/frame.rs"]
pub mod frame;
#[path = "../../../src/platform/frames.rs"]
pub mod frames;
#[path = "../../../src/platform/ios.rs"]
pub mod ios;
#[path = "../../../src/platform/lifecycle.rs"]
pub mod lifecycle;
#[path = "../../../src/platform/permission.rs"]
pub mod permission;
#[path = "../../../src/camera/yuv.rs"]
pub mod yuv;
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
pub mod app {
    use crate::camera::Frame;
    use std::path::PathBuf;
    use std::rc::Rc;
    use std::time::Duration;
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
