//! Monban (門番, "gatekeeper"): an offline two-factor authenticator.
//!
//! The library holds everything; `src/main.rs` is a thin desktop entry (GUI or command line)
//! and the mobile entry points call into the same code. See ARCHITECTURE.md for the code map
//! and the invariants (the core modules never import Slint, never read the clock, never touch
//! the network).

pub mod account;
pub mod arrange;
pub mod autobackup;
pub mod brands;
pub mod camera;
pub mod cli;
pub mod clipboard;
pub mod file_dialog;
#[cfg(test)]
mod freed_memory;
pub mod keystore;
pub mod lifecycle;
pub mod otp;
pub mod platform;
pub mod qr;
pub mod reminders;
#[cfg(all(
    unix,
    not(any(target_os = "android", target_os = "ios", target_os = "macos"))
))]
pub mod screen;
pub mod secure_file;
pub mod settings;
pub mod transfer;
pub mod uri;
pub mod vault;

#[cfg(feature = "gui")]
pub mod app;

pub use account::{Account, Algorithm, Kind, Secret};
