//! The vault from the outside: every byte of a file changed, truncation, KDF downgrade, kill -9
//! during saves, and the vault commands of the built binary.

mod cli;
mod crash;
mod diskfull;
mod independent;
mod organize;
mod tamper;

use std::path::{Path, PathBuf};

use monban::vault::{KdfParams, OpenOptions, Vault};
use monban::{Account, Secret};

pub const PASS: &str = "246810";
pub const NOW: u64 = 1_700_000_000;

/// A small light-KDF vault with two accounts, closed, at `dir/name`.
pub fn small_vault(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let mut v = Vault::create_with(
        &path,
        PASS,
        KdfParams::TEST_LIGHT,
        NOW,
        &OpenOptions::light_for_tests(),
    )
    .unwrap();
    v.add(
        Account::totp(
            "GitHub",
            "alice",
            Secret::new(b"12345678901234567890".to_vec()),
        ),
        NOW,
    )
    .unwrap();
    v.add(Account::totp("Bank", "bob", Secret::new(vec![7; 10])), NOW)
        .unwrap();
    path
}
