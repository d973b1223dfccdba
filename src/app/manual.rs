//! Manual entry: the form's fields turned into an [`Account`], with messages a person can act
//! on. Strict (this is creating an account), unlike the lenient `otpauth://` reader.

use thiserror::Error;
use zeroize::Zeroizing;

use crate::account::{
    Account, Algorithm, DEFAULT_PERIOD, Kind, MAX_DIGITS, MIN_DIGITS, STEAM_DIGITS,
};
use crate::uri;

/// Smallest secret accepted when typed by hand (80 bits, as RFC 4226 requires at least 128
/// but real services hand out 80).
pub const MIN_SECRET_BYTES: usize = 10;

/// Why the manual entry form cannot make an account.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum FormError {
    #[error("enter the secret key the service shows (letters A–Z and digits 2–7)")]
    NoSecret,
    #[error("{0}")]
    Secret(uri::Error),
    #[error("the key is too short ({bits} bits): check that you typed all of it")]
    SecretTooShort { bits: usize },
    #[error("enter a service or an account name so you can tell the codes apart")]
    NoName,
    #[error("digits must be a number from 6 to 10")]
    Digits,
    #[error("the period must be a whole number of seconds from 1 to 3600")]
    Period,
    #[error("the counter must be a whole number")]
    Counter,
}

/// The manual entry form as typed.
#[derive(Default)]
pub struct ManualForm {
    pub issuer: String,
    pub name: String,
    pub secret: Zeroizing<String>,
    /// 0 TOTP, 1 HOTP, 2 Steam.
    pub kind: i32,
    /// 0 SHA1, 1 SHA256, 2 SHA512.
    pub algorithm: i32,
    pub digits: String,
    pub period: String,
    pub counter: String,
}

/// Checks the secret as it is typed: `Ok(bits)` or the reason it is not usable yet.
pub fn check_secret(text: &str) -> Result<usize, FormError> {
    if text.trim().is_empty() {
        return Err(FormError::NoSecret);
    }
    let secret = uri::parse_secret(text).map_err(FormError::Secret)?;
    let bits = secret.len() * 8;
    if secret.len() < MIN_SECRET_BYTES {
        return Err(FormError::SecretTooShort { bits });
    }
    Ok(bits)
}

impl ManualForm {
    /// The account the form describes.
    pub fn build(&self) -> Result<Account, FormError> {
        check_secret(&self.secret)?;
        let secret = uri::parse_secret(&self.secret).map_err(FormError::Secret)?;
        let (issuer, name) = (self.issuer.trim().to_owned(), self.name.trim().to_owned());
        if issuer.is_empty() && name.is_empty() {
            return Err(FormError::NoName);
        }
        let kind = match self.kind {
            1 => Kind::Hotp,
            2 => Kind::Steam,
            _ => Kind::Totp,
        };
        let algorithm = match self.algorithm {
            1 => Algorithm::Sha256,
            2 => Algorithm::Sha512,
            _ => Algorithm::Sha1,
        };
        let mut account = Account::totp(issuer, name, secret);
        account.kind = kind;
        match kind {
            Kind::Steam => {
                account.algorithm = Algorithm::Sha1;
                account.digits = STEAM_DIGITS;
                account.period = DEFAULT_PERIOD;
            }
            Kind::Totp | Kind::Hotp => {
                account.algorithm = algorithm;
                account.digits = self.digits.trim().parse().map_err(|_| FormError::Digits)?;
                if !(MIN_DIGITS..=MAX_DIGITS).contains(&account.digits) {
                    return Err(FormError::Digits);
                }
            }
        }
        if kind == Kind::Totp {
            account.period = self.period.trim().parse().map_err(|_| FormError::Period)?;
            if !(1..=3600).contains(&account.period) {
                return Err(FormError::Period);
            }
        }
        if kind == Kind::Hotp {
            let c = self.counter.trim();
            account.counter = if c.is_empty() {
                0
            } else {
                c.parse().map_err(|_| FormError::Counter)?
            };
        }
        Ok(account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn form(secret: &str) -> ManualForm {
        ManualForm {
            issuer: "Example".into(),
            name: "alice".into(),
            secret: Zeroizing::new(secret.into()),
            digits: "6".into(),
            period: "30".into(),
            counter: "0".into(),
            ..Default::default()
        }
    }

    #[test]
    fn secret_checked_as_typed() {
        assert_eq!(check_secret(""), Err(FormError::NoSecret));
        assert!(matches!(
            check_secret("JBSW Y3DP"),
            Err(FormError::SecretTooShort { bits: 40 })
        ));
        assert_eq!(check_secret("jbsw y3dp ehpk 3pxp"), Ok(80));
        assert!(matches!(check_secret("JBSW1"), Err(FormError::Secret(_))));
    }

    #[test]
    fn builds_totp_hotp_steam() {
        let a = form("JBSWY3DPEHPK3PXP").build().unwrap();
        assert_eq!((a.kind, a.digits, a.period), (Kind::Totp, 6, 30));
        assert_eq!(a.secret.expose(), b"Hello!\xde\xad\xbe\xef");

        let mut f = form("JBSWY3DPEHPK3PXP");
        f.kind = 1;
        f.counter = "7".into();
        f.digits = "8".into();
        f.algorithm = 2;
        let a = f.build().unwrap();
        assert_eq!(
            (a.kind, a.counter, a.digits, a.algorithm),
            (Kind::Hotp, 7, 8, Algorithm::Sha512)
        );

        let mut f = form("JBSWY3DPEHPK3PXP");
        f.kind = 2;
        f.digits = "9".into();
        let a = f.build().unwrap();
        assert_eq!(
            (a.kind, a.digits, a.algorithm),
            (Kind::Steam, 5, Algorithm::Sha1)
        );
        assert!(crate::otp::validate(&a).is_ok());
    }

    #[test]
    fn rejects_bad_fields() {
        let mut f = form("JBSWY3DPEHPK3PXP");
        f.digits = "5".into();
        assert_eq!(f.build().unwrap_err(), FormError::Digits);
        let mut f = form("JBSWY3DPEHPK3PXP");
        f.period = "0".into();
        assert_eq!(f.build().unwrap_err(), FormError::Period);
        let mut f = form("JBSWY3DPEHPK3PXP");
        f.kind = 1;
        f.counter = "-1".into();
        assert_eq!(f.build().unwrap_err(), FormError::Counter);
        let mut f = form("JBSWY3DPEHPK3PXP");
        f.issuer.clear();
        f.name = "  ".into();
        assert_eq!(f.build().unwrap_err(), FormError::NoName);
    }

    proptest! {
        #[test]
        fn never_panics(issuer in ".{0,20}", secret in ".{0,40}", kind in -2i32..5, alg in -2i32..5,
                        digits in ".{0,4}", period in ".{0,6}", counter in ".{0,8}") {
            let f = ManualForm { issuer, name: String::new(), secret: Zeroizing::new(secret), kind, algorithm: alg, digits, period, counter };
            if let Ok(a) = f.build() {
                prop_assert!(crate::otp::validate(&a).is_ok());
            }
        }
    }
}
