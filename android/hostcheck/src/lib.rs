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

#[path = "../../../src/platform/android/camera2.rs"]
pub mod camera2;
#[path = "../../../src/platform/android/jni_glue.rs"]
pub mod jni_glue;

pub mod camera {
    pub use crate::frame::{Frame, FrameError};
    pub use crate::{frame, yuv};
}

pub mod platform {
    pub use crate::error::Error;
    pub use crate::{clipboard, frames, permission};
}

/// The app's camera interface, same signatures as `monban::app::scan`.
pub mod app {
    use crate::camera::Frame;

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
