//! Still images → [`Frame`]: files (PNG, JPEG, WebP, …), clipboard image bytes and raw RGBA.

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageReader};

use super::Error;
use crate::qr::{Frame, FrameError, check_rows};

/// Largest image we decode (pixels). A 48 MP phone photo is 8000×6000; anything larger is
/// either not a photo or a decompression bomb.
pub const MAX_PIXELS: u64 = 64_000_000;

/// Reads an image file as a luma frame, honouring its EXIF orientation (phone photos are often
/// stored sideways with a rotate flag).
pub fn load_image(path: &Path) -> Result<Frame, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::Read {
        path: path.display().to_string(),
        source: e,
    })?;
    load_image_bytes(&bytes)
}

/// Decodes image bytes (a file's content, an image pasted from the clipboard) as a luma frame,
/// honouring EXIF orientation. The format is detected from the content.
pub fn load_image_bytes(bytes: &[u8]) -> Result<Frame, Error> {
    let img = decode_dynamic(bytes)?;
    let luma = img.to_luma8();
    let (w, h) = (luma.width() as usize, luma.height() as usize);
    Ok(Frame::packed(w, h, luma.into_raw())?)
}

fn decode_dynamic(bytes: &[u8]) -> Result<DynamicImage, Error> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| Error::UnknownFormat)?;
    if reader.format().is_none() {
        return Err(Error::UnknownFormat);
    }
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4);
    let mut decoder = {
        let mut r = reader;
        r.limits(limits);
        r.into_decoder().map_err(Error::from_image)?
    };
    let (w, h) = decoder.dimensions();
    if w as u64 * h as u64 > MAX_PIXELS {
        return Err(Error::TooLarge {
            width: w,
            height: h,
        });
    }
    // A broken EXIF block must not make a readable image unreadable.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(Error::from_image)?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// How 8-bit colour pixels are packed, for [`frame_from_pixels`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Packing {
    /// RGBA (a screenshot, a camera that delivers RGBA). Alpha is ignored: transparent pixels
    /// count as their colour.
    Rgba,
    /// RGBA composited onto white first, so a QR code drawn as opaque modules on a transparent
    /// background (common in screenshots and the clipboard) reads.
    RgbaOnWhite,
    Rgb,
    /// BGRA (iOS `kCVPixelFormatType_32BGRA`).
    Bgra,
}

impl Packing {
    fn bytes_per_pixel(self) -> usize {
        match self {
            Packing::Rgb => 3,
            Packing::Rgba | Packing::RgbaOnWhite | Packing::Bgra => 4,
        }
    }

    fn luma(self, p: &[u8]) -> u8 {
        match self {
            Packing::Rgba | Packing::Rgb => luma(p[0], p[1], p[2]),
            Packing::Bgra => luma(p[2], p[1], p[0]),
            Packing::RgbaOnWhite => {
                let a = p[3] as u32;
                let l = luma(p[0], p[1], p[2]) as u32;
                ((l * a + 255 * (255 - a) + 127) / 255) as u8
            }
        }
    }
}

/// A luma frame from 8-bit colour pixels (`row_stride` in bytes, at least the bytes of a row).
pub fn frame_from_pixels(
    data: &[u8],
    width: usize,
    height: usize,
    row_stride: usize,
    packing: Packing,
) -> Result<Frame, FrameError> {
    let bpp = packing.bytes_per_pixel();
    let (row_bytes, _) = check_rows(data.len(), width, height, row_stride, |w| {
        w.checked_mul(bpp)
    })?;
    let mut out = Vec::with_capacity(width * height);
    for y in 0..height {
        out.extend(
            data[y * row_stride..y * row_stride + row_bytes]
                .chunks_exact(bpp)
                .map(|p| packing.luma(p)),
        );
    }
    Frame::packed(width, height, out)
}

/// Rec. 601 luma, integer arithmetic.
fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((r as u32 * 299 + g as u32 * 587 + b as u32 * 114 + 500) / 1000) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_rgb(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb(f(x, y)));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn loads_png_bytes() {
        let png = png_rgb(
            3,
            2,
            |x, _| if x == 0 { [0, 0, 0] } else { [255, 255, 255] },
        );
        let f = load_image_bytes(&png).unwrap();
        assert_eq!((f.width(), f.height()), (3, 2));
        assert_eq!(f.get(0, 0), 0);
        assert_eq!(f.get(2, 1), 255);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(matches!(
            load_image_bytes(b"not an image"),
            Err(Error::UnknownFormat)
        ));
        assert!(load_image_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").is_err());
        assert!(load_image_bytes(&[]).is_err());
    }

    #[test]
    fn rgba_with_stride() {
        // 2×2, stride 12 (one padding pixel per row)
        let px = [
            255, 255, 255, 255, 0, 0, 0, 255, 7, 7, 7, 7, //
            0, 0, 0, 255, 255, 255, 255, 255,
        ];
        let f = frame_from_pixels(&px, 2, 2, 12, Packing::Rgba).unwrap();
        assert_eq!(f.data(), &[255, 0, 0, 255]);
        let t = [0, 0, 0, 0, 0, 0, 0, 255];
        assert_eq!(
            frame_from_pixels(&t, 2, 1, 8, Packing::RgbaOnWhite)
                .unwrap()
                .data(),
            &[255, 0]
        );
        assert_eq!(
            frame_from_pixels(&[0, 0, 255, 255], 1, 1, 4, Packing::Bgra)
                .unwrap()
                .data(),
            &[76]
        );
        assert!(frame_from_pixels(&[0; 5], 2, 1, 6, Packing::Rgb).is_err());
    }
}
