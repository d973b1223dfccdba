//! When the OS moves Monban out of the foreground: decide whether to lock and whether to hide
//! the content, the same way on Android and iOS.
//!
//! Android reports `onPause`/`onStop`/`onResume` (android-activity's `MainEvent::Pause`,
//! `Stop`, `Resume`); iOS reports `willResignActive`/`didEnterBackground`/`didBecomeActive`.
//! Both pause the app for a system dialog the app itself asked for (the camera permission,
//! a file picker): locking then would throw the user back to the passcode in the middle of
//! adding an account, so a pause the app expects does not lock unless it lasts longer than
//! [`LockPolicy::system_ui_grace`] or the app really goes to the background.
//!
//! The idle timeout while the app is in front is the app's own (`app::lifecycle`); this gate
//! only says when leaving the foreground must lock.

use std::time::{Duration, Instant};

/// A pause excused by [`LifecycleGate::expect_system_ui`] must begin within this time of the
/// call; a dialog the OS decided not to show must not excuse a later, unrelated pause.
pub const SYSTEM_UI_WINDOW: Duration = Duration::from_secs(5);

/// How leaving the foreground locks the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockPolicy {
    /// Lock as soon as the app is paused (iOS: resigns active). When false, only going to the
    /// background (Android `onStop`, iOS `didEnterBackground`) locks.
    pub lock_on_pause: bool,
    /// Longest pause for a system dialog the app asked for that does not lock.
    pub system_ui_grace: Duration,
    /// Extra time in the background before locking (0 = at once).
    pub background_grace: Duration,
}

impl Default for LockPolicy {
    fn default() -> Self {
        LockPolicy {
            lock_on_pause: true,
            system_ui_grace: Duration::from_secs(120),
            background_grace: Duration::ZERO,
        }
    }
}

/// What the glue does after an OS event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reaction {
    /// Lock now (the app drops the decrypted vault).
    pub lock: bool,
    /// `Some(true)`: cover the content (iOS app-switcher snapshot); `Some(false)`: uncover;
    /// `None`: leave as is (a permission dialog of ours is over the app).
    pub cover: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Foreground,
    Paused { since: Instant },
    Background { since: Instant },
}

/// Tracks foreground/background transitions and applies a [`LockPolicy`].
#[derive(Debug, Clone)]
pub struct LifecycleGate {
    policy: LockPolicy,
    place: Place,
    /// When the app last announced a system dialog.
    expected_at: Option<Instant>,
    /// The current pause is such a dialog.
    excused: bool,
    /// The announced system UI is an activity of its own (Android's folder picker), which
    /// also stops the app: the stop is excused like the pause.
    activity: bool,
    /// A lock is owed (background grace elapsed while away, or a pause was not excused).
    locked_while_away: bool,
}

impl LifecycleGate {
    pub fn new(policy: LockPolicy) -> Self {
        LifecycleGate {
            policy,
            place: Place::Foreground,
            expected_at: None,
            excused: false,
            activity: false,
            locked_while_away: false,
        }
    }

    pub fn policy(&self) -> LockPolicy {
        self.policy
    }

    pub fn set_policy(&mut self, policy: LockPolicy) {
        self.policy = policy;
    }

    pub fn is_foreground(&self) -> bool {
        self.place == Place::Foreground
    }

    /// The app is about to show a system dialog (permission request, picker, share sheet):
    /// a pause within [`SYSTEM_UI_WINDOW`] is expected.
    pub fn expect_system_ui(&mut self, now: Instant) {
        self.expected_at = Some(now);
        self.activity = false;
    }

    /// The app is about to start a system activity that covers it (Android's Storage Access
    /// Framework folder picker): the pause and the stop within [`SYSTEM_UI_WINDOW`] are
    /// excused for [`LockPolicy::system_ui_grace`], as a dialog is.
    pub fn expect_system_activity(&mut self, now: Instant) {
        self.expected_at = Some(now);
        self.activity = true;
    }

    /// Android `onPause`, iOS `willResignActive`.
    pub fn paused(&mut self, now: Instant) -> Reaction {
        if self.place != Place::Foreground {
            return Reaction::default();
        }
        self.place = Place::Paused { since: now };
        self.excused = self
            .expected_at
            .take()
            .is_some_and(|at| now.saturating_duration_since(at) <= SYSTEM_UI_WINDOW);
        let lock = self.policy.lock_on_pause && !self.excused;
        self.locked_while_away |= lock;
        // Our own dialog over the app is no snapshot moment: keep the content behind it.
        Reaction {
            lock,
            cover: (!self.excused).then_some(true),
        }
    }

    /// Android `onStop`, iOS `didEnterBackground`. A system dialog does not send the app to
    /// the background, so this always counts.
    pub fn backgrounded(&mut self, now: Instant) -> Reaction {
        let since = match self.place {
            Place::Background { .. } => return Reaction::default(),
            Place::Paused { since } => since,
            Place::Foreground => now,
        };
        self.place = Place::Background { since };
        // A system activity of ours stops the app; anything else is the background.
        self.excused &= self.activity;
        self.expected_at = None;
        let lock =
            !self.excused && self.policy.background_grace.is_zero() && !self.locked_while_away;
        self.locked_while_away |= lock;
        Reaction {
            lock,
            cover: Some(true),
        }
    }

    /// Android `onResume`, iOS `didBecomeActive`.
    pub fn resumed(&mut self, now: Instant) -> Reaction {
        let reaction = match self.place {
            Place::Foreground => return Reaction::default(),
            Place::Paused { since } => {
                let away = now.saturating_duration_since(since);
                let overdue = self.excused && away > self.policy.system_ui_grace;
                Reaction {
                    lock: overdue && !self.locked_while_away,
                    cover: Some(false),
                }
            }
            Place::Background { since } => {
                let away = now.saturating_duration_since(since);
                let due = if self.excused {
                    away > self.policy.system_ui_grace
                } else {
                    away >= self.policy.background_grace
                };
                Reaction {
                    lock: due && !self.locked_while_away,
                    cover: Some(false),
                }
            }
        };
        self.place = Place::Foreground;
        self.excused = false;
        self.activity = false;
        self.locked_while_away = false;
        reaction
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn pause_locks_and_covers_by_default() {
        let t = Instant::now();
        let mut g = LifecycleGate::new(LockPolicy::default());
        assert_eq!(
            g.paused(t),
            Reaction {
                lock: true,
                cover: Some(true)
            }
        );
        // stop after pause: already locked, do not lock twice
        assert_eq!(
            g.backgrounded(t + S),
            Reaction {
                lock: false,
                cover: Some(true)
            }
        );
        assert_eq!(
            g.resumed(t + 10 * S),
            Reaction {
                lock: false,
                cover: Some(false)
            }
        );
        assert!(g.is_foreground());
    }

    #[test]
    fn expected_system_dialog_does_not_lock() {
        let t = Instant::now();
        let mut g = LifecycleGate::new(LockPolicy::default());
        g.expect_system_ui(t);
        assert_eq!(
            g.paused(t),
            Reaction {
                lock: false,
                cover: None
            }
        );
        assert_eq!(
            g.resumed(t + 5 * S),
            Reaction {
                lock: false,
                cover: Some(false)
            }
        );
        // the excuse is used up: the next pause locks
        assert!(g.paused(t + 6 * S).lock);
    }

    #[test]
    fn a_dialog_left_open_too_long_locks_on_return() {
        let t = Instant::now();
        let mut g = LifecycleGate::new(LockPolicy::default());
        g.expect_system_ui(t);
        assert!(!g.paused(t).lock);
        assert!(g.resumed(t + 121 * S).lock);
    }

    #[test]
    fn background_always_locks_even_during_a_dialog() {
        let t = Instant::now();
        let mut g = LifecycleGate::new(LockPolicy::default());
        g.expect_system_ui(t);
        assert!(!g.paused(t).lock);
        assert!(g.backgrounded(t + S).lock);
        assert!(!g.resumed(t + 2 * S).lock);
    }

    #[test]
    fn a_system_activity_of_ours_is_excused_through_the_stop_for_the_grace() {
        let t = Instant::now();
        let mut g = LifecycleGate::new(LockPolicy::default());
        g.expect_system_activity(t);
        assert!(!g.paused(t).lock);
        assert!(!g.backgrounded(t + S).lock, "the picker stops the app");
        assert!(!g.resumed(t + 60 * S).lock);
        // used up: the next pause locks
        assert!(g.paused(t + 61 * S).lock);
        // left in the picker longer than the grace: locked on return
        let mut g = LifecycleGate::new(LockPolicy::default());
        g.expect_system_activity(t);
        g.paused(t);
        g.backgrounded(t + S);
        assert!(g.resumed(t + 122 * S).lock);
        // a dialog (not an activity) never excuses the stop
        let mut g = LifecycleGate::new(LockPolicy::default());
        g.expect_system_activity(t);
        g.expect_system_ui(t);
        g.paused(t);
        assert!(g.backgrounded(t + S).lock);
    }

    #[test]
    fn background_grace_defers_the_lock_to_the_return() {
        let t = Instant::now();
        let policy = LockPolicy {
            lock_on_pause: false,
            background_grace: 30 * S,
            ..LockPolicy::default()
        };
        let mut g = LifecycleGate::new(policy);
        assert!(!g.paused(t).lock);
        assert!(!g.backgrounded(t + S).lock);
        // back quickly: no lock
        assert!(!g.resumed(t + 20 * S).lock);
        // away longer than the grace (measured from the pause): lock on return
        g.paused(t + 100 * S);
        g.backgrounded(t + 101 * S);
        assert!(g.resumed(t + 131 * S).lock);
    }

    #[test]
    fn repeated_events_are_harmless() {
        let t = Instant::now();
        let mut g = LifecycleGate::new(LockPolicy::default());
        assert_eq!(g.resumed(t), Reaction::default());
        assert!(g.paused(t).lock);
        assert_eq!(g.paused(t + S), Reaction::default());
        g.backgrounded(t + S);
        assert_eq!(g.backgrounded(t + 2 * S), Reaction::default());
        // time going backwards (clock quirks) never panics
        assert!(!g.resumed(t).lock);
    }

    #[test]
    fn a_stale_expectation_excuses_nothing() {
        let t = Instant::now();
        let mut g = LifecycleGate::new(LockPolicy::default());
        g.expect_system_ui(t); // the OS then showed no dialog
        assert!(g.paused(t + SYSTEM_UI_WINDOW + S).lock);
        g.resumed(t + 20 * S);
        // and the expectation is used up by the first pause either way
        g.expect_system_ui(t + 30 * S);
        assert!(!g.paused(t + 31 * S).lock);
        g.resumed(t + 32 * S);
        assert!(g.paused(t + 33 * S).lock);
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            /// Any order of OS events: one lock per trip away at most, none while in front,
            /// and a pause nobody announced always locks (default policy).
            #[test]
            fn locks_once_per_trip_and_never_in_front(
                events in proptest::collection::vec((0u8..4, 0u64..200_000), 0..60),
            ) {
                let t0 = Instant::now();
                let mut now = t0;
                let mut g = LifecycleGate::new(LockPolicy::default());
                let mut locks_this_trip = 0;
                let mut announced = false;
                for (kind, ms) in events {
                    now += Duration::from_millis(ms);
                    let was_front = g.is_foreground();
                    let r = match kind {
                        0 => { g.expect_system_ui(now); announced = true; Reaction::default() }
                        1 => {
                            let r = g.paused(now);
                            if was_front && !announced { prop_assert!(r.lock, "unannounced pause must lock"); }
                            if was_front { announced = false; }
                            r
                        }
                        2 => g.backgrounded(now),
                        _ => g.resumed(now),
                    };
                    if r.lock {
                        locks_this_trip += 1;
                    }
                    prop_assert!(locks_this_trip <= 1, "locked twice in one trip");
                    if kind == 3 && was_front {
                        prop_assert_eq!(r, Reaction::default());
                    }
                    if g.is_foreground() {
                        locks_this_trip = 0;
                    }
                }
            }
        }
    }
}
