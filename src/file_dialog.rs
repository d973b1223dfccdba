//! Choosing a file to open: the desktop's own file chooser where there is one, else the
//! caller shows an in-app path field ([`Choice::Missing`]), whose text goes through
//! [`expand_path`] (`~` is the home folder).
//!
//! Tried in order: on Linux the desktop portal's file chooser
//! (`org.freedesktop.portal.FileChooser` over the local D-Bus session: GNOME, KDE and most
//! desktops, sandboxed or not), then zenity (GNOME) and kdialog (KDE) as separate programs; the
//! Finder dialog through osascript on macOS. [`Purpose::BackupFolder`] asks for a folder
//! (the portal's `directory` option, `zenity --directory`, `kdialog --getexistingdirectory`,
//! `choose folder`); on iOS the document picker ([`crate::platform::ios::choose_folder`]).
//! [`choose_backup_folder`] is that folder as a [`Location`]: on Android the Storage Access
//! Framework's folder picker, a document tree (`crate::platform::android::choose_folder`).
//! The binary links no GTK. Blocking: call it off the UI thread. Phones have no file dialog
//! here (their pickers belong to the platform glue).

use std::path::{Path, PathBuf};

use crate::autobackup::Location;

/// What the user is choosing (the title and the filter of the dialog).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A picture or screenshot of a QR code.
    QrImage,
    /// An export or backup file of Monban or another authenticator.
    Import,
    /// A folder for automatic backups (on a desktop, a synced folder is a good choice).
    BackupFolder,
}

/// The outcome of [`choose`] (a path) or [`choose_backup_folder`] (a [`Location`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice<T = PathBuf> {
    Chosen(T),
    Cancelled,
    /// No file chooser on this system: ask for the path in the app.
    Missing,
}

/// The folder for automatic backups: a document tree picked through the Storage Access
/// Framework on Android (its permission kept), else [`choose`] with [`Purpose::BackupFolder`].
pub fn choose_backup_folder() -> Choice<Location> {
    #[cfg(all(target_os = "android", feature = "gui"))]
    return match crate::platform::android::choose_folder() {
        Some(uri) => Choice::Chosen(Location::Tree(uri)),
        None => Choice::Cancelled,
    };
    #[allow(unreachable_code)]
    match choose(Purpose::BackupFolder) {
        Choice::Chosen(path) => Choice::Chosen(Location::Dir(path)),
        Choice::Cancelled => Choice::Cancelled,
        Choice::Missing => Choice::Missing,
    }
}

const IMAGE_PATTERNS: &str = "*.png *.jpg *.jpeg *.webp *.gif *.bmp *.tif *.tiff";

/// Shows the desktop's file chooser and waits for the answer.
pub fn choose(purpose: Purpose) -> Choice {
    let title = match purpose {
        Purpose::QrImage => "Choose a QR code image",
        Purpose::Import => "Choose a file to import",
        Purpose::BackupFolder => "Choose a folder for automatic backups",
    };
    let folder = purpose == Purpose::BackupFolder;
    // iOS: the system's document picker for a folder (its access kept across launches).
    #[cfg(all(target_os = "ios", feature = "gui"))]
    if folder {
        return match crate::platform::ios::choose_folder() {
            Some(dir) => Choice::Chosen(dir),
            None => Choice::Cancelled,
        };
    }
    // Without a portal on this session (no D-Bus, no portal service) the programs are tried.
    #[cfg(all(target_os = "linux", feature = "gui"))]
    if let Ok(choice) = portal::open_file(title, purpose == Purpose::QrImage, folder) {
        return choice;
    }
    let mut candidates: Vec<(&str, Vec<String>)> = Vec::new();
    if cfg!(target_os = "macos") {
        let what = match purpose {
            Purpose::QrImage => "file of type {\"public.image\"}",
            Purpose::Import => "file",
            Purpose::BackupFolder => "folder",
        };
        candidates.push((
            "osascript",
            vec![
                "-e".into(),
                format!("POSIX path of (choose {what} with prompt \"{title}\")"),
            ],
        ));
    } else if cfg!(all(
        unix,
        not(target_os = "android"),
        not(target_os = "ios")
    )) {
        let mut zenity = vec!["--file-selection".to_owned(), format!("--title={title}")];
        let mut kdialog = vec![
            if folder {
                "--getexistingdirectory"
            } else {
                "--getopenfilename"
            }
            .to_owned(),
            ".".to_owned(),
        ];
        if folder {
            zenity.push("--directory".into());
        }
        if purpose == Purpose::QrImage {
            zenity.push(format!("--file-filter=Images | {IMAGE_PATTERNS}"));
            kdialog.push("image/png image/jpeg image/webp image/gif image/bmp image/tiff".into());
        }
        candidates.push(("zenity", zenity));
        candidates.push(("kdialog", kdialog));
    }
    run_first(&candidates)
}

#[cfg(all(target_os = "linux", feature = "gui"))]
mod portal {
    //! `org.freedesktop.portal.FileChooser.OpenFile`: the call returns a request object; the
    //! answer comes as its `Response` signal (0 chosen, 1 cancelled, 2 failed) with the chosen
    //! `uris`. The signal is subscribed to before the call (with our own `handle_token`, so the
    //! request's path is known in advance), as the portal documentation asks.

    use std::collections::HashMap;
    use std::path::PathBuf;

    use futures_lite::StreamExt;
    use zbus::zvariant::{OwnedValue, Value};
    use zbus::{Connection, MatchRule, MessageStream};

    use super::{Choice, IMAGE_PATTERNS};

    const DESTINATION: &str = "org.freedesktop.portal.Desktop";
    const PATH: &str = "/org/freedesktop/portal/desktop";

    pub(super) fn open_file(title: &str, images: bool, folder: bool) -> zbus::Result<Choice> {
        futures_lite::future::block_on(open_file_async(title, images, folder))
    }

    async fn open_file_async(title: &str, images: bool, folder: bool) -> zbus::Result<Choice> {
        let conn = Connection::session().await?;
        let sender = conn
            .unique_name()
            .ok_or_else(|| zbus::Error::Failure("no unique name on the session bus".into()))?
            .trim_start_matches(':')
            .replace('.', "_");
        let token = format!("monban_{}_{}", std::process::id(), fastrand_token());
        let request = format!("{PATH}/request/{sender}/{token}");
        let rule = MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface("org.freedesktop.portal.Request")?
            .member("Response")?
            .path(request.as_str())?
            .build();
        let mut responses = MessageStream::for_match_rule(rule, &conn, Some(1)).await?;
        let mut options: HashMap<&str, Value<'_>> = HashMap::new();
        options.insert("handle_token", Value::from(token.as_str()));
        if folder {
            // FileChooser version 3: the chooser picks a folder instead of a file.
            options.insert("directory", Value::from(true));
        }
        if images {
            let patterns: Vec<(u32, &str)> = IMAGE_PATTERNS.split(' ').map(|p| (0u32, p)).collect();
            options.insert("filters", Value::from(vec![("Images", patterns)]));
        }
        conn.call_method(
            Some(DESTINATION),
            PATH,
            Some("org.freedesktop.portal.FileChooser"),
            "OpenFile",
            &("", title, options),
        )
        .await?;
        let Some(message) = responses.next().await else {
            return Ok(Choice::Cancelled);
        };
        let (code, results): (u32, HashMap<String, OwnedValue>) = message?.body().deserialize()?;
        if code != 0 {
            return Ok(Choice::Cancelled);
        }
        let uris: Vec<String> = match results.get("uris") {
            Some(v) => v.try_clone()?.try_into()?,
            None => Vec::new(),
        };
        Ok(uris
            .first()
            .and_then(|u| path_of_uri(u))
            .map(Choice::Chosen)
            .unwrap_or(Choice::Cancelled))
    }

    /// A request token unique enough within this process.
    fn fastrand_token() -> u64 {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(1);
        NEXT.fetch_add(1, Ordering::Relaxed)
    }

    /// `file:///home/a%20b/x.png` → `/home/a b/x.png` (other schemes: none).
    pub(super) fn path_of_uri(uri: &str) -> Option<PathBuf> {
        let rest = uri.strip_prefix("file://")?;
        let rest = rest.strip_prefix("localhost").unwrap_or(rest);
        let bytes = rest.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%'
                && let Some(v) = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(out)))
    }
}

/// Runs the first chooser program that exists and reports what the user chose.
fn run_first(candidates: &[(&str, Vec<String>)]) -> Choice {
    for (program, args) in candidates {
        match std::process::Command::new(program).args(args).output() {
            Ok(out) if out.status.success() => {
                let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
                return if path.is_empty() {
                    Choice::Cancelled
                } else {
                    Choice::Chosen(PathBuf::from(path))
                };
            }
            Ok(_) => return Choice::Cancelled,
            Err(_) => continue,
        }
    }
    Choice::Missing
}

/// A path as typed into the app's path field: trimmed, surrounding quotes removed (a path
/// pasted from a file manager), `~` and `~/…` meaning the home folder.
pub fn expand_path(typed: &str) -> PathBuf {
    let t = typed.trim();
    let t = t
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| t.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(t);
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
    match (t, home) {
        ("~", Some(home)) => PathBuf::from(home),
        (t, Some(home)) if t.starts_with("~/") => Path::new(&home).join(&t[2..]),
        (t, _) => PathBuf::from(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_paths_expand_the_home_folder() {
        let home = PathBuf::from(std::env::var_os("HOME").expect("HOME is set"));
        assert_eq!(expand_path("~"), home);
        assert_eq!(
            expand_path(" ~/Pictures/qr.png "),
            home.join("Pictures/qr.png")
        );
        assert_eq!(expand_path("'/tmp/a b.png'"), PathBuf::from("/tmp/a b.png"));
        assert_eq!(expand_path("\"/tmp/x.png\""), PathBuf::from("/tmp/x.png"));
        assert_eq!(expand_path("~other/x"), PathBuf::from("~other/x"));
        assert_eq!(expand_path("rel/x.png"), PathBuf::from("rel/x.png"));
    }

    #[cfg(all(target_os = "linux", feature = "gui"))]
    #[test]
    fn portal_uris_become_paths() {
        assert_eq!(
            portal::path_of_uri("file:///home/a%20b/qr%2B1.png"),
            Some(PathBuf::from("/home/a b/qr+1.png"))
        );
        assert_eq!(
            portal::path_of_uri("file://localhost/tmp/x.png"),
            Some(PathBuf::from("/tmp/x.png"))
        );
        assert_eq!(portal::path_of_uri("https://example.com/x.png"), None);
        assert_eq!(
            portal::path_of_uri("file:///tmp/100%"),
            Some(PathBuf::from("/tmp/100%"))
        );
    }

    #[test]
    fn no_chooser_program_means_missing() {
        let none = [("monban-no-such-dialog-program", vec![])];
        assert_eq!(run_first(&none), Choice::Missing);
    }
}
