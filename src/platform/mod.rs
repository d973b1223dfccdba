//! The few pieces that differ per operating system.
//!
//! The phones: their entry points and the backends of the core traits there.
//!
//! Platform-neutral, tested everywhere:
//! - [`permission`]: the camera-permission flow the scanner view shows (asked, denied, blocked).
//!
//! Platform glue, compiled only for its target (see `android/README.md`, `ios/README.md`).
//! Each is the phone's entry module (it starts the app with `app::run`) and holds the
//! backends that share its OS state; the backends implement core traits
//! (`camera::FrameSource`, `clipboard::Clipboard`) and report to `lifecycle::notify`:
//! - `android` (`target_os = "android"`): the `android_main` entry, runtime CAMERA permission
//!   through JNI, NDK Camera2 frames (`camera2`), `ClipboardManager` with the sensitive flag,
//!   `FLAG_SECURE`, lock on pause.
//! - `ios` (`target_os = "ios"`): AVFoundation frames, `UIPasteboard` with expiration,
//!   lock on resign-active and a cover for the app switcher; `ios_keychain`: the Keychain as
//!   the device key store of device-bound vaults (`...WhenUnlockedThisDeviceOnly`).
//! - `android::keystore`: the Android Keystore (StrongBox when present) as that store.
//!
//! The desktop needs nothing here: its camera is `camera::device` (nokhwa, feature `camera`),
//! its clipboard `clipboard::DesktopClipboard`, its file chooser `file_dialog`.

pub mod permission;

#[cfg(all(target_os = "android", feature = "gui"))]
pub mod android;

#[cfg(all(target_os = "ios", feature = "gui"))]
pub mod ios;

/// The Keychain as the device key store of device-bound vaults (no app needed).
#[cfg(target_os = "ios")]
pub mod ios_keychain;

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
