//! Wayland: `org.freedesktop.portal.Screenshot.Screenshot` on the session bus, answered by a
//! `org.freedesktop.portal.Request.Response` signal carrying the picture's `file://` URI. The
//! file is read into memory and deleted straight away.

use std::collections::HashMap;
use std::time::Duration;

use zbus::blocking::{Connection, Proxy};
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};
use zeroize::Zeroize;

use super::Error;
use crate::qr::Frame;

const DESTINATION: &str = "org.freedesktop.portal.Desktop";
const OBJECT: &str = "/org/freedesktop/portal/desktop";
/// How long the user has to answer the desktop's "allow the screenshot?" question.
const ANSWER_WITHIN: Duration = Duration::from_secs(120);

pub fn capture() -> Result<Frame, Error> {
    let (tx, rx) = std::sync::mpsc::channel();
    // The D-Bus wait runs on its own thread so that a portal that never answers cannot hang
    // the caller past ANSWER_WITHIN.
    std::thread::Builder::new()
        .name("screenshot-portal".into())
        .spawn(move || {
            let _ = tx.send(ask_portal());
        })
        .map_err(|e| Error::Portal(e.to_string()))?;
    let uri = rx
        .recv_timeout(ANSWER_WITHIN)
        .map_err(|_| Error::PortalTimeout(ANSWER_WITHIN.as_secs()))??;
    let path = file_path(&uri).ok_or_else(|| {
        Error::Portal(format!(
            "the portal answered with an address that is not a file: {uri}"
        ))
    })?;
    let read = std::fs::read(&path);
    // The picture is Monban's to read once, never to keep.
    let _ = std::fs::remove_file(&path);
    let mut bytes = read.map_err(|e| Error::Image(format!("{}: {e}", path.display())))?;
    let frame = crate::camera::load_image_bytes(&bytes).map_err(|e| Error::Image(e.to_string()));
    bytes.zeroize();
    frame
}

/// The Request object path the portal will answer on (its documented naming rule), so the
/// signal can be subscribed to before the call.
fn request_path(unique_name: &str, token: &str) -> String {
    let sender = unique_name.trim_start_matches(':').replace('.', "_");
    format!("{OBJECT}/request/{sender}/{token}")
}

fn ask_portal() -> Result<String, Error> {
    let e = |x: zbus::Error| Error::Portal(x.to_string());
    let conn = Connection::session().map_err(e)?;
    let unique = conn
        .unique_name()
        .ok_or_else(|| Error::Portal("no name on the session bus".into()))?
        .to_string();
    let mut rnd = [0u8; 4];
    getrandom::fill(&mut rnd).map_err(|x| Error::Portal(x.to_string()))?;
    let token = format!("monban{}", u32::from_le_bytes(rnd));
    let path = request_path(&unique, &token);
    let request = Proxy::new(
        &conn,
        DESTINATION,
        path.as_str(),
        "org.freedesktop.portal.Request",
    )
    .map_err(e)?;
    let mut responses = request.receive_signal("Response").map_err(e)?;
    let portal = Proxy::new(
        &conn,
        DESTINATION,
        OBJECT,
        "org.freedesktop.portal.Screenshot",
    )
    .map_err(e)?;
    let mut options: HashMap<&str, Value<'_>> = HashMap::new();
    options.insert("handle_token", Value::from(token.as_str()));
    options.insert("interactive", Value::from(false));
    let _handle: OwnedObjectPath = portal.call("Screenshot", &("", options)).map_err(e)?;
    let msg = responses
        .next()
        .ok_or_else(|| Error::Portal("the session bus closed before the answer".into()))?;
    let (code, results): (u32, HashMap<String, OwnedValue>) =
        msg.body().deserialize().map_err(e)?;
    if code != 0 {
        return Err(Error::Refused);
    }
    let uri = results
        .get("uri")
        .and_then(|v| String::try_from(v.clone()).ok())
        .ok_or_else(|| Error::Portal("the answer holds no picture".into()))?;
    Ok(uri)
}

/// The local path of a `file://` URI (percent-decoded); `None` for anything else.
fn file_path(uri: &str) -> Option<std::path::PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file://host/path` names another machine; only the local forms are accepted.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(rest)
        .decode_utf8()
        .ok()?;
    Some(std::path::PathBuf::from(decoded.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_path_follows_the_portal_rule() {
        assert_eq!(
            request_path(":1.42", "monban7"),
            "/org/freedesktop/portal/desktop/request/1_42/monban7"
        );
    }

    #[test]
    fn only_local_file_uris_become_paths() {
        assert_eq!(
            file_path("file:///home/a/Pictures/Screenshot%20from%202026.png").unwrap(),
            std::path::PathBuf::from("/home/a/Pictures/Screenshot from 2026.png")
        );
        assert_eq!(
            file_path("file://localhost/tmp/s.png").unwrap(),
            std::path::PathBuf::from("/tmp/s.png")
        );
        assert!(file_path("file://server/share/s.png").is_none());
        assert!(file_path("https://example.com/s.png").is_none());
        assert!(file_path("/tmp/s.png").is_none());
    }
}
