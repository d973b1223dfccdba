//! The key automatic backups are written with. It lives inside the encrypted payload (so
//! automatic backups never ask for a password and the key is as safe as the accounts), is
//! derived once from the backup password when automatic backups are turned on, and survives a
//! passcode change: re-wrapping or re-keying the vault re-encrypts the payload, key included.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::{Zeroize, Zeroizing};

use super::KdfParams;

/// Which password opens the automatic backups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackupPasswordSource {
    /// The vault passcode (the key is derived again when the passcode changes).
    Passcode,
    /// A separate password chosen for the backups.
    Separate,
}

/// Argon2id(password, salt) under `kdf`: the key of the backup file format, ready to use.
#[derive(Clone, PartialEq, Eq)]
pub struct BackupKey {
    pub source: BackupPasswordSource,
    pub kdf: KdfParams,
    pub salt: [u8; 16],
    pub key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for BackupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackupKey")
            .field("source", &self.source)
            .field("kdf", &self.kdf)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct KeyRef<'a> {
    source: BackupPasswordSource,
    kdf: KdfParams,
    salt: &'a [u8; 16],
    key: &'a [u8; 32],
}

#[derive(Deserialize)]
struct KeyOwned {
    source: BackupPasswordSource,
    kdf: KdfParams,
    salt: [u8; 16],
    key: [u8; 32],
}

impl Serialize for BackupKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        KeyRef {
            source: self.source,
            kdf: self.kdf,
            salt: &self.salt,
            key: &self.key,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for BackupKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut k = KeyOwned::deserialize(d)?;
        let key = Zeroizing::new(k.key);
        k.key.zeroize();
        Ok(BackupKey {
            source: k.source,
            kdf: k.kdf,
            salt: k.salt,
            key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_and_debug_hides_the_key() {
        let k = BackupKey {
            source: BackupPasswordSource::Separate,
            kdf: KdfParams::TEST_LIGHT,
            salt: [7; 16],
            key: Zeroizing::new([0xAB; 32]),
        };
        let json = serde_json::to_string(&k).unwrap();
        assert!(json.contains("\"source\":\"separate\""), "{json}");
        let back: BackupKey = serde_json::from_str(&json).unwrap();
        assert_eq!(back, k);
        let dbg = format!("{k:?}");
        assert!(
            !dbg.contains("171") && !dbg.to_lowercase().contains("ab, "),
            "{dbg}"
        );
    }
}
