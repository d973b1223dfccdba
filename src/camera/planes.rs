//! Phone camera images → the scanner's luma [`Frame`].
//!
//! Android's `AImageReader` (YUV_420_888) and iOS's `CVPixelBuffer`
//! (`420YpCbCr8BiPlanarFullRange`) both hand out a Y plane with a row stride, a pixel stride
//! and, on Android, a crop rectangle; the conversion itself is `camera::yuv`. This module adds
//! what the phone glue needs around it: the crop, and turning the frame upright for the
//! preview (sensors are mounted sideways; decoding does not care, the picture on screen does).

use crate::camera::yuv::luma_from_planes;
use crate::qr::{Frame, FrameError};

/// One image plane as the camera API reports it.
#[derive(Debug, Clone, Copy)]
pub struct Plane<'a> {
    pub data: &'a [u8],
    /// Bytes from one row to the next.
    pub row_stride: usize,
    /// Bytes from one pixel to the next within a row (1 for planar luma).
    pub pixel_stride: usize,
}

/// A rectangle inside the image, in pixels (Android `AImageCropRect` is left/top/right/bottom).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crop {
    pub left: usize,
    pub top: usize,
    pub right: usize,
    pub bottom: usize,
}

/// The luma of a camera image: `y` is plane 0 of a `width`×`height` image, `crop` the part
/// that holds picture (`None` = all). Errors, never panics, on any inconsistent size.
pub fn luma_from_camera(
    y: Plane<'_>,
    width: usize,
    height: usize,
    crop: Option<Crop>,
) -> Result<Frame, FrameError> {
    let Some(c) = crop else {
        return luma_from_planes(y.data, width, height, y.row_stride, y.pixel_stride);
    };
    // A crop that is empty, inverted or outside the image is ignored, as Android documents
    // for a crop rectangle that does not intersect the image.
    let valid = c.left < c.right && c.top < c.bottom && c.right <= width && c.bottom <= height;
    if !valid || (c.left == 0 && c.top == 0 && c.right == width && c.bottom == height) {
        return luma_from_planes(y.data, width, height, y.row_stride, y.pixel_stride);
    }
    let offset = c
        .top
        .checked_mul(y.row_stride)
        .and_then(|o| o.checked_add(c.left.checked_mul(y.pixel_stride.max(1))?))
        .ok_or(FrameError::TooShort {
            width,
            height,
            stride: y.row_stride,
            needed: usize::MAX,
            got: y.data.len(),
        })?;
    let data = y.data.get(offset..).unwrap_or(&[]);
    luma_from_planes(
        data,
        c.right - c.left,
        c.bottom - c.top,
        y.row_stride,
        y.pixel_stride,
    )
}

/// Clockwise rotation that makes a sensor image upright on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    None,
    Cw90,
    Cw180,
    Cw270,
}

impl Rotation {
    /// From Android's `ACAMERA_SENSOR_ORIENTATION` (or any angle in degrees); rounds to the
    /// nearest quarter turn.
    pub fn from_degrees(degrees: i32) -> Rotation {
        match (degrees.rem_euclid(360) + 45) / 90 % 4 {
            0 => Rotation::None,
            1 => Rotation::Cw90,
            2 => Rotation::Cw180,
            _ => Rotation::Cw270,
        }
    }
}

/// The frame turned clockwise by `rotation` (a packed copy; the input may have row padding).
pub fn rotate(frame: &Frame, rotation: Rotation) -> Frame {
    let (w, h) = (frame.width(), frame.height());
    let (ow, oh) = match rotation {
        Rotation::None | Rotation::Cw180 => (w, h),
        Rotation::Cw90 | Rotation::Cw270 => (h, w),
    };
    let mut out = vec![0u8; w * h];
    for y in 0..h {
        let row = frame.row(y);
        for (x, &v) in row.iter().enumerate() {
            let (nx, ny) = match rotation {
                Rotation::None => (x, y),
                Rotation::Cw90 => (h - 1 - y, x),
                Rotation::Cw180 => (w - 1 - x, h - 1 - y),
                Rotation::Cw270 => (y, w - 1 - x),
            };
            out[ny * ow + nx] = v;
        }
    }
    Frame::packed(ow, oh, out).expect("rotation keeps the pixel count")
}

/// Chooses the capture size from what the camera offers: the largest with at most
/// `max_pixels` pixels (enough for small QR codes, cheap enough to decode every frame), or the
/// smallest offered when all are larger. `None` when nothing usable is offered.
pub fn pick_size(offered: &[(usize, usize)], max_pixels: usize) -> Option<(usize, usize)> {
    let usable = offered.iter().copied().filter(|&(w, h)| w > 0 && h > 0);
    let pixels = |&(w, h): &(usize, usize)| w.saturating_mul(h);
    usable
        .clone()
        .filter(|s| pixels(s) <= max_pixels)
        .max_by_key(|s| (pixels(s), s.0))
        .or_else(|| usable.min_by_key(|s| (pixels(s), s.0)))
}

/// The default pixel budget for [`pick_size`]: 1920×1080. Sealed transfer parts are as dense
/// as a 1080p camera reads them at 20–30 cm (the camera simulation of `benches/transfer.rs`,
/// `docs/performance.md`); at 1280×720 a part of the chosen version has a third fewer camera
/// pixels per module than the decoder needs.
pub const CAPTURE_PIXELS: usize = 1920 * 1080;

#[cfg(test)]
mod tests {
    use super::*;

    fn plane(data: &[u8], row_stride: usize, pixel_stride: usize) -> Plane<'_> {
        Plane {
            data,
            row_stride,
            pixel_stride,
        }
    }

    #[test]
    fn crop_selects_the_window() {
        // 4×3, stride 6: values = 10*y + x
        let mut d = Vec::new();
        for y in 0..3u8 {
            d.extend((0..4u8).map(|x| 10 * y + x));
            d.extend([0xEE, 0xEE]);
        }
        let crop = Crop {
            left: 1,
            top: 1,
            right: 3,
            bottom: 3,
        };
        let f = luma_from_camera(plane(&d, 6, 1), 4, 3, Some(crop)).unwrap();
        assert_eq!((f.width(), f.height()), (2, 2));
        assert_eq!(f.to_packed().data(), &[11, 12, 21, 22]);
    }

    #[test]
    fn invalid_or_full_crop_is_ignored() {
        let d = [1, 2, 3, 4];
        for crop in [
            Crop {
                left: 0,
                top: 0,
                right: 2,
                bottom: 2,
            },
            Crop {
                left: 1,
                top: 0,
                right: 1,
                bottom: 2,
            },
            Crop {
                left: 0,
                top: 0,
                right: 3,
                bottom: 2,
            },
        ] {
            let f = luma_from_camera(plane(&d, 2, 1), 2, 2, Some(crop)).unwrap();
            assert_eq!(f.to_packed().data(), &d);
        }
    }

    #[test]
    fn huge_crop_offsets_are_errors() {
        let d = [0u8; 8];
        let crop = Crop {
            left: 1,
            top: 1,
            right: 2,
            bottom: 2,
        };
        assert!(luma_from_camera(plane(&d, usize::MAX, 1), 2, 2, Some(crop)).is_err());
    }

    #[test]
    fn rotations() {
        // 3×2:  1 2 3 / 4 5 6
        let f = Frame::new(3, 2, 4, vec![1, 2, 3, 0, 4, 5, 6]).unwrap();
        assert_eq!(rotate(&f, Rotation::None).data(), &[1, 2, 3, 4, 5, 6]);
        let r = rotate(&f, Rotation::Cw90);
        assert_eq!((r.width(), r.height()), (2, 3));
        assert_eq!(r.data(), &[4, 1, 5, 2, 6, 3]);
        assert_eq!(rotate(&f, Rotation::Cw180).data(), &[6, 5, 4, 3, 2, 1]);
        assert_eq!(rotate(&f, Rotation::Cw270).data(), &[3, 6, 2, 5, 1, 4]);
        assert_eq!(
            rotate(&rotate(&f, Rotation::Cw90), Rotation::Cw270),
            f.to_packed()
        );
    }

    #[test]
    fn degrees_round_to_quarter_turns() {
        assert_eq!(Rotation::from_degrees(0), Rotation::None);
        assert_eq!(Rotation::from_degrees(90), Rotation::Cw90);
        assert_eq!(Rotation::from_degrees(270), Rotation::Cw270);
        assert_eq!(Rotation::from_degrees(-90), Rotation::Cw270);
        assert_eq!(Rotation::from_degrees(180), Rotation::Cw180);
        assert_eq!(Rotation::from_degrees(359), Rotation::None);
        assert_eq!(
            Rotation::from_degrees(i32::MIN),
            Rotation::from_degrees(i32::MIN.rem_euclid(360))
        );
    }

    #[test]
    fn picks_the_largest_size_within_budget() {
        let offered = [
            (4032, 3024),
            (1920, 1080),
            (1280, 720),
            (640, 480),
            (0, 0),
            (176, 144),
        ];
        assert_eq!(pick_size(&offered, CAPTURE_PIXELS), Some((1920, 1080)));
        assert_eq!(pick_size(&offered, 640 * 480), Some((640, 480)));
        assert_eq!(
            pick_size(&[(4032, 3024), (2560, 1440)], CAPTURE_PIXELS),
            Some((2560, 1440)),
            "all larger: the smallest"
        );
        assert_eq!(pick_size(&[], CAPTURE_PIXELS), None);
        assert_eq!(pick_size(&[(0, 720)], CAPTURE_PIXELS), None);
        assert_eq!(
            pick_size(&[(usize::MAX, usize::MAX)], CAPTURE_PIXELS),
            Some((usize::MAX, usize::MAX))
        );
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        /// The pixel a camera plane holds at (x, y), read the obvious way.
        fn naive(data: &[u8], row: usize, px: usize, x: usize, y: usize) -> u8 {
            data[y * row + x * px]
        }

        proptest! {
            #[test]
            fn any_plane_layout_is_an_error_or_exactly_the_pixels(
                w in 0usize..24, h in 0usize..24,
                row_pad in 0usize..9, px in 0usize..4,
                len_cut in 0usize..40,
                crop in proptest::option::of((0usize..26, 0usize..26, 0usize..26, 0usize..26)),
            ) {
                let px_eff = px.max(1);
                let row = (w.saturating_sub(1) * px_eff + 1) + row_pad;
                let full = row * h;
                let data: Vec<u8> = (0..full).map(|i| (i * 7 % 256) as u8).collect();
                let data = &data[..full.saturating_sub(len_cut)];
                let crop = crop.map(|(l, t, r, b)| Crop { left: l, top: t, right: r, bottom: b });
                let plane = Plane { data, row_stride: row, pixel_stride: px };
                if let Ok(f) = luma_from_camera(plane, w, h, crop) {
                    let (ox, oy) = match crop {
                        Some(c) if c.left < c.right && c.top < c.bottom && c.right <= w && c.bottom <= h => (c.left, c.top),
                        _ => (0, 0),
                    };
                    for y in 0..f.height() {
                        for x in 0..f.width() {
                            prop_assert_eq!(f.get(x, y), naive(data, row, px_eff, ox + x, oy + y));
                        }
                    }
                }
            }

            #[test]
            fn four_quarter_turns_are_the_identity(w in 1usize..20, h in 1usize..20, pad in 0usize..5) {
                let data: Vec<u8> = (0..(w + pad) * h).map(|i| (i * 13 % 256) as u8).collect();
                let f = Frame::new(w, h, w + pad, data).unwrap();
                let mut r = f.clone();
                for _ in 0..4 {
                    r = rotate(&r, Rotation::Cw90);
                }
                prop_assert_eq!(r, f.to_packed());
                prop_assert_eq!(rotate(&rotate(&f, Rotation::Cw90), Rotation::Cw90), rotate(&f, Rotation::Cw180));
            }
        }
    }
}
