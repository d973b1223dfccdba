//! Proof that Monban keeps working and keeps secrets under bad input, crashes and tampering.
//! What each part shows, and how to run the slow variants outside CI, is in
//! docs/reliability.md.
//!
//! - `props`: property tests (proptest) for the readers their owners' tests do not cover.
//! - `disk_full`: a save on a full file system fails cleanly and the old vault stays readable.
//! - `tamper`: single-byte changes of backups and sealed transfers, future versions, KDF bounds.
//! - `leak`: the CLI never prints a stored secret; `Debug` of every secret-bearing type redacts.
//! - `offline`: no networking crate in the dependency tree; no network permission on Android.
//! - `found`: regression tests for what the fuzzers found (reproducers).
//! - `layering`: the core modules never name Slint, the app or the wall clock (ARCHITECTURE.md).
//! - `seeds`: writes the fuzz seed corpus that cannot be copied from tests/fixtures (ignored).

mod disk_full;
mod found;
mod layering;
mod leak;
mod offline;
mod props;
mod redact;
mod seeds;
mod tamper;

use std::path::{Path, PathBuf};

use monban::{Account, Secret};

pub use crate::common::{NOW, PASS};

/// The canary secret stored in test vaults: 20 bytes that appear nowhere else.
pub const CANARY: &[u8; 20] = b"\x9bMonbanCanary\x01\xfe\x42\x17\xc3\x88\x5a";

/// A light-KDF vault with the canary account and one more, closed, at `dir/name`.
pub fn light_vault(dir: &Path, name: &str) -> PathBuf {
    crate::common::light_vault_of(
        dir,
        name,
        vec![
            Account::totp("Canary", "alice", Secret::new(CANARY.to_vec())),
            Account::totp("Bank", "bob", Secret::new(vec![7; 10])),
        ],
    )
}
