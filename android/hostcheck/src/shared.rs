//! What both phone hostchecks (`android/hostcheck`, `ios/hostcheck`) compile the glue against:
//! the real platform-neutral files of the library (included by path: the frame, pixel
//! layouts, clipboard, lifecycle, permission flow, platform error, the vault's device key
//! trait, the automatic backups' folder trait), and stand-ins of the same
//! shape for what would pull in the whole app (`app::run`, `AppOptions`) or the decoder
//! (`camera::FrameFeed` wraps the scanner's sink in the library). `ios/hostcheck` includes
//! this file by path; each crate re-exports its modules at its root, where the glue's
//! `crate::…` paths look for them.
#![allow(dead_code)]

#[path = "../../../src/qr/frame.rs"]
pub mod frame;
#[path = "../../../src/camera/planes.rs"]
pub mod planes;
#[path = "../../../src/camera/yuv.rs"]
pub mod yuv;

#[path = "../../../src/clipboard/mod.rs"]
pub mod clipboard;
#[path = "../../../src/lifecycle/mod.rs"]
pub mod lifecycle;

#[path = "../../../src/platform/error.rs"]
pub mod error;
#[path = "../../../src/platform/permission.rs"]
pub mod permission;

pub mod qr {
    pub use super::frame::{Frame, FrameError, check_rows};
}

pub mod platform {
    pub use super::error::Error;
    pub use super::permission;
}

#[path = "../../../src/vault/device.rs"]
pub mod vault_device;

#[path = "../../../src/autobackup/store.rs"]
pub mod autobackup_store;

/// `monban::autobackup`: the real folder trait and tree opener (`src/autobackup/store.rs`).
pub mod autobackup {
    pub use super::autobackup_store as store;
}

/// `monban::vault`: the real device key trait (`src/vault/device.rs`) and the file name.
pub mod vault {
    pub use super::vault_device as device;
    pub use super::vault_device::{DeviceKey, DeviceKeyError, KeyId};
    pub const DEFAULT_FILE_NAME: &str = "monban.vault";
}

/// `monban::camera`: the real pixel layouts; the capture types with the library's signatures
/// (`src/camera/capture.rs`).
pub mod camera {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    pub use super::{planes, yuv};
    use crate::qr::Frame;

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum CameraError {
        PermissionDenied,
        Unavailable(String),
    }

    pub trait FrameSource {
        fn start(&mut self, feed: FrameFeed) -> Result<(), CameraError>;
        fn stop(&mut self);
    }

    #[derive(Clone)]
    pub struct FrameFeed(Arc<AtomicBool>);

    impl FrameFeed {
        pub fn push(&self, _frame: Frame) {}
        pub fn failed(&self, _error: CameraError) {}
        pub fn end(&self) {}
        pub fn is_closed(&self) -> bool {
            self.0.load(Ordering::Relaxed)
        }
    }
}

/// `monban::app`: what the phone entry points use of it (`src/app/mod.rs`).
pub mod app {
    use std::path::PathBuf;
    use std::rc::Rc;

    use crate::camera::FrameSource;
    use crate::clipboard::Clipboard;

    #[derive(Default)]
    pub struct AppOptions {
        pub vault_path: Option<PathBuf>,
        pub settings_path: Option<PathBuf>,
        pub clipboard: Option<Rc<dyn Clipboard>>,
        pub camera: Option<Box<dyn FrameSource>>,
    }

    pub fn run(options: AppOptions) -> Result<(), slint::PlatformError> {
        drop(options);
        Ok(())
    }
}
