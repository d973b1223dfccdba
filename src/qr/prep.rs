//! Image preparation for the decoders: a packed 8-bit gray image and the few operations that
//! measurably help on real photos (rescaling, binarizations, inversion).

/// A packed 8-bit grayscale image (stride = width).
#[derive(Clone)]
pub struct Gray {
    pub w: usize,
    pub h: usize,
    pub px: Vec<u8>,
}

impl Gray {
    pub fn from_frame(f: &crate::qr::Frame) -> Gray {
        let p = f.to_packed();
        Gray {
            w: p.width(),
            h: p.height(),
            px: p.data()[..p.width() * p.height()].to_vec(),
        }
    }

    /// Block-average downscale by an integer factor (cheap and alias-free).
    pub fn shrink(&self, factor: usize) -> Gray {
        if factor <= 1 {
            return self.clone();
        }
        let (w, h) = (self.w / factor, self.h / factor);
        if w == 0 || h == 0 {
            return self.clone();
        }
        let mut sums = vec![0u32; w];
        let mut px = Vec::with_capacity(w * h);
        let area = (factor * factor) as u32;
        for by in 0..h {
            sums.fill(0);
            for y in by * factor..(by + 1) * factor {
                let row = &self.px[y * self.w..y * self.w + w * factor];
                for (x, &v) in row.iter().enumerate() {
                    sums[x / factor] += v as u32;
                }
            }
            px.extend(sums.iter().map(|&s| (s / area) as u8));
        }
        Gray { w, h, px }
    }

    /// Bilinear resize to `w`×`h`.
    pub fn resize(&self, w: usize, h: usize) -> Gray {
        let (w, h) = (w.max(1), h.max(1));
        let mut px = Vec::with_capacity(w * h);
        let sx = self.w as f32 / w as f32;
        let sy = self.h as f32 / h as f32;
        // precompute column positions
        let cols: Vec<(usize, usize, f32)> = (0..w)
            .map(|x| {
                let fx = ((x as f32 + 0.5) * sx - 0.5).max(0.0);
                let x0 = (fx as usize).min(self.w - 1);
                let x1 = (x0 + 1).min(self.w - 1);
                (x0, x1, fx - x0 as f32)
            })
            .collect();
        for y in 0..h {
            let fy = ((y as f32 + 0.5) * sy - 0.5).max(0.0);
            let y0 = (fy as usize).min(self.h - 1);
            let y1 = (y0 + 1).min(self.h - 1);
            let ty = fy - y0 as f32;
            let r0 = &self.px[y0 * self.w..(y0 + 1) * self.w];
            let r1 = &self.px[y1 * self.w..(y1 + 1) * self.w];
            for &(x0, x1, tx) in &cols {
                let a = r0[x0] as f32 * (1.0 - tx) + r0[x1] as f32 * tx;
                let b = r1[x0] as f32 * (1.0 - tx) + r1[x1] as f32 * tx;
                px.push((a * (1.0 - ty) + b * ty + 0.5) as u8);
            }
        }
        Gray { w, h, px }
    }

    /// Scales so the longer side is about `target` pixels (shrinks by block average when the
    /// image is at least twice as large, otherwise bilinear).
    pub fn fit(&self, target: usize) -> Gray {
        let long = self.w.max(self.h);
        if long >= 2 * target {
            return self.shrink(long / target);
        }
        if long == target {
            return self.clone();
        }
        let s = target as f32 / long as f32;
        self.resize(
            (self.w as f32 * s).round() as usize,
            (self.h as f32 * s).round() as usize,
        )
    }

    /// Adds a light border of `b` pixels on every side (a quiet zone for tightly cropped codes).
    pub fn padded(&self, b: usize) -> Gray {
        let w = self.w + 2 * b;
        let mut px = vec![255u8; w * (self.h + 2 * b)];
        for y in 0..self.h {
            px[(y + b) * w + b..(y + b) * w + b + self.w]
                .copy_from_slice(&self.px[y * self.w..(y + 1) * self.w]);
        }
        Gray {
            w,
            h: self.h + 2 * b,
            px,
        }
    }

    /// Nearest-neighbour enlargement by an integer factor (keeps module edges sharp).
    pub fn enlarged(&self, f: usize) -> Gray {
        if f <= 1 {
            return self.clone();
        }
        let w = self.w * f;
        let mut px = Vec::with_capacity(w * self.h * f);
        for y in 0..self.h {
            let row: Vec<u8> = self.px[y * self.w..(y + 1) * self.w]
                .iter()
                .flat_map(|&v| std::iter::repeat_n(v, f))
                .collect();
            for _ in 0..f {
                px.extend_from_slice(&row);
            }
        }
        Gray {
            w,
            h: self.h * f,
            px,
        }
    }

    pub fn inverted(&self) -> Gray {
        Gray {
            w: self.w,
            h: self.h,
            px: self.px.iter().map(|&v| 255 - v).collect(),
        }
    }

    /// Mirror left-right.
    pub fn mirrored(&self) -> Gray {
        let mut px = Vec::with_capacity(self.px.len());
        for y in 0..self.h {
            px.extend(self.px[y * self.w..(y + 1) * self.w].iter().rev());
        }
        Gray {
            w: self.w,
            h: self.h,
            px,
        }
    }

    /// Linear stretch so the 1st..99th percentile spans 0..255.
    pub fn stretched(&self) -> Gray {
        let hist = self.histogram();
        let n = self.px.len() as u64;
        let (mut lo, mut hi) = (0usize, 255usize);
        let mut acc = 0u64;
        for (i, &c) in hist.iter().enumerate() {
            acc += c;
            if acc * 100 >= n {
                lo = i;
                break;
            }
        }
        acc = 0;
        for (i, &c) in hist.iter().enumerate().rev() {
            acc += c;
            if acc * 100 >= n {
                hi = i;
                break;
            }
        }
        if hi <= lo + 8 {
            return self.clone();
        }
        let range = (hi - lo) as f32;
        let lut: Vec<u8> = (0..256)
            .map(|v| (((v as f32 - lo as f32) / range).clamp(0.0, 1.0) * 255.0) as u8)
            .collect();
        Gray {
            w: self.w,
            h: self.h,
            px: self.px.iter().map(|&v| lut[v as usize]).collect(),
        }
    }

    pub fn histogram(&self) -> [u64; 256] {
        let mut h = [0u64; 256];
        for &v in &self.px {
            h[v as usize] += 1;
        }
        h
    }

    /// Otsu's global threshold: pixels at or below it are dark.
    pub fn otsu_level(&self) -> u8 {
        let hist = self.histogram();
        let total = self.px.len() as f64;
        let sum_all: f64 = hist
            .iter()
            .enumerate()
            .map(|(i, &c)| i as f64 * c as f64)
            .sum();
        let (mut w_b, mut sum_b, mut best, mut level) = (0.0f64, 0.0f64, -1.0f64, 127u8);
        for (t, &c) in hist.iter().enumerate() {
            w_b += c as f64;
            if w_b == 0.0 {
                continue;
            }
            let w_f = total - w_b;
            if w_f == 0.0 {
                break;
            }
            sum_b += t as f64 * c as f64;
            let m_b = sum_b / w_b;
            let m_f = (sum_all - sum_b) / w_f;
            let between = w_b * w_f * (m_b - m_f) * (m_b - m_f);
            if between > best {
                best = between;
                level = t as u8;
            }
        }
        level
    }

    /// Dark/light mask (true = dark) with one global threshold.
    pub fn threshold(&self, level: u8) -> Vec<bool> {
        self.px.iter().map(|&v| v <= level).collect()
    }

    /// Adaptive mean threshold: a pixel is dark when it is more than `offset` below the mean of
    /// the `(2r+1)²` window around it (integral image, O(1) per pixel).
    pub fn adaptive(&self, r: usize, offset: i32) -> Vec<bool> {
        let (w, h) = (self.w, self.h);
        let iw = w + 1;
        let mut integral = vec![0u64; iw * (h + 1)];
        for y in 0..h {
            let mut row = 0u64;
            for x in 0..w {
                row += self.px[y * w + x] as u64;
                integral[(y + 1) * iw + x + 1] = integral[y * iw + x + 1] + row;
            }
        }
        let mut out = Vec::with_capacity(w * h);
        for y in 0..h {
            let y0 = y.saturating_sub(r);
            let y1 = (y + r + 1).min(h);
            for x in 0..w {
                let x0 = x.saturating_sub(r);
                let x1 = (x + r + 1).min(w);
                let s = integral[y1 * iw + x1] + integral[y0 * iw + x0]
                    - integral[y0 * iw + x1]
                    - integral[y1 * iw + x0];
                let n = ((y1 - y0) * (x1 - x0)) as i64;
                let v = self.px[y * w + x] as i64 * n;
                out.push(v < s as i64 - offset as i64 * n);
            }
        }
        out
    }

    /// A mask as a gray image (dark = 0, light = 255).
    pub fn from_mask(w: usize, h: usize, mask: &[bool]) -> Gray {
        Gray {
            w,
            h,
            px: mask.iter().map(|&d| if d { 0 } else { 255 }).collect(),
        }
    }

    /// Paints the convex quadrilateral (plus a margin) light, so a found code does not hide
    /// the next one.
    pub fn erase_quad(&mut self, pts: &[(f32, f32)]) {
        if pts.len() < 3 {
            return;
        }
        let n = pts.len() as f32;
        let cx = pts.iter().map(|p| p.0).sum::<f32>() / n;
        let cy = pts.iter().map(|p| p.1).sum::<f32>() / n;
        // grow by 15 % around the centre to cover the quiet zone
        let grown: Vec<(f32, f32)> = pts
            .iter()
            .map(|&(x, y)| (cx + (x - cx) * 1.15, cy + (y - cy) * 1.15))
            .collect();
        let minx = grown.iter().map(|p| p.0).fold(f32::MAX, f32::min).max(0.0) as usize;
        let maxx =
            (grown.iter().map(|p| p.0).fold(f32::MIN, f32::max).max(0.0) as usize).min(self.w - 1);
        let miny = grown.iter().map(|p| p.1).fold(f32::MAX, f32::min).max(0.0) as usize;
        let maxy =
            (grown.iter().map(|p| p.1).fold(f32::MIN, f32::max).max(0.0) as usize).min(self.h - 1);
        let hull = convex_hull(&grown);
        for y in miny..=maxy {
            for x in minx..=maxx {
                if inside(&hull, x as f32, y as f32) {
                    self.px[y * self.w + x] = 255;
                }
            }
        }
    }
}

fn convex_hull(pts: &[(f32, f32)]) -> Vec<(f32, f32)> {
    let mut p: Vec<(f32, f32)> = pts.to_vec();
    p.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let cross = |o: (f32, f32), a: (f32, f32), b: (f32, f32)| {
        (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
    };
    let mut lower: Vec<(f32, f32)> = Vec::new();
    for &q in &p {
        while lower.len() >= 2 && cross(lower[lower.len() - 2], lower[lower.len() - 1], q) <= 0.0 {
            lower.pop();
        }
        lower.push(q);
    }
    let mut upper: Vec<(f32, f32)> = Vec::new();
    for &q in p.iter().rev() {
        while upper.len() >= 2 && cross(upper[upper.len() - 2], upper[upper.len() - 1], q) <= 0.0 {
            upper.pop();
        }
        upper.push(q);
    }
    lower.pop();
    upper.pop();
    lower.extend(upper);
    lower
}

/// Point inside a counter-clockwise convex polygon (edges included).
fn inside(hull: &[(f32, f32)], x: f32, y: f32) -> bool {
    if hull.len() < 3 {
        return false;
    }
    (0..hull.len()).all(|i| {
        let a = hull[i];
        let b = hull[(i + 1) % hull.len()];
        (b.0 - a.0) * (y - a.1) - (b.1 - a.1) * (x - a.0) >= 0.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img(w: usize, h: usize, f: impl Fn(usize, usize) -> u8) -> Gray {
        Gray {
            w,
            h,
            px: (0..h)
                .flat_map(|y| (0..w).map(move |x| (x, y)))
                .map(|(x, y)| f(x, y))
                .collect(),
        }
    }

    #[test]
    fn shrink_averages_blocks() {
        let g = img(4, 2, |x, _| if x < 2 { 0 } else { 200 });
        let s = g.shrink(2);
        assert_eq!((s.w, s.h), (2, 1));
        assert_eq!(s.px, vec![0, 200]);
    }

    #[test]
    fn resize_and_fit_sizes() {
        let g = img(100, 50, |x, y| (x + y) as u8);
        let r = g.resize(200, 100);
        assert_eq!((r.w, r.h, r.px.len()), (200, 100, 20000));
        let f = g.fit(400);
        assert_eq!((f.w, f.h), (400, 200));
        let f = img(1000, 10, |_, _| 9).fit(300);
        assert_eq!((f.w, f.h), (333, 3));
    }

    #[test]
    fn otsu_splits_two_levels() {
        let g = img(10, 10, |x, _| if x < 5 { 40 } else { 210 });
        let t = g.otsu_level();
        assert!((40..210).contains(&t));
        assert_eq!(g.threshold(t).iter().filter(|&&d| d).count(), 50);
    }

    #[test]
    fn adaptive_finds_dark_on_gradient() {
        // a dark square on a bright gradient
        let g = img(60, 60, |x, y| {
            if (20..40).contains(&x) && (20..40).contains(&y) {
                10
            } else {
                (100 + x / 2) as u8
            }
        });
        let m = g.adaptive(15, 5);
        assert!(m[30 * 60 + 22]);
        assert!(!m[5 * 60 + 5]);
    }

    #[test]
    fn erase_paints_region() {
        let mut g = img(20, 20, |_, _| 0);
        g.erase_quad(&[(5.0, 5.0), (14.0, 5.0), (14.0, 14.0), (5.0, 14.0)]);
        assert_eq!(g.px[10 * 20 + 10], 255);
        assert_eq!(g.px[0], 0);
    }

    #[test]
    fn mirror_and_invert() {
        let g = img(3, 1, |x, _| x as u8);
        assert_eq!(g.mirrored().px, vec![2, 1, 0]);
        assert_eq!(g.inverted().px, vec![255, 254, 253]);
    }
}
