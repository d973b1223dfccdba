//! Corrupt files, non-QR images and random frames never panic (rqrr 0.11 can assert inside its
//! grid detection on real photos: the pipeline contains that).

use monban::camera::{load_image_bytes, yuv};
use monban::qr;
use monban::qr::Frame;
use proptest::prelude::*;

use crate::common::fixture;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_as_image_file(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = load_image_bytes(&bytes);
    }

    #[test]
    fn random_frames_decode_without_panic(
        w in 1usize..120, h in 1usize..120, pad in 0usize..9, seed in any::<u64>(), blocky in any::<bool>(),
    ) {
        let stride = w + pad;
        let mut s = seed | 1;
        let mut next = || { s ^= s << 13; s ^= s >> 7; s ^= s << 17; s };
        let cell = if blocky { 4 } else { 1 };
        let cells: Vec<u8> = (0..(stride / cell + 2) * (h / cell + 2)).map(|_| if next() % 2 == 0 { 0 } else { 255 }).collect();
        let plane: Vec<u8> = (0..stride * h)
            .map(|i| cells[(i / stride / cell) * (stride / cell + 2) + (i % stride) / cell])
            .collect();
        let f = Frame::new(w, h, stride, plane).unwrap();
        let found = qr::decode_with(&f, &qr::DecodeOptions::camera());
        prop_assert!(found.len() <= qr::DecodeOptions::camera().max_codes);
    }

    #[test]
    fn random_yuv_geometry_is_checked(len in 0usize..400, w in 0usize..30, h in 0usize..30, rs in 0usize..70, ps in 0usize..4) {
        let plane = vec![7u8; len];
        if let Ok(f) = yuv::luma_from_planes(&plane, w, h, rs, ps) {
            prop_assert_eq!((f.width(), f.height()), (w, h));
        }
    }
}

#[test]
fn truncated_and_damaged_real_images() {
    for name in [
        "zxingcpp_qrcode-2_issue199b.jpg",
        "zxing_qrcode-2_10.png",
        "zxingcpp_qrcode-2_qr-inv-1.webp",
    ] {
        let bytes = std::fs::read(fixture(&format!("qr/{name}"))).unwrap();
        for cut in [
            0,
            8,
            20,
            64,
            bytes.len() / 3,
            bytes.len() / 2,
            bytes.len() - 1,
        ] {
            if let Ok(f) = load_image_bytes(&bytes[..cut]) {
                let _ = qr::decode(&f);
            }
        }
        let mut flipped = bytes.clone();
        for i in (40..flipped.len()).step_by(97) {
            flipped[i] ^= 0x5a;
        }
        if let Ok(f) = load_image_bytes(&flipped) {
            let _ = qr::decode(&f);
        }
    }
}

#[test]
fn degenerate_frames() {
    for (w, h) in [(1, 1), (1, 500), (500, 1), (3, 3), (21, 21)] {
        for v in [0u8, 255] {
            assert!(qr::decode(&Frame::packed(w, h, vec![v; w * h]).unwrap()).is_empty());
        }
    }
    // a finder-pattern-like bullseye grid with no valid code
    let (w, h) = (210, 210);
    let px: Vec<u8> = (0..w * h)
        .map(|i| {
            let (x, y) = ((i % w) % 70, (i / w) % 70);
            let d = (x as i32 - 35).abs().max((y as i32 - 35).abs());
            if d % 10 < 5 { 0 } else { 255 }
        })
        .collect();
    assert!(qr::decode(&Frame::packed(w, h, px).unwrap()).is_empty());
}
