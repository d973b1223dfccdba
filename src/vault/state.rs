//! The small unencrypted side file `<vault>.state`: failed passcode attempts (for the backoff)
//! and the last generation seen on this device (for rollback detection). It holds no secret.
//! A missing or unreadable state file reads as "no failures, nothing seen yet" — except for a
//! vault with a device-bound slot: there the file carries a MAC under a key from the device
//! store ([`StateKey`], see [`super::device`]), and a missing, edited or unauthenticated file
//! reads as [`TAMPERED_FAILURES`] failures from the moment it was found (a one-hour wait),
//! so deleting it locks instead of resetting.
//!
//! It also holds **the one attempt policy**: every check of the vault passcode (unlock,
//! re-authentication in the app, changing the passcode, a backup password taken from the
//! passcode) asks [`before_attempt`] first and reports with [`failed`] / [`succeeded`], so a
//! guess costs the same wherever it is typed.

use std::path::Path;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::error::Result;
use super::fsio;

/// Consecutive wrong passcodes at a re-authentication (an already unlocked vault) after
/// which the app locks itself: the person at the screen must then go through the lock screen,
/// whose backoff continues from the same count.
pub const REAUTH_LIMIT: u32 = 3;

/// Wrong passcodes allowed before the first wait.
pub const FREE_ATTEMPTS: u32 = 5;
/// The first wait, after [`FREE_ATTEMPTS`] failures; it doubles with each further failure.
pub const FIRST_WAIT_SECS: u64 = 30;
/// The longest wait.
pub const MAX_WAIT_SECS: u64 = 3600;

/// Failures a tampered side file of a device-bound vault counts as: the longest wait.
pub const TAMPERED_FAILURES: u32 = FREE_ATTEMPTS + 7;

/// The MAC key of a device-bound vault's side file (from the device key store).
pub(crate) type StateKey = Zeroizing<[u8; 32]>;

/// Contents of `<vault>.state`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Wrong passcodes since the last successful unlock.
    #[serde(default)]
    pub failed_attempts: u32,
    /// Unix time of the last wrong passcode.
    #[serde(default)]
    pub last_failure: u64,
    /// Highest generation opened or saved on this device.
    #[serde(default)]
    pub last_generation: u64,
    /// HMAC-SHA256 of the three numbers (little-endian u32, u64, u64) under the
    /// [`StateKey`], hex; only for device-bound vaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
}

/// The wait imposed after `failures` consecutive wrong passcodes: none for the first
/// [`FREE_ATTEMPTS`], then 30 s, 60 s, 120 s, ... up to an hour.
pub fn delay_after(failures: u32) -> u64 {
    if failures < FREE_ATTEMPTS {
        return 0;
    }
    let doublings = (failures - FREE_ATTEMPTS).min(16);
    (FIRST_WAIT_SECS << doublings).min(MAX_WAIT_SECS)
}

impl State {
    /// Reads the state file; absent or unreadable gives the default.
    pub fn load(vault: &Path) -> State {
        std::fs::read(fsio::state_path(vault))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Reads the state file of a vault whose side file is authenticated with `key` (when
    /// `Some`): missing, unreadable or with a wrong MAC gives [`TAMPERED_FAILURES`] failures
    /// counted from `now`, stored at once (so the wait runs from the first time it was
    /// found, and a second deletion starts it again).
    pub(crate) fn load_checked(vault: &Path, key: Option<&StateKey>, now: u64) -> State {
        let Some(key) = key else {
            return State::load(vault);
        };
        let read: Option<State> = std::fs::read(fsio::state_path(vault))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        if let Some(s) = &read
            && s.mac.as_deref().is_some_and(|m| {
                constant_time_eq::constant_time_eq(m.as_bytes(), s.mac_hex(key).as_bytes())
            })
        {
            return s.clone();
        }
        let tampered = State {
            failed_attempts: TAMPERED_FAILURES,
            last_failure: now,
            last_generation: read.map_or(0, |s| s.last_generation),
            mac: None,
        };
        let _ = tampered.store(vault, Some(key));
        tampered
    }

    fn mac_hex(&self, key: &StateKey) -> String {
        let mut msg = [0u8; 20];
        msg[..4].copy_from_slice(&self.failed_attempts.to_le_bytes());
        msg[4..12].copy_from_slice(&self.last_failure.to_le_bytes());
        msg[12..].copy_from_slice(&self.last_generation.to_le_bytes());
        super::device::hmac(&key[..], &msg)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Writes the state file atomically (no backup), with its MAC under `key` when `Some`.
    pub(crate) fn store(&self, vault: &Path, key: Option<&StateKey>) -> Result<()> {
        let mut s = self.clone();
        s.mac = key.map(|k| s.mac_hex(k));
        let json = serde_json::to_vec_pretty(&s).expect("plain struct serializes");
        fsio::write_atomic(&fsio::state_path(vault), &json, false)
    }

    /// Seconds still to wait at `now`, if any. A clock set back never lengthens the wait
    /// beyond the current step.
    pub fn wait_secs(&self, now: u64) -> Option<u64> {
        let delay = delay_after(self.failed_attempts);
        if delay == 0 {
            return None;
        }
        let until = self.last_failure.saturating_add(delay);
        (now < until).then(|| (until - now).min(delay))
    }
}

/// The attempt policy, step 1: `Err(Backoff)` while a wait is running (the KDF must not run).
pub(crate) fn before_attempt(vault: &Path, now: u64, key: Option<&StateKey>) -> Result<State> {
    let state = State::load_checked(vault, key, now);
    if let Some(wait_secs) = state.wait_secs(now) {
        return Err(super::Error::Backoff { wait_secs });
    }
    Ok(state)
}

/// The attempt policy, a wrong passcode: counted and persisted (best effort: on a read-only
/// medium the answer is still "wrong passcode"). Returns the failures in a row.
pub(crate) fn failed(vault: &Path, mut state: State, now: u64, key: Option<&StateKey>) -> u32 {
    state.failed_attempts = state.failed_attempts.saturating_add(1);
    state.last_failure = now;
    let _ = state.store(vault, key);
    state.failed_attempts
}

/// The attempt policy, the right passcode: the count starts again.
pub(crate) fn succeeded(vault: &Path, mut state: State, key: Option<&StateKey>) {
    if state.failed_attempts != 0 || state.last_failure != 0 {
        state.failed_attempts = 0;
        state.last_failure = 0;
        let _ = state.store(vault, key);
    }
}
