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
use crate::transfer::{self, Assembler, Parsed, Refused, google};
use crate::vault::{EntryMeta, KdfBounds, KdfParams, Vault};

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
    /// Files or QR images to import from.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Format (detected when not given): backup, aegis, 2fas, andotp, bitwarden,
    /// freeotp-plus, ente, uri-list, google, sealed, image.
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

/// Writes one PNG per QR text into `dir` as `<stem>-<i>-of-<n>.png`.
fn write_qr_pngs(
    dir: &Path,
    stem: &str,
    texts: &[&str],
    overwrite: Overwrite,
) -> anyhow::Result<Vec<PathBuf>> {
    ensure_dir(dir)?;
    let n = texts.len();
    let mut files = Vec::with_capacity(n);
    for (i, t) in texts.iter().enumerate() {
        let img = crate::qr::encode(t)
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
            let files = write_qr_pngs(&a.out, "google", &texts, overwrite)?;
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
                crate::qr::PHONE_READABLE_MAX_VERSION,
            )?;
            let texts: Vec<&str> = s.texts.iter().map(|t| t.as_str()).collect();
            let files = write_qr_pngs(&a.out, "sealed", &texts, overwrite)?;
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

/// Everything gathered from the inputs before the vault is touched.
#[derive(Default)]
struct Gathered {
    parsed: Parsed,
    /// Entries from Monban backups (with metadata).
    backup_entries: Vec<BackupEntry>,
    /// Entries from a sealed transfer (with their groups).
    sealed_entries: Vec<BackupEntry>,
    google: Assembler<Parsed>,
    sealed: Assembler<sealed::Part>,
    notes: Vec<String>,
}

impl Gathered {
    /// Files one QR payload or text line.
    fn payload(&mut self, text: &str, source: &str) {
        let t = text.trim();
        if sealed::is_sealed(t) {
            match sealed::parse_part(t) {
                Ok(p) => {
                    let (id, i, n) = (u64::from(p.batch_id()), p.index(), p.count());
                    if let Err(e) = self.sealed.add(id, i, n, p) {
                        self.parsed
                            .refused
                            .push(Refused::new(source, e.to_string()));
                    }
                }
                Err(e) => self
                    .parsed
                    .refused
                    .push(Refused::new(source, e.to_string())),
            }
        } else if google::is_migration_uri(t) {
            match google::parse_migration_uri(t) {
                Ok(b) => {
                    let (id, i, n) = (b.batch_id as u32 as u64, b.part_index(), b.part_count());
                    if let Err(e) = self.google.add(id, i, n, b.into_parsed()) {
                        self.parsed
                            .refused
                            .push(Refused::new(source, e.to_string()));
                    }
                }
                Err(e) => self
                    .parsed
                    .refused
                    .push(Refused::new(source, e.to_string())),
            }
        } else {
            match crate::uri::parse(t) {
                Ok(a) => self.parsed.push_checked(a),
                Err(e) => self.parsed.refused.push(Refused::new(
                    source,
                    format!("not an authenticator QR code ({e})"),
                )),
            }
        }
    }
}

fn file_password(path: &Path) -> anyhow::Result<Zeroizing<String>> {
    prompt::secret(
        BACKUP_PASSWORD_ENV,
        &format!("Password of {}", path.display()),
    )
}

fn gather_file(g: &mut Gathered, path: &Path, format: Option<&str>) -> anyhow::Result<()> {
    let data = Zeroizing::new(
        std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?,
    );
    let name = path.display().to_string();
    let format = format.map(|f| f.trim().to_ascii_lowercase());
    let is_image = image::guess_format(&data).is_ok();
    let qr_format = matches!(
        format.as_deref(),
        None | Some("image" | "google" | "sealed" | "uri" | "uri-list")
    );
    if is_image && qr_format || format.as_deref() == Some("image") {
        let frame = crate::camera::load_image_bytes(&data)
            .with_context(|| format!("cannot read the image {name}"))?;
        let found = crate::qr::decode_with(&frame, &crate::qr::DecodeOptions::thorough());
        if found.is_empty() {
            g.parsed
                .refused
                .push(Refused::new(name.clone(), "no QR code found in the image"));
        }
        for p in found {
            g.payload(&p.text, &name);
        }
        return Ok(());
    }
    if backup::is_backup(&data) || format.as_deref() == Some("backup") {
        let password = file_password(path)?;
        let b = backup::read(&data, &password, &KdfBounds::REAL)
            .with_context(|| format!("cannot open the backup {name}"))?;
        g.notes.push(format!(
            "backup {name}: {} account(s), written {}, fingerprint {}",
            b.entries.len(),
            transfer::paper::date(b.created),
            b.fingerprint()
        ));
        g.backup_entries.extend(b.entries);
        return Ok(());
    }
    let text = std::str::from_utf8(&data).ok();
    let transfer_lines = |t: &str| {
        t.lines()
            .any(|l| sealed::is_sealed(l.trim()) || google::is_migration_uri(l.trim()))
    };
    if matches!(format.as_deref(), Some("google") | Some("sealed"))
        || format.is_none() && text.is_some_and(transfer_lines)
    {
        let text = text.context("the file is not text")?;
        for (n, line) in text.lines().enumerate() {
            if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
                g.payload(line, &format!("{name} line {}", n + 1));
            }
        }
        return Ok(());
    }
    let imp = match &format {
        Some(f) => transfer::importer(f)?,
        None => transfer::detect(&data).with_context(|| name.clone())?,
    };
    let password = if imp.encrypted(&data) {
        Some(file_password(path)?)
    } else {
        None
    };
    let parsed = imp
        .read(&data, password.as_deref().map(|p| p.as_str()))
        .with_context(|| format!("cannot import {name} ({})", imp.name()))?;
    g.parsed.extend(parsed);
    Ok(())
}

pub fn import(vault: Option<PathBuf>, a: ImportArgs) -> CmdResult {
    let mut g = Gathered::default();
    for path in &a.inputs {
        gather_file(&mut g, path, a.format.as_deref())?;
    }
    // Google batches: every scanned part, and a report of missing ones.
    let google = std::mem::take(&mut g.google);
    if !google.is_empty() {
        let p = google.progress();
        if !p.is_complete() {
            g.notes.push(format!(
                "Google transfer: {p}; scan the missing codes and import them too"
            ));
        }
        for part in google.into_parts() {
            g.parsed.extend(part);
        }
    }
    let sealed_parts = std::mem::take(&mut g.sealed);
    if !sealed_parts.is_empty() {
        let p = sealed_parts.progress();
        if !p.is_complete() {
            g.notes.push(format!(
                "sealed transfer: {p}; the accounts of the missing codes are not imported"
            ));
        }
        let code = match &a.transfer_code {
            Some(c) => Zeroizing::new(c.clone()),
            None => prompt::secret(TRANSFER_CODE_ENV, "Transfer code shown on the other device")?,
        };
        let code = TransferCode::parse(&code)?;
        let parts = sealed_parts.into_parts();
        let opened = sealed::open_entries(&parts, &code, &sealed::Limits::DEFAULT)
            .context("cannot open the sealed transfer")?;
        g.parsed.refused.extend(opened.parsed.refused);
        // Sealed accounts keep their groups: added like backup entries, with metadata.
        let now = now();
        for (account, groups) in opened.parsed.accounts.into_iter().zip(opened.groups) {
            let mut meta = EntryMeta::new_for(&account, now);
            meta.groups = groups;
            g.sealed_entries.push(BackupEntry {
                account,
                meta: Some(meta),
            });
        }
    }
    if a.replace && g.backup_entries.is_empty() {
        bail!("--replace works only when restoring a Monban backup");
    }
    if g.parsed.accounts.is_empty() && g.backup_entries.is_empty() && g.sealed_entries.is_empty() {
        for n in &g.notes {
            println!("{n}");
        }
        let why: Vec<String> = g.parsed.refused.iter().map(|r| r.to_string()).collect();
        bail!(
            "nothing to import{}",
            if why.is_empty() {
                String::new()
            } else {
                format!(": {}", why.join("; "))
            }
        );
    }
    let mut v = open_vault(vault)?;
    let mut summary = transfer::Summary {
        refused: std::mem::take(&mut g.parsed.refused),
        ..Default::default()
    };
    // Backup entries keep their metadata; each is added on its own (one save each).
    let backup_accounts: Vec<Account> =
        g.backup_entries.iter().map(|e| e.account.clone()).collect();
    let with_meta = std::mem::take(&mut g.backup_entries)
        .into_iter()
        .chain(std::mem::take(&mut g.sealed_entries));
    for e in with_meta {
        let label = transfer::label(&e.account);
        let r = match e.meta {
            Some(meta) => v.add_with_meta(e.account, meta),
            None => v.add(e.account, now()),
        };
        match r {
            Ok(_) => summary.added += 1,
            Err(crate::vault::Error::Duplicate) => summary.duplicates += 1,
            Err(crate::vault::Error::InvalidEntry(why)) => {
                summary.refused.push(Refused::new(label, why))
            }
            Err(e) => {
                return Err(e)
                    .context("cannot save the vault; accounts added before this one are kept");
            }
        }
    }
    if !g.parsed.accounts.is_empty() {
        let report = v
            .add_many(std::mem::take(&mut g.parsed.accounts), now())
            .context("cannot add the accounts")?;
        summary.added += report.added.len();
        summary.duplicates += report.duplicates.len();
    }
    let mut removed = 0;
    if a.replace {
        let extra: Vec<_> = v
            .entries()
            .iter()
            .filter(|e| !backup_accounts.iter().any(|b| b.same_login(&e.account)))
            .map(|e| e.id)
            .collect();
        for id in extra {
            v.remove(id)
                .context("cannot remove an account that is not in the backup")?;
            removed += 1;
        }
    }
    for n in &g.notes {
        println!("{n}");
    }
    println!("{summary}");
    if a.replace {
        println!("removed {removed} account(s) that are not in the backup");
    }
    if summary.added > 0 || removed > 0 {
        super::backup_cmds::after_change(&v);
    }
    Ok(ExitCode::SUCCESS)
}
