//! Vault subcommands: init, add, list, code QUERY, remove, rename, passwd.
//! (Filled in by the vault work; arguments are the contract.)

use std::path::PathBuf;

use super::CmdResult;

#[derive(Debug, clap::Args)]
pub struct InitArgs {}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// `otpauth://` or `otpauth-migration://` URI.
    pub uri: String,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct RemoveArgs {
    /// Issuer or name (or part of it) of the account.
    pub query: String,
}

#[derive(Debug, clap::Args)]
pub struct RenameArgs {
    /// Issuer or name (or part of it) of the account.
    pub query: String,
    /// New account name.
    pub name: String,
    /// New issuer.
    #[arg(long)]
    pub issuer: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct PasswdArgs {}

fn todo() -> CmdResult {
    anyhow::bail!("the vault commands are not built yet")
}

pub fn init(_vault: Option<PathBuf>, _a: InitArgs) -> CmdResult {
    todo()
}
pub fn add(_vault: Option<PathBuf>, _a: AddArgs) -> CmdResult {
    todo()
}
pub fn list(_vault: Option<PathBuf>, _a: ListArgs) -> CmdResult {
    todo()
}
pub fn remove(_vault: Option<PathBuf>, _a: RemoveArgs) -> CmdResult {
    todo()
}
pub fn rename(_vault: Option<PathBuf>, _a: RenameArgs) -> CmdResult {
    todo()
}
pub fn passwd(_vault: Option<PathBuf>, _a: PasswdArgs) -> CmdResult {
    todo()
}
/// `monban code QUERY [--at T]`: the code of the vault account matching QUERY.
pub fn code_for_query(_vault: Option<PathBuf>, _query: &str, _at: Option<u64>) -> CmdResult {
    todo()
}
