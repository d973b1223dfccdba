//! QR decoding and encoding through the public API: the dev photo set, fixtures, synthetic
//! camera frames (row padding, NV21/YUV planes), encode → decode round trips, never-panic
//! properties, the scanner service and `monban scan`.

mod dev_set;
mod frames;
mod never_panics;
mod round_trip;
mod scan_cli;
mod scanner;
#[cfg(all(
    unix,
    not(any(target_os = "android", target_os = "ios", target_os = "macos"))
))]
pub(crate) mod screen;

mod expected;
pub use expected::{read_expected, unescape};

#[test]
fn unescape_handles_every_escape() {
    assert_eq!(
        unescape(r"a\\b\n\r\t\x1d\u2028"),
        "a\\b\n\r\t\u{1d}\u{2028}"
    );
    assert_eq!(unescape(r"MEBKM:URL:http\\://x"), r"MEBKM:URL:http\://x");
}
