//! Moving accounts through the GUI on Slint's testing backend with the software renderer: two Monban apps with
//! separate vaults on one thread. Exports are shown on the old app's screen, the screen is
//! captured as a PNG, and the PNG goes through the new app's scanner path (the same path as a
//! camera frame). Light KDF settings through the library API; the app code is the real one.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use i_slint_backend_testing::{
    ElementHandle, TestingBackend, TestingBackendOptions, mock_elapsed_time,
};
use monban::account::{Account, Secret};
use monban::app::{
    AboutAdapter, AccountQrAdapter, App, AppOptions, BackupAdapter, ExportAdapter, ImportAdapter,
    ImportStage, ListAdapter, ManualClock, Msg, Navigation, PasscodeAdapter, ReauthAdapter, Screen,
    SettingsAdapter, UnlockAdapter,
};
use monban::vault::{KdfParams, OpenOptions, Vault};
use slint::{ComponentHandle, Model};

const PASSCODE: &str = "correct horse battery staple 7";
const T0: u64 = 1_773_482_400;
const WAIT: Duration = Duration::from_secs(60);

fn init_backend() {
    // One platform per test thread; a second call on the same thread is refused and harmless.
    let _ = slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })));
}

/// `n` TOTP accounts every format can carry (30 s, 6 digits), some with Japanese names.
fn accounts(n: usize, salt: u8) -> Vec<Account> {
    (0..n)
        .map(|i| {
            let secret: Vec<u8> = (0..20)
                .map(|j| {
                    (i as u8)
                        .wrapping_mul(31)
                        .wrapping_add(j)
                        .wrapping_add(salt)
                })
                .collect();
            let issuer = match i % 5 {
                0 => format!("Service{i}"),
                1 => format!("coin{i}.z.com"),
                2 => format!("みずほ{i}"),
                3 => format!("GitHub{i}"),
                _ => format!("Bank {i}"),
            };
            Account::totp(issuer, format!("user{i}@example.com"), Secret::new(secret))
        })
        .collect()
}

struct Device {
    dir: tempfile::TempDir,
    app: App,
}

impl Device {
    /// A vault holding `accounts` (light KDF) and the app unlocked on it.
    fn new(accounts: Vec<Account>) -> Device {
        Device::with_kdf(
            accounts,
            KdfParams::TEST_LIGHT,
            OpenOptions::light_for_tests(),
        )
    }

    /// [`Device::new`] showing `screen`.
    fn on(accounts: Vec<Account>, screen: Screen) -> Device {
        let d = Device::new(accounts);
        d.nav().invoke_open(screen);
        d
    }

    /// The same with the KDF parameters and open options given.
    fn with_kdf(accounts: Vec<Account>, kdf: KdfParams, open_options: OpenOptions) -> Device {
        init_backend();
        let dir = tempfile::tempdir().unwrap();
        let path: std::path::PathBuf = dir.path().join("device.vault");
        let mut v = Vault::create_with(&path, PASSCODE, kdf, T0, &open_options).unwrap();
        v.add_many(accounts, T0).unwrap();
        v.lock();
        let app = App::new(AppOptions {
            open_options,
            ..AppOptions::for_tests(path.clone(), Arc::new(ManualClock::at_ms(T0 * 1000)))
        })
        .unwrap();
        app.window()
            .window()
            .set_size(slint::LogicalSize::new(600.0, 1000.0));
        app.window().show().unwrap();
        let d = Device { dir, app };
        d.unlock(PASSCODE);
        d
    }

    fn unlock(&self, passcode: &str) {
        self.app
            .window()
            .global::<UnlockAdapter>()
            .invoke_unlock(passcode.into());
        assert!(
            self.app.pump_until(WAIT, |a| a.core().is_unlocked()),
            "unlock"
        );
    }

    fn nav(&self) -> Navigation<'_> {
        self.app.window().global::<Navigation>()
    }

    fn screen(&self) -> Screen {
        self.nav().get_screen()
    }

    fn prompt(&self) -> ReauthAdapter<'_> {
        self.app.window().global::<ReauthAdapter>()
    }

    fn until(&self, what: &str, done: impl FnMut(&App) -> bool) {
        assert!(
            self.app.pump_until(WAIT, done),
            "timed out waiting for {what}"
        );
    }

    /// Pumps until the adapter global `A` is no longer busy.
    fn until_idle<A: Busy>(&self, what: &str) {
        self.until(what, |a| !A::busy(a));
    }

    /// Answers the passcode prompt.
    fn reauth(&self, passcode: &str) {
        assert!(self.prompt().get_shown(), "the passcode prompt is shown");
        self.prompt().invoke_submit(passcode.into());
        self.until_idle::<ReauthAdapter>("the passcode check");
    }

    /// The accounts in this device's vault (read through the app's own vault).
    fn stored(&self) -> Vec<(String, String, Vec<u8>)> {
        let mut v: Vec<_> = self
            .app
            .core()
            .vault_accounts()
            .into_iter()
            .map(|a| (a.issuer.clone(), a.name.clone(), a.secret.expose().to_vec()))
            .collect();
        v.sort();
        v
    }

    /// What the window shows now, as PNG bytes.
    fn screenshot_png(&self) -> Vec<u8> {
        mock_elapsed_time(Duration::from_millis(1));
        let snap = self
            .app
            .window()
            .window()
            .take_snapshot()
            .expect("snapshot");
        let img = image::RgbaImage::from_raw(snap.width(), snap.height(), snap.as_bytes().to_vec())
            .unwrap();
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        png
    }

    fn has_label(&self, label: &str) -> bool {
        ElementHandle::find_by_accessible_label(self.app.window(), label)
            .next()
            .is_some()
    }
}

/// An adapter global with a `busy` property.
trait Busy {
    fn busy(app: &App) -> bool;
}

macro_rules! busy {
    ($($adapter:ident),*) => {$(
        impl Busy for $adapter<'_> {
            fn busy(app: &App) -> bool {
                app.window().global::<$adapter>().get_busy()
            }
        }
    )*};
}
busy!(
    BackupAdapter,
    ImportAdapter,
    PasscodeAdapter,
    ReauthAdapter,
    ExportAdapter
);

fn sorted(accounts: &[Account]) -> Vec<(String, String, Vec<u8>)> {
    let mut v: Vec<_> = accounts
        .iter()
        .map(|a| (a.issuer.clone(), a.name.clone(), a.secret.expose().to_vec()))
        .collect();
    v.sort();
    v
}

fn set_language(d: &Device, index: i32) {
    d.app
        .window()
        .global::<SettingsAdapter>()
        .invoke_language_changed(index);
}

/// Old device: export page, format, passcode; waits until the parts are shown.
fn show_export(old: &Device, google: bool) -> usize {
    old.nav().invoke_open(Screen::Export);
    assert_eq!(old.screen(), Screen::Export);
    let ex = old.app.window().global::<ExportAdapter>();
    assert_eq!(ex.get_selected_count() as usize, ex.get_items().row_count());
    ex.set_google(google);
    ex.invoke_start();
    old.reauth(PASSCODE);
    old.until("the export parts", |a| {
        a.window().global::<Navigation>().get_screen() == Screen::ExportShow
    });
    let parts = ex.get_parts() as usize;
    assert!(parts >= 1);
    assert_eq!(ex.get_part(), 1);
    parts
}

/// Shows part `k` (1-based) on the old device with the "Next" button's action.
fn go_to_part(old: &Device, k: usize) {
    let ex = old.app.window().global::<ExportAdapter>();
    for _ in 0..ex.get_parts() {
        if ex.get_part() as usize == k {
            return;
        }
        ex.invoke_next();
    }
    assert_eq!(ex.get_part() as usize, k);
}

/// Captures the old screen showing part `k` and feeds it to the new device's scanner.
fn scan_part(old: &Device, new: &Device, k: usize) {
    go_to_part(old, k);
    new.app
        .window()
        .global::<ImportAdapter>()
        .set_message(Msg::None);
    let before = new.app.window().global::<ImportAdapter>().get_scanned();
    let png = old.screenshot_png();
    let frame = monban::camera::load_image_bytes(&png).expect("screenshot decodes as an image");
    monban::app::scan::feed_frame(new.app.core(), frame);
    new.until("the part to be scanned", |a| {
        let im = a.window().global::<ImportAdapter>();
        im.get_scanned() > before
            || im.get_stage() != ImportStage::Scanning
            || im.get_message() != Msg::None
    });
    let im = new.app.window().global::<ImportAdapter>();
    assert_eq!(
        im.get_message(),
        Msg::None,
        "part {k}: {}",
        im.get_message_arg()
    );
}

/// The old device's "Show the transfer code" step: the code alone on screen.
fn transfer_code(old: &Device) -> String {
    let ex = old.app.window().global::<ExportAdapter>();
    ex.invoke_show_code();
    assert!(ex.get_showing_code());
    assert_eq!(ex.get_qr().size().width, 0, "no QR part beside the code");
    ex.get_code().to_string()
}

/// A fixed shuffle of 1..=n (parts scanned out of order).
fn shuffled(n: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (1..=n).collect();
    v.reverse();
    if n > 2 {
        v.swap(0, n / 2);
    }
    v
}

/// The done-when: 25 accounts from one app to another through the screens.
fn move_accounts(google: bool, language: i32) {
    let moved = accounts(25, 7);
    let old = Device::new(moved.clone());
    let new = Device::new(Vec::new());
    set_language(&old, language);
    let parts = show_export(&old, google);
    if language == 2 {
        assert!(
            old.has_label(&format!("QR コード、1 / {parts} 枚目")),
            "the export screen is in Japanese"
        );
    } else {
        assert!(
            old.has_label(&format!("QR code, part 1 of {parts}")),
            "the export screen is in English"
        );
    }
    if !google {
        let ex = old.app.window().global::<ExportAdapter>();
        assert_eq!(ex.get_code(), "", "no transfer code beside the parts");
        assert!(!ex.get_showing_code());
    }

    new.nav().invoke_open(Screen::Import);
    assert_eq!(new.screen(), Screen::Import);
    assert!(
        monban::app::scan::scanning(new.app.core()),
        "the import screen scans"
    );
    for (i, k) in shuffled(parts).into_iter().enumerate() {
        scan_part(&old, &new, k);
        let im = new.app.window().global::<ImportAdapter>();
        if i + 1 < parts {
            assert_eq!(
                (im.get_scanned() as usize, im.get_count() as usize),
                (i + 1, parts),
                "progress"
            );
        }
    }
    let im = new.app.window().global::<ImportAdapter>();
    if !google {
        assert_eq!(im.get_stage(), ImportStage::Code);
        im.invoke_submit_code("AAAAA-AAAAA".into());
        new.until_idle::<ImportAdapter>("the wrong code");
        assert_eq!(im.get_message(), Msg::WrongCode);
        assert_eq!(im.get_stage(), ImportStage::Code);
        let code = transfer_code(&old);
        assert_eq!(code.len(), 11, "transfer code: {code}");
        im.invoke_submit_code(code.to_lowercase().into());
        new.until("the summary", |a| {
            a.window().global::<ImportAdapter>().get_stage() == ImportStage::Summary
        });
    }
    assert_eq!(im.get_stage(), ImportStage::Summary);
    assert_eq!(
        (im.get_to_add(), im.get_duplicates(), im.get_refused()),
        (25, 0, 0)
    );
    assert_eq!(im.get_rows().row_count(), 25);
    im.invoke_confirm();
    assert_eq!(im.get_message(), Msg::AccountsAdded);
    assert_eq!(im.get_message_arg(), "25");
    assert_eq!(new.stored(), sorted(&moved));

    // Done: the old device forgets the parts; the new one closes the import.
    old.app.window().global::<ExportAdapter>().invoke_done();
    let ex = old.app.window().global::<ExportAdapter>();
    assert_eq!((ex.get_parts(), ex.get_code().as_str()), (0, ""));
    assert!(ex.get_qr().size().width == 0, "the QR pixels are dropped");
    im.invoke_confirm();
    assert_eq!(new.screen(), Screen::List);
    assert!(
        !monban::app::scan::scanning(new.app.core()),
        "leaving the import stops the scanner"
    );
    assert_eq!(
        new.app
            .window()
            .global::<ListAdapter>()
            .get_accounts()
            .row_count(),
        25
    );
}

#[test]
fn move_25_accounts_sealed_english() {
    move_accounts(false, 1);
}

#[test]
fn move_25_accounts_sealed_japanese() {
    move_accounts(false, 2);
}

#[test]
fn move_25_accounts_google_english() {
    move_accounts(true, 1);
}

#[test]
fn move_25_accounts_google_japanese() {
    move_accounts(true, 2);
}

#[test]
fn export_parts_cycle_by_themselves_and_by_hand() {
    let old = Device::new(accounts(25, 1));
    let parts = show_export(&old, true);
    assert_eq!(parts, 3, "Google puts 10 accounts in one QR code");
    let ex = old.app.window().global::<ExportAdapter>();
    assert!(ex.get_auto_advance());
    assert!(old.has_label("QR code, part 1 of 3"));
    let secs = ex.get_seconds_per_part() as u64;
    let mut seen = vec![ex.get_part()];
    for _ in 0..3 {
        // Mock time fires a timer at most once per jump: step by the interval.
        mock_elapsed_time(Duration::from_secs(secs));
        seen.push(ex.get_part());
    }
    assert_eq!(seen, [1, 2, 3, 1]);
    // By hand, wrapping both ways; the switch stops the automatic advance.
    ex.set_auto_advance(false);
    ex.invoke_auto_changed(false);
    ex.invoke_previous();
    assert_eq!(ex.get_part(), 3);
    ex.invoke_next();
    ex.invoke_next();
    assert_eq!(ex.get_part(), 2);
    mock_elapsed_time(Duration::from_secs(secs * 2));
    assert_eq!(ex.get_part(), 2, "no automatic advance when switched off");
    // Back goes to the choice and forgets the parts.
    old.nav().invoke_back();
    assert_eq!(old.screen(), Screen::Export);
    assert_eq!(ex.get_parts(), 0);
}

#[test]
fn google_export_names_what_it_cannot_carry() {
    let mut list = accounts(4, 3);
    let mut steam = list[0].clone();
    steam.kind = monban::account::Kind::Steam;
    steam.digits = 5;
    steam.issuer = "Steam".into();
    list.push(steam);
    let old = Device::on(list, Screen::Export);
    let ex = old.app.window().global::<ExportAdapter>();
    let items: Vec<_> = ex.get_items().iter().collect();
    assert_eq!(items.iter().filter(|i| !i.google_ok).count(), 1);
    ex.set_google(true);
    ex.invoke_start();
    old.reauth(PASSCODE);
    old.until("the parts", |a| {
        a.window().global::<Navigation>().get_screen() == Screen::ExportShow
    });
    assert_eq!(ex.get_left_out(), 1);
    // Unselecting everything refuses to start.
    old.nav().invoke_back();
    ex.invoke_select_all(false);
    assert_eq!(ex.get_selected_count(), 0);
    ex.invoke_start();
    assert_eq!(ex.get_message(), Msg::ChooseAccounts);
    ex.invoke_toggle(2);
    assert_eq!(ex.get_selected_count(), 1);
}

#[test]
fn import_reports_duplicates_and_refuses_a_part_of_another_export() {
    let moved = accounts(25, 9);
    let old = Device::new(moved.clone());
    // The new device already has 3 of them.
    let new = Device::new(moved[..3].to_vec());
    let parts = show_export(&old, false);
    assert!(
        parts >= 2,
        "25 accounts need several sealed parts ({parts})"
    );
    new.nav().invoke_open(Screen::Import);
    scan_part(&old, &new, 2);
    // A part of a different export (another batch) is refused with a reason; progress stays.
    let other = Device::new(accounts(25, 50));
    show_export(&other, false);
    let png = other.screenshot_png();
    monban::app::scan::feed_frame(
        new.app.core(),
        monban::camera::load_image_bytes(&png).unwrap(),
    );
    new.until("the refusal", |a| {
        a.window().global::<ImportAdapter>().get_message() != Msg::None
    });
    let im = new.app.window().global::<ImportAdapter>();
    assert_eq!(im.get_message(), Msg::PartError);
    assert!(
        im.get_message_arg().contains("different export"),
        "{}",
        im.get_message_arg()
    );
    assert_eq!(im.get_scanned(), 1);
    assert_eq!(
        im.get_missing().as_str(),
        (1..=parts)
            .filter(|k| *k != 2)
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    for k in (1..=parts).filter(|k| *k != 2) {
        scan_part(&old, &new, k);
    }
    im.invoke_submit_code(transfer_code(&old).into());
    new.until("the summary", |a| {
        a.window().global::<ImportAdapter>().get_stage() == ImportStage::Summary
    });
    assert_eq!(
        (im.get_to_add(), im.get_duplicates(), im.get_refused()),
        (22, 3, 0)
    );
    let skipped = im.get_rows().iter().filter(|r| r.status == 1).count();
    assert_eq!(skipped, 3);
    im.invoke_confirm();
    assert_eq!(new.stored(), sorted(&moved));
    // Cancel on a second run leaves the vault as it is.
    new.nav().invoke_open(Screen::Import);
    im.invoke_cancel();
    assert_eq!(new.screen(), Screen::List);
    assert_eq!(new.stored().len(), 25);
}

#[test]
fn wrong_passcode_at_the_prompt_shows_nothing_and_locks_after_three() {
    let old = Device::on(accounts(3, 2), Screen::Export);
    old.app.window().global::<ExportAdapter>().invoke_start();
    old.reauth("wrong passcode");
    assert_eq!(old.prompt().get_error(), Msg::ReauthWrong);
    assert_eq!(old.prompt().get_error_arg(), "2");
    assert_eq!(old.screen(), Screen::Export, "nothing shown");
    // Cancel, try again: the prompt comes back.
    old.prompt().invoke_cancel();
    assert!(!old.prompt().get_shown());
    old.app.window().global::<ExportAdapter>().invoke_start();
    old.reauth("wrong again");
    old.reauth("still wrong");
    assert!(
        !old.app.core().is_unlocked(),
        "three wrong passcodes lock the app"
    );
    assert_eq!(old.screen(), Screen::Unlock);
    assert_eq!(
        old.app
            .window()
            .global::<ExportAdapter>()
            .get_items()
            .row_count(),
        0,
        "lock clears the page"
    );
}

#[test]
fn account_qr_after_passcode_decodes_to_the_account() {
    let list = accounts(3, 4);
    let d = Device::on(list.clone(), Screen::AccountQr);
    let qa = d.app.window().global::<AccountQrAdapter>();
    assert_eq!(qa.get_accounts().row_count(), 3);
    let id = qa.get_accounts().row_data(1).unwrap().id;
    qa.invoke_show(id.clone());
    assert!(qa.get_shown_id().is_empty(), "nothing before the passcode");
    d.reauth(PASSCODE);
    assert_eq!(qa.get_shown_id(), id);
    let png = d.screenshot_png();
    let frame = monban::camera::load_image_bytes(&png).unwrap();
    let found = monban::qr::decode(&frame);
    assert_eq!(found.len(), 1);
    let account = monban::uri::parse(&found[0].text).unwrap();
    assert_eq!(sorted(&[account]), sorted(&list[1..2]));
    qa.invoke_hide();
    assert!(qa.get_shown_id().is_empty());
    assert_eq!(qa.get_qr().size().width, 0);
}

#[test]
fn backup_export_drill_and_restore_on_another_device() {
    let list = accounts(6, 5);
    let old = Device::on(list.clone(), Screen::Backup);
    let b = old.app.window().global::<BackupAdapter>();
    let file = old.dir.path().join("my.monban-backup");
    b.set_backup_path(file.display().to_string().into());
    b.invoke_export_backup("short".into(), "short".into());
    assert_eq!(b.get_message(), Msg::PasswordShort);
    b.invoke_export_backup("backup password".into(), "backup passwort".into());
    assert_eq!(b.get_message(), Msg::PasswordsDiffer);
    b.invoke_export_backup("backup password".into(), "backup password".into());
    old.reauth(PASSCODE);
    old.until_idle::<BackupAdapter>("the backup");
    assert_eq!(b.get_message(), Msg::SavedTo, "{}", b.get_message_arg());
    assert!(file.exists());
    // Drill: wrong then right password.
    b.set_drill_path(file.display().to_string().into());
    b.invoke_drill("nope nope".into());
    old.until_idle::<BackupAdapter>("the drill");
    assert_eq!(b.get_message(), Msg::WrongPassword);
    b.invoke_drill("backup password".into());
    old.until_idle::<BackupAdapter>("the drill");
    assert_eq!(b.get_message(), Msg::DrillOkDated);
    assert_eq!(
        b.get_message_arg(),
        "2026-03-14 10:00 UTC",
        "written at the app's clock"
    );
    assert_eq!(b.get_message_arg2(), "6");
    assert_eq!(
        b.get_message_arg3().len(),
        19,
        "fingerprint xxxx-xxxx-xxxx-xxxx"
    );
    // Paper backup (PDF).
    let paper = old.dir.path().join("paper.pdf");
    b.set_paper_path(paper.display().to_string().into());
    b.invoke_export_paper();
    old.until_idle::<BackupAdapter>("the paper backup");
    assert_eq!(b.get_message(), Msg::SavedTo, "{}", b.get_message_arg());
    assert!(std::fs::read(&paper).unwrap().starts_with(b"%PDF"));

    // Restore on another device through "Import accounts" with the file.
    let new = Device::on(list[..1].to_vec(), Screen::Import);
    monban::app::import::open_path(new.app.core(), &file);
    let im = new.app.window().global::<ImportAdapter>();
    assert_eq!(im.get_stage(), ImportStage::Password);
    im.invoke_submit_password("wrong".into());
    new.until_idle::<ImportAdapter>("the password check");
    assert_eq!(im.get_message(), Msg::WrongPassword);
    im.invoke_submit_password("backup password".into());
    new.until("the summary", |a| {
        a.window().global::<ImportAdapter>().get_stage() == ImportStage::Summary
    });
    assert_eq!((im.get_to_add(), im.get_duplicates()), (5, 1));
    im.invoke_confirm();
    assert_eq!(new.stored(), sorted(&list));
}

#[test]
fn import_from_another_apps_file() {
    let d = Device::new(Vec::new());
    let file = d.dir.path().join("uris.txt");
    std::fs::write(
        &file,
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example\nnot a uri\n",
    )
    .unwrap();
    d.nav().invoke_open(Screen::Import);
    monban::app::import::open_path(d.app.core(), &file);
    let im = d.app.window().global::<ImportAdapter>();
    assert_eq!(im.get_stage(), ImportStage::Summary);
    assert_eq!(im.get_to_add(), 1);
    im.invoke_confirm();
    assert_eq!(d.stored().len(), 1);
    let missing = d.dir.path().join("missing.txt");
    im.invoke_cancel();
    d.nav().invoke_open(Screen::Import);
    monban::app::import::open_path(d.app.core(), &missing);
    // A translated message naming the file, not the OS's English text.
    assert_eq!(im.get_message(), Msg::FileMissing);
    assert_eq!(im.get_message_arg(), missing.display().to_string());
}

#[test]
fn settings_language_switch_applies_at_once_and_is_kept() {
    let d = Device::new(accounts(2, 6));
    d.app
        .window()
        .global::<ListAdapter>()
        .invoke_open_settings();
    assert!(d.has_label("Language"));
    assert!(d.has_label("Change passcode"));
    assert!(d.has_label("Move to a new device (export)"));
    set_language(&d, 2);
    assert!(d.has_label("言語"), "switched without a restart");
    assert!(d.has_label("パスコードを変更"));
    assert!(!d.has_label("Change passcode"));
    assert_eq!(
        d.app
            .window()
            .global::<SettingsAdapter>()
            .get_language_index(),
        2
    );
    let settings = monban::settings::Settings::path_for(&d.dir.path().join("device.vault"));
    let stored = monban::settings::Settings::load(&settings);
    assert_eq!(stored.language, monban::settings::Language::Japanese);
    set_language(&d, 1);
    assert!(d.has_label("Change passcode"));
    // About shows the version and the licences.
    d.nav().invoke_open(Screen::About);
    let licences = d.app.window().global::<AboutAdapter>().get_licences();
    assert!(licences.contains("slint 1.18.1"));
    d.nav().invoke_back();
    assert_eq!(d.screen(), Screen::Settings, "back from About to Settings");
}

#[test]
fn change_passcode_from_settings() {
    let d = Device::on(accounts(2, 8), Screen::Passcode);
    let p = d.app.window().global::<PasscodeAdapter>();
    p.invoke_change_passcode(
        PASSCODE.into(),
        "violet harbour compass 19 slowly".into(),
        "violet harbour compass 19 slowlx".into(),
    );
    assert_eq!(p.get_message(), Msg::NewPasscodesDiffer);
    p.invoke_change_passcode(
        "not it".into(),
        "violet harbour compass 19 slowly".into(),
        "violet harbour compass 19 slowly".into(),
    );
    d.until_idle::<PasscodeAdapter>("the check");
    assert_eq!(p.get_message(), Msg::PasscodeWrong);
    assert!(d.app.core().is_unlocked(), "the vault is handed back");
    p.invoke_change_passcode(
        PASSCODE.into(),
        "violet harbour compass 19 slowly".into(),
        "violet harbour compass 19 slowly".into(),
    );
    d.until_idle::<PasscodeAdapter>("the change");
    assert_eq!(
        p.get_message(),
        Msg::PasscodeChanged,
        "{}",
        p.get_message_arg()
    );
    assert!(d.app.core().is_unlocked());
    d.app.core().lock();
    d.unlock("violet harbour compass 19 slowly");
    assert_eq!(d.stored().len(), 2);
}

#[test]
fn account_qr_from_the_list_asks_first_and_back_closes() {
    let d = Device::new(accounts(2, 11));
    let id = d
        .app
        .window()
        .global::<ListAdapter>()
        .get_accounts()
        .row_data(0)
        .unwrap()
        .id;
    let qa = d.app.window().global::<AccountQrAdapter>();
    qa.invoke_open_for(id.clone());
    assert_eq!(d.screen(), Screen::AccountQr);
    assert!(d.prompt().get_shown());
    assert!(qa.get_shown_id().is_empty());
    d.reauth(PASSCODE);
    assert_eq!(qa.get_shown_id(), id);
    assert!(
        d.has_label("Whoever sees this QR code owns this account. Do not share screenshots of it.")
    );
    d.nav().invoke_back();
    assert_eq!(
        d.screen(),
        Screen::List,
        "opened for one account: back returns to the list"
    );
    assert_eq!(qa.get_qr().size().width, 0);
    // Locking while a QR is shown drops it.
    qa.invoke_open_for(id.clone());
    assert_eq!(
        qa.get_shown_id(),
        id,
        "no second prompt within the grace period"
    );
    d.app.core().lock();
    assert!(qa.get_shown_id().is_empty());
    assert_eq!(d.screen(), Screen::Unlock);
}

/// Every `@tr("…")` in `ui/` has a Japanese translation in `lang/ja/LC_MESSAGES/monban.po`
/// under the context Slint looks it up with (the name of the component or global it is
/// written in) — the same check as `scripts/tr.py --check`.
#[test]
fn every_visible_string_has_a_japanese_translation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let po = std::fs::read_to_string(root.join("lang/ja/LC_MESSAGES/monban.po")).unwrap();
    let mut translated = std::collections::HashSet::new();
    let (mut ctx, mut msgid) = (String::new(), None::<String>);
    for line in po.lines() {
        if let Some(rest) = line.strip_prefix("msgctxt ") {
            ctx = unquote(rest);
        } else if let Some(rest) = line.strip_prefix("msgid ") {
            msgid = Some(unquote(rest));
        } else if let Some(rest) = line
            .strip_prefix("msgstr")
            .and_then(|r| r.split_once(' '))
            .map(|(_, v)| v)
            && let Some(id) = msgid.take().filter(|_| !unquote(rest).is_empty())
        {
            translated.insert((std::mem::take(&mut ctx), id));
        }
    }
    let mut missing = Vec::new();
    let mut count = 0;
    let mut stack = vec![root.join("ui")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "slint") {
                let text = std::fs::read_to_string(&path).unwrap();
                // (offset, name) of each top-level component / global declaration.
                let mut decls = Vec::new();
                let mut offset = 0;
                for line in text.split_inclusive('\n') {
                    let l = line.strip_prefix("export ").unwrap_or(line);
                    if let Some(rest) = l
                        .strip_prefix("component ")
                        .or_else(|| l.strip_prefix("global "))
                    {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                            .collect();
                        decls.push((offset, name));
                    }
                    offset += line.len();
                }
                for (i, _) in text.match_indices("@tr(") {
                    let rest = text[i + 4..].trim_start();
                    let Some(s) = rest.strip_prefix('"') else {
                        continue;
                    };
                    let end = s.find('"').unwrap();
                    let context = decls
                        .iter()
                        .rev()
                        .find(|(o, _)| *o < i)
                        .map(|(_, n)| n.clone())
                        .unwrap_or_default();
                    count += 1;
                    if !translated.contains(&(context.clone(), s[..end].to_string())) {
                        missing.push(format!("{}: [{context}] {}", path.display(), &s[..end]));
                    }
                }
            }
        }
    }
    assert!(count > 200, "found {count} strings");
    assert!(
        missing.is_empty(),
        "untranslated (run scripts/tr.py and translate): {missing:#?}"
    );
}

fn unquote(s: &str) -> String {
    s.trim()
        .trim_matches('"')
        .replace("\\\"", "\"")
        .replace("\\\\", "\\")
}

/// WCAG 2.x contrast of the palette in `ui/globals/theme.slint`, both themes: every text
/// colour on every background it is drawn on reaches AA (4.5:1); figures in
/// docs/accessibility.md.
#[test]
fn palette_meets_wcag_aa_in_both_themes() {
    let theme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/globals/theme.slint"),
    )
    .unwrap();
    let colour = |name: &str, dark: bool| -> [f64; 3] {
        let line = theme
            .lines()
            .find(|l| l.contains(&format!("<color> {name}:")))
            .unwrap_or_else(|| panic!("{name} in theme.slint"));
        let hexes: Vec<&str> = line.split('#').skip(1).map(|h| &h[..6]).collect();
        let h = if dark { hexes[0] } else { hexes[1] };
        let c = |i: usize| f64::from(u8::from_str_radix(&h[i..i + 2], 16).unwrap()) / 255.0;
        [c(0), c(2), c(4)]
    };
    let lum = |c: [f64; 3]| {
        let f = |v: f64| {
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2])
    };
    let ratio = |a: [f64; 3], b: [f64; 3]| {
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    };
    let text_pairs = [
        ("text", "background"),
        ("text", "surface"),
        ("text", "surface-pressed"),
        ("text", "accent-soft"),
        ("muted", "background"),
        ("muted", "surface"),
        ("muted", "surface-pressed"),
        ("accent", "background"),
        ("accent", "surface"),
        ("on-accent", "accent"),
        ("warning", "background"),
        ("warning", "surface"),
        ("ok", "background"),
        ("ok", "surface"),
        ("toast-text", "toast-bg"),
    ];
    for dark in [false, true] {
        for (fg, bg) in text_pairs {
            let r = ratio(colour(fg, dark), colour(bg, dark));
            assert!(
                r >= 4.5,
                "{fg} on {bg} ({}) is {r:.2}:1",
                if dark { "dark" } else { "light" }
            );
        }
        // Focus ring and check-box borders against their background: 3:1 for UI components.
        for (fg, bg) in [
            ("focus", "background"),
            ("focus", "surface"),
            ("muted", "surface"),
        ] {
            assert!(
                ratio(colour(fg, dark), colour(bg, dark)) >= 3.0,
                "{fg} on {bg}"
            );
        }
    }
}

#[test]
fn a_transfer_code_found_by_the_add_scanner_opens_the_import() {
    let old = Device::new(accounts(12, 12));
    let new = Device::new(Vec::new());
    let parts = show_export(&old, true);
    assert_eq!(parts, 2);
    new.app.window().global::<ListAdapter>().invoke_add();
    assert_eq!(new.screen(), Screen::Scan);
    let png = old.screenshot_png();
    monban::app::scan::feed_frame(
        new.app.core(),
        monban::camera::load_image_bytes(&png).unwrap(),
    );
    new.until("the import page", |a| {
        a.window().global::<Navigation>().get_screen() == Screen::Import
    });
    let im = new.app.window().global::<ImportAdapter>();
    new.until("the first part", |a| {
        a.window().global::<ImportAdapter>().get_scanned() == 1
    });
    assert_eq!((im.get_scanned(), im.get_count()), (1, 2));
    scan_part(&old, &new, 2);
    assert_eq!(im.get_stage(), ImportStage::Summary);
    assert_eq!(im.get_to_add(), 12);
}

#[test]
fn export_choices_work_through_accessibility_actions() {
    let d = Device::on(accounts(3, 13), Screen::Export);
    let ex = d.app.window().global::<ExportAdapter>();
    let find = |label: &str| {
        ElementHandle::find_by_accessible_label(d.app.window(), label)
            .next()
            .unwrap_or_else(|| panic!("{label}"))
    };
    let row = find("Service0, user0@example.com");
    assert_eq!(row.accessible_checked(), Some(true));
    row.invoke_accessible_default_action();
    assert_eq!(ex.get_selected_count(), 2);
    assert_eq!(
        find("Service0, user0@example.com").accessible_checked(),
        Some(false)
    );
    let sealed = find("Sealed Monban transfer (recommended)");
    assert_eq!(sealed.accessible_checked(), Some(true));
    find("Google Authenticator format").invoke_accessible_default_action();
    assert!(ex.get_google());
    assert!(d.has_label(
        "Not encrypted Anyone who sees or photographs these QR codes owns your accounts. Show them only to your own new device, where nobody else can see the screen."
    ));
    find("Show QR codes").invoke_accessible_default_action();
    assert!(d.prompt().get_shown(), "the passcode comes first");
}

/// The app's real settings (Argon2id 64 MiB, t = 3, p = 4 for the vault, the passcode check,
/// the sealed transfer): how long the waits behind the spinners are. Prints the figures;
/// run with `cargo test --release --test integration ui_transfer::real_kdf -- --ignored --nocapture`.
#[test]
#[ignore = "slow: real key derivation"]
fn real_kdf_waits_of_a_sealed_move() {
    init_backend();
    let real = |list| Device::with_kdf(list, KdfParams::DEFAULT, OpenOptions::default());
    let (old_device, new_device) = (real(accounts(25, 14)), real(Vec::new()));
    let (old, new) = (&old_device.app, &new_device.app);
    let t = std::time::Instant::now();
    old.window()
        .global::<Navigation>()
        .invoke_open(Screen::Export);
    old.window().global::<ExportAdapter>().invoke_start();
    old.window()
        .global::<ReauthAdapter>()
        .invoke_submit(PASSCODE.into());
    assert!(old.pump_until(WAIT, |a| !a.window().global::<ReauthAdapter>().get_shown()));
    let reauth = t.elapsed();
    assert!(
        old.pump_until(WAIT, |a| a.window().global::<Navigation>().get_screen()
            == Screen::ExportShow)
    );
    let sealed = t.elapsed() - reauth;
    let ex = old.window().global::<ExportAdapter>();
    new.window()
        .global::<Navigation>()
        .invoke_open(Screen::Import);
    let t = std::time::Instant::now();
    for k in 1..=ex.get_parts() {
        while ex.get_part() != k {
            ex.invoke_next();
        }
        mock_elapsed_time(Duration::from_millis(1));
        let snap = old.window().window().take_snapshot().unwrap();
        let frame = monban::camera::frame_from_pixels(
            snap.as_bytes(),
            snap.width() as usize,
            snap.height() as usize,
            snap.width() as usize * 4,
            monban::camera::Packing::Rgba,
        )
        .unwrap();
        let before = new.window().global::<ImportAdapter>().get_scanned();
        monban::app::scan::feed_frame(new.core(), frame);
        assert!(new.pump_until(WAIT, |a| {
            let im = a.window().global::<ImportAdapter>();
            im.get_scanned() > before || im.get_stage() != ImportStage::Scanning
        }));
    }
    let scanning = t.elapsed() / ex.get_parts() as u32;
    let t = std::time::Instant::now();
    let im = new.window().global::<ImportAdapter>();
    ex.invoke_show_code();
    im.invoke_submit_code(ex.get_code());
    assert!(
        new.pump_until(WAIT, |a| a.window().global::<ImportAdapter>().get_stage()
            == ImportStage::Summary)
    );
    let open = t.elapsed();
    assert_eq!(im.get_to_add(), 25);
    println!(
        "25 accounts, {} sealed parts: passcode check {:?}, sealing {:?}, per part capture+decode {:?}, opening {:?}",
        ex.get_parts(),
        reauth,
        sealed,
        scanning,
        open
    );
}

/// Every control on the export, import, backup, passcode, about and account-QR screens (buttons, check boxes, radio buttons, switches, text
/// fields, combo boxes) carries an accessible label.
#[test]
fn every_control_on_the_new_pages_has_an_accessible_label() {
    use i_slint_backend_testing::{AccessibleRole, ElementQuery};
    let d = Device::new(accounts(3, 15));
    // The elements of the window now with one of `roles`.
    let having = |d: &Device, roles: &[AccessibleRole]| {
        ElementQuery::from_root(d.app.window())
            .match_descendants()
            .find_all()
            .into_iter()
            .filter(|e| e.accessible_role().is_some_and(|r| roles.contains(&r)))
            .collect::<Vec<_>>()
    };
    let unlabelled = |d: &Device, page: &str| -> Vec<String> {
        let controls = [
            AccessibleRole::Button,
            AccessibleRole::Checkbox,
            AccessibleRole::RadioButton,
            AccessibleRole::Switch,
            AccessibleRole::TextInput,
            AccessibleRole::Combobox,
        ];
        having(d, &controls)
            .into_iter()
            .filter(|e| e.accessible_label().is_none_or(|l| l.trim().is_empty()))
            .map(|e| format!("{page}: {:?} {:?}", e.accessible_role(), e.id()))
            .collect()
    };
    let mut missing = Vec::new();
    d.app
        .window()
        .global::<ListAdapter>()
        .invoke_open_settings();
    missing.extend(unlabelled(&d, "settings"));
    for page in [
        Screen::Export,
        Screen::Backup,
        Screen::Passcode,
        Screen::About,
        Screen::AccountQr,
        Screen::Import,
    ] {
        d.nav().invoke_open(page);
        missing.extend(unlabelled(&d, &format!("{page:?}")));
        d.nav().invoke_back();
    }
    d.app
        .window()
        .global::<ListAdapter>()
        .invoke_open_settings();
    d.nav().invoke_open(Screen::Export);
    d.app.window().global::<ExportAdapter>().invoke_start();
    missing.extend(unlabelled(&d, "passcode prompt"));
    d.reauth(PASSCODE);
    d.until("the parts", |a| {
        a.window().global::<Navigation>().get_screen() == Screen::ExportShow
    });
    missing.extend(unlabelled(&d, "export parts"));
    assert!(missing.is_empty(), "{missing:#?}");
    // The query does see the controls: the parts page has its buttons and switch, labelled.
    let controls: Vec<_> = having(&d, &[AccessibleRole::Button, AccessibleRole::Switch])
        .into_iter()
        .filter_map(|e| e.accessible_label())
        .collect();
    for label in [
        "Previous",
        "Next",
        "Show the transfer code",
        "Advance every 3 s",
    ] {
        assert!(
            controls.iter().any(|l| l == label),
            "{label} in {controls:?}"
        );
    }
    // The transfer code's own step.
    d.app.window().global::<ExportAdapter>().invoke_show_code();
    let missing = unlabelled(&d, "transfer code step");
    assert!(missing.is_empty(), "{missing:#?}");
    assert!(d.has_label("Done") && d.has_label("Back to the QR codes"));
}

/// Someone at an unlocked app copies a vault of their own over the vault file: their passcode
/// opens that file, but the prompt checks the open vault's key slot in memory, so it is
/// refused, and so is changing the passcode with it; the real passcode still works.
#[test]
fn reauth_and_change_passcode_check_the_open_vault_not_the_file() {
    let d = Device::new(accounts(3, 12));
    let path = d.dir.path().join("device.vault");
    let theirs = d.dir.path().join("theirs.vault");
    const THEIRS: &str = "attacker passcode";
    let v = Vault::create_with(
        &theirs,
        THEIRS,
        KdfParams::TEST_LIGHT,
        T0,
        &OpenOptions::light_for_tests(),
    )
    .unwrap();
    v.lock();
    std::fs::copy(&theirs, &path).unwrap();

    d.nav().invoke_open(Screen::Export);
    d.app.window().global::<ExportAdapter>().invoke_start();
    d.reauth(THEIRS);
    assert_eq!(
        d.prompt().get_error(),
        Msg::ReauthWrong,
        "the file's passcode is refused"
    );
    assert!(d.prompt().get_shown());
    assert_eq!(
        d.app
            .window()
            .global::<ExportAdapter>()
            .get_qr()
            .size()
            .width,
        0,
        "no part shown"
    );
    d.reauth(PASSCODE);
    assert!(!d.prompt().get_shown(), "the open vault's passcode passes");

    d.nav().invoke_open(Screen::Passcode);
    let p = d.app.window().global::<PasscodeAdapter>();
    p.invoke_change_passcode(
        THEIRS.into(),
        "their own new harbour compass".into(),
        "their own new harbour compass".into(),
    );
    d.until_idle::<PasscodeAdapter>("the check");
    assert_eq!(p.get_message(), Msg::PasscodeWrong);
    assert!(d.app.core().is_unlocked());
}

/// Change passcode goes through the same attempt policy as the prompt: wrong current
/// passcodes are counted, and at the limit the app locks.
#[test]
fn wrong_current_passcodes_at_change_passcode_lock_the_app() {
    let d = Device::on(accounts(1, 13), Screen::Passcode);
    let p = d.app.window().global::<PasscodeAdapter>();
    for i in 0..monban::vault::REAUTH_LIMIT {
        assert!(d.app.core().is_unlocked(), "unlocked before try {i}");
        p.invoke_change_passcode(
            format!("guess number {i}").into(),
            "violet harbour compass 19 slowly".into(),
            "violet harbour compass 19 slowly".into(),
        );
        d.until_idle::<PasscodeAdapter>("the check");
    }
    assert!(!d.app.core().is_unlocked(), "the limit locks the app");
    assert_eq!(d.screen(), Screen::Unlock);
    assert!(monban::vault::failed_attempts(&d.dir.path().join("device.vault")) >= 3);
}

/// Every frame of a sealed export, as a camera pointed at the screen would see it: each frame
/// that shows a QR part shows no transfer code, and the frame with the code holds no QR code.
/// (A recording of the whole export still holds both: see the threat table.)
#[test]
fn no_frame_of_a_sealed_export_holds_both_a_part_and_the_code() {
    let d = Device::new(accounts(12, 14));
    let parts = show_export(&d, false);
    assert!(parts >= 2, "several parts: {parts}");
    let ex = d.app.window().global::<ExportAdapter>();
    let code_label = |d: &Device| {
        let spoken = d.app.window().global::<ExportAdapter>().get_code_spoken();
        !spoken.is_empty() && d.has_label(&format!("Transfer code: {spoken}"))
    };
    let mut seen = std::collections::BTreeSet::new();
    // Forward by hand, then by the automatic advance.
    for step in 0..2 * parts {
        if step < parts {
            if step > 0 {
                ex.invoke_next();
            }
        } else {
            mock_elapsed_time(Duration::from_secs(monban::app::export::SECONDS_PER_PART));
        }
        let png = d.screenshot_png();
        let frame = monban::camera::load_image_bytes(&png).unwrap();
        let found = monban::qr::decode(&frame);
        assert_eq!(found.len(), 1, "one part on screen at step {step}");
        assert!(found[0].text.starts_with("monban-t"), "{}", found[0].text);
        assert_eq!(
            ex.get_code(),
            "",
            "no code in Slint beside part {}",
            ex.get_part()
        );
        assert!(!code_label(&d), "no code on screen beside a part");
        seen.insert(found[0].text.clone());
    }
    assert_eq!(seen.len(), parts, "every part was shown");
    let code = transfer_code(&d);
    assert_eq!(code.len(), 11);
    assert!(code_label(&d), "the code step shows the code");
    let png = d.screenshot_png();
    let frame = monban::camera::load_image_bytes(&png).unwrap();
    assert!(
        monban::qr::decode(&frame).is_empty(),
        "no QR code beside the code"
    );
    mock_elapsed_time(Duration::from_secs(
        3 * monban::app::export::SECONDS_PER_PART,
    ));
    assert_eq!(
        ex.get_qr().size().width,
        0,
        "no automatic advance while the code shows"
    );
    // Back to the parts: the code leaves first.
    ex.invoke_hide_code();
    assert_eq!(ex.get_code(), "");
    let png = d.screenshot_png();
    let frame = monban::camera::load_image_bytes(&png).unwrap();
    assert_eq!(monban::qr::decode(&frame).len(), 1);
    assert!(!code_label(&d));
}

/// With automatic backups on (set up as `monban backup auto on` does), every change made in
/// the app writes a backup through the core's service, as every CLI command does: delete,
/// favourite, reorder. The newest backup holds the vault as it is after the change.
#[test]
fn every_change_in_the_app_writes_an_automatic_backup() {
    use monban::autobackup::{self, BackupSettings, Status};
    use monban::transfer::backup;
    use monban::vault::{BackupPasswordSource, KdfBounds};
    let d = Device::new(accounts(3, 15));
    let path = d.dir.path().join("device.vault");
    let backups = d.dir.path().join("backups");
    d.app.core().lock();
    let mut v = Vault::open_with(&path, PASSCODE, T0, &OpenOptions::light_for_tests()).unwrap();
    let key = backup::derive_key(
        "backup password",
        KdfParams::TEST_LIGHT,
        BackupPasswordSource::Separate,
    )
    .unwrap();
    v.set_backup_key(Some(key)).unwrap();
    drop(v);
    std::fs::create_dir(&backups).unwrap();
    let settings = BackupSettings {
        enabled: true,
        dir: Some(backups.clone().into()),
        keep: 10,
    };
    autobackup::config::save(&path, &settings).unwrap();
    d.unlock(PASSCODE);
    let count = || autobackup::count_files(&backups.clone().into(), &Status::load(&path));
    assert_eq!(count(), 0, "opening is not a change");

    let list = d.app.window().global::<ListAdapter>();
    let id = |i| list.get_accounts().row_data(i).unwrap().id;
    list.invoke_delete(id(0));
    assert_eq!(count(), 1, "a deletion is backed up");
    list.invoke_move(id(1), -1);
    assert_eq!(count(), 2, "a new order is backed up");
    list.invoke_toggle_favourite(id(0));
    assert_eq!(count(), 3, "a new favourite is backed up");

    let newest = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .max_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap())
        .unwrap();
    let b = backup::read(
        &std::fs::read(&newest).unwrap(),
        "backup password",
        &KdfBounds::LIGHT_FOR_TESTS,
    )
    .unwrap();
    assert_eq!(
        b.entries.len(),
        2,
        "the deleted account is gone from the backup"
    );
    assert!(
        !Status::load(&path).pending_changes,
        "nothing left unbacked"
    );
}
