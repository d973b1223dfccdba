//! Camera permission as the scanner view sees it: one state machine for Android's runtime
//! permission and iOS's `AVCaptureDevice` authorization, fed with what the OS reports.
//!
//! The OS side is small and platform-specific (`android/`, `ios.rs`); everything that decides
//! what the user sees lives here and is tested on any machine.
//!
//! Android gives no callback to a `NativeActivity` when the permission dialog closes, and shows
//! no dialog at all once the user chose "don't ask again" (or denied twice on Android 11+). So:
//! a request that makes the app pause is answered when it resumes; a request after which the app
//! does not pause within [`NO_DIALOG_AFTER`] was refused by the system without asking, and the
//! view offers the app settings instead of a request that would silently do nothing.

use std::time::{Duration, Instant};

/// If the app has not been paused by a permission dialog this long after asking, the OS did not
/// show one (Android: permission permanently denied).
pub const NO_DIALOG_AFTER: Duration = Duration::from_millis(1500);

/// What the OS says about camera access right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsStatus {
    /// Access granted.
    Granted,
    /// Never asked (iOS `notDetermined`; Android: not granted and no rationale to show, which
    /// is also what a permanent denial looks like: the request tells the two apart).
    Undetermined,
    /// Denied; `can_ask_again` is Android's `shouldShowRequestPermissionRationale` (iOS: false,
    /// a denial there can only be changed in Settings).
    Denied { can_ask_again: bool },
    /// Blocked by device policy or parental controls: the user cannot change it here.
    Restricted,
    /// The device has no usable camera.
    NoCamera,
}

/// What the scanner view shows about the camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CameraAccess {
    /// Not checked yet (scanner closed).
    Unknown,
    /// Waiting for the user to answer the system dialog.
    Requesting,
    /// Camera running.
    Granted,
    /// Denied; the view offers to ask again.
    Denied,
    /// Denied for good; the view offers to open the app's settings.
    Blocked,
    /// Blocked by policy; nothing the user can do in the app.
    Restricted,
    /// No camera on this device; image files and paste still work.
    NoCamera,
}

impl CameraAccess {
    /// The explanation the scanner view shows (English; the UI translates by state).
    pub fn explanation(self) -> Option<&'static str> {
        match self {
            CameraAccess::Unknown | CameraAccess::Granted => None,
            CameraAccess::Requesting => Some("Allow camera access to scan QR codes."),
            CameraAccess::Denied => Some(
                "Camera access was denied. Monban needs the camera only to read QR codes; \
                 nothing leaves the device. You can also open an image or paste a code.",
            ),
            CameraAccess::Blocked => Some(
                "Camera access is turned off for Monban. Turn it on in Settings → Apps → \
                 Monban → Permissions, or open an image or paste a code instead.",
            ),
            CameraAccess::Restricted => Some(
                "The camera is blocked on this device by a policy. Open an image or paste a \
                 code instead.",
            ),
            CameraAccess::NoCamera => {
                Some("This device has no camera. Open an image or paste a code instead.")
            }
        }
    }

    /// The label of the view's one action button, if it has one.
    pub fn action(self) -> Option<&'static str> {
        match self {
            CameraAccess::Denied => Some("Allow camera"),
            CameraAccess::Blocked => Some("Open settings"),
            _ => None,
        }
    }
}

/// What the platform glue must do after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Nothing,
    StartCamera,
    StopCamera,
    /// Show the system permission dialog (Android `requestPermissions`, iOS
    /// `requestAccessForMediaType`).
    RequestPermission,
    /// Open the app's page in the system settings.
    OpenSettings,
}

/// The scanner view's permission flow.
#[derive(Debug, Clone)]
pub struct PermissionFlow {
    access: CameraAccess,
    /// When the outstanding request was made.
    asked_at: Option<Instant>,
    /// The app was paused (a system dialog covered it) since the request.
    dialog_seen: bool,
}

impl Default for PermissionFlow {
    fn default() -> Self {
        Self::new()
    }
}

impl PermissionFlow {
    pub fn new() -> Self {
        PermissionFlow {
            access: CameraAccess::Unknown,
            asked_at: None,
            dialog_seen: false,
        }
    }

    pub fn access(&self) -> CameraAccess {
        self.access
    }

    /// True while a request is outstanding: the lifecycle glue then expects the pause the
    /// system dialog causes (see [`crate::lifecycle::LifecycleGate::expect_system_ui`]).
    pub fn is_requesting(&self) -> bool {
        self.access == CameraAccess::Requesting
    }

    /// The scanner view opened. Opening it again while the camera runs changes nothing
    /// (or stops the camera if access was withdrawn meanwhile).
    pub fn open(&mut self, os: OsStatus, now: Instant) -> Command {
        if self.access == CameraAccess::Granted {
            return self.resumed(os);
        }
        match os {
            OsStatus::Granted => self.set(CameraAccess::Granted, Command::StartCamera),
            // Opening the scanner is the user's request for the camera: ask right away.
            OsStatus::Undetermined
            | OsStatus::Denied {
                can_ask_again: true,
            } => self.ask(now),
            OsStatus::Denied {
                can_ask_again: false,
            } => self.set(CameraAccess::Blocked, Command::Nothing),
            OsStatus::Restricted => self.set(CameraAccess::Restricted, Command::Nothing),
            OsStatus::NoCamera => self.set(CameraAccess::NoCamera, Command::Nothing),
        }
    }

    /// The scanner view closed.
    pub fn close(&mut self) -> Command {
        let was_running = self.access == CameraAccess::Granted;
        *self = PermissionFlow::new();
        if was_running {
            Command::StopCamera
        } else {
            Command::Nothing
        }
    }

    /// The app lost the foreground (Android `onPause`, iOS `willResignActive`). While asking,
    /// this is the system dialog appearing.
    pub fn paused(&mut self) -> Command {
        if self.access == CameraAccess::Requesting {
            self.dialog_seen = true;
        }
        Command::Nothing
    }

    /// The system answered a request (iOS completion handler) or the app came back to the
    /// foreground (Android `onResume`: after the dialog, or after the user visited Settings).
    pub fn resumed(&mut self, os: OsStatus) -> Command {
        match self.access {
            CameraAccess::Unknown => Command::Nothing,
            CameraAccess::Requesting => self.answer(os),
            CameraAccess::Granted => match os {
                OsStatus::Granted => Command::Nothing,
                // Revoked from Settings while we were away: the OS kills the process on
                // Android, but iOS and some Android skins do not.
                other => {
                    self.settle(other);
                    Command::StopCamera
                }
            },
            CameraAccess::Denied
            | CameraAccess::Blocked
            | CameraAccess::Restricted
            | CameraAccess::NoCamera => match os {
                OsStatus::Granted => self.set(CameraAccess::Granted, Command::StartCamera),
                other => {
                    self.settle(other);
                    Command::Nothing
                }
            },
        }
    }

    /// Called periodically (the view's timer) while requesting: detects a request the OS
    /// refused without showing a dialog.
    pub fn tick(&mut self, os: OsStatus, now: Instant) -> Command {
        if self.access != CameraAccess::Requesting || self.dialog_seen {
            return Command::Nothing;
        }
        let Some(asked) = self.asked_at else {
            return Command::Nothing;
        };
        if now.saturating_duration_since(asked) < NO_DIALOG_AFTER {
            return Command::Nothing;
        }
        match os {
            OsStatus::Granted => self.set(CameraAccess::Granted, Command::StartCamera),
            // No dialog appeared and access is still missing: only Settings can change it.
            OsStatus::Undetermined | OsStatus::Denied { .. } => {
                self.set(CameraAccess::Blocked, Command::Nothing)
            }
            other => {
                self.settle(other);
                Command::Nothing
            }
        }
    }

    /// The user pressed the view's action button.
    pub fn action(&mut self, now: Instant) -> Command {
        match self.access {
            CameraAccess::Denied => self.ask(now),
            CameraAccess::Blocked => Command::OpenSettings,
            _ => Command::Nothing,
        }
    }

    fn ask(&mut self, now: Instant) -> Command {
        self.asked_at = Some(now);
        self.dialog_seen = false;
        self.set(CameraAccess::Requesting, Command::RequestPermission)
    }

    fn answer(&mut self, os: OsStatus) -> Command {
        match os {
            OsStatus::Granted => self.set(CameraAccess::Granted, Command::StartCamera),
            // Android resumes before it has recorded a dialog dismissed by rotation etc.:
            // still undetermined means "no answer", so the user may simply ask again.
            OsStatus::Undetermined => self.set(CameraAccess::Denied, Command::Nothing),
            other => {
                self.settle(other);
                Command::Nothing
            }
        }
    }

    /// Moves to the resting state for a non-granted status.
    fn settle(&mut self, os: OsStatus) {
        self.asked_at = None;
        self.access = match os {
            OsStatus::Granted => CameraAccess::Granted,
            OsStatus::Undetermined
            | OsStatus::Denied {
                can_ask_again: true,
            } => CameraAccess::Denied,
            OsStatus::Denied {
                can_ask_again: false,
            } => CameraAccess::Blocked,
            OsStatus::Restricted => CameraAccess::Restricted,
            OsStatus::NoCamera => CameraAccess::NoCamera,
        };
    }

    fn set(&mut self, access: CameraAccess, cmd: Command) -> Command {
        if access != CameraAccess::Requesting {
            self.asked_at = None;
        }
        self.access = access;
        cmd
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> Instant {
        Instant::now()
    }

    #[test]
    fn granted_starts_the_camera_and_close_stops_it() {
        let mut f = PermissionFlow::new();
        assert_eq!(f.open(OsStatus::Granted, t0()), Command::StartCamera);
        assert_eq!(f.access(), CameraAccess::Granted);
        assert_eq!(f.close(), Command::StopCamera);
        assert_eq!(f.access(), CameraAccess::Unknown);
        assert_eq!(f.close(), Command::Nothing);
    }

    #[test]
    fn first_open_asks_and_a_grant_starts_the_camera() {
        let now = t0();
        let mut f = PermissionFlow::new();
        assert_eq!(
            f.open(OsStatus::Undetermined, now),
            Command::RequestPermission
        );
        assert!(f.is_requesting());
        assert_eq!(f.paused(), Command::Nothing);
        assert_eq!(f.resumed(OsStatus::Granted), Command::StartCamera);
        assert_eq!(f.access(), CameraAccess::Granted);
    }

    #[test]
    fn denial_explains_and_offers_to_ask_again() {
        let now = t0();
        let mut f = PermissionFlow::new();
        f.open(OsStatus::Undetermined, now);
        f.paused();
        assert_eq!(
            f.resumed(OsStatus::Denied {
                can_ask_again: true
            }),
            Command::Nothing
        );
        assert_eq!(f.access(), CameraAccess::Denied);
        assert!(f.access().explanation().unwrap().contains("denied"));
        assert_eq!(f.access().action(), Some("Allow camera"));
        assert_eq!(f.action(now), Command::RequestPermission);
        assert!(f.is_requesting());
    }

    #[test]
    fn silent_refusal_becomes_blocked_and_offers_settings() {
        let now = t0();
        let mut f = PermissionFlow::new();
        assert_eq!(
            f.open(OsStatus::Undetermined, now),
            Command::RequestPermission
        );
        // no pause: the OS showed no dialog
        assert_eq!(
            f.tick(OsStatus::Undetermined, now + Duration::from_millis(500)),
            Command::Nothing
        );
        assert!(f.is_requesting());
        assert_eq!(
            f.tick(OsStatus::Undetermined, now + NO_DIALOG_AFTER),
            Command::Nothing
        );
        assert_eq!(f.access(), CameraAccess::Blocked);
        assert_eq!(f.action(now), Command::OpenSettings);
        // back from Settings with the permission turned on
        assert_eq!(f.resumed(OsStatus::Granted), Command::StartCamera);
    }

    #[test]
    fn a_slow_user_is_not_mistaken_for_a_silent_refusal() {
        let now = t0();
        let mut f = PermissionFlow::new();
        f.open(OsStatus::Undetermined, now);
        f.paused(); // dialog on screen
        assert_eq!(
            f.tick(OsStatus::Undetermined, now + Duration::from_secs(30)),
            Command::Nothing
        );
        assert!(f.is_requesting());
        assert_eq!(f.resumed(OsStatus::Granted), Command::StartCamera);
    }

    #[test]
    fn permanent_denial_on_open_goes_straight_to_blocked() {
        let mut f = PermissionFlow::new();
        assert_eq!(
            f.open(
                OsStatus::Denied {
                    can_ask_again: false
                },
                t0()
            ),
            Command::Nothing
        );
        assert_eq!(f.access(), CameraAccess::Blocked);
        assert!(f.access().explanation().unwrap().contains("Settings"));
    }

    #[test]
    fn revoked_while_away_stops_the_camera() {
        let mut f = PermissionFlow::new();
        f.open(OsStatus::Granted, t0());
        assert_eq!(f.resumed(OsStatus::Granted), Command::Nothing);
        assert_eq!(
            f.resumed(OsStatus::Denied {
                can_ask_again: false
            }),
            Command::StopCamera
        );
        assert_eq!(f.access(), CameraAccess::Blocked);
    }

    #[test]
    fn restricted_and_no_camera_have_no_action() {
        for (os, access) in [
            (OsStatus::Restricted, CameraAccess::Restricted),
            (OsStatus::NoCamera, CameraAccess::NoCamera),
        ] {
            let mut f = PermissionFlow::new();
            assert_eq!(f.open(os, t0()), Command::Nothing);
            assert_eq!(f.access(), access);
            assert_eq!(f.action(t0()), Command::Nothing);
            assert!(access.explanation().is_some());
            assert!(access.action().is_none());
        }
    }

    #[test]
    fn resume_without_an_open_scanner_does_nothing() {
        let mut f = PermissionFlow::new();
        assert_eq!(f.resumed(OsStatus::Granted), Command::Nothing);
        assert_eq!(f.tick(OsStatus::Granted, t0()), Command::Nothing);
        assert_eq!(f.access(), CameraAccess::Unknown);
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;
        use std::time::{Duration, Instant};

        fn os() -> impl Strategy<Value = OsStatus> {
            prop_oneof![
                Just(OsStatus::Granted),
                Just(OsStatus::Undetermined),
                any::<bool>().prop_map(|c| OsStatus::Denied { can_ask_again: c }),
                Just(OsStatus::Restricted),
                Just(OsStatus::NoCamera),
            ]
        }

        #[derive(Debug, Clone)]
        enum Ev {
            Open(OsStatus),
            Close,
            Paused,
            Resumed(OsStatus),
            Tick(OsStatus, u64),
            Action,
        }

        fn ev() -> impl Strategy<Value = Ev> {
            prop_oneof![
                os().prop_map(Ev::Open),
                Just(Ev::Close),
                Just(Ev::Paused),
                os().prop_map(Ev::Resumed),
                (os(), 0u64..5000).prop_map(|(o, ms)| Ev::Tick(o, ms)),
                Just(Ev::Action),
            ]
        }

        proptest! {
            /// Whatever the OS and the user do: the camera starts only when the OS said
            /// "granted" in that very event, never starts twice without a stop in between,
            /// and settings are opened only from the blocked state.
            #[test]
            fn the_camera_runs_only_with_permission(events in proptest::collection::vec(ev(), 0..40)) {
                let t0 = Instant::now();
                let mut clock = 0u64;
                let mut f = PermissionFlow::new();
                let mut running = false;
                for e in events {
                    let before = f.access();
                    let (cmd, granted_now) = match e {
                        Ev::Open(o) => (f.open(o, t0 + Duration::from_millis(clock)), o == OsStatus::Granted),
                        Ev::Close => (f.close(), false),
                        Ev::Paused => (f.paused(), false),
                        Ev::Resumed(o) => (f.resumed(o), o == OsStatus::Granted),
                        Ev::Tick(o, ms) => {
                            clock += ms;
                            (f.tick(o, t0 + Duration::from_millis(clock)), o == OsStatus::Granted)
                        }
                        Ev::Action => (f.action(t0 + Duration::from_millis(clock)), false),
                    };
                    match cmd {
                        Command::StartCamera => {
                            prop_assert!(granted_now);
                            prop_assert!(!running, "started twice");
                            running = true;
                        }
                        Command::StopCamera => {
                            prop_assert!(running);
                            running = false;
                        }
                        Command::OpenSettings => prop_assert_eq!(before, CameraAccess::Blocked),
                        Command::RequestPermission => prop_assert!(f.is_requesting()),
                        Command::Nothing => {}
                    }
                    prop_assert_eq!(running, f.access() == CameraAccess::Granted);
                }
            }
        }
    }
}
