//! `cargo bench --bench platform_frames`: the per-frame work the phone camera glue adds before
//! the decoder — a 1280×720 YUV_420_888 Y plane (rows padded to 1344 bytes; and a device with
//! pixel stride 2) or NV21 buffer to a luma `Frame`, and the quarter turn that makes a
//! sideways sensor image upright. Prints the median of repeated runs and the share of the
//! 66 ms frame interval the glue allows (at most ~15 frames/s reach the scanner).

use std::hint::black_box;
use std::time::{Duration, Instant};

use monban::camera::planes::{self as frames, Plane, Rotation};

const W: usize = 1280;
const H: usize = 720;
const RUNS: usize = 60;

fn median(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn plane(row_stride: usize, pixel_stride: usize) -> Vec<u8> {
    let mut data = vec![0u8; row_stride * (H - 1) + (W - 1) * pixel_stride + 1];
    for (i, b) in data.iter_mut().enumerate() {
        *b = (i * 31 % 251) as u8;
    }
    data
}

fn report(name: &str, d: Duration) {
    let share = d.as_secs_f64() / 0.066 * 100.0;
    println!(
        "{name:<44} {:>8.3} ms  ({share:.1} % of a 66 ms frame interval)",
        d.as_secs_f64() * 1e3
    );
}

fn main() {
    println!("platform frames, {W}×{H}, median of {RUNS} runs");
    let padded = plane(1344, 1);
    report(
        "YUV_420_888 Y plane, row stride 1344",
        median(|| {
            let p = Plane {
                data: black_box(&padded),
                row_stride: 1344,
                pixel_stride: 1,
            };
            black_box(frames::luma_from_camera(p, W, H, None).unwrap());
        }),
    );
    let interleaved = plane(W * 2, 2);
    report(
        "YUV_420_888 Y plane, pixel stride 2",
        median(|| {
            let p = Plane {
                data: black_box(&interleaved),
                row_stride: W * 2,
                pixel_stride: 2,
            };
            black_box(frames::luma_from_camera(p, W, H, None).unwrap());
        }),
    );
    let mut nv21 = plane(W, 1);
    nv21.resize(W * H * 3 / 2, 128);
    report(
        "NV21 buffer",
        median(|| {
            let p = Plane {
                data: black_box(&nv21),
                row_stride: W,
                pixel_stride: 1,
            };
            black_box(frames::luma_from_camera(p, W, H, None).unwrap());
        }),
    );
    let frame = frames::luma_from_camera(
        Plane {
            data: &padded,
            row_stride: 1344,
            pixel_stride: 1,
        },
        W,
        H,
        None,
    )
    .unwrap();
    report(
        "rotate 90° (sensor → upright)",
        median(|| {
            black_box(frames::rotate(black_box(&frame), Rotation::Cw90));
        }),
    );
    report(
        "Y plane + rotate (the whole Android path)",
        median(|| {
            let p = Plane {
                data: black_box(&padded),
                row_stride: 1344,
                pixel_stride: 1,
            };
            let f = frames::luma_from_camera(p, W, H, None).unwrap();
            black_box(frames::rotate(&f, Rotation::Cw90));
        }),
    );
}
