//! Plain URI list: one `otpauth://` (or `steam://`, or `otpauth-migration://`) link per line,
//! as Aegis, Ente Auth (plain export) and many others write. Blank lines and `#` comments are
//! skipped; each bad line is refused on its own with its line number.
//!
//! Lost: nothing the links carry; extra parameters (Ente's `codeDisplay=`, icons, colours)
//! are ignored.

use super::payload::{Classified, classify};
use super::{Importer, Parsed, Refused, Result, google};

pub struct UriList;

/// Reads every line of `text`.
pub fn read_text(text: &str) -> Parsed {
    let mut out = Parsed::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let what = format!("line {}", n + 1);
        match classify(line) {
            Classified::Account(a) => out.push_checked(a),
            Classified::GoogleMigration(link) => match google::parse_migration_uri(&link) {
                Ok(b) => out.extend(b.into_parsed()),
                Err(e) => out.refused.push(Refused::new(what, e.to_string())),
            },
            Classified::InvalidAccount(why) => out.refused.push(Refused::new(what, why)),
            Classified::MonbanTransfer(_) | Classified::Backup(_) => {
                out.refused.push(Refused::new(
                    what,
                    "a Monban transfer code: import the file as it is, not in a list",
                ))
            }
            Classified::Other(_) => out.refused.push(Refused::new(
                what,
                crate::uri::Error::NotOtpauth.to_string(),
            )),
        }
    }
    out
}

fn has_link(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start().to_ascii_lowercase();
        l.starts_with("otpauth://")
            || l.starts_with("otpauth-migration://")
            || l.starts_with("steam://")
    })
}

impl Importer for UriList {
    fn id(&self) -> &'static str {
        "uri-list"
    }
    fn name(&self) -> &'static str {
        "otpauth:// URI list"
    }
    fn files(&self) -> &'static str {
        "text file, one link per line (.txt)"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Never
    }
    fn detect(&self, data: &[u8]) -> bool {
        std::str::from_utf8(data).is_ok_and(has_link)
    }
    fn encrypted(&self, _data: &[u8]) -> bool {
        false
    }
    fn read(&self, data: &[u8], _password: Option<&str>) -> Result<Parsed> {
        let text = super::text(data, "URI list")?;
        if !has_link(&text) {
            return Err(super::Error::Malformed {
                format: "URI list",
                why: "no otpauth:// line in it".into(),
            });
        }
        Ok(read_text(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_are_refused_alone() {
        let p = read_text(
            "# comment\n\notpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A\nnot a link\notpauth://totp/B?secret=\n",
        );
        assert_eq!(p.accounts.len(), 1);
        assert_eq!(p.refused.len(), 2);
        assert_eq!(p.refused[0].what, "line 4");
        assert_eq!(p.refused[1].what, "line 5");
    }
}
