//! Turning a QR code's data bytes into text.
//!
//! Without an ECI header a QR code does not say which character set its byte segments use.
//! Real codes are UTF-8 (otpauth URIs, most phones), Shift_JIS (Japanese codes, and every
//! Kanji-mode segment) or ISO-8859-1 (the standard's default). We try them in that order:
//! valid UTF-8 is almost never accidental, Shift_JIS is strict enough to reject most Latin-1
//! text, and ISO-8859-1 maps every byte.

use encoding_rs::SHIFT_JIS;

/// Decodes payload bytes as UTF-8, then Shift_JIS, then ISO-8859-1 (which always succeeds).
pub fn bytes_to_text(bytes: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_owned();
    }
    if looks_like_shift_jis(bytes) {
        let (text, _, had_errors) = SHIFT_JIS.decode(bytes);
        if !had_errors {
            return text.into_owned();
        }
    }
    bytes.iter().map(|&b| b as char).collect()
}

/// True when `bytes` contains at least one double-byte Shift_JIS character and every byte
/// sequence is valid Shift_JIS. Bytes 0x80, 0xA0 and 0xF0+ never occur in Shift_JIS.
fn looks_like_shift_jis(bytes: &[u8]) -> bool {
    let mut i = 0;
    let mut double = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            0x00..=0x7f | 0xa1..=0xdf => i += 1,
            0x81..=0x9f | 0xe0..=0xef => {
                let Some(&t) = bytes.get(i + 1) else {
                    return false;
                };
                if !matches!(t, 0x40..=0x7e | 0x80..=0xfc) {
                    return false;
                }
                double += 1;
                i += 2;
            }
            _ => return false,
        }
    }
    double > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_first() {
        assert_eq!(
            bytes_to_text("otpauth://totp/é?secret=A".as_bytes()),
            "otpauth://totp/é?secret=A"
        );
        assert_eq!(bytes_to_text("日本".as_bytes()), "日本");
    }

    #[test]
    fn shift_jis() {
        // "日本語" in Shift_JIS
        assert_eq!(
            bytes_to_text(&[0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea]),
            "日本語"
        );
    }

    #[test]
    fn latin1_fallback() {
        assert_eq!(bytes_to_text(&[b'c', b'a', b'f', 0xe9]), "café");
        assert_eq!(bytes_to_text(&[0xff, 0xfe]), "ÿþ");
    }
}
