//! [`Frame`]: one grayscale (luma) image as cameras deliver it — width, height, row stride and
//! bytes. The scanner and `qr::decode` consume only this.

use thiserror::Error;

/// Why a buffer cannot be a frame.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum FrameError {
    #[error("frame has no pixels ({width}×{height})")]
    Empty { width: usize, height: usize },
    #[error("row stride {stride} is smaller than the width {width}")]
    StrideTooSmall { width: usize, stride: usize },
    #[error(
        "frame buffer holds {got} bytes, {needed} needed for {width}×{height} with stride {stride}"
    )]
    TooShort {
        width: usize,
        height: usize,
        stride: usize,
        needed: usize,
        got: usize,
    },
}

/// Checks that `len` bytes hold `height` rows `stride` bytes apart for pixels `width` wide,
/// each row using `row_bytes(width)` bytes (`None`: too large), the last row possibly without
/// its padding. Gives the bytes of a row and the bytes needed in all. Every pixel layout
/// (luma, RGB(A), YUV planes) checks its buffer through this before reading it.
pub fn check_rows(
    len: usize,
    width: usize,
    height: usize,
    stride: usize,
    row_bytes: impl FnOnce(usize) -> Option<usize>,
) -> Result<(usize, usize), FrameError> {
    if width == 0 || height == 0 {
        return Err(FrameError::Empty { width, height });
    }
    let row_bytes = row_bytes(width).ok_or(FrameError::StrideTooSmall { width, stride })?;
    if stride < row_bytes {
        return Err(FrameError::StrideTooSmall {
            width: row_bytes,
            stride,
        });
    }
    let needed = stride
        .checked_mul(height - 1)
        .and_then(|n| n.checked_add(row_bytes))
        .unwrap_or(usize::MAX);
    if len < needed {
        return Err(FrameError::TooShort {
            width,
            height,
            stride,
            needed,
            got: len,
        });
    }
    Ok((row_bytes, needed))
}

/// An 8-bit luma image. Row `y` starts at `y * stride`; bytes between `width` and `stride`
/// are padding and are ignored.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    width: usize,
    height: usize,
    stride: usize,
    luma: Vec<u8>,
}

impl Frame {
    /// Wraps a luma plane, checking that it is large enough. The last row may omit its padding.
    pub fn new(
        width: usize,
        height: usize,
        stride: usize,
        luma: Vec<u8>,
    ) -> Result<Self, FrameError> {
        check_rows(luma.len(), width, height, stride, Some)?;
        Ok(Frame {
            width,
            height,
            stride,
            luma,
        })
    }

    /// A tightly packed frame (stride = width).
    pub fn packed(width: usize, height: usize, luma: Vec<u8>) -> Result<Self, FrameError> {
        Self::new(width, height, width, luma)
    }

    pub fn width(&self) -> usize {
        self.width
    }
    pub fn height(&self) -> usize {
        self.height
    }
    pub fn stride(&self) -> usize {
        self.stride
    }
    /// The raw plane including row padding.
    pub fn data(&self) -> &[u8] {
        &self.luma
    }
    /// Row `y` without padding. Panics if `y >= height`.
    pub fn row(&self, y: usize) -> &[u8] {
        let start = y * self.stride;
        &self.luma[start..start + self.width]
    }
    /// Pixel at (x, y). Panics when out of bounds.
    pub fn get(&self, x: usize, y: usize) -> u8 {
        self.row(y)[x]
    }
    /// A copy with stride = width.
    pub fn to_packed(&self) -> Frame {
        if self.stride == self.width && self.luma.len() == self.width * self.height {
            return self.clone();
        }
        let mut out = Vec::with_capacity(self.width * self.height);
        for y in 0..self.height {
            out.extend_from_slice(self.row(y));
        }
        Frame {
            width: self.width,
            height: self.height,
            stride: self.width,
            luma: out,
        }
    }
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Frame({}×{}, stride {})",
            self.width, self.height, self.stride
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_sizes() {
        assert!(matches!(
            Frame::new(0, 1, 1, vec![]),
            Err(FrameError::Empty { .. })
        ));
        assert!(matches!(
            Frame::new(4, 1, 3, vec![0; 4]),
            Err(FrameError::StrideTooSmall { .. })
        ));
        assert!(matches!(
            Frame::new(4, 2, 8, vec![0; 11]),
            Err(FrameError::TooShort { .. })
        ));
        // last row may omit padding
        assert!(Frame::new(4, 2, 8, vec![0; 12]).is_ok());
    }

    #[test]
    fn rows_skip_padding() {
        let f = Frame::new(2, 2, 4, vec![1, 2, 9, 9, 3, 4]).unwrap();
        assert_eq!(f.row(1), &[3, 4]);
        assert_eq!(f.to_packed().data(), &[1, 2, 3, 4]);
        assert_eq!(f.get(1, 0), 2);
    }
}
