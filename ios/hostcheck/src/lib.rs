//! Host type-check of the iOS glue (`src/platform/ios.rs`, `src/platform/ios_keychain.rs`), compiled against the library's
//! real platform-neutral files and stand-ins of the app (`android/hostcheck/src/shared.rs`).
#![allow(dead_code)]

#[path = "../../../android/hostcheck/src/shared.rs"]
mod shared;
pub use shared::{app, autobackup, camera, clipboard, lifecycle, platform, qr, vault};

#[path = "../../../src/platform/ios.rs"]
pub mod ios;

#[path = "../../../src/platform/ios_keychain.rs"]
pub mod ios_keychain;
