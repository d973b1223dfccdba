//! `backup verify FILE`, `backup auto --dir DIR [--keep N] [--use-passcode]`,
//! `backup auto --off`, `backup status [--json]`, and the hook every vault-changing command
//! calls after its change ([`after_change`]): with automatic backups on it leaves a new backup
//! in the folder before the command exits, and if that fails prints one warning line on
//! stderr (the change itself stands).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::CmdResult;
use super::code::now;
use super::prompt::{self, BACKUP_PASSWORD_ENV};
use crate::autobackup::{self, BackupSettings, DEFAULT_KEEP, MAX_KEEP, Outcome, Status};
use crate::transfer::{self, backup};
use crate::vault::{BackupPasswordSource, KdfBounds, KdfParams, Vault};

/// Fewest characters of a separate backup password.
pub const MIN_BACKUP_PASSWORD_LEN: usize = 8;

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[command(subcommand)]
    pub command: BackupCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum BackupCommand {
    /// Restore drill: open a backup, report its entry count and fingerprint, import nothing.
    Verify {
        /// Backup file.
        file: PathBuf,
    },
    /// Turn automatic backups on (a backup into DIR after every change) or off (`--off`).
    Auto(AutoArgs),
    /// Whether automatic backups are on and how they are going.
    Status {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct AutoArgs {
    /// Folder for the backups (created if missing). A synced folder is a good choice.
    #[arg(long, value_name = "DIR", required_unless_present = "off")]
    pub dir: Option<PathBuf>,
    /// How many of the newest backups to keep.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_KEEP,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_KEEP)))]
    pub keep: u32,
    /// The backups open with the vault passcode (default: a separate backup password from
    /// MONBAN_BACKUP_PASSWORD or asked twice).
    #[arg(long)]
    pub use_passcode: bool,
    /// Turn automatic backups off (the backups already written stay where they are).
    #[arg(long, conflicts_with_all = ["dir", "use_passcode"])]
    pub off: bool,
}

pub fn run(vault: Option<PathBuf>, a: BackupArgs) -> CmdResult {
    match a.command {
        BackupCommand::Verify { file } => verify(&file),
        BackupCommand::Auto(a) if a.off => auto_off(vault),
        BackupCommand::Auto(a) => auto_on(vault, a),
        BackupCommand::Status { json } => status(vault, json),
    }
}

/// Call after a command changed the vault (already saved): see the module docs.
pub(super) fn after_change(v: &Vault) {
    if let Some(w) = autobackup::after_change(v, now()).warning() {
        eprintln!("monban: {w}");
    }
}

fn verify(file: &Path) -> CmdResult {
    let data = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    if !backup::is_backup(&data) {
        bail!("{} is not a Monban backup file", file.display());
    }
    let password = prompt::secret(
        BACKUP_PASSWORD_ENV,
        &format!("Password of {}", file.display()),
    )?;
    let b = backup::read(&data, &password, &KdfBounds::REAL)
        .with_context(|| format!("cannot open the backup {}", file.display()))?;
    println!("backup {}", file.display());
    println!("entries: {}", b.entries.len());
    println!("written: {}", transfer::paper::date(b.created));
    println!("fingerprint: {}", b.fingerprint());
    println!("the backup opens with this password; nothing was imported");
    Ok(ExitCode::SUCCESS)
}

fn auto_on(vault: Option<PathBuf>, a: AutoArgs) -> CmdResult {
    let dir = a.dir.context("give the folder with --dir DIR")?;
    if dir.exists() && !dir.is_dir() {
        bail!("{} is a file: give a folder for the backups", dir.display());
    }
    let (mut v, passcode) = super::vault_cmds::open_keeping_passcode(vault)?;
    let (password, source) = if a.use_passcode {
        (passcode, BackupPasswordSource::Passcode)
    } else {
        drop(passcode);
        let pw = prompt::new_secret(BACKUP_PASSWORD_ENV, "Backup password")?;
        if pw.chars().count() < MIN_BACKUP_PASSWORD_LEN {
            bail!(
                "the backup password is too short: use at least {MIN_BACKUP_PASSWORD_LEN} characters; nothing was changed"
            );
        }
        (pw, BackupPasswordSource::Separate)
    };
    crate::secure_file::create_private_dir(&dir)
        .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    let dir = std::path::absolute(&dir)
        .with_context(|| format!("cannot resolve the folder {}", dir.display()))?;
    let key = backup::derive_key(&password, KdfParams::DEFAULT, source)
        .context("cannot prepare the backup key")?;
    drop(password);
    let before = autobackup::config::load(v.path());
    let settings = BackupSettings {
        enabled: true,
        dir: Some(dir.clone().into()),
        keep: a.keep,
    };
    v.set_backup_key(Some(key))
        .context("cannot keep the backup key in the vault")?;
    autobackup::config::save(v.path(), &settings).with_context(|| {
        format!(
            "cannot save the settings {}",
            autobackup::config::settings_path(v.path()).display()
        )
    })?;
    match autobackup::back_up_now(&v, &settings, now()) {
        Outcome::Written(w) => {
            println!(
                "automatic backups on: a backup into {} after every change, the newest {} kept",
                dir.display(),
                a.keep
            );
            println!(
                "they open with {}",
                match source {
                    BackupPasswordSource::Passcode => "your vault passcode",
                    BackupPasswordSource::Separate => "the backup password you chose",
                }
            );
            println!("first backup: {} ({} account(s))", w.file, w.entries);
            Ok(ExitCode::SUCCESS)
        }
        Outcome::Failed(e) => {
            let _ = autobackup::config::save(v.path(), &before);
            Err(anyhow::Error::new(e)
                .context("automatic backups were not turned on: the first backup failed"))
        }
        Outcome::Off => unreachable!("the settings just turned them on"),
    }
}

fn auto_off(vault: Option<PathBuf>) -> CmdResult {
    let path = super::vault_cmds::vault_path(vault)?;
    let mut s = autobackup::config::load(&path);
    let was = s.enabled;
    s.enabled = false;
    autobackup::config::save(&path, &s).with_context(|| {
        format!(
            "cannot save the settings {}",
            autobackup::config::settings_path(&path).display()
        )
    })?;
    match (&s.dir, was) {
        (Some(dir), true) => {
            println!("automatic backups off; the backups in {dir} were left where they are")
        }
        _ => println!("automatic backups are off"),
    }
    Ok(ExitCode::SUCCESS)
}

/// RFC 3339 in UTC, to the second.
fn rfc3339(unix: u64) -> String {
    chrono::DateTime::from_timestamp(unix as i64, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn status(vault: Option<PathBuf>, json: bool) -> CmdResult {
    let path = super::vault_cmds::vault_path(vault)?;
    let s = autobackup::config::load(&path);
    let st = Status::load(&path);
    let files = s
        .dir
        .as_ref()
        .map_or(0, |d| autobackup::count_files(d, &st));
    if json {
        let v = serde_json::json!({
            "enabled": s.enabled,
            "dir": s.dir.as_ref().map(|d| d.to_string()),
            "keep": s.keep,
            "files": files,
            "last_ok": st.last_ok.map(rfc3339),
            "last_file": st.last_file,
            "last_error": st.last_error,
            "last_error_at": st.last_error_at.map(rfc3339),
            "pending_changes": st.pending_changes,
        });
        println!("{v}");
        return Ok(ExitCode::SUCCESS);
    }
    match (s.enabled, &s.dir) {
        (true, Some(dir)) => println!(
            "automatic backups: on, the newest {} kept in {dir} ({files} there now)",
            s.keep
        ),
        _ => println!("automatic backups: off (turn them on with `monban backup auto --dir DIR`)"),
    }
    match (st.last_ok, &st.last_file) {
        (Some(t), Some(f)) => println!("last backup: {} ({f})", rfc3339(t)),
        _ => println!("last backup: never"),
    }
    if let Some(e) = &st.last_error {
        let at = st.last_error_at.map(rfc3339).unwrap_or_default();
        println!("last failure: {at}: {e}");
    }
    println!(
        "changes not backed up yet: {}",
        if st.pending_changes { "yes" } else { "no" }
    );
    Ok(ExitCode::SUCCESS)
}
