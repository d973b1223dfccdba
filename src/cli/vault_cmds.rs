//! Vault subcommands: init, info, add, list, code QUERY, remove, rename, group, ungroup, passwd.
//!
//! A QUERY is an account's id as `list` shows it (`3` or `#3`; always unambiguous) or part of
//! its issuer or name ([`crate::arrange::find`]).
//!
//! The command line always uses the real KDF bounds ([`crate::vault::KdfBounds::REAL`]), KDF
//! parameters calibrated on this device for new passcodes, the strength floor and this
//! device's key store ([`crate::keystore::options`]); light parameters exist only for library
//! tests. The clock is read here, at the edge, and passed into the vault.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use zeroize::Zeroizing;

use super::CmdResult;
use super::backup_cmds::after_change;
use super::code::now;
use super::prompt::{self, PASSCODE_ENV};
use crate::account::Kind;
use crate::vault::{Entry, EntryId, Icon, OpenOptions, Vault, group_key};

/// Environment variable holding the new passcode for `passwd` in scripts.
pub const NEW_PASSCODE_ENV: &str = "MONBAN_NEW_PASSCODE";

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Do not bind the vault to this device's key store even when there is one (the vault
    /// then opens on any device with the passcode alone, which must meet the strength floor).
    #[arg(long)]
    pub no_device: bool,
}

#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The options every vault command opens with.
pub(super) fn options() -> OpenOptions {
    crate::keystore::options()
}

/// One sentence on what protects the vault file.
fn binding(v: &Vault) -> String {
    match v.device_bound() {
        Some(store) => format!(
            "bound to this device's key in {store}: the vault file alone, even with the passcode, does not open"
        ),
        None => "not bound to a device key: the passcode alone opens the file".into(),
    }
}

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
    /// Compute the codes at this Unix time instead of now.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub at: Option<u64>,
    /// Only the accounts in this group (case-insensitive).
    #[arg(long, value_name = "G")]
    pub group: Option<String>,
    /// Order: custom (your own order), name, issuer, used (most used first), recent.
    #[arg(long, value_name = "ORDER", default_value = "custom")]
    pub sort: crate::arrange::SortOrder,
}

#[derive(Debug, clap::Args)]
pub struct RemoveArgs {
    /// The account's id (see `list`) or part of its issuer or name.
    pub query: String,
}

#[derive(Debug, clap::Args)]
pub struct GroupArgs {
    /// The account's id (see `list`) or part of its issuer or name.
    pub query: String,
    /// Group names.
    #[arg(required = true, value_name = "G")]
    pub groups: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct RenameArgs {
    /// The account's id (see `list`) or part of its issuer or name.
    pub query: String,
    /// New account name.
    pub name: String,
    /// New issuer.
    #[arg(long)]
    pub issuer: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct PasswdArgs {}

#[derive(Debug, clap::Args)]
pub struct RecoverArgs {}

/// The vault path: `--vault`/`MONBAN_VAULT`, else the per-user default.
pub(super) fn vault_path(vault: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match vault {
        Some(p) => Ok(p),
        None => crate::vault::default_path().context(
            "no home directory to keep the vault in: give one with --vault PATH or MONBAN_VAULT",
        ),
    }
}

/// Asks for the passcode and opens the vault.
pub(super) fn open(vault: Option<PathBuf>) -> anyhow::Result<Vault> {
    open_keeping_passcode(vault).map(|(v, _)| v)
}

/// Asks for the passcode and opens the vault; returns the passcode too.
pub(super) fn open_keeping_passcode(
    vault: Option<PathBuf>,
) -> anyhow::Result<(Vault, Zeroizing<String>)> {
    let path = vault_path(vault)?;
    if !path.exists() {
        bail!(
            "there is no vault at {}: create one with `monban init`",
            path.display()
        );
    }
    let now = now();
    if let Some(wait) = crate::vault::backoff_status(&path, now) {
        bail!("too many wrong passcodes: wait {wait} s before trying again");
    }
    let passcode = prompt::secret(PASSCODE_ENV, "Passcode")?;
    let v = Vault::open_with(&path, &passcode, now, &options()).context("cannot open the vault")?;
    Ok((v, passcode))
}

pub fn init(vault: Option<PathBuf>, a: InitArgs) -> CmdResult {
    let path = vault_path(vault)?;
    if path.exists() {
        bail!(
            "a vault already exists at {}: it was left untouched",
            path.display()
        );
    }
    let passcode = prompt::new_secret(PASSCODE_ENV, "New passcode")?;
    let mut options = options();
    if a.no_device {
        options.device = None;
    }
    let v = Vault::create_with(&path, &passcode, options.new_kdf_params(), now(), &options)
        .context("cannot create the vault")?;
    println!("created an empty vault at {}", v.path().display());
    println!("{}", binding(&v));
    Ok(ExitCode::SUCCESS)
}

/// `monban info`: what protects the vault (device binding, KDF), its save number and size.
pub fn info(vault: Option<PathBuf>, a: InfoArgs) -> CmdResult {
    let v = open(vault)?;
    let kdf = v.kdf_params();
    if a.json {
        let out = serde_json::json!({
            "path": v.path().display().to_string(),
            "device_bound": v.device_bound().is_some(),
            "device_store": v.device_bound(),
            "kdf": {"m_kib": kdf.m_kib, "t": kdf.t, "p": kdf.p},
            "generation": v.generation(),
            "accounts": v.entries().len(),
        });
        println!("{out}");
        return Ok(ExitCode::SUCCESS);
    }
    println!("vault:     {}", v.path().display());
    println!("device:    {}", binding(&v));
    println!(
        "kdf:       Argon2id, {} MiB, {} passes, {} lanes",
        kdf.m_kib / 1024,
        kdf.t,
        kdf.p
    );
    println!("save:      #{}", v.generation());
    println!("accounts:  {}", v.entries().len());
    Ok(ExitCode::SUCCESS)
}

pub fn add(vault: Option<PathBuf>, a: AddArgs) -> CmdResult {
    if crate::transfer::google::is_migration_uri(&a.uri) {
        return add_migration(vault, &a.uri);
    }
    let account = crate::uri::parse(a.uri.trim()).context("cannot read the URI")?;
    let mut v = open(vault)?;
    let label = account.display_name();
    match v.add(account, now()) {
        Ok(_) => {
            println!("added {label}");
            after_change(&v);
        }
        Err(crate::vault::Error::Duplicate) => {
            bail!("{label} is already in the vault; nothing was added")
        }
        Err(e) => return Err(e).context("cannot add the account"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `add otpauth-migration://...`: every account of a Google Authenticator transfer QR.
fn add_migration(vault: Option<PathBuf>, uri: &str) -> CmdResult {
    let batch = crate::transfer::google::parse_migration_uri(uri)
        .context("cannot read the transfer link")?;
    let (parts, index) = (batch.part_count(), batch.part_index());
    let mut v = open(vault)?;
    let report = v
        .add_many(batch.accounts, now())
        .context("cannot add the accounts")?;
    println!(
        "added {} account(s) from a Google Authenticator transfer link",
        report.added.len()
    );
    for d in &report.duplicates {
        println!("skipped {d}: already in the vault");
    }
    for r in &batch.refused {
        println!("refused {}: {}", r.what, r.why);
    }
    if parts > 1 {
        println!(
            "this link is part {} of {parts} of the export: add the other parts too",
            index.saturating_add(1).min(parts)
        );
    }
    if !report.added.is_empty() {
        after_change(&v);
    }
    Ok(ExitCode::SUCCESS)
}

/// One row of `list`: what a person needs to use a code, never the secret.
#[derive(serde::Serialize)]
struct Row {
    /// Stable within the vault: what a QUERY can always name the account by.
    id: u64,
    issuer: String,
    name: String,
    kind: &'static str,
    /// `None` for HOTP: showing it would use it without advancing the counter
    /// (`monban code QUERY` generates and records the next one).
    code: Option<String>,
    seconds_left: Option<u64>,
    /// HOTP: the counter of the next code; `None` otherwise.
    counter: Option<u64>,
    favourite: bool,
    note: String,
    groups: Vec<String>,
    /// What the avatar shows: `brand:github` (chosen, or matched automatically from the
    /// issuer), `glyph:key`, `letter`, `custom:<first 16 hex digits of the PNG's SHA-256>`.
    icon: String,
    /// `#rrggbb`.
    colour: String,
}

fn icon_label(e: &Entry) -> String {
    use sha2::Digest;
    match &e.meta.icon {
        Icon::Custom(png) => format!(
            "custom:{}",
            &data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(png))[..16]
        ),
        icon => crate::brands::resolve(icon, &e.account.issuer, &e.account.name).name(),
    }
}

fn row(e: &Entry, at: u64) -> Row {
    let a = &e.account;
    let (code, seconds_left) = match a.kind {
        Kind::Hotp => (None, None),
        Kind::Totp | Kind::Steam => (
            crate::otp::code_at(a, at).ok(),
            Some(crate::otp::seconds_left(
                crate::otp::effective_period(a),
                at,
            )),
        ),
    };
    Row {
        id: e.id.0,
        issuer: a.issuer.clone(),
        name: a.name.clone(),
        kind: a.kind.as_str(),
        code,
        seconds_left,
        counter: (a.kind == Kind::Hotp).then_some(a.counter),
        favourite: e.meta.favourite,
        note: e.meta.note.clone(),
        groups: e.meta.groups.clone(),
        icon: icon_label(e),
        colour: format!("#{:06x}", e.meta.colour),
    }
}

pub fn list(vault: Option<PathBuf>, a: ListArgs) -> CmdResult {
    let v = open(vault)?;
    let at = a.at.unwrap_or_else(now);
    let mut shown = crate::arrange::sorted(v.entries(), a.sort);
    if let Some(g) = &a.group {
        let groups = crate::arrange::all_groups(v.entries());
        if !groups.iter().any(|have| group_key(have) == group_key(g)) {
            bail!(
                "no account is in the group \"{}\" ({})",
                g.trim(),
                if groups.is_empty() {
                    "there are no groups yet: add one with `monban group QUERY G`".to_owned()
                } else {
                    format!("groups: {}", groups.join(", "))
                }
            );
        }
        shown = crate::arrange::in_group(shown, g);
    }
    let rows: Vec<Row> = shown.into_iter().map(|e| row(e, at)).collect();
    if a.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        println!("the vault is empty: add an account with `monban add URI`");
        return Ok(ExitCode::SUCCESS);
    }
    let w_id = rows
        .iter()
        .map(|r| r.id.to_string().len())
        .max()
        .unwrap_or(0)
        .max("ID".len());
    let w_issuer = rows
        .iter()
        .map(|r| r.issuer.chars().count())
        .max()
        .unwrap_or(0)
        .max("ISSUER".len());
    let w_name = rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .max("NAME".len());
    let any_groups = rows.iter().any(|r| !r.groups.is_empty());
    println!(
        "{:>w_id$}  {:<w_issuer$}  {:<w_name$}  {:<5}  {:<10}  {}",
        "ID",
        "ISSUER",
        "NAME",
        "KIND",
        "CODE",
        if any_groups { "LEFT  GROUPS" } else { "LEFT" }
    );
    for r in &rows {
        let code = r.code.as_deref().unwrap_or("-");
        let left = r
            .seconds_left
            .map(|s| format!("{s}s"))
            .unwrap_or_else(|| "-".into());
        let line = format!(
            "{:>w_id$}  {:<w_issuer$}  {:<w_name$}  {:<5}  {:<10}  {left:<4}  {}",
            r.id,
            r.issuer,
            r.name,
            r.kind,
            code,
            r.groups.join(", ")
        );
        println!("{}", line.trim_end());
    }
    Ok(ExitCode::SUCCESS)
}

/// The entry a QUERY names: its id, or part of its issuer or name ([`crate::arrange::find`]).
pub(crate) fn find(v: &Vault, query: &str) -> anyhow::Result<EntryId> {
    Ok(crate::arrange::find(v.entries(), query)?)
}

pub fn remove(vault: Option<PathBuf>, a: RemoveArgs) -> CmdResult {
    let mut v = open(vault)?;
    let id = find(&v, &a.query)?;
    let removed = v.remove(id).context("cannot remove the account")?;
    println!("removed {}", removed.account.display_name());
    after_change(&v);
    Ok(ExitCode::SUCCESS)
}

pub fn rename(vault: Option<PathBuf>, a: RenameArgs) -> CmdResult {
    let mut v = open(vault)?;
    let id = find(&v, &a.query)?;
    let entry = v.entry(id).context("the account disappeared")?.clone();
    let old = entry.account.display_name();
    let mut account = entry.account;
    account.name = a.name;
    if let Some(issuer) = a.issuer {
        account.issuer = issuer;
    }
    let new = account.display_name();
    match v.update(id, account, entry.meta) {
        Ok(()) => {
            println!("renamed {old} to {new}");
            after_change(&v);
        }
        Err(crate::vault::Error::Duplicate) => {
            bail!("{new} is already in the vault with the same secret")
        }
        Err(e) => return Err(e).context("cannot rename the account"),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn group(vault: Option<PathBuf>, a: GroupArgs) -> CmdResult {
    let mut v = open(vault)?;
    let id = find(&v, &a.query)?;
    let e = v.entry(id).context("the account disappeared")?;
    let label = e.account.display_name();
    let mut groups = e.meta.groups.clone();
    groups.extend(a.groups);
    v.set_groups(id, groups)
        .context("cannot change the account's groups")?;
    print_groups(&v, id, &label);
    after_change(&v);
    Ok(ExitCode::SUCCESS)
}

pub fn ungroup(vault: Option<PathBuf>, a: GroupArgs) -> CmdResult {
    let mut v = open(vault)?;
    let id = find(&v, &a.query)?;
    let e = v.entry(id).context("the account disappeared")?;
    let label = e.account.display_name();
    let missing: Vec<&str> = a
        .groups
        .iter()
        .map(|g| g.trim())
        .filter(|g| !e.meta.in_group(g))
        .collect();
    if !missing.is_empty() {
        bail!(
            "{label} is not in the group(s) {}; its groups: {}; nothing was changed",
            missing.join(", "),
            if e.meta.groups.is_empty() {
                "none".to_owned()
            } else {
                e.meta.groups.join(", ")
            }
        );
    }
    let remove: Vec<String> = a.groups.iter().map(|g| group_key(g)).collect();
    let groups: Vec<String> = e
        .meta
        .groups
        .iter()
        .filter(|g| !remove.contains(&group_key(g)))
        .cloned()
        .collect();
    v.set_groups(id, groups)
        .context("cannot change the account's groups")?;
    print_groups(&v, id, &label);
    after_change(&v);
    Ok(ExitCode::SUCCESS)
}

fn print_groups(v: &Vault, id: EntryId, label: &str) {
    let groups = v
        .entry(id)
        .map(|e| e.meta.groups.join(", "))
        .unwrap_or_default();
    if groups.is_empty() {
        println!("{label} is in no group");
    } else {
        println!("{label} is in: {groups}");
    }
}

pub fn passwd(vault: Option<PathBuf>, _a: PasswdArgs) -> CmdResult {
    let (mut v, current) = open_keeping_passcode(vault)?;
    let new = prompt::new_secret(NEW_PASSCODE_ENV, "New passcode")?;
    v.change_passcode(&current, &new, options().new_kdf_params(), now())
        .context("cannot change the passcode")?;
    println!("passcode changed");
    // Automatic backups that open with the passcode follow it.
    match crate::autobackup::passcode_changed(&mut v, &new) {
        Ok(true) => println!(
            "automatic backups open with the new passcode from now on (older ones with the old one)"
        ),
        Ok(false) => {}
        Err(e) => {
            eprintln!("monban: warning: automatic backups still open with the old passcode ({e})")
        }
    }
    after_change(&v);
    Ok(ExitCode::SUCCESS)
}

/// `monban recover`: the previous save back in place of a damaged vault.
pub fn recover(vault: Option<PathBuf>, _a: RecoverArgs) -> CmdResult {
    let path = vault_path(vault)?;
    let passcode = prompt::secret(PASSCODE_ENV, "Passcode")?;
    let v = Vault::recover_previous(&path, &passcode, now(), &options())
        .context("cannot recover the previous save")?;
    println!(
        "restored the previous save (save #{}, {} account(s)); the damaged file is kept as {}",
        v.generation(),
        v.entries().len(),
        crate::vault::damaged_path(&path).display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `monban code QUERY [--at T]`: the code of the vault account matching QUERY. For HOTP the
/// counter is advanced and saved before the code is printed (`--at` does not apply).
pub fn code_for_query(vault: Option<PathBuf>, query: &str, at: Option<u64>) -> CmdResult {
    let mut v = open(vault)?;
    let id = find(&v, query)?;
    let is_hotp = v.entry(id).is_some_and(|e| e.account.kind == Kind::Hotp);
    let code = v
        .next_hotp_code(id, at.unwrap_or_else(now))
        .context("cannot compute the code")?;
    println!("{code}");
    if is_hotp {
        after_change(&v);
    }
    // A code printed for now is a code used, as a copy in the app is: it counts for
    // `--sort used` and `--sort recent`. A code asked for another time (`--at`) is not. Not a
    // change worth a backup; if the save fails the code is already out and the counts stay.
    if at.is_none() {
        let _ = v.mark_used(id, now());
    }
    Ok(ExitCode::SUCCESS)
}
