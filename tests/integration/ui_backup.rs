//! The app's side of "never locked out" on Slint's testing backend (the real components and
//! controllers, light test vaults, a manual clock): automatic backups turned on from the app,
//! the banner on the list while they fail (and gone once one succeeds), the backup and
//! passcode reminders, the first-run offer, restore from the automatic folder and from a file
//! keeping every field, and a damaged vault at unlock offering the right copy.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use i_slint_backend_testing::{ElementHandle, TestingBackend, TestingBackendOptions};
use monban::account::{Account, Secret};
use monban::app::{
    App, AppOptions, AutoBackupAdapter, ImportAdapter, ImportStage, ListAdapter, ManualClock, Msg,
    Navigation, PasscodeAdapter, SafetyAdapter, Screen, UnlockAdapter,
};
use monban::autobackup::{self, Status};
use monban::reminders::ReminderState;
use monban::vault::{self, Entry, EntryMeta, Icon, KdfParams, OpenOptions, Vault};
use slint::{ComponentHandle, Model};

const PASSCODE: &str = "correct horse";
const PASSWORD: &str = "a backup password of its own";
/// 2026-03-14 10:00:00 UTC.
const T0: u64 = 1_773_482_400;
const DAY: u64 = 86_400;
const WAIT: Duration = Duration::from_secs(120);

fn init_backend() {
    let _ = slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })));
}

struct Device {
    dir: tempfile::TempDir,
    path: PathBuf,
    clock: Arc<ManualClock>,
    app: App,
}

/// The demo accounts with every kind of metadata: icons, colours, favourites, notes, groups,
/// an order of their own and a HOTP counter moved on.
fn rich(v: &mut Vault) {
    monban::app::demo::fill_sample(v, T0).unwrap();
    let mut hotp = Account::totp("Counter Bank", "alice", Secret::new(vec![7; 20]));
    hotp.kind = monban::account::Kind::Hotp;
    hotp.counter = 41;
    let id = v.add(hotp, T0).unwrap();
    v.next_hotp_code(id, T0 + 5).unwrap();
    let ids: Vec<_> = v.entries().iter().map(|e| e.id).collect();
    for (i, id) in ids.iter().enumerate() {
        let e = v.entry(*id).unwrap().clone();
        let meta = EntryMeta {
            note: format!("note {i}: recovery codes in the drawer"),
            groups: if i % 2 == 0 {
                vec!["Work".into(), "仕事".into()]
            } else {
                vec!["Home".into()]
            },
            icon: if i == 1 {
                Icon::Builtin("github".into())
            } else {
                e.meta.icon.clone()
            },
            colour: 0x00_12_34_56 + i as u32,
            ..e.meta
        };
        v.update(*id, e.account, meta).unwrap();
    }
    let last = *ids.last().unwrap();
    v.reorder(last, 0).unwrap();
}

impl Device {
    /// A vault filled by `fill` (light KDF) and the app on its unlock screen.
    fn locked(fill: impl FnOnce(&mut Vault)) -> Device {
        init_backend();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.vault");
        let mut v = Vault::create_with(
            &path,
            PASSCODE,
            KdfParams::TEST_LIGHT,
            T0,
            &OpenOptions::light_for_tests(),
        )
        .unwrap();
        fill(&mut v);
        v.lock();
        let clock = Arc::new(ManualClock::at_ms(T0 * 1000));
        let app = App::new(AppOptions::for_tests(path.clone(), clock.clone())).unwrap();
        app.window()
            .window()
            .set_size(slint::LogicalSize::new(600.0, 1400.0));
        app.window().show().unwrap();
        Device {
            dir,
            path,
            clock,
            app,
        }
    }

    /// The same, unlocked.
    fn new(fill: impl FnOnce(&mut Vault)) -> Device {
        let d = Device::locked(fill);
        d.unlock();
        d
    }

    fn unlock(&self) {
        self.app
            .window()
            .global::<UnlockAdapter>()
            .invoke_unlock(PASSCODE.into());
        self.until("unlock", |a| a.core().is_unlocked());
    }

    fn until(&self, what: &str, done: impl FnMut(&App) -> bool) {
        assert!(
            self.app.pump_until(WAIT, done),
            "timed out waiting for {what}"
        );
    }

    fn screen(&self) -> Screen {
        self.app.window().global::<Navigation>().get_screen()
    }

    fn safety(&self) -> SafetyAdapter<'_> {
        self.app.window().global::<SafetyAdapter>()
    }

    fn auto(&self) -> AutoBackupAdapter<'_> {
        self.app.window().global::<AutoBackupAdapter>()
    }

    fn list(&self) -> ListAdapter<'_> {
        self.app.window().global::<ListAdapter>()
    }

    fn has_label(&self, label: &str) -> bool {
        ElementHandle::find_by_accessible_label(self.app.window(), label)
            .next()
            .is_some()
    }

    fn click(&self, label: &str) {
        ElementHandle::find_by_accessible_label(self.app.window(), label)
            .next()
            .unwrap_or_else(|| panic!("no element labelled {label:?}"))
            .invoke_accessible_default_action();
        self.app.pump();
    }

    /// A change made on the list (a favourite toggled).
    fn change(&self) {
        let id = self.list().get_accounts().row_data(0).unwrap().id;
        self.list().invoke_toggle_favourite(id);
        self.app.pump();
    }

    /// Turns automatic backups on into `dir` from the backup settings, with a separate
    /// password (`passcode == false`) or the vault passcode.
    fn turn_on(&self, dir: &Path, passcode: bool) {
        self.app
            .window()
            .global::<Navigation>()
            .invoke_open(Screen::AutoBackup);
        assert_eq!(self.screen(), Screen::AutoBackup);
        let a = self.auto();
        a.set_folder(dir.display().to_string().into());
        a.set_use_passcode(passcode);
        // More than the demo vault's accounts: deleting them one by one (a backup each) keeps
        // the backup made before the first deletion.
        a.set_keep(100);
        if passcode {
            a.invoke_turn_on(PASSCODE.into(), "".into());
        } else {
            a.invoke_turn_on(PASSWORD.into(), PASSWORD.into());
        }
        self.until("the backup key", |a| {
            !a.window().global::<AutoBackupAdapter>().get_busy()
        });
        assert_eq!(
            a.get_message(),
            Msg::BackupTurnedOn,
            "{}",
            a.get_message_arg()
        );
    }

    fn count(&self, dir: &Path) -> usize {
        autobackup::count_files(&dir.to_path_buf().into(), &Status::load(&self.path))
    }

    fn back(&self) {
        self.app.window().global::<Navigation>().invoke_back();
        self.app.pump();
    }
}

/// What a restore must bring back, per entry: the account and all its metadata (ids aside).
fn fields(entries: &[Entry]) -> Vec<(Account, EntryMeta)> {
    let mut v: Vec<_> = entries
        .iter()
        .map(|e| (e.account.clone(), e.meta.clone()))
        .collect();
    v.sort_by_key(|(_, m)| m.order);
    v
}

#[test]
fn turned_on_from_the_app_the_state_is_one_line_and_the_folder_fills() {
    let d = Device::new(rich);
    let a = d.auto();
    d.app
        .window()
        .global::<Navigation>()
        .invoke_open(Screen::AutoBackup);
    assert_eq!(a.get_state(), Msg::BackupStateOff);
    // The checks before any key is derived.
    let dir = d.dir.path().join("Sync").join("Monban");
    a.set_folder("".into());
    a.set_use_passcode(false);
    a.invoke_turn_on(PASSWORD.into(), PASSWORD.into());
    assert_eq!(a.get_message(), Msg::BackupChooseFolder);
    a.set_folder(dir.display().to_string().into());
    a.invoke_turn_on("short".into(), "short".into());
    assert_eq!(a.get_message(), Msg::PasswordShort);
    a.invoke_turn_on(PASSWORD.into(), "a backup password of its owm".into());
    assert_eq!(a.get_message(), Msg::PasswordsDiffer);
    // The vault passcode, mistyped: nothing is turned on.
    a.set_use_passcode(true);
    a.invoke_turn_on("not the passcode".into(), "".into());
    d.until("the passcode check", |a| {
        !a.window().global::<AutoBackupAdapter>().get_busy()
    });
    assert_eq!(a.get_message(), Msg::PasscodeWrong);
    assert!(!autobackup::config::load(&d.path).enabled);

    d.turn_on(&dir, false);
    assert_eq!(d.count(&dir), 1, "the first backup right away");
    assert!(a.get_enabled());
    assert_eq!(a.get_state(), Msg::BackupStateToday);
    assert_eq!(
        a.get_state_arg(),
        "10:00",
        "the app's clock, in local time (UTC here)"
    );
    assert_eq!(a.get_state_arg2(), "1");
    assert_eq!(a.get_state_arg3(), dir.display().to_string());
    assert_eq!(a.get_backups().row_count(), 1);
    let n = d.app.core().vault_entries().len() as i32;
    assert_eq!(a.get_backups().row_data(0).unwrap().accounts, n);
    // Back up now, and the restore drill of a listed backup: count, date, fingerprint.
    d.clock.advance_ms(60_000);
    a.invoke_back_up_now();
    assert_eq!(a.get_message(), Msg::BackupWritten);
    assert_eq!(a.get_message_arg2(), "2");
    a.invoke_check(0);
    assert_eq!(a.get_message(), Msg::DrillOkDated);
    assert_eq!(a.get_message_arg(), "2026-03-14 10:01");
    assert_eq!(a.get_message_arg2(), n.to_string());
    assert_eq!(
        a.get_message_arg3().len(),
        19,
        "fingerprint xxxx-xxxx-xxxx-xxxx"
    );
    // The backup opens with the separate password, as `monban backup verify` would open it.
    let newest = autobackup::folder::list(&dir, None).unwrap().pop().unwrap();
    let b = monban::transfer::backup::read(
        &std::fs::read(&newest).unwrap(),
        PASSWORD,
        &vault::KdfBounds::LIGHT_FOR_TESTS,
    )
    .unwrap();
    assert_eq!(b.entries.len() as i32, n);
    // The settings screen shows the same one line.
    d.back();
    d.app
        .window()
        .global::<Navigation>()
        .invoke_open(Screen::Settings);
    assert!(d.has_label("Automatic backups and restore"));
    a.invoke_turn_off();
    assert_eq!(a.get_message(), Msg::BackupTurnedOff);
    assert_eq!(a.get_state(), Msg::BackupStateOff);
    assert_eq!(
        d.count(&dir),
        2,
        "turning off leaves the backups where they are"
    );
}

#[test]
fn a_failing_backup_shows_a_banner_until_one_succeeds() {
    let d = Device::new(rich);
    let dir = d.dir.path().join("usb").join("backups");
    d.turn_on(&dir, false);
    d.back();
    assert_eq!(d.screen(), Screen::List);
    assert_eq!(d.safety().get_failure(), Msg::None);
    assert!(!d.has_label("Automatic backups are failing"));

    // The folder is gone (an unplugged drive): the change is saved, the banner says why.
    std::fs::remove_dir_all(d.dir.path().join("usb")).unwrap();
    let before = d.app.core().vault_entries();
    d.change();
    assert_ne!(d.app.core().vault_entries(), before, "the change stands");
    assert_eq!(d.safety().get_failure(), Msg::BackupFolderGone);
    assert_eq!(d.safety().get_failure_arg(), dir.display().to_string());
    assert!(d.has_label("Automatic backups are failing"));
    assert!(!dir.exists(), "a vanished folder is never re-created");
    // It stays: across a lock and an unlock, and the settings line says the same.
    d.app.core().lock();
    assert_eq!(
        d.safety().get_failure(),
        Msg::None,
        "nothing shows while locked"
    );
    d.unlock();
    assert_eq!(d.safety().get_failure(), Msg::BackupFolderGone);
    assert_eq!(d.auto().get_state(), Msg::BackupFolderGone);
    assert!(d.auto().get_state_is_error());

    // Something else in its place: a file where the folder was.
    std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
    std::fs::write(&dir, b"not a folder").unwrap();
    d.change();
    assert_eq!(d.safety().get_failure(), Msg::BackupNotFolder);

    // Fixed: the banner's button leads to the backup settings; a backup there clears it.
    std::fs::remove_file(&dir).unwrap();
    std::fs::create_dir(&dir).unwrap();
    d.click("Backup settings");
    assert_eq!(d.screen(), Screen::AutoBackup);
    d.auto().invoke_back_up_now();
    assert_eq!(d.auto().get_message(), Msg::BackupWritten);
    assert_eq!(d.safety().get_failure(), Msg::None);
    d.back();
    assert!(!d.has_label("Automatic backups are failing"));
    assert_eq!(d.auto().get_state(), Msg::BackupStateToday);
    assert!(Status::load(&d.path).last_error.is_none());
}

#[test]
fn the_backup_reminder_shows_after_a_change_is_dismissed_and_comes_back() {
    let d = Device::new(rich);
    assert!(!d.safety().get_backup_reminder(), "nothing changed yet");
    d.change();
    assert!(d.safety().get_backup_reminder());
    assert!(d.has_label("Not backed up"));
    d.click("Dismiss");
    assert!(!d.safety().get_backup_reminder());
    assert!(!d.has_label("Not backed up"));
    d.change();
    assert!(
        d.safety().get_backup_reminder(),
        "back after the next change"
    );
    // "Back up" leads to the backup settings.
    d.click("Back up");
    assert_eq!(d.screen(), Screen::AutoBackup);
    d.back();
    // Turned off in the settings.
    d.auto().set_remind_backup(false);
    d.auto().invoke_reminders_changed();
    assert!(!d.safety().get_backup_reminder());
    d.change();
    assert!(!d.safety().get_backup_reminder(), "off stays off");
    assert!(
        !monban::reminders::ReminderSettings::load(&d.path).backup,
        "kept in the settings beside the vault"
    );
}

#[test]
fn the_passcode_reminder_comes_every_14_days_and_an_unlock_counts() {
    let d = Device::new(rich);
    assert!(!d.safety().get_passcode_reminder());
    assert_eq!(
        ReminderState::load(&d.path).passcode_typed_at,
        Some(T0),
        "the unlock counts as typing it"
    );
    d.clock.advance_ms((14 * DAY - 120) * 1000);
    d.app.core().tick();
    assert!(!d.safety().get_passcode_reminder(), "not yet");
    d.clock.advance_ms(120_000);
    d.app.core().tick();
    assert!(d.safety().get_passcode_reminder());
    assert!(d.has_label("Do you still know your passcode?"));
    // A wrong one is counted like any passcode prompt; the right one answers it.
    d.safety().invoke_check_passcode("not my passcode".into());
    d.until("the check", |a| {
        !a.window().global::<SafetyAdapter>().get_busy()
    });
    assert_eq!(d.safety().get_passcode_message(), Msg::ReauthWrong);
    assert!(d.safety().get_passcode_reminder());
    assert_eq!(vault::failed_attempts(&d.path), 1);
    d.safety().invoke_check_passcode(PASSCODE.into());
    d.until("the check", |a| {
        !a.window().global::<SafetyAdapter>().get_busy()
    });
    assert!(!d.safety().get_passcode_reminder());
    let nav = d.app.window().global::<Navigation>();
    assert_eq!(
        (nav.get_toast(), nav.get_toast_arg()),
        (Msg::PasscodeKept, "14".into())
    );
    assert_eq!(
        ReminderState::load(&d.path).passcode_typed_at,
        Some(T0 + 14 * DAY)
    );
    assert_eq!(vault::failed_attempts(&d.path), 0);
    // "Later" asks again a day after.
    d.clock.advance_ms(14 * DAY * 1000);
    d.app.core().tick();
    assert!(d.safety().get_passcode_reminder());
    d.click("Later");
    assert!(!d.safety().get_passcode_reminder());
    d.clock.advance_ms((DAY - 60) * 1000);
    d.app.core().tick();
    assert!(!d.safety().get_passcode_reminder());
    d.clock.advance_ms(60_000);
    d.app.core().tick();
    assert!(d.safety().get_passcode_reminder());
    // An unlock answers it.
    d.app.core().lock();
    d.unlock();
    assert!(!d.safety().get_passcode_reminder());
    // Off in the settings.
    d.auto().set_passcode_reminder_index(0);
    d.auto().invoke_reminders_changed();
    d.clock.advance_ms(100 * DAY * 1000);
    d.app.core().tick();
    assert!(!d.safety().get_passcode_reminder());
    assert_eq!(
        monban::reminders::ReminderSettings::load(&d.path).passcode_days,
        0
    );
}

#[test]
fn after_the_first_account_automatic_backups_are_offered_once() {
    let d = Device::new(|_| {});
    assert!(!d.safety().get_offer());
    let add = |line: &str| {
        let file = d.dir.path().join("uris.txt");
        std::fs::write(&file, line).unwrap();
        d.app
            .window()
            .global::<Navigation>()
            .invoke_open(Screen::Import);
        monban::app::import::open_path(d.app.core(), &file);
        let im = d.app.window().global::<ImportAdapter>();
        assert_eq!(im.get_stage(), ImportStage::Summary);
        im.invoke_confirm();
        d.app.window().global::<Navigation>().invoke_back();
        d.app.pump();
        assert_eq!(d.screen(), Screen::List);
    };
    add("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example\n");
    assert!(d.safety().get_offer());
    assert!(d.has_label("Back up automatically?"));
    assert!(
        !d.has_label("Not backed up"),
        "the offer, not the reminder as well"
    );
    d.click("Not now");
    assert!(!d.safety().get_offer());
    // Once only: not after the next "first" account either, nor after a restart.
    let id = d.list().get_accounts().row_data(0).unwrap().id;
    d.list().invoke_delete(id);
    add("otpauth://totp/Other:bob?secret=JBSWY3DPEHPK3PXQ&issuer=Other\n");
    assert!(!d.safety().get_offer());
    assert!(ReminderState::load(&d.path).backup_offered);
    // The reminder takes over after the offer.
    assert!(d.has_label("Not backed up"));
    assert_eq!(autobackup::config::load(&d.path).keep, 10, "untouched");
}

#[test]
fn the_first_run_offer_leads_to_the_backup_settings() {
    let d = Device::new(|_| {});
    let file = d.dir.path().join("uris.txt");
    std::fs::write(
        &file,
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example\n",
    )
    .unwrap();
    d.app
        .window()
        .global::<Navigation>()
        .invoke_open(Screen::Import);
    monban::app::import::open_path(d.app.core(), &file);
    d.app.window().global::<ImportAdapter>().invoke_confirm();
    d.back();
    d.click("Turn on automatic backups");
    assert_eq!(d.screen(), Screen::AutoBackup);
    assert!(!d.safety().get_offer());
}

#[test]
fn restore_in_the_app_keeps_every_field() {
    let d = Device::new(rich);
    let original = fields(&d.app.core().vault_entries());
    assert!(
        original.iter().any(|(a, _)| a.counter == 42),
        "a HOTP counter moved on"
    );
    let dir = d.dir.path().join("backups");
    d.turn_on(&dir, false);
    d.back();

    // Everything deleted (each deletion backed up), then the first backup restored from the
    // list of the automatic folder: opened with the vault's key, no password asked.
    while d.list().get_accounts().row_count() > 0 {
        let id = d.list().get_accounts().row_data(0).unwrap().id;
        d.list().invoke_delete(id);
    }
    assert!(d.app.core().vault_entries().is_empty());
    d.app
        .window()
        .global::<Navigation>()
        .invoke_open(Screen::AutoBackup);
    let rows = d.auto().get_backups();
    let oldest = rows.row_count() - 1;
    assert_eq!(
        rows.row_data(oldest).unwrap().accounts,
        original.len() as i32
    );
    assert_eq!(rows.row_data(0).unwrap().accounts, 0, "newest first");
    d.auto().invoke_restore(oldest as i32);
    assert_eq!(d.screen(), Screen::Import);
    let im = d.app.window().global::<ImportAdapter>();
    assert_eq!(im.get_stage(), ImportStage::Summary);
    assert_eq!(im.get_to_add() as usize, original.len());
    im.invoke_confirm();
    assert_eq!(fields(&d.app.core().vault_entries()), original);

    // On another device, from the file, with its password.
    let file = autobackup::folder::list(&dir, None).unwrap().remove(0);
    let copy = d.dir.path().join("carried.monban-backup");
    std::fs::copy(&file, &copy).unwrap();
    let other = Device::new(|_| {});
    other
        .app
        .window()
        .global::<Navigation>()
        .invoke_open(Screen::Import);
    monban::app::import::open_path(other.app.core(), &copy);
    let im = other.app.window().global::<ImportAdapter>();
    assert_eq!(im.get_stage(), ImportStage::Password);
    im.invoke_submit_password(PASSWORD.into());
    other.until("the summary", |a| {
        a.window().global::<ImportAdapter>().get_stage() == ImportStage::Summary
    });
    im.invoke_confirm();
    assert_eq!(fields(&other.app.core().vault_entries()), original);
}

/// Flips one byte of the Argon2 salt (offset 34, docs/vault-format.md).
fn flip_salt(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[34] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_damaged_vault_is_not_a_wrong_passcode_and_offers_its_previous_save() {
    let d = Device::locked(rich);
    let bak = vault::backup_path(&d.path);
    let previous = vault::read_bytes(
        &std::fs::read(&bak).unwrap(),
        PASSCODE,
        &vault::KdfBounds::LIGHT_FOR_TESTS,
    )
    .unwrap();
    flip_salt(&d.path);
    let u = d.app.window().global::<UnlockAdapter>();
    u.invoke_unlock(PASSCODE.into());
    d.until("the unlock", |a| {
        !a.window().global::<UnlockAdapter>().get_busy()
    });
    assert!(!d.app.core().is_unlocked());
    assert_eq!(u.get_error(), Msg::None, "not 'Wrong passcode'");
    assert_eq!(u.get_damaged(), Msg::DamagedBak);
    assert_eq!(u.get_damaged_arg2(), previous.entries.len().to_string());
    assert!(!u.get_damaged_arg().is_empty(), "from when");
    assert_eq!(u.get_restore_kind(), 1);
    assert_eq!(vault::failed_attempts(&d.path), 0, "never a failed attempt");
    assert!(d.has_label("Restore the previous save"));
    // A wrong passcode at the restore is one.
    u.invoke_restore("not the passcode".into());
    d.until("the restore", |a| {
        !a.window().global::<UnlockAdapter>().get_busy()
    });
    assert_eq!(u.get_error(), Msg::WrongPasscode);
    assert_eq!(vault::failed_attempts(&d.path), 1);
    u.invoke_restore(PASSCODE.into());
    d.until("the restore", |a| a.core().is_unlocked());
    assert_eq!(d.screen(), Screen::List);
    assert_eq!(
        fields(&d.app.core().vault_entries()),
        fields(&previous.entries)
    );
    assert!(vault::damaged_path(&d.path).exists(), "kept aside");
    assert_eq!(u.get_damaged(), Msg::None);
}

/// The unlock screen is idle (no key derivation running).
fn unlock_settled(a: &App) -> bool {
    !a.window().global::<UnlockAdapter>().get_busy()
}

/// A device whose automatic backups (with the vault passcode, or with their own password)
/// hold `rich`, then its vault and the previous save damaged and the passcode typed: the
/// damaged-vault offer is on screen. Also the backup folder and the accounts as they were.
fn damaged_with_backups(passcode: bool) -> (Device, PathBuf, Vec<(Account, EntryMeta)>) {
    let d = Device::new(rich);
    let dir = d.dir.path().join("backups");
    d.turn_on(&dir, passcode);
    d.back();
    let original = fields(&d.app.core().vault_entries());
    d.app.core().lock();
    flip_salt(&d.path);
    // The previous save is damaged the same way.
    flip_salt(&vault::backup_path(&d.path));
    d.app
        .window()
        .global::<UnlockAdapter>()
        .invoke_unlock(PASSCODE.into());
    d.until("the unlock", unlock_settled);
    (d, dir, original)
}

#[test]
fn a_damaged_vault_without_a_previous_save_offers_the_newest_automatic_backup() {
    let (d, dir, original) = damaged_with_backups(true);
    let u = d.app.window().global::<UnlockAdapter>();
    assert_eq!(u.get_damaged(), Msg::DamagedAuto);
    assert_eq!(u.get_damaged_arg(), "2026-03-14 10:00");
    assert_eq!(u.get_damaged_arg2(), original.len().to_string());
    assert_eq!(u.get_restore_kind(), 2);
    assert_eq!(vault::failed_attempts(&d.path), 0);
    assert!(d.has_label("Restore the newest automatic backup"));
    u.invoke_restore(PASSCODE.into());
    d.until("the restore", |a| a.core().is_unlocked());
    assert_eq!(fields(&d.app.core().vault_entries()), original);
    let nav = d.app.window().global::<Navigation>();
    assert_eq!(nav.get_toast(), Msg::Restored);
    // The restored vault is backed up at once, and automatic backups go on with the passcode.
    assert_eq!(d.count(&dir), 2);
    assert!(Status::load(&d.path).last_error.is_none());
    d.change();
    assert_eq!(d.count(&dir), 3);
    assert_eq!(d.safety().get_failure(), Msg::None);
    // The new vault opens again after a restart of the app.
    d.app.core().lock();
    d.unlock();
}

#[test]
fn a_damaged_vault_whose_backups_have_their_own_password_restores_with_it() {
    let (d, dir, original) = damaged_with_backups(false);
    let u = d.app.window().global::<UnlockAdapter>();
    // Damaged, and the newest automatic backup does not open with the passcode: its own
    // password is asked for, from when said first.
    assert_eq!(u.get_error(), Msg::None, "not 'Wrong passcode'");
    assert_eq!(u.get_damaged(), Msg::DamagedAutoPassword);
    assert_eq!(u.get_damaged_arg(), "2026-03-14 10:00");
    assert_eq!(u.get_restore_kind(), 3);
    assert_eq!(vault::failed_attempts(&d.path), 0);
    // A wrong backup password is said, and is no vault attempt.
    u.invoke_open_backup("not the backup password".into());
    d.until("the backup", unlock_settled);
    assert_eq!(u.get_error(), Msg::WrongPassword);
    assert_eq!(u.get_restore_kind(), 3);
    assert_eq!(vault::failed_attempts(&d.path), 0);
    // Typed into the field and opened with the button, as a user does: what it holds, in
    // plain words, before anything changes.
    ElementHandle::find_by_accessible_label(d.app.window(), "Backup password")
        .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::TextInput))
        .expect("the backup password field")
        .set_accessible_value(PASSWORD);
    d.click("Open the automatic backup");
    d.until("the backup", unlock_settled);
    assert_eq!(u.get_error(), Msg::None);
    assert_eq!(u.get_damaged(), Msg::DamagedAutoOpened);
    assert_eq!(u.get_damaged_arg(), "2026-03-14 10:00");
    assert_eq!(u.get_damaged_arg2(), original.len().to_string());
    assert_eq!(u.get_restore_kind(), 4);
    assert!(
        !vault::damaged_path(&d.path).exists(),
        "nothing changed yet"
    );
    assert!(d.has_label("Passcode again"));
    // Locking (leaving the app) drops the opened backup: its password is asked again.
    d.app.core().lock();
    assert_eq!(u.get_damaged(), Msg::DamagedAutoPassword);
    assert_eq!(u.get_restore_kind(), 3);
    u.invoke_open_backup(PASSWORD.into());
    d.until("the backup", unlock_settled);
    assert_eq!(u.get_restore_kind(), 4);
    // The passcode of the restored vault is typed twice: nothing else can check it.
    u.invoke_restore_opened(PASSCODE.into(), "correct horsf".into());
    assert_eq!(u.get_error(), Msg::PasscodesDiffer);
    assert_eq!(u.get_restore_kind(), 4);
    u.invoke_restore_opened(PASSCODE.into(), PASSCODE.into());
    d.until("the restore", |a| a.core().is_unlocked());
    assert_eq!(fields(&d.app.core().vault_entries()), original);
    let nav = d.app.window().global::<Navigation>();
    assert_eq!(nav.get_toast(), Msg::Restored);
    assert!(vault::damaged_path(&d.path).exists(), "kept aside");
    assert_eq!(u.get_damaged(), Msg::None);
    // Automatic backups go on, still with their own password.
    assert!(Status::load(&d.path).last_error.is_none());
    let newest = autobackup::folder::list(&dir, None).unwrap().pop().unwrap();
    let b = monban::transfer::backup::read(
        &std::fs::read(newest).unwrap(),
        PASSWORD,
        &vault::KdfBounds::LIGHT_FOR_TESTS,
    )
    .unwrap();
    assert_eq!(b.entries.len(), original.len());
    // The restored vault opens with the passcode after a restart of the app.
    d.app.core().lock();
    d.unlock();
    assert_eq!(fields(&d.app.core().vault_entries()), original);
}

/// After a passcode change the automatic backups that open with the passcode are re-keyed, a
/// vault save of its own. Here that save really fails: as soon as the change is saved, a
/// watcher puts a folder with a file in it where the save keeps the previous generation
/// (`<vault>.bak`), while the new backup key is derived (the full KDF: far longer than the
/// watcher's millisecond).
#[test]
fn a_passcode_change_whose_re_keying_fails_says_so_and_keeps_everything() {
    use std::os::unix::fs::MetadataExt;
    const NEW: &str = "violet harbour compass 19 slowly";
    let d = Device::new(rich);
    let dir = d.dir.path().join("backups");
    d.turn_on(&dir, true);
    d.back();
    let original = fields(&d.app.core().vault_entries());
    let (path, bak) = (d.path.clone(), vault::backup_path(&d.path));
    let saved_as = std::fs::metadata(&path).unwrap().ino();
    let watcher = std::thread::spawn(move || {
        let until = std::time::Instant::now() + WAIT;
        while std::fs::metadata(&path).map_or(true, |m| m.ino() == saved_as) {
            assert!(
                std::time::Instant::now() < until,
                "the change was never saved"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        std::fs::remove_file(&bak).unwrap();
        std::fs::create_dir(&bak).unwrap();
        std::fs::write(bak.join("in the way"), b"x").unwrap();
    });
    d.app
        .window()
        .global::<Navigation>()
        .invoke_open(Screen::Passcode);
    let p = d.app.window().global::<PasscodeAdapter>();
    p.invoke_change_passcode(PASSCODE.into(), NEW.into(), NEW.into());
    d.until("the change", |a| {
        !a.window().global::<PasscodeAdapter>().get_busy()
    });
    watcher.join().unwrap();
    // The user is told, on the page and on the list.
    assert_eq!(p.get_message(), Msg::RekeyFailed, "{}", p.get_message_arg());
    assert!(
        p.get_message_arg()
            .contains("cannot keep the new backup key in the vault"),
        "{}",
        p.get_message_arg()
    );
    assert!(
        !d.safety().get_rekey_error().is_empty(),
        "the card on the list"
    );
    // Nothing stored is lost: the backup after the change opens with the old passcode, as
    // the message says, and holds every account; no backup failed.
    assert!(Status::load(&d.path).last_error.is_none());
    let newest = autobackup::folder::list(&dir, None).unwrap().pop().unwrap();
    let b = monban::transfer::backup::read(
        &std::fs::read(newest).unwrap(),
        PASSCODE,
        &vault::KdfBounds::LIGHT_FOR_TESTS,
    )
    .unwrap();
    assert_eq!(b.entries.len(), original.len());
    // And the vault opens with the new passcode, every account in it.
    d.app.core().lock();
    d.app
        .window()
        .global::<UnlockAdapter>()
        .invoke_unlock(NEW.into());
    d.until("the unlock", |a| a.core().is_unlocked());
    assert_eq!(fields(&d.app.core().vault_entries()), original);
}

/// Mounts a tmpfs of `size` over `dir`; without the right to (not root) the test is skipped,
/// except under `CI=true`, where it fails naming what is needed.
#[cfg(target_os = "linux")]
fn tmpfs(dir: &Path, size: &str) -> Option<crate::common::Tmpfs> {
    let mounted = crate::common::Tmpfs::mount(dir, size);
    crate::common::require(
        mounted.is_some(),
        "the right to mount a tmpfs",
        "run the tests as root (mount from util-linux)",
    );
    mounted
}

#[cfg(target_os = "linux")]
#[test]
fn a_read_only_or_full_backup_folder_shows_its_cause_until_a_backup_succeeds() {
    let d = Device::new(rich);
    let dir = d.dir.path().join("stick");
    let Some(mount) = tmpfs(&dir, "256k") else {
        return;
    };
    d.turn_on(&dir, false);
    d.back();

    // Read-only (a write-protected card, a file system remounted read-only after errors).
    mount.remount("ro");
    d.change();
    assert_eq!(d.safety().get_failure(), Msg::BackupReadOnly);
    assert!(d.has_label("Automatic backups are failing"));
    mount.remount("rw");
    d.change();
    assert_eq!(
        d.safety().get_failure(),
        Msg::None,
        "the next change backs up"
    );

    // Full to the last byte.
    let filler = mount.fill();
    d.change();
    assert_eq!(d.safety().get_failure(), Msg::BackupDiskFull);
    assert_eq!(d.safety().get_failure_arg(), dir.display().to_string());
    std::fs::remove_file(&filler).unwrap();
    d.click("Backup settings");
    d.auto().invoke_back_up_now();
    assert_eq!(d.auto().get_message(), Msg::BackupWritten);
    d.back();
    assert_eq!(d.safety().get_failure(), Msg::None);
    assert!(!d.has_label("Automatic backups are failing"));
}
