//! Wall-clock time for the codes, injectable so tests can cross a period boundary.
//!
//! Slint's mock time (testing backend) moves Slint timers but not `SystemTime`; the codes are
//! computed from a [`Clock`], so a test advances a [`ManualClock`] in step with the mock time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Current Unix time in milliseconds.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> u64;

    /// Current Unix time in whole seconds.
    fn now_secs(&self) -> u64 {
        self.now_ms() / 1000
    }
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    }
}

/// A clock that moves only when told to (tests, screenshots, benchmarks).
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock at `unix_ms`.
    pub fn at_ms(unix_ms: u64) -> Self {
        ManualClock(AtomicU64::new(unix_ms))
    }

    /// Moves the clock forward by `ms` milliseconds.
    pub fn advance_ms(&self, ms: u64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }

    /// Sets the clock.
    pub fn set_ms(&self, unix_ms: u64) {
        self.0.store(unix_ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Milliseconds from `now_ms` to the next whole second (1..=1000).
pub fn ms_to_next_second(now_ms: u64) -> u64 {
    1000 - now_ms % 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::at_ms(59_500);
        assert_eq!(c.now_secs(), 59);
        c.advance_ms(500);
        assert_eq!(c.now_secs(), 60);
        c.set_ms(1_000);
        assert_eq!(c.now_ms(), 1_000);
    }

    #[test]
    fn next_second_is_never_zero() {
        assert_eq!(ms_to_next_second(1_000), 1000);
        assert_eq!(ms_to_next_second(1_999), 1);
        assert_eq!(ms_to_next_second(1_250), 750);
    }

    #[test]
    fn system_clock_is_after_2020() {
        assert!(SystemClock.now_secs() > 1_577_836_800);
    }
}
