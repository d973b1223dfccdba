//! `monban scan IMAGE... [--json]` (filled in by the QR work).

use std::path::PathBuf;

use super::CmdResult;

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Image files (PNG, JPEG, WebP).
    #[arg(required = true)]
    pub images: Vec<PathBuf>,
    /// One JSON array, one object per image with `file` and `payloads`.
    #[arg(long)]
    pub json: bool,
}

pub fn run(_a: ScanArgs) -> CmdResult {
    anyhow::bail!("scan is not built yet")
}
