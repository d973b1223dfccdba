//! Encode → decode for every QR version the app produces (1 up to the largest transfer part,
//! `sealed::MAX_VERSION`, and beyond for long URIs), through PNG and RGBA as the app
//! would show them.

use monban::camera::{Packing, frame_from_pixels, load_image_bytes};
use monban::qr;

/// A payload of exactly `len` bytes that the encoder keeps in byte mode.
fn payload(len: usize, seed: usize) -> String {
    let base = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&n=";
    let mut s = String::from(base);
    let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789-_.~";
    let mut i = seed;
    while s.len() < len {
        s.push(alphabet[i % alphabet.len()] as char);
        i = i.wrapping_mul(31).wrapping_add(7);
    }
    s.truncate(len);
    s
}

#[test]
fn every_version_round_trips() {
    for v in 1..=monban::transfer::sealed::MAX_VERSION + 6 {
        let text = payload(qr::max_bytes(v), v as usize);
        let img = qr::encode_scaled(&text, 3).unwrap();
        assert_eq!(img.version, v, "payload of {} bytes", text.len());
        assert_eq!(img.modules, qr::modules_for_version(v));
        let got = qr::decode(&img.to_frame());
        assert_eq!(got.len(), 1, "version {v}");
        assert_eq!(got[0].text, text, "version {v}");
    }
}

#[test]
fn largest_versions_round_trip() {
    for v in [25u8, 40] {
        let text = payload(qr::max_bytes(v), 3);
        let img = qr::encode_scaled(&text, 2).unwrap();
        assert_eq!(img.version, v);
        assert_eq!(qr::decode(&img.to_frame())[0].text, text);
    }
}

#[test]
fn png_and_rgba_outputs_decode() {
    let text = "otpauth://totp/%E9%96%80%E7%95%AA:%E5%A4%AA%E9%83%8E?secret=JBSWY3DPEHPK3PXP&issuer=%E9%96%80%E7%95%AA";
    let png = qr::encode_png(text, 4).unwrap();
    assert_eq!(qr::decode(&load_image_bytes(&png).unwrap())[0].text, text);
    let img = qr::encode(text).unwrap();
    let (rgba, w, h) = img.rgba_buffer();
    assert_eq!(rgba.len(), (w * h * 4) as usize);
    let f =
        frame_from_pixels(&rgba, w as usize, h as usize, 4 * w as usize, Packing::Rgba).unwrap();
    assert_eq!(qr::decode(&f)[0].text, text);
}

#[test]
fn non_ascii_text_round_trips() {
    for text in [
        "門番 ワンタイムパスワード",
        "Zürich – café",
        "monban-transfer:1/3:AAECAwQ",
    ] {
        let img = qr::encode_scaled(text, 4).unwrap();
        let got = qr::decode(&img.to_frame());
        assert_eq!(got[0].text, text);
        assert_eq!(got[0].bytes, text.as_bytes());
    }
}

#[test]
fn quiet_zone_and_scale() {
    let img = qr::encode_scaled("x", 5).unwrap();
    assert_eq!(img.quiet_zone, qr::QUIET_ZONE);
    assert_eq!(img.width, (img.modules + 2 * qr::QUIET_ZONE) * 5);
    // the quiet zone is light all around
    for i in 0..img.width {
        for (x, y) in [(i, 0), (0, i), (i, img.height - 1), (img.width - 1, i)] {
            assert_eq!(img.luma[y * img.width + x], 255);
        }
    }
    assert_eq!(qr::version_for(&"a".repeat(qr::max_bytes(10))), Some(10));
    assert!(matches!(
        qr::encode(&"a".repeat(3000)),
        Err(qr::Error::TooLong { .. })
    ));
}
