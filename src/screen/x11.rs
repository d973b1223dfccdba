//! X11: `GetImage` of the root window (all monitors) in ZPixmap format, converted to luma with
//! the root visual's colour masks. Pure Rust (`x11rb`'s own protocol implementation).

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, ImageFormat, ImageOrder, Visualtype};
use x11rb::rust_connection::RustConnection;
use zeroize::Zeroize;

use super::Error;
use crate::qr::Frame;

/// Rows fetched per request, so a large screen never needs one huge reply.
const STRIP_ROWS: u16 = 256;

pub fn capture(display: &str) -> Result<Frame, Error> {
    let err = |why: String| Error::X11 {
        display: display.to_owned(),
        why,
    };
    let (conn, screen_num) =
        RustConnection::connect(Some(display)).map_err(|e| err(e.to_string()))?;
    let setup = conn.setup();
    let screen = setup
        .roots
        .get(screen_num)
        .ok_or_else(|| err(format!("no screen {screen_num}")))?;
    let (width, height) = (screen.width_in_pixels, screen.height_in_pixels);
    let visual = screen
        .allowed_depths
        .iter()
        .flat_map(|d| d.visuals.iter())
        .find(|v| v.visual_id == screen.root_visual)
        .copied()
        .ok_or_else(|| err("the root visual is not listed".into()))?;
    let bpp = setup
        .pixmap_formats
        .iter()
        .find(|f| f.depth == screen.root_depth)
        .map(|f| f.bits_per_pixel)
        .ok_or_else(|| err(format!("no pixel format for depth {}", screen.root_depth)))?;
    let layout = Layout::new(&visual, bpp, setup.image_byte_order)
        .ok_or_else(|| err(format!("unsupported pixel format ({bpp} bits per pixel)")))?;

    let (w, h) = (usize::from(width), usize::from(height));
    let mut luma = vec![0u8; w * h];
    let mut y = 0u16;
    while y < height {
        let rows = STRIP_ROWS.min(height - y);
        let mut reply = conn
            .get_image(
                ImageFormat::Z_PIXMAP,
                screen.root,
                0,
                y as i16,
                width,
                rows,
                u32::MAX,
            )
            .map_err(|e| err(e.to_string()))?
            .reply()
            .map_err(|e| err(e.to_string()))?;
        let stride = reply.data.len() / usize::from(rows).max(1);
        if stride < w * layout.bytes {
            reply.data.zeroize();
            return Err(err("the server sent fewer pixels than asked for".into()));
        }
        for r in 0..usize::from(rows) {
            let row = &reply.data[r * stride..r * stride + w * layout.bytes];
            let out = &mut luma[(usize::from(y) + r) * w..][..w];
            for (o, px) in out.iter_mut().zip(row.chunks_exact(layout.bytes)) {
                *o = layout.luma(px);
            }
        }
        reply.data.zeroize();
        y += rows;
    }
    Frame::packed(w, h, luma).map_err(|e| err(e.to_string()))
}

/// How to read one pixel of a ZPixmap image.
#[derive(Debug, Clone, Copy)]
struct Layout {
    bytes: usize,
    msb_first: bool,
    /// (shift, width in bits) of red, green and blue.
    channels: [(u32, u32); 3],
}

impl Layout {
    fn new(visual: &Visualtype, bits_per_pixel: u8, order: ImageOrder) -> Option<Layout> {
        let bytes = match bits_per_pixel {
            16 => 2,
            24 => 3,
            32 => 4,
            _ => return None,
        };
        let ch = |mask: u32| -> Option<(u32, u32)> {
            (mask != 0).then(|| (mask.trailing_zeros(), mask.count_ones()))
        };
        Some(Layout {
            bytes,
            msb_first: order == ImageOrder::MSB_FIRST,
            channels: [
                ch(visual.red_mask)?,
                ch(visual.green_mask)?,
                ch(visual.blue_mask)?,
            ],
        })
    }

    fn luma(&self, px: &[u8]) -> u8 {
        let v = if self.msb_first {
            px.iter().fold(0u32, |v, &b| (v << 8) | u32::from(b))
        } else {
            px.iter().rev().fold(0u32, |v, &b| (v << 8) | u32::from(b))
        };
        let c = |(shift, bits): (u32, u32)| -> u32 {
            let max = (1u32 << bits) - 1;
            ((v >> shift) & max) * 255 / max
        };
        let [r, g, b] = self.channels.map(c);
        ((r * 299 + g * 587 + b * 114 + 500) / 1000) as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use x11rb::protocol::xproto::VisualClass;

    fn visual(r: u32, g: u32, b: u32) -> Visualtype {
        Visualtype {
            visual_id: 1,
            class: VisualClass::TRUE_COLOR,
            bits_per_rgb_value: 8,
            colormap_entries: 256,
            red_mask: r,
            green_mask: g,
            blue_mask: b,
        }
    }

    #[test]
    fn pixels_of_the_usual_depths_become_luma() {
        let bgrx = Layout::new(
            &visual(0xff0000, 0x00ff00, 0x0000ff),
            32,
            ImageOrder::LSB_FIRST,
        )
        .unwrap();
        assert_eq!(bgrx.luma(&[0, 0, 0, 0]), 0);
        assert_eq!(bgrx.luma(&[255, 255, 255, 0]), 255);
        assert_eq!(bgrx.luma(&[0, 0, 255, 0]), 76); // pure red
        let xrgb_msb = Layout::new(
            &visual(0xff0000, 0x00ff00, 0x0000ff),
            32,
            ImageOrder::MSB_FIRST,
        )
        .unwrap();
        assert_eq!(xrgb_msb.luma(&[0, 255, 0, 0]), 76);
        let rgb565 =
            Layout::new(&visual(0xf800, 0x07e0, 0x001f), 16, ImageOrder::LSB_FIRST).unwrap();
        assert_eq!(rgb565.luma(&[0xff, 0xff]), 255);
        assert_eq!(rgb565.luma(&[0xe0, 0x07]), 150); // pure green
        assert!(Layout::new(&visual(0xff0000, 0xff00, 0xff), 8, ImageOrder::LSB_FIRST).is_none());
    }
}
