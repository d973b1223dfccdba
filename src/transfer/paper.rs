//! Paper backup: printable A4 pages with, for each account, its `otpauth://` QR code, issuer,
//! name, the Base32 secret in groups of four (to type in if the QR is damaged) and a short
//! checksum of the secret (to check what was typed), under a plain warning that whoever sees
//! the page owns the accounts.
//!
//! Pages are rendered as 8-bit grayscale images at 150 dpi (1240 × 1754 px), six accounts per
//! page, and written as PNG (one file per page) or as one PDF. Text uses the public-domain
//! 8×8 bitmap font of the `font8x8` crate (Basic Latin, Latin-1, Greek; other characters
//! print as `?`) drawn at 2–3× — no font file, no anti-aliasing needed for print. The PDF is
//! written by hand: one image XObject per page whose data is the PNG's own zlib stream
//! (FlateDecode with the PNG predictor), so there is no PDF or compression dependency.

use std::io::Write;

use font8x8::UnicodeFonts;
use sha2::{Digest, Sha256};
use thiserror::Error;
use zeroize::Zeroizing;

use crate::account::Account;
use crate::vault::ZeroizingWriter;

/// Page size in pixels (A4 at 150 dpi).
pub const PAGE_W: usize = 1240;
pub const PAGE_H: usize = 1754;
/// Accounts per page.
pub const PER_PAGE: usize = 6;
const MARGIN: usize = 70;
const ROW_TOP: usize = 300;
const ROW_H: usize = (PAGE_H - ROW_TOP - 110) / PER_PAGE;
const QR_BOX: usize = 250;

/// The warning printed on every page.
pub const WARNING: &str = "WARNING: whoever sees this page owns these accounts. Keep it locked away like cash. \
Never photograph, scan or share it. Destroy old copies.";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum Error {
    #[error("nothing to print: no accounts")]
    Empty,
    #[error("cannot draw the QR code of {0}: {1}")]
    Qr(String, String),
}

/// One rendered page: 8-bit luma, row-major, 0 = black. Holds secrets: wiped on drop.
pub struct Page {
    pub luma: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Page({PAGE_W}x{PAGE_H})")
    }
}

impl Page {
    fn blank() -> Self {
        Page {
            luma: Zeroizing::new(vec![255; PAGE_W * PAGE_H]),
        }
    }

    fn fill(&mut self, x: usize, y: usize, w: usize, h: usize, v: u8) {
        for row in y.min(PAGE_H)..(y + h).min(PAGE_H) {
            let start = row * PAGE_W + x.min(PAGE_W);
            let end = row * PAGE_W + (x + w).min(PAGE_W);
            self.luma[start..end].fill(v);
        }
    }

    fn glyph(c: char) -> [u8; 8] {
        font8x8::BASIC_FONTS
            .get(c)
            .or_else(|| font8x8::LATIN_FONTS.get(c))
            .or_else(|| font8x8::GREEK_FONTS.get(c))
            .or_else(|| font8x8::BASIC_FONTS.get('?'))
            .unwrap_or([0; 8])
    }

    /// Draws `text` at (x, y) with `scale`× pixels, clipped to `max_chars`. Returns the
    /// number of characters drawn.
    fn text(&mut self, x: usize, y: usize, scale: usize, text: &str, max_chars: usize) -> usize {
        let mut n = 0;
        for (i, c) in text.chars().take(max_chars).enumerate() {
            let g = Self::glyph(c);
            for (gy, bits) in g.iter().enumerate() {
                for gx in 0..8 {
                    if bits & (1 << gx) != 0 {
                        self.fill(x + (i * 8 + gx) * scale, y + gy * scale, scale, scale, 0);
                    }
                }
            }
            n += 1;
        }
        n
    }

    /// Draws word-wrapped text; returns the y below it.
    fn paragraph(
        &mut self,
        x: usize,
        mut y: usize,
        scale: usize,
        text: &str,
        width_chars: usize,
    ) -> usize {
        let mut line = String::new();
        for word in text.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width_chars {
                self.text(x, y, scale, &line, width_chars);
                y += 11 * scale;
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            self.text(x, y, scale, &line, width_chars);
            y += 11 * scale;
        }
        y
    }

    fn blit_qr(&mut self, qr: &crate::qr::QrImage, x: usize, y: usize) {
        for row in 0..qr.height.min(PAGE_H.saturating_sub(y)) {
            let w = qr.width.min(PAGE_W.saturating_sub(x));
            let dst = (y + row) * PAGE_W + x;
            self.luma[dst..dst + w].copy_from_slice(&qr.luma[row * qr.width..row * qr.width + w]);
        }
    }
}

/// Short checksum of an account's secret: 6 hex digits of SHA-256("monban-paper-v1" ‖ key).
/// Typing the printed Base32 back in must give the same checksum.
pub fn checksum(a: &Account) -> String {
    let mut h = Sha256::new();
    h.update(b"monban-paper-v1");
    h.update(a.secret.expose());
    data_encoding::HEXUPPER.encode(&h.finalize()[..3])
}

/// `JBSW Y3DP EHPK 3PXP`.
fn grouped(b32: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(b32.len() * 5 / 4 + 1));
    for (i, c) in b32.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// `YYYY-MM-DD` of a Unix time (UTC), without reading the clock.
pub fn date(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    // Howard Hinnant's civil_from_days
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Renders the pages for `accounts` (written at Unix time `now`).
pub fn render(accounts: &[Account], now: u64) -> Result<Vec<Page>, Error> {
    if accounts.is_empty() {
        return Err(Error::Empty);
    }
    let fingerprint = super::backup::fingerprint(accounts);
    let total = accounts.len().div_ceil(PER_PAGE);
    let text_x = MARGIN + QR_BOX + 30;
    let text_chars = (PAGE_W - text_x - MARGIN) / 16;
    let mut pages = Vec::with_capacity(total);
    for (p, chunk) in accounts.chunks(PER_PAGE).enumerate() {
        let mut page = Page::blank();
        page.text(MARGIN, MARGIN, 4, "Monban paper backup", 40);
        let sub = format!(
            "page {}/{}  {} accounts  {}  fingerprint {}",
            p + 1,
            total,
            accounts.len(),
            date(now),
            fingerprint
        );
        page.text(MARGIN, MARGIN + 48, 2, &sub, (PAGE_W - 2 * MARGIN) / 16);
        // warning box: black frame, text inside
        let (bx, by, bw, bh) = (MARGIN, MARGIN + 85, PAGE_W - 2 * MARGIN, 120);
        page.fill(bx, by, bw, 6, 0);
        page.fill(bx, by + bh - 6, bw, 6, 0);
        page.fill(bx, by, 6, bh, 0);
        page.fill(bx + bw - 6, by, 6, bh, 0);
        page.paragraph(bx + 20, by + 20, 2, WARNING, (bw - 40) / 16);
        for (i, a) in chunk.iter().enumerate() {
            let y = ROW_TOP + i * ROW_H;
            page.fill(MARGIN, y, PAGE_W - 2 * MARGIN, 2, 160);
            let uri = crate::uri::write(a);
            let modules = crate::qr::version_for(&uri)
                .map(crate::qr::modules_for_version)
                .unwrap_or(177);
            let scale = (QR_BOX / (modules + 2 * crate::qr::QUIET_ZONE)).max(1);
            let qr = crate::qr::encode_scaled(&uri, scale)
                .map_err(|e| Error::Qr(super::label(a), e.to_string()))?;
            page.blit_qr(&qr, MARGIN, y + 10);
            let mut ty = y + 24;
            let issuer = if a.issuer.is_empty() {
                "(no issuer)"
            } else {
                a.issuer.as_str()
            };
            page.text(text_x, ty, 3, issuer, text_chars * 2 / 3);
            ty += 34;
            page.text(text_x, ty, 2, &a.name, text_chars);
            ty += 30;
            let kind = match a.kind {
                crate::Kind::Hotp => format!(
                    "HOTP {} {} digits, counter {}",
                    a.algorithm.as_str(),
                    a.digits,
                    a.counter
                ),
                crate::Kind::Steam => "Steam Guard".to_string(),
                crate::Kind::Totp => format!(
                    "TOTP {} {} digits, {} s",
                    a.algorithm.as_str(),
                    a.digits,
                    a.period
                ),
            };
            page.text(text_x, ty, 2, &kind, text_chars);
            ty += 30;
            let b32 = a.secret.to_base32();
            let groups = grouped(&b32);
            let mut line = Zeroizing::new(String::from("key "));
            for g in groups.split(' ') {
                if line.len() + 1 + g.len() > text_chars {
                    page.text(text_x, ty, 2, &line, text_chars);
                    ty += 22;
                    line.clear();
                    line.push_str("    ");
                }
                line.push_str(g);
                line.push(' ');
            }
            page.text(text_x, ty, 2, &line, text_chars);
            ty += 30;
            page.text(
                text_x,
                ty,
                2,
                &format!("checksum {}", checksum(a)),
                text_chars,
            );
        }
        let foot = "Restore: scan a code with any authenticator app, or type the key in by hand. \
                    checksum = first 6 hex digits of SHA-256(\"monban-paper-v1\" + key bytes).";
        page.paragraph(MARGIN, PAGE_H - 90, 2, foot, (PAGE_W - 2 * MARGIN) / 16);
        pages.push(page);
    }
    Ok(pages)
}

/// A grayscale PNG of a page. It shows secrets: wiped when dropped, and grown without leaving
/// copies behind (the PNG encoder's own working buffers are out of reach).
pub fn to_png(page: &Page) -> Zeroizing<Vec<u8>> {
    use image::ImageEncoder;
    let mut out = ZeroizingWriter::with_capacity(PAGE_W * PAGE_H / 8);
    image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Best,
        image::codecs::png::FilterType::Adaptive,
    )
    .write_image(
        &page.luma,
        PAGE_W as u32,
        PAGE_H as u32,
        image::ExtendedColorType::L8,
    )
    .expect("encoding an in-memory grayscale image as PNG cannot fail");
    out.0
}

/// The zlib stream of a PNG (its IDAT chunks concatenated).
fn png_idat(png: &[u8]) -> ZeroizingWriter {
    let mut out = ZeroizingWriter::with_capacity(png.len());
    let mut i = 8;
    while i + 8 <= png.len() {
        let len = u32::from_be_bytes(png[i..i + 4].try_into().expect("4 bytes")) as usize;
        let kind = &png[i + 4..i + 8];
        let end = (i + 8 + len).min(png.len());
        if kind == b"IDAT" {
            out.push(&png[i + 8..end]);
        }
        i = end + 4;
    }
    out
}

/// A PDF with one A4 page per rendered page. It shows secrets: wiped when dropped, and grown
/// without leaving copies behind.
pub fn to_pdf(pages: &[Page]) -> Zeroizing<Vec<u8>> {
    let mut out = ZeroizingWriter::with_capacity(pages.len() * PAGE_W * PAGE_H / 8);
    let mut offsets: Vec<usize> = Vec::new();
    out.push(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    let n = pages.len();
    // objects: 1 catalog, 2 pages, then per page i: page 3+3i, content 4+3i, image 5+3i
    let obj = |out: &mut ZeroizingWriter, offsets: &mut Vec<usize>, body: &[u8]| {
        offsets.push(out.0.len());
        let id = offsets.len();
        let _ = writeln!(out, "{id} 0 obj");
        out.push(body);
        out.push(b"\nendobj\n");
    };
    obj(&mut out, &mut offsets, b"<< /Type /Catalog /Pages 2 0 R >>");
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + 3 * i)).collect();
    obj(
        &mut out,
        &mut offsets,
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).as_bytes(),
    );
    let content = b"q 595.28 0 0 841.89 0 0 cm /Im0 Do Q";
    for (i, page) in pages.iter().enumerate() {
        let (pid, cid, iid) = (3 + 3 * i, 4 + 3 * i, 5 + 3 * i);
        obj(
            &mut out,
            &mut offsets,
            format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Resources << /XObject << /Im0 {iid} 0 R >> >> /Contents {cid} 0 R >>")
                .as_bytes(),
        );
        debug_assert_eq!(offsets.len(), pid);
        let mut body = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        body.extend_from_slice(content);
        body.extend_from_slice(b"\nendstream");
        obj(&mut out, &mut offsets, &body);
        let data = png_idat(&to_png(page));
        let mut body = ZeroizingWriter::with_capacity(data.0.len() + 400);
        body.push(format!(
            "<< /Type /XObject /Subtype /Image /Width {PAGE_W} /Height {PAGE_H} /ColorSpace /DeviceGray /BitsPerComponent 8 \
             /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 1 /BitsPerComponent 8 /Columns {PAGE_W} >> /Length {} >>\nstream\n",
            data.0.len()
        )
        .as_bytes());
        body.push(&data.0);
        body.push(b"\nendstream");
        obj(&mut out, &mut offsets, &body.0);
    }
    let xref = out.0.len();
    let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
    for o in &offsets {
        let _ = writeln!(out, "{o:010} 00000 n ");
    }
    let _ = write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        offsets.len() + 1
    );
    out.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;

    #[test]
    fn dates() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(date(1_764_028_800), "2025-11-25");
    }

    #[test]
    fn pages_hold_six_accounts_and_their_qr_codes_decode() {
        let accounts: Vec<Account> = (0..7)
            .map(|i| {
                Account::totp(
                    format!("Bäcker {i}"),
                    format!("u{i}@example.com"),
                    Secret::new(vec![i + 1; 20]),
                )
            })
            .collect();
        let pages = render(&accounts, 1_764_028_800).unwrap();
        assert_eq!(pages.len(), 2);
        let frame = crate::qr::Frame::packed(PAGE_W, PAGE_H, pages[0].luma.to_vec()).unwrap();
        // No time budget: on a busy machine the default 1.5 s ran out after two of the six
        // codes (the test must not depend on the machine's speed).
        let opts = crate::qr::DecodeOptions {
            budget: std::time::Duration::MAX,
            ..crate::qr::DecodeOptions::thorough()
        };
        let found = crate::qr::decode_with(&frame, &opts);
        let mut texts: Vec<String> = found.iter().map(|p| p.text.clone()).collect();
        texts.sort();
        let mut want: Vec<String> = accounts[..6]
            .iter()
            .map(|a| crate::uri::write(a).to_string())
            .collect();
        want.sort();
        assert_eq!(texts, want);
        let pdf = to_pdf(&pages);
        assert!(pdf.starts_with(b"%PDF-1.4") && pdf.ends_with(b"%%EOF\n"));
        assert_eq!(render(&[], 0).unwrap_err(), Error::Empty);
    }

    #[test]
    fn checksum_is_short_and_depends_on_the_key() {
        let a = Account::totp("A", "a", Secret::new(vec![1; 10]));
        let b = Account::totp("A", "a", Secret::new(vec![2; 10]));
        assert_eq!(checksum(&a).len(), 6);
        assert_ne!(checksum(&a), checksum(&b));
        assert_eq!(&*grouped("JBSWY3DPEHPK3PXP"), "JBSW Y3DP EHPK 3PXP");
    }
}
