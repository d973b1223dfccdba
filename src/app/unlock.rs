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

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use slint::{ComponentHandle, SharedString};
use zeroize::Zeroizing;

use super::core::Core;
use super::{AppWindow, Msg, UnlockAdapter};
use crate::transfer::{backup, session};
use crate::vault::{self, BackupPasswordSource, KdfParams, Vault};

/// The KDF parameters the first start's meter estimates with: the floor of calibration (the
/// vault gets at least these, so the meter never promises more than the file holds).
const METER_KDF: KdfParams = KdfParams::DEFAULT;

#[derive(Default)]
pub(crate) struct UnlockState {
    busy: Cell<bool>,
    backoff: Cell<u64>,
    /// The automatic backup the damaged-vault offer would restore.
    auto_copy: RefCell<Option<PathBuf>>,
}

/// The newest automatic backup that opened with the passcode typed at a damaged vault.
struct AutoCopy {
    file: PathBuf,
    created: u64,
    accounts: usize,
}

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
    // Whether a new vault would be bound to this device's key store (asked once: a D-Bus
    // round trip on the desktop).
    let device_bound = core.open_options.device_for_new().is_some();
    a.on_estimate(move |p| super::strength::estimate(&p, METER_KDF, device_bound));
    a.on_unlock(core.act1(unlock));
    a.on_create(core.act2(create));
    a.on_restore(core.act1(restore));
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

/// The newest automatic backup of this vault in the backup folder, if any.
fn newest_auto_backup(vault: &Path) -> Option<PathBuf> {
    let dir = crate::autobackup::config::load(vault).dir?;
    let tag = crate::autobackup::Status::load(vault).vault_tag?;
    crate::autobackup::folder::list(&dir, Some(&tag))
        .ok()?
        .pop()
}

/// Opens `file` with the passcode (a backup keyed on the vault passcode), off the UI thread.
fn open_auto_copy(
    file: &Path,
    passcode: &str,
    bounds: &vault::KdfBounds,
) -> Option<(AutoCopy, backup::Backup)> {
    let bytes = zeroize::Zeroizing::new(std::fs::read(file).ok()?);
    let b = backup::read(&bytes, passcode, bounds).ok()?;
    Some((
        AutoCopy {
            file: file.to_path_buf(),
            created: b.created,
            accounts: b.entries.len(),
        },
        b,
    ))
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
    let auto = newest_auto_backup(&path);
    let started = core.spawn("monban-unlock", move |poster| {
        let kdf_start = std::time::Instant::now();
        let result = Vault::open_with(&path, &passcode, now, &options);
        let kdf_ms = kdf_start.elapsed().as_secs_f64() * 1000.0;
        // Damaged, and the previous save does not open: does the newest automatic backup?
        let copy = match (&result, auto) {
            (Err(vault::Error::Damaged { previous: None, .. }), Some(file)) => {
                open_auto_copy(&file, &passcode, &options.kdf_bounds).map(|(c, _)| c)
            }
            _ => None,
        };
        drop(passcode);
        poster.post(move |core| {
            core.perf.mark("open_vault_ms", format!("{kdf_ms:.1}"));
            finished_with(core, result, copy)
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
    finished_with(core, result, None)
}

fn finished_with(core: &Rc<Core>, result: vault::Result<Vault>, copy: Option<AutoCopy>) {
    set_busy(core, false);
    match result {
        Ok(v) => {
            set_error(core, Msg::None, "");
            set_damaged(core, Msg::None, String::new(), String::new(), 0);
            core.unlock.auto_copy.borrow_mut().take();
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
                    1,
                ),
                (None, Some(c)) => {
                    set_damaged(
                        core,
                        Msg::DamagedAuto,
                        local_time(c.created),
                        c.accounts.to_string(),
                        2,
                    );
                    *core.unlock.auto_copy.borrow_mut() = Some(c.file);
                }
                (None, None) => {
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
        (1, _) => {
            set_busy(core, true);
            core.spawn("monban-restore", move |poster| {
                let result = Vault::recover_previous(&path, &passcode, now, &options);
                drop(passcode);
                poster.post(move |core| finished(core, result));
            })
        }
        (2, Some(file)) => {
            set_busy(core, true);
            core.spawn("monban-restore", move |poster| {
                let result = restore_auto(&path, &file, &passcode, now, &options);
                drop(passcode);
                poster.post(move |core| match result {
                    Ok((v, added)) => {
                        finished(core, Ok(v));
                        // The restored vault is a change: backed up like any other.
                        core.changed();
                        core.toast(Msg::Restored, added.to_string());
                    }
                    Err(e) => finished(core, Err(e)),
                });
            })
        }
        _ => return,
    };
    if !started {
        set_busy(core, false);
    }
}

/// The newest automatic backup into a new vault in place of the damaged one.
fn restore_auto(
    path: &Path,
    file: &Path,
    passcode: &str,
    now: u64,
    options: &vault::OpenOptions,
) -> vault::Result<(Vault, usize)> {
    let Some((_, b)) = open_auto_copy(file, passcode, &options.kdf_bounds) else {
        // The backup no longer opens with what was typed now: nothing was changed.
        return Err(vault::Error::WrongPasscode);
    };
    let kdf = b.kdf;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut v = Vault::replace_damaged(path, passcode, KdfParams::DEFAULT, now, options)?;
    let mut s = session::Session::new();
    s.add(session::Read::from_backup(&name, b));
    let added = s
        .preview(&[])
        .commit(&mut v, now)
        .map_err(|e| *e.source)?
        .added;
    // The backups opened with the passcode: they keep doing so.
    if let Ok(key) = backup::derive_key(passcode, kdf, BackupPasswordSource::Passcode) {
        v.set_backup_key(Some(key))?;
    }
    Ok((v, added))
}
