//! The app on Slint's testing backend: the real components and controllers, a light test
//! vault, a manual clock moved in step with Slint's mock time, and a recording clipboard.
//! Elements are found by their accessible labels (needs `SLINT_EMIT_DEBUG_INFO=1` at build
//! time, set in `.cargo/config.toml`).

mod list; // brand icons, group chips, sorting, reveal on tap, look-alikes, the screen scan
mod xvfb; // the real binary under Xvfb, clipboard read with xclip
use crate::common::xvfb_driver;

use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use i_slint_backend_testing::{ElementHandle, mock_elapsed_time};
use monban::app::{
    AccountRow, App, AppOptions, AvatarKind, EditAdapter, ListAdapter, ManualClock, Msg,
    Navigation, ScanAdapter, Screen, UnlockAdapter,
};
use monban::clipboard::RecordingClipboard;
use monban::vault::{DeviceKey, DeviceKeyError, KdfParams, KeyId, OpenOptions, Vault};
use slint::platform::PointerEventButton;
use slint::{ComponentHandle, Model};

const PASSCODE: &str = "correct horse battery staple 7";
/// A whole second with 3 s left in its 30 s period (…:57).
const T0: u64 = 1_773_482_427;

struct Harness {
    _dir: tempfile::TempDir,
    path: PathBuf,
    clock: Arc<ManualClock>,
    clipboard: Rc<RecordingClipboard>,
    app: App,
}

fn light() -> OpenOptions {
    OpenOptions::light_for_tests()
}

/// A vault with the sample accounts (light KDF) and the app on its unlock screen.
fn harness(with_vault: bool) -> Harness {
    harness_with(with_vault, light())
}

/// [`harness`] with the app opening and creating vaults with `open_options`.
fn harness_with(with_vault: bool, open_options: OpenOptions) -> Harness {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ui.vault");
    if with_vault {
        let mut v =
            Vault::create_with(&path, PASSCODE, KdfParams::TEST_LIGHT, T0, &light()).unwrap();
        monban::app::demo::fill_sample(&mut v, T0).unwrap();
        v.lock();
    }
    let clock = Arc::new(ManualClock::at_ms(T0 * 1000));
    let clipboard = Rc::new(RecordingClipboard::new());
    let app = App::new(AppOptions {
        clipboard: Some(clipboard.clone()),
        open_options,
        ..AppOptions::for_tests(path.clone(), clock.clone())
    })
    .unwrap();
    app.window().show().unwrap();
    // Tall enough for every sample account's row to exist (the list is virtualised).
    app.window()
        .window()
        .set_size(slint::LogicalSize::new(400.0, 3600.0));
    Harness {
        _dir: dir,
        path,
        clock,
        clipboard,
        app,
    }
}

impl Harness {
    /// A tall window, so long forms fit without scrolling (the element query only sees what
    /// is inside the visible area).
    fn tall(&self) {
        self.app
            .window()
            .window()
            .set_size(slint::LogicalSize::new(400.0, 3600.0));
    }

    fn screen(&self) -> Screen {
        self.app.window().global::<Navigation>().get_screen()
    }

    fn find(&self, label: &str) -> ElementHandle {
        let found: Vec<_> =
            ElementHandle::find_by_accessible_label(self.app.window(), label).collect();
        if found.is_empty() {
            let labels: Vec<String> =
                i_slint_backend_testing::ElementQuery::from_root(self.app.window())
                    .match_descendants()
                    .find_all()
                    .iter()
                    .filter_map(|e| {
                        e.accessible_label()
                            .filter(|l| !l.is_empty())
                            .map(|l| l.to_string())
                    })
                    .collect();
            panic!("no element labelled {label:?}; labelled elements: {labels:?}");
        }
        found.into_iter().next().unwrap()
    }

    fn exists(&self, label: &str) -> bool {
        ElementHandle::find_by_accessible_label(self.app.window(), label)
            .next()
            .is_some()
    }

    fn click(&self, label: &str) {
        self.find(label).invoke_accessible_default_action();
        self.app.pump();
    }

    /// Types into the text field labelled `label` (not the caption beside it).
    fn type_into(&self, label: &str, text: &str) {
        let field = ElementHandle::find_by_accessible_label(self.app.window(), label)
            .find(|e| {
                e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::TextInput)
            })
            .unwrap_or_else(|| panic!("no text field labelled {label:?}"));
        field.set_accessible_value(text);
    }

    fn wait(&self, what: &str, done: impl FnMut(&App) -> bool) {
        assert!(
            self.app.pump_until(Duration::from_secs(30), done),
            "timed out waiting for {what}"
        );
    }

    fn unlock(&self) {
        self.type_into("Passcode", PASSCODE);
        self.click("Unlock");
        self.wait("unlock", |a| a.core().is_unlocked());
        assert_eq!(self.screen(), Screen::List);
    }

    /// Moves the app clock and Slint's mock time together, one second at a time.
    fn advance_secs(&self, secs: u64) {
        for _ in 0..secs {
            self.clock.advance_ms(1000);
            mock_elapsed_time(Duration::from_millis(1000));
            self.app.pump();
        }
    }

    fn rows(&self) -> Vec<AccountRow> {
        self.app
            .window()
            .global::<ListAdapter>()
            .get_accounts()
            .iter()
            .collect()
    }

    fn row(&self, issuer: &str) -> AccountRow {
        self.rows()
            .into_iter()
            .find(|r| r.issuer == issuer)
            .unwrap_or_else(|| panic!("no row {issuer}"))
    }

    fn vault(&self) -> Vault {
        Vault::open_with(&self.path, PASSCODE, T0, &light()).unwrap()
    }
}

fn code_of(issuer: &str, unix: u64) -> String {
    let (account, _, _) = monban::app::demo::sample_accounts()
        .into_iter()
        .find(|(a, _, _)| a.issuer == issuer)
        .unwrap();
    monban::otp::code_at(&account, unix).unwrap()
}

#[test]
fn unlock_with_wrong_then_right_passcode() {
    let h = harness(true);
    assert_eq!(h.screen(), Screen::Unlock);
    h.type_into("Passcode", "not the passcode");
    h.click("Unlock");
    h.wait("the wrong-passcode message", |a| {
        a.window().global::<UnlockAdapter>().get_error() == Msg::WrongPasscode
    });
    assert!(!h.app.core().is_unlocked());
    assert_eq!(h.screen(), Screen::Unlock);
    assert!(h.exists("Wrong passcode. Try again."), "the error is shown");
    assert!(h.rows().is_empty(), "nothing is shown while locked");
    h.unlock();
    assert_eq!(h.rows().len(), monban::app::demo::sample_accounts().len());
    // Favourites first.
    assert_eq!(h.rows()[0].issuer, "GitHub");
}

#[test]
fn countdown_crosses_the_period_boundary_with_mocked_time() {
    let h = harness(true);
    h.unlock();
    let before = h.row("coin.z.com");
    assert_eq!(before.code.replace(' ', ""), code_of("coin.z.com", T0));
    let ui = h.app.window();
    let left = |h: &Harness| {
        let r = h.row("coin.z.com");
        r.deadline - h.app.window().global::<ListAdapter>().get_clock()
    };
    assert_eq!(left(&h), 3);
    // Last seconds: the next code is known and the row reports the time left.
    assert_eq!(
        before.next_code.replace(' ', ""),
        code_of("coin.z.com", T0 + 3)
    );
    let label = "coin.z.com alice";
    assert_eq!(
        h.find(label).accessible_description().as_deref(),
        Some("3 seconds left")
    );
    h.advance_secs(1);
    assert_eq!(left(&h), 2);
    assert_eq!(
        h.row("coin.z.com").code,
        before.code,
        "no change before the boundary"
    );
    h.advance_secs(2);
    let after = h.row("coin.z.com");
    assert_eq!(
        after.code.replace(' ', ""),
        code_of("coin.z.com", T0 + 3),
        "new code exactly at the boundary"
    );
    assert_ne!(after.code, before.code);
    assert_eq!(after.code, before.next_code);
    assert_eq!(left(&h), 30);
    // The 60 s account changes on its own boundary only.
    let slow = h.row("Fediverse");
    assert_eq!(slow.code.replace(' ', ""), code_of("Fediverse", T0 + 3));
    assert_eq!(ui.global::<ListAdapter>().get_clock(), 3);
}

#[test]
fn tap_copies_the_code_and_the_toast_goes_away() {
    let h = harness(true);
    h.unlock();
    let row = h.find("GitHub alice@example.com");
    row.mock_single_click(PointerEventButton::Left);
    h.app.pump();
    let copied = h.clipboard.copied();
    assert_eq!(copied.len(), 1, "one tap, one copy");
    assert_eq!(copied[0].0, code_of("GitHub", T0));
    assert_eq!(
        copied[0].1,
        Duration::from_secs(30),
        "cleared after 30 s by default"
    );
    let state = h.app.window().global::<Navigation>();
    assert_eq!(state.get_toast(), Msg::Copied);
    assert!(h.exists("Copied — clears in 30 s"));
    mock_elapsed_time(Duration::from_millis(1600));
    assert_eq!(state.get_toast(), Msg::None);
    // Keyboard: the accessible default action (Enter on the focused row) copies too.
    h.find("Proton Mail alice@proton.me")
        .invoke_accessible_default_action();
    assert_eq!(h.clipboard.last().unwrap(), code_of("Proton Mail", T0));
}

#[test]
fn hotp_next_code_advances_the_counter() {
    let h = harness(true);
    h.unlock();
    assert!(
        h.row("VPN").code.contains('•'),
        "a HOTP code is hidden until generated"
    );
    let (account, _, _) = monban::app::demo::sample_accounts()
        .into_iter()
        .find(|(a, _, _)| a.issuer == "VPN")
        .unwrap();
    let before = account.counter;
    h.click("Generate the next code");
    assert_eq!(
        h.row("VPN").code.replace(' ', ""),
        monban::otp::hotp(&account, before).unwrap()
    );
    // Tapping the row copies the code on screen (no second counter step).
    h.find("VPN alice").invoke_accessible_default_action();
    assert_eq!(
        h.clipboard.last().unwrap(),
        monban::otp::hotp(&account, before).unwrap()
    );
    // Lock to release the vault, then check the stored counter moved on exactly once.
    h.app.core().lock();
    let v = h.vault();
    assert_eq!(
        v.entries()
            .iter()
            .find(|e| e.account.issuer == "VPN")
            .unwrap()
            .account
            .counter,
        before + 1
    );
}

#[test]
fn add_by_feeding_a_qr_frame_through_the_scanner() {
    let h = harness(true);
    h.unlock();
    h.click("Add account");
    assert_eq!(h.screen(), Screen::Scan);
    // Not an authenticator QR: a clear message, nothing added.
    let link = monban::qr::encode("https://example.com/login")
        .unwrap()
        .to_frame();
    monban::app::scan::feed_frame(h.app.core(), link);
    h.wait("the web-link message", |a| {
        a.window().global::<ScanAdapter>().get_message() == Msg::WebLink
    });
    assert!(h.exists("This QR code is a web link, not an authenticator key."));
    assert_eq!(h.screen(), Screen::Scan);

    let uri = "otpauth://totp/coin.z.com:bob?secret=JBSWY3DPEHPK3PXP&issuer=coin.z.com";
    let frame = monban::qr::encode(uri).unwrap().to_frame();
    monban::app::scan::feed_frame(h.app.core(), frame);
    h.wait("the confirm form", |a| {
        a.window().global::<Navigation>().get_screen() == Screen::Edit
    });
    let form = h.app.window().global::<EditAdapter>();
    assert_eq!(form.get_issuer(), "coin.z.com");
    assert_eq!(form.get_name(), "bob");
    assert_eq!(
        form.get_secret(),
        "",
        "the scanned secret never enters the UI"
    );
    h.type_into("Account name", "bob (work)");
    h.click("Register");
    assert_eq!(h.screen(), Screen::List);
    let rows = h.rows();
    assert_eq!(rows.len(), monban::app::demo::sample_accounts().len() + 1);
    let added = rows
        .iter()
        .find(|r| r.name == "bob (work)")
        .expect("new row");
    let account = monban::uri::parse(uri).unwrap();
    assert_eq!(
        added.code.replace(' ', ""),
        monban::otp::code_at(&account, T0).unwrap()
    );
    assert_eq!(
        h.app.window().global::<Navigation>().get_toast(),
        Msg::Added
    );
}

#[test]
fn manual_entry_checks_the_key_as_typed() {
    let h = harness(true);
    h.tall();
    h.unlock();
    h.click("Add account");
    h.click("Enter the key manually");
    assert_eq!(h.screen(), Screen::Edit);
    let form = h.app.window().global::<EditAdapter>();
    h.type_into("Service", "Example");
    h.type_into("Secret key", "JBSW Y3DP 0");
    form.invoke_secret_edited(form.get_secret());
    assert_eq!(form.get_secret_status(), Msg::SecretInvalid);
    assert!(!form.get_secret_ok());
    h.type_into("Secret key", "jbsw y3dp ehpk 3pxp");
    form.invoke_secret_edited(form.get_secret());
    assert_eq!(form.get_secret_status(), Msg::SecretOk);
    h.click("Register");
    assert_eq!(h.screen(), Screen::List);
    assert_eq!(
        form.get_secret(),
        "",
        "the typed key is wiped from the form"
    );
    assert!(h.rows().iter().any(|r| r.issuer == "Example"));
}

#[test]
fn edit_then_delete_with_confirmation() {
    let h = harness(true);
    h.tall();
    h.unlock();
    // Right-click (long-press on touch) opens the actions.
    h.find("Nextcloud alice")
        .mock_single_click(PointerEventButton::Right);
    h.app.pump();
    h.click("Edit name and icon");
    assert_eq!(h.screen(), Screen::Edit);
    h.type_into("Service", "Nextcloud (home)");
    h.click("Icon 14");
    h.click("Save");
    assert_eq!(h.screen(), Screen::List);
    let row = h.row("Nextcloud (home)");
    assert_eq!((row.look.kind, row.look.glyph), (AvatarKind::Glyph, 13));

    h.find("Nextcloud (home) alice")
        .mock_single_click(PointerEventButton::Right);
    h.app.pump();
    h.click("Delete…");
    // Asked first; cancelling keeps it.
    assert!(h.exists("Delete Nextcloud (home)?"));
    h.click("Cancel");
    let n = monban::app::demo::sample_accounts().len();
    assert_eq!(h.rows().len(), n);
    h.find("Nextcloud (home) alice")
        .mock_single_click(PointerEventButton::Right);
    h.app.pump();
    h.click("Delete…");
    h.click("Delete");
    assert_eq!(h.rows().len(), n - 1);
    assert!(!h.rows().iter().any(|r| r.issuer.starts_with("Nextcloud")));
    h.app.core().lock();
    let v = h.vault();
    assert_eq!(v.entries().len(), n - 1);
}

#[test]
fn auto_lock_after_idle_and_on_background() {
    let h = harness(true);
    h.unlock();
    h.advance_secs(59);
    assert!(h.app.core().is_unlocked(), "not before the idle time");
    h.advance_secs(2);
    assert!(!h.app.core().is_unlocked(), "locked after 1 minute idle");
    assert_eq!(h.screen(), Screen::Unlock);
    assert!(h.rows().is_empty(), "rows dropped on lock");

    h.unlock();
    monban::lifecycle::notify(monban::lifecycle::Event::Background);
    assert!(
        !h.app.core().is_unlocked(),
        "locked when sent to the background"
    );
    monban::lifecycle::notify(monban::lifecycle::Event::Foreground);
    assert_eq!(h.screen(), Screen::Unlock);
}

#[test]
fn backoff_countdown_after_repeated_failures() {
    let h = harness(true);
    let adapter = h.app.window().global::<UnlockAdapter>();
    let mut tries = 0;
    while adapter.get_backoff_seconds() == 0 && tries < 12 {
        h.type_into("Passcode", "wrong wrong");
        h.click("Unlock");
        h.wait("an answer", |a| {
            !a.window().global::<UnlockAdapter>().get_busy()
        });
        tries += 1;
    }
    let wait = adapter.get_backoff_seconds();
    assert!(wait > 0, "a wait after {tries} failures");
    assert!(h.exists(&format!("Too many wrong passcodes. Try again in {wait} s.")));
    h.advance_secs(2);
    assert_eq!(
        adapter.get_backoff_seconds(),
        wait - 2,
        "counts down once a second"
    );
    // The right passcode is refused until the wait is over.
    h.type_into("Passcode", PASSCODE);
    h.click("Unlock");
    h.app.pump();
    assert!(!h.app.core().is_unlocked());
    h.advance_secs(wait as u64);
    assert_eq!(adapter.get_backoff_seconds(), 0);
    h.unlock();
}

#[test]
fn first_start_asks_for_the_passcode_twice_then_shows_the_empty_list() {
    let h = harness(false);
    assert_eq!(h.screen(), Screen::Setup);
    assert!(h.exists(&format!(
        "At least {} characters. A longer passcode is harder to guess.",
        monban::vault::MIN_PASSCODE_LEN
    )));
    h.type_into("Passcode", "first try lantern orbit 1");
    h.type_into("Repeat the passcode", "first try lantern orbit 2");
    h.click("Create passcode");
    assert_eq!(
        h.app.window().global::<UnlockAdapter>().get_error(),
        Msg::PasscodesDiffer
    );
    assert!(!h.path.exists());
    h.type_into("Repeat the passcode", "first try lantern orbit 1");
    h.click("Create passcode");
    // The real KDF parameters: this takes a moment.
    h.wait("the vault", |a| a.core().is_unlocked());
    assert_eq!(h.screen(), Screen::List);
    assert!(h.path.exists());
    assert!(h.exists("No accounts yet"));
    assert!(h.app.window().global::<ListAdapter>().get_vault_empty());
}

/// A key store whose availability probe waits until the test opens its gate (at most 20 s),
/// as a Secret Service does while D-Bus is still starting it; it remembers which thread asked.
#[derive(Debug)]
struct StalledStore {
    open: std::sync::Mutex<bool>,
    opened: std::sync::Condvar,
    asked_on: std::sync::Mutex<Option<std::thread::ThreadId>>,
}

static STALLED: StalledStore = StalledStore {
    open: std::sync::Mutex::new(false),
    opened: std::sync::Condvar::new(),
    asked_on: std::sync::Mutex::new(None),
};

impl StalledStore {
    fn open_gate(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }

    fn unused(&self) -> DeviceKeyError {
        DeviceKeyError::Failed {
            store: self.name(),
            why: "only the probe is part of this test".into(),
        }
    }
}

impl DeviceKey for StalledStore {
    fn name(&self) -> &'static str {
        "a stalled key store"
    }
    fn available(&self) -> bool {
        *self.asked_on.lock().unwrap() = Some(std::thread::current().id());
        let open = self.open.lock().unwrap();
        let (open, _) = self
            .opened
            .wait_timeout_while(open, Duration::from_secs(20), |open| !*open)
            .unwrap();
        *open
    }
    fn create(&self, _: &KeyId) -> Result<(), DeviceKeyError> {
        Err(self.unused())
    }
    fn derive(
        &self,
        _: &KeyId,
        _: &[u8; 32],
    ) -> Result<zeroize::Zeroizing<[u8; 32]>, DeviceKeyError> {
        Err(self.unused())
    }
    fn delete(&self, _: &KeyId) -> Result<(), DeviceKeyError> {
        Err(self.unused())
    }
}

/// The first start asks the device key store whether a new vault would be bound to it; that
/// probe runs off the UI thread, so a store that stalls (D-Bus activation) does not hold up
/// the setup screen: it is drawn and the meter works (assuming no binding) until the answer
/// comes, and then the meter takes the binding into account.
#[test]
fn a_stalled_key_store_probe_does_not_hold_up_the_first_start() {
    let h = harness_with(
        false,
        OpenOptions {
            device: Some(&STALLED),
            ..light()
        },
    );
    h.tall();
    assert_eq!(h.screen(), Screen::Setup);
    let strong = "quiet lantern orbit meadow 42";
    h.type_into("Passcode", strong);
    h.app.pump();
    let a = h.app.window().global::<UnlockAdapter>();
    assert!(
        !a.get_device_bound(),
        "no answer yet from the stalled store"
    );
    assert!(
        !a.invoke_estimate(strong.into(), a.get_device_bound())
            .device_bound
    );
    STALLED.open_gate();
    h.wait("the store's answer", |app| {
        app.window().global::<UnlockAdapter>().get_device_bound()
    });
    let asked_on = STALLED
        .asked_on
        .lock()
        .unwrap()
        .expect("the store was asked");
    assert_ne!(
        asked_on,
        std::thread::current().id(),
        "asked on the UI thread"
    );
    let a = h.app.window().global::<UnlockAdapter>();
    assert!(
        a.invoke_estimate(strong.into(), a.get_device_bound())
            .device_bound
    );
}

/// Without a device key store the stolen-file floor holds at first start: the meter says how
/// long a copy of the file would hold while the passcode is typed, a PIN is refused with the
/// reason, and four random words pass.
#[test]
fn first_start_shows_the_strength_and_refuses_a_pin_without_a_device_key() {
    let h = harness_with(
        false,
        OpenOptions {
            strength_floor: true,
            device: None,
            ..light()
        },
    );
    h.tall();
    assert_eq!(h.screen(), Screen::Setup);
    h.type_into("Passcode", "123456");
    h.app.pump();
    assert!(h.exists("A copy of the vault file would be opened at once with this passcode."));
    assert!(h.exists(
        "Not enough yet: Monban asks for at least 100 years against 8 current graphics cards."
    ));
    h.type_into("Repeat the passcode", "123456");
    h.click("Create passcode");
    h.wait("the refusal", |a| {
        a.window().global::<UnlockAdapter>().get_error() == Msg::PasscodeWeak
    });
    assert!(!h.path.exists(), "nothing was created");
    let random = monban::vault::strength::random_len_for_floor(KdfParams::DEFAULT);
    assert!(h.exists(&format!(
        "This passcode is too easy to guess from a copy of the vault file. Use four or five unrelated words, or at least {random} random letters and digits."
    )));
    let strong = "quiet lantern orbit meadow 42";
    h.type_into("Passcode", strong);
    h.app.pump();
    let estimate = h
        .app
        .window()
        .global::<UnlockAdapter>()
        .invoke_estimate(strong.into(), false);
    assert!(estimate.enough && !estimate.device_bound, "{estimate:?}");
    assert!(!h.exists(
        "Not enough yet: Monban asks for at least 100 years against 8 current graphics cards."
    ));
    h.type_into("Repeat the passcode", strong);
    h.click("Create passcode");
    h.wait("the vault", |a| a.core().is_unlocked());
    assert!(h.path.exists());
}

/// The change-passcode screen estimates the new passcode as it is typed and refuses a weak
/// one for a vault no device key protects; the old passcode keeps working.
#[test]
fn change_passcode_refuses_a_weak_new_passcode_without_a_device_key() {
    let h = harness_with(
        true,
        OpenOptions {
            strength_floor: true,
            ..light()
        },
    );
    h.tall();
    h.unlock();
    h.app
        .window()
        .global::<Navigation>()
        .invoke_open(Screen::Passcode);
    h.app.pump();
    h.type_into("New passcode", "password1");
    h.app.pump();
    assert!(h.exists(
        "Not enough yet: Monban asks for at least 100 years against 8 current graphics cards."
    ));
    let p = h.app.window().global::<monban::app::PasscodeAdapter>();
    p.invoke_change_passcode(PASSCODE.into(), "password1".into(), "password1".into());
    assert!(
        h.app.pump_until(Duration::from_secs(30), |a| {
            a.window()
                .global::<monban::app::PasscodeAdapter>()
                .get_message()
                == Msg::PasscodeWeak
        }),
        "the refusal: {:?}",
        p.get_message()
    );
    assert!(h.app.core().is_unlocked(), "the vault is handed back");
    h.app.core().lock();
    drop(h.vault());
}

#[test]
fn search_filters_by_issuer_and_name() {
    let h = harness(true);
    h.unlock();
    let list = h.app.window().global::<ListAdapter>();
    list.set_search("proton".into());
    list.invoke_search_changed("proton".into());
    assert_eq!(h.rows().len(), 1);
    list.invoke_search_changed("alice_gamer".into());
    assert_eq!(h.rows()[0].issuer, "Steam");
    assert_eq!(h.rows()[0].code.len(), 5, "Steam codes have 5 characters");
    list.invoke_search_changed("nothing like this".into());
    assert!(h.rows().is_empty());
    assert!(!list.get_vault_empty());
    list.invoke_search_changed("".into());
    assert_eq!(h.rows().len(), monban::app::demo::sample_accounts().len());
}

#[test]
fn five_hundred_accounts_stay_light() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.vault");
    let mut v = Vault::create_with(&path, PASSCODE, KdfParams::TEST_LIGHT, T0, &light()).unwrap();
    v.add_many(monban::app::demo::many_accounts(500), T0)
        .unwrap();
    v.lock();
    let clock = Arc::new(ManualClock::at_ms(T0 * 1000));
    let app = App::new(AppOptions::for_tests(path.clone(), clock.clone())).unwrap();
    app.window().show().unwrap();
    app.window()
        .global::<UnlockAdapter>()
        .invoke_unlock(PASSCODE.into());
    assert!(app.pump_until(Duration::from_secs(30), |a| a.core().is_unlocked()));
    let rows = app.window().global::<ListAdapter>().get_accounts();
    assert_eq!(rows.row_count(), 500);
    // Virtualized: only the rows on screen exist as components.
    // Each row announces "Service NNN userN@example.com".
    let instantiated = i_slint_backend_testing::ElementQuery::from_root(app.window())
        .match_descendants()
        .match_predicate(|e| {
            e.accessible_label()
                .is_some_and(|l| l.starts_with("Service ") && l.ends_with("@example.com"))
        })
        .find_all()
        .iter()
        .filter_map(|e| e.accessible_label())
        .collect::<std::collections::HashSet<_>>()
        .len();
    assert!(
        (1..=20).contains(&instantiated),
        "{instantiated} row components for 500 accounts"
    );
    // Crossing a period boundary recomputes all 500 codes within one tick, quickly.
    let before = rows.row_data(499).unwrap().code;
    let started = std::time::Instant::now();
    for _ in 0..3 {
        clock.advance_ms(1000);
        mock_elapsed_time(Duration::from_millis(1000));
    }
    let elapsed = started.elapsed();
    let after = rows.row_data(499).unwrap();
    assert_ne!(
        after.code, before,
        "the last row changed at the boundary too"
    );
    assert!(
        elapsed < Duration::from_millis(500),
        "3 ticks with a boundary took {elapsed:?}"
    );
}
