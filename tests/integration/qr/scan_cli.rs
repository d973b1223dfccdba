//! `monban scan IMAGE... [--json]`.

use monban::qr;

use crate::common::{fixture, monban, run};

const A: &str = "otpauth://totp/A:alice?secret=JBSWY3DPEHPK3PXP&issuer=A";
const B: &str = "門番\nsecond line";

fn write_codes(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let a = dir.join("a.png");
    let b = dir.join("b.png");
    std::fs::write(&a, qr::encode_png(A, 4).unwrap()).unwrap();
    std::fs::write(&b, qr::encode_png(B, 4).unwrap()).unwrap();
    (a, b)
}

#[test]
fn plain_output_one_image() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = write_codes(dir.path());
    let mut c = monban();
    c.arg("scan").arg(&a);
    let (ok, out, err) = run(c);
    assert!(ok, "{err}");
    assert_eq!(out, format!("{A}\n"));
}

#[test]
fn json_output_shape() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = write_codes(dir.path());
    let sjis = fixture("qr/zxing_qrcode-2_10.png");
    let mut c = monban();
    c.args(["scan", "--json"]).arg(&a).arg(&b).arg(&sjis);
    let (ok, out, err) = run(c);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 3);
    assert_eq!(arr[0]["file"], a.display().to_string());
    assert_eq!(arr[0]["payloads"], serde_json::json!([A]));
    assert_eq!(arr[1]["payloads"], serde_json::json!([B]));
    // Shift_JIS without ECI, read as such
    assert_eq!(
        arr[2]["payloads"],
        serde_json::json!(["Google モバイル\r\nhttp://google.jp"])
    );
}

#[test]
fn unreadable_file_is_reported_and_others_continue() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = write_codes(dir.path());
    let bad = dir.path().join("bad.png");
    std::fs::write(&bad, b"this is not an image").unwrap();
    let missing = dir.path().join("missing.jpg");
    let mut c = monban();
    c.args(["scan", "--json"]).arg(&bad).arg(&a).arg(&missing);
    let (ok, out, err) = run(c);
    assert!(!ok);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[1]["payloads"], serde_json::json!([A]));
    assert_eq!(v[0]["payloads"], serde_json::json!([]));
    assert!(v[0]["error"].as_str().unwrap().contains("not an image"));
    assert!(v[2]["error"].as_str().unwrap().contains("missing.jpg"));
    assert!(
        err.contains("bad.png") && err.contains("missing.jpg"),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.starts_with("monban: ") && l.contains("2 of 3 images could not be read")),
        "{err}"
    );
}

#[test]
fn image_without_code() {
    let dir = tempfile::tempdir().unwrap();
    let blank = dir.path().join("blank.png");
    image::GrayImage::from_pixel(64, 64, image::Luma([255]))
        .save(&blank)
        .unwrap();
    let mut c = monban();
    c.args(["scan", "--json"]).arg(&blank);
    let (ok, out, err) = run(c);
    assert!(!ok, "no code anywhere is a failure");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()[0]["payloads"],
        serde_json::json!([])
    );
    assert!(err.contains("no QR code found"), "{err}");
}

#[test]
fn several_images_plain_are_prefixed() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = write_codes(dir.path());
    let mut c = monban();
    c.arg("scan").arg(&a).arg(&b).arg("--jobs").arg("1");
    let (ok, out, err) = run(c);
    assert!(ok, "{err}");
    assert!(out.starts_with(&format!("{}: {A}\n", a.display())), "{out}");
    assert!(out.contains(&format!("{}: {B}", b.display())), "{out}");
}
