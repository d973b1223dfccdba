//! Desktop entry point: the command line when a subcommand is given, else the GUI.

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

fn main() -> ExitCode {
    let cli = monban::cli::Cli::parse();
    let vault = cli.vault.clone();
    if let Some(code) = monban::cli::run(cli) {
        return code;
    }
    #[cfg(feature = "gui")]
    {
        let _ = vault;
        monban::cli::Cli::command().print_help().ok();
        ExitCode::SUCCESS
    }
    #[cfg(not(feature = "gui"))]
    {
        let _ = vault;
        monban::cli::Cli::command().print_help().ok();
        ExitCode::SUCCESS
    }
}
