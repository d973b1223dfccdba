//! One-time codes: TOTP (RFC 6238), HOTP (RFC 4226) and Steam Guard.
//!
//! Time is always a parameter (`unix` seconds, 64-bit): this module never reads the clock.
//! Codes are computed by `totp-rs` (its non-compliant builder, so the 80-bit secrets that real
//! services hand out work). Two cases are done here instead, on top of totp-rs's HMAC
//! (`Totp::sign`):
//! - HOTP: totp-rs has no HOTP type; HOTP is TOTP with a step of one second evaluated at
//!   `time = counter`, so the same code path serves both;
//! - 10-digit codes: totp-rs panics for 10 digits (10^10 does not fit its u32 modulus), while
//!   RFC 4226 truncation to 10 digits is simply the 31-bit value, zero-padded.

use thiserror::Error;
use totp_rs::{Algorithm as TAlgorithm, Builder, Totp};

use crate::account::{Account, Algorithm, Kind, MAX_DIGITS, MIN_DIGITS, STEAM_DIGITS};

/// Why a code cannot be computed for an account.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum Error {
    #[error("the secret key is empty")]
    EmptySecret,
    #[error("{0} digits is not supported (6 to 10 are)")]
    Digits(u32),
    #[error("a period of 0 seconds is not valid")]
    ZeroPeriod,
    #[error("a Steam code has 5 characters, not {0}")]
    SteamDigits(u32),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn totp_algorithm(a: Algorithm) -> TAlgorithm {
    match a {
        Algorithm::Sha1 => TAlgorithm::SHA1,
        Algorithm::Sha256 => TAlgorithm::SHA256,
        Algorithm::Sha512 => TAlgorithm::SHA512,
    }
}

/// Checks that codes can be computed for `account` (secret, digits, period).
pub fn validate(account: &Account) -> Result<()> {
    if account.secret.is_empty() {
        return Err(Error::EmptySecret);
    }
    match account.kind {
        Kind::Steam if account.digits != STEAM_DIGITS => Err(Error::SteamDigits(account.digits)),
        Kind::Steam => Ok(()),
        _ if !(MIN_DIGITS..=MAX_DIGITS).contains(&account.digits) => {
            Err(Error::Digits(account.digits))
        }
        Kind::Totp if account.period == 0 => Err(Error::ZeroPeriod),
        _ => Ok(()),
    }
}

/// The generator for `account`: HOTP uses a 1-second step so that `time = counter`.
fn generator(account: &Account) -> Totp {
    let (algorithm, digits, step) = match account.kind {
        Kind::Steam => (TAlgorithm::Steam, STEAM_DIGITS, 30),
        Kind::Totp => (
            totp_algorithm(account.algorithm),
            account.digits,
            account.period,
        ),
        Kind::Hotp => (totp_algorithm(account.algorithm), account.digits, 1),
    };
    Builder::new()
        .with_algorithm(algorithm)
        // 10 digits is computed by `truncate_10`; totp-rs is only asked for ≤ 9.
        .with_digits(digits.min(9) as u8)
        .with_step_duration(step)
        .with_secret(account.secret.expose().to_vec())
        .build_noncompliant()
}

fn code_for_moving_factor(account: &Account, time: u64) -> Result<String> {
    validate(account)?;
    let totp = generator(account);
    if account.kind != Kind::Steam && account.digits == 10 {
        return Ok(truncate_10(totp.sign(time).as_ref()));
    }
    Ok(totp.generate(time).to_string())
}

/// RFC 4226 §5.3 dynamic truncation to 10 digits: the 31-bit value itself, zero-padded.
fn truncate_10(hmac: &[u8]) -> String {
    let offset = (hmac[hmac.len() - 1] & 0x0f) as usize;
    let v = u32::from_be_bytes([
        hmac[offset],
        hmac[offset + 1],
        hmac[offset + 2],
        hmac[offset + 3],
    ]) & 0x7fff_ffff;
    format!("{v:010}")
}

/// The code shown at Unix time `unix`. For HOTP, the code for `account.counter` (time is
/// ignored); the caller advances the counter after using it.
pub fn code_at(account: &Account, unix: u64) -> Result<String> {
    match account.kind {
        Kind::Hotp => hotp(account, account.counter),
        Kind::Totp | Kind::Steam => code_for_moving_factor(account, unix),
    }
}

/// The HOTP code for an explicit `counter` (any kind of account is treated as HOTP).
pub fn hotp(account: &Account, counter: u64) -> Result<String> {
    let mut a = account.clone();
    a.kind = Kind::Hotp;
    code_for_moving_factor(&a, counter)
}

/// The code that follows the current one: the next period's for TOTP/Steam, the next counter's
/// for HOTP.
pub fn next_code(account: &Account, unix: u64) -> Result<String> {
    match account.kind {
        Kind::Hotp => hotp(account, account.counter.saturating_add(1)),
        Kind::Totp | Kind::Steam => {
            validate(account)?;
            let period = effective_period(account);
            code_for_moving_factor(account, unix.saturating_add(seconds_left(period, unix)))
        }
    }
}

/// The period that applies to the account's codes (Steam is always 30 s).
pub fn effective_period(account: &Account) -> u64 {
    match account.kind {
        Kind::Steam => 30,
        _ => account.period.max(1),
    }
}

/// Seconds until the current period ends (1..=period). A period of 0 is treated as 1.
pub fn seconds_left(period: u64, unix: u64) -> u64 {
    let period = period.max(1);
    period - unix % period
}

/// Groups a code for reading: `123 456`, `1234 5678`, `123 4567`; 5-char Steam codes and
/// other lengths below 6 are left whole.
pub fn group(code: &str) -> String {
    let n = code.chars().count();
    if n < 6 {
        return code.to_string();
    }
    let split = n / 2;
    let (a, b): (String, String) = (
        code.chars().take(split).collect(),
        code.chars().skip(split).collect(),
    );
    format!("{a} {b}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Secret;

    fn acct(kind: Kind, algo: Algorithm, digits: u32, secret: &[u8]) -> Account {
        Account {
            issuer: String::new(),
            name: String::new(),
            secret: Secret::new(secret.to_vec()),
            kind,
            algorithm: algo,
            digits,
            period: 30,
            counter: 0,
        }
    }

    const S20: &[u8] = b"12345678901234567890";
    const S32: &[u8] = b"12345678901234567890123456789012";
    const S64: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

    #[test]
    fn rfc4226_hotp() {
        let want = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        let a = acct(Kind::Hotp, Algorithm::Sha1, 6, S20);
        for (c, w) in want.iter().enumerate() {
            assert_eq!(hotp(&a, c as u64).unwrap(), *w, "counter {c}");
        }
    }

    #[test]
    fn rfc6238_totp_all_rows_incl_year_2603() {
        let rows: [(u64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        for (t, s1, s256, s512) in rows {
            assert_eq!(
                code_at(&acct(Kind::Totp, Algorithm::Sha1, 8, S20), t).unwrap(),
                s1
            );
            assert_eq!(
                code_at(&acct(Kind::Totp, Algorithm::Sha256, 8, S32), t).unwrap(),
                s256
            );
            assert_eq!(
                code_at(&acct(Kind::Totp, Algorithm::Sha512, 8, S64), t).unwrap(),
                s512
            );
            // 6 digits are the last six
            assert_eq!(
                code_at(&acct(Kind::Totp, Algorithm::Sha1, 6, S20), t).unwrap(),
                &s1[2..]
            );
        }
    }

    #[test]
    fn steam_vectors() {
        let a = acct(Kind::Steam, Algorithm::Sha1, 5, S20);
        for (t, w) in [
            (59, "PV9M4"),
            (1111111109, "PY4YB"),
            (1234567890, "VHHQY"),
            (2000000000, "9N776"),
        ] {
            assert_eq!(code_at(&a, t).unwrap(), w);
        }
    }

    #[test]
    fn ten_digits_extend_nine() {
        for t in [59u64, 1111111109, 20000000000] {
            let ten = code_at(&acct(Kind::Totp, Algorithm::Sha1, 10, S20), t).unwrap();
            let nine = code_at(&acct(Kind::Totp, Algorithm::Sha1, 9, S20), t).unwrap();
            assert_eq!(ten.len(), 10);
            assert_eq!(&ten[1..], nine);
        }
    }

    #[test]
    fn seconds_left_and_next() {
        assert_eq!(seconds_left(30, 0), 30);
        assert_eq!(seconds_left(30, 29), 1);
        assert_eq!(seconds_left(30, 30), 30);
        assert_eq!(seconds_left(0, 5), 1);
        let a = acct(Kind::Totp, Algorithm::Sha1, 8, S20);
        assert_eq!(
            next_code(&a, 1111111100).unwrap(),
            code_at(&a, 1111111110).unwrap()
        );
        let mut h = acct(Kind::Hotp, Algorithm::Sha1, 6, S20);
        h.counter = 4;
        assert_eq!(code_at(&h, 999).unwrap(), "338314");
        assert_eq!(next_code(&h, 999).unwrap(), "254676");
    }

    #[test]
    fn invalid_accounts_are_errors_not_panics() {
        assert_eq!(
            code_at(&acct(Kind::Totp, Algorithm::Sha1, 6, b""), 1),
            Err(Error::EmptySecret)
        );
        assert_eq!(
            code_at(&acct(Kind::Totp, Algorithm::Sha1, 11, S20), 1),
            Err(Error::Digits(11))
        );
        assert_eq!(
            code_at(&acct(Kind::Totp, Algorithm::Sha1, 5, S20), 1),
            Err(Error::Digits(5))
        );
        assert_eq!(
            code_at(&acct(Kind::Steam, Algorithm::Sha1, 6, S20), 1),
            Err(Error::SteamDigits(6))
        );
        let mut a = acct(Kind::Totp, Algorithm::Sha1, 6, S20);
        a.period = 0;
        assert_eq!(code_at(&a, 1), Err(Error::ZeroPeriod));
        a.period = 1;
        assert!(code_at(&a, u64::MAX).is_ok());
        assert!(next_code(&a, u64::MAX).is_ok());
    }

    #[test]
    fn grouping() {
        assert_eq!(group("123456"), "123 456");
        assert_eq!(group("12345678"), "1234 5678");
        assert_eq!(group("1234567"), "123 4567");
        assert_eq!(group("2F9J5"), "2F9J5");
    }
}
