//! Monban's integration tests: one test binary, one module per area (ripgrep's layout).
//! Fixtures are found through `env!("CARGO_MANIFEST_DIR")`, never the current directory.

mod common;

mod backup; // automatic backups: every change backed up, failures, kill -9, restore
mod cli_code; // `monban code --uri`, oathtool comparison
mod otp_vectors; // RFC 4226 / RFC 6238 / Steam vectors through the public API
mod platform; // phone camera planes → decoder, permission/lifecycle flows, packaging files
mod proof; // fuzz-adjacent property tests, full disk, tamper, secret leaks, offline guarantee
mod qr; // decoder on the dev photo set, synthetic frames, encode/decode round trips
mod transfer; // transfer formats, backups, importers, export/import CLI
#[cfg(feature = "gui")]
mod ui;
#[cfg(feature = "gui")]
mod ui_backup; // automatic backups, banner, reminders, restore, damaged vault in the app
#[cfg(feature = "gui")]
mod ui_transfer; // export/import/backup/settings screens, two apps moving accounts
mod vault; // vault format, tamper, crash safety, vault CLI // the app on Slint's testing backend; the real binary under Xvfb
