//! First start and unlock: passcodes go to a background thread for the KDF (the UI keeps
//! drawing its progress), results come back through the inbox; the backoff after repeated
//! failures is shown as a countdown.
//!
//! A damaged vault file (the core tells it from a wrong passcode before the KDF result is
//! judged, and never counts it as a failed attempt) is said in plain words with what can
//! come back: the previous save (`<vault>.bak`, [`Vault::recover_previous`]) or else the
//! newest automatic backup that opens with the passcode ([`Vault::replace_damaged`], then
//! the backup through the import session): from when, how many accounts. The restore asks
//! for the passcode again; the damaged file stays beside the vault as `<vault>.damaged`.
//! When the newest automatic backup has a password of its own, the user types it here: the
//! backup is opened (from when, how many accounts, said before anything changes), then the
//! passcode typed twice becomes the restored vault's, and automatic backups keep that
//! password.

use std::cell::{Cell, RefCell};
use std::path::Path;
use std::rc::Rc;

use slint::{ComponentHandle, SharedString};
use zeroize::Zeroizing;

use super::core::Core;
use super::{AppWindow, Msg, UnlockAdapter};
use crate::autobackup::{Location, Status, folder};
use crate::transfer::{backup, session};
use crate::vault::{self, BackupKey, BackupPasswordSource, KdfParams, Vault};

/// The KDF parameters the first start's meter estimates with: the floor of calibration (the
/// vault gets at least these, so the meter never promises more than the file holds).
const METER_KDF: KdfParams = KdfParams::DEFAULT;

#[derive(Default)]
pub(crate) struct UnlockState {
    busy: Cell<bool>,
    backoff: Cell<u64>,
    /// The automatic backup the damaged-vault offer would restore.
    auto_copy: RefCell<Option<AutoFile>>,
    /// That backup, opened with its own password, until it is restored or the offer goes.
    opened: RefCell<Option<Opened>>,
}

/// The newest automatic backup of this vault: its folder and file name.
#[derive(Clone)]
struct AutoFile {
    dir: Location,
    name: String,
}

/// What the newest automatic backup answered to the passcode typed at a damaged vault.
enum AutoAnswer {
    /// It opens with the passcode: from when, how many accounts.
    Opens {
        file: AutoFile,
        created: u64,
        accounts: usize,
    },
    /// It is there but has a password of its own (or an older passcode).
    OtherPassword(AutoFile),
    Nothing,
}

/// An automatic backup opened with its own password, and the key that keeps automatic
/// backups going with that password after the restore.
struct Opened {
    name: String,
    backup: backup::Backup,
    key: BackupKey,
}

/// Restore kinds of `UnlockAdapter.restore-kind`.
const KIND_PREVIOUS: i32 = 1;
const KIND_AUTO: i32 = 2;
const KIND_AUTO_PASSWORD: i32 = 3;
const KIND_AUTO_OPENED: i32 = 4;

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let a = ui.global::<UnlockAdapter>();
    a.set_min_length(vault::MIN_PASSCODE_LEN as i32);
    a.set_keypad(core.settings.borrow().keypad);
    a.on_drop_last(|s| {
        // The working copy of the passcode is wiped; only the shortened text goes back.
        let mut s = Zeroizing::new(s.to_string());
        s.pop();
        SharedString::from(s.as_str())
    });
    a.on_estimate(|p, device_bound| super::strength::estimate(&p, METER_KDF, device_bound));
    probe_device_store(core);
    a.on_unlock(core.act1(unlock));
    a.on_create(core.act2(create));
    a.on_restore(core.act1(restore));
    a.on_open_backup(core.act1(open_backup));
    a.on_restore_opened(core.act2(restore_opened));
}

/// Asks once, off the UI thread, whether a new vault would be bound to this device's key
/// store (on the desktop a D-Bus round trip, which may first start the Secret Service and
/// would hold up the first frame); the meter assumes not until the answer comes. What a vault
/// is created with does not depend on it: creating probes the store again on its own thread.
fn probe_device_store(core: &Rc<Core>) {
    let options = core.open_options;
    if options.device.is_none() {
        return;
    }
    core.spawn("device-store-probe", move |poster| {
        let bound = options.device_for_new().is_some();
        poster.post(move |core| {
            if let Some(ui) = core.ui() {
                ui.global::<UnlockAdapter>().set_device_bound(bound);
            }
        });
    });
}

/// Shows (or with `Msg::None` hides) the damaged-vault offer.
fn set_damaged(core: &Core, msg: Msg, when: String, accounts: String, kind: i32) {
    if let Some(ui) = core.ui() {
        let a = ui.global::<UnlockAdapter>();
        a.set_damaged(msg);
        a.set_damaged_arg(when.into());
        a.set_damaged_arg2(accounts.into());
        a.set_restore_kind(kind);
    }
}

/// "2026-12-01 14:02" in local time.
fn local_time(unix: u64) -> String {
    chrono::DateTime::from_timestamp(unix as i64, 0)
        .map(|d| {
            d.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

impl AutoFile {
    /// The newest automatic backup of the vault at `vault` in its backup folder, if any.
    fn newest(vault: &Path) -> Option<AutoFile> {
        let dir = crate::autobackup::config::load(vault).dir?;
        let tag = Status::load(vault).vault_tag?;
        let name = folder::names(&*folder::open(&dir).ok()?, Some(&tag))
            .ok()?
            .pop()?;
        Some(AutoFile { dir, name })
    }

    /// Opens it with `password`, off the UI thread; `None` when it cannot be read at all.
    fn open(
        &self,
        password: &str,
        bounds: &vault::KdfBounds,
    ) -> Option<backup::Result<backup::Backup>> {
        let bytes = zeroize::Zeroizing::new(folder::open(&self.dir).ok()?.read(&self.name).ok()?);
        Some(backup::read(&bytes, password, bounds))
    }

    /// When it was written, from its name.
    fn when(&self) -> String {
        folder::time_of(&self.name)
            .map(local_time)
            .unwrap_or_default()
    }
}

fn set_error(core: &Core, msg: Msg, arg: impl Into<SharedString>) {
    if let Some(ui) = core.ui() {
        let a = ui.global::<UnlockAdapter>();
        a.set_error(msg);
        a.set_error_arg(arg.into());
    }
}

fn set_busy(core: &Core, busy: bool) {
    core.unlock.busy.set(busy);
    if let Some(ui) = core.ui() {
        ui.global::<UnlockAdapter>().set_busy(busy);
    }
}

/// True while a wrong-passcode wait is running.
pub(crate) fn backoff_active(core: &Core) -> bool {
    core.unlock.backoff.get() > 0
}

/// Re-reads the backoff wait (locked only) and shows it. Returns whether a wait is running.
pub(crate) fn refresh_backoff(core: &Core) -> bool {
    let wait = if core.is_unlocked() {
        0
    } else {
        vault::backoff_status(&core.vault_path, core.now()).unwrap_or(0)
    };
    core.unlock.backoff.set(wait);
    if let Some(ui) = core.ui() {
        ui.global::<UnlockAdapter>()
            .set_backoff_seconds(wait.min(i32::MAX as u64) as i32);
    }
    wait > 0
}

fn unlock(core: &Rc<Core>, passcode: SharedString) {
    if core.unlock.busy.get() || core.is_unlocked() {
        return;
    }
    if refresh_backoff(core) {
        core.schedule_tick();
        return;
    }
    let passcode = Zeroizing::new(passcode.to_string());
    if passcode.is_empty() {
        return;
    }
    set_error(core, Msg::None, "");
    set_damaged(core, Msg::None, String::new(), String::new(), 0);
    set_busy(core, true);
    core.perf.unlock_started();
    let (path, now, options) = (core.vault_path.clone(), core.now(), core.open_options);
    core.unlock.opened.borrow_mut().take();
    let auto = AutoFile::newest(&path);
    let started = core.spawn("monban-unlock", move |poster| {
        let kdf_start = std::time::Instant::now();
        let result = Vault::open_with(&path, &passcode, now, &options);
        let kdf_done = std::time::Instant::now();
        let kdf_ms = kdf_done.duration_since(kdf_start).as_secs_f64() * 1000.0;
        // Damaged, and the previous save does not open: does the newest automatic backup?
        let copy = match (&result, auto) {
            (Err(vault::Error::Damaged { previous: None, .. }), Some(file)) => {
                match file.open(&passcode, &options.kdf_bounds) {
                    Some(Ok(b)) => AutoAnswer::Opens {
                        created: b.created,
                        accounts: b.entries.len(),
                        file,
                    },
                    Some(Err(backup::Error::WrongPassword)) => AutoAnswer::OtherPassword(file),
                    _ => AutoAnswer::Nothing,
                }
            }
            _ => AutoAnswer::Nothing,
        };
        drop(passcode);
        poster.post(move |core| {
            core.perf.mark("open_vault_ms", format!("{kdf_ms:.1}"));
            core.perf.unlock_step("unlock_kdf_started_ms", kdf_start);
            core.perf.unlock_step("unlock_kdf_done_ms", kdf_done);
            core.perf
                .unlock_step("unlock_inbox_ms", std::time::Instant::now());
            finished_with(core, result, copy);
            core.perf
                .unlock_step("unlock_list_built_ms", std::time::Instant::now());
        });
    });
    if !started {
        set_busy(core, false);
    }
}

fn create(core: &Rc<Core>, first: SharedString, second: SharedString) {
    if core.unlock.busy.get() || core.is_unlocked() {
        return;
    }
    let passcode = Zeroizing::new(first.to_string());
    if passcode.as_str() != second.as_str() {
        set_error(core, Msg::PasscodesDiffer, "");
        return;
    }
    if passcode.chars().count() < vault::MIN_PASSCODE_LEN {
        set_error(
            core,
            Msg::PasscodeShort,
            vault::MIN_PASSCODE_LEN.to_string(),
        );
        return;
    }
    set_error(core, Msg::None, "");
    set_busy(core, true);
    let (path, now, options) = (core.vault_path.clone(), core.now(), core.open_options);
    let started = core.spawn("monban-create", move |poster| {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        // Calibrated on this device (tests: fixed); only library tests create light vaults.
        let result = Vault::create_with(&path, &passcode, options.new_kdf_params(), now, &options);
        drop(passcode);
        poster.post(move |core| finished(core, result));
    });
    if !started {
        set_busy(core, false);
    }
}

fn finished(core: &Rc<Core>, result: vault::Result<Vault>) {
    finished_with(core, result, AutoAnswer::Nothing)
}

fn finished_with(core: &Rc<Core>, result: vault::Result<Vault>, copy: AutoAnswer) {
    set_busy(core, false);
    match result {
        Ok(v) => {
            set_error(core, Msg::None, "");
            set_damaged(core, Msg::None, String::new(), String::new(), 0);
            core.unlock.auto_copy.borrow_mut().take();
            core.unlock.opened.borrow_mut().take();
            core.unlock.backoff.set(0);
            core.unlocked(v);
        }
        Err(vault::Error::Damaged { previous, .. }) => {
            // Not a wrong passcode, and not counted as one: say what can come back.
            set_error(core, Msg::None, "");
            *core.unlock.auto_copy.borrow_mut() = None;
            match (previous, copy) {
                (Some(p), _) => set_damaged(
                    core,
                    Msg::DamagedBak,
                    p.saved.map(local_time).unwrap_or_default(),
                    p.accounts.to_string(),
                    KIND_PREVIOUS,
                ),
                (
                    None,
                    AutoAnswer::Opens {
                        file,
                        created,
                        accounts,
                    },
                ) => {
                    set_damaged(
                        core,
                        Msg::DamagedAuto,
                        local_time(created),
                        accounts.to_string(),
                        KIND_AUTO,
                    );
                    *core.unlock.auto_copy.borrow_mut() = Some(file);
                }
                (None, AutoAnswer::OtherPassword(file)) => {
                    offer_backup_password(core, file);
                }
                (None, AutoAnswer::Nothing) => {
                    set_damaged(core, Msg::DamagedNone, String::new(), String::new(), 0)
                }
            }
            if let Some(ui) = core.ui() {
                ui.invoke_focus_screen();
            }
        }
        Err(e) => {
            let (msg, arg) = match &e {
                vault::Error::WrongPasscode => (
                    Msg::WrongPasscode,
                    vault::failed_attempts(&core.vault_path).to_string(),
                ),
                vault::Error::Backoff { .. } => (Msg::None, String::new()),
                vault::Error::Locked => (Msg::VaultInUse, String::new()),
                other => super::strength::refusal(other)
                    .unwrap_or_else(|| (Msg::Detail, other.to_string())),
            };
            set_error(core, msg, arg);
            if refresh_backoff(core) {
                core.schedule_tick();
            }
            if let Some(ui) = core.ui() {
                ui.invoke_focus_screen();
            }
        }
    }
}

/// The newest automatic backup has a password of its own: the offer to type it.
fn offer_backup_password(core: &Core, file: AutoFile) {
    core.unlock.opened.borrow_mut().take();
    set_damaged(
        core,
        Msg::DamagedAutoPassword,
        file.when(),
        String::new(),
        KIND_AUTO_PASSWORD,
    );
    *core.unlock.auto_copy.borrow_mut() = Some(file);
}

/// Locking (the app left the foreground, …) drops a backup opened with its own password; the
/// offer goes back to asking for that password.
pub(crate) fn locked(core: &Core) {
    if core.unlock.opened.borrow_mut().take().is_none() {
        return;
    }
    let file = core.unlock.auto_copy.borrow().clone();
    if let Some(file) = file {
        offer_backup_password(core, file);
    }
}

/// "Open the automatic backup" with its own password: it is read (nothing changes yet) and,
/// if it opens, said with its date and account count; the key for the automatic backups after
/// the restore is derived now, so that the password is not kept.
fn open_backup(core: &Rc<Core>, password: SharedString) {
    if core.unlock.busy.get() || core.is_unlocked() || password.is_empty() {
        return;
    }
    let Some(file) = core.unlock.auto_copy.borrow().clone() else {
        return;
    };
    let password = Zeroizing::new(password.to_string());
    let options = core.open_options;
    set_error(core, Msg::None, "");
    set_busy(core, true);
    let started = core.spawn("monban-open-backup", move |poster| {
        let result = match file.open(&password, &options.kdf_bounds) {
            Some(Ok(b)) => backup::derive_key(&password, b.kdf, BackupPasswordSource::Separate)
                .map(|key| (b, key))
                .map_err(Some),
            Some(Err(e)) => Err(Some(e)),
            None => Err(None),
        };
        drop(password);
        poster.post(move |core| backup_opened(core, file, result));
    });
    if !started {
        set_busy(core, false);
    }
}

fn backup_opened(
    core: &Rc<Core>,
    file: AutoFile,
    result: Result<(backup::Backup, BackupKey), Option<backup::Error>>,
) {
    set_busy(core, false);
    if core.is_unlocked() {
        return;
    }
    match result {
        Ok((backup, key)) => {
            set_damaged(
                core,
                Msg::DamagedAutoOpened,
                local_time(backup.created),
                backup.entries.len().to_string(),
                KIND_AUTO_OPENED,
            );
            *core.unlock.opened.borrow_mut() = Some(Opened {
                name: file.name,
                backup,
                key,
            });
        }
        Err(Some(backup::Error::WrongPassword)) => set_error(core, Msg::WrongPassword, ""),
        Err(Some(e)) => set_error(core, Msg::Detail, e.to_string()),
        Err(None) => set_error(core, Msg::FileMissing, file.dir.shown(&file.name)),
    }
    if let Some(ui) = core.ui() {
        ui.invoke_focus_screen();
    }
}

/// "Restore" of the backup opened with its own password: a new vault with the passcode typed
/// twice (nothing can check it against the damaged file), the backup through the import
/// session, automatic backups going on with the backup's password.
fn restore_opened(core: &Rc<Core>, passcode: SharedString, again: SharedString) {
    if core.unlock.busy.get() || core.is_unlocked() || passcode.is_empty() {
        return;
    }
    if passcode != again {
        set_error(core, Msg::PasscodesDiffer, "");
        return;
    }
    let Some(opened) = core.unlock.opened.borrow_mut().take() else {
        return;
    };
    let passcode = Zeroizing::new(passcode.to_string());
    let (path, now, options) = (core.vault_path.clone(), core.now(), core.open_options);
    set_error(core, Msg::None, "");
    set_busy(core, true);
    let started = core.spawn("monban-restore", move |poster| {
        let Opened { name, backup, key } = opened;
        let result = restore_into_new(&path, &name, backup, Some(key), &passcode, now, &options);
        drop(passcode);
        poster.post(move |core| restored(core, result));
    });
    if !started {
        set_busy(core, false);
    }
}

/// A restore finished: unlocked with a toast, or the error (and the offer from the start when
/// the backup opened with its own password must be opened again).
fn restored(core: &Rc<Core>, result: vault::Result<(Vault, usize)>) {
    match result {
        Ok((v, added)) => {
            finished(core, Ok(v));
            // The restored vault is a change: backed up like any other.
            core.changed();
            core.toast(Msg::Restored, added.to_string());
        }
        Err(e) => {
            let kind = core
                .ui()
                .map_or(0, |ui| ui.global::<UnlockAdapter>().get_restore_kind());
            let file = core.unlock.auto_copy.borrow().clone();
            finished(core, Err(e));
            if let (KIND_AUTO_OPENED, Some(file)) = (kind, file) {
                offer_backup_password(core, file);
            }
        }
    }
}

/// "Restore" at a damaged vault: the previous save, or the newest automatic backup into a new
/// vault with the same passcode (through the import session, metadata kept; automatic backups
/// keyed on the passcode keep going). The passcode is asked again.
fn restore(core: &Rc<Core>, passcode: SharedString) {
    if core.unlock.busy.get() || core.is_unlocked() || passcode.is_empty() {
        return;
    }
    let kind = core
        .ui()
        .map_or(0, |ui| ui.global::<UnlockAdapter>().get_restore_kind());
    let auto = core.unlock.auto_copy.borrow().clone();
    let passcode = Zeroizing::new(passcode.to_string());
    let (path, now, options) = (core.vault_path.clone(), core.now(), core.open_options);
    set_error(core, Msg::None, "");
    let started = match (kind, auto) {
        (KIND_PREVIOUS, _) => {
            set_busy(core, true);
            core.spawn("monban-restore", move |poster| {
                let result = Vault::recover_previous(&path, &passcode, now, &options);
                drop(passcode);
                poster.post(move |core| finished(core, result));
            })
        }
        (KIND_AUTO, Some(file)) => {
            set_busy(core, true);
            core.spawn("monban-restore", move |poster| {
                let result = restore_auto(&path, &file, &passcode, now, &options);
                drop(passcode);
                poster.post(move |core| restored(core, result));
            })
        }
        _ => return,
    };
    if !started {
        set_busy(core, false);
    }
}

/// The newest automatic backup, opened with the passcode, into a new vault in place of the
/// damaged one; automatic backups go on with the passcode.
fn restore_auto(
    path: &Path,
    file: &AutoFile,
    passcode: &str,
    now: u64,
    options: &vault::OpenOptions,
) -> vault::Result<(Vault, usize)> {
    let Some(Ok(b)) = file.open(passcode, &options.kdf_bounds) else {
        // The backup no longer opens with what was typed now: nothing was changed.
        return Err(vault::Error::WrongPasscode);
    };
    let key = backup::derive_key(passcode, b.kdf, BackupPasswordSource::Passcode).ok();
    restore_into_new(path, &file.name, b, key, passcode, now, options)
}

/// `b` (the backup file `name`) into a new vault with `passcode` in place of the damaged one,
/// through the import session (metadata kept), with `key` for the automatic backups.
fn restore_into_new(
    path: &Path,
    name: &str,
    b: backup::Backup,
    key: Option<BackupKey>,
    passcode: &str,
    now: u64,
    options: &vault::OpenOptions,
) -> vault::Result<(Vault, usize)> {
    let mut v = Vault::replace_damaged(path, passcode, KdfParams::DEFAULT, now, options)?;
    let mut s = session::Session::new();
    s.add(session::Read::from_backup(name, b));
    let added = s
        .preview(&[])
        .commit(&mut v, now)
        .map_err(|e| *e.source)?
        .added;
    if key.is_some() {
        v.set_backup_key(key)?;
    }
    Ok((v, added))
}
