//! Android `SharedPreferences` XML (`<map><string name="k">v</string><int name="k"
//! value="1"/>...</map>`), the file several apps keep their accounts in (FreeOTP's
//! `tokens.xml`, Authy, TOTP Authenticator, Battle.net), read with `quick-xml`.

use std::collections::BTreeMap;

use quick_xml::events::{BytesStart, Event};
use zeroize::Zeroizing;

/// The name → value pairs of a preferences file, in file order of first appearance.
/// Values hold secrets in most of these files: they are zeroized on drop.
pub type Prefs = BTreeMap<String, Zeroizing<String>>;

/// True when `data` starts like a preferences file holding the key `key` (cheap check).
pub fn has_key(data: &[u8], key: &str) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let head = text.trim_start_matches('\u{feff}').trim_start();
    (head.starts_with("<?xml") || head.starts_with("<map"))
        && text.contains("<map")
        && text.contains(&format!("name=\"{key}\""))
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Reads every entry of the `<map>`. `Err` says what is wrong with the XML.
pub fn read(data: &[u8]) -> Result<Prefs, String> {
    let text = std::str::from_utf8(data).map_err(|_| "it is not UTF-8 text".to_string())?;
    let mut reader = quick_xml::Reader::from_str(text.trim_start_matches('\u{feff}'));
    let mut out = Prefs::new();
    let mut open: Option<String> = None;
    let mut value = Zeroizing::new(String::new());
    let mut seen_map = false;
    loop {
        match reader.read_event() {
            Err(e) => return Err(format!("invalid XML ({e})")),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) if e.name().as_ref() == b"map" => seen_map = true,
            Ok(Event::Start(e)) => {
                open = attr(&e, b"name");
                value.clear();
            }
            Ok(Event::Empty(e)) => {
                if let (Some(name), Some(v)) = (attr(&e, b"name"), attr(&e, b"value")) {
                    out.entry(name).or_insert_with(|| Zeroizing::new(v));
                }
            }
            Ok(Event::Text(t)) if open.is_some() => {
                // Entities arrive as their own events (below).
                let s = t.decode().map_err(|e| format!("invalid XML text ({e})"))?;
                value.push_str(&s);
            }
            Ok(Event::GeneralRef(r)) if open.is_some() => {
                let name = r.decode().map_err(|e| format!("invalid XML ({e})"))?;
                let entity = format!("&{name};");
                let s = quick_xml::escape::unescape(&entity)
                    .map_err(|e| format!("invalid XML entity ({e})"))?;
                value.push_str(&s);
            }
            Ok(Event::End(e)) if e.name().as_ref() != b"map" => {
                if let Some(name) = open.take() {
                    out.entry(name)
                        .or_insert_with(|| Zeroizing::new(std::mem::take(&mut *value)));
                }
            }
            Ok(_) => {}
        }
    }
    if !seen_map {
        return Err("no <map> element".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strings_numbers_and_entities() {
        let xml = br#"<?xml version='1.0' encoding='utf-8' standalone='yes' ?>
<map>
    <int name="n" value="13" />
    <string name="json">{&quot;a&quot;:[1,-2]} &amp; more</string>
    <boolean name="b" value="false" />
</map>"#;
        assert!(has_key(xml, "json"));
        let p = read(xml).unwrap();
        assert_eq!(p["n"].as_str(), "13");
        assert_eq!(p["json"].as_str(), r#"{"a":[1,-2]} & more"#);
        assert_eq!(p["b"].as_str(), "false");
        assert!(read(b"<map><string name='x'>unclosed</map>").is_err());
    }
}
