//! The one rule for pictures in imports: which files are images (to look for QR codes in,
//! by their content, never their name), how large an import file may be, and how an icon an
//! export carries becomes the vault's small PNG.

use std::io::Cursor;

use image::{ImageFormat, ImageReader};

use crate::vault::{Icon, MAX_ICON_BYTES};

/// Largest file an import reads (exports of thousands of accounts are far smaller; a phone
/// photo of a QR code fits too).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Largest icon image an export may carry that is still converted (bigger ones are left out).
pub const MAX_ICON_SOURCE_BYTES: usize = 1024 * 1024;
/// Icons are scaled down to at most this many pixels a side.
pub const ICON_SIDE: u32 = 128;
/// Largest icon image decoded, in pixels a side.
const MAX_ICON_SOURCE_SIDE: u32 = 4096;

/// The raster formats an import treats as pictures.
fn raster_format(data: &[u8]) -> Option<ImageFormat> {
    match image::guess_format(data).ok()? {
        f @ (ImageFormat::Png
        | ImageFormat::Jpeg
        | ImageFormat::Gif
        | ImageFormat::Bmp
        | ImageFormat::WebP) => Some(f),
        _ => None,
    }
}

/// True when `data` is a PNG, JPEG, GIF, BMP or WebP picture (sniffed from its first bytes).
pub fn is_image(data: &[u8]) -> bool {
    raster_format(data).is_some()
}

/// The vault icon for an image an export carries: a PNG of at most [`ICON_SIDE`] pixels a
/// side and [`MAX_ICON_BYTES`]. `None` for anything that is not a raster image (SVG icons,
/// damaged data) or too large to be an icon.
pub fn icon_png(data: &[u8]) -> Option<Icon> {
    if data.len() > MAX_ICON_SOURCE_BYTES {
        return None;
    }
    let format = raster_format(data)?;
    let mut reader = ImageReader::with_format(Cursor::new(data), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_ICON_SOURCE_SIDE);
    limits.max_image_height = Some(MAX_ICON_SOURCE_SIDE);
    limits.max_alloc = Some(u64::from(MAX_ICON_SOURCE_SIDE).pow(2) * 4);
    reader.limits(limits);
    let img = reader.decode().ok()?;
    let (w, h) = (img.width(), img.height());
    if format == ImageFormat::Png
        && w <= ICON_SIDE
        && h <= ICON_SIDE
        && data.len() <= MAX_ICON_BYTES
    {
        return Some(Icon::Custom(data.to_vec()));
    }
    let img = if w > ICON_SIDE || h > ICON_SIDE {
        img.thumbnail(ICON_SIDE, ICON_SIDE)
    } else {
        img
    };
    let mut png = Vec::new();
    img.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .ok()?;
    (png.len() <= MAX_ICON_BYTES).then_some(Icon::Custom(png))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(w: u32, h: u32, format: ImageFormat) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), format)
            .unwrap();
        out
    }

    #[test]
    fn sniffs_pictures_by_content() {
        assert!(is_image(&encoded(4, 4, ImageFormat::Png)));
        assert!(is_image(&encoded(4, 4, ImageFormat::Jpeg)));
        assert!(!is_image(b"<svg xmlns='http://www.w3.org/2000/svg'/>"));
        assert!(!is_image(b"{\"services\": []}"));
    }

    #[test]
    fn icons_become_small_pngs() {
        let small = encoded(32, 32, ImageFormat::Png);
        assert_eq!(icon_png(&small), Some(Icon::Custom(small.clone())));
        let Some(Icon::Custom(png)) = icon_png(&encoded(600, 300, ImageFormat::Jpeg)) else {
            panic!("a JPEG icon converts");
        };
        let back = image::load_from_memory_with_format(&png, ImageFormat::Png).unwrap();
        assert_eq!((back.width(), back.height()), (ICON_SIDE, ICON_SIDE / 2));
        assert_eq!(icon_png(b"<svg/>"), None);
        assert_eq!(icon_png(&small[..small.len() / 2]), None, "damaged data");
    }
}
