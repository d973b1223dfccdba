//! `monban scan --screen` on a private Xvfb display: real X windows (drawn with x11rb, like a
//! browser page with a QR code on it) are on the screen, and the built binary reads them back.
//! Needs Xvfb (`apt-get install -y xvfb`); under CI=true a missing Xvfb fails the test.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    ConnectionExt, CreateGCAux, CreateWindowAux, EventMask, ImageFormat, Rectangle, WindowClass,
};
use x11rb::rust_connection::RustConnection;

use crate::common::{have, monban, run};

/// A private X server, killed on drop.
pub struct Xvfb {
    child: Child,
    pub display: String,
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts Xvfb, or says why not: under CI=true a missing Xvfb is a failure, elsewhere a skip.
pub fn xvfb_or_skip(test: &str) -> Option<Xvfb> {
    if !have("Xvfb") {
        let msg = format!("{test}: Xvfb is not installed (apt-get install -y xvfb)");
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{msg}");
        }
        println!("SKIPPED {msg}");
        return None;
    }
    for n in 0..40 {
        let num = 560 + (std::process::id() as usize + n * 11) % 300;
        if Path::new(&format!("/tmp/.X{num}-lock")).exists() {
            continue;
        }
        let Ok(child) = Command::new("Xvfb")
            .args([
                &format!(":{num}"),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        else {
            continue;
        };
        let mut x = Xvfb {
            child,
            display: format!(":{num}"),
        };
        let end = Instant::now() + Duration::from_secs(10);
        while Instant::now() < end {
            if RustConnection::connect(Some(&x.display)).is_ok() {
                return Some(x);
            }
            if let Ok(Some(_)) = x.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = x.child.kill();
    }
    panic!("{test}: Xvfb is installed but did not start");
}

/// A window on the display: a white "page" with a grey toolbar and, optionally, a QR code.
/// The connection stays open (the window stays mapped) until this is dropped.
pub struct PageWindow {
    _conn: RustConnection,
}

impl PageWindow {
    pub fn show(display: &str, x: i16, y: i16, w: u16, h: u16, qr: Option<&str>) -> PageWindow {
        let (conn, screen_num) = RustConnection::connect(Some(display)).unwrap();
        let screen = conn.setup().roots[screen_num].clone();
        let win = conn.generate_id().unwrap();
        conn.create_window(
            screen.root_depth,
            win,
            screen.root,
            x,
            y,
            w,
            h,
            0,
            WindowClass::INPUT_OUTPUT,
            screen.root_visual,
            &CreateWindowAux::new()
                .background_pixel(screen.white_pixel)
                .override_redirect(1)
                .event_mask(EventMask::EXPOSURE),
        )
        .unwrap();
        conn.map_window(win).unwrap();
        conn.flush().unwrap();
        // Draw once the server says the window is visible.
        loop {
            if let Event::Expose(_) = conn.wait_for_event().unwrap() {
                break;
            }
        }
        let gc = conn.generate_id().unwrap();
        conn.create_gc(gc, win, &CreateGCAux::new().foreground(0x00d0d0d0))
            .unwrap();
        conn.poly_fill_rectangle(
            win,
            gc,
            &[Rectangle {
                x: 0,
                y: 0,
                width: w,
                height: 40,
            }],
        )
        .unwrap();
        if let Some(text) = qr {
            let img = monban::qr::encode(text).unwrap();
            let (qw, qh) = (img.width as u16, img.height as u16);
            let (ox, oy) = ((w.saturating_sub(qw) / 2) as i16, 60i16);
            // ZPixmap, 32 bits per pixel, BGRX; in strips that fit one request.
            let rows_per = (200_000 / (usize::from(qw) * 4)).max(1);
            for y0 in (0..img.height).step_by(rows_per) {
                let rows = rows_per.min(img.height - y0);
                let mut data = Vec::with_capacity(rows * img.width * 4);
                for yy in y0..y0 + rows {
                    for xx in 0..img.width {
                        let l = img.luma[yy * img.width + xx];
                        data.extend_from_slice(&[l, l, l, 0]);
                    }
                }
                conn.put_image(
                    ImageFormat::Z_PIXMAP,
                    win,
                    gc,
                    qw,
                    rows as u16,
                    ox,
                    oy + y0 as i16,
                    0,
                    screen.root_depth,
                    &data,
                )
                .unwrap();
            }
            let _ = qh;
        }
        // A round trip: every request above has been handled once the reply is here.
        conn.get_input_focus().unwrap().reply().unwrap();
        PageWindow { _conn: conn }
    }
}

fn scan_screen(display: &str, json: bool) -> (bool, String, String) {
    let mut c = monban();
    c.env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("XDG_SESSION_TYPE")
        .args(["scan", "--screen"]);
    if json {
        c.arg("--json");
    }
    run(c)
}

const URI: &str = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const URI2: &str =
    "otpauth://totp/Dropbox:bob%40example.com?secret=KRSXG5CTMVRXEZLU&issuer=Dropbox";

#[test]
fn scan_screen_reads_the_qr_codes_in_windows_on_an_x11_display() {
    let Some(x) = xvfb_or_skip("qr::screen") else {
        return;
    };
    // Nothing on the screen yet: a clear failure, no payload.
    let (ok, out, err) = scan_screen(&x.display, false);
    assert!(!ok && out.is_empty(), "{out}");
    assert!(err.contains("no QR code found on the screen"), "{err}");

    // One "browser" window with a QR code on its page.
    let page = PageWindow::show(&x.display, 120, 80, 640, 560, Some(URI));
    let (ok, out, err) = scan_screen(&x.display, false);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), URI);

    // A second window with another code: both are found, JSON like `scan IMAGE`.
    let _second = PageWindow::show(&x.display, 800, 200, 420, 480, Some(URI2));
    let (ok, out, err) = scan_screen(&x.display, true);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["screen"], format!("X11 display {}", x.display));
    let mut got: Vec<String> = v[0]["payloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    got.sort();
    assert_eq!(got, [URI2, URI]);
    drop(page);
}

#[test]
fn scan_screen_without_a_display_says_what_is_missing() {
    let mut c = monban();
    c.env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("XDG_SESSION_TYPE")
        .args(["scan", "--screen"]);
    let (ok, _, err) = run(c);
    assert!(!ok && err.contains("DISPLAY"), "{err}");
    // And a display that does not exist is named.
    let (ok, _, err) = scan_screen(":4999", false);
    assert!(!ok && err.contains(":4999"), "{err}");
}
