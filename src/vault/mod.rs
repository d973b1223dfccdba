//! The vault: the passcode-encrypted, crash-safe file that holds every account.
//!
//! A random 256-bit master key encrypts the content (JSON) with XChaCha20-Poly1305 under a fresh
//! random nonce on every save, with the whole header as associated data; the passcode, through
//! Argon2id, wraps the master key in a "slot". KDF parameters are bounds-checked before the KDF
//! runs. Saves replace the file atomically and keep the previous generation as `<vault>.bak`.
//! An OS lock on `<vault>.lock` keeps a second process out. Failed attempts and the last seen
//! generation live in `<vault>.state`. The byte layout is in `docs/vault-format.md`.
//!
//! Time is always passed in (`now`, Unix seconds); randomness comes from the OS.
//!
//! ```no_run
//! use monban::vault::{KdfParams, Vault};
//! # fn main() -> Result<(), monban::vault::Error> {
//! let path = std::path::Path::new("/tmp/demo.vault");
//! let passcode = "correct horse battery staple 7";
//! let mut v = Vault::create(path, passcode, KdfParams::DEFAULT, 1_700_000_000)?;
//! v.lock();
//! let v = Vault::open(path, passcode, 1_700_000_100)?;
//! assert!(v.entries().is_empty());
//! # Ok(()) }
//! ```

mod backup_key;
pub mod calibrate;
pub mod device;
mod error;
mod format;
mod fsio;
mod model;
mod state;
pub mod strength;
#[cfg(test)]
mod tests;

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use zeroize::{Zeroize, Zeroizing};

use crate::account::Account;

pub use backup_key::{BackupKey, BackupPasswordSource};
pub use device::{DeviceKey, DeviceKeyError, KeyId};
pub use error::{Error, Previous, Result};
pub use format::{HEADER_LEN, HEADER_LEN_V1, KdfBounds, KdfParams, MAGIC, VERSION};
pub use fsio::{backup_path, damaged_path, lock_path, state_path};
pub use model::{
    Entry, EntryId, EntryMeta, Icon, MAX_GROUP_BYTES, MAX_GROUPS, MAX_ICON_BYTES, MAX_NOTE_BYTES,
    default_colour, group_key, normalise_groups,
};
pub use state::{
    FIRST_WAIT_SECS, FREE_ATTEMPTS, MAX_WAIT_SECS, REAUTH_LIMIT, TAMPERED_FAILURES, delay_after,
};

use format::{Header, HeaderError, KEY_LEN, PasscodeSlot};
use model::Payload;
use state::{State, StateKey};

/// Fewest characters a passcode may have: 6, the length of a phone PIN (enough only where a
/// device-bound key also protects the file; otherwise the stolen-file floor of [`strength`]
/// asks for much more). See `docs/vault-format.md`.
pub const MIN_PASSCODE_LEN: usize = 6;

/// File name of the vault in the per-user data directory.
pub const DEFAULT_FILE_NAME: &str = "monban.vault";

/// The default vault path: `<per-user data dir>/monban.vault` (Linux
/// `~/.local/share/monban/`, macOS `~/Library/Application Support/org.monban.Monban/`,
/// Windows `%APPDATA%\monban\Monban\data\`). `None` when the OS gives no home directory (mobile
/// platforms pass their app-private path instead).
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "monban", "Monban")
        .map(|d| d.data_dir().join(DEFAULT_FILE_NAME))
}

/// Seconds the lock screen must still wait before the next passcode try, if any.
pub fn backoff_status(path: &Path, now: u64) -> Option<u64> {
    State::load(path).wait_secs(now)
}

/// Wrong passcodes since the last successful unlock (for "2 tries left before a wait").
pub fn failed_attempts(path: &Path) -> u32 {
    State::load(path).failed_attempts
}

/// The KDF parameters a new passcode gets ([`OpenOptions::new_kdf_params`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewKdf {
    /// Calibrated on this device ([`calibrate::for_new_passcode`]): the app and the CLI.
    Calibrated,
    /// Exactly these (tests).
    Fixed(KdfParams),
}

/// How a vault is opened or created.
#[derive(Clone, Copy, Debug)]
pub struct OpenOptions {
    /// KDF parameters accepted; checked before the KDF runs (and on create).
    pub kdf_bounds: KdfBounds,
    /// Open a vault older than the last generation seen on this device instead of refusing
    /// with [`Error::RolledBack`] (the user restored a backup on purpose).
    pub allow_rollback: bool,
    /// Refuse new passcodes below the stolen-file floor ([`strength`]) at creation and
    /// passcode change. On for the app and the CLI; off only for light test vaults (whose
    /// KDF is far too cheap for any passcode to meet it).
    pub strength_floor: bool,
    /// What a new passcode's KDF parameters are.
    pub new_kdf: NewKdf,
    /// This device's key store: a new vault is bound to it when it is available (and then
    /// the strength floor gives way to the minimum length), and a device-bound vault opens
    /// only through it. `None`: no device binding (and a device-bound vault does not open).
    pub device: Option<&'static dyn DeviceKey>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            kdf_bounds: KdfBounds::REAL,
            allow_rollback: false,
            strength_floor: true,
            new_kdf: NewKdf::Calibrated,
            device: None,
        }
    }
}

impl OpenOptions {
    /// For tests through the library: admits [`KdfParams::TEST_LIGHT`]. Never used by the app
    /// or the command line.
    pub fn light_for_tests() -> Self {
        OpenOptions {
            kdf_bounds: KdfBounds::LIGHT_FOR_TESTS,
            allow_rollback: false,
            strength_floor: false,
            new_kdf: NewKdf::Fixed(KdfParams::DEFAULT),
            device: None,
        }
    }

    /// The same options with `device` as the key store.
    pub fn with_device(self, device: Option<&'static dyn DeviceKey>) -> Self {
        OpenOptions { device, ..self }
    }

    /// The KDF parameters for a new passcode (creation and change): calibrated on this
    /// device, or the fixed ones of tests.
    pub fn new_kdf_params(&self) -> KdfParams {
        match self.new_kdf {
            NewKdf::Calibrated => calibrate::for_new_passcode(),
            NewKdf::Fixed(p) => p,
        }
    }

    /// The device key store a new vault would be bound to now (the store, if available).
    pub fn device_for_new(&self) -> Option<&'static dyn DeviceKey> {
        self.device.filter(|d| d.available())
    }
}

/// What [`Vault::add_many`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddReport {
    /// Ids of the accounts added, in input order.
    pub added: Vec<EntryId>,
    /// Accounts skipped because the same login is already there: "Issuer (name)".
    pub duplicates: Vec<String>,
}

/// What [`Vault::add_entries`] did with one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Added {
    /// Stored under this id.
    Added(EntryId),
    /// Skipped: the same login (secret, issuer, name) is already stored, or came earlier in
    /// the same batch.
    Duplicate,
    /// Refused by the vault's rules, with why.
    Invalid(String),
}

/// An unlocked vault in memory. Holds the OS lock until dropped or [`Vault::lock`]ed; the master
/// key and every secret are zeroized on drop. Every change is saved before the call returns; if
/// the save fails, the change is undone in memory too and the file keeps the previous version.
pub struct Vault {
    path: PathBuf,
    master_key: Zeroizing<[u8; KEY_LEN]>,
    slot: PasscodeSlot,
    bounds: KdfBounds,
    strength_floor: bool,
    device: Option<&'static dyn DeviceKey>,
    state_key: Option<StateKey>,
    generation: u64,
    created: u64,
    next_id: u64,
    entries: Vec<Entry>,
    backup_key: Option<BackupKey>,
    _lock: fsio::LockGuard,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path)
            .field("generation", &self.generation)
            .field("entries", &self.entries.len())
            .field("kdf", &self.slot.params)
            .field("device_bound", &self.slot.device)
            .finish_non_exhaustive()
    }
}

fn check_passcode(passcode: &str) -> Result<()> {
    if passcode.chars().count() < MIN_PASSCODE_LEN {
        return Err(Error::PasscodeTooShort {
            min: MIN_PASSCODE_LEN,
        });
    }
    Ok(())
}

/// The stolen-file floor (see [`strength`]) for a new passcode at `params`; only the minimum
/// length applies when `floor` is off or a device key also binds the file.
pub fn check_new_passcode(
    passcode: &str,
    params: KdfParams,
    floor: bool,
    device_bound: bool,
) -> Result<()> {
    check_passcode(passcode)?;
    if !floor || device_bound {
        return Ok(());
    }
    let s = strength::estimate(passcode, params);
    if s.enough {
        return Ok(());
    }
    Err(Error::PasscodeTooWeak {
        takes: strength::describe_secs(s.offline_secs),
        guesses_log10: s.guesses_log10,
        floor_log10: s.floor_log10,
        random_len: strength::random_len_for_floor(params),
    })
}

/// The side file's MAC key of a device-bound slot (`None` for a passcode-only slot).
fn state_key_for(slot: &PasscodeSlot, device: Option<&dyn DeviceKey>) -> Result<Option<StateKey>> {
    if !slot.device {
        return Ok(None);
    }
    let Some(d) = device else {
        // The slot's own KEK path names the missing store.
        return Err(slot.unwrap("", None).err().unwrap_or(Error::WrongPasscode));
    };
    d.derive(&slot.key_id(), &device::state_label())
        .map(Some)
        .map_err(Error::DeviceKey)
}

/// The keys of a new passcode: a fresh master key, the slot wrapping it under the passcode
/// (bound to this device through a new device key when a device store is given), and that
/// slot's side-file key.
struct NewKeys {
    master_key: Zeroizing<[u8; KEY_LEN]>,
    slot: PasscodeSlot,
    state_key: Option<StateKey>,
}

impl NewKeys {
    /// Makes them; a failure leaves no new device key behind.
    fn make(passcode: &str, params: KdfParams, device: Option<&dyn DeviceKey>) -> Result<NewKeys> {
        let master_key = Zeroizing::new(format::random::<KEY_LEN>()?);
        let slot = PasscodeSlot::wrap(passcode, params, &master_key, device)?;
        match state_key_for(&slot, device) {
            Ok(state_key) => Ok(NewKeys {
                master_key,
                slot,
                state_key,
            }),
            Err(e) => {
                delete_device_key(&slot, device);
                Err(e)
            }
        }
    }
}

impl Vault {
    /// Creates a new vault at `path` (refusing to overwrite one) with the real KDF bounds.
    pub fn create(path: &Path, passcode: &str, params: KdfParams, now: u64) -> Result<Vault> {
        Vault::create_with(path, passcode, params, now, &OpenOptions::default())
    }

    /// Creates a new vault; `params` must be inside `options.kdf_bounds`.
    pub fn create_with(
        path: &Path,
        passcode: &str,
        params: KdfParams,
        now: u64,
        options: &OpenOptions,
    ) -> Result<Vault> {
        options.kdf_bounds.check(params)?;
        let device = options.device_for_new();
        check_new_passcode(passcode, params, options.strength_floor, device.is_some())?;
        if path.exists() {
            return Err(Error::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        fsio::create_dir_for(path)?;
        let lock = fsio::lock(path)?;
        if path.exists() {
            return Err(Error::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        let NewKeys {
            master_key,
            slot,
            state_key,
        } = NewKeys::make(passcode, params, device)?;
        // A fresh side file (authenticated for a device slot: a missing one would lock).
        let _ = State::default().store(path, state_key.as_ref());
        let mut v = Vault {
            path: path.to_path_buf(),
            master_key,
            slot,
            bounds: options.kdf_bounds,
            strength_floor: options.strength_floor,
            device,
            state_key,
            generation: 0,
            created: now,
            next_id: 1,
            entries: Vec::new(),
            backup_key: None,
            _lock: lock,
        };
        if let Err(e) = v.save() {
            delete_device_key(&v.slot, device);
            return Err(e);
        }
        Ok(v)
    }

    /// Opens the vault at `path` with the real KDF bounds.
    pub fn open(path: &Path, passcode: &str, now: u64) -> Result<Vault> {
        Vault::open_with(path, passcode, now, &OpenOptions::default())
    }

    /// Opens a vault. Never writes the vault file; only `<vault>.state` changes (failed
    /// attempts, last seen generation) and `<vault>.lock` is created if missing.
    pub fn open_with(
        path: &Path,
        passcode: &str,
        now: u64,
        options: &OpenOptions,
    ) -> Result<Vault> {
        if !path.exists() {
            return Err(Error::Missing {
                path: path.to_path_buf(),
            });
        }
        let lock = fsio::lock(path)?;
        let file = Zeroizing::new(fsio::read_vault(path)?);
        // A device-bound slot authenticates the side file: its key comes first (a missing
        // device key is not a failed attempt).
        let state_key = match Header::decode(&file) {
            Ok(h) => state_key_for(&h.slot, options.device)?,
            Err(_) => None,
        };
        let mut state = state::before_attempt(path, now, state_key.as_ref())?;
        let slot_bytes = file.get(18..122).map(<[u8]>::to_vec);
        let (header, master_key, payload) = match decrypt(
            path,
            file,
            passcode,
            &options.kdf_bounds,
            options.device,
        ) {
            Err(Error::WrongPasscode) => {
                // A version-1 file has no header checksum: if the previous save has another
                // slot and opens with this passcode, the slot was damaged, not mistyped.
                let bak = fsio::backup_path(path);
                let bak_slot = std::fs::read(&bak)
                    .ok()
                    .and_then(|b| b.get(18..122).map(<[u8]>::to_vec));
                if bak_slot.is_some()
                    && bak_slot != slot_bytes
                    && let Ok(previous) =
                        open_previous(path, passcode, &options.kdf_bounds, options.device)
                {
                    return Err(Error::Damaged {
                        path: path.to_path_buf(),
                        reason: "its key slot does not open with the passcode its previous save opens with",
                        previous: Some(previous),
                    });
                }
                // Someone holding a copy of the file is not slowed by this counter; the KDF
                // and the passcode's strength are what stop them.
                state::failed(path, state, now, state_key.as_ref());
                return Err(Error::WrongPasscode);
            }
            Err(Error::Damaged { reason, .. }) => {
                // Damage is never a failed attempt. Whether the previous save opens with this
                // passcode is what the user needs to know; a wrong passcode there is one.
                return Err(
                    match open_previous(path, passcode, &options.kdf_bounds, options.device) {
                        Ok(previous) => Error::Damaged {
                            path: path.to_path_buf(),
                            reason,
                            previous: Some(previous),
                        },
                        Err(Error::WrongPasscode) => {
                            state::failed(path, state, now, state_key.as_ref());
                            Error::WrongPasscode
                        }
                        Err(_) => Error::Damaged {
                            path: path.to_path_buf(),
                            reason,
                            previous: None,
                        },
                    },
                );
            }
            other => other?,
        };
        let expected = state.last_generation;
        let before = state.clone();
        state.failed_attempts = 0;
        state.last_failure = 0;
        if header.generation < expected && !options.allow_rollback {
            if state != before {
                let _ = state.store(path, state_key.as_ref());
            }
            return Err(Error::RolledBack {
                path: path.to_path_buf(),
                found: header.generation,
                expected,
            });
        }
        state.last_generation = header.generation;
        if state != before {
            // Best effort: a vault on a read-only medium still opens.
            let _ = state.store(path, state_key.as_ref());
        }
        Ok(Vault {
            path: path.to_path_buf(),
            master_key,
            slot: header.slot,
            bounds: options.kdf_bounds,
            strength_floor: options.strength_floor,
            device: options.device,
            state_key,
            generation: header.generation,
            created: payload.created,
            next_id: payload.next_id,
            entries: payload.entries,
            backup_key: payload.backup_key,
            _lock: lock,
        })
    }

    /// Puts the previous save (`<vault>.bak`) back in place of a damaged vault, after checking
    /// that it opens with `passcode` (through the attempt policy), and opens it. The damaged
    /// file is kept as `<vault>.damaged` (replacing an older one). Accepts the older
    /// generation on purpose (no rollback error). `monban recover` and the app's restore
    /// offer call this after [`Error::Damaged`] named a [`Previous`].
    pub fn recover_previous(
        path: &Path,
        passcode: &str,
        now: u64,
        options: &OpenOptions,
    ) -> Result<Vault> {
        let lock = fsio::lock(path)?;
        let bak_header = std::fs::read(fsio::backup_path(path))
            .ok()
            .and_then(|b| Header::decode(&b).ok());
        let state_key = match bak_header {
            Some(h) => state_key_for(&h.slot, options.device)?,
            None => None,
        };
        let state = state::before_attempt(path, now, state_key.as_ref())?;
        match open_previous(path, passcode, &options.kdf_bounds, options.device) {
            Ok(_) => {}
            Err(Error::WrongPasscode) => {
                state::failed(path, state, now, state_key.as_ref());
                return Err(Error::WrongPasscode);
            }
            Err(e) => return Err(e),
        }
        let bak = fsio::backup_path(path);
        let bytes = Zeroizing::new(fsio::read_vault(&bak)?);
        if path.exists() {
            let damaged = fsio::damaged_path(path);
            std::fs::rename(path, &damaged).map_err(|e| Error::io("set aside", path, e))?;
        }
        fsio::write_atomic(path, &bytes, false)?;
        drop(lock);
        let options = OpenOptions {
            allow_rollback: true,
            ..*options
        };
        Vault::open_with(path, passcode, now, &options)
    }

    /// Sets a damaged vault aside as `<vault>.damaged` (replacing an older one) and creates a
    /// new, empty vault in its place with `passcode`, for a restore from a backup that follows
    /// (the app's restore of the newest automatic backup when the previous save does not open).
    /// The side file `<vault>.state` starts over with the new file (its generation starts at
    /// 1 again). Call it only once `passcode` opened the backup that is restored next: the
    /// attempt counter is not consulted here.
    pub fn replace_damaged(
        path: &Path,
        passcode: &str,
        params: KdfParams,
        now: u64,
        options: &OpenOptions,
    ) -> Result<Vault> {
        check_passcode(passcode)?;
        {
            let _lock = fsio::lock(path)?;
            if path.exists() {
                let damaged = fsio::damaged_path(path);
                std::fs::rename(path, &damaged).map_err(|e| Error::io("set aside", path, e))?;
            }
            match std::fs::remove_file(fsio::state_path(path)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("reset", &fsio::state_path(path), e)),
            }
        }
        Vault::create_with(path, passcode, params, now, options)
    }

    /// The vault file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The generation of the file as last saved or opened.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The KDF parameters of the passcode slot.
    pub fn kdf_params(&self) -> KdfParams {
        self.slot.params
    }

    /// The key store this vault is bound to (its name), when its slot is device-bound: then
    /// the file alone, even with the passcode, does not open.
    pub fn device_bound(&self) -> Option<&'static str> {
        if !self.slot.device {
            return None;
        }
        Some(self.device.map_or("a device key store", |d| d.name()))
    }

    /// Unix time the vault was created.
    pub fn created(&self) -> u64 {
        self.created
    }

    /// Entries in display order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with `id`.
    pub fn entry(&self, id: EntryId) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    fn index(&self, id: EntryId) -> Result<usize> {
        self.entries
            .iter()
            .position(|e| e.id == id)
            .ok_or(Error::NotFound)
    }

    /// Adds an account at the end of the list and saves. [`Error::Duplicate`] when the same
    /// login (secret, issuer, name) is already stored.
    pub fn add(&mut self, account: Account, now: u64) -> Result<EntryId> {
        let meta = EntryMeta::new_for(&account, now);
        self.add_with_meta(account, meta)
    }

    /// Adds an account with chosen metadata (its `order` is set to the end) and saves.
    pub fn add_with_meta(&mut self, account: Account, meta: EntryMeta) -> Result<EntryId> {
        model::validate(&account, &meta).map_err(Error::InvalidEntry)?;
        if self.has_login(&account) {
            return Err(Error::Duplicate);
        }
        self.append_and_save(|v| v.push_entry(account, meta))
    }

    /// Adds accounts with chosen metadata (each `order` set to the end of the list) in **one
    /// save**, as an import does: an account whose login is already stored (or came earlier in
    /// `items`) is skipped, one the vault's rules refuse is reported with why, and the rest are
    /// added. Gives one [`Added`] per item, in order. If the save fails nothing is added.
    pub fn add_entries(&mut self, items: Vec<(Account, EntryMeta)>) -> Result<Vec<Added>> {
        self.append_and_save(|v| {
            items
                .into_iter()
                .map(|(account, meta)| {
                    if let Err(why) = model::validate(&account, &meta) {
                        Added::Invalid(why)
                    } else if v.has_login(&account) {
                        Added::Duplicate
                    } else {
                        Added::Added(v.push_entry(account, meta))
                    }
                })
                .collect()
        })
    }

    /// Adds every account that is not already there (one save). Accounts that cannot make codes
    /// are refused with [`Error::InvalidEntry`] before anything is added.
    pub fn add_many(&mut self, accounts: Vec<Account>, now: u64) -> Result<AddReport> {
        for a in &accounts {
            crate::otp::validate(a)
                .map_err(|e| Error::InvalidEntry(format!("{}: {e}", a.display_name())))?;
        }
        self.append_and_save(|v| {
            let mut report = AddReport::default();
            for account in accounts {
                if v.has_login(&account) {
                    report.duplicates.push(account.display_name());
                } else {
                    let meta = EntryMeta::new_for(&account, now);
                    report.added.push(v.push_entry(account, meta));
                }
            }
            report
        })
    }

    /// Whether an entry already holds `account`'s login (secret, issuer, name).
    fn has_login(&self, account: &Account) -> bool {
        self.entries.iter().any(|e| e.account.same_login(account))
    }

    /// Appends an entry at the end of the list (its `order` set to match) under the next id;
    /// not saved: callers go through [`Vault::append_and_save`].
    fn push_entry(&mut self, account: Account, mut meta: EntryMeta) -> EntryId {
        let id = EntryId(self.next_id);
        meta.order = self.entries.len() as u32;
        self.entries.push(Entry { id, account, meta });
        self.next_id += 1;
        id
    }

    /// Runs `append` (which adds entries with [`Vault::push_entry`]), then saves once if it
    /// added any; when the save fails the new entries and their ids are taken back.
    fn append_and_save<T>(&mut self, append: impl FnOnce(&mut Vault) -> T) -> Result<T> {
        let (old_len, old_next) = (self.entries.len(), self.next_id);
        let out = append(self);
        if self.entries.len() == old_len {
            return Ok(out);
        }
        self.save_or(|v| {
            v.entries.truncate(old_len);
            v.next_id = old_next;
        })?;
        Ok(out)
    }

    /// Replaces an entry's account and metadata (its position is kept: `meta.order` is
    /// ignored; use [`Vault::reorder`]) and saves.
    pub fn update(&mut self, id: EntryId, account: Account, mut meta: EntryMeta) -> Result<()> {
        let i = self.index(id)?;
        model::validate(&account, &meta).map_err(Error::InvalidEntry)?;
        if self
            .entries
            .iter()
            .any(|e| e.id != id && e.account.same_login(&account))
        {
            return Err(Error::Duplicate);
        }
        meta.order = i as u32;
        let new = Entry { id, account, meta };
        let old = std::mem::replace(&mut self.entries[i], new);
        self.save_or(|v| v.entries[i] = old)
    }

    /// Removes an entry and saves; returns it.
    pub fn remove(&mut self, id: EntryId) -> Result<Entry> {
        let i = self.index(id)?;
        let removed = self.entries.remove(i);
        self.renumber();
        if let Err(e) = self.save() {
            self.entries.insert(i, removed);
            self.renumber();
            return Err(e);
        }
        Ok(removed)
    }

    /// Moves an entry to position `new_index` (clamped to the list) and saves.
    pub fn reorder(&mut self, id: EntryId, new_index: usize) -> Result<()> {
        let i = self.index(id)?;
        let to = new_index.min(self.entries.len() - 1);
        if i == to {
            return Ok(());
        }
        let e = self.entries.remove(i);
        self.entries.insert(to, e);
        self.renumber();
        self.save_or(|v| {
            let e = v.entries.remove(to);
            v.entries.insert(i, e);
            v.renumber();
        })
    }

    /// Marks or unmarks an entry as a favourite and saves.
    pub fn set_favourite(&mut self, id: EntryId, favourite: bool) -> Result<()> {
        let i = self.index(id)?;
        let old = std::mem::replace(&mut self.entries[i].meta.favourite, favourite);
        if old == favourite {
            return Ok(());
        }
        self.save_or(|v| v.entries[i].meta.favourite = old)
    }

    /// Records that a code of the entry was used (copied) at `now` and saves.
    pub fn mark_used(&mut self, id: EntryId, now: u64) -> Result<()> {
        let i = self.index(id)?;
        let meta = &mut self.entries[i].meta;
        let old = (meta.last_used.replace(now), meta.use_count);
        meta.use_count = meta.use_count.saturating_add(1);
        self.save_or(|v| {
            let meta = &mut v.entries[i].meta;
            (meta.last_used, meta.use_count) = old;
        })
    }

    /// Sets the groups an entry is in (cleaned with [`model::normalise_groups`]) and saves.
    /// [`Error::InvalidEntry`] for names the vault refuses (too long, too many).
    pub fn set_groups(&mut self, id: EntryId, groups: Vec<String>) -> Result<()> {
        let i = self.index(id)?;
        let mut meta = self.entries[i].meta.clone();
        meta.groups = model::normalise_groups(groups);
        model::validate(&self.entries[i].account, &meta).map_err(Error::InvalidEntry)?;
        if meta.groups == self.entries[i].meta.groups {
            return Ok(());
        }
        let old = std::mem::replace(&mut self.entries[i].meta, meta);
        self.save_or(|v| v.entries[i].meta = old)
    }

    /// The next HOTP code of an entry: computes it for the stored counter, advances the counter
    /// and saves before returning the code (a code is never shown whose use is not recorded).
    /// For TOTP/Steam entries, the current code at `now` (nothing is advanced).
    pub fn next_hotp_code(&mut self, id: EntryId, now: u64) -> Result<String> {
        let i = self.index(id)?;
        let entry = &mut self.entries[i];
        let code = crate::otp::code_at(&entry.account, now)
            .map_err(|e| Error::InvalidEntry(e.to_string()))?;
        if entry.account.kind != crate::account::Kind::Hotp {
            return Ok(code);
        }
        let (old_counter, old_used, old_count) = (
            entry.account.counter,
            entry.meta.last_used,
            entry.meta.use_count,
        );
        entry.account.counter = old_counter.saturating_add(1);
        entry.meta.last_used = Some(now);
        entry.meta.use_count = old_count.saturating_add(1);
        self.save_or(|v| {
            v.entries[i].account.counter = old_counter;
            v.entries[i].meta.last_used = old_used;
            v.entries[i].meta.use_count = old_count;
        })?;
        Ok(code)
    }

    /// Checks `passcode` against this open vault's key slot **in memory** (never the file on
    /// disk, which someone at an unlocked device could have swapped for their own): the KDF
    /// runs on the slot the vault was opened with and the key it unwraps is compared with the
    /// open master key in constant time. Goes through the attempt policy: refused with
    /// [`Error::Backoff`] during a wait (the KDF does not run), a wrong passcode is counted
    /// and persisted like one typed at the lock screen, and once [`REAUTH_LIMIT`] wrong ones
    /// are in a row the answer is [`Error::TooManyTries`]: lock the app.
    pub fn verify_passcode(&self, passcode: &str, now: u64) -> Result<()> {
        self.passcode_check().verify(passcode, now)
    }

    /// What [`Vault::verify_passcode`] needs, detached from the vault so that the KDF can run on
    /// another thread while the vault stays where it is.
    pub fn passcode_check(&self) -> PasscodeCheck {
        PasscodeCheck {
            path: self.path.clone(),
            slot: self.slot.clone(),
            master_key: self.master_key.clone(),
            device: self.device,
            state_key: self.state_key.clone(),
        }
    }

    /// Changes the passcode, after checking `current` with [`Vault::verify_passcode`] (same
    /// attempt policy): a **new master key** wraps under the new passcode with `params` (which
    /// must be inside the bounds the vault was opened with), the content is re-encrypted
    /// under it, and the previous generation `<vault>.bak` is re-encrypted under the new key
    /// too (or removed when it cannot be read with the old one), so no file this vault left
    /// behind opens with the old passcode. On failure nothing changes, on disk or in memory.
    pub fn change_passcode(
        &mut self,
        current: &str,
        new_passcode: &str,
        params: KdfParams,
        now: u64,
    ) -> Result<()> {
        self.bounds.check(params)?;
        let device = if self.slot.device { self.device } else { None };
        check_new_passcode(new_passcode, params, self.strength_floor, device.is_some())?;
        self.verify_passcode(current, now)?;
        // A device-bound vault gets a new device key too (the old one is deleted once the
        // new file is written).
        let NewKeys {
            master_key,
            slot,
            state_key: new_state_key,
        } = NewKeys::make(new_passcode, params, device)?;
        fsio::remove_stale_temps(&self.path);
        let bak = fsio::backup_path(&self.path);
        let old_bak = std::fs::read(&bak).ok().map(Zeroizing::new);
        match old_bak
            .as_deref()
            .map(|b| self.reseal(b, &slot, &master_key))
        {
            Some(Some(bytes)) => {
                if let Err(e) = fsio::write_atomic(&bak, &bytes, false) {
                    delete_device_key(&slot, device);
                    return Err(e);
                }
            }
            Some(None) => {
                if let Err(e) = std::fs::remove_file(&bak) {
                    delete_device_key(&slot, device);
                    return Err(Error::io("remove", &bak, e));
                }
            }
            None => {}
        }
        let old_key = std::mem::replace(&mut self.master_key, master_key);
        let old_slot = std::mem::replace(&mut self.slot, slot);
        let old_state_key = std::mem::replace(&mut self.state_key, new_state_key);
        // The side file follows the new slot's key before the write records the generation.
        let state = State::load_checked(&self.path, old_state_key.as_ref(), now);
        let _ = state.store(&self.path, self.state_key.as_ref());
        if let Err(e) = self.write(false) {
            delete_device_key(&self.slot, device);
            self.master_key = old_key;
            self.slot = old_slot;
            self.state_key = old_state_key;
            let _ = state.store(&self.path, self.state_key.as_ref());
            if let Some(b) = &old_bak {
                let _ = fsio::write_atomic(&bak, b, false);
            }
            return Err(e);
        }
        // No file left opens with the old slot now: its device key goes.
        delete_device_key(&old_slot, device);
        Ok(())
    }

    /// A vault file's bytes re-encrypted under `key` with `slot`, keeping its generation and
    /// content; `None` when the open master key cannot read them (damaged, or another key).
    fn reseal(&self, file: &[u8], slot: &PasscodeSlot, key: &[u8; KEY_LEN]) -> Option<Vec<u8>> {
        let header = Header::decode(file).ok()?;
        let len = header.header_len();
        let mut content = Zeroizing::new(file[len..].to_vec());
        let plaintext = format::open(
            &self.master_key,
            &header.content_nonce,
            &file[..len],
            &mut content,
        )?;
        let mut buf = Zeroizing::new(Vec::with_capacity(plaintext.len() + format::TAG_LEN));
        buf.extend_from_slice(plaintext);
        seal_file(key, slot, header.generation, buf).ok()
    }

    /// The key automatic backups are written with, if they were ever turned on.
    pub fn backup_key(&self) -> Option<&BackupKey> {
        self.backup_key.as_ref()
    }

    /// Stores (or with `None` removes) the automatic backups' key inside the encrypted
    /// payload and saves.
    pub fn set_backup_key(&mut self, key: Option<BackupKey>) -> Result<()> {
        let old = std::mem::replace(&mut self.backup_key, key);
        self.save_or(|v| v.backup_key = old)
    }

    /// Locks the vault: drops the entries and the key (zeroized) and releases the OS lock.
    pub fn lock(self) {
        drop(self);
    }

    fn renumber(&mut self) {
        for (i, e) in self.entries.iter_mut().enumerate() {
            e.meta.order = i as u32;
        }
    }

    fn save_or(&mut self, undo: impl FnOnce(&mut Vault)) -> Result<()> {
        let r = self.save();
        if r.is_err() {
            undo(self);
        }
        r
    }

    /// Writes the vault: generation + 1, fresh content nonce, atomic replace, previous file
    /// kept as `<vault>.bak`. On failure the file on disk is unchanged.
    pub fn save(&mut self) -> Result<()> {
        self.write(true)
    }

    fn write(&mut self, keep_backup: bool) -> Result<()> {
        let generation = self.generation + 1;
        let payload = PayloadRef {
            created: self.created,
            next_id: self.next_id,
            entries: &self.entries,
            backup_key: self.backup_key.as_ref(),
        };
        let mut buf = ZeroizingWriter::with_capacity(HEADER_LEN + 4096 + 512 * self.entries.len());
        serde_json::to_writer(&mut buf, &payload).expect("the vault payload always serializes");
        let file = seal_file(&self.master_key, &self.slot, generation, buf.0)?;
        fsio::remove_stale_temps(&self.path);
        fsio::write_atomic(&self.path, &file, keep_backup)?;
        self.generation = generation;
        // Record the generation outside the file for rollback detection. The vault is already
        // safely saved; if this fails, the next open records it instead.
        let mut state = State::load_checked(&self.path, self.state_key.as_ref(), 0);
        if state.last_generation < generation {
            state.last_generation = generation;
            let _ = state.store(&self.path, self.state_key.as_ref());
        }
        Ok(())
    }
}

/// Encrypts `plaintext` (the payload JSON, encrypted in place) into a whole vault file.
fn seal_file(
    key: &[u8; KEY_LEN],
    slot: &PasscodeSlot,
    generation: u64,
    mut plaintext: Zeroizing<Vec<u8>>,
) -> Result<Vec<u8>> {
    let header = Header {
        version: format::VERSION,
        generation,
        slot: slot.clone(),
        content_nonce: format::random()?,
        content_len: u32::try_from(plaintext.len() + format::TAG_LEN)
            .map_err(|_| Error::InvalidEntry("the vault would exceed 4 GiB".into()))?,
    };
    let aad = header.encode();
    plaintext.reserve_exact(format::TAG_LEN);
    format::seal(key, &header.content_nonce, &aad, &mut plaintext);
    let mut file = Vec::with_capacity(HEADER_LEN + plaintext.len());
    file.extend_from_slice(&aad);
    file.extend_from_slice(&plaintext);
    Ok(file)
}

/// Best effort: the device key of a slot no file uses any more.
fn delete_device_key(slot: &PasscodeSlot, device: Option<&dyn DeviceKey>) {
    if let (true, Some(d)) = (slot.device, device) {
        let _ = d.delete(&slot.key_id());
    }
}

/// A passcode check against an open vault's key slot, detached from the vault (see
/// [`Vault::passcode_check`]). Holds a copy of the master key, zeroized on drop; `Send`, so
/// the KDF can run off the UI thread.
pub struct PasscodeCheck {
    path: PathBuf,
    slot: PasscodeSlot,
    master_key: Zeroizing<[u8; KEY_LEN]>,
    device: Option<&'static dyn DeviceKey>,
    state_key: Option<StateKey>,
}

impl fmt::Debug for PasscodeCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasscodeCheck")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl PasscodeCheck {
    /// See [`Vault::verify_passcode`].
    pub fn verify(&self, passcode: &str, now: u64) -> Result<()> {
        let key = self.state_key.as_ref();
        let state = state::before_attempt(&self.path, now, key)?;
        let right = match self.slot.unwrap(passcode, self.device)? {
            Some(k) => constant_time_eq::constant_time_eq_32(&k, &self.master_key),
            None => false,
        };
        if right {
            state::succeeded(&self.path, state, key);
            return Ok(());
        }
        if state::failed(&self.path, state, now, key) >= REAUTH_LIMIT {
            return Err(Error::TooManyTries);
        }
        Err(Error::WrongPasscode)
    }
}

/// What a vault file holds, read from bytes without touching any file (see [`read_bytes`]).
#[derive(Debug)]
pub struct Contents {
    pub generation: u64,
    pub kdf: KdfParams,
    pub created: u64,
    pub entries: Vec<Entry>,
}

/// Reads vault file bytes: header checks, KDF bounds (before the KDF), key unwrap, content
/// authentication and JSON. No side file is read or written, no backoff applies: for tools,
/// tests and fuzzing. Errors are those of [`Vault::open`].
pub fn read_bytes(bytes: &[u8], passcode: &str, bounds: &KdfBounds) -> Result<Contents> {
    let file = Zeroizing::new(bytes.to_vec());
    let (header, _key, payload) =
        decrypt(Path::new("(vault bytes)"), file, passcode, bounds, None)?;
    Ok(Contents {
        generation: header.generation,
        kdf: header.slot.params,
        created: payload.created,
        entries: payload.entries,
    })
}

/// The decryption pipeline shared by [`Vault::open_with`] and [`read_bytes`].
fn decrypt(
    path: &Path,
    mut file: Zeroizing<Vec<u8>>,
    passcode: &str,
    bounds: &KdfBounds,
    device: Option<&dyn DeviceKey>,
) -> Result<(Header, Zeroizing<[u8; KEY_LEN]>, Payload)> {
    let damaged = |reason| Error::Damaged {
        path: path.to_path_buf(),
        reason,
        previous: None,
    };
    let header = match Header::decode(&file) {
        Ok(h) => h,
        Err(HeaderError::NotVault) => return Err(damaged("it is not a Monban vault")),
        Err(HeaderError::Truncated) => return Err(damaged("the file is cut short")),
        Err(HeaderError::TooNew(version)) => return Err(Error::TooNew { version }),
        Err(HeaderError::Malformed(reason)) => return Err(damaged(reason)),
        Err(HeaderError::Checksum) => {
            return Err(damaged("its header does not match its checksum"));
        }
    };
    bounds.check(header.slot.params)?;
    let master_key = header
        .slot
        .unwrap(passcode, device)?
        .ok_or(Error::WrongPasscode)?;
    let (aad, content) = file.split_at_mut(header.header_len());
    let plaintext = format::open(&master_key, &header.content_nonce, aad, content)
        .ok_or_else(|| damaged("the content does not match its header (edited or corrupted)"))?;
    let payload: Payload = serde_json::from_slice(plaintext)
        .map_err(|_| damaged("the decrypted content is not valid"))?;
    check_payload(&payload).map_err(damaged)?;
    Ok((header, master_key, payload))
}

/// Opens `<vault>.bak` with `passcode` (no side file touched): what [`Error::Damaged`] offers.
fn open_previous(
    path: &Path,
    passcode: &str,
    bounds: &KdfBounds,
    device: Option<&dyn DeviceKey>,
) -> Result<Previous> {
    let bak = fsio::backup_path(path);
    if !bak.is_file() {
        return Err(Error::Missing { path: bak });
    }
    let bytes = Zeroizing::new(fsio::read_vault(&bak)?);
    let (header, _key, payload) = decrypt(&bak, bytes, passcode, bounds, device)?;
    let saved = std::fs::metadata(&bak)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs());
    Ok(Previous {
        path: bak,
        generation: header.generation,
        accounts: payload.entries.len(),
        saved,
    })
}

/// The payload serialized straight from the vault's entries (no copy of the secrets).
#[derive(serde::Serialize)]
struct PayloadRef<'a> {
    created: u64,
    next_id: u64,
    entries: &'a [Entry],
    #[serde(skip_serializing_if = "Option::is_none")]
    backup_key: Option<&'a BackupKey>,
}

fn check_payload(p: &Payload) -> std::result::Result<(), &'static str> {
    let mut ids: Vec<u64> = p.entries.iter().map(|e| e.id.0).collect();
    ids.sort_unstable();
    if ids.windows(2).any(|w| w[0] == w[1]) {
        return Err("two accounts share an id");
    }
    if ids.last().is_some_and(|&max| max >= p.next_id) {
        return Err("an account id is out of range");
    }
    Ok(())
}

/// A `Vec` writer that zeroizes the old buffer whenever it has to grow, so no copy of the
/// plaintext is left behind in freed memory. The final buffer is zeroized by its owner (it is
/// encrypted in place). The one growing buffer for secrets: the vault payload, backups
/// (`transfer::backup::write`), sealed transfer parts (`transfer::sealed`).
pub(crate) struct ZeroizingWriter(pub(crate) Zeroizing<Vec<u8>>);

impl ZeroizingWriter {
    pub(crate) fn with_capacity(n: usize) -> Self {
        ZeroizingWriter(Zeroizing::new(Vec::with_capacity(n)))
    }

    /// Appends `data` (growing without leaving a copy behind).
    pub(crate) fn push(&mut self, data: &[u8]) {
        let _ = self.write(data);
    }
}

impl Write for ZeroizingWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        // Keep room for the tag so that sealing in place never reallocates either.
        let needed = self.0.len() + data.len() + format::TAG_LEN;
        if needed > self.0.capacity() {
            let mut bigger = Vec::with_capacity(needed.max(2 * self.0.capacity()));
            bigger.extend_from_slice(&self.0);
            let mut old = std::mem::replace(&mut *self.0, bigger);
            old.zeroize(); // zeroizes the whole old allocation
        }
        self.0.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
