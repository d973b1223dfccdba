//! Where frames come from, and the background decoder they go to. Every source produces a
//! [`crate::qr::Frame`] for the [`scanner::Scanner`].
//!
//! - [`capture`]: the [`FrameSource`] trait every live camera implements, the [`FrameFeed`] it
//!   pushes into, and [`ReplayCamera`] (a folder of frames played as a camera).
//! - [`device`]: the desktop webcam through nokhwa (feature `camera`); the phone cameras are
//!   Android Camera2 (`platform::android::camera2`) and iOS AVFoundation (`platform::ios`).
//! - [`planes`], [`yuv`]: camera pixel layouts (YUV planes, strides, crop, rotation) → luma.
//! - `still`: image files (EXIF orientation) and clipboard images; [`sources`]: file and
//!   folder replay into a sink.
//! - [`scanner`]: the decoder thread (newest frame wins, repeats ignored, payloads classified).

pub mod capture;
pub mod planes;
pub mod scanner;
pub mod sources;
mod still;
pub mod yuv;

#[cfg(feature = "camera")]
pub mod device;

pub use capture::{CameraError, FeedWatcher, FrameFeed, FrameSource, ReplayCamera};

pub use still::{MAX_PIXELS, Packing, frame_from_pixels, load_image, load_image_bytes};

use thiserror::Error;

/// Why a frame could not be obtained.
#[derive(Debug, Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("not an image (PNG, JPEG, WebP, GIF, BMP or TIFF expected)")]
    UnknownFormat,
    #[error("unsupported image: {0}")]
    Unsupported(String),
    #[error("damaged image: {0}")]
    Corrupt(String),
    #[error("image too large ({width}×{height} pixels)")]
    TooLarge { width: u32, height: u32 },
    #[error(transparent)]
    Frame(#[from] crate::qr::FrameError),
    #[error("folder {path} has no images")]
    NoImages { path: String },
    #[error("camera: {0}")]
    Camera(String),
}

impl Error {
    fn from_image(e: image::ImageError) -> Self {
        use image::ImageError as E;
        match e {
            E::Unsupported(u) => Error::Unsupported(u.to_string()),
            E::Limits(l) => Error::Unsupported(format!("too large to decode ({l})")),
            other => Error::Corrupt(other.to_string()),
        }
    }
}
