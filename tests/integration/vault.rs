//! The vault from the outside: every byte of a file changed, truncation, KDF downgrade, kill -9
//! during saves, and the vault commands of the built binary.

mod cli;
mod crash;
mod device;
mod diskfull;
mod independent;
mod organize;
mod tamper;

use std::path::{Path, PathBuf};

use monban::{Account, Secret};

pub use crate::common::{NOW, PASS};

/// A small light-KDF vault with two accounts, closed, at `dir/name`.
pub fn small_vault(dir: &Path, name: &str) -> PathBuf {
    crate::common::light_vault_of(
        dir,
        name,
        vec![
            Account::totp(
                "GitHub",
                "alice",
                Secret::new(b"12345678901234567890".to_vec()),
            ),
            Account::totp("Bank", "bob", Secret::new(vec![7; 10])),
        ],
    )
}
