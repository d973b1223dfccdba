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
mod screen;

use std::path::Path;

/// `(file, expected text)` rows of an `expected.tsv` (format of `../shared/qr-bench`).
pub fn read_expected(tsv: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(tsv).unwrap_or_else(|e| panic!("{}: {e}", tsv.display()));
    text.lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
        .map(|(f, e)| (f.to_owned(), unescape(e)))
        .collect()
}

/// Undoes expected.tsv's escaping: `\\`, `\n`, `\r`, `\t`, `\xHH`, `\uHHHH`.
pub fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('x') => {
                let h: String = it.by_ref().take(2).collect();
                out.extend(u32::from_str_radix(&h, 16).ok().and_then(char::from_u32));
            }
            Some('u') => {
                let h: String = it.by_ref().take(4).collect();
                out.extend(u32::from_str_radix(&h, 16).ok().and_then(char::from_u32));
            }
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

#[test]
fn unescape_handles_every_escape() {
    assert_eq!(
        unescape(r"a\\b\n\r\t\x1d\u2028"),
        "a\\b\n\r\t\u{1d}\u{2028}"
    );
    assert_eq!(unescape(r"MEBKM:URL:http\\://x"), r"MEBKM:URL:http\://x");
}
