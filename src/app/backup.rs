//! Be ready for loss or breakage (紛失・故障に備える): the backup file (every account,
//! encrypted with a backup password), the restore drill (opens a backup, counts its accounts
//! and shows its fingerprint, imports nothing) and the paper backup (a printable PDF with
//! each account's QR code). Exports ask for the passcode first; the KDF and the page
//! rendering run on a background thread. Restoring is "Import accounts" with the file.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use slint::{ComponentHandle, SharedString};
use zeroize::Zeroizing;

use super::core::Core;
use super::pages::{self, state};
use super::{AppWindow, BackupAdapter, Page, TMsg};
use crate::transfer::{backup, paper};
use crate::vault::KdfParams;

/// Fewest characters a backup password may have.
pub const MIN_PASSWORD_LEN: usize = 8;

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let a = ui.global::<BackupAdapter>();
    a.set_min_password(MIN_PASSWORD_LEN as i32);
    let weak = Rc::downgrade(core);
    a.on_export_backup(move |pw, again| {
        if let Some(core) = weak.upgrade() {
            core.activity();
            export_backup(
                &core,
                Zeroizing::new(pw.to_string()),
                Zeroizing::new(again.to_string()),
            );
        }
    });
    let weak = Rc::downgrade(core);
    a.on_export_paper(move || {
        if let Some(core) = weak.upgrade() {
            core.activity();
            pages::with_passcode(&core, export_paper);
        }
    });
    let weak = Rc::downgrade(core);
    a.on_drill(move |pw| {
        if let Some(core) = weak.upgrade() {
            core.activity();
            drill(&core, Zeroizing::new(pw.to_string()));
        }
    });
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
    message(core, TMsg::None, "", "", false);
    pages::set_page(core, Page::Backup);
}

fn message(
    core: &Core,
    msg: TMsg,
    arg: impl Into<SharedString>,
    arg2: impl Into<SharedString>,
    error: bool,
) {
    if let Some(ui) = core.ui() {
        let a = ui.global::<BackupAdapter>();
        a.set_message(msg);
        a.set_message_arg(arg.into());
        a.set_message_arg2(arg2.into());
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
    if pages::light_kdf(core) {
        KdfParams::TEST_LIGHT
    } else {
        KdfParams::DEFAULT
    }
}

fn export_backup(core: &Rc<Core>, pw: Zeroizing<String>, again: Zeroizing<String>) {
    if busy(core) {
        return;
    }
    if pw.as_str() != again.as_str() {
        message(core, TMsg::PasswordsDiffer, "", "", true);
        return;
    }
    if pw.chars().count() < MIN_PASSWORD_LEN {
        message(
            core,
            TMsg::PasswordShort,
            MIN_PASSWORD_LEN.to_string(),
            "",
            true,
        );
        return;
    }
    pages::with_passcode(core, move |core| {
        let Some(ui) = core.ui() else { return };
        let path = PathBuf::from(ui.global::<BackupAdapter>().get_backup_path().trim());
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
            message(core, TMsg::NoAccounts, "", "", true);
            return;
        }
        let (kdf, now) = (kdf(core), core.now());
        run(core, move || {
            let bytes = backup::write(&entries, &pw, kdf, now).map_err(|e| e.to_string())?;
            drop(entries);
            write_new(&path, &bytes)?;
            Ok((TMsg::SavedTo, path.display().to_string(), String::new()))
        });
    });
}

fn export_paper(core: &Rc<Core>) {
    let Some(ui) = core.ui() else { return };
    if busy(core) {
        return;
    }
    let path = PathBuf::from(ui.global::<BackupAdapter>().get_paper_path().trim());
    let accounts: Vec<crate::Account> = core
        .with_vault(|v| v.entries().iter().map(|e| e.account.clone()).collect())
        .unwrap_or_default();
    if accounts.is_empty() {
        message(core, TMsg::NoAccounts, "", "", true);
        return;
    }
    let now = core.now();
    run(core, move || {
        let pages = paper::render(&accounts, now).map_err(|e| e.to_string())?;
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
        write_new(&path, &bytes)?;
        Ok((TMsg::SavedTo, path.display().to_string(), String::new()))
    });
}

fn drill(core: &Rc<Core>, pw: Zeroizing<String>) {
    let Some(ui) = core.ui() else { return };
    if busy(core) || pw.is_empty() {
        return;
    }
    let path = PathBuf::from(ui.global::<BackupAdapter>().get_drill_path().trim());
    let bounds = core.open_options.kdf_bounds;
    run(core, move || {
        let bytes =
            Zeroizing::new(std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?);
        match backup::read(&bytes, &pw, &bounds) {
            Ok(b) => Ok((TMsg::DrillOk, b.entries.len().to_string(), b.fingerprint())),
            Err(backup::Error::WrongPassword) => {
                Ok((TMsg::WrongPassword, String::new(), String::new()))
            }
            Err(e) => Err(e.to_string()),
        }
    });
}

/// Writes a file that must not silently replace another one's content half-way: through a
/// temporary file renamed into place, readable by the owner only where the OS has modes.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if path.as_os_str().is_empty() {
        return Err("choose where to save the file".into());
    }
    let err = |e: std::io::Error| format!("{}: {e}", path.display());
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

/// Runs `job` off the UI thread; its message comes back to the page.
fn run(
    core: &Rc<Core>,
    job: impl FnOnce() -> Result<(TMsg, String, String), String> + Send + 'static,
) {
    set_busy(core, true);
    message(core, TMsg::None, "", "", false);
    let (poster, epoch) = (core.poster(), state(core).epoch.get());
    std::thread::Builder::new()
        .name("monban-backup".into())
        .spawn(move || {
            let result = job();
            poster.post(move |core| {
                if state(core).epoch.get() != epoch {
                    return;
                }
                set_busy(core, false);
                match result {
                    Ok((msg, a, b)) => message(core, msg, a, b, msg == TMsg::WrongPassword),
                    Err(e) => message(core, TMsg::Detail, e, "", true),
                }
            });
        })
        .expect("spawn the backup thread");
}

pub(crate) fn clear(core: &Rc<Core>) {
    set_busy(core, false);
    message(core, TMsg::None, "", "", false);
}
