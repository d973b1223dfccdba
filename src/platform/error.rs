//! The platform glue's error type.

use thiserror::Error;

/// Why a platform service failed.
#[derive(Debug, Error)]
pub enum Error {
    /// A call into the Java side failed (Android); the text names the call.
    #[error("Android call failed: {0}")]
    Java(String),
    /// A call into the Objective-C side failed (iOS).
    #[error("iOS call failed: {0}")]
    Apple(String),
    #[error("no camera is available on this device")]
    NoCamera,
    #[error("the camera could not be used: {0}")]
    Camera(String),
    #[error("not available on this platform")]
    Unsupported,
}
