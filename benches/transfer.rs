//! How big may a transfer QR be and still be read at arm's length? And what do the export
//! formats cost?
//!
//! `cargo bench --no-default-features --bench transfer`
//!
//! 1. **Readability by QR version.** For each version, a QR code is rendered, shrunk by area
//!    averaging to a given on-camera width (quiet zone included), blurred (3×3 box, like a
//!    slightly defocused phone camera), given ±8 levels of noise, placed on a grey 640×480
//!    frame, and decoded with Monban's own decoder (camera options). Reported: the smallest
//!    width in pixels that decodes, and the pixels per module that means. A phone at arm's
//!    length (≈50 cm, ≈65° field of view, 1280-px-wide preview frame) sees a QR code 5 cm wide
//!    on the other screen as ≈100 px; 7 cm as ≈140 px.
//! 2. **Packing.** Parts and QR versions of a sealed transfer and a Google export for 10, 30
//!    and 100 typical accounts.
//! 3. **Cost.** Time of one sealed-transfer seal with the real Argon2id settings.

use std::time::Instant;

use monban::qr;
use monban::qr::Frame;
use monban::transfer::{google, sealed};
use monban::{Account, Secret};

fn render_at(img: &qr::QrImage, width: usize, seed: &mut u64) -> Frame {
    let (fw, fh) = (640usize, 480usize);
    let src = &img.luma;
    let sw = img.width;
    // area-average downsample to width×width
    let mut small = vec![0f32; width * width];
    for y in 0..width {
        for x in 0..width {
            let (x0, x1) = (
                x * sw / width,
                ((x + 1) * sw / width).max(x * sw / width + 1),
            );
            let (y0, y1) = (
                y * sw / width,
                ((y + 1) * sw / width).max(y * sw / width + 1),
            );
            let mut sum = 0u32;
            for yy in y0..y1 {
                for xx in x0..x1 {
                    sum += u32::from(src[yy * sw + xx]);
                }
            }
            small[y * width + x] = sum as f32 / ((x1 - x0) * (y1 - y0)) as f32;
        }
    }
    let mut frame = vec![128u8; fw * fh];
    let (ox, oy) = ((fw - width) / 2, (fh - width) / 2);
    for y in 0..width {
        for x in 0..width {
            // 3×3 box blur
            let mut s = 0f32;
            let mut n = 0f32;
            for dy in -1i32..=1 {
                for dx in -1i32..=1 {
                    let (xx, yy) = (x as i32 + dx, y as i32 + dy);
                    if xx >= 0 && yy >= 0 && (xx as usize) < width && (yy as usize) < width {
                        s += small[yy as usize * width + xx as usize];
                        n += 1.0;
                    }
                }
            }
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let noise = ((*seed >> 33) % 17) as f32 - 8.0;
            // screens are not pure black/white: map to 30..225
            let v = 30.0 + (s / n) * (195.0 / 255.0) + noise;
            frame[(oy + y) * fw + ox + x] = v.clamp(0.0, 255.0) as u8;
        }
    }
    Frame::packed(fw, fh, frame).unwrap()
}

fn min_width(text: &str) -> Option<usize> {
    let img = qr::encode_scaled(text, 12).unwrap();
    let opts = qr::DecodeOptions::camera();
    let mut seed = 42;
    (40..=400).step_by(10).find(|&w| {
        // must decode in 3 of 3 noisy renders
        (0..3).all(|_| {
            qr::decode_with(&render_at(&img, w, &mut seed), &opts)
                .iter()
                .any(|p| p.text == text)
        })
    })
}

fn text_for_version(v: u8) -> String {
    // Base45-like alphanumeric payload after the sealed prefix, grown until it reaches v.
    let mut n = 10;
    loop {
        let t = format!(
            "monban-transfer:1:{}",
            "7 A$-%*:+./".chars().cycle().take(n).collect::<String>()
        );
        match qr::version_for(&t) {
            Some(got) if got >= v => return t,
            None => return t,
            _ => n += 3,
        }
    }
}

fn accounts(n: usize) -> Vec<Account> {
    (0..n)
        .map(|i| {
            Account::totp(
                format!("Service number {i}"),
                format!("someone.{i}@example.com"),
                Secret::new((0..20).map(|b| (b * 7 + i) as u8).collect()),
            )
        })
        .collect()
}

fn main() {
    // `cargo test --all-targets` runs this too (without `--bench`): then only a quick smoke
    // check of the packing, so the test suite stays fast.
    if !std::env::args().any(|a| a == "--bench") {
        let code = sealed::TransferCode::generate().unwrap();
        let light = sealed::KdfParams {
            m_kib: 64,
            t: 1,
            p: 1,
        };
        let s = sealed::seal(&accounts(10), &code, light, qr::PHONE_READABLE_MAX_VERSION).unwrap();
        assert!(
            s.versions
                .iter()
                .all(|v| *v <= qr::PHONE_READABLE_MAX_VERSION)
        );
        println!(
            "transfer bench smoke check: 10 accounts -> {} sealed parts (run with cargo bench for the figures)",
            s.texts.len()
        );
        return;
    }
    println!(
        "## 1. Readability: smallest on-camera width that decodes (3/3 noisy, blurred renders)"
    );
    println!("| version | modules (+8 quiet) | min width px | px/module |");
    println!("|---|---|---|---|");
    for v in [4u8, 6, 8, 10, 12, 14, 16, 20, 25] {
        let t = text_for_version(v);
        let ver = qr::version_for(&t).unwrap();
        let m = qr::modules_for_version(ver) + 2 * qr::QUIET_ZONE;
        match min_width(&t) {
            Some(w) => println!(
                "| {ver} | {} ({m}) | {w} | {:.2} |",
                m - 8,
                w as f32 / m as f32
            ),
            None => println!("| {ver} | {} ({m}) | >400 | - |", m - 8),
        }
    }

    println!("\n## 2. Packing (typical accounts: 20-byte key, ~17-char issuer, ~24-char name)");
    println!(
        "| accounts | sealed parts (max v{}) | sealed versions | Google parts | Google versions |",
        qr::PHONE_READABLE_MAX_VERSION
    );
    println!("|---|---|---|---|---|");
    let light = sealed::KdfParams {
        m_kib: 64,
        t: 1,
        p: 1,
    };
    let code = sealed::TransferCode::generate().unwrap();
    for n in [1usize, 10, 30, 100] {
        let all = accounts(n);
        let s = sealed::seal(&all, &code, light, qr::PHONE_READABLE_MAX_VERSION).unwrap();
        let g = google::export(&all, 1);
        let gv: Vec<u8> = g.uris.iter().map(|u| qr::version_for(u).unwrap()).collect();
        let range = |v: &[u8]| format!("{}–{}", v.iter().min().unwrap(), v.iter().max().unwrap());
        println!(
            "| {n} | {} | {} | {} | {} |",
            s.texts.len(),
            range(&s.versions),
            g.uris.len(),
            range(&gv)
        );
    }

    println!("\n## 3. Cost");
    let all = accounts(30);
    let t = Instant::now();
    let s = sealed::seal(
        &all,
        &code,
        sealed::KdfParams::DEFAULT,
        qr::PHONE_READABLE_MAX_VERSION,
    )
    .unwrap();
    println!(
        "seal 30 accounts, Argon2id 64 MiB t=3 p=4: {:.0} ms ({} parts)",
        t.elapsed().as_secs_f64() * 1000.0,
        s.texts.len()
    );
    let parts: Vec<_> = s
        .texts
        .iter()
        .map(|t| sealed::parse_part(t).unwrap())
        .collect();
    let t = Instant::now();
    let back = sealed::open(&parts, &code, &sealed::Limits::DEFAULT).unwrap();
    println!(
        "open them: {:.0} ms ({} accounts)",
        t.elapsed().as_secs_f64() * 1000.0,
        back.accounts.len()
    );
}
