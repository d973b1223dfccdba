//! Payload → QR image, sized and padded for a phone camera reading it off a screen or paper.
//!
//! Choices (see `docs`/report for the reasoning):
//! - error correction **M** (15 %) by default: screens add glare, moiré and a finger over a
//!   corner; L is too fragile, Q/H grow the symbol by one to three versions for the same
//!   payload, and a bigger version means smaller modules at the same on-screen size, which hurts
//!   more than it helps. Codes whose size was measured at a level of their own (sealed transfer
//!   parts: `transfer::sealed::EC_LEVEL`, chosen with a camera simulation) pass it to
//!   [`encode_with`];
//! - a **4-module quiet zone** (what the standard requires; phones fail without it on busy
//!   backgrounds);
//! - pure black on pure white, whole pixels per module (no anti-aliasing), so scaling in the UI
//!   with nearest-neighbour keeps edges sharp.

use image::ImageEncoder;
use qrcode::{Color, EcLevel, QrCode, Version};
use zeroize::Zeroizing;

use super::Error;

/// Error-correction level used for every code Monban shows.
pub const EC_LEVEL: EcLevel = EcLevel::M;
/// Quiet zone around the symbol, in modules.
pub const QUIET_ZONE: usize = 4;
/// Pixels per module that [`encode`] renders.
pub const DEFAULT_SCALE: usize = 8;

/// A rendered QR code: 8-bit luma pixels (0 = dark module, 255 = light), row-major, packed.
///
/// The pixels are a secret when the code carries one (an account's `otpauth://` link, a
/// Google migration export): they, the RGBA copy and the PNG are wiped when dropped. What the
/// `qrcode` crate builds on the way (its module grid is wiped here, its canvas is not) and the
/// PNG encoder's own row buffers are out of reach.
#[derive(Clone, PartialEq, Eq)]
pub struct QrImage {
    /// Image width in pixels (= height).
    pub width: usize,
    /// Image height in pixels.
    pub height: usize,
    /// Luma pixels, `width * height` bytes (wiped on drop).
    pub luma: Zeroizing<Vec<u8>>,
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
    /// `slint::SharedPixelBuffer::<Rgba8Pixel>::clone_from_slice(&rgba, w, h)` takes. Wiped on
    /// drop, like the luma pixels.
    pub fn to_rgba(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(self.luma.len() * 4));
        for &l in self.luma.iter() {
            out.extend_from_slice(&[l, l, l, 255]);
        }
        out
    }

    /// RGBA8 buffer with its size: `(pixels, width, height)`, ready for `slint::Image`.
    pub fn rgba_buffer(&self) -> (Zeroizing<Vec<u8>>, u32, u32) {
        (self.to_rgba(), self.width as u32, self.height as u32)
    }

    /// A grayscale PNG of the image, wiped on drop (it grows without leaving copies behind).
    pub fn to_png(&self) -> Zeroizing<Vec<u8>> {
        let mut out = crate::vault::ZeroizingWriter::with_capacity(4096);
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(
                &self.luma,
                self.width as u32,
                self.height as u32,
                image::ExtendedColorType::L8,
            )
            .expect("encoding a valid in-memory grayscale image as PNG cannot fail");
        out.0
    }

    /// The same image as a decoder frame (tests and replays; a frame's pixels are not wiped).
    pub fn to_frame(&self) -> crate::qr::Frame {
        crate::qr::Frame::packed(self.width, self.height, self.luma.to_vec())
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
    encode_with(payload, scale, EC_LEVEL)
}

/// Encodes `payload` with `scale` pixels per module (clamped to 1..=64) at error-correction
/// level `ec` (codes whose size was measured for a level of their own, like sealed transfer
/// parts).
pub fn encode_with(payload: &str, scale: usize, ec: EcLevel) -> Result<QrImage, Error> {
    let bits = best_bits(payload.as_bytes(), ec).ok_or(Error::TooLong {
        len: payload.len(),
        max: max_bytes_at(40, ec),
    })?;
    let code = QrCode::with_bits(bits, ec).map_err(|_| Error::TooLong {
        len: payload.len(),
        max: max_bytes_at(40, ec),
    })?;
    Ok(render(code, scale.clamp(1, 64)))
}

/// The smallest of the qrcode crate's mixed-mode encoding, a plain byte-mode encoding, and byte
/// mode for the head followed by alphanumeric mode for the longest tail in the alphanumeric set
/// (a `scheme:` prefix before Base45, as sealed transfer parts are). The crate's segment
/// optimizer is not optimal: a mix can cost a version more than byte mode, and splitting a
/// Base45 tail at its runs of digits can cost a version more than keeping it one alphanumeric
/// segment. Byte mode is what [`max_bytes`] promises (a payload of `max_bytes(v)` bytes always
/// fits version `v`); the split is what a sealed part's size estimate counts on. Only the data
/// bits are built (no symbol), so asking for the version is cheap.
fn best_bits(data: &[u8], ec: EcLevel) -> Option<qrcode::bits::Bits> {
    let mixed = qrcode::bits::encode_auto(data, ec).ok();
    let bytes = (1..=40u8)
        .find(|&v| max_bytes_at(v, ec) >= data.len())
        .and_then(|v| {
            let mut bits = qrcode::bits::Bits::new(Version::Normal(i16::from(v)));
            bits.push_byte_data(data).ok()?;
            bits.push_terminator(ec).ok()?;
            Some(bits)
        });
    [mixed, bytes, head_bytes_tail_alphanumeric(data, ec)]
        .into_iter()
        .flatten()
        .min_by_key(|b| version_number(b.version()).unwrap_or(u8::MAX))
}

/// QR alphanumeric mode's characters.
const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Byte mode up to the longest tail of alphanumeric characters, that tail in alphanumeric mode,
/// in the smallest version that holds both; `None` without such a tail.
fn head_bytes_tail_alphanumeric(data: &[u8], ec: EcLevel) -> Option<qrcode::bits::Bits> {
    let tail = data
        .iter()
        .rev()
        .take_while(|b| ALPHANUMERIC.contains(b))
        .count();
    if tail == 0 {
        return None;
    }
    let (head, tail) = data.split_at(data.len() - tail);
    (1..=40i16).find_map(|v| {
        let mut bits = qrcode::bits::Bits::new(Version::Normal(v));
        if !head.is_empty() {
            bits.push_byte_data(head).ok()?;
        }
        bits.push_alphanumeric_data(tail).ok()?;
        bits.push_terminator(ec).ok()?;
        Some(bits)
    })
}

/// A PNG of `payload` with `scale` pixels per module (wiped on drop).
pub fn encode_png(payload: &str, scale: usize) -> Result<Zeroizing<Vec<u8>>, Error> {
    Ok(encode_scaled(payload, scale)?.to_png())
}

/// The QR version [`encode`] would use for `payload`, or `None` if it does not fit at all.
pub fn version_for(payload: &str) -> Option<u8> {
    version_for_ec(payload, EC_LEVEL)
}

/// The QR version [`encode_with`] would use for `payload` at level `ec`.
pub fn version_for_ec(payload: &str, ec: EcLevel) -> Option<u8> {
    version_number(best_bits(payload.as_bytes(), ec)?.version())
}

/// Modules per side of a version-`version` symbol (17 + 4·version).
pub fn modules_for_version(version: u8) -> usize {
    17 + 4 * version as usize
}

/// The most bytes (byte mode, [`EC_LEVEL`]) a symbol of `version` (1–40) holds.
pub fn max_bytes(version: u8) -> usize {
    max_bytes_at(version, EC_LEVEL)
}

/// The most bytes (byte mode) a symbol of `version` (1–40) holds at level `ec`.
pub fn max_bytes_at(version: u8, ec: EcLevel) -> usize {
    // Byte-mode data capacity, versions 1..=40 (ISO/IEC 18004 table 7).
    const L: [usize; 40] = [
        17, 32, 53, 78, 106, 134, 154, 192, 230, 271, 321, 367, 425, 458, 520, 586, 644, 718, 792,
        858, 929, 1003, 1091, 1171, 1273, 1367, 1465, 1528, 1628, 1732, 1840, 1952, 2068, 2188,
        2303, 2431, 2563, 2699, 2809, 2953,
    ];
    const M: [usize; 40] = [
        14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624,
        666, 711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809,
        1911, 1989, 2099, 2213, 2331,
    ];
    const Q: [usize; 40] = [
        11, 20, 32, 46, 60, 74, 86, 108, 130, 151, 177, 203, 241, 258, 292, 322, 364, 394, 442,
        482, 509, 565, 611, 661, 715, 751, 805, 868, 908, 982, 1030, 1112, 1168, 1228, 1283, 1351,
        1423, 1499, 1579, 1663,
    ];
    const H: [usize; 40] = [
        7, 14, 24, 34, 44, 58, 64, 84, 98, 119, 137, 155, 177, 194, 220, 250, 280, 310, 338, 382,
        403, 439, 461, 511, 535, 593, 625, 658, 698, 742, 790, 842, 898, 958, 983, 1051, 1093,
        1139, 1219, 1273,
    ];
    let table = match ec {
        EcLevel::L => &L,
        EcLevel::M => &M,
        EcLevel::Q => &Q,
        EcLevel::H => &H,
    };
    table[(version.clamp(1, 40) - 1) as usize]
}

fn version_number(v: Version) -> Option<u8> {
    match v {
        Version::Normal(n) => u8::try_from(n).ok(),
        Version::Micro(_) => None,
    }
}

fn render(code: QrCode, scale: usize) -> QrImage {
    let modules = code.width();
    let version = version_number(code.version()).unwrap_or(0);
    let side = (modules + 2 * QUIET_ZONE) * scale;
    let mut luma = Zeroizing::new(vec![255u8; side * side]);
    // The crate's own module grid, taken over (not copied) so that it can be wiped below.
    let mut colors = code.into_colors();
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
    colors.fill(Color::Light);
    std::hint::black_box(&colors);
    QrImage {
        width: side,
        height: side,
        luma,
        modules,
        version,
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
    fn capacity_tables_match_encoder() {
        for ec in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H] {
            for v in 1..=40u8 {
                let fits = "a".repeat(max_bytes_at(v, ec));
                assert_eq!(version_for_ec(&fits, ec), Some(v), "version {v} {ec:?}");
                let over = "a".repeat(max_bytes_at(v, ec) + 1);
                assert_ne!(version_for_ec(&over, ec), Some(v), "version {v} {ec:?}");
            }
        }
        assert_eq!(max_bytes(10), max_bytes_at(10, EcLevel::M));
        let img = encode_with("monban", 1, EcLevel::H).unwrap();
        assert_eq!(img.width, img.modules + 2 * QUIET_ZONE);
    }

    #[test]
    fn a_prefixed_alphanumeric_tail_never_needs_more_than_its_length_says() {
        // What a sealed part's size estimate counts on: digits clustered anywhere in a Base45
        // tail never cost a version over a tail of letters of the same length.
        let alphabet = ALPHANUMERIC;
        let mut seed = 7u64;
        for len in (20..2400).step_by(37) {
            let tail: String = (0..len)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    // long digit runs in places, as random Base45 has
                    let pick = if (i / 9) % 3 == 0 {
                        (seed >> 33) % 10
                    } else {
                        (seed >> 33) % 45
                    };
                    alphabet[pick as usize] as char
                })
                .collect();
            for ec in [EcLevel::L, EcLevel::M] {
                let real = version_for_ec(&format!("monban-transfer:3:{tail}"), ec);
                let letters = version_for_ec(&format!("monban-transfer:3:{}", "A".repeat(len)), ec);
                assert!(
                    real <= letters,
                    "{len} chars at {ec:?}: {real:?} > {letters:?}"
                );
            }
        }
    }

    /// An account's QR code is its secret in pixels: dropping the image, its RGBA copy or its
    /// PNG must leave no row of them in freed memory.
    #[test]
    fn a_dropped_code_leaves_no_row_of_its_pixels_in_freed_memory() {
        use crate::freed_memory::blocks_holding;
        const LINK: &str =
            "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example";
        fn leak(bytes: &[u8]) -> &'static [u8] {
            Box::leak(bytes.to_vec().into_boxed_slice())
        }
        let img = encode(LINK).unwrap();
        let y = (QUIET_ZONE + img.modules / 2) * img.scale;
        let w = img.width;
        let row = leak(&img.luma[y * w..(y + 1) * w]);
        let rgba_row = leak(&img.to_rgba()[y * w * 4..(y + 1) * w * 4]);
        drop(img);
        // Control: the watcher sees a row freed unwiped.
        assert_eq!(blocks_holding(row, || drop(row.to_vec())), 1);
        assert_eq!(
            blocks_holding(row, || drop(encode(LINK).unwrap())),
            0,
            "luma pixels"
        );
        assert_eq!(
            blocks_holding(rgba_row, || drop(encode(LINK).unwrap().to_rgba())),
            0,
            "RGBA copy"
        );
        assert_eq!(
            blocks_holding(row, || drop(encode(LINK).unwrap().to_png())),
            0,
            "PNG"
        );
    }

    #[test]
    fn too_long_is_an_error() {
        assert!(matches!(
            encode(&"a".repeat(5000)),
            Err(Error::TooLong { .. })
        ));
    }
}
