//! Reading passcodes and passwords: from an environment variable (for scripts) or a
//! terminal prompt without echo. Values are returned zeroizing.

use anyhow::{Context, bail};
use std::io::IsTerminal;
use zeroize::Zeroizing;

/// Environment variable holding the vault passcode for scripts.
pub const PASSCODE_ENV: &str = "MONBAN_PASSCODE";
/// Environment variable holding a backup password for scripts.
pub const BACKUP_PASSWORD_ENV: &str = "MONBAN_BACKUP_PASSWORD";

/// Reads a secret from `env_var` if set, else prompts on the terminal with `prompt`.
/// Fails with a clear message when neither is available (no terminal, e.g. in CI).
pub fn secret(env_var: &str, prompt: &str) -> anyhow::Result<Zeroizing<String>> {
    if let Ok(v) = std::env::var(env_var) {
        return Ok(Zeroizing::new(v));
    }
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask for it: set {env_var} ({prompt})");
    }
    let v = rpassword::prompt_password(format!("{prompt}: "))
        .context("cannot read from the terminal")?;
    Ok(Zeroizing::new(v))
}

/// Reads a new secret: from `env_var` if set, else prompted twice on the terminal, and the two
/// entries must match.
pub fn new_secret(env_var: &str, prompt: &str) -> anyhow::Result<Zeroizing<String>> {
    if let Ok(v) = std::env::var(env_var) {
        return Ok(Zeroizing::new(v));
    }
    let first = secret(env_var, prompt)?;
    let again = secret(env_var, &format!("{prompt} (again)"))?;
    if *first != *again {
        bail!("the two entries differ; nothing was changed");
    }
    Ok(first)
}
