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
//!
//! This is a thin controller over the core's one import path ([`crate::transfer::session`]):
//! the same detection, size cap, picture sniffing, payload classification, duplicate preview
//! and metadata-keeping commit as `monban import`.

use std::cell::{Cell, RefCell};
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};
use zeroize::Zeroizing;

use super::core::Core;
use super::{AppWindow, ImportAdapter, ImportRow, ImportStage, Msg, Screen, nav};
use crate::account::Account;
use crate::camera::scanner::{Classified, ScanEvent};
use crate::file_dialog::{self, Choice, Purpose};
use crate::transfer::session::{self, Fed, Preview, Session, Source};
use crate::transfer::{self, Parsed, Refused, picture, sealed};

#[derive(Default)]
pub(crate) struct ImportState {
    /// What was scanned and read so far (the core's import session).
    session: RefCell<Session>,
    /// All parts of a sealed transfer, waiting for the code.
    sealed_parts: RefCell<Vec<sealed::Part>>,
    /// An encrypted file waiting for its password.
    file: RefCell<Option<Arc<Source>>>,
    /// What "Add" will add (duplicates already taken out), with the metadata read.
    pending: RefCell<Option<Preview>>,
    busy: Cell<bool>,
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
    *core.import.session.borrow_mut() = Session::new();
    core.import.sealed_parts.borrow_mut().clear();
    core.import.file.borrow_mut().take();
    core.import.pending.borrow_mut().take();
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

/// Restores a backup already read (an automatic backup opened with the vault's key): the
/// summary of the one import path, as for a file.
pub(crate) fn restore(core: &Rc<Core>, read: session::Read) {
    if !core.is_unlocked() {
        return;
    }
    reset(core);
    nav::go(core, Screen::Import);
    core.import.session.borrow_mut().add(read);
    show_summary(core);
}

/// Restores a backup file (any Monban backup or another app's export): the import page without
/// the camera, asking for the file's password. An empty path shows the path field.
pub(crate) fn open_file_for_restore(core: &Rc<Core>, path: &Path) {
    if !core.is_unlocked() {
        return;
    }
    reset(core);
    nav::go(core, Screen::Import);
    open_path(core, path);
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
        ScanEvent::Found(Classified::GoogleMigration(text) | Classified::MonbanTransfer(text)) => {
            let text = Zeroizing::new(text);
            let fed = core.import.session.borrow_mut().scanned(&text, "QR code");
            on_fed(core, fed);
        }
        ScanEvent::Found(Classified::Account(_)) => message(core, Msg::SingleAccount, "", true),
        ScanEvent::Found(_) => message(core, Msg::NotTransfer, "", true),
        ScanEvent::Unreadable(why) => message(core, Msg::FileUnusable, why, true),
        ScanEvent::SourceError(why) => message(core, Msg::Detail, why, true),
        ScanEvent::SourceEnded => {}
    }
}

/// What the session did with a scanned transfer part.
fn on_fed(core: &Rc<Core>, fed: Fed) {
    match fed {
        Fed::Google(progress) => {
            show_progress(core, &progress, false);
            if progress.is_complete() {
                super::scan::stop(core);
                show_summary(core);
            }
        }
        Fed::Sealed(progress) => {
            show_progress(core, &progress, true);
            if progress.is_complete() {
                let parts = core.import.session.borrow_mut().take_sealed();
                *core.import.sealed_parts.borrow_mut() = parts;
                super::scan::stop(core);
                set_stage(core, ImportStage::Code);
                message(core, Msg::None, "", false);
            }
        }
        Fed::Refused(r) => message(core, Msg::PartError, r.why, true),
        Fed::Account => {}
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
        let result = session::open_sealed_parts(&parts, &code, &limits);
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
        Ok(parsed) => {
            core.import.session.borrow_mut().add_parsed(parsed);
            show_summary(core);
        }
        Err(sealed::Error::WrongCode) => message(core, Msg::WrongCode, "", true),
        Err(e) => message(core, Msg::Detail, e.to_string(), true),
    }
}

/// Shows what will be added, what is skipped as a duplicate and what is refused with why
/// (the session's preview against the vault's accounts).
fn show_summary(core: &Rc<Core>) {
    let existing: Vec<Account> = core
        .with_vault(|v| v.entries().iter().map(|e| e.account.clone()).collect())
        .unwrap_or_default();
    let preview = std::mem::take(&mut *core.import.session.borrow_mut()).preview(&existing);
    drop(existing);
    let mut rows = Vec::new();
    for (a, _) in &preview.to_add {
        rows.push(ImportRow {
            issuer: a.issuer.as_str().into(),
            name: a.name.as_str().into(),
            status: 0,
            why: SharedString::new(),
        });
    }
    for label in &preview.duplicates {
        rows.push(ImportRow {
            issuer: label.as_str().into(),
            name: SharedString::new(),
            status: 1,
            why: SharedString::new(),
        });
    }
    for Refused { what, why } in &preview.refused {
        rows.push(ImportRow {
            issuer: what.as_str().into(),
            name: SharedString::new(),
            status: 2,
            why: why.as_str().into(),
        });
    }
    let summary = preview.summary();
    let to_add = summary.added;
    *core.import.pending.borrow_mut() = Some(preview);
    with_adapter(core, |a| {
        a.set_rows(ModelRc::new(VecModel::from(rows)));
        a.set_to_add(to_add as i32);
        a.set_duplicates(summary.duplicates as i32);
        a.set_refused(summary.refused.len() as i32);
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
    let pending = core.import.pending.borrow_mut().take();
    let Some(preview) = pending.filter(|p| !p.to_add.is_empty()) else {
        finish(core);
        return;
    };
    let now = core.now();
    match core.change(|v| preview.commit(v, now)) {
        Some(Ok(summary)) => {
            super::list::refresh(core);
            mark_added(core, summary.added);
            message(core, Msg::AccountsAdded, summary.added.to_string(), false);
        }
        Some(Err(e)) => {
            // The save failed: nothing was added, the vault is as it was.
            message(core, Msg::Detail, e.to_string(), true);
        }
        None => {}
    }
}

/// After "Add": the first `added` rows waiting to be added (the session keeps their order)
/// now read "added".
fn mark_added(core: &Core, added: usize) {
    with_adapter(core, |a| {
        let rows = a.get_rows();
        let mut left = added;
        for i in 0..rows.row_count() {
            if left == 0 {
                break;
            }
            if let Some(mut row) = rows.row_data(i).filter(|r| r.status == 0) {
                row.status = 3;
                rows.set_row_data(i, row);
                left -= 1;
            }
        }
        a.set_to_add(0);
        a.set_added(added as i32);
    });
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

/// Imports a file: a QR image goes through the scanner (it may be one part of several); a
/// Monban backup or another app's export gives the summary (after its password if any).
pub fn open_path(core: &Rc<Core>, path: &Path) {
    if path.as_os_str().is_empty() {
        with_adapter(core, |a| a.set_show_path_field(true));
        return;
    }
    let bytes = match session::read_file(path) {
        Ok(b) => b,
        Err(e) => {
            file_error(core, path, &e);
            return;
        }
    };
    open_bytes(core, path, bytes);
}

/// Restores a backup read from elsewhere than a path (an automatic backup in an Android
/// document tree), named `name`: as [`open_file_for_restore`].
pub(crate) fn open_bytes_for_restore(core: &Rc<Core>, name: &str, bytes: Zeroizing<Vec<u8>>) {
    if !core.is_unlocked() {
        return;
    }
    reset(core);
    nav::go(core, Screen::Import);
    open_bytes(core, Path::new(name), bytes);
}

/// The bytes of the file `path` (a picture, a backup, an export), as [`open_path`] goes on.
fn open_bytes(core: &Rc<Core>, path: &Path, bytes: Zeroizing<Vec<u8>>) {
    if picture::is_image(&bytes) {
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
    let source = match Source::identify(&file_name(path), bytes, None) {
        Ok(s) => s,
        Err(e) => {
            file_error(core, path, &e);
            return;
        }
    };
    if source.needs_password() {
        *core.import.file.borrow_mut() = Some(Arc::new(source));
        ask_password(core);
        return;
    }
    match source.read(None, &core.open_options.kdf_bounds, load_picture) {
        Ok(read) => {
            super::scan::stop(core);
            core.import.session.borrow_mut().add(read);
            show_summary(core);
        }
        Err(e) => file_error(core, path, &e),
    }
}

/// The file's name as messages show it (not the whole path).
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A file that could not be read at all: the OS's reasons and the size cap are translated
/// messages; a damaged or unknown file names its format and what is wrong.
fn file_error(core: &Core, path: &Path, e: &session::Error) {
    match e {
        session::Error::Io { source, .. } => {
            let (msg, arg) = super::reasons::unreadable_file(source, path);
            message(core, msg, arg, true);
        }
        session::Error::TooLarge(_) => message(core, Msg::FileTooLarge, "", true),
        _ if e.is_wrong_password() => message(core, Msg::WrongPassword, "", true),
        _ => message(core, Msg::FileUnusable, e.to_string(), true),
    }
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
    let Some(source) = core.import.file.borrow().clone() else {
        return;
    };
    let bounds = core.open_options.kdf_bounds;
    set_busy(core, true);
    message(core, Msg::None, "", false);
    let epoch = core.epoch.get();
    let started = core.spawn("monban-import", move |poster| {
        let result = source.read(Some(&password), &bounds, load_picture);
        drop(password);
        let name = source.name().to_string();
        drop(source);
        poster.post(move |core| {
            if core.epoch.get() != epoch {
                return;
            }
            set_busy(core, false);
            match result {
                Ok(read) => {
                    // Read: the file is no longer needed.
                    core.import.file.borrow_mut().take();
                    core.import.session.borrow_mut().add(read);
                    show_summary(core);
                }
                // The file stays for another try.
                Err(e) => file_error(core, Path::new(&name), &e),
            }
        });
    });
    if !started {
        set_busy(core, false);
    }
}

/// The import session's picture loader: image files through the camera module's still-image
/// reader (formats, EXIF orientation).
fn load_picture(bytes: &[u8]) -> Result<crate::qr::Frame, String> {
    crate::camera::load_image_bytes(bytes).map_err(|e| e.to_string())
}
