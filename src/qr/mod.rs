//! QR codes: reading them from camera frames and photos ([`decode`]) and drawing them
//! ([`encode`]).
//!
//! Never imports Slint, never reads the wall clock (only a monotonic [`std::time::Instant`] for
//! the per-frame time budget), never touches a camera: frames come in as [`Frame`] (grayscale
//! pixels with a row stride), which every image source (`camera`, `transfer::paper`) produces.

mod decode;
mod encode;
pub mod frame;
mod prep;
mod text;

use std::time::Duration;

use thiserror::Error;
use zeroize::{Zeroize, ZeroizeOnDrop};

pub use decode::{decode, decode_with};
#[doc(hidden)]
pub use decode::{decode_traced, pass_names, run_pass};
pub use encode::{
    DEFAULT_SCALE, EC_LEVEL, QUIET_ZONE, QrImage, encode, encode_png, encode_scaled, encode_with,
    max_bytes, max_bytes_at, modules_for_version, version_for, version_for_ec,
};
pub use frame::{Frame, FrameError, check_rows};
pub use qrcode::EcLevel;
pub use text::bytes_to_text;

/// What can go wrong making a QR code. (Decoding never fails: it finds zero or more codes.)
#[derive(Debug, Error, PartialEq, Eq)]
pub enum Error {
    #[error("{len} bytes do not fit in one QR code (at most {max}); split the payload into parts")]
    TooLong { len: usize, max: usize },
}

/// One QR code found in a frame.
///
/// `bytes` are the data bytes as stored in the symbol (byte segments verbatim, Kanji segments as
/// Shift_JIS); `text` is those bytes read as UTF-8, else Shift_JIS, else ISO-8859-1 (or as the
/// code's ECI header says). Payloads often carry secrets: both are wiped on drop and never
/// printed by `Debug`.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Payload {
    pub bytes: Vec<u8>,
    pub text: String,
}

impl Payload {
    /// A payload from its data bytes, text decoded per [`bytes_to_text`].
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        let text = bytes_to_text(&bytes);
        Payload { bytes, text }
    }
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = self
            .text
            .split_once(':')
            .map(|(s, _)| s)
            .filter(|s| s.len() < 24);
        write!(
            f,
            "Payload({} bytes, scheme {:?})",
            self.bytes.len(),
            scheme
        )
    }
}

/// How hard [`decode_with`] tries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Time after which no further pass starts, counted in the decoding thread's CPU time (on
    /// Unix; elsewhere wall time), so a loaded machine does not read less. The pass running when
    /// the budget runs out still finishes, so the worst case is the budget plus one pass (a few
    /// ms to ~30 ms of work).
    pub budget: Duration,
    /// Stop after this many distinct codes.
    pub max_codes: usize,
    /// Run the slow fallback cascade (rqrr with several binarizations, rescaled retries). Off,
    /// only the fast first pass runs.
    pub fallbacks: bool,
}

impl DecodeOptions {
    /// For a live camera preview: a short budget so the preview never stalls; the next frame
    /// gets another chance anyway.
    pub fn camera() -> Self {
        DecodeOptions {
            budget: Duration::from_millis(120),
            max_codes: 4,
            fallbacks: true,
        }
    }
    /// For a photo or screenshot the user chose: try everything.
    pub fn thorough() -> Self {
        DecodeOptions {
            budget: Duration::from_millis(1500),
            max_codes: 16,
            fallbacks: true,
        }
    }
}

impl Default for DecodeOptions {
    fn default() -> Self {
        Self::thorough()
    }
}
