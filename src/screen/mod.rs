//! Reading what is on the screen, for adding an account from a QR code shown in a browser on
//! the same desktop: [`capture`] grabs the whole screen as a luma [`Frame`], [`scan`] finds
//! every QR code in it (the same decoder and payload path as the camera and image files).
//!
//! - **X11**: the root window's pixels through the X protocol (`x11rb`, `GetImage`), straight
//!   into memory.
//! - **Wayland**: the desktop portal's `org.freedesktop.portal.Screenshot` over the session
//!   D-Bus (`zbus`); the desktop may ask the user to allow it. The portal hands the picture
//!   over as a file it wrote; Monban reads it and deletes it at once.
//!
//! Nothing is kept: the raw pixels are zeroed once turned into the luma frame, which lives only
//! as long as the caller holds it. Nothing opens a network connection: X11 is reached through
//! its local socket and D-Bus through the session bus.

mod portal;
mod x11;

use thiserror::Error;

use crate::qr::Frame;
use crate::qr::{self, DecodeOptions};

/// Why the screen could not be read.
#[derive(Debug, Error)]
pub enum Error {
    #[error(
        "no graphical session to read: neither DISPLAY (X11) nor WAYLAND_DISPLAY (Wayland) is set"
    )]
    NoDisplay,
    #[error("cannot read the X11 screen {display}: {why}")]
    X11 { display: String, why: String },
    #[error("the desktop's screenshot portal failed: {0}")]
    Portal(String),
    #[error("the screenshot was refused or cancelled")]
    Refused,
    #[error("the screenshot portal did not answer within {0} s")]
    PortalTimeout(u64),
    #[error("cannot read the screenshot: {0}")]
    Image(String),
}

/// Which way the screen was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// An X11 display (`:0`).
    X11(String),
    /// The desktop portal (Wayland).
    Portal,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::X11(d) => write!(f, "X11 display {d}"),
            Source::Portal => write!(f, "desktop portal"),
        }
    }
}

/// The way to read this session's screen: the portal under Wayland (X11 clients there cannot
/// see other programs' windows), X11 where `DISPLAY` is set.
pub fn detect() -> Result<Source, Error> {
    choose(
        std::env::var("WAYLAND_DISPLAY").ok().as_deref(),
        std::env::var("XDG_SESSION_TYPE").ok().as_deref(),
        std::env::var("DISPLAY").ok().as_deref(),
    )
}

fn choose(
    wayland: Option<&str>,
    session: Option<&str>,
    display: Option<&str>,
) -> Result<Source, Error> {
    let set = |v: Option<&str>| v.is_some_and(|s| !s.trim().is_empty());
    if set(wayland) || session.is_some_and(|s| s.eq_ignore_ascii_case("wayland")) {
        return Ok(Source::Portal);
    }
    match display {
        Some(d) if set(Some(d)) => Ok(Source::X11(d.to_owned())),
        _ => Err(Error::NoDisplay),
    }
}

/// The whole screen (every monitor) as one luma frame.
pub fn capture(source: &Source) -> Result<Frame, Error> {
    match source {
        Source::X11(display) => x11::capture(display),
        Source::Portal => portal::capture(),
    }
}

/// Every QR payload on the screen, thorough decoding (as for image files).
pub fn scan(source: &Source) -> Result<Vec<String>, Error> {
    let frame = capture(source)?;
    let payloads = qr::decode_with(&frame, &DecodeOptions::thorough())
        .into_iter()
        .map(|mut p| std::mem::take(&mut p.text))
        .collect();
    Ok(payloads)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wayland_goes_through_the_portal_x11_through_display() {
        assert_eq!(
            choose(Some("wayland-0"), None, Some(":0")).unwrap(),
            Source::Portal
        );
        assert_eq!(choose(None, Some("wayland"), None).unwrap(), Source::Portal);
        assert_eq!(
            choose(None, Some("x11"), Some(":1")).unwrap(),
            Source::X11(":1".into())
        );
        assert_eq!(
            choose(Some(""), None, Some(":1")).unwrap(),
            Source::X11(":1".into())
        );
        assert!(matches!(choose(None, None, None), Err(Error::NoDisplay)));
        assert!(matches!(
            choose(None, Some("tty"), Some(" ")),
            Err(Error::NoDisplay)
        ));
    }
}
