//! Import on the new device (機種変更): the scanner collects the parts of a sealed Monban
//! transfer or a Google Authenticator export in any order ("3 of 4"), asks for the transfer
//! code (sealed), shows what will be added and what is skipped as already there, then adds.
//! A file (Monban backup, another authenticator's export, a QR image) gives the same summary.
//!
//! The camera and decoder are the scanner view's ([`super::scan`]): while this page is open
//! the scanner's events come here; a transfer QR found in the ordinary scanner view opens
//! this page too. Decryption (Argon2id of the code or the file password) runs on a
//! background thread. The summary rows carry service and account names only; the accounts
//! themselves stay here until they are added, cancelled or the app locks.

use std::cell::{Cell, RefCell};
use std::path::Path;
use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};
use zeroize::Zeroizing;

use super::core::Core;
use super::pages::{self, state};
use super::{AppWindow, ImportAdapter, ImportRow, ImportStage, Page, TMsg};
use crate::account::Account;
use crate::camera::scanner::{Classified, ScanEvent};
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
    let weak = Rc::downgrade(core);
    a.on_submit_code(move |code| {
        if let Some(core) = weak.upgrade() {
            core.activity();
            submit_code(&core, code);
        }
    });
    let weak = Rc::downgrade(core);
    a.on_submit_password(move |pw| {
        if let Some(core) = weak.upgrade() {
            core.activity();
            submit_password(&core, pw);
        }
    });
    let weak = Rc::downgrade(core);
    a.on_open_path(move |path| {
        if let Some(core) = weak.upgrade() {
            core.activity();
            open_path(&core, Path::new(path.trim()));
        }
    });
    let on = |f: fn(&Rc<Core>)| {
        let weak = Rc::downgrade(core);
        move || {
            if let Some(core) = weak.upgrade() {
                core.activity();
                f(&core);
            }
        }
    };
    a.on_confirm(on(confirm));
    a.on_cancel(on(cancel));
    a.on_open_file(on(open_file));
}

fn with_adapter(core: &Core, f: impl FnOnce(&ImportAdapter)) {
    if let Some(ui) = core.ui() {
        f(&ui.global::<ImportAdapter>());
    }
}

fn message(core: &Core, msg: TMsg, arg: impl Into<SharedString>, error: bool) {
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
    state(core).import.busy.set(busy);
    with_adapter(core, |a| a.set_busy(busy));
}

fn reset(core: &Rc<Core>) {
    let st = state(core);
    *st.import.collecting.borrow_mut() = Collecting::Nothing;
    st.import.sealed_parts.borrow_mut().clear();
    st.import.file.borrow_mut().take();
    st.import.pending.borrow_mut().clear();
    st.import.busy.set(false);
    with_adapter(core, |a| {
        a.set_stage(ImportStage::Scanning);
        a.set_scanned(0);
        a.set_count(0);
        a.set_missing(SharedString::new());
        a.set_sealed(false);
        a.set_busy(false);
        a.set_rows(ModelRc::default());
        a.set_to_add(0);
        a.set_duplicates(0);
        a.set_refused(0);
        a.set_show_path_field(false);
        a.set_path(SharedString::new());
    });
    message(core, TMsg::None, "", false);
}

/// Opens the import page with the camera running.
pub(crate) fn open(core: &Rc<Core>) {
    if !core.is_unlocked() {
        return;
    }
    reset(core);
    super::scan::open(core);
    pages::set_page(core, Page::Import);
}

/// A transfer QR was found in the ordinary scanner view: continue here with it.
pub(crate) fn start_from_scan(core: &Rc<Core>, found: Classified) {
    reset(core);
    pages::set_page(core, Page::Import);
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
                Err(e) => message(core, TMsg::PartError, e.to_string(), true),
            }
        }
        ScanEvent::Found(Classified::MonbanTransfer(text)) => match sealed::parse_part(&text) {
            Ok(part) => add_sealed(core, part),
            Err(e) => message(core, TMsg::PartError, e.to_string(), true),
        },
        ScanEvent::Found(Classified::Account(_)) => message(core, TMsg::SingleAccount, "", true),
        ScanEvent::Found(_) => message(core, TMsg::NotTransfer, "", true),
        ScanEvent::Unreadable(why) => message(core, TMsg::FileError, why, true),
        ScanEvent::SourceError(why) => message(core, TMsg::Detail, why, true),
        ScanEvent::SourceEnded => {}
    }
}

fn add_google(core: &Rc<Core>, batch: google::MigrationBatch) {
    let st = state(core);
    let mut collecting = st.import.collecting.borrow_mut();
    if matches!(*collecting, Collecting::Nothing) {
        *collecting = Collecting::Google(Assembler::new());
    }
    let Collecting::Google(asm) = &mut *collecting else {
        drop(collecting);
        message(
            core,
            TMsg::PartError,
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
                    &mut *st.import.collecting.borrow_mut(),
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
            message(core, TMsg::PartError, e.to_string(), true);
        }
    }
}

fn add_sealed(core: &Rc<Core>, part: sealed::Part) {
    let st = state(core);
    let mut collecting = st.import.collecting.borrow_mut();
    if matches!(*collecting, Collecting::Nothing) {
        *collecting = Collecting::Sealed(Assembler::new());
    }
    let Collecting::Sealed(asm) = &mut *collecting else {
        drop(collecting);
        message(
            core,
            TMsg::PartError,
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
                    &mut *st.import.collecting.borrow_mut(),
                    Collecting::Nothing,
                ) {
                    Collecting::Sealed(asm) => asm.into_parts(),
                    _ => Vec::new(),
                };
                *st.import.sealed_parts.borrow_mut() = parts;
                super::scan::stop(core);
                set_stage(core, ImportStage::Code);
                message(core, TMsg::None, "", false);
            }
        }
        Err(e) => {
            drop(collecting);
            message(core, TMsg::PartError, e.to_string(), true);
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
    message(core, TMsg::None, "", false);
}

fn submit_code(core: &Rc<Core>, typed: SharedString) {
    let st = state(core);
    if st.import.busy.get() || st.import.sealed_parts.borrow().is_empty() {
        return;
    }
    let code = match sealed::TransferCode::parse(&Zeroizing::new(typed.to_string())) {
        Ok(c) => c,
        Err(e) => {
            message(core, TMsg::Detail, e.to_string(), true);
            return;
        }
    };
    let parts = st.import.sealed_parts.borrow().clone();
    let limits = if pages::light_kdf(core) {
        sealed::Limits::NO_FLOOR
    } else {
        sealed::Limits::DEFAULT
    };
    set_busy(core, true);
    message(core, TMsg::None, "", false);
    let (poster, epoch) = (core.poster(), st.epoch.get());
    std::thread::Builder::new()
        .name("monban-import".into())
        .spawn(move || {
            let result = sealed::open(&parts, &code, &limits);
            poster.post(move |core| opened_sealed(core, epoch, result));
        })
        .expect("spawn the import thread");
}

fn opened_sealed(core: &Rc<Core>, epoch: u64, result: sealed::Result<Parsed>) {
    if state(core).epoch.get() != epoch {
        return;
    }
    set_busy(core, false);
    match result {
        Ok(parsed) => show_summary(core, parsed),
        Err(sealed::Error::WrongCode) => message(core, TMsg::WrongCode, "", true),
        Err(e) => message(core, TMsg::Detail, e.to_string(), true),
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
    let st = state(core);
    let to_add = added.len();
    *st.import.pending.borrow_mut() = added;
    with_adapter(core, |a| {
        a.set_rows(ModelRc::new(VecModel::from(rows)));
        a.set_to_add(to_add as i32);
        a.set_duplicates(duplicates);
        a.set_refused(parsed.refused.len() as i32);
        a.set_stage(ImportStage::Summary);
    });
    if to_add == 0 {
        message(core, TMsg::NothingNew, "", false);
    } else {
        message(core, TMsg::None, "", false);
    }
}

/// "Add N accounts" (or "Close" when nothing is left to add).
fn confirm(core: &Rc<Core>) {
    let st = state(core);
    let pending = std::mem::take(&mut *st.import.pending.borrow_mut());
    if pending.is_empty() {
        finish(core);
        return;
    }
    let now = core.now();
    match core.with_vault(|v| v.add_many(pending, now)) {
        Some(Ok(report)) => {
            super::list::refresh(core);
            with_adapter(core, |a| a.set_to_add(0));
            message(core, TMsg::Added, report.added.len().to_string(), false);
        }
        Some(Err(e)) => message(core, TMsg::Detail, e.to_string(), true),
        None => {}
    }
}

/// Leaves the import: scanner stopped, everything forgotten, back to the list.
fn finish(core: &Rc<Core>) {
    reset(core);
    pages::set_page(core, Page::None);
    super::scan::close(core);
}

/// Back / Cancel.
pub(crate) fn cancel(core: &Rc<Core>) {
    finish(core);
}

/// Lock: forget the parts, the file and the accounts waiting to be added.
pub(crate) fn clear(core: &Rc<Core>) {
    reset(core);
}

// ------------------------------------------------------------------ files

fn open_file(core: &Rc<Core>) {
    let poster = core.poster();
    std::thread::Builder::new()
        .name("monban-file-dialog".into())
        .spawn(move || {
            let chosen = native_file_dialog();
            poster.post(move |core| match chosen {
                Dialog::Chosen(path) => open_path(core, &path),
                Dialog::Cancelled => {}
                Dialog::Missing => with_adapter(core, |a| a.set_show_path_field(true)),
            });
        })
        .expect("spawn the file dialog thread");
}

use super::scan::{Dialog, run_file_dialog};

/// The desktop's own file chooser (zenity, kdialog, or the macOS one), else the in-app path
/// field. Runs a separate program, so the app needs no GTK or portal libraries.
fn native_file_dialog() -> Dialog {
    let candidates: &[(&str, &[&str])] = if cfg!(target_os = "macos") {
        &[(
            "osascript",
            &[
                "-e",
                "POSIX path of (choose file with prompt \"Choose a file to import\")",
            ],
        )]
    } else if cfg!(all(
        unix,
        not(target_os = "android"),
        not(target_os = "ios")
    )) {
        &[
            (
                "zenity",
                &["--file-selection", "--title=Choose a file to import"],
            ),
            ("kdialog", &["--getopenfilename", "."]),
        ]
    } else {
        &[]
    };
    run_file_dialog(candidates)
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
        Err(e) => {
            message(core, TMsg::FileError, e, true);
            return;
        }
    };
    if looks_like_image(&bytes) {
        match crate::camera::load_image_bytes(&bytes) {
            Ok(frame) => {
                if !matches!(core.screen(), super::Screen::Scan) {
                    super::scan::open(core);
                    pages::set_page(core, Page::Import);
                }
                super::scan::feed_frame(core, frame);
            }
            Err(e) => message(core, TMsg::FileError, e.to_string(), true),
        }
        return;
    }
    let st = state(core);
    if backup::is_backup(&bytes) {
        *st.import.file.borrow_mut() = Some(Locked::Backup(bytes));
        ask_password(core);
        return;
    }
    match transfer::detect(&bytes) {
        Ok(importer) if importer.encrypted(&bytes) => {
            *st.import.file.borrow_mut() = Some(Locked::Foreign(importer, bytes));
            ask_password(core);
        }
        Ok(importer) => match importer.read(&bytes, None) {
            Ok(parsed) => {
                super::scan::stop(core);
                show_summary(core, parsed);
            }
            Err(e) => message(core, TMsg::FileError, e.to_string(), true),
        },
        Err(e) => message(core, TMsg::FileError, e.to_string(), true),
    }
}

fn read_limited(path: &Path) -> Result<Zeroizing<Vec<u8>>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{} is larger than {} MiB",
            path.display(),
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    std::fs::read(path)
        .map(Zeroizing::new)
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn ask_password(core: &Rc<Core>) {
    super::scan::stop(core);
    set_stage(core, ImportStage::Password);
    message(core, TMsg::PasswordNeeded, "", false);
}

fn submit_password(core: &Rc<Core>, typed: SharedString) {
    let st = state(core);
    if st.import.busy.get() || typed.is_empty() {
        return;
    }
    let password = Zeroizing::new(typed.to_string());
    let job = match &*st.import.file.borrow() {
        Some(Locked::Backup(b)) => Locked::Backup(b.clone()),
        Some(Locked::Foreign(i, b)) => Locked::Foreign(*i, b.clone()),
        None => return,
    };
    let bounds = core.open_options.kdf_bounds;
    set_busy(core, true);
    message(core, TMsg::None, "", false);
    let (poster, epoch) = (core.poster(), st.epoch.get());
    std::thread::Builder::new()
        .name("monban-import".into())
        .spawn(move || {
            let result: Result<Parsed, (TMsg, String)> = match job {
                Locked::Backup(bytes) => match backup::read(&bytes, &password, &bounds) {
                    Ok(b) => Ok(Parsed {
                        accounts: b.accounts(),
                        refused: Vec::new(),
                    }),
                    Err(backup::Error::WrongPassword) => Err((TMsg::WrongPassword, String::new())),
                    Err(e) => Err((TMsg::FileError, e.to_string())),
                },
                Locked::Foreign(importer, bytes) => match importer.read(&bytes, Some(&password)) {
                    Ok(p) => Ok(p),
                    Err(transfer::Error::WrongPassword) => {
                        Err((TMsg::WrongPassword, String::new()))
                    }
                    Err(e) => Err((TMsg::FileError, e.to_string())),
                },
            };
            drop(password);
            poster.post(move |core| {
                if state(core).epoch.get() != epoch {
                    return;
                }
                set_busy(core, false);
                match result {
                    Ok(parsed) => {
                        state(core).import.file.borrow_mut().take();
                        show_summary(core, parsed);
                    }
                    Err((msg, arg)) => message(core, msg, arg, true),
                }
            });
        })
        .expect("spawn the import thread");
}
