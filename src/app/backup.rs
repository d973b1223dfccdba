//! Be ready for loss or breakage: the backup file (every account,
//! encrypted with a backup password), the restore drill (opens a backup, counts its accounts
//! and shows its fingerprint, imports nothing) and the paper backup (a printable PDF with
//! each account's QR code). The drill reports the backup's date, count and fingerprint, as
//! `monban backup verify` does. Exports ask for the passcode first; the KDF and the page
//! rendering run on a background thread. Restoring is "Import accounts" with the file.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use slint::{ComponentHandle, SharedString};
use zeroize::Zeroizing;

use super::core::Core;
use super::{AppWindow, BackupAdapter, Msg, Screen, nav, reauth};
use crate::file_dialog::expand_path;
use crate::transfer::{backup, paper};
use crate::vault::KdfParams;

/// Fewest characters a backup password may have.
pub const MIN_PASSWORD_LEN: usize = 8;

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let a = ui.global::<BackupAdapter>();
    a.set_min_password(MIN_PASSWORD_LEN as i32);
    a.on_export_backup(core.act2(|core, pw: SharedString, again: SharedString| {
        export_backup(
            core,
            Zeroizing::new(pw.to_string()),
            Zeroizing::new(again.to_string()),
        )
    }));
    a.on_export_paper(core.act(|core| {
        if !busy(core) {
            set_section(core, Section::Paper);
            reauth::with_passcode(core, export_paper);
        }
    }));
    a.on_drill(core.act1(|core, pw: SharedString| drill(core, Zeroizing::new(pw.to_string()))));
}

/// Why a backup step failed.
#[derive(Debug, thiserror::Error)]
enum JobError {
    #[error("choose where to save the file")]
    NoPath,
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot save {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Backup(#[from] backup::Error),
    #[error(transparent)]
    Paper(#[from] paper::Error),
}

impl JobError {
    /// The message shown for it.
    fn message(&self) -> (Msg, String) {
        match self {
            JobError::NoPath => (Msg::ChoosePlace, String::new()),
            JobError::Read { path, source } => super::reasons::unreadable_file(source, path),
            JobError::Write { path, .. } => (Msg::CannotSave, path.display().to_string()),
            other => (Msg::Detail, other.to_string()),
        }
    }
}

/// Default place for exported files: the user's documents folder, else beside the vault.
fn default_dir(core: &Core) -> PathBuf {
    directories::UserDirs::new()
        .and_then(|d| d.document_dir().map(Path::to_path_buf))
        .or_else(|| core.vault_path.parent().map(Path::to_path_buf))
        .unwrap_or_default()
}

pub(crate) fn open(core: &Rc<Core>) {
    let Some(ui) = core.ui() else { return };
    let dir = default_dir(core);
    let date = paper::date(core.now());
    let a = ui.global::<BackupAdapter>();
    if a.get_backup_path().is_empty() {
        a.set_backup_path(
            dir.join(format!("monban-{date}.{}", backup::EXTENSION))
                .display()
                .to_string()
                .into(),
        );
    }
    if a.get_paper_path().is_empty() {
        a.set_paper_path(
            dir.join(format!("monban-paper-{date}.pdf"))
                .display()
                .to_string()
                .into(),
        );
    }
    if a.get_drill_path().is_empty() {
        a.set_drill_path(a.get_backup_path());
    }
    message(core, Msg::None, "", "", false);
    nav::go(core, Screen::Backup);
}

fn message(
    core: &Core,
    msg: Msg,
    arg: impl Into<SharedString>,
    arg2: impl Into<SharedString>,
    error: bool,
) {
    if let Some(ui) = core.ui() {
        let a = ui.global::<BackupAdapter>();
        a.set_message(msg);
        a.set_message_arg(arg.into());
        a.set_message_arg2(arg2.into());
        a.set_message_arg3(SharedString::new());
        a.set_message_is_error(error);
    }
}

fn set_busy(core: &Core, busy: bool) {
    if let Some(ui) = core.ui() {
        ui.global::<BackupAdapter>().set_busy(busy);
    }
}

fn busy(core: &Core) -> bool {
    core.ui()
        .is_some_and(|ui| ui.global::<BackupAdapter>().get_busy())
}

fn kdf(core: &Core) -> KdfParams {
    if core.light_kdf() {
        KdfParams::TEST_LIGHT
    } else {
        KdfParams::DEFAULT
    }
}

/// The sections of the page, where a message shows.
#[derive(Clone, Copy)]
enum Section {
    File = 0,
    Drill = 1,
    Paper = 2,
}

/// The message that follows belongs under `section`'s button.
fn set_section(core: &Core, section: Section) {
    if let Some(ui) = core.ui() {
        ui.global::<BackupAdapter>().set_section(section as i32);
    }
}

fn export_backup(core: &Rc<Core>, pw: Zeroizing<String>, again: Zeroizing<String>) {
    if busy(core) {
        return;
    }
    set_section(core, Section::File);
    if pw.as_str() != again.as_str() {
        message(core, Msg::PasswordsDiffer, "", "", true);
        return;
    }
    if pw.chars().count() < MIN_PASSWORD_LEN {
        message(
            core,
            Msg::PasswordShort,
            MIN_PASSWORD_LEN.to_string(),
            "",
            true,
        );
        return;
    }
    reauth::with_passcode(core, move |core| {
        let Some(ui) = core.ui() else { return };
        let path = expand_path(&ui.global::<BackupAdapter>().get_backup_path());
        let entries: Vec<backup::BackupEntry> = core
            .with_vault(|v| {
                v.entries()
                    .iter()
                    .map(|e| backup::BackupEntry {
                        account: e.account.clone(),
                        meta: Some(e.meta.clone()),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if entries.is_empty() {
            message(core, Msg::NoAccounts, "", "", true);
            return;
        }
        let (kdf, now) = (kdf(core), core.now());
        run(core, move || {
            let bytes = backup::write(&entries, &pw, kdf, now)?;
            drop(entries);
            saved_to(&path, &bytes)
        });
    });
}

fn export_paper(core: &Rc<Core>) {
    let Some(ui) = core.ui() else { return };
    if busy(core) {
        return;
    }
    let path = expand_path(&ui.global::<BackupAdapter>().get_paper_path());
    let accounts: Vec<crate::Account> = core
        .with_vault(|v| v.entries().iter().map(|e| e.account.clone()).collect())
        .unwrap_or_default();
    if accounts.is_empty() {
        message(core, Msg::NoAccounts, "", "", true);
        return;
    }
    let now = core.now();
    run(core, move || {
        let pages = paper::render(&accounts, now)?;
        drop(accounts);
        let bytes = if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("png"))
            && pages.len() == 1
        {
            paper::to_png(&pages[0])
        } else {
            paper::to_pdf(&pages)
        };
        saved_to(&path, &bytes)
    });
}

fn drill(core: &Rc<Core>, pw: Zeroizing<String>) {
    let Some(ui) = core.ui() else { return };
    if busy(core) || pw.is_empty() {
        return;
    }
    set_section(core, Section::Drill);
    let path = expand_path(&ui.global::<BackupAdapter>().get_drill_path());
    let bounds = core.open_options.kdf_bounds;
    run(core, move || {
        let bytes = Zeroizing::new(std::fs::read(&path).map_err(|source| JobError::Read {
            path: path.clone(),
            source,
        })?);
        match backup::read(&bytes, &pw, &bounds) {
            Ok(b) => Ok((
                Msg::DrillOkDated,
                format!(
                    "{} {:02}:{:02} UTC",
                    paper::date(b.created),
                    b.created % 86_400 / 3_600,
                    b.created % 3_600 / 60
                ),
                b.entries.len().to_string(),
                b.fingerprint(),
            )),
            Err(backup::Error::WrongPassword) => Ok((
                Msg::WrongPassword,
                String::new(),
                String::new(),
                String::new(),
            )),
            Err(e) => Err(e.into()),
        }
    });
}

/// Writes a file that must not silently replace another one's content half-way: through a
/// temporary file renamed into place, readable by the owner only where the OS has modes.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), JobError> {
    if path.as_os_str().is_empty() {
        return Err(JobError::NoPath);
    }
    let err = |source| JobError::Write {
        path: path.to_owned(),
        source,
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp).map_err(err)?;
        f.write_all(bytes).and_then(|_| f.sync_all()).map_err(err)?;
    }
    std::fs::rename(&tmp, path).map_err(err)
}

/// [`write_new`], then the page's outcome line naming the file.
fn saved_to(path: &Path, bytes: &[u8]) -> Result<(Msg, String, String, String), JobError> {
    write_new(path, bytes)?;
    Ok((
        Msg::SavedTo,
        path.display().to_string(),
        String::new(),
        String::new(),
    ))
}

/// Runs `job` off the UI thread; its message comes back to the page.
fn run(
    core: &Rc<Core>,
    job: impl FnOnce() -> Result<(Msg, String, String, String), JobError> + Send + 'static,
) {
    set_busy(core, true);
    message(core, Msg::None, "", "", false);
    let epoch = core.epoch.get();
    let started = core.spawn("monban-backup", move |poster| {
        let result = job();
        poster.post(move |core| {
            if core.epoch.get() != epoch {
                return;
            }
            set_busy(core, false);
            match result {
                Ok((msg, a, b, c)) => {
                    message(core, msg, a, b, msg == Msg::WrongPassword);
                    if let Some(ui) = core.ui() {
                        ui.global::<BackupAdapter>().set_message_arg3(c.into());
                    }
                }
                Err(e) => {
                    let (msg, arg) = e.message();
                    message(core, msg, arg, "", true);
                }
            }
        });
    });
    if !started {
        set_busy(core, false);
    }
}

pub(crate) fn clear(core: &Rc<Core>) {
    set_busy(core, false);
    message(core, Msg::None, "", "", false);
}
