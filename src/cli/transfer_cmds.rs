//! `export`, `import` (`backup ...` is in `backup_cmds.rs`).
//!
//! - `export --format google-qr|sealed-qr --out DIR [--json]`: one PNG per QR code into DIR
//!   (created if missing); `--json` prints `{"files": [...]}` plus `"transfer_code"` for
//!   sealed-qr (and `"refused"` for accounts a Google QR cannot carry).
//! - `export --format uri --out FILE [--account QUERY]`: with `--account`, that one account;
//!   without it, every account. FILE ending in `.png` gets a QR code (one account only);
//!   anything else gets a text file of `otpauth://` links, one per line (a plain URI list that
//!   other authenticators and `monban import` read).
//! - `export --format backup --out FILE`: encrypted backup (password from
//!   `MONBAN_BACKUP_PASSWORD` or asked twice on the terminal).
//! - `export --format paper --out FILE.pdf|FILE.png`: printable pages (PNG: one file per
//!   page, `FILE.png`, `FILE-2.png`, ...).
//! - `import FILE_OR_IMAGE... [--format F] [--transfer-code CODE] [--replace]`: detects each
//!   input (QR images, Monban backups, other apps' exports); asks for missing passwords and
//!   the transfer code on a terminal (`MONBAN_BACKUP_PASSWORD`, `MONBAN_TRANSFER_CODE` for
//!   scripts); prints `added N, duplicates N, refused N` and each refusal.
//!
//! Files holding secrets go through [`crate::secure_file`]: mode 0600, new folders 0700, an
//! existing file is replaced only with `--overwrite`.
//! The CLI always uses the real KDF parameters and bounds.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use zeroize::Zeroizing;

use super::CmdResult;
use super::code::now;
use super::prompt::{self, BACKUP_PASSWORD_ENV};
use crate::account::Account;
use crate::secure_file::{self, Overwrite};
use crate::transfer::backup::{self, BackupEntry};
use crate::transfer::sealed::{self, TransferCode};
use crate::transfer::session::{self, Session, Source};
use crate::transfer::{self, Refused, google};
use crate::vault::{KdfBounds, KdfParams, Vault};

/// Environment variable holding a sealed transfer's code for scripts.
pub const TRANSFER_CODE_ENV: &str = "MONBAN_TRANSFER_CODE";

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// google-qr | sealed-qr | uri | backup | paper
    #[arg(long)]
    pub format: String,
    /// Output: a folder for QR formats (one PNG per part), a file otherwise.
    #[arg(long)]
    pub out: PathBuf,
    /// Print `{"files": [...], "transfer_code": "..."}`.
    #[arg(long)]
    pub json: bool,
    /// `uri` format: export only the account matching QUERY (its id, or part of its issuer or name).
    #[arg(long, value_name = "QUERY")]
    pub account: Option<String>,
    /// Replace output files that already exist (default: refuse and change nothing).
    #[arg(long)]
    pub overwrite: bool,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Files or QR images to import from (the format of each is detected).
    #[arg(required_unless_present = "list_formats")]
    pub inputs: Vec<PathBuf>,
    /// Print the formats Monban reads, one per line, and stop.
    #[arg(long)]
    pub list_formats: bool,
    /// Force a format instead of detecting it: backup, image, google, sealed, or an
    /// importer id (see --list-formats).
    #[arg(long)]
    pub format: Option<String>,
    /// One-time code shown beside a sealed transfer QR.
    #[arg(long)]
    pub transfer_code: Option<String>,
    /// Restoring a Monban backup: afterwards remove vault accounts that are not in the
    /// backup (default: merge, keeping them).
    #[arg(long)]
    pub replace: bool,
}

// ------------------------------------------------------------------ shared helpers

use super::vault_cmds::open as open_vault;

/// Writes a file holding secrets through the one safe writer (mode 0600, complete or absent,
/// no temporary file left on error); an existing file is replaced only with `--overwrite`.
fn write_new(path: &Path, data: &[u8], overwrite: Overwrite) -> anyhow::Result<()> {
    secure_file::write(path, data, overwrite).map_err(|e| match e {
        secure_file::Error::AlreadyExists { .. } => anyhow::anyhow!(
            "{} already exists: choose another name, delete it first or pass --overwrite",
            path.display()
        ),
        e => anyhow::Error::new(e),
    })
}

fn overwrite(a: &ExportArgs) -> Overwrite {
    if a.overwrite {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    }
}

fn ensure_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() && !dir.is_dir() {
        bail!(
            "{} is a file; --out must be a folder for QR formats",
            dir.display()
        );
    }
    secure_file::create_private_dir(dir).map_err(anyhow::Error::new)
}

fn print_files(json: bool, files: &[PathBuf], code: Option<&str>, refused: &[Refused]) {
    if json {
        let mut v = serde_json::json!({ "files": files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>() });
        if let Some(c) = code {
            v["transfer_code"] = serde_json::Value::String(c.to_string());
        }
        if !refused.is_empty() {
            v["refused"] = refused
                .iter()
                .map(|r| serde_json::json!({"account": r.what, "why": r.why}))
                .collect();
        }
        println!("{v}");
        return;
    }
    for f in files {
        println!("wrote {}", f.display());
    }
    for r in refused {
        println!("not exported {r}");
    }
}

/// Writes one PNG per QR text into `dir` as `<stem>-<i>-of-<n>.png`, at error-correction level
/// `ec` (the format's: [`sealed::EC_LEVEL`] for sealed parts).
fn write_qr_pngs(
    dir: &Path,
    stem: &str,
    texts: &[&str],
    overwrite: Overwrite,
    ec: crate::qr::EcLevel,
) -> anyhow::Result<Vec<PathBuf>> {
    ensure_dir(dir)?;
    let n = texts.len();
    let mut files = Vec::with_capacity(n);
    for (i, t) in texts.iter().enumerate() {
        let img = crate::qr::encode_with(t, crate::qr::DEFAULT_SCALE, ec)
            .map_err(|e| anyhow::anyhow!("cannot draw QR code {} of {n}: {e}", i + 1))?;
        let path = dir.join(format!("{stem}-{}-of-{n}.png", i + 1));
        write_new(&path, &img.to_png(), overwrite)?;
        files.push(path);
    }
    Ok(files)
}

// ------------------------------------------------------------------ export

pub fn export(vault: Option<PathBuf>, a: ExportArgs) -> CmdResult {
    let format = a.format.trim().to_ascii_lowercase();
    if !["google-qr", "sealed-qr", "uri", "backup", "paper"].contains(&format.as_str()) {
        bail!(
            "unknown export format \"{}\": use google-qr, sealed-qr, uri, backup or paper",
            a.format
        );
    }
    if a.account.is_some() && format != "uri" {
        bail!("--account is for --format uri only");
    }
    let overwrite = overwrite(&a);
    let v = open_vault(vault)?;
    if v.entries().is_empty() {
        bail!("nothing to export: the vault has no accounts");
    }
    let accounts: Vec<Account> = v.entries().iter().map(|e| e.account.clone()).collect();
    match format.as_str() {
        "google-qr" => {
            let batch_id = i32::from_le_bytes(random::<4>()?);
            let e = google::export(&accounts, batch_id);
            if e.uris.is_empty() {
                bail!(
                    "no account can travel in a Google Authenticator QR: {}",
                    e.refused
                        .iter()
                        .map(|r| r.to_string())
                        .collect::<Vec<_>>()
                        .join("; ")
                );
            }
            let texts: Vec<&str> = e.uris.iter().map(|u| u.as_str()).collect();
            let files = write_qr_pngs(&a.out, "google", &texts, overwrite, crate::qr::EC_LEVEL)?;
            if !a.json {
                eprintln!(
                    "warning: Google transfer QR codes are NOT encrypted: whoever photographs them owns the accounts"
                );
            }
            print_files(a.json, &files, None, &e.refused);
        }
        "sealed-qr" => {
            let code = TransferCode::generate()?;
            let s = sealed::seal(
                v.entries(),
                &code,
                sealed::KdfParams::DEFAULT,
                sealed::MAX_VERSION,
            )?;
            let texts: Vec<&str> = s.texts.iter().map(|t| t.as_str()).collect();
            let files = write_qr_pngs(&a.out, "sealed", &texts, overwrite, sealed::EC_LEVEL)?;
            let shown = code.display();
            if !a.json {
                println!("transfer code: {}", shown.as_str());
                println!(
                    "type it on the new device after scanning the {} code(s); it works only with these codes",
                    files.len()
                );
            }
            print_files(a.json, &files, Some(&shown), &[]);
        }
        "uri" => export_uri(&v, &a)?,
        "backup" => {
            let password = prompt::new_secret(BACKUP_PASSWORD_ENV, "Backup password")?;
            let entries: Vec<BackupEntry> = v
                .entries()
                .iter()
                .map(|e| BackupEntry {
                    account: e.account.clone(),
                    meta: Some(e.meta.clone()),
                })
                .collect();
            let bytes = backup::write(&entries, &password, KdfParams::DEFAULT, now())?;
            write_new(&a.out, &bytes, overwrite)?;
            let file = std::path::absolute(&a.out).unwrap_or_else(|_| a.out.clone());
            crate::autobackup::record_manual_backup(v.path(), &file, now());
            if !a.json {
                println!(
                    "backup of {} account(s), fingerprint {}",
                    entries.len(),
                    backup::fingerprint(&accounts)
                );
            }
            print_files(a.json, std::slice::from_ref(&a.out), None, &[]);
        }
        "paper" => {
            let ext = a
                .out
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            let pages = transfer::paper::render(&accounts, now())?;
            let mut files = Vec::new();
            match ext.as_str() {
                "pdf" => {
                    write_new(&a.out, &transfer::paper::to_pdf(&pages), overwrite)?;
                    files.push(a.out.clone());
                }
                "png" => {
                    for (i, p) in pages.iter().enumerate() {
                        let path = if i == 0 {
                            a.out.clone()
                        } else {
                            let stem = a
                                .out
                                .file_stem()
                                .and_then(|s| s.to_str())
                                .unwrap_or("paper");
                            a.out.with_file_name(format!("{stem}-{}.png", i + 1))
                        };
                        write_new(&path, &transfer::paper::to_png(p), overwrite)?;
                        files.push(path);
                    }
                }
                _ => bail!("--out for a paper backup must end in .pdf or .png"),
            }
            if !a.json {
                eprintln!(
                    "warning: whoever sees the printed page owns these accounts; keep it locked away"
                );
            }
            print_files(a.json, &files, None, &[]);
        }
        _ => unreachable!("format checked above"),
    }
    Ok(ExitCode::SUCCESS)
}

fn export_uri(v: &Vault, a: &ExportArgs) -> anyhow::Result<()> {
    let chosen: Vec<&Account> = match &a.account {
        Some(q) => {
            let id = super::vault_cmds::find(v, q)?;
            v.entries()
                .iter()
                .filter(|e| e.id == id)
                .map(|e| &e.account)
                .collect()
        }
        None => v.entries().iter().map(|e| &e.account).collect(),
    };
    let is_png = a
        .out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("png"));
    if is_png {
        let [one] = chosen.as_slice() else {
            bail!(
                "a QR image holds one account: choose it with --account QUERY ({} in the vault)",
                chosen.len()
            );
        };
        let uri = crate::uri::write(one);
        let img = crate::qr::encode(&uri)?;
        write_new(&a.out, &img.to_png(), overwrite(a))?;
    } else {
        let mut text = Zeroizing::new(String::new());
        for acc in &chosen {
            text.push_str(&crate::uri::write(acc));
            text.push('\n');
        }
        write_new(&a.out, text.as_bytes(), overwrite(a))?;
    }
    if !a.json {
        eprintln!("warning: the file holds the secret keys in plain text");
    }
    print_files(a.json, std::slice::from_ref(&a.out), None, &[]);
    Ok(())
}

fn random<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b)
        .map_err(|e| anyhow::anyhow!("no random numbers from the system: {e}"))?;
    Ok(b)
}

// ------------------------------------------------------------------ import

fn file_password(path: &Path) -> anyhow::Result<Zeroizing<String>> {
    prompt::secret(
        BACKUP_PASSWORD_ENV,
        &format!("Password of {}", path.display()),
    )
}

/// `import --list-formats`: one line per format.
fn list_formats() -> CmdResult {
    for line in session::formats() {
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads every input into the session; the first file that cannot be read at all stops the
/// import before the vault is touched.
fn gather(a: &ImportArgs) -> anyhow::Result<Session> {
    let mut s = Session::new();
    for path in &a.inputs {
        let data = session::read_file(path)?;
        let source = Source::identify(&path.display().to_string(), data, a.format.as_deref())?;
        let password = if source.needs_password() {
            Some(file_password(path)?)
        } else {
            None
        };
        let read = source.read(
            password.as_deref().map(|p| p.as_str()),
            &KdfBounds::REAL,
            load_picture,
        )?;
        s.add(read);
    }
    if s.needs_transfer_code() {
        let code = match &a.transfer_code {
            Some(c) => Zeroizing::new(c.clone()),
            None => prompt::secret(TRANSFER_CODE_ENV, "Transfer code shown on the other device")?,
        };
        let code = TransferCode::parse(&code)?;
        s.open_sealed(&code, &sealed::Limits::DEFAULT)?;
    }
    Ok(s)
}

pub fn import(vault: Option<PathBuf>, a: ImportArgs) -> CmdResult {
    if a.list_formats {
        return list_formats();
    }
    let s = gather(&a)?;
    let mut v = open_vault(vault)?;
    let existing: Vec<Account> = v.entries().iter().map(|e| e.account.clone()).collect();
    let preview = s.preview(&existing);
    drop(existing);
    let read_any = !preview.to_add.is_empty() || !preview.duplicates.is_empty();
    if a.replace && preview.restored.is_empty() {
        bail!("--replace works only when restoring a Monban backup");
    }
    let restored = if a.replace {
        preview.restored.clone()
    } else {
        Vec::new()
    };
    for n in &preview.notes {
        println!("{n}");
    }
    let summary = preview
        .commit(&mut v, now())
        .context("the import stopped")?;
    let mut removed = 0;
    if a.replace {
        let extra: Vec<_> = v
            .entries()
            .iter()
            .filter(|e| !restored.iter().any(|b| b.same_login(&e.account)))
            .map(|e| e.id)
            .collect();
        for id in extra {
            v.remove(id)
                .context("cannot remove an account that is not in the backup")?;
            removed += 1;
        }
    }
    println!("{summary}");
    if a.replace {
        println!("removed {removed} account(s) that are not in the backup");
    }
    if summary.added > 0 || removed > 0 {
        super::backup_cmds::after_change(&v);
    }
    if !read_any {
        bail!("nothing to import: no entry could be read");
    }
    Ok(ExitCode::SUCCESS)
}

/// The import session's picture loader: image files through the camera module's still-image
/// reader (formats, EXIF orientation).
fn load_picture(bytes: &[u8]) -> Result<crate::qr::Frame, String> {
    crate::camera::load_image_bytes(bytes).map_err(|e| e.to_string())
}
