//! Payload → QR image, sized and padded for a phone camera reading it off a screen or paper.
//!
//! Choices (see `docs`/report for the reasoning):
//! - error correction **M** (15 %): screens add glare, moiré and a finger over a corner; L is too
//!   fragile, Q/H grow the symbol by one to three versions for the same payload, and a bigger
//!   version means smaller modules at the same on-screen size, which hurts more than it helps;
//! - a **4-module quiet zone** (what the standard requires; phones fail without it on busy
//!   backgrounds);
//! - pure black on pure white, whole pixels per module (no anti-aliasing), so scaling in the UI
//!   with nearest-neighbour keeps edges sharp.

use std::io::Cursor;

use image::ImageEncoder;
use qrcode::{Color, EcLevel, QrCode, Version};

use super::Error;

/// Error-correction level used for every code Monban shows.
pub const EC_LEVEL: EcLevel = EcLevel::M;
/// Quiet zone around the symbol, in modules.
pub const QUIET_ZONE: usize = 4;
/// Pixels per module that [`encode`] renders.
pub const DEFAULT_SCALE: usize = 8;
/// The largest version a phone reliably reads at arm's length off a phone screen (57×57
/// modules). The transfer format keeps its parts at or below this.
pub const PHONE_READABLE_MAX_VERSION: u8 = 10;

/// A rendered QR code: 8-bit luma pixels (0 = dark module, 255 = light), row-major, packed.
#[derive(Clone, PartialEq, Eq)]
pub struct QrImage {
    /// Image width in pixels (= height).
    pub width: usize,
    /// Image height in pixels.
    pub height: usize,
    /// Luma pixels, `width * height` bytes.
    pub luma: Vec<u8>,
    /// Modules per side of the symbol, without the quiet zone (21 for version 1).
    pub modules: usize,
    /// QR version (1–40).
    pub version: u8,
    /// Pixels per module.
    pub scale: usize,
    /// Quiet zone in modules on each side.
    pub quiet_zone: usize,
}

impl QrImage {
    /// RGBA8 pixels (opaque), `width * height * 4` bytes — what
    /// `slint::SharedPixelBuffer::<Rgba8Pixel>::clone_from_slice(&rgba, w, h)` takes.
    pub fn to_rgba(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.luma.len() * 4);
        for &l in &self.luma {
            out.extend_from_slice(&[l, l, l, 255]);
        }
        out
    }

    /// RGBA8 buffer with its size: `(pixels, width, height)`, ready for `slint::Image`.
    pub fn rgba_buffer(&self) -> (Vec<u8>, u32, u32) {
        (self.to_rgba(), self.width as u32, self.height as u32)
    }

    /// A grayscale PNG of the image.
    pub fn to_png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(Cursor::new(&mut out))
            .write_image(
                &self.luma,
                self.width as u32,
                self.height as u32,
                image::ExtendedColorType::L8,
            )
            .expect("encoding a valid in-memory grayscale image as PNG cannot fail");
        out
    }

    /// The same image as a decoder frame.
    pub fn to_frame(&self) -> crate::qr::Frame {
        crate::qr::Frame::packed(self.width, self.height, self.luma.clone())
            .expect("a rendered QR image is never empty")
    }

    /// True when module (x, y) of the symbol (quiet zone excluded) is dark.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        let px = (QUIET_ZONE + x) * self.scale;
        let py = (QUIET_ZONE + y) * self.scale;
        x < self.modules && y < self.modules && self.luma[py * self.width + px] == 0
    }
}

impl std::fmt::Debug for QrImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print pixels: the code may carry a secret.
        write!(
            f,
            "QrImage(v{}, {} modules, {}×{} px)",
            self.version, self.modules, self.width, self.height
        )
    }
}

/// Encodes `payload` at [`DEFAULT_SCALE`] pixels per module.
pub fn encode(payload: &str) -> Result<QrImage, Error> {
    encode_scaled(payload, DEFAULT_SCALE)
}

/// Encodes `payload` with `scale` pixels per module (clamped to 1..=64).
pub fn encode_scaled(payload: &str, scale: usize) -> Result<QrImage, Error> {
    let code = best_code(payload.as_bytes()).ok_or(Error::TooLong {
        len: payload.len(),
        max: max_bytes(40),
    })?;
    Ok(render(&code, scale.clamp(1, 64)))
}

/// The smaller of the qrcode crate's mixed-mode encoding and a plain byte-mode encoding. The
/// crate's segment optimizer is not optimal (a mix can cost a version more than byte mode), and
/// byte mode is what [`max_bytes`] promises: a payload of `max_bytes(v)` bytes always fits
/// version `v`.
fn best_code(data: &[u8]) -> Option<QrCode> {
    let mixed = QrCode::with_error_correction_level(data, EC_LEVEL).ok();
    let bytes = (1..=40u8)
        .find(|&v| max_bytes(v) >= data.len())
        .and_then(|v| {
            let mut bits = qrcode::bits::Bits::new(Version::Normal(i16::from(v)));
            bits.push_byte_data(data).ok()?;
            bits.push_terminator(EC_LEVEL).ok()?;
            QrCode::with_bits(bits, EC_LEVEL).ok()
        });
    match (mixed, bytes) {
        (Some(m), Some(b)) => Some(
            if version_number(b.version()) < version_number(m.version()) {
                b
            } else {
                m
            },
        ),
        (m, b) => m.or(b),
    }
}

/// A PNG of `payload` with `scale` pixels per module.
pub fn encode_png(payload: &str, scale: usize) -> Result<Vec<u8>, Error> {
    Ok(encode_scaled(payload, scale)?.to_png())
}

/// The QR version [`encode`] would use for `payload`, or `None` if it does not fit at all.
pub fn version_for(payload: &str) -> Option<u8> {
    version_number(best_code(payload.as_bytes())?.version())
}

/// Modules per side of a version-`version` symbol (17 + 4·version).
pub fn modules_for_version(version: u8) -> usize {
    17 + 4 * version as usize
}

/// The most bytes (byte mode, [`EC_LEVEL`]) a symbol of `version` (1–40) holds.
pub fn max_bytes(version: u8) -> usize {
    // Byte-mode data capacity at EC level M, versions 1..=40 (ISO/IEC 18004 table 7).
    const M_BYTES: [usize; 40] = [
        14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624,
        666, 711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809,
        1911, 1989, 2099, 2213, 2331,
    ];
    M_BYTES[(version.clamp(1, 40) - 1) as usize]
}

fn version_number(v: Version) -> Option<u8> {
    match v {
        Version::Normal(n) => u8::try_from(n).ok(),
        Version::Micro(_) => None,
    }
}

fn render(code: &QrCode, scale: usize) -> QrImage {
    let modules = code.width();
    let side = (modules + 2 * QUIET_ZONE) * scale;
    let mut luma = vec![255u8; side * side];
    let colors = code.to_colors();
    for my in 0..modules {
        for mx in 0..modules {
            if colors[my * modules + mx] == Color::Dark {
                let x0 = (mx + QUIET_ZONE) * scale;
                let y0 = (my + QUIET_ZONE) * scale;
                for y in y0..y0 + scale {
                    luma[y * side + x0..y * side + x0 + scale].fill(0);
                }
            }
        }
    }
    QrImage {
        width: side,
        height: side,
        luma,
        modules,
        version: version_number(code.version()).unwrap_or(0),
        scale,
        quiet_zone: QUIET_ZONE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry() {
        let img = encode_scaled("otpauth://totp/A?secret=JBSWY3DPEHPK3PXP", 3).unwrap();
        assert_eq!(img.modules, modules_for_version(img.version));
        assert_eq!(img.width, (img.modules + 8) * 3);
        assert_eq!(img.luma.len(), img.width * img.height);
        assert_eq!(img.to_rgba().len(), img.luma.len() * 4);
        // finder pattern corner is dark, quiet zone is light
        assert!(img.is_dark(0, 0));
        assert_eq!(img.luma[0], 255);
        assert!(img.to_png().starts_with(b"\x89PNG"));
    }

    #[test]
    fn capacity_table_matches_encoder() {
        for v in [1u8, 5, 10, 20, 40] {
            let fits = "a".repeat(max_bytes(v));
            assert_eq!(version_for(&fits), Some(v), "version {v}");
            let over = "a".repeat(max_bytes(v) + 1);
            assert_ne!(version_for(&over), Some(v));
        }
    }

    #[test]
    fn too_long_is_an_error() {
        assert!(matches!(
            encode(&"a".repeat(5000)),
            Err(Error::TooLong { .. })
        ));
    }
}
