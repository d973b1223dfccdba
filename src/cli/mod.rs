//! The command line: `monban SUBCOMMAND ...`. With no subcommand the desktop binary opens the
//! GUI (when built with the `gui` feature) and otherwise prints help.
//!
//! Contracts (checked from outside; extend, never rename): `code --uri URI [--at T]`,
//! `init [--no-device]`, `info [--json]`, `add URI`, `list [--json] [--group G] [--sort name|issuer|used|recent|custom]`,
//! `code QUERY`, `remove QUERY`, `rename QUERY NAME`, `group QUERY G...`, `ungroup QUERY G...`,
//! `passwd`, `scan IMAGE... [--json]`, `scan --screen [--json]`,
//! `export --format F --out PATH [--json]`,
//! `import FILE... [--format F] [--transfer-code CODE]`, `backup verify FILE`,
//! `backup auto --dir DIR [--keep N] [--use-passcode]`, `backup auto --off`,
//! `backup status [--json]`; global
//! `--vault PATH` (env `MONBAN_VAULT`); passcode from a terminal prompt or `MONBAN_PASSCODE`.
//!
//! Every failure prints one line `monban: <cause>` on stderr and exits non-zero.

mod backup_cmds;
mod code;
pub mod prompt;
mod scan;
mod transfer_cmds;
mod vault_cmds;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The environment variables, listed under `--help`.
const ENVIRONMENT: &str = "\
Without a subcommand, monban opens the app (in builds with the GUI).

Environment:
  MONBAN_VAULT            the vault file (same as --vault)
  MONBAN_PASSCODE         the passcode, instead of the terminal prompt
  MONBAN_NEW_PASSCODE     the new passcode for `passwd`
  MONBAN_BACKUP_PASSWORD  the password of a backup file (export, import, backup verify)
  MONBAN_TRANSFER_CODE    the one-time code of a sealed transfer (import; like --transfer-code)
  MONBAN_PERF_LOG         the app appends timing marks to this file";

/// Monban — an offline two-factor authenticator.
#[derive(Debug, Parser)]
#[command(name = "monban", version, about, long_about = None, after_help = ENVIRONMENT)]
pub struct Cli {
    /// Vault file to use (default: the per-user data directory).
    #[arg(long, global = true, env = "MONBAN_VAULT", value_name = "PATH")]
    pub vault: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the current code: of an `otpauth://` URI (`--uri`, no vault), or of the vault
    /// account matching QUERY.
    Code(code::CodeArgs),
    /// Create a new, empty vault protected by a passcode.
    Init(vault_cmds::InitArgs),
    /// Show what protects the vault: device binding, key derivation, save number.
    Info(vault_cmds::InfoArgs),
    /// Add an account from an `otpauth://` URI (an `otpauth-migration://` URI adds all of its
    /// accounts).
    Add(vault_cmds::AddArgs),
    /// List accounts with their current codes.
    List(vault_cmds::ListArgs),
    /// Remove the account matching QUERY.
    Remove(vault_cmds::RemoveArgs),
    /// Rename the account matching QUERY.
    Rename(vault_cmds::RenameArgs),
    /// Put the account matching QUERY in groups.
    Group(vault_cmds::GroupArgs),
    /// Take the account matching QUERY out of groups.
    Ungroup(vault_cmds::GroupArgs),
    /// Change the vault passcode.
    Passwd(vault_cmds::PasswdArgs),
    /// Put the previous save back in place of a damaged vault (the damaged file is kept
    /// beside it as `<vault>.damaged`).
    Recover(vault_cmds::RecoverArgs),
    /// Decode every QR code in image files or on the screen (no vault needed).
    Scan(scan::ScanArgs),
    /// Export accounts: transfer QR codes, a single-account URI, a backup file or a paper backup.
    Export(transfer_cmds::ExportArgs),
    /// Import accounts from files or QR images (backups, transfer QRs, other apps' exports).
    Import(transfer_cmds::ImportArgs),
    /// Backup files: the restore drill (`verify`), automatic backups (`auto`, `status`).
    Backup(backup_cmds::BackupArgs),
}

/// Runs a parsed command line. Returns `None` when there was no subcommand (the caller decides
/// between GUI and help).
pub fn run(cli: Cli) -> Option<ExitCode> {
    let vault = cli.vault;
    let result = match cli.command? {
        Command::Code(a) => code::run(vault, a),
        Command::Init(a) => vault_cmds::init(vault, a),
        Command::Info(a) => vault_cmds::info(vault, a),
        Command::Add(a) => vault_cmds::add(vault, a),
        Command::List(a) => vault_cmds::list(vault, a),
        Command::Remove(a) => vault_cmds::remove(vault, a),
        Command::Rename(a) => vault_cmds::rename(vault, a),
        Command::Group(a) => vault_cmds::group(vault, a),
        Command::Ungroup(a) => vault_cmds::ungroup(vault, a),
        Command::Passwd(a) => vault_cmds::passwd(vault, a),
        Command::Recover(a) => vault_cmds::recover(vault, a),
        Command::Scan(a) => scan::run(a),
        Command::Export(a) => transfer_cmds::export(vault, a),
        Command::Import(a) => transfer_cmds::import(vault, a),
        Command::Backup(a) => backup_cmds::run(vault, a),
    };
    Some(match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("monban: {}", one_line(&e));
            ExitCode::from(1)
        }
    })
}

/// The error and its causes on one line: "cannot open vault: wrong passcode".
fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let s = cause.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    parts.join(": ").replace('\n', " ")
}

/// Result of a command: the exit code on success.
pub type CmdResult = anyhow::Result<ExitCode>;
