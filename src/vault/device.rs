//! Device-bound key slots: the trait a platform's key store implements, and the two things
//! the vault asks of it.
//!
//! A vault with a device slot (slot type 2 in the header, `docs/vault-format.md`) unwraps its
//! master key with `HMAC-SHA256(device key, Argon2id(passcode, salt))`: the passcode **and**
//! the device key are both needed, so a copied vault file is useless without the device (and
//! a short PIN is enough). The same device key also authenticates the side file
//! `<vault>.state` (failed attempts, last generation seen) with
//! `HMAC-SHA256(device key, SHA-256("monban state mac v1"))` as the MAC key, so that deleting or
//! editing it locks the vault for an hour instead of resetting the counter.
//!
//! The device key itself never has to leave its store: the trait asks only for an HMAC under
//! it ([`DeviceKey::derive`]), which is all an Android Keystore HMAC key allows. Stores that
//! hand out secrets (Secret Service, iOS Keychain) compute the HMAC in Rust. Each slot has its
//! own device key, named after the slot's random salt ([`KeyId`]); changing the passcode makes
//! a new one and deletes the old one.
//!
//! Implementations: `crate::keystore` (desktop Linux, the Secret Service over D-Bus),
//! `crate::platform::android::keystore` (Android Keystore, StrongBox when present),
//! `crate::platform::ios_keychain` (Keychain, `kSecAttrAccessibleWhenUnlockedThisDeviceOnly`).

use std::fmt;

use hmac::{KeyInit, Mac};
use zeroize::Zeroizing;

/// Length of a device key's input and output (HMAC-SHA256).
pub const DERIVED_LEN: usize = 32;

/// Names the device key of one slot: the slot's 16-byte salt (random per passcode).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub [u8; 16]);

impl KeyId {
    /// The name the key is stored under: `monban-` and 32 hex digits.
    pub fn alias(&self) -> String {
        let mut s = String::with_capacity(7 + 32);
        s.push_str("monban-");
        for b in self.0 {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.alias())
    }
}

/// Why a device key store could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceKeyError {
    /// There is no key store here (no Secret Service on the session bus, no Keystore).
    #[error("{store} is not available here ({why})")]
    Unavailable { store: &'static str, why: String },
    /// The store has no key for this vault: the file was copied from another device, or the
    /// key was deleted. Only a backup opens these accounts now.
    #[error(
        "{store} holds no key for this vault (it was made on another device or its key was deleted): restore a backup"
    )]
    Missing { store: &'static str },
    /// The store is locked and was not unlocked (a dismissed prompt).
    #[error("{store} is locked: unlock it (log in again or open your keyring) and retry")]
    Locked { store: &'static str },
    /// Anything else the store answered.
    #[error("{store} failed: {why}")]
    Failed { store: &'static str, why: String },
}

/// A key store on this device that can hold a key which never leaves it.
pub trait DeviceKey: Send + Sync + fmt::Debug {
    /// What the user knows it as ("the Secret Service", "Android Keystore").
    fn name(&self) -> &'static str;
    /// True when a key can be made here now (a quick probe; nothing is stored).
    fn available(&self) -> bool;
    /// Makes a new random key named `id`.
    fn create(&self, id: &KeyId) -> Result<(), DeviceKeyError>;
    /// HMAC-SHA256 of `input` under the key `id` ([`DeviceKeyError::Missing`] when there is
    /// none): the one way the vault uses the key ("load" for stores that hand the key out).
    fn derive(
        &self,
        id: &KeyId,
        input: &[u8; DERIVED_LEN],
    ) -> Result<Zeroizing<[u8; DERIVED_LEN]>, DeviceKeyError>;
    /// Deletes the key `id`; a key that is not there is not an error.
    fn delete(&self, id: &KeyId) -> Result<(), DeviceKeyError>;
}

/// HMAC-SHA256 of `input` under `key`: the derivation of stores that hand the key out.
pub fn hmac(key: &[u8], input: &[u8]) -> Zeroizing<[u8; DERIVED_LEN]> {
    let mut m = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key)
        .expect("HMAC takes any key length");
    m.update(input);
    Zeroizing::new(m.finalize().into_bytes().into())
}

/// The input whose HMAC under the device key is the side file's MAC key.
pub(crate) fn state_label() -> [u8; DERIVED_LEN] {
    use sha2::Digest;
    sha2::Sha256::digest(b"monban state mac v1").into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_case_2() {
        let out = hmac(b"Jefe", b"what do ya want for nothing?");
        let hex: String = out.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn aliases_name_the_slot() {
        let id = KeyId([0xab; 16]);
        assert_eq!(id.alias(), format!("monban-{}", "ab".repeat(16)));
        assert_eq!(format!("{id:?}"), id.alias());
    }
}
