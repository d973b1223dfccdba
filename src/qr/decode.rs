//! The decoding pipeline: a fast first pass with `rxing` (a port of ZXing's QR reader), then a
//! cascade of fallback passes — `rqrr` on several binarizations and rescaled images, `rxing`
//! with a different binarizer — within a time budget. The decoders fail on different photos;
//! the order and the set of passes are chosen by measurement on the dev photo set
//! (`cargo bench --no-default-features --bench qr`, numbers in `benches/qr.md`).
//!
//! Both decoders are third-party code run on untrusted pixels: every pass runs under
//! `catch_unwind` (rqrr 0.11 has a reachable assertion in its grid geometry), so a bad frame
//! costs one pass, never the app.

use std::cell::Cell;
use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;
use std::time::{Duration, Instant};

use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::qrcode::cpp_port::QrReader;
use rxing::{
    BarcodeFormat, Binarizer, BinaryBitmap, DecodeHints, Luma8LuminanceSource,
    RXingResultMetadataType, RXingResultMetadataValue, Reader,
};

use super::Frame;
use super::prep::Gray;
use super::text::bytes_to_text;
use super::{DecodeOptions, Payload};

/// Every QR payload in `frame`, trying everything within [`DecodeOptions::thorough`]'s budget.
pub fn decode(frame: &Frame) -> Vec<Payload> {
    decode_with(frame, &DecodeOptions::default())
}

/// Every QR payload in `frame` found within `opts`.
pub fn decode_with(frame: &Frame, opts: &DecodeOptions) -> Vec<Payload> {
    decode_traced(frame, opts).0
}

/// Like [`decode_with`], also naming the pass that found the first code (for the benchmark).
#[doc(hidden)]
pub fn decode_traced(frame: &Frame, opts: &DecodeOptions) -> (Vec<Payload>, Option<&'static str>) {
    let budget = Budget::start(opts.budget);
    let mut found = Found::new(opts.max_codes.max(1));
    let gray = Gray::from_frame(frame);

    // Pass 1: rxing, repeated with each found code erased to find further codes.
    let mut work = gray.clone();
    loop {
        let hits = guarded(|| rxing_pass(&work, Binz::Hybrid, true));
        let mut progressed = false;
        for h in hits {
            work.erase_quad(&h.points);
            progressed |= found.add(h.payload, "rxing");
        }
        if !progressed || found.full() || budget.spent() {
            break;
        }
    }
    if !found.is_empty() || !opts.fallbacks {
        return found.finish();
    }

    // Fallback cascade. Each pass is cheap to skip; stop at the first that finds anything.
    let base = base_for_fallbacks(&gray);
    for &(name, pass) in FALLBACKS {
        if budget.spent() || found.full() {
            break;
        }
        for h in guarded(|| pass(&gray, &base)) {
            found.add(h.payload, name);
        }
        if !found.is_empty() {
            break;
        }
    }
    found.finish()
}

/// The decode's time budget, counted in this thread's CPU time where the system has a
/// per-thread clock (Unix): a machine busy with other work reads the same codes as an idle one,
/// only later. A wall-clock budget made a page of six codes stop after two on a loaded machine.
struct Budget {
    limit: Duration,
    cpu_start: Option<Duration>,
    wall_start: Instant,
}

impl Budget {
    fn start(limit: Duration) -> Self {
        Budget {
            limit,
            cpu_start: thread_cpu_time(),
            wall_start: Instant::now(),
        }
    }

    fn spent(&self) -> bool {
        match (self.cpu_start, thread_cpu_time()) {
            (Some(start), Some(now)) => now.saturating_sub(start) >= self.limit,
            _ => self.wall_start.elapsed() >= self.limit,
        }
    }
}

/// CPU time used by the calling thread so far.
#[cfg(unix)]
fn thread_cpu_time() -> Option<Duration> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `clock_gettime` writes one `timespec` through the valid pointer it is given.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } != 0 {
        return None;
    }
    Some(Duration::new(
        u64::try_from(ts.tv_sec).ok()?,
        u32::try_from(ts.tv_nsec).ok()?,
    ))
}

#[cfg(not(unix))]
fn thread_cpu_time() -> Option<Duration> {
    None
}

/// A fallback pass: gets the full-resolution image and the working copy (at most ~1000 px).
type Pass = fn(&Gray, &Gray) -> Vec<Hit>;

/// The fallback passes in the order they run, chosen by measurement on the dev photo set
/// (see `benches/qr.md`).
const FALLBACKS: &[(&str, Pass)] = &[
    // Cheap rxing retries first (well under 1 ms each on typical photos).
    ("rxing-global", |gray, _| {
        rxing_pass(gray, Binz::Global, true)
    }),
    ("rxing-halved", |gray, _| {
        rxing_pass(&gray.shrink(2), Binz::Hybrid, true)
    }),
    ("rxing-mirrored", |gray, _| {
        rxing_pass(&gray.mirrored(), Binz::Hybrid, true)
    }),
    ("rxing-padded-global", |gray, _| {
        rxing_pass(&padded(gray), Binz::Global, true)
    }),
    // A local-mean threshold (what zxing-cpp binarizes with by default; rxing has only its
    // hybrid and global binarizers). Reads nothing unique on the dev set but is cheap and
    // fails differently: a hedge for photos we have not seen.
    ("rxing-adaptive", |_, base| {
        let m = base.adaptive(radius(base), 6);
        rxing_pass(&Gray::from_mask(base.w, base.h, &m), Binz::Global, false)
    }),
    // Then rqrr, whose detector fails on different photos than ZXing's, and enlargements.
    ("rqrr-adaptive", |_, base| {
        rqrr_mask(base, &base.adaptive(radius(base), 6))
    }),
    ("rxing-upscaled", |_, base| {
        rxing_pass(&upscaled(base), Binz::Hybrid, true)
    }),
    ("rqrr-upscaled-adaptive", |_, base| {
        let up = upscaled(base);
        rqrr_mask(&up, &up.adaptive(radius(&up), 6))
    }),
    ("rqrr-inverted-adaptive", |_, base| {
        let inv = base.inverted();
        rqrr_mask(&inv, &inv.adaptive(radius(&inv), 6))
    }),
    ("rqrr", |_, base| rqrr_gray(base)),
];

/// Passes measured but not in the cascade (on the dev set each read nothing that an earlier,
/// cheaper pass had not); kept runnable for the benchmark's matrix so the choice can be
/// re-checked on new photos.
const CANDIDATES: &[(&str, Pass)] = &[
    ("rxing-padded", |gray, _| {
        rxing_pass(&padded(gray), Binz::Hybrid, true)
    }),
    ("rxing-padded-otsu", |gray, _| {
        let p = padded(gray);
        let m = p.threshold(p.otsu_level());
        rxing_pass(&Gray::from_mask(p.w, p.h, &m), Binz::Global, false)
    }),
    ("rxing-stretched", |_, base| {
        rxing_pass(&base.stretched(), Binz::Hybrid, true)
    }),
    ("rqrr-stretch-otsu", |_, base| {
        let s = base.stretched();
        rqrr_mask(&s, &s.threshold(s.otsu_level()))
    }),
    ("rqrr-padded", |gray, _| rqrr_gray(&padded(gray))),
    ("rqrr-upscaled", |_, base| rqrr_gray(&upscaled(base))),
    ("rqrr-halved", |_, base| rqrr_gray(&base.shrink(2))),
    ("rqrr-mirrored-adaptive", |_, base| {
        let m = base.mirrored();
        rqrr_mask(&m, &m.adaptive(radius(&m), 6))
    }),
];

fn base_for_fallbacks(gray: &Gray) -> Gray {
    if gray.w.max(gray.h) > 1200 {
        gray.fit(1000)
    } else {
        gray.clone()
    }
}

/// Names of the first pass and every fallback pass (for the benchmark's per-pass matrix).
#[doc(hidden)]
pub fn pass_names() -> Vec<&'static str> {
    std::iter::once("rxing")
        .chain(FALLBACKS.iter().chain(CANDIDATES).map(|p| p.0))
        .collect()
}

/// Runs one named pass alone (for the benchmark's per-pass matrix).
#[doc(hidden)]
pub fn run_pass(frame: &Frame, name: &str) -> Vec<Payload> {
    let gray = Gray::from_frame(frame);
    if name == "rxing" {
        return guarded(|| rxing_pass(&gray, Binz::Hybrid, true))
            .into_iter()
            .map(|h| h.payload)
            .collect();
    }
    let base = base_for_fallbacks(&gray);
    FALLBACKS
        .iter()
        .chain(CANDIDATES)
        .filter(|p| p.0 == name)
        .flat_map(|p| guarded(|| (p.1)(&gray, &base)))
        .map(|h| h.payload)
        .collect()
}

/// Window radius for the adaptive threshold: about a finder pattern's size on typical photos.
fn radius(g: &Gray) -> usize {
    (g.w.max(g.h) / 24).clamp(6, 60)
}

/// Fuzz builds (`--cfg fuzzing`, set by cargo-fuzz) enlarge small images to an eighth of the
/// sizes below: the same passes on frames 64 times smaller, so a fuzzer runs the whole
/// cascade on thousands of inputs a second. Other builds: 1.
#[cfg(fuzzing)]
const FUZZ_SHRINK: usize = 8;
#[cfg(not(fuzzing))]
const FUZZ_SHRINK: usize = 1;

/// A light border of 1/8 of the size (a quiet zone for tight crops), small images enlarged
/// (nearest neighbour) to at least ~400 px.
fn padded(g: &Gray) -> Gray {
    let long = g.w.max(g.h);
    let f = (400 / FUZZ_SHRINK).div_ceil(long).clamp(1, 8);
    g.enlarged(f).padded(long * f / 8 + 4)
}

/// Small photos enlarged so the longer side is ~800 px; large ones unchanged.
fn upscaled(g: &Gray) -> Gray {
    if g.w.max(g.h) < 700 / FUZZ_SHRINK {
        g.fit(800 / FUZZ_SHRINK)
    } else {
        g.clone()
    }
}

struct Hit {
    payload: Payload,
    points: Vec<(f32, f32)>,
}

struct Found {
    seen: HashSet<Vec<u8>>,
    out: Vec<Payload>,
    first: Option<&'static str>,
    max: usize,
}

impl Found {
    fn new(max: usize) -> Self {
        Found {
            seen: HashSet::new(),
            out: Vec::new(),
            first: None,
            max,
        }
    }
    fn add(&mut self, p: Payload, pass: &'static str) -> bool {
        if self.full() || !self.seen.insert(p.bytes.clone()) {
            return false;
        }
        self.first.get_or_insert(pass);
        self.out.push(p);
        true
    }
    fn full(&self) -> bool {
        self.out.len() >= self.max
    }
    fn is_empty(&self) -> bool {
        self.out.is_empty()
    }
    fn finish(self) -> (Vec<Payload>, Option<&'static str>) {
        let mut seen = self.seen;
        for s in seen.drain() {
            let mut s = s;
            zeroize::Zeroize::zeroize(&mut s);
        }
        (self.out, self.first)
    }
}

#[derive(Clone, Copy)]
enum Binz {
    Hybrid,
    Global,
}

fn rxing_pass(g: &Gray, binz: Binz, also_inverted: bool) -> Vec<Hit> {
    let Ok(src) = Luma8LuminanceSource::new(g.px.clone(), g.w as u32, g.h as u32) else {
        return Vec::new();
    };
    let hints = DecodeHints {
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        TryHarder: Some(true),
        AlsoInverted: Some(also_inverted),
        ..Default::default()
    };
    let result = match binz {
        Binz::Hybrid => rxing_read(&mut BinaryBitmap::new(HybridBinarizer::new(src)), &hints),
        Binz::Global => rxing_read(
            &mut BinaryBitmap::new(GlobalHistogramBinarizer::new(src)),
            &hints,
        ),
    };
    result.into_iter().collect()
}

fn rxing_read<B: Binarizer>(img: &mut BinaryBitmap<B>, hints: &DecodeHints) -> Option<Hit> {
    let r = QrReader
        .decode_with_hints(img, hints)
        .or_else(|_| rxing::qrcode::QRCodeReader.decode_with_hints(img, hints))
        .or_else(|e| {
            if hints.AlsoInverted == Some(true) {
                img.invert();
                let r = QrReader.decode_with_hints(img, hints);
                img.invert();
                r
            } else {
                Err(e)
            }
        })
        .ok()?;
    let text = r.getText().to_owned();
    let segments: Vec<u8> = match r
        .getRXingResultMetadata()
        .get(&RXingResultMetadataType::BYTE_SEGMENTS)
    {
        Some(RXingResultMetadataValue::ByteSegments(segs)) => segs.concat(),
        _ => Vec::new(),
    };
    let bytes = if text.is_ascii() {
        text.as_bytes().to_vec()
    } else if !segments.is_empty() && bytes_to_text(&segments) == text {
        segments
    } else {
        text.as_bytes().to_vec()
    };
    let points = r.getPoints().iter().map(|p| (p.x, p.y)).collect();
    Some(Hit {
        payload: Payload { bytes, text },
        points,
    })
}

/// Decodes every grid rqrr detects in a prepared image (rqrr does not export the buffer type,
/// hence a macro rather than a function).
macro_rules! rqrr_grids {
    ($img:expr) => {{
        let mut out = Vec::new();
        for grid in $img.detect_grids() {
            let mut bytes = Vec::new();
            if grid.decode_to(&mut bytes).is_ok() {
                let points = grid
                    .bounds
                    .iter()
                    .map(|p| (p.x as f32, p.y as f32))
                    .collect();
                out.push(Hit {
                    payload: Payload::from_bytes(bytes),
                    points,
                });
            }
        }
        out
    }};
}

fn rqrr_gray(g: &Gray) -> Vec<Hit> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(g.w, g.h, |x, y| g.px[y * g.w + x]);
    rqrr_grids!(img)
}

fn rqrr_mask(g: &Gray, mask: &[bool]) -> Vec<Hit> {
    let mut img = rqrr::PreparedImage::prepare_from_bitmap(g.w, g.h, |x, y| mask[y * g.w + x]);
    rqrr_grids!(img)
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs a pass, turning a panic inside a decoder into "found nothing" without printing the
/// panic message (other threads' panics still print).
fn guarded(pass: impl FnOnce() -> Vec<Hit>) -> Vec<Hit> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let r = catch_unwind(AssertUnwindSafe(pass)).unwrap_or_default();
    QUIET.with(|q| q.set(false));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A loaded machine must not read less: the budget counts the decoder's own work, not the
    /// time it waited for a core (here: asleep).
    #[cfg(unix)]
    #[test]
    fn the_budget_counts_work_not_waiting() {
        let budget = Budget::start(Duration::from_millis(20));
        std::thread::sleep(Duration::from_millis(80));
        assert!(!budget.spent(), "80 ms asleep spent a 20 ms budget");
        let wall = Instant::now();
        while !budget.spent() {
            std::hint::black_box(wall.elapsed());
            assert!(
                wall.elapsed() < Duration::from_secs(30),
                "work never counted"
            );
        }
    }

    #[test]
    fn encode_decode_round_trip() {
        let text =
            "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";
        let img = crate::qr::encode_scaled(text, 4).unwrap();
        let got = decode(&img.to_frame());
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].text, text);
        assert_eq!(got[0].bytes, text.as_bytes());
    }

    #[test]
    fn blank_and_noise_frames_find_nothing() {
        let blank = Frame::packed(64, 48, vec![255; 64 * 48]).unwrap();
        assert!(decode(&blank).is_empty());
        let noise: Vec<u8> = (0..100 * 80u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
            .collect();
        assert!(decode(&Frame::packed(100, 80, noise).unwrap()).is_empty());
        assert!(decode(&Frame::packed(1, 1, vec![0]).unwrap()).is_empty());
    }

    #[test]
    fn panics_are_contained() {
        assert!(guarded(|| panic!("decoder bug")).is_empty());
    }
}
