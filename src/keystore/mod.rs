//! This device's key store, for device-bound vault slots ([`crate::vault::device`]): the one
//! place that picks it. Desktop Linux and the BSDs: the Secret Service over D-Bus
//! ([`secret_service`]); Android: the Android Keystore (`platform::android::keystore`); iOS:
//! the Keychain (`platform::ios_keychain`); elsewhere (macOS, Windows for now): none, and the
//! strength floor applies to every new passcode.

#[cfg(all(
    unix,
    not(any(target_os = "android", target_os = "ios", target_os = "macos"))
))]
pub mod secret_service;

use crate::vault::{DeviceKey, OpenOptions};

/// The key store of this device, if the platform has one (whether it is reachable right now
/// is [`DeviceKey::available`]).
pub fn this_device() -> Option<&'static dyn DeviceKey> {
    #[cfg(all(
        unix,
        not(any(target_os = "android", target_os = "ios", target_os = "macos"))
    ))]
    return Some(&secret_service::STORE);
    #[cfg(all(target_os = "android", feature = "gui"))]
    return Some(crate::platform::android::keystore::store());
    #[cfg(target_os = "ios")]
    return Some(crate::platform::ios_keychain::store());
    #[allow(unreachable_code)]
    None
}

/// The options the app and the CLI open and create vaults with: the real bounds, calibrated
/// KDF for new passcodes, the strength floor, and this device's key store.
pub fn options() -> OpenOptions {
    OpenOptions::default().with_device(this_device())
}
