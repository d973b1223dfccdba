//! Desktop entry point: the command line when a subcommand is given, else the GUI.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = monban::cli::Cli::parse();
    let vault = cli.vault.clone();
    if let Some(code) = monban::cli::run(cli) {
        return code;
    }
    #[cfg(feature = "gui")]
    {
        let options = monban::app::AppOptions {
            vault_path: vault,
            // Timing marks for docs/performance.md (benches/ui.rs sets it).
            perf_log: std::env::var_os("MONBAN_PERF_LOG").map(Into::into),
            ..Default::default()
        };
        match monban::app::run(options) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!(
                    "monban: cannot open the window: {e} (use a subcommand for the command line; see --help)"
                );
                ExitCode::from(1)
            }
        }
    }
    #[cfg(not(feature = "gui"))]
    {
        use clap::CommandFactory;
        let _ = vault;
        monban::cli::Cli::command().print_help().ok();
        ExitCode::SUCCESS
    }
}
