//! Synthetic camera frames: the layouts the mobile and desktop glue hand to the decoder.

use monban::camera::{Packing, frame_from_pixels, yuv};
use monban::qr;
use monban::qr::Frame;

const URI: &str = "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30";

/// A camera-like scene: the code at `angle` degrees, scaled to `side` pixels, on a
/// `w`×`h` background with an illumination gradient and noise (deterministic).
fn scene(w: usize, h: usize, side: usize, angle: f32, seed: u32) -> Vec<u8> {
    let code = qr::encode_scaled(URI, 1).unwrap();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let (s, c) = angle.to_radians().sin_cos();
    let scale = code.width as f32 / side as f32;
    let mut state = seed.wrapping_mul(2654435761).wrapping_add(1);
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            let u = (dx * c + dy * s) * scale + code.width as f32 / 2.0;
            let v = (-dx * s + dy * c) * scale + code.height as f32 / 2.0;
            let base = if u >= 0.0
                && v >= 0.0
                && (u as usize) < code.width
                && (v as usize) < code.height
            {
                code.luma[v as usize * code.width + u as usize] as f32
            } else {
                235.0
            };
            // dark modules are not black on a photo, light ones not white; light falls off
            let lit = 40.0 + base * 0.7 * (0.75 + 0.25 * x as f32 / w as f32);
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let noise = (state % 17) as f32 - 8.0;
            out.push((lit + noise).clamp(0.0, 255.0) as u8);
        }
    }
    out
}

fn decodes(frame: &Frame) -> bool {
    qr::decode(frame).iter().any(|p| p.text == URI)
}

#[test]
fn tilted_scaled_noisy_scenes() {
    for (i, angle) in [0.0f32, 12.0, 45.0, 90.0, 200.0].into_iter().enumerate() {
        let px = scene(480, 360, 220, angle, i as u32);
        let f = Frame::packed(480, 360, px).unwrap();
        assert!(decodes(&f), "angle {angle}");
    }
}

#[test]
fn padded_rows_stride_not_width() {
    let (w, h, stride) = (480, 360, 512);
    let px = scene(w, h, 200, 8.0, 7);
    // padding filled with black: a decoder that reads it would see garbage columns
    let mut plane = vec![0u8; stride * (h - 1) + w];
    for y in 0..h {
        plane[y * stride..y * stride + w].copy_from_slice(&px[y * w..(y + 1) * w]);
    }
    let f = Frame::new(w, h, stride, plane).unwrap();
    assert!(decodes(&f));
}

#[test]
fn nv21_and_yuv_420_888_planes() {
    let (w, h) = (480, 360);
    let px = scene(w, h, 200, -6.0, 3);
    // NV21: Y rows padded to 496, then interleaved V/U
    let stride = 496;
    let mut nv21 = vec![0x55u8; stride * h + stride * h / 2];
    for y in 0..h {
        nv21[y * stride..y * stride + w].copy_from_slice(&px[y * w..(y + 1) * w]);
    }
    assert!(decodes(&yuv::luma_from_nv21(&nv21, w, h, stride).unwrap()));

    // YUV_420_888 whose Y plane has pixel stride 2 (seen on some devices), last row short
    let row_stride = 2 * w + 16;
    let mut plane = vec![0x80u8; row_stride * (h - 1) + 2 * (w - 1) + 1];
    for y in 0..h {
        for x in 0..w {
            plane[y * row_stride + 2 * x] = px[y * w + x];
        }
    }
    assert!(decodes(
        &yuv::luma_from_planes(&plane, w, h, row_stride, 2).unwrap()
    ));

    // YUYV as V4L2 webcams deliver it
    let mut yuyv = vec![128u8; 2 * w * h];
    for (i, &l) in px.iter().enumerate() {
        yuyv[2 * i] = l;
    }
    assert!(decodes(&yuv::luma_from_yuyv(&yuyv, w, h, 2 * w).unwrap()));
}

#[test]
fn rgba_and_bgra_with_stride() {
    let (w, h) = (400, 300);
    let px = scene(w, h, 200, 3.0, 9);
    let stride = 4 * w + 32;
    let mut rgba = vec![0u8; stride * h];
    for y in 0..h {
        for x in 0..w {
            let l = px[y * w + x];
            rgba[y * stride + 4 * x..y * stride + 4 * x + 4].copy_from_slice(&[l, l, l, 255]);
        }
    }
    assert!(decodes(
        &frame_from_pixels(&rgba, w, h, stride, Packing::Rgba).unwrap()
    ));
    assert!(decodes(
        &frame_from_pixels(&rgba, w, h, stride, Packing::Bgra).unwrap()
    ));
}

#[test]
fn two_codes_in_one_frame() {
    let a = qr::encode_scaled("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A", 4).unwrap();
    let b = qr::encode_scaled("otpauth://totp/B:b?secret=KRSXG5CTMVRXEZLU&issuer=B", 4).unwrap();
    let (w, h) = (a.width + b.width + 40, a.height.max(b.height) + 20);
    let mut px = vec![255u8; w * h];
    for (img, x0) in [(&a, 10), (&b, a.width + 30)] {
        for y in 0..img.height {
            px[(y + 10) * w + x0..(y + 10) * w + x0 + img.width]
                .copy_from_slice(&img.luma[y * img.width..(y + 1) * img.width]);
        }
    }
    let got: Vec<String> = qr::decode(&Frame::packed(w, h, px).unwrap())
        .iter()
        .map(|p| p.text.clone())
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got.iter().any(|t| t.contains("issuer=A")) && got.iter().any(|t| t.contains("issuer=B"))
    );
}

#[test]
fn camera_budget_is_respected() {
    // A frame with no code runs the whole cascade; with the camera budget it must stop early.
    let px: Vec<u8> = (0..1280 * 720u32)
        .map(|i| ((i.wrapping_mul(2654435761) >> 24) as u8) / 2 + 64)
        .collect();
    let f = Frame::packed(1280, 720, px).unwrap();
    let opts = qr::DecodeOptions {
        budget: std::time::Duration::from_millis(1),
        ..qr::DecodeOptions::camera()
    };
    let t = std::time::Instant::now();
    let _ = qr::decode_with(&f, &opts);
    let fast = t.elapsed();
    let t = std::time::Instant::now();
    let _ = qr::decode_with(&f, &qr::DecodeOptions::thorough());
    let full = t.elapsed();
    assert!(fast < full, "budgeted {fast:?} vs full {full:?}");
}
