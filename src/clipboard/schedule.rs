//! Clearing a copied code later, on platforms whose clipboard does not expire by itself.
//!
//! iOS's `UIPasteboard` takes an expiration date and clears itself. Android's
//! `ClipboardManager` does not, and since Android 10 only the focused app may read the clip:
//! when the clear time comes while Monban is in the background, it cannot check whether the
//! clipboard still holds its code. [`ClearSchedule`] remembers the copy and decides, each time
//! the glue looks (timer or return to the foreground), whether to clear, wait, or leave the
//! clipboard alone because the user has copied something else since.

use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// What the glue could read from the clipboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clip<'a> {
    Text(&'a str),
    /// Empty, or not text.
    Empty,
    /// The OS refused to tell (Android 10+ while the app has no focus).
    Unreadable,
}

/// The verdict for the glue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClearDecision {
    /// Nothing copied, or not due yet.
    Wait,
    /// The clipboard still holds the code: clear it.
    Clear,
    /// The user copied something else (or cleared it): forget the code.
    LeaveAlone,
    /// Due but unreadable: look again when the app is back in front.
    RetryInForeground,
}

/// One pending clear (the code is kept zeroized until then; it is a one-time code, never a
/// secret, but it is still not left in freed memory).
#[derive(Default)]
pub struct ClearSchedule {
    pending: Option<(Zeroizing<String>, Instant)>,
}

impl std::fmt::Debug for ClearSchedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let due = self.pending.as_ref().map(|(_, d)| *d);
        f.debug_struct("ClearSchedule")
            .field("due", &due)
            .finish_non_exhaustive()
    }
}

impl ClearSchedule {
    pub fn new() -> Self {
        ClearSchedule::default()
    }

    /// A code was copied at `now`; it should be gone after `clear_after`. Replaces any earlier
    /// pending clear (the newer copy overwrote the clipboard anyway). `Duration::ZERO` means
    /// "never clear" (the [`super::Clipboard`] contract), and so does a delay too large to represent.
    pub fn copied(&mut self, code: &str, now: Instant, clear_after: Duration) {
        if clear_after.is_zero() {
            self.pending = None;
            return;
        }
        self.pending = now
            .checked_add(clear_after)
            .map(|due| (Zeroizing::new(code.to_owned()), due));
    }

    /// When the next look is due, if a clear is pending.
    pub fn due(&self) -> Option<Instant> {
        self.pending.as_ref().map(|(_, d)| *d)
    }

    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// Decides what to do with the clipboard as read at `now`.
    pub fn check(&mut self, now: Instant, clip: Clip<'_>) -> ClearDecision {
        let Some((code, due)) = &self.pending else {
            return ClearDecision::Wait;
        };
        if now < *due {
            return ClearDecision::Wait;
        }
        let decision = match clip {
            Clip::Unreadable => return ClearDecision::RetryInForeground,
            Clip::Text(t) if t.trim() == code.as_str() => ClearDecision::Clear,
            Clip::Text(_) | Clip::Empty => ClearDecision::LeaveAlone,
        };
        self.pending = None;
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn clears_only_its_own_code_when_due() {
        let t = Instant::now();
        let mut s = ClearSchedule::new();
        assert_eq!(s.check(t, Clip::Text("123456")), ClearDecision::Wait);
        s.copied("123456", t, 30 * S);
        assert_eq!(s.due(), Some(t + 30 * S));
        assert_eq!(
            s.check(t + 29 * S, Clip::Text("123456")),
            ClearDecision::Wait
        );
        assert_eq!(
            s.check(t + 30 * S, Clip::Text("123456")),
            ClearDecision::Clear
        );
        assert!(!s.is_pending());
        assert_eq!(
            s.check(t + 31 * S, Clip::Text("123456")),
            ClearDecision::Wait
        );
    }

    #[test]
    fn leaves_other_content_alone() {
        let t = Instant::now();
        let mut s = ClearSchedule::new();
        s.copied("123456", t, 30 * S);
        assert_eq!(
            s.check(t + 40 * S, Clip::Text("shopping list")),
            ClearDecision::LeaveAlone
        );
        assert!(!s.is_pending());
        s.copied("654321", t, S);
        assert_eq!(s.check(t + 2 * S, Clip::Empty), ClearDecision::LeaveAlone);
    }

    #[test]
    fn unreadable_waits_for_the_foreground() {
        let t = Instant::now();
        let mut s = ClearSchedule::new();
        s.copied("123456", t, 30 * S);
        assert_eq!(
            s.check(t + 30 * S, Clip::Unreadable),
            ClearDecision::RetryInForeground
        );
        assert!(s.is_pending());
        assert_eq!(
            s.check(t + 600 * S, Clip::Text("123456")),
            ClearDecision::Clear
        );
    }

    #[test]
    fn a_newer_copy_replaces_the_pending_one() {
        let t = Instant::now();
        let mut s = ClearSchedule::new();
        s.copied("111111", t, 30 * S);
        s.copied("222222", t + 10 * S, 30 * S);
        assert_eq!(
            s.check(t + 35 * S, Clip::Text("222222")),
            ClearDecision::Wait
        );
        assert_eq!(
            s.check(t + 40 * S, Clip::Text("222222")),
            ClearDecision::Clear
        );
        assert!(!format!("{s:?}").contains("222222"));
    }

    #[test]
    fn huge_delays_do_not_overflow() {
        let t = Instant::now();
        let mut s = ClearSchedule::new();
        s.copied("1", t, Duration::MAX);
        assert!(!s.is_pending());
        s.copied("1", t, Duration::ZERO);
        assert!(!s.is_pending());
        assert_eq!(s.check(t, Clip::Text("1")), ClearDecision::Wait);
    }
}
