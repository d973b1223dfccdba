//! `export`, `import`, `backup verify` (filled in by the transfer work).

use std::path::PathBuf;

use super::CmdResult;

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
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Files or QR images to import from.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Format (detected when not given).
    #[arg(long)]
    pub format: Option<String>,
    /// One-time code shown beside a sealed transfer QR.
    #[arg(long)]
    pub transfer_code: Option<String>,
}

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
}

pub fn export(_vault: Option<PathBuf>, _a: ExportArgs) -> CmdResult {
    anyhow::bail!("export is not built yet")
}
pub fn import(_vault: Option<PathBuf>, _a: ImportArgs) -> CmdResult {
    anyhow::bail!("import is not built yet")
}
pub fn backup(_vault: Option<PathBuf>, _a: BackupArgs) -> CmdResult {
    anyhow::bail!("backup is not built yet")
}
