//! The live strength estimate of a new passcode (first start and change passcode) and the
//! messages for a refused one: the core's estimate ([`vault::strength`]) turned into the
//! meter's [`PasscodeStrength`] and a translated sentence ("would take about 3 centuries to
//! guess offline").

use super::{Msg, PasscodeStrength};
use crate::vault::strength::{self, Unit};
use crate::vault::{self, KdfParams};

/// The meter for `passcode` at `params`; with `device_bound` only the minimum length is
/// asked (the copied file alone cannot be attacked).
pub(crate) fn estimate(passcode: &str, params: KdfParams, device_bound: bool) -> PasscodeStrength {
    let s = strength::estimate(passcode, params);
    let (unit, n) = strength::rough(s.offline_secs);
    let takes = match unit {
        Unit::Instant => Msg::StrengthInstant,
        Unit::Seconds => Msg::StrengthSeconds,
        Unit::Minutes => Msg::StrengthMinutes,
        Unit::Hours => Msg::StrengthHours,
        Unit::Days => Msg::StrengthDays,
        Unit::Months => Msg::StrengthMonths,
        Unit::Years => Msg::StrengthYears,
        Unit::Centuries => Msg::StrengthCenturies,
        Unit::Forever => Msg::StrengthForever,
    };
    let long_enough = passcode.chars().count() >= vault::MIN_PASSCODE_LEN;
    PasscodeStrength {
        score: i32::from(s.score),
        enough: long_enough && (device_bound || s.enough),
        takes,
        amount: n.to_string().into(),
        device_bound,
    }
}

/// The message for a new passcode the core refused, if it is one of the passcode rules.
pub(crate) fn refusal(e: &vault::Error) -> Option<(Msg, String)> {
    match e {
        vault::Error::PasscodeTooShort { min } => Some((Msg::PasscodeShort, min.to_string())),
        vault::Error::PasscodeTooWeak { random_len, .. } => {
            Some((Msg::PasscodeWeak, random_len.to_string()))
        }
        vault::Error::DeviceKey(d) => Some(device_key(d)),
        _ => None,
    }
}

/// The message for a device key store that failed.
pub(crate) fn device_key(e: &vault::DeviceKeyError) -> (Msg, String) {
    match e {
        vault::DeviceKeyError::Missing { store } => (Msg::DeviceKeyMissing, store.to_string()),
        other => (Msg::DeviceKeyUnavailable, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_refused_alone_and_fine_with_a_device_key() {
        let pin = estimate("123456", KdfParams::DEFAULT, false);
        assert!(!pin.enough);
        assert_eq!(pin.takes, Msg::StrengthInstant);
        assert!(estimate("123456", KdfParams::DEFAULT, true).enough);
        assert!(
            !estimate("12345", KdfParams::DEFAULT, true).enough,
            "still the minimum"
        );
        let words = estimate("quiet lantern orbit meadow 42", KdfParams::DEFAULT, false);
        assert!(words.enough && words.score == 4, "{words:?}");
        assert!(
            matches!(
                words.takes,
                Msg::StrengthCenturies | Msg::StrengthForever | Msg::StrengthYears
            ),
            "{words:?}"
        );
    }

    #[test]
    fn refusals_become_messages() {
        let e = vault::Error::PasscodeTooWeak {
            takes: "less than a second".into(),
            guesses_log10: 1.0,
            floor_log10: 13.0,
            random_len: 9,
        };
        assert_eq!(refusal(&e), Some((Msg::PasscodeWeak, "9".into())));
        let e = vault::Error::DeviceKey(vault::DeviceKeyError::Missing {
            store: "the keyring",
        });
        assert_eq!(
            refusal(&e),
            Some((Msg::DeviceKeyMissing, "the keyring".into()))
        );
        assert_eq!(refusal(&vault::Error::WrongPasscode), None);
    }
}
