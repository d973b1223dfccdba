//! A phone camera photographing a QR code shown on another phone's screen: the frames that
//! `benches/transfer.rs` (choice of QR version and error correction for sealed transfers) and
//! `benches/qr.rs` (decoder comparison) decode.
//!
//! The model, step by step (all lengths in cm, luminance linear until the camera response):
//!
//! 1. **Screen**: a 6-inch 1080×2400 phone (≈439 ppi, 6.25 cm wide). The app shows the code with
//!    its quiet zone on a white card 90 % of the screen width wide (the export page's layout:
//!    the code as large as fits, `image-rendering: pixelated`), so a symbol of more modules gets
//!    smaller modules, nearest-neighbour scaled to whole screen pixels (uneven module widths, as
//!    on a real screen). Each screen pixel emits through an aperture of 75 % of its pitch (the
//!    dark grid between pixels that makes moiré); glass reflects 3 % of ambient light
//!    everywhere (a black module is never black). Around the card: the app's dark background,
//!    the phone's bezel, then a grey room.
//! 2. **Pose**: the screen plane at a distance (20–30 cm), tilted about both axes, rolled, and
//!    off the frame's centre.
//! 3. **Camera**: a 1920×1080 pinhole camera with a 67° horizontal field of view (a phone's
//!    main camera, 26 mm equivalent, in 1080p video mode). Each camera pixel integrates 6×6
//!    samples over the central 70 % of its pitch; sampling the screen's pixel grid this way
//!    gives the beat patterns (moiré) of a real screen photo.
//! 4. **Optics and hand**: Gaussian defocus blur, a short motion blur, vignetting and sometimes a
//!    lamp's glare blob over the code.
//! 5. **Sensor and processing**: exposure with the screen's white near the top of the range,
//!    gamma 2.2, Gaussian noise, the sharpening every phone applies (unsharp mask), 8-bit, then
//!    JPEG.
//!
//! The result is JPEG bytes, decoded by Monban (`camera::load_image_bytes` + `qr::decode_with`)
//! and, through a file, by zxing-cpp (`benches/qr_ref.py`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use monban::qr::{self, EcLevel, QrImage};

/// A small deterministic random source (SplitMix64), so every run renders the same frames.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    /// Standard normal (Box–Muller).
    pub fn gauss(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// The phone that shows the code.
#[derive(Clone, Debug)]
pub struct Screen {
    pub diagonal_in: f64,
    pub px_w: usize,
    pub px_h: usize,
    /// Width of the code with its quiet zone, as a fraction of the screen width.
    pub qr_fraction: f64,
    /// Emitting part of each pixel's pitch (per axis).
    pub aperture: f64,
    /// Ambient light reflected by the glass (linear, white = 1).
    pub reflection: f64,
}

impl Screen {
    pub fn phone_6in() -> Self {
        Screen {
            diagonal_in: 6.0,
            px_w: 1080,
            px_h: 2400,
            qr_fraction: 0.9,
            aperture: 0.75,
            reflection: 0.03,
        }
    }
    /// Pixel pitch in cm.
    pub fn pitch_cm(&self) -> f64 {
        2.54 * self.diagonal_in / (self.px_w as f64).hypot(self.px_h as f64)
    }
    /// Side of the code (quiet zone included) in cm.
    pub fn qr_side_cm(&self) -> f64 {
        (self.qr_fraction * self.px_w as f64).round() * self.pitch_cm()
    }
}

/// The phone camera that reads the code.
#[derive(Clone, Debug)]
pub struct Camera {
    pub width: usize,
    pub height: usize,
    pub hfov_deg: f64,
}

impl Camera {
    pub fn phone_1080p() -> Self {
        // The app asks every camera for this size: the simulation must not see more pixels
        // than the scanner gets.
        const _: () = assert!(1920 * 1080 <= monban::camera::planes::CAPTURE_PIXELS);
        Camera {
            width: 1920,
            height: 1080,
            hfov_deg: 67.0,
        }
    }
    /// Focal length in pixels.
    pub fn focal_px(&self) -> f64 {
        (self.width as f64 / 2.0) / (self.hfov_deg.to_radians() / 2.0).tan()
    }
    /// Camera pixels per module of a code of `modules` (quiet zone included) at `distance_cm`,
    /// seen head-on.
    pub fn px_per_module(&self, screen: &Screen, modules: usize, distance_cm: f64) -> f64 {
        self.focal_px() * screen.qr_side_cm() / distance_cm / modules as f64
    }
}

/// One photograph: where the screen is and what the optics and the sensor do.
#[derive(Clone, Debug)]
pub struct Shot {
    pub distance_cm: f64,
    pub tilt_x_deg: f64,
    pub tilt_y_deg: f64,
    pub roll_deg: f64,
    /// Offset of the code's centre from the frame's centre (fractions of width and height).
    pub shift: (f64, f64),
    /// Gaussian defocus, sigma in camera pixels.
    pub defocus_px: f64,
    /// Length of the motion blur in camera pixels, and its direction.
    pub motion_px: f64,
    pub motion_deg: f64,
    /// Noise sigma in 8-bit levels.
    pub noise: f64,
    /// Peak of a glare blob (linear, added) over the code; 0 for none.
    pub glare: f64,
    pub jpeg_quality: u8,
}

impl Shot {
    /// A label for tables and file names.
    pub fn label(&self) -> String {
        format!(
            "{:.0}cm tilt {:.0}/{:.0} roll {:.0} blur {:.1} glare {:.1}",
            self.distance_cm,
            self.tilt_x_deg,
            self.tilt_y_deg,
            self.roll_deg,
            self.defocus_px,
            self.glare
        )
    }
}

/// The poses of the benches: a hand holding a phone over another phone at `distance_cm`. Each
/// pose differs in tilt, roll, position in the frame, blur, glare and JPEG quality (the seed
/// given to [`photograph`] makes the noise and the glare's place reproducible).
pub fn poses(distance_cm: f64) -> Vec<Shot> {
    let base = Shot {
        distance_cm,
        tilt_x_deg: 0.0,
        tilt_y_deg: 0.0,
        roll_deg: 0.0,
        shift: (0.0, 0.0),
        defocus_px: 0.8,
        motion_px: 0.0,
        motion_deg: 0.0,
        noise: 3.0,
        glare: 0.0,
        jpeg_quality: 85,
    };
    vec![
        // straight on, slightly soft
        Shot {
            tilt_x_deg: 4.0,
            tilt_y_deg: -3.0,
            roll_deg: 2.0,
            ..base.clone()
        },
        // tilted and rolled, off centre, a little shake
        Shot {
            tilt_x_deg: -15.0,
            tilt_y_deg: 10.0,
            roll_deg: 12.0,
            shift: (0.12, -0.08),
            defocus_px: 1.0,
            motion_px: 1.5,
            motion_deg: 30.0,
            noise: 4.0,
            jpeg_quality: 75,
            ..base.clone()
        },
        // strongly tilted the other way, rolled 45°, a lamp reflected over the code
        Shot {
            tilt_x_deg: 10.0,
            tilt_y_deg: -18.0,
            roll_deg: -40.0,
            shift: (-0.1, 0.1),
            defocus_px: 1.2,
            noise: 5.0,
            glare: 0.35,
            jpeg_quality: 80,
            ..base
        },
    ]
}

/// The model's parameters in words, for the benches' output.
pub fn describe(screen: &Screen, cam: &Camera) -> String {
    let mut out = format!(
        "Screen: {}-inch {}×{} ({:.0} ppi), the code with its quiet zone {:.2} cm wide ({:.0} % of the width, \
         nearest-neighbour scaled), pixel aperture {:.0} % of the pitch, glass reflection {:.0} %. \
         Camera: {}×{}, {:.0}° horizontal field of view (focal length {:.0} px), each pixel integrating \
         6×6 samples over 70 % of its pitch (moiré with the screen's pixel grid), vignetting 30 % at the corners, \
         exposure with white near the top, gamma 2.2, unsharp mask 0.6 (sigma 1 px), 8-bit, JPEG. Poses:",
        screen.diagonal_in,
        screen.px_w,
        screen.px_h,
        2.54 / screen.pitch_cm(),
        screen.qr_side_cm(),
        screen.qr_fraction * 100.0,
        screen.aperture * 100.0,
        screen.reflection * 100.0,
        cam.width,
        cam.height,
        cam.hfov_deg,
        cam.focal_px(),
    );
    for (i, s) in poses(25.0).iter().enumerate() {
        out.push_str(&format!(
            "\n  {i}: tilt {:.0}°/{:.0}°, roll {:.0}°, off centre {:.0} %/{:.0} %, defocus sigma {:.1} px, \
             shake {:.1} px, noise sigma {:.0} levels, glare {:.2}, JPEG quality {}",
            s.tilt_x_deg,
            s.tilt_y_deg,
            s.roll_deg,
            s.shift.0 * 100.0,
            s.shift.1 * 100.0,
            s.defocus_px,
            s.motion_px,
            s.noise,
            s.glare,
            s.jpeg_quality
        ));
    }
    out
}

/// 3×3 rotation, row-major.
type Mat3 = [[f64; 3]; 3];

fn mul(a: &Mat3, b: &Mat3) -> Mat3 {
    let mut m = [[0.0; 3]; 3];
    for (i, row) in m.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = (0..3).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    m
}

fn rotation(shot: &Shot) -> Mat3 {
    let (ax, ay, az) = (
        shot.tilt_x_deg.to_radians(),
        shot.tilt_y_deg.to_radians(),
        shot.roll_deg.to_radians(),
    );
    let rx = [
        [1.0, 0.0, 0.0],
        [0.0, ax.cos(), -ax.sin()],
        [0.0, ax.sin(), ax.cos()],
    ];
    let ry = [
        [ay.cos(), 0.0, ay.sin()],
        [0.0, 1.0, 0.0],
        [-ay.sin(), 0.0, ay.cos()],
    ];
    let rz = [
        [az.cos(), -az.sin(), 0.0],
        [az.sin(), az.cos(), 0.0],
        [0.0, 0.0, 1.0],
    ];
    mul(&rz, &mul(&ry, &rx))
}

/// What the screen plane emits at local point (x, y) cm (origin at the code's centre).
struct Scene<'a> {
    qr: &'a QrImage,
    screen: &'a Screen,
    pitch: f64,
    /// Screen pixel of the code's top-left corner and its side in screen pixels.
    qr_left: f64,
    qr_top: f64,
    qr_px: f64,
    /// Screen pixel of the code's centre.
    centre: (f64, f64),
}

impl Scene<'_> {
    /// Linear luminance; `aperture`: model the pixel grid (false: its average).
    fn at(&self, x: f64, y: f64, aperture: bool) -> f64 {
        let s = self.screen;
        let sx = self.centre.0 + x / self.pitch;
        let sy = self.centre.1 + y / self.pitch;
        if sx < 0.0 || sy < 0.0 || sx >= s.px_w as f64 || sy >= s.px_h as f64 {
            let bezel = 0.45 / self.pitch;
            if sx > -bezel
                && sy > -bezel
                && sx < s.px_w as f64 + bezel
                && sy < s.px_h as f64 + bezel
            {
                return 0.01;
            }
            // a grey desk, a little brighter towards the top
            return 0.10 + 0.04 * (-(y / 40.0)).tanh();
        }
        let (px, py) = (sx.floor(), sy.floor());
        let card = 11.0; // the white card's margin around the code, screen pixels
        let value = if px >= self.qr_left - card
            && py >= self.qr_top - card
            && px < self.qr_left + self.qr_px + card
            && py < self.qr_top + self.qr_px + card
        {
            let mx = ((px + 0.5 - self.qr_left) * self.qr.width as f64 / self.qr_px).floor();
            let my = ((py + 0.5 - self.qr_top) * self.qr.height as f64 / self.qr_px).floor();
            if mx >= 0.0
                && my >= 0.0
                && (mx as usize) < self.qr.width
                && (my as usize) < self.qr.height
                && self.qr.luma[my as usize * self.qr.width + mx as usize] < 128
            {
                0.0
            } else {
                1.0
            }
        } else {
            0.03 // the app's dark background
        };
        let emitted = if aperture {
            let a = s.aperture;
            if sx - px < a && sy - py < a {
                value / (a * a)
            } else {
                0.0
            }
        } else {
            value
        };
        s.reflection + emitted
    }
}

/// Photographs `qr` (rendered at 1 pixel per module, quiet zone included) on `screen` with
/// `cam`; returns the JPEG bytes of the frame.
pub fn photograph(qr: &QrImage, screen: &Screen, cam: &Camera, shot: &Shot, seed: u64) -> Vec<u8> {
    let luma = photograph_luma(qr, screen, cam, shot, seed);
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, shot.jpeg_quality)
        .encode(
            &luma,
            cam.width as u32,
            cam.height as u32,
            image::ExtendedColorType::L8,
        )
        .expect("encoding an in-memory frame as JPEG");
    out
}

/// The frame before JPEG: 8-bit luma, `cam.width * cam.height`.
pub fn photograph_luma(
    qr: &QrImage,
    screen: &Screen,
    cam: &Camera,
    shot: &Shot,
    seed: u64,
) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let pitch = screen.pitch_cm();
    let qr_px = (screen.qr_fraction * screen.px_w as f64).round();
    let qr_left = ((screen.px_w as f64 - qr_px) / 2.0).floor();
    let qr_top = (0.4 * screen.px_h as f64 - qr_px / 2.0).floor();
    let scene = Scene {
        qr,
        screen,
        pitch,
        qr_left,
        qr_top,
        qr_px,
        centre: (qr_left + qr_px / 2.0, qr_top + qr_px / 2.0),
    };
    let (w, h) = (cam.width, cam.height);
    let f = cam.focal_px();
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let d = shot.distance_cm;
    let centre = [
        shot.shift.0 * w as f64 / f * d,
        shot.shift.1 * h as f64 / f * d,
        d,
    ];
    let r = rotation(shot);
    let ex = [r[0][0], r[1][0], r[2][0]];
    let ey = [r[0][1], r[1][1], r[2][1]];
    let n = [r[0][2], r[1][2], r[2][2]];
    let dot = |a: [f64; 3], b: [f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    let cn = dot(centre, n);
    // camera pixel → point on the screen plane (cm, code-centred)
    let to_plane = |u: f64, v: f64| -> (f64, f64) {
        let ray = [(u - cx) / f, (v - cy) / f, 1.0];
        let t = cn / dot(ray, n);
        let p = [
            ray[0] * t - centre[0],
            ray[1] * t - centre[1],
            ray[2] * t - centre[2],
        ];
        (dot(p, ex), dot(p, ey))
    };
    // plane point → camera pixel, for the region that needs supersampling
    let to_cam = |x: f64, y: f64| -> (f64, f64) {
        let p = [
            centre[0] + x * ex[0] + y * ey[0],
            centre[1] + x * ex[1] + y * ey[1],
            centre[2] + x * ex[2] + y * ey[2],
        ];
        (cx + f * p[0] / p[2], cy + f * p[1] / p[2])
    };
    let half = (qr_px / 2.0 + 14.0) * pitch;
    let corners =
        [(-half, -half), (half, -half), (half, half), (-half, half)].map(|(x, y)| to_cam(x, y));
    let x0 = corners
        .iter()
        .map(|c| c.0)
        .fold(f64::MAX, f64::min)
        .floor()
        .max(0.0) as usize;
    let x1 = (corners.iter().map(|c| c.0).fold(f64::MIN, f64::max).ceil() as usize + 1).min(w);
    let y0 = corners
        .iter()
        .map(|c| c.1)
        .fold(f64::MAX, f64::min)
        .floor()
        .max(0.0) as usize;
    let y1 = (corners.iter().map(|c| c.1).fold(f64::MIN, f64::max).ceil() as usize + 1).min(h);

    // 1. integrate the scene over each camera pixel
    const K: usize = 6;
    const FILL: f64 = 0.7;
    let mut lin = vec![0f32; w * h];
    // in bands of rows, one per core (the integration is most of the work)
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let band = h.div_ceil(cores);
    let pixel = |u: usize, v: usize| -> f32 {
        let inside = u >= x0 && u < x1 && v >= y0 && v < y1;
        if inside {
            let mut s = 0.0;
            for j in 0..K {
                for i in 0..K {
                    let du = 0.5 + FILL * ((i as f64 + 0.5) / K as f64 - 0.5);
                    let dv = 0.5 + FILL * ((j as f64 + 0.5) / K as f64 - 0.5);
                    let (x, y) = to_plane(u as f64 + du, v as f64 + dv);
                    s += scene.at(x, y, true);
                }
            }
            (s / (K * K) as f64) as f32
        } else {
            let (x, y) = to_plane(u as f64 + 0.5, v as f64 + 0.5);
            scene.at(x, y, false) as f32
        }
    };
    std::thread::scope(|scope| {
        for (b, rows) in lin.chunks_mut(band * w).enumerate() {
            let pixel = &pixel;
            scope.spawn(move || {
                for (i, px) in rows.iter_mut().enumerate() {
                    *px = pixel(i % w, b * band + i / w);
                }
            });
        }
    });
    // 2. glare: a lamp's reflection, a soft blob somewhere over the code
    if shot.glare > 0.0 {
        let (gx, gy) = to_cam(
            rng.range(-0.3, 0.3) * screen.qr_side_cm(),
            rng.range(-0.3, 0.3) * screen.qr_side_cm(),
        );
        let sigma = 0.25 * (x1 - x0) as f64;
        for v in y0..y1 {
            for u in x0..x1 {
                let r2 =
                    ((u as f64 - gx).powi(2) + (v as f64 - gy).powi(2)) / (2.0 * sigma * sigma);
                lin[v * w + u] += (shot.glare * (-r2).exp()) as f32;
            }
        }
    }
    // 3. optics: defocus and motion blur, computed over the code and 48 px around it (farther
    // out the frame is the smooth desk and the bezel, where a blur changes nothing a decoder
    // looks at)
    let region = Region {
        x0: x0.saturating_sub(48),
        y0: y0.saturating_sub(48),
        x1: (x1 + 48).min(w),
        y1: (y1 + 48).min(h),
    };
    gaussian_blur(&mut lin, w, h, shot.defocus_px, region);
    if shot.motion_px > 0.0 {
        lin = motion_blur(&lin, w, h, shot.motion_px, shot.motion_deg, region);
    }
    // 4. sensor: vignetting, exposure, gamma, noise, sharpening, 8 bits
    let exposure = 0.85 / (1.0 + screen.reflection);
    let mut out = vec![0f32; w * h];
    for v in 0..h {
        for u in 0..w {
            let rr = ((u as f64 - cx) / cx).powi(2) * 0.6 + ((v as f64 - cy) / cy).powi(2) * 0.4;
            let l = f64::from(lin[v * w + u]) * exposure * (1.0 - 0.3 * rr);
            // triangular noise with the given sigma (cheaper than a normal, same spread)
            let n = (rng.unit() + rng.unit() - 1.0) * 6f64.sqrt();
            out[v * w + u] = (255.0 * l.clamp(0.0, 1.0).powf(1.0 / 2.2) + shot.noise * n) as f32;
        }
    }
    let mut soft = out.clone();
    gaussian_blur(&mut soft, w, h, 1.0, region);
    out.iter()
        .zip(&soft)
        .map(|(&o, &s)| (o + 0.6 * (o - s)).round().clamp(0.0, 255.0) as u8)
        .collect()
}

/// The part of a frame the optics are computed over: columns `x0..x1`, rows `y0..y1`.
#[derive(Clone, Copy)]
struct Region {
    x0: usize,
    y0: usize,
    x1: usize,
    y1: usize,
}

/// Separable Gaussian blur of `img` inside `r` (reading beyond it, clamped at the frame).
fn gaussian_blur(img: &mut [f32], w: usize, h: usize, sigma: f64, r: Region) {
    if sigma <= 0.0 {
        return;
    }
    let rad = (3.0 * sigma).ceil() as usize;
    let k: Vec<f32> = (0..=2 * rad)
        .map(|i| {
            let d = i as f64 - rad as f64;
            (-(d * d) / (2.0 * sigma * sigma)).exp() as f32
        })
        .collect();
    let sum: f32 = k.iter().sum();
    let k: Vec<f32> = k.iter().map(|x| x / sum).collect();
    let (ya, yb) = (r.y0.saturating_sub(rad), (r.y1 + rad).min(h));
    let rw = r.x1 - r.x0;
    let mut tmp = vec![0f32; rw * (yb - ya)];
    for y in ya..yb {
        for x in r.x0..r.x1 {
            let mut s = 0.0;
            for (i, kv) in k.iter().enumerate() {
                let xx = (x + i).saturating_sub(rad).min(w - 1);
                s += kv * img[y * w + xx];
            }
            tmp[(y - ya) * rw + x - r.x0] = s;
        }
    }
    for y in r.y0..r.y1 {
        for x in r.x0..r.x1 {
            let mut s = 0.0;
            for (i, kv) in k.iter().enumerate() {
                let yy = (y + i).saturating_sub(rad).clamp(ya, yb - 1);
                s += kv * tmp[(yy - ya) * rw + x - r.x0];
            }
            img[y * w + x] = s;
        }
    }
}

/// Linear motion blur of `len` pixels in direction `deg` inside `r`.
fn motion_blur(img: &[f32], w: usize, h: usize, len: f64, deg: f64, r: Region) -> Vec<f32> {
    let taps = (len.ceil() as usize * 2 + 1).max(3);
    let (dx, dy) = (deg.to_radians().cos(), deg.to_radians().sin());
    let sample = |x: f64, y: f64| -> f32 {
        let (x, y) = (x.clamp(0.0, (w - 1) as f64), y.clamp(0.0, (h - 1) as f64));
        let (x0, y0) = (x.floor() as usize, y.floor() as usize);
        let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
        let (fx, fy) = ((x - x0 as f64) as f32, (y - y0 as f64) as f32);
        let top = img[y0 * w + x0] * (1.0 - fx) + img[y0 * w + x1] * fx;
        let bot = img[y1 * w + x0] * (1.0 - fx) + img[y1 * w + x1] * fx;
        top * (1.0 - fy) + bot * fy
    };
    let mut out = img.to_vec();
    for y in r.y0..r.y1 {
        for x in r.x0..r.x1 {
            let mut s = 0.0;
            for t in 0..taps {
                let o = len * (t as f64 / (taps - 1) as f64 - 0.5);
                s += sample(x as f64 + o * dx, y as f64 + o * dy);
            }
            out[y * w + x] = s / taps as f32;
        }
    }
    out
}

/// A sealed-transfer-like text (`monban-transfer:3:` + Base45 of random bytes) as full as
/// `version` holds at `ec`; returns it with the number of part bytes it carries.
pub fn sealed_like_text(version: u8, ec: EcLevel, seed: u64) -> (String, usize) {
    let mut rng = Rng::new(seed);
    let mut best = None;
    for n in (16..3000).step_by(2) {
        let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
        let t = format!(
            "monban-transfer:3:{}",
            monban::transfer::sealed::base45_encode(&bytes)
        );
        match qr::version_for_ec(&t, ec) {
            Some(v) if v <= version => best = Some((t, n)),
            _ => break,
        }
    }
    best.expect("at least a small payload fits")
}

pub fn ec_name(ec: EcLevel) -> &'static str {
    match ec {
        EcLevel::L => "L",
        EcLevel::M => "M",
        EcLevel::Q => "Q",
        EcLevel::H => "H",
    }
}

/// What zxing-cpp reads in each file (`benches/qr_ref.py time`), or why it could not run.
pub fn zxing_texts(files: &[PathBuf]) -> Result<Vec<Vec<String>>, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/qr_ref.py");
    let mut all = Vec::new();
    // in chunks: command lines have a length limit
    for chunk in files.chunks(200) {
        let out = Command::new("python3")
            .arg(&script)
            .arg("time")
            .args(chunk)
            .output()
            .map_err(|e| format!("python3: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("qr_ref.py failed")
                .to_string());
        }
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
            all.push(
                v["texts"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|t| t.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
            );
        }
    }
    if all.len() != files.len() {
        return Err(format!(
            "qr_ref.py answered for {} of {} files",
            all.len(),
            files.len()
        ));
    }
    Ok(all)
}
