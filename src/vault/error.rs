//! The vault's errors: each one distinct, each message saying what happened and what to do.
//! No message ever contains a passcode, a key or a secret.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

/// Everything that can go wrong with a vault.
#[derive(Debug, Error)]
pub enum Error {
    /// The passcode did not unlock the vault (or the key slot was altered; the two cannot be
    /// told apart without the passcode).
    #[error("wrong passcode")]
    WrongPasscode,
    /// The file is not a readable Monban vault (corrupted, truncated or edited), told apart
    /// from a wrong passcode before the KDF result is judged and never counted as a failed
    /// attempt. Nothing was changed. `previous` is the previous save when it opens with the
    /// passcode given: [`super::Vault::recover_previous`] puts it back (`monban recover`).
    #[error(
        "the vault file {} is damaged ({reason}); nothing was changed. {}",
        path.display(), restore_hint(path, previous.as_ref())
    )]
    Damaged {
        path: PathBuf,
        reason: &'static str,
        previous: Option<Previous>,
    },
    /// The file was written by a newer Monban with a format this version cannot read.
    #[error(
        "the vault was written by a newer Monban (format version {version}; this one reads up to {}): update Monban",
        super::format::VERSION
    )]
    TooNew { version: u16 },
    /// The file is an older copy than one this device has already seen (restored backup,
    /// sync conflict, or someone swapped it).
    #[error(
        "the vault file is older than the one last used on this device (save #{found}, expected #{expected} or later): \
         it may have been replaced by an old copy. If you restored it on purpose, delete {} and retry",
        super::fsio::state_path(path).display()
    )]
    RolledBack {
        path: PathBuf,
        found: u64,
        expected: u64,
    },
    /// Another process has the vault open.
    #[error(
        "the vault is in use by another Monban (the app or another command): close it and try again"
    )]
    Locked,
    /// The disk or quota is full; the old vault is intact.
    #[error(
        "the disk is full: the vault was not saved (the previous version is intact); free some space and retry"
    )]
    DiskFull,
    /// Too many wrong passcodes in a row at an unlocked vault ([`super::REAUTH_LIMIT`]): the
    /// app locks, and the lock screen's backoff continues from the same count.
    #[error("too many wrong passcodes: Monban locked itself; unlock it again to continue")]
    TooManyTries,
    /// Too many wrong passcodes in a row: wait before the next try.
    #[error("too many wrong passcodes: wait {wait_secs} s before trying again")]
    Backoff { wait_secs: u64 },
    /// A new passcode is under the stolen-file floor (no device-bound key protects the file).
    #[error(
        "this passcode is too easy to guess from a copy of the vault file: 8 current GPUs would find it in {takes}, \
         Monban asks for at least {floor} years; use four or five unrelated words (e.g. \"copper violin harbor sketch\") \
         or a random passcode of {random_len} characters",
        floor = super::strength::FLOOR_YEARS
    )]
    PasscodeTooWeak {
        /// "less than a second", "about 3 hours".
        takes: String,
        /// log10 of the guesses it needs, and of those the floor asks for.
        guesses_log10: f64,
        floor_log10: f64,
        /// Length of a random lower-case + digit passcode that meets the floor.
        random_len: usize,
    },
    /// The device key store behind a device-bound vault (or the one asked to make a key)
    /// failed; not a failed passcode attempt.
    #[error("{0}")]
    DeviceKey(#[source] super::device::DeviceKeyError),
    /// A new passcode is shorter than [`super::MIN_PASSCODE_LEN`].
    #[error("the passcode is too short: use at least {min} characters")]
    PasscodeTooShort { min: usize },
    /// The same login (secret, issuer and name) is already in the vault.
    #[error("this account is already in the vault")]
    Duplicate,
    /// No entry with that id.
    #[error("no such account in the vault")]
    NotFound,
    /// The vault file's key-derivation settings are outside the accepted range (a downgrade or
    /// a memory-exhaustion file); the key derivation was not run.
    #[error(
        "the vault asks for key-derivation settings Monban refuses (memory {m_kib} KiB, {t} passes, {p} lanes; \
         accepted: memory {min_m_kib}..={max_m_kib} KiB, passes {min_t}..={max_t}, lanes {min_p}..={max_p}): \
         the file may have been tampered with"
    )]
    KdfParams {
        m_kib: u32,
        t: u32,
        p: u32,
        min_m_kib: u32,
        max_m_kib: u32,
        min_t: u32,
        max_t: u32,
        min_p: u32,
        max_p: u32,
    },
    /// The key derivation could not run (in practice: not enough memory).
    #[error("cannot run the key derivation with {m_kib} KiB of memory: close other apps and retry")]
    KdfFailed { m_kib: u32 },
    /// There is no vault at the path.
    #[error("there is no vault at {}: create one first (monban init)", path.display())]
    Missing { path: PathBuf },
    /// `create` was asked to overwrite an existing vault.
    #[error("a vault already exists at {}: it was left untouched", path.display())]
    AlreadyExists { path: PathBuf },
    /// The account or its metadata cannot be stored (e.g. no codes can be made from it).
    #[error("cannot store this account: {0}")]
    InvalidEntry(String),
    /// Any other file-system failure.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    /// The operating system's random generator failed.
    #[error("the system random number generator failed")]
    Random,
}

/// The previous save of a damaged vault, opened with the passcode the user typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Previous {
    /// `<vault>.bak`.
    pub path: PathBuf,
    /// Its generation (save number).
    pub generation: u64,
    /// Accounts it holds.
    pub accounts: usize,
    /// When it was written (Unix seconds, from the file system), if known.
    pub saved: Option<u64>,
}

/// `Result` with the vault's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error, recognising a full disk or exhausted quota.
    pub(crate) fn io(action: &'static str, path: &std::path::Path, source: io::Error) -> Error {
        if is_disk_full(&source) {
            return Error::DiskFull;
        }
        Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// True for "no space left" and "quota exceeded" errors.
pub(crate) fn is_disk_full(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    )
}

/// The way back from a damaged file, in one sentence.
fn restore_hint(path: &std::path::Path, previous: Option<&Previous>) -> String {
    if let Some(p) = previous {
        let when = p
            .saved
            .map(|t| {
                format!(
                    ", saved {} {:02}:{:02} UTC",
                    crate::transfer::paper::date(t),
                    t % 86_400 / 3_600,
                    t % 3_600 / 60
                )
            })
            .unwrap_or_default();
        return format!(
            "Its previous save ({} account(s){when}) opens with this passcode: run `monban recover` to put it back",
            p.accounts
        );
    }
    if super::fsio::backup_path(path).is_file() {
        return "Its previous save does not open with this passcode either: restore a backup file into a new vault (`monban --vault NEW init`, then `monban --vault NEW import BACKUP`)".into();
    }
    "Restore a backup file into a new vault (`monban --vault NEW init`, then `monban --vault NEW import BACKUP`)".into()
}
