//! Camera pixel formats → luma [`Frame`]s.
//!
//! Phone cameras deliver YUV: Android's `ImageReader` gives YUV_420_888 as three planes, each
//! with a row stride (bytes per row, often padded to 16/64) and a pixel stride (1 for a planar
//! Y plane; 2 for the interleaved chroma planes and, on a few devices, for Y too). The old
//! camera API and many V4L2 devices give NV21/NV12 (full Y plane, then interleaved chroma) or
//! YUYV (luma in every other byte). The decoder only needs luma: these helpers copy exactly that
//! and check every size first, so a wrong stride is an error, never a panic or garbage.

use crate::qr::{Frame, FrameError, check_rows};

/// Copies the Y plane of a YUV_420_888 image (Android `Image.getPlanes()[0]`, iOS
/// `kCVPixelFormatType_420YpCbCr8BiPlanar` plane 0) into a packed frame.
///
/// `row_stride` is the bytes between rows, `pixel_stride` the bytes between neighbouring
/// pixels in a row (1 for planar luma). The last row may be short (Android omits the padding
/// of the last row).
pub fn luma_from_planes(
    y_plane: &[u8],
    width: usize,
    height: usize,
    row_stride: usize,
    pixel_stride: usize,
) -> Result<Frame, FrameError> {
    let pixel_stride = pixel_stride.max(1);
    let (_, needed) = check_rows(y_plane.len(), width, height, row_stride, |w| {
        (w - 1)
            .checked_mul(pixel_stride)
            .and_then(|n| n.checked_add(1))
    })?;
    if pixel_stride == 1 {
        // Keep the stride: Frame handles padding, and no copy beyond the plane is needed.
        return Frame::new(width, height, row_stride, y_plane[..needed].to_vec());
    }
    let mut luma = Vec::with_capacity(width * height);
    for y in 0..height {
        let row = &y_plane[y * row_stride..];
        luma.extend((0..width).map(|x| row[x * pixel_stride]));
    }
    Frame::packed(width, height, luma)
}

/// The luma of an NV21 or NV12 buffer (Y plane of `height` rows of `row_stride` bytes, then
/// the chroma plane, which is ignored). Pass `row_stride = width` for unpadded buffers.
pub fn luma_from_nv21(
    data: &[u8],
    width: usize,
    height: usize,
    row_stride: usize,
) -> Result<Frame, FrameError> {
    luma_from_planes(data, width, height, row_stride, 1)
}

/// The luma of a packed YUYV (YUY2) buffer: Y0 U Y1 V, two bytes per pixel.
/// `row_stride` is in bytes (at least `2 * width`).
pub fn luma_from_yuyv(
    data: &[u8],
    width: usize,
    height: usize,
    row_stride: usize,
) -> Result<Frame, FrameError> {
    luma_from_planes(data, width, height, row_stride, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padded_rows_are_skipped() {
        // 3×2 image, rows padded to 5 bytes, last row short
        let y = [1, 2, 3, 99, 99, 4, 5, 6];
        let f = luma_from_planes(&y, 3, 2, 5, 1).unwrap();
        assert_eq!(f.to_packed().data(), &[1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn pixel_stride_two() {
        let y = [1, 0, 2, 0, 3, 0, 9, 9, 4, 0, 5, 0, 6];
        let f = luma_from_planes(&y, 3, 2, 8, 2).unwrap();
        assert_eq!(f.data(), &[1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn nv21_ignores_chroma() {
        let mut d = vec![10u8; 4 * 2];
        d.extend([128u8; 4]); // VU plane
        let f = luma_from_nv21(&d, 4, 2, 4).unwrap();
        assert_eq!(f.to_packed().data(), &[10; 8]);
    }

    #[test]
    fn yuyv_takes_every_other_byte() {
        let d = [1, 128, 2, 128, 3, 128, 4, 128];
        let f = luma_from_yuyv(&d, 2, 2, 4).unwrap();
        assert_eq!(f.data(), &[1, 2, 3, 4]);
    }

    #[test]
    fn bad_sizes_are_errors() {
        assert!(matches!(
            luma_from_planes(&[0; 10], 4, 3, 4, 1),
            Err(FrameError::TooShort { .. })
        ));
        assert!(matches!(
            luma_from_planes(&[0; 100], 4, 3, 3, 1),
            Err(FrameError::StrideTooSmall { .. })
        ));
        assert!(matches!(
            luma_from_planes(&[0; 100], 4, 3, 6, 2),
            Err(FrameError::StrideTooSmall { .. })
        ));
        assert!(matches!(
            luma_from_planes(&[], 0, 3, 6, 1),
            Err(FrameError::Empty { .. })
        ));
        assert!(luma_from_planes(&[0; 10], usize::MAX, 2, usize::MAX, 2).is_err());
    }
}
