//! The few pieces that differ per operating system.
//!
//! Platform-neutral, tested everywhere:
//! - [`permission`]: the camera-permission flow the scanner view shows (asked, denied, blocked).
//! - [`lifecycle`]: when leaving the foreground locks the vault and hides the content.
//! - [`clipboard`]: clearing a copied code later where the OS clipboard cannot expire.
//! - [`frames`]: phone camera images (Y plane with strides and crop) → the scanner's `Frame`.
//!
//! Platform glue, compiled only for its target (see `android/README.md`, `ios/README.md`):
//! - `android` (`target_os = "android"`): the `android_main` entry, runtime CAMERA permission
//!   through JNI, NDK Camera2 frames, `ClipboardManager` with the sensitive flag, `FLAG_SECURE`,
//!   lock on pause.
//! - `ios` (`target_os = "ios"`): AVFoundation frames, `UIPasteboard` with expiration,
//!   lock on resign-active and a cover for the app switcher.
//!
//! Desktop needs nothing here: the camera is nokhwa (feature `camera`), the clipboard arboard.

pub mod clipboard;
pub mod frames;
pub mod lifecycle;
pub mod permission;

#[cfg(all(target_os = "android", feature = "gui"))]
pub mod android;

#[cfg(all(target_os = "ios", feature = "gui"))]
pub mod ios;

mod error;
pub use error::Error;

/// Opens Monban's page in the system settings, where a blocked camera permission is turned
/// back on (the scanner view's action for [`permission::CameraAccess::Blocked`]).
pub fn open_app_settings() -> Result<(), Error> {
    #[cfg(all(target_os = "android", feature = "gui"))]
    let result = android::open_app_settings();
    #[cfg(all(target_os = "ios", feature = "gui"))]
    let result = ios::open_app_settings();
    #[cfg(not(all(any(target_os = "android", target_os = "ios"), feature = "gui")))]
    let result = Err(Error::Unsupported);
    result
}

/// The text on the system clipboard, for "paste an otpauth:// link" on phones (the desktop
/// reads it through arboard). `None` when empty, not text, unreadable or not a phone.
/// Android: only while Monban has focus. iOS 16+: the system may ask the user to allow the
/// paste.
pub fn read_clipboard_text() -> Option<zeroize::Zeroizing<String>> {
    #[cfg(all(target_os = "android", feature = "gui"))]
    let text = android::read_clipboard_text();
    #[cfg(all(target_os = "ios", feature = "gui"))]
    let text = ios::read_clipboard_text();
    #[cfg(not(all(any(target_os = "android", target_os = "ios"), feature = "gui")))]
    let text = None;
    text
}
