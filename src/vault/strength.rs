//! How long a passcode would hold against someone who copied the vault file, and the floor
//! Monban holds new passcodes to when no device-bound key protects the file.
//!
//! The number of guesses comes from `zxcvbn` (Dropbox's estimator: dictionaries, keyboard
//! patterns, dates, repeats, l33t), the price of one guess from the vault's own Argon2id
//! settings. The attacker modelled is **8 current GPUs** running Argon2id at full memory
//! bandwidth: one guess at 64 MiB × 3 passes moves about 0.6 GB through memory (each of the
//! 65,536 1-KiB blocks read twice and written once per pass), so a GPU with 1.8 TB/s does at
//! most ~3,000 guesses per second; the cost of a guess grows with memory × passes. The floor
//! is **100 years** of that rig on average. Arithmetic and figures: `docs/vault-format.md`.
//!
//! With a device-bound key slot the copied file alone cannot be attacked at all, so the
//! floor does not apply there (a phone PIN is fine); the minimum length still does.

use super::format::KdfParams;

/// Guesses per second of one current GPU at the reference cost (64 MiB, 3 passes).
pub const GUESSES_PER_GPU_AT_REFERENCE: f64 = 3_000.0;
/// GPUs of the attacker the floor is stated for.
pub const ATTACKER_GPUS: f64 = 8.0;
/// The floor: years that rig must need, on average, to find the passcode.
pub const FLOOR_YEARS: f64 = 100.0;
/// Memory × passes of the reference cost (64 MiB in KiB × 3).
const REFERENCE_WORK: f64 = 65_536.0 * 3.0;
const SECS_PER_YEAR: f64 = 365.25 * 86_400.0;

/// What the estimator says about a passcode at given KDF settings: for the meter the app
/// shows while the passcode is typed, and for the floor.
#[derive(Clone, Debug, PartialEq)]
pub struct Strength {
    /// log10 of the guesses an attacker needs (zxcvbn).
    pub guesses_log10: f64,
    /// Seconds the modelled attacker (8 GPUs) needs for that many guesses against a copied
    /// file with these KDF settings.
    pub offline_secs: f64,
    /// log10 of the guesses the floor asks for at these settings.
    pub floor_log10: f64,
    /// At or above the floor.
    pub enough: bool,
    /// zxcvbn's score, 0 (trivial) to 4 (strong), for a five-step meter.
    pub score: u8,
    /// zxcvbn's warning or first suggestion, in English, when it has one.
    pub hint: Option<String>,
}

/// Guesses per second of the modelled attacker against a vault with `params`.
pub fn attacker_guesses_per_sec(params: KdfParams) -> f64 {
    let work = f64::from(params.m_kib.max(1)) * f64::from(params.t.max(1));
    ATTACKER_GPUS * GUESSES_PER_GPU_AT_REFERENCE * REFERENCE_WORK / work
}

/// log10 of the guesses a passcode must need to meet the floor at `params`.
pub fn floor_guesses_log10(params: KdfParams) -> f64 {
    (attacker_guesses_per_sec(params) * FLOOR_YEARS * SECS_PER_YEAR).log10()
}

/// Estimates `passcode` against a copied vault file with `params`.
pub fn estimate(passcode: &str, params: KdfParams) -> Strength {
    let floor_log10 = floor_guesses_log10(params);
    if passcode.is_empty() {
        return Strength {
            guesses_log10: 0.0,
            offline_secs: 0.0,
            floor_log10,
            enough: false,
            score: 0,
            hint: None,
        };
    }
    let e = zxcvbn::zxcvbn(passcode, &["monban", "vault", "passcode", "password"]);
    let guesses_log10 = e.guesses_log10();
    let offline_secs = 10f64.powf(guesses_log10) / attacker_guesses_per_sec(params);
    let hint = e.feedback().and_then(|f| {
        f.warning()
            .map(|w| w.to_string())
            .or_else(|| f.suggestions().first().map(|s| s.to_string()))
    });
    Strength {
        guesses_log10,
        offline_secs,
        floor_log10,
        enough: guesses_log10 >= floor_log10,
        score: u8::from(e.score()),
        hint,
    }
}

/// Length of a random passcode of lower-case letters and digits (36 symbols) whose guesses
/// meet the floor at `params`: what the refusal suggests besides words.
pub fn random_len_for_floor(params: KdfParams) -> usize {
    (floor_guesses_log10(params) / 36f64.log10()).ceil() as usize
}

/// The unit a rough duration is given in (the app translates each; [`describe_secs`] is the
/// English of the CLI).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Under a second.
    Instant,
    Seconds,
    Minutes,
    Hours,
    Days,
    Months,
    Years,
    Centuries,
    /// A million years or more.
    Forever,
}

/// `secs` as a rounded amount of one unit: (Hours, 5), (Centuries, 3), (Forever, 0).
pub fn rough(secs: f64) -> (Unit, u64) {
    if secs >= 1e6 * SECS_PER_YEAR {
        return (Unit::Forever, 0);
    }
    let units = [
        (100.0 * SECS_PER_YEAR, Unit::Centuries),
        (SECS_PER_YEAR, Unit::Years),
        (SECS_PER_YEAR / 12.0, Unit::Months),
        (86_400.0, Unit::Days),
        (3_600.0, Unit::Hours),
        (60.0, Unit::Minutes),
        (1.0, Unit::Seconds),
    ];
    for (size, unit) in units {
        if secs >= size {
            return (unit, ((secs / size).round() as u64).max(1));
        }
    }
    (Unit::Instant, 0)
}

/// A duration in words for messages: "less than a second", "about 3 seconds", "about 5
/// hours", "about 40 years", "about 3 centuries", "more than a million years".
pub fn describe_secs(secs: f64) -> String {
    let (unit, n) = rough(secs);
    let name = match unit {
        Unit::Instant => return "less than a second".into(),
        Unit::Forever => return "more than a million years".into(),
        Unit::Seconds => "second",
        Unit::Minutes => "minute",
        Unit::Hours => "hour",
        Unit::Days => "day",
        Unit::Months => "month",
        Unit::Years => "year",
        Unit::Centuries => "century",
    };
    match (n, unit) {
        (1, _) => format!("about 1 {name}"),
        (_, Unit::Centuries) => format!("about {n} centuries"),
        _ => format!("about {n} {name}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REF: KdfParams = KdfParams::DEFAULT;

    #[test]
    fn the_floor_arithmetic() {
        // 8 GPUs × 3,000/s = 24,000 guesses/s at 64 MiB × 3; 100 years ≈ 3.156e9 s.
        assert!((attacker_guesses_per_sec(REF) - 24_000.0).abs() < 1e-6);
        let f = floor_guesses_log10(REF);
        assert!((f - (24_000.0f64 * 100.0 * SECS_PER_YEAR).log10()).abs() < 1e-9);
        assert!((13.8..13.9).contains(&f), "{f}");
        // Three times the work per guess: the floor drops by log10(3).
        let heavier = KdfParams { t: 9, ..REF };
        assert!((floor_guesses_log10(heavier) - (f - 3f64.log10())).abs() < 1e-9);
    }

    #[test]
    fn pins_and_common_passwords_are_far_below_and_passphrases_above() {
        for weak in [
            "123456",
            "246810",
            "password1",
            "correct horse",
            "Tr0ub4dor&3",
        ] {
            let s = estimate(weak, REF);
            assert!(!s.enough, "{weak}: {s:?}");
        }
        let pin = estimate("123456", REF);
        assert!(pin.offline_secs < 60.0, "{pin:?}");
        assert_eq!(pin.score, 0);
        for strong in [
            "correct horse battery staple 7",
            "quiet lantern orbit meadow 42",
        ] {
            let s = estimate(strong, REF);
            assert!(s.enough, "{strong}: {s:?}");
            assert!(s.offline_secs >= FLOOR_YEARS * SECS_PER_YEAR);
            assert_eq!(s.score, 4);
        }
        assert!(!estimate("", REF).enough);
    }

    #[test]
    fn durations_in_words() {
        assert_eq!(describe_secs(0.2), "less than a second");
        assert_eq!(describe_secs(3.0), "about 3 seconds");
        assert_eq!(describe_secs(7_200.0), "about 2 hours");
        assert_eq!(describe_secs(40.0 * SECS_PER_YEAR), "about 40 years");
        assert_eq!(describe_secs(320.0 * SECS_PER_YEAR), "about 3 centuries");
        assert_eq!(describe_secs(100.0 * SECS_PER_YEAR), "about 1 century");
        assert_eq!(describe_secs(1e30), "more than a million years");
        assert_eq!(rough(90.0), (Unit::Minutes, 2));
        assert_eq!(rough(0.5), (Unit::Instant, 0));
    }

    #[test]
    fn the_random_length_suggested_meets_the_floor() {
        let n = random_len_for_floor(REF);
        // 36^n ≥ 10^floor, and one fewer does not.
        assert!(n as f64 * 36f64.log10() >= floor_guesses_log10(REF));
        assert!((n - 1) as f64 * 36f64.log10() < floor_guesses_log10(REF));
        assert_eq!(n, 9);
    }
}
