//! The account: what an authenticator needs to produce codes for one login.
//!
//! This is the shared currency of every module: `uri` reads and writes it, `otp` computes its
//! codes, `vault` stores it (with per-entry metadata of its own), `transfer` moves it between
//! devices and apps. Secrets live in [`Secret`], which zeroizes on drop and never prints.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Raw secret key bytes (already Base32-decoded). Zeroized on drop; `Debug` redacts.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps raw key bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(bytes)
    }

    /// The key bytes. Callers must not copy them into anything that outlives the call
    /// without zeroizing it.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Number of key bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for a zero-length key (never valid for generating codes).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Unpadded upper-case RFC 4648 Base32, as written into `otpauth://` URIs.
    /// The returned string holds the secret: zeroize it when done (see [`zeroize::Zeroizing`]).
    pub fn to_base32(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&self.0))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} bytes redacted>)", self.0.len())
    }
}

/// How codes are derived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// RFC 6238 time-based codes.
    Totp,
    /// RFC 4226 counter-based codes.
    Hotp,
    /// Steam Guard: TOTP (SHA1, 30 s) rendered as 5 characters of Steam's alphabet.
    Steam,
}

impl Kind {
    /// Lower-case name as used in URIs and JSON (`totp`, `hotp`, `steam`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Totp => "totp",
            Kind::Hotp => "hotp",
            Kind::Steam => "steam",
        }
    }
}

/// HMAC hash function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Algorithm {
    Sha1,
    Sha256,
    Sha512,
}

impl Algorithm {
    /// Upper-case name as written in URIs (`SHA1`, `SHA256`, `SHA512`).
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }
}

/// Default TOTP period in seconds.
pub const DEFAULT_PERIOD: u64 = 30;
/// Default number of digits.
pub const DEFAULT_DIGITS: u32 = 6;
/// Number of characters in a Steam Guard code.
pub const STEAM_DIGITS: u32 = 5;
/// Fewest digits a code may have.
pub const MIN_DIGITS: u32 = 6;
/// Most digits a code may have (RFC 4226 truncation yields at most 10 meaningful digits).
pub const MAX_DIGITS: u32 = 10;

/// One login's OTP configuration. Equality compares every field including the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Service name or domain (`GitHub`, `coin.z.com`); may be empty.
    pub issuer: String,
    /// Account name at the service (`alice@example.com`); may be empty.
    pub name: String,
    pub secret: Secret,
    pub kind: Kind,
    pub algorithm: Algorithm,
    /// Code length: 6–10 for TOTP/HOTP; always 5 for Steam.
    pub digits: u32,
    /// TOTP/Steam period in seconds (≥ 1). Kept (default 30) for HOTP too, where it is unused.
    pub period: u64,
    /// HOTP moving factor: the counter of the *next* code to generate. Unused (0) otherwise.
    pub counter: u64,
}

impl Account {
    /// A TOTP account with the common defaults (SHA1, 6 digits, 30 s).
    pub fn totp(issuer: impl Into<String>, name: impl Into<String>, secret: Secret) -> Self {
        Account {
            issuer: issuer.into(),
            name: name.into(),
            secret,
            kind: Kind::Totp,
            algorithm: Algorithm::Sha1,
            digits: DEFAULT_DIGITS,
            period: DEFAULT_PERIOD,
            counter: 0,
        }
    }

    /// "Issuer (name)", "Issuer", or "name": how a person refers to the account.
    pub fn display_name(&self) -> String {
        match (self.issuer.is_empty(), self.name.is_empty()) {
            (false, false) => format!("{} ({})", self.issuer, self.name),
            (false, true) => self.issuer.clone(),
            (true, _) => self.name.clone(),
        }
    }

    /// True when `other` is the same login: the same whole key (secret, kind, algorithm,
    /// digits, and period where codes use it) under the same issuer and name. The vault's and
    /// the importers' duplicate rule: a SHA1 and a SHA256 account sharing a secret and a name
    /// give different codes, so both are kept. The HOTP counter is state, not identity.
    pub fn same_login(&self, other: &Account) -> bool {
        let period = |a: &Account| match a.kind {
            Kind::Hotp => 0,
            Kind::Steam => 30,
            Kind::Totp => a.period,
        };
        self.secret == other.secret
            && self.kind == other.kind
            && (self.kind == Kind::Steam || self.algorithm == other.algorithm)
            && (self.kind == Kind::Steam || self.digits == other.digits)
            && period(self) == period(other)
            && self.issuer == other.issuer
            && self.name == other.name
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("issuer", &self.issuer)
            .field("name", &self.name)
            .field("secret", &self.secret)
            .field("kind", &self.kind)
            .field("algorithm", &self.algorithm)
            .field("digits", &self.digits)
            .field("period", &self.period)
            .field("counter", &self.counter)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secret_bytes() {
        let a = Account::totp("GitHub", "alice", Secret::new(b"supersecretkey!!".to_vec()));
        let s = format!("{a:?}");
        assert!(!s.contains("supersecret"), "{s}");
        assert!(s.contains("redacted"), "{s}");
        assert!(!s.contains(&*a.secret.to_base32()), "{s}");
    }

    #[test]
    fn display_name_forms() {
        let s = || Secret::new(vec![1; 10]);
        assert_eq!(Account::totp("A", "b", s()).display_name(), "A (b)");
        assert_eq!(Account::totp("A", "", s()).display_name(), "A");
        assert_eq!(Account::totp("", "b", s()).display_name(), "b");
    }

    #[test]
    fn same_login_compares_the_whole_key_and_the_names() {
        let a = Account::totp("A", "b", Secret::new(vec![1; 10]));
        let mut b = a.clone();
        b.counter = 7;
        assert!(a.same_login(&b), "the counter is state, not identity");
        let changes: [fn(&mut Account); 7] = [
            |x: &mut Account| x.algorithm = Algorithm::Sha256,
            |x: &mut Account| x.digits = 8,
            |x: &mut Account| x.period = 60,
            |x: &mut Account| x.kind = Kind::Hotp,
            |x: &mut Account| x.secret = Secret::new(vec![2; 10]),
            |x: &mut Account| x.name = "c".into(),
            |x: &mut Account| x.issuer = "B".into(),
        ];
        for change in changes {
            let mut b = a.clone();
            change(&mut b);
            assert!(!a.same_login(&b), "{b:?}");
        }
        let mut h1 = a.clone();
        h1.kind = Kind::Hotp;
        let mut h2 = h1.clone();
        h2.period = 60;
        assert!(h1.same_login(&h2), "HOTP codes do not use the period");
    }
}
