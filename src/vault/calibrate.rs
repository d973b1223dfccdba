//! Per-device KDF calibration, as KeePassXC does it: when a vault is created or its passcode
//! changed, Argon2id is timed here and given the memory and passes that take about
//! [`TARGET`] on this device, never less than the floor of 64 MiB × 3 passes
//! ([`KdfParams::DEFAULT`]). Memory grows first (it is what makes GPU guessing expensive),
//! while the device has it free (a sixteenth of the available memory, at most 256 MiB), then
//! passes (at most 10, the bound every reader enforces). The result is stored in the header
//! like any other parameters, so a slow device opening a vault calibrated on a fast one just
//! takes longer.
//!
//! Timing uses the monotonic clock (`Instant`), never the wall clock.

use std::time::{Duration, Instant};

use super::format::{self, KdfBounds, KdfParams};

/// The time one key derivation should take on this device.
pub const TARGET: Duration = Duration::from_millis(750);
/// Most memory calibration gives the KDF.
pub const MAX_M_KIB: u32 = 256 * 1024;

/// Environment variable with the time budget, in milliseconds, of the key derivation a new
/// passcode gets (default [`TARGET`]; any value gives at least 64 MiB × 3 passes).
pub const KDF_MS_ENV: &str = "MONBAN_KDF_MS";

/// The parameters a new passcode gets on this device (vault creation and passcode change,
/// in the app and the CLI): [`calibrate`] with [`TARGET`] or the budget of [`KDF_MS_ENV`].
pub fn for_new_passcode() -> KdfParams {
    let ms = std::env::var(KDF_MS_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok());
    calibrate(ms.map_or(TARGET, Duration::from_millis))
}

/// Parameters for a new passcode on this device, for a key derivation of about `target`
/// (clamped to 0.1..=3 s; any target gives at least [`KdfParams::DEFAULT`]).
pub fn calibrate(target: Duration) -> KdfParams {
    let target = target.clamp(Duration::from_millis(100), Duration::from_secs(3));
    let max_m = available_kib().map_or(KdfParams::DEFAULT.m_kib, |kib| {
        (kib / 16).clamp(KdfParams::DEFAULT.m_kib, MAX_M_KIB)
    });
    calibrate_with(target, max_m, |p| {
        let t0 = Instant::now();
        format::derive_kek("calibration", p, &[0u8; format::SALT_LEN]).ok()?;
        Some(t0.elapsed())
    })
}

/// The calibration rule with the timer passed in (unit-tested with a model device).
pub(crate) fn calibrate_with(
    target: Duration,
    max_m_kib: u32,
    mut time: impl FnMut(KdfParams) -> Option<Duration>,
) -> KdfParams {
    let floor = KdfParams::DEFAULT;
    // The fastest of two runs: the first one also pays for page faults.
    let Some(d) = [time(floor), time(floor)].into_iter().flatten().min() else {
        return floor;
    };
    let per_work = d.as_secs_f64() / (f64::from(floor.m_kib) * f64::from(floor.t));
    let budget = target.as_secs_f64();
    let mut p = floor;
    while p.m_kib.saturating_mul(2) <= max_m_kib
        && per_work * f64::from(p.m_kib) * 2.0 * f64::from(floor.t) <= budget
    {
        p.m_kib *= 2;
    }
    let passes = (budget / (per_work * f64::from(p.m_kib))).floor();
    p.t = (passes as u32).clamp(floor.t, KdfBounds::REAL.max_t);
    debug_assert!(KdfBounds::REAL.admits(p));
    p
}

/// Memory the OS says is available, in KiB (Linux and Android: `/proc/meminfo`).
fn available_kib() -> Option<u32> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(u32::try_from(kib).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model device where one KiB-pass costs `ns` nanoseconds.
    fn device(ns: f64) -> impl FnMut(KdfParams) -> Option<Duration> {
        move |p| {
            Some(Duration::from_secs_f64(
                ns * 1e-9 * f64::from(p.m_kib) * f64::from(p.t),
            ))
        }
    }

    #[test]
    fn a_slow_device_keeps_the_floor() {
        // 64 MiB × 3 takes 2 s: nothing is added, nothing goes below the floor.
        let slow = 2e9 / (65_536.0 * 3.0);
        assert_eq!(
            calibrate_with(TARGET, MAX_M_KIB, device(slow)),
            KdfParams::DEFAULT
        );
    }

    #[test]
    fn memory_grows_first_then_passes() {
        // 64 MiB × 3 takes 100 ms: 256 MiB × 3 = 400 ms fits 750 ms, 512 MiB is not allowed.
        let fast = 0.1e9 / (65_536.0 * 3.0);
        let p = calibrate_with(TARGET, MAX_M_KIB, device(fast));
        assert_eq!(p.m_kib, 256 * 1024);
        assert_eq!(p.t, 5, "{p:?}"); // 256 MiB × 5 = 667 ms ≤ 750 ms
        assert_eq!(p.p, 4);
        // Without spare memory: passes only.
        let p = calibrate_with(TARGET, 64 * 1024, device(fast));
        assert_eq!((p.m_kib, p.t), (64 * 1024, 10));
    }

    #[test]
    fn a_failing_timer_gives_the_floor() {
        assert_eq!(
            calibrate_with(TARGET, MAX_M_KIB, |_| None),
            KdfParams::DEFAULT
        );
    }
}
