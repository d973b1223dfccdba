//! The `expected.tsv` format of the QR photo sets (`../shared/qr-bench`): a header line, then
//! `file<TAB>expected text` with escapes. Also used by `benches/qr.rs` (included by path).
#![allow(dead_code)]

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
