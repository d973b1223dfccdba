//! Host type-check of the Android glue (`src/platform/android/`: mod.rs with its jni_glue.rs,
//! camera2.rs, keystore.rs and saf.rs), compiled against the library's real platform-neutral
//! files and stand-ins of the app (`shared.rs`, also used by `ios/hostcheck`).
#![allow(dead_code)]

mod shared;
pub use shared::{app, autobackup, camera, clipboard, lifecycle, platform, qr, vault};

#[path = "../../../src/platform/android/mod.rs"]
pub mod android;
