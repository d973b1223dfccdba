//! `monban code`: the current code of a URI (like `oathtool`, no vault) or of a vault account.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::CmdResult;

#[derive(Debug, clap::Args)]
pub struct CodeArgs {
    /// A vault account: its id (see `list`) or part of its issuer or name.
    #[arg(conflicts_with = "uri", required_unless_present = "uri")]
    pub query: Option<String>,
    /// An `otpauth://` (or `steam://`) URI: print its code without opening a vault.
    #[arg(long)]
    pub uri: Option<String>,
    /// Compute the code at this Unix time instead of now.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub at: Option<u64>,
}

pub fn run(vault: Option<PathBuf>, a: CodeArgs) -> CmdResult {
    match (a.uri, a.query) {
        (Some(uri), _) => {
            let account = crate::uri::parse(&uri).context("cannot read the URI")?;
            let code = crate::otp::code_at(&account, a.at.unwrap_or_else(now))
                .context("cannot compute the code")?;
            println!("{code}");
            Ok(ExitCode::SUCCESS)
        }
        (None, Some(query)) => super::vault_cmds::code_for_query(vault, &query, a.at),
        (None, None) => anyhow::bail!("give an account QUERY or --uri URI"),
    }
}

/// The wall clock in Unix seconds: read only at the edges (CLI, app), never in the core.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
