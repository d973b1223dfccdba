//! Import on the new device: the scanner collects the parts of a sealed Monban
//! transfer or a Google Authenticator export in any order ("3 of 4"), asks for the transfer
//! code (sealed), shows what will be added and what is skipped as already there, then adds.
//! A file (Monban backup, another authenticator's export, a QR image) gives the same summary.
//!
//! The camera and decoder are the scanner's ([`super::scan`]): while this screen is shown
//! the scanner's events come here; a transfer QR found in the ordinary scanner opens this
//! screen too. Decryption (Argon2id of the code or the file password) runs on a
//! background thread. The summary rows carry service and account names only; the accounts
//! themselves stay here until they are added, cancelled or the app locks.

use std::cell::{Cell, RefCell};
use std::path::Path;
use std::rc::Rc;

use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};
use zeroize::Zeroizing;

use super::core::Core;
use super::{AppWindow, ImportAdapter, ImportRow, ImportStage, Msg, Screen, nav};
use crate::account::Account;
use crate::camera::scanner::{Classified, ScanEvent};
use crate::file_dialog::{self, Choice, Purpose};
use crate::transfer::{self, Assembler, Parsed, Refused, backup, google, sealed};

/// Largest file read for an import (exports of thousands of accounts are far smaller).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The kind of multi-part export being collected.
enum Collecting {
    Nothing,
    Google(Assembler<google::MigrationBatch>),
    Sealed(Assembler<sealed::Part>),
}

/// An encrypted file waiting for its password.
enum Locked {
    Backup(Zeroizing<Vec<u8>>),
    Foreign(&'static dyn transfer::Importer, Zeroizing<Vec<u8>>),
}

pub(crate) struct ImportState {
    collecting: RefCell<Collecting>,
    /// All parts of a sealed transfer, waiting for the code.
    sealed_parts: RefCell<Vec<sealed::Part>>,
    file: RefCell<Option<Locked>>,
    /// What "Add" will add (duplicates already taken out).
    pending: RefCell<Vec<Account>>,
    busy: Cell<bool>,
}

impl Default for ImportState {
    fn default() -> Self {
        ImportState {
            collecting: RefCell::new(Collecting::Nothing),
            sealed_parts: RefCell::new(Vec::new()),
            file: RefCell::new(None),
            pending: RefCell::new(Vec::new()),
            busy: Cell::new(false),
        }
    }
}

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let a = ui.global::<ImportAdapter>();
    a.on_submit_code(core.act1(submit_code));
    a.on_submit_password(core.act1(submit_password));
    a.on_open_path(
        core.act1(|core, path: SharedString| open_path(core, &file_dialog::expand_path(&path))),
    );
    a.on_confirm(core.act(confirm));
    a.on_cancel(core.act(nav::back));
    a.on_open_file(core.act(open_file));
}

fn with_adapter(core: &Core, f: impl FnOnce(&ImportAdapter)) {
    if let Some(ui) = core.ui() {
        f(&ui.global::<ImportAdapter>());
    }
}

fn message(core: &Core, msg: Msg, arg: impl Into<SharedString>, error: bool) {
    let arg = arg.into();
    with_adapter(core, |a| {
        a.set_message(msg);
        a.set_message_arg(arg);
        a.set_message_is_error(error);
    });
}

fn set_stage(core: &Core, stage: ImportStage) {
    with_adapter(core, |a| a.set_stage(stage));
}

fn set_busy(core: &Rc<Core>, busy: bool) {
    core.import.busy.set(busy);
    with_adapter(core, |a| a.set_busy(busy));
}

fn reset(core: &Rc<Core>) {
    *core.import.collecting.borrow_mut() = Collecting::Nothing;
    core.import.sealed_parts.borrow_mut().clear();
    core.import.file.borrow_mut().take();
    core.import.pending.borrow_mut().clear();
    core.import.busy.set(false);
    with_adapter(core, |a| {
        a.set_stage(ImportStage::Scanning);
        a.set_scanned(0);
        a.set_count(0);
        a.set_missing(SharedString::new());
        a.set_sealed(false);
        a.set_busy(false);
        a.set_rows(ModelRc::default());
        a.set_to_add(0);
        a.set_added(0);
        a.set_duplicates(0);
        a.set_refused(0);
        a.set_show_path_field(false);
        a.set_path(SharedString::new());
    });
    message(core, Msg::None, "", false);
}

/// Opens the import screen with the camera running.
pub(crate) fn open(core: &Rc<Core>) {
    if !core.is_unlocked() {
        return;
    }
    reset(core);
    nav::go(core, Screen::Import);
    super::scan::start(core);
}

/// A transfer QR was found in the ordinary scanner: continue here with it.
pub(crate) fn start_from_scan(core: &Rc<Core>, found: Classified) {
    reset(core);
    nav::go(core, Screen::Import);
    on_scan_event(core, ScanEvent::Found(found));
}

/// The scanner's events while the import page is open.
pub(crate) fn on_scan_event(core: &Rc<Core>, event: ScanEvent) {
    let scanning = core
        .ui()
        .is_some_and(|ui| ui.global::<ImportAdapter>().get_stage() == ImportStage::Scanning);
    if !scanning {
        return;
    }
    if matches!(event, ScanEvent::Found(_)) {
        // Scanning parts one after another is the user at work: no auto-lock meanwhile.
        core.activity();
    }
    match event {
        ScanEvent::Found(Classified::GoogleMigration(text)) => {
            let text = Zeroizing::new(text);
            match google::parse_migration_uri(&text) {
                Ok(batch) => add_google(core, batch),
                Err(e) => message(core, Msg::PartError, e.to_string(), true),
            }
        }
        ScanEvent::Found(Classified::MonbanTransfer(text)) => match sealed::parse_part(&text) {
            Ok(part) => add_sealed(core, part),
            Err(e) => message(core, Msg::PartError, e.to_string(), true),
        },
        ScanEvent::Found(Classified::Account(_)) => message(core, Msg::SingleAccount, "", true),
        ScanEvent::Found(_) => message(core, Msg::NotTransfer, "", true),
        ScanEvent::Unreadable(why) => message(core, Msg::FileUnusable, why, true),
        ScanEvent::SourceError(why) => message(core, Msg::Detail, why, true),
        ScanEvent::SourceEnded => {}
    }
}

fn add_google(core: &Rc<Core>, batch: google::MigrationBatch) {
    let mut collecting = core.import.collecting.borrow_mut();
    if matches!(*collecting, Collecting::Nothing) {
        *collecting = Collecting::Google(Assembler::new());
    }
    let Collecting::Google(asm) = &mut *collecting else {
        drop(collecting);
        message(
            core,
            Msg::PartError,
            "it is a Google Authenticator code, the others are a Monban transfer",
            true,
        );
        return;
    };
    let (id, index, count) = (
        u64::from(batch.batch_id as u32),
        batch.part_index(),
        batch.part_count(),
    );
    match asm.add(id, index, count, batch) {
        Ok(progress) => {
            let complete = progress.is_complete();
            drop(collecting);
            show_progress(core, &progress, false);
            if complete {
                let parts = match std::mem::replace(
                    &mut *core.import.collecting.borrow_mut(),
                    Collecting::Nothing,
                ) {
                    Collecting::Google(asm) => asm.into_parts(),
                    _ => Vec::new(),
                };
                let mut parsed = Parsed::default();
                for b in parts {
                    parsed.extend(b.into_parsed());
                }
                super::scan::stop(core);
                show_summary(core, parsed);
            }
        }
        Err(e) => {
            drop(collecting);
            message(core, Msg::PartError, e.to_string(), true);
        }
    }
}

fn add_sealed(core: &Rc<Core>, part: sealed::Part) {
    let mut collecting = core.import.collecting.borrow_mut();
    if matches!(*collecting, Collecting::Nothing) {
        *collecting = Collecting::Sealed(Assembler::new());
    }
    let Collecting::Sealed(asm) = &mut *collecting else {
        drop(collecting);
        message(
            core,
            Msg::PartError,
            "it is a Monban transfer, the others are a Google Authenticator export",
            true,
        );
        return;
    };
    let (id, index, count) = (u64::from(part.batch_id()), part.index(), part.count());
    match asm.add(id, index, count, part) {
        Ok(progress) => {
            let complete = progress.is_complete();
            drop(collecting);
            show_progress(core, &progress, true);
            if complete {
                let parts = match std::mem::replace(
                    &mut *core.import.collecting.borrow_mut(),
                    Collecting::Nothing,
                ) {
                    Collecting::Sealed(asm) => asm.into_parts(),
                    _ => Vec::new(),
                };
                *core.import.sealed_parts.borrow_mut() = parts;
                super::scan::stop(core);
                set_stage(core, ImportStage::Code);
                message(core, Msg::None, "", false);
            }
        }
        Err(e) => {
            drop(collecting);
            message(core, Msg::PartError, e.to_string(), true);
        }
    }
}

fn show_progress(core: &Core, p: &transfer::Progress, sealed: bool) {
    let missing: Vec<String> = p.missing.iter().map(|m| m.to_string()).collect();
    with_adapter(core, |a| {
        a.set_scanned(p.scanned as i32);
        a.set_count(p.count as i32);
        a.set_missing(missing.join(", ").into());
        a.set_sealed(sealed);
    });
    message(core, Msg::None, "", false);
}

fn submit_code(core: &Rc<Core>, typed: SharedString) {
    if core.import.busy.get() || core.import.sealed_parts.borrow().is_empty() {
        return;
    }
    let code = match sealed::TransferCode::parse(&Zeroizing::new(typed.to_string())) {
        Ok(c) => c,
        Err(e) => {
            message(core, Msg::Detail, e.to_string(), true);
            return;
        }
    };
    let parts = core.import.sealed_parts.borrow().clone();
    let limits = if core.light_kdf() {
        sealed::Limits::NO_FLOOR
    } else {
        sealed::Limits::DEFAULT
    };
    set_busy(core, true);
    message(core, Msg::None, "", false);
    let epoch = core.epoch.get();
    let started = core.spawn("monban-import", move |poster| {
        let result = sealed::open(&parts, &code, &limits);
        poster.post(move |core| opened_sealed(core, epoch, result));
    });
    if !started {
        set_busy(core, false);
    }
}

fn opened_sealed(core: &Rc<Core>, epoch: u64, result: sealed::Result<Parsed>) {
    if core.epoch.get() != epoch {
        return;
    }
    set_busy(core, false);
    match result {
        Ok(parsed) => show_summary(core, parsed),
        Err(sealed::Error::WrongCode) => message(core, Msg::WrongCode, "", true),
        Err(e) => message(core, Msg::Detail, e.to_string(), true),
    }
}

/// Shows what will be added and what is skipped.
fn show_summary(core: &Rc<Core>, parsed: Parsed) {
    let existing: Vec<Account> = core
        .with_vault(|v| v.entries().iter().map(|e| e.account.clone()).collect())
        .unwrap_or_default();
    let mut rows = Vec::new();
    let mut added: Vec<Account> = Vec::new();
    let mut duplicates = 0;
    for a in parsed.accounts {
        let dup = existing
            .iter()
            .chain(added.iter())
            .any(|e| e.same_login(&a));
        rows.push(ImportRow {
            issuer: a.issuer.as_str().into(),
            name: a.name.as_str().into(),
            status: i32::from(dup),
            why: SharedString::new(),
        });
        if dup {
            duplicates += 1;
        } else {
            added.push(a);
        }
    }
    drop(existing);
    for Refused { what, why } in &parsed.refused {
        rows.push(ImportRow {
            issuer: what.as_str().into(),
            name: SharedString::new(),
            status: 2,
            why: why.as_str().into(),
        });
    }
    let to_add = added.len();
    *core.import.pending.borrow_mut() = added;
    with_adapter(core, |a| {
        a.set_rows(ModelRc::new(VecModel::from(rows)));
        a.set_to_add(to_add as i32);
        a.set_duplicates(duplicates);
        a.set_refused(parsed.refused.len() as i32);
        a.set_stage(ImportStage::Summary);
    });
    if to_add == 0 {
        message(core, Msg::NothingNew, "", false);
    } else {
        message(core, Msg::None, "", false);
    }
}

/// "Add N accounts" (or "Close" when nothing is left to add).
fn confirm(core: &Rc<Core>) {
    let pending = std::mem::take(&mut *core.import.pending.borrow_mut());
    if pending.is_empty() {
        finish(core);
        return;
    }
    let now = core.now();
    match core.change(|v| v.add_many(pending, now)) {
        Some(Ok(report)) => {
            super::list::refresh(core);
            with_adapter(core, |a| {
                let rows = a.get_rows();
                for i in 0..rows.row_count() {
                    if let Some(mut row) = rows.row_data(i).filter(|r| r.status == 0) {
                        row.status = 3;
                        rows.set_row_data(i, row);
                    }
                }
                a.set_to_add(0);
                a.set_added(report.added.len() as i32);
            });
            message(
                core,
                Msg::AccountsAdded,
                report.added.len().to_string(),
                false,
            );
        }
        Some(Err(e)) => message(core, Msg::Detail, e.to_string(), true),
        None => {}
    }
}

/// Leaves the import for the list, where the added accounts are (leaving the screen stops
/// the scanner and forgets everything).
fn finish(core: &Rc<Core>) {
    nav::go(core, Screen::List);
}

/// Leaving the screen (or locking): forget the parts, the file and the accounts waiting to be
/// added.
pub(crate) fn clear(core: &Rc<Core>) {
    reset(core);
}

// ------------------------------------------------------------------ files

fn open_file(core: &Rc<Core>) {
    core.spawn("monban-file-dialog", move |poster| {
        let chosen = file_dialog::choose(Purpose::Import);
        poster.post(move |core| match chosen {
            Choice::Chosen(path) => open_path(core, &path),
            Choice::Cancelled => {}
            Choice::Missing => with_adapter(core, |a| a.set_show_path_field(true)),
        });
    });
}

fn looks_like_image(b: &[u8]) -> bool {
    b.starts_with(b"\x89PNG")
        || b.starts_with(b"\xFF\xD8\xFF")
        || b.starts_with(b"GIF8")
        || b.starts_with(b"BM")
        || (b.len() > 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP")
}

/// Imports a file: a QR image goes through the scanner (it may be one part of several); a
/// Monban backup or another app's export gives the summary (after its password if any).
pub fn open_path(core: &Rc<Core>, path: &Path) {
    if path.as_os_str().is_empty() {
        with_adapter(core, |a| a.set_show_path_field(true));
        return;
    }
    let bytes = match read_limited(path) {
        Ok(b) => b,
        Err(ReadError::TooLarge) => {
            message(core, Msg::FileTooLarge, "", true);
            return;
        }
        Err(ReadError::Io(e)) => {
            let (msg, arg) = super::reasons::unreadable_file(&e, path);
            message(core, msg, arg, true);
            return;
        }
    };
    if looks_like_image(&bytes) {
        match crate::camera::load_image_bytes(&bytes) {
            Ok(frame) => {
                if nav::current(core) != Screen::Import {
                    reset(core);
                    nav::go(core, Screen::Import);
                }
                super::scan::feed_frame(core, frame);
            }
            Err(e) => message(core, Msg::FileUnusable, e.to_string(), true),
        }
        return;
    }
    if backup::is_backup(&bytes) {
        *core.import.file.borrow_mut() = Some(Locked::Backup(bytes));
        ask_password(core);
        return;
    }
    match transfer::detect(&bytes) {
        Ok(importer) if importer.encrypted(&bytes) => {
            *core.import.file.borrow_mut() = Some(Locked::Foreign(importer, bytes));
            ask_password(core);
        }
        Ok(importer) => match importer.read(&bytes, None) {
            Ok(parsed) => {
                super::scan::stop(core);
                show_summary(core, parsed);
            }
            Err(e) => message(core, Msg::FileUnusable, e.to_string(), true),
        },
        Err(e) => message(core, Msg::FileUnusable, e.to_string(), true),
    }
}

/// Why a file to import was not read.
#[derive(Debug, thiserror::Error)]
enum ReadError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("larger than {} MiB", MAX_FILE_BYTES / (1024 * 1024))]
    TooLarge,
}

fn read_limited(path: &Path) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    if std::fs::metadata(path)?.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge);
    }
    Ok(Zeroizing::new(std::fs::read(path)?))
}

fn ask_password(core: &Rc<Core>) {
    super::scan::stop(core);
    set_stage(core, ImportStage::Password);
    message(core, Msg::PasswordNeeded, "", false);
}

fn submit_password(core: &Rc<Core>, typed: SharedString) {
    if core.import.busy.get() || typed.is_empty() {
        return;
    }
    let password = Zeroizing::new(typed.to_string());
    let job = match &*core.import.file.borrow() {
        Some(Locked::Backup(b)) => Locked::Backup(b.clone()),
        Some(Locked::Foreign(i, b)) => Locked::Foreign(*i, b.clone()),
        None => return,
    };
    let bounds = core.open_options.kdf_bounds;
    set_busy(core, true);
    message(core, Msg::None, "", false);
    let epoch = core.epoch.get();
    let started = core.spawn("monban-import", move |poster| {
        let result: Result<Parsed, (Msg, String)> = match job {
            Locked::Backup(bytes) => match backup::read(&bytes, &password, &bounds) {
                Ok(b) => Ok(Parsed {
                    accounts: b.accounts(),
                    refused: Vec::new(),
                }),
                Err(backup::Error::WrongPassword) => Err((Msg::WrongPassword, String::new())),
                Err(e) => Err((Msg::FileUnusable, e.to_string())),
            },
            Locked::Foreign(importer, bytes) => match importer.read(&bytes, Some(&password)) {
                Ok(p) => Ok(p),
                Err(transfer::Error::WrongPassword) => Err((Msg::WrongPassword, String::new())),
                Err(e) => Err((Msg::FileUnusable, e.to_string())),
            },
        };
        drop(password);
        poster.post(move |core| {
            if core.epoch.get() != epoch {
                return;
            }
            set_busy(core, false);
            match result {
                Ok(parsed) => {
                    core.import.file.borrow_mut().take();
                    show_summary(core, parsed);
                }
                Err((msg, arg)) => message(core, msg, arg, true),
            }
        });
    });
    if !started {
        set_busy(core, false);
    }
}
