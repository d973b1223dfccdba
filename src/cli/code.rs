//! `monban code`: the current code of a URI (like `oathtool`) or of a vault account.

use std::path::PathBuf;

use super::CmdResult;

#[derive(Debug, clap::Args)]
pub struct CodeArgs {
    /// Issuer or name (or part of it) of a vault account.
    #[arg(conflicts_with = "uri", required_unless_present = "uri")]
    pub query: Option<String>,
    /// An `otpauth://` URI: print its code without opening a vault.
    #[arg(long)]
    pub uri: Option<String>,
    /// Compute the code at this Unix time instead of now.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub at: Option<u64>,
}

pub fn run(vault: Option<PathBuf>, a: CodeArgs) -> CmdResult {
    let _ = (vault, a);
    anyhow::bail!("code is not built yet")
}
