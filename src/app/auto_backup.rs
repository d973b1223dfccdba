//! Automatic backups from the app (`ui/views/auto-backup.slint`, `AutoBackupAdapter`), over
//! the core's service [`crate::autobackup`]:
//!
//! - **the state in one line** ("Last backup: today 14:02, 10 kept in ~/Sync/Monban", the home
//!   folder shortened to `~`, or the last failure's cause), also on the settings screen;
//! - **turning them on**: the folder (the desktop's folder chooser, on Android the Storage
//!   Access Framework's picker: [`crate::file_dialog::choose_backup_folder`]; a synced folder
//!   is a good choice), how many to keep, and the backup password stated
//!   plainly: the vault passcode (checked against the open vault) or a separate password typed
//!   twice (at least [`super::backup::MIN_PASSWORD_LEN`] characters, as the CLI asks). The key
//!   is derived once on a thread and kept inside the vault, then a first backup is written
//!   and read back; if that fails they stay off;
//! - **off**, **Back up now**;
//! - **restore**: the backups in the folder (date, account count: read with the vault's key,
//!   no KDF) restored through the core's import session ([`super::import::restore`]: icons,
//!   colours, notes, favourites, order, groups and HOTP counters come back as with
//!   `monban import`), or any file ([`super::import::open_file_for_restore`]); **Check** is
//!   the restore drill (date, count, fingerprint; imports nothing);
//! - **the reminders' settings** ([`crate::reminders::ReminderSettings`]).

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use chrono::{DateTime, Local};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};
use zeroize::Zeroizing;

use super::core::Core;
use super::{AppWindow, AutoBackupAdapter, AutoBackupRow, BackupAdapter, Msg, Screen, nav};
use crate::autobackup::{self, BackupSettings, Cause, Folder, Location, MAX_KEEP, Outcome, folder};
use crate::file_dialog::{self, Choice, Purpose, expand_path};
use crate::reminders::{self, Inputs, ReminderSettings};
use crate::transfer::backup;
use crate::vault::{self, BackupKey, BackupPasswordSource, KdfParams};

/// The passcode reminder's choices (days; 0 off), as the settings screen lists them.
const PASSCODE_DAYS: [u32; 4] = [0, 7, 14, 30];

#[derive(Default)]
pub(crate) struct AutoBackupState {
    /// The files behind `AutoBackupAdapter.backups`, newest first.
    listed: RefCell<Vec<String>>,
    /// A folder the picker gave that the folder field cannot hold as typed text (an Android
    /// document tree), with the label the field shows for it.
    picked: RefCell<Option<(String, Location)>>,
    busy: Cell<bool>,
}

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let a = ui.global::<AutoBackupAdapter>();
    a.set_min_password(super::backup::MIN_PASSWORD_LEN as i32);
    a.set_desktop(cfg!(not(any(target_os = "android", target_os = "ios"))));
    a.on_choose_folder(core.act(choose_folder));
    a.on_turn_on(core.act2(|core, pw: SharedString, again: SharedString| {
        turn_on(
            core,
            Zeroizing::new(pw.to_string()),
            Zeroizing::new(again.to_string()),
        )
    }));
    a.on_turn_off(core.act(turn_off));
    a.on_back_up_now(core.act(back_up_now));
    a.on_check(core.act1(|core, i: i32| check(core, i)));
    a.on_restore(core.act1(|core, i: i32| restore(core, i)));
    a.on_restore_file(core.act(restore_file));
    a.on_reminders_changed(core.act(reminders_changed));
}

/// Opens the page with the stored choices and the backups in the folder.
pub(crate) fn open(core: &Rc<Core>) {
    if !core.is_unlocked() {
        return;
    }
    let Some(ui) = core.ui() else { return };
    let a = ui.global::<AutoBackupAdapter>();
    let s = autobackup::config::load(&core.vault_path);
    let folder = s
        .dir
        .clone()
        .unwrap_or_else(|| Location::Dir(suggested_folder(core)));
    show_folder(core, &folder);
    a.set_keep(s.keep.clamp(1, MAX_KEEP) as i32);
    let separate = core
        .with_vault(|v| {
            v.backup_key()
                .is_some_and(|k| k.source == BackupPasswordSource::Separate)
        })
        .unwrap_or(false);
    a.set_use_passcode(!separate);
    message(core, Msg::None, "", "", "", false);
    refresh(core);
    nav::go(core, Screen::AutoBackup);
}

/// Where backups go unless the user picks another folder: `Monban backups` in the documents
/// folder (else beside the vault).
fn suggested_folder(core: &Core) -> PathBuf {
    directories::UserDirs::new()
        .and_then(|d| d.document_dir().map(Path::to_path_buf))
        .or_else(|| core.vault_path.parent().map(Path::to_path_buf))
        .unwrap_or_default()
        .join("Monban backups")
}

/// The page and the state line from the files beside the vault.
pub(crate) fn refresh(core: &Rc<Core>) {
    let i = Inputs::load(&core.vault_path);
    show_state(core, &i);
    list_backups(core, &i);
    super::safety::refresh(core);
}

/// The folder in the folder field (a document tree by its label, remembered beside it).
fn show_folder(core: &Core, folder: &Location) {
    let label = shown(folder);
    *core.auto_backup.picked.borrow_mut() = match folder {
        Location::Tree(_) => Some((label.clone(), folder.clone())),
        Location::Dir(_) => None,
    };
    if let Some(ui) = core.ui() {
        ui.global::<AutoBackupAdapter>().set_folder(label.into());
    }
}

/// A folder as the user reads it: a path with the home folder as `~`, a document tree by its
/// place (`Documents/Monban`).
pub fn shown(folder: &Location) -> String {
    match folder {
        Location::Dir(p) => short_path(p),
        Location::Tree(_) => folder.to_string(),
    }
}

/// `/home/me/Sync/Monban` → `~/Sync/Monban`.
pub fn short_path(p: &Path) -> String {
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty())
        && let Ok(rest) = p.strip_prefix(&home)
    {
        return if rest.as_os_str().is_empty() {
            "~".into()
        } else {
            format!("~/{}", rest.display())
        };
    }
    p.display().to_string()
}

/// A time as the user reads it: (0 today / 1 yesterday / 2 earlier, "2026-12-01", "14:02"),
/// in local time, relative to `now`.
fn when(unix: u64, now: u64) -> (i32, String, String) {
    let local = |t: u64| DateTime::from_timestamp(t as i64, 0).map(|d| d.with_timezone(&Local));
    let (Some(t), Some(n)) = (local(unix), local(now)) else {
        return (2, crate::transfer::paper::date(unix), String::new());
    };
    let days = (n.date_naive() - t.date_naive()).num_days();
    let day = match days {
        0 => 0,
        1 => 1,
        _ => 2,
    };
    (
        day,
        t.format("%Y-%m-%d").to_string(),
        t.format("%H:%M").to_string(),
    )
}

/// The failure's cause in plain words (the folder shortened).
pub(crate) fn failure_message(cause: Option<Cause>, dir: &Location, error: &str) -> (Msg, String) {
    let dir = shown(dir);
    match cause {
        Some(Cause::FolderGone) => (Msg::BackupFolderGone, dir),
        Some(Cause::PermissionDenied) => (Msg::BackupDenied, dir),
        Some(Cause::ReadOnly) => (Msg::BackupReadOnly, dir),
        Some(Cause::DiskFull) => (Msg::BackupDiskFull, dir),
        Some(Cause::NotAFolder) => (Msg::BackupNotFolder, dir),
        Some(Cause::NoKey) => (Msg::BackupNoKey, String::new()),
        Some(Cause::Verify) => (Msg::BackupUnverified, String::new()),
        Some(Cause::Other) | None => (Msg::BackupFailedOther, error.to_string()),
    }
}

/// The one-line state, on this page and in the settings; also the reminders' settings.
pub(crate) fn show_state(core: &Core, i: &Inputs) {
    let Some(ui) = core.ui() else { return };
    let a = ui.global::<AutoBackupAdapter>();
    let none = String::new;
    let (msg, args, error) = match (i.backup.active(), &i.status.last_error) {
        (None, _) => (Msg::BackupStateOff, [none(), none(), none()], false),
        (Some(dir), Some(e)) => {
            let (m, arg) = failure_message(i.status.last_error_cause, dir, e);
            (m, [arg, none(), none()], true)
        }
        (Some(dir), None) => match i.status.last_ok {
            None => (Msg::BackupStateNone, [shown(dir), none(), none()], false),
            Some(t) => {
                let (day, date, time) = when(t, core.now());
                let kept = autobackup::count_files(dir, &i.status).to_string();
                match day {
                    0 => (Msg::BackupStateToday, [time, kept, shown(dir)], false),
                    1 => (Msg::BackupStateYesterday, [time, kept, shown(dir)], false),
                    _ => (
                        Msg::BackupStateDate,
                        [format!("{date} {time}"), kept, shown(dir)],
                        false,
                    ),
                }
            }
        },
    };
    let [a1, a2, a3] = args;
    a.set_state(msg);
    a.set_state_arg(a1.into());
    a.set_state_arg2(a2.into());
    a.set_state_arg3(a3.into());
    a.set_state_is_error(error);
    a.set_enabled(i.backup.enabled);
    a.set_remind_backup(i.settings.backup);
    let index = PASSCODE_DAYS
        .iter()
        .position(|d| *d == i.settings.passcode_days)
        .unwrap_or(2);
    a.set_passcode_reminder_index(index as i32);
}

/// The automatic backups of this vault in the folder, newest first, each with its date and
/// account count (read with the vault's key; one written before a passcode change or with
/// another password shows as such, dated by its name).
fn list_backups(core: &Core, i: &Inputs) {
    let Some(ui) = core.ui() else { return };
    let tag = core.with_vault(|v| folder::vault_tag(v.created()));
    let dir = i.backup.dir.as_ref().and_then(|d| folder::open(d).ok());
    let mut names = match (&dir, &tag) {
        (Some(dir), Some(tag)) => folder::names(&**dir, Some(tag)).unwrap_or_default(),
        _ => Vec::new(),
    };
    names.reverse();
    let now = core.now();
    let rows: Vec<AutoBackupRow> = match &dir {
        Some(dir) => names
            .iter()
            .map(|name| {
                let read = read_with_vault_key(core, &**dir, name);
                let created = read
                    .as_ref()
                    .map(|b| b.created)
                    .or_else(|| folder::time_of(name))
                    .unwrap_or(0);
                let (day, date, time) = when(created, now);
                AutoBackupRow {
                    day,
                    date: date.into(),
                    time: time.into(),
                    accounts: read.map_or(-1, |b| b.entries.len() as i32),
                }
            })
            .collect(),
        None => Vec::new(),
    };
    *core.auto_backup.listed.borrow_mut() = names;
    ui.global::<AutoBackupAdapter>()
        .set_backups(ModelRc::new(VecModel::from(rows)));
}

/// Opens an automatic backup with the key inside the open vault (no KDF, no password).
fn read_with_vault_key(core: &Core, dir: &dyn Folder, name: &str) -> Option<backup::Backup> {
    let bytes = Zeroizing::new(dir.read(name).ok()?);
    core.with_vault(|v| {
        v.backup_key()
            .and_then(|k| backup::read_with_key(&bytes, k).ok())
    })
    .flatten()
}

fn message(
    core: &Core,
    msg: Msg,
    a1: impl Into<SharedString>,
    a2: impl Into<SharedString>,
    a3: impl Into<SharedString>,
    error: bool,
) {
    if let Some(ui) = core.ui() {
        let a = ui.global::<AutoBackupAdapter>();
        a.set_message(msg);
        a.set_message_arg(a1.into());
        a.set_message_arg2(a2.into());
        a.set_message_arg3(a3.into());
        a.set_message_is_error(error);
    }
}

/// Saves the `backup` settings section; on failure the page says which file could not be
/// written and this gives false.
fn save_config(core: &Core, settings: &BackupSettings) -> bool {
    if autobackup::config::save(&core.vault_path, settings).is_ok() {
        return true;
    }
    let path = autobackup::config::settings_path(&core.vault_path);
    message(
        core,
        Msg::SettingsNotSaved,
        path.display().to_string(),
        "",
        "",
        true,
    );
    false
}

fn set_busy(core: &Core, busy: bool) {
    core.auto_backup.busy.set(busy);
    if let Some(ui) = core.ui() {
        ui.global::<AutoBackupAdapter>().set_busy(busy);
    }
}

fn choose_folder(core: &Rc<Core>) {
    if core.auto_backup.busy.get() {
        return;
    }
    core.spawn("monban-folder-dialog", move |poster| {
        let chosen = file_dialog::choose_backup_folder();
        poster.post(move |core| match chosen {
            Choice::Chosen(folder) => show_folder(core, &folder),
            // No chooser on this system: the folder field is there to type into.
            Choice::Cancelled | Choice::Missing => {}
        });
    });
}

/// What the key-derivation thread hands back.
enum KeyResult {
    Key(BackupKey),
    WrongPasscode,
    Locked,
    Failed(String),
}

fn turn_on(core: &Rc<Core>, pw: Zeroizing<String>, again: Zeroizing<String>) {
    let Some(ui) = core.ui() else { return };
    if core.auto_backup.busy.get() || pw.is_empty() {
        return;
    }
    let a = ui.global::<AutoBackupAdapter>();
    let typed = a.get_folder();
    if typed.trim().is_empty() {
        message(core, Msg::BackupChooseFolder, "", "", "", true);
        return;
    }
    let Some(dir) = folder_to_use(core, &typed) else {
        return;
    };
    let use_passcode = a.get_use_passcode();
    let source = if use_passcode {
        BackupPasswordSource::Passcode
    } else {
        if pw.as_str() != again.as_str() {
            message(core, Msg::PasswordsDiffer, "", "", "", true);
            return;
        }
        if pw.chars().count() < super::backup::MIN_PASSWORD_LEN {
            let min = super::backup::MIN_PASSWORD_LEN.to_string();
            message(core, Msg::PasswordShort, min, "", "", true);
            return;
        }
        BackupPasswordSource::Separate
    };
    drop(again);
    let Some(dir) = prepare(core, dir) else {
        return;
    };
    let keep = (a.get_keep().max(1) as u32).min(MAX_KEEP);
    let Some(check) = core.with_vault(|v| v.passcode_check()) else {
        return;
    };
    let kdf = if core.light_kdf() {
        KdfParams::TEST_LIGHT
    } else {
        KdfParams::DEFAULT
    };
    let (now, epoch) = (core.now(), core.epoch.get());
    set_busy(core, true);
    message(core, Msg::None, "", "", "", false);
    let started = core.spawn("monban-backup-key", move |poster| {
        let checked = if use_passcode {
            check.verify(&pw, now)
        } else {
            Ok(())
        };
        drop(check);
        let result = match checked {
            Ok(()) => match backup::derive_key(&pw, kdf, source) {
                Ok(k) => KeyResult::Key(k),
                Err(e) => KeyResult::Failed(e.to_string()),
            },
            Err(vault::Error::WrongPasscode) => KeyResult::WrongPasscode,
            Err(vault::Error::TooManyTries | vault::Error::Backoff { .. }) => KeyResult::Locked,
            Err(e) => KeyResult::Failed(e.to_string()),
        };
        drop(pw);
        poster.post(move |core| key_ready(core, epoch, result, dir, keep));
    });
    if !started {
        set_busy(core, false);
    }
}

/// The folder the field names: the picked document tree while the field still shows it, else
/// the typed path (or a typed `content://` URI). A file in the way is said here.
fn folder_to_use(core: &Core, typed: &str) -> Option<Location> {
    if let Some((label, tree)) = core.auto_backup.picked.borrow().as_ref()
        && label == typed
    {
        return Some(tree.clone());
    }
    match Location::parse(typed.trim()) {
        Location::Dir(_) => {
            let folder = expand_path(typed);
            if folder.exists() && !folder.is_dir() {
                message(
                    core,
                    Msg::BackupFolderIsFile,
                    short_path(&folder),
                    "",
                    "",
                    true,
                );
                return None;
            }
            Some(Location::Dir(folder))
        }
        tree => Some(tree),
    }
}

/// A path is created (mode 0700) and made absolute; a document tree exists already (the
/// first backup tells whether it can be written).
fn prepare(core: &Core, dir: Location) -> Option<Location> {
    let Location::Dir(folder) = dir else {
        return Some(dir);
    };
    if crate::secure_file::create_private_dir(&folder).is_err() {
        message(
            core,
            Msg::BackupCannotCreate,
            short_path(&folder),
            "",
            "",
            true,
        );
        return None;
    }
    Some(Location::Dir(
        std::path::absolute(&folder).unwrap_or(folder),
    ))
}

fn key_ready(core: &Rc<Core>, epoch: u64, result: KeyResult, dir: Location, keep: u32) {
    set_busy(core, false);
    if core.epoch.get() != epoch || !core.is_unlocked() {
        return;
    }
    let key = match result {
        KeyResult::Key(k) => k,
        KeyResult::WrongPasscode => {
            message(core, Msg::PasscodeWrong, "", "", "", true);
            return;
        }
        KeyResult::Locked => {
            core.lock();
            return;
        }
        KeyResult::Failed(why) => {
            message(core, Msg::Detail, why, "", "", true);
            return;
        }
    };
    let before = autobackup::config::load(&core.vault_path);
    let settings = BackupSettings {
        enabled: true,
        dir: Some(dir.clone()),
        keep,
    };
    if let Some(Err(e)) = core.with_vault(|v| v.set_backup_key(Some(key))) {
        message(core, Msg::Detail, e.to_string(), "", "", true);
        return;
    }
    if !save_config(core, &settings) {
        return;
    }
    let now = core.now();
    let outcome = core.with_vault(|v| autobackup::back_up_now(v, &settings, now));
    match outcome {
        Some(Outcome::Written(_)) => message(core, Msg::BackupTurnedOn, shown(&dir), "", "", false),
        Some(Outcome::Failed(e)) => {
            // The first backup failed: they stay off, as `monban backup auto` leaves them.
            let _ = autobackup::config::save(&core.vault_path, &before);
            let (m, arg) = failure_message(Some(e.cause()), &dir, &e.to_string());
            message(core, m, arg, "", "", true);
        }
        Some(Outcome::Off) | None => {}
    }
    refresh(core);
}

fn turn_off(core: &Rc<Core>) {
    let mut s = autobackup::config::load(&core.vault_path);
    s.enabled = false;
    if !save_config(core, &s) {
        return;
    }
    let dir = s.dir.as_ref().map(shown).unwrap_or_default();
    message(core, Msg::BackupTurnedOff, dir, "", "", false);
    refresh(core);
}

fn back_up_now(core: &Rc<Core>) {
    if core.auto_backup.busy.get() {
        return;
    }
    let settings = autobackup::config::load(&core.vault_path);
    let now = core.now();
    match core.with_vault(|v| autobackup::back_up_now(v, &settings, now)) {
        Some(Outcome::Written(w)) => {
            let dir = settings.dir.as_ref().map(shown).unwrap_or_default();
            message(
                core,
                Msg::BackupWritten,
                w.entries.to_string(),
                w.kept.to_string(),
                dir,
                false,
            );
        }
        Some(Outcome::Failed(e)) => {
            let dir = settings
                .dir
                .clone()
                .unwrap_or_else(|| Location::Dir(PathBuf::new()));
            let (m, arg) = failure_message(Some(e.cause()), &dir, &e.to_string());
            message(core, m, arg, "", "", true);
        }
        Some(Outcome::Off) => message(core, Msg::BackupStateOff, "", "", "", true),
        None => {}
    }
    refresh(core);
}

/// The backup in the list at `i`: the folder it is in and its name.
fn listed(core: &Core, i: i32) -> Option<(Box<dyn Folder>, String)> {
    let name = usize::try_from(i)
        .ok()
        .and_then(|i| core.auto_backup.listed.borrow().get(i).cloned())?;
    let dir = autobackup::config::load(&core.vault_path).dir?;
    Some((folder::open(&dir).ok()?, name))
}

/// The restore drill for a backup in the folder: date, count and fingerprint, nothing
/// imported. One that the vault's key does not open goes to the drill with a password.
fn check(core: &Rc<Core>, i: i32) {
    let Some((dir, name)) = listed(core, i) else {
        return;
    };
    match read_with_vault_key(core, &*dir, &name) {
        Some(b) => {
            let (_, date, time) = when(b.created, core.now());
            message(
                core,
                Msg::DrillOkDated,
                format!("{date} {time}"),
                b.entries.len().to_string(),
                b.fingerprint(),
                false,
            );
        }
        None => {
            let settings = autobackup::config::load(&core.vault_path);
            match settings.dir.as_ref().and_then(Location::as_dir) {
                Some(path) => {
                    if let Some(ui) = core.ui() {
                        ui.global::<BackupAdapter>()
                            .set_drill_path(path.join(&name).display().to_string().into());
                    }
                    nav::open(core, Screen::Backup);
                }
                // Not a path (a document tree): the restore, which asks for the password, is
                // the way to open it.
                None => restore(core, i),
            }
        }
    }
}

/// Restores a backup in the folder through the import session (the summary shows what is
/// added and what is already here).
fn restore(core: &Rc<Core>, i: i32) {
    let Some((dir, name)) = listed(core, i) else {
        return;
    };
    match read_with_vault_key(core, &*dir, &name) {
        Some(b) => {
            super::import::restore(core, crate::transfer::session::Read::from_backup(&name, b));
        }
        // Written with an older password: the import asks for it.
        None => match dir.read(&name) {
            Ok(bytes) => super::import::open_bytes_for_restore(core, &name, Zeroizing::new(bytes)),
            Err(e) => {
                let dir = autobackup::config::load(&core.vault_path).dir;
                let file = dir.map_or_else(|| name.clone(), |d| d.shown(&name));
                let (m, arg) = super::reasons::unreadable_file(&e, Path::new(&file));
                message(core, m, arg, "", "", true);
            }
        },
    }
}

fn restore_file(core: &Rc<Core>) {
    core.spawn("monban-file-dialog", move |poster| {
        let chosen = file_dialog::choose(Purpose::Import);
        poster.post(move |core| match chosen {
            Choice::Chosen(path) => super::import::open_file_for_restore(core, &path),
            Choice::Cancelled => {}
            // No chooser: the import page's path field.
            Choice::Missing => super::import::open_file_for_restore(core, Path::new("")),
        });
    });
}

fn reminders_changed(core: &Rc<Core>) {
    let Some(ui) = core.ui() else { return };
    let a = ui.global::<AutoBackupAdapter>();
    let index = usize::try_from(a.get_passcode_reminder_index()).unwrap_or(2);
    let s = ReminderSettings {
        backup: a.get_remind_backup(),
        passcode_days: PASSCODE_DAYS
            .get(index)
            .copied()
            .unwrap_or(reminders::DEFAULT_PASSCODE_DAYS),
    };
    if s.save(&core.vault_path).is_err() {
        core.toast(
            Msg::SettingsNotSaved,
            autobackup::config::settings_path(&core.vault_path)
                .display()
                .to_string(),
        );
    }
    super::safety::refresh(core);
}

/// Leaving the page: its outcome line goes.
pub(crate) fn clear(core: &Rc<Core>) {
    set_busy(core, false);
    message(core, Msg::None, "", "", "", false);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_home_folder_is_shortened() {
        let home = PathBuf::from(std::env::var_os("HOME").expect("HOME is set"));
        assert_eq!(short_path(&home.join("Sync/Monban")), "~/Sync/Monban");
        assert_eq!(short_path(&home), "~");
        assert_eq!(short_path(Path::new("/mnt/usb/b")), "/mnt/usb/b");
    }

    #[test]
    fn every_cause_has_its_own_words_and_names_the_folder() {
        let home = PathBuf::from(std::env::var_os("HOME").expect("HOME is set"));
        let dir = Location::Dir(home.join("Sync/Monban"));
        let words = |c| failure_message(Some(c), &dir, "english detail");
        let folder = "~/Sync/Monban".to_string();
        assert_eq!(
            words(Cause::FolderGone),
            (Msg::BackupFolderGone, folder.clone())
        );
        assert_eq!(
            words(Cause::PermissionDenied),
            (Msg::BackupDenied, folder.clone())
        );
        assert_eq!(
            words(Cause::ReadOnly),
            (Msg::BackupReadOnly, folder.clone())
        );
        assert_eq!(
            words(Cause::DiskFull),
            (Msg::BackupDiskFull, folder.clone())
        );
        assert_eq!(words(Cause::NotAFolder), (Msg::BackupNotFolder, folder));
        assert_eq!(words(Cause::NoKey).0, Msg::BackupNoKey);
        assert_eq!(words(Cause::Verify).0, Msg::BackupUnverified);
        let other = (Msg::BackupFailedOther, "english detail".to_string());
        assert_eq!(words(Cause::Other), other);
        assert_eq!(failure_message(None, &dir, "english detail"), other);
        let tree = Location::parse("content://p/tree/primary%3ASync%2FMonban");
        assert_eq!(
            failure_message(Some(Cause::PermissionDenied), &tree, ""),
            (Msg::BackupDenied, "Sync/Monban".to_string())
        );
    }

    #[test]
    fn times_read_as_today_yesterday_or_a_date() {
        let now = 1_764_592_200; // 2025-12-01 12:30 UTC: the same day in every time zone a minute before
        assert_eq!(when(now - 60, now).0, 0);
        assert_eq!(when(now - 2 * 86_400, now).0, 2);
        let (day, _, time) = when(now - 86_400, now);
        assert_eq!(day, 1);
        assert_eq!(time.len(), 5, "HH:MM");
    }
}
