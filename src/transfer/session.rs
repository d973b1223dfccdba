//! The one import path, used by the command line and the app alike:
//!
//! 1. **detect** what a file is ([`Source::identify`]: a QR picture, a Monban backup, lines of
//!    transfer QR texts, or another app's export — by content, never by name);
//! 2. ask for a **password** if it is encrypted ([`Source::needs_password`]);
//! 3. **read** it ([`Source::read`]; slow key derivation, so the app runs it off the UI
//!    thread) and hand the result to the [`Session`], which also takes scanned QR payloads one
//!    by one ([`Session::payload`]: one classification, [`super::payload::classify`]) and
//!    collects multi-part Google and sealed transfers;
//! 4. **preview** ([`Session::preview`]): what will be added, what is skipped as a duplicate
//!    ([`Account::same_login`]), what is refused and why;
//! 5. **commit** ([`Preview::commit`]) into the vault, keeping the metadata the format
//!    carried (icon, colour, note, favourite, groups, order, last use).

use std::fmt;

use thiserror::Error;
use zeroize::Zeroizing;

use super::payload::{Classified, classify};
use super::picture::{self, MAX_FILE_BYTES};
use super::{
    Assembler, Importer, Meta, Parsed, Progress, Refused, Summary, backup, google, sealed,
};
use crate::account::Account;
use crate::vault::{
    EntryMeta, KdfBounds, MAX_GROUP_BYTES, MAX_GROUPS, MAX_NOTE_BYTES, Vault, normalise_groups,
};

/// Why a file could not be read at all. Per-entry problems are [`Refused`] instead.
#[derive(Debug, Error)]
pub enum Error {
    #[error("{0} is larger than {max} MiB: not an authenticator export", max = MAX_FILE_BYTES / (1024 * 1024))]
    TooLarge(String),
    #[error("cannot read {name}: {source}")]
    Io {
        name: String,
        source: std::io::Error,
    },
    #[error("{name} ({format}): {source}")]
    Format {
        name: String,
        format: &'static str,
        source: super::Error,
    },
    #[error("{name} is not a file Monban reads. Monban reads: {known}")]
    Unknown { name: String, known: String },
    #[error("the Monban backup {name}: {source}")]
    Backup { name: String, source: backup::Error },
    #[error("the image {name}: {why}")]
    Image { name: String, why: String },
    #[error("the sealed transfer: {0}")]
    Sealed(#[from] sealed::Error),
    #[error("nothing to import{0}")]
    Nothing(String),
}

impl Error {
    /// True when the file's password was wrong (ask again).
    pub fn is_wrong_password(&self) -> bool {
        matches!(
            self,
            Error::Format {
                source: super::Error::WrongPassword,
                ..
            } | Error::Backup {
                source: backup::Error::WrongPassword,
                ..
            }
        )
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Reads a file for an import, refusing anything larger than [`MAX_FILE_BYTES`] before
/// reading it.
pub fn read_file(path: &std::path::Path) -> Result<Zeroizing<Vec<u8>>> {
    let name = path.display().to_string();
    let len = std::fs::metadata(path)
        .map_err(|source| Error::Io {
            name: name.clone(),
            source,
        })?
        .len();
    if len > MAX_FILE_BYTES {
        return Err(Error::TooLarge(name));
    }
    std::fs::read(path)
        .map(Zeroizing::new)
        .map_err(|source| Error::Io { name, source })
}

/// Turns a picture file's bytes into the frame the QR decoder reads (the front ends pass
/// `camera::load_image_bytes`, which knows image formats and EXIF orientation).
pub type PictureLoader = fn(&[u8]) -> std::result::Result<crate::qr::Frame, String>;

/// What a file is.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A picture that may hold QR codes.
    Image,
    /// A Monban backup file.
    Backup,
    /// Text lines of transfer QR payloads (`monban-transfer:`, `otpauth-migration://`).
    Payloads,
    /// Another app's export.
    Foreign(&'static dyn Importer),
}

/// A file recognised but not yet read.
pub struct Source {
    name: String,
    data: Zeroizing<Vec<u8>>,
    kind: Kind,
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Source({}, {}, {} bytes)",
            self.name,
            self.format_name(),
            self.data.len()
        )
    }
}

fn has_transfer_lines(data: &[u8]) -> bool {
    std::str::from_utf8(data).is_ok_and(|t| {
        t.lines().any(|l| {
            matches!(
                classify(l),
                Classified::MonbanTransfer(_) | Classified::GoogleMigration(_)
            )
        })
    })
}

/// Every format an import reads, as one line each: name, file kinds, encryption.
pub fn formats() -> Vec<String> {
    let mut out = vec![
        "Monban backup: .monban-backup file; encrypted (backup password)".to_string(),
        "Monban sealed transfer: QR images or their texts (monban-transfer:); encrypted (transfer code)".to_string(),
        "Google Authenticator transfer QR: QR images or otpauth-migration:// links; not encrypted".to_string(),
        "otpauth:// QR code: QR images (PNG, JPEG, GIF, BMP, WebP); not encrypted".to_string(),
    ];
    out.extend(
        super::IMPORTERS
            .iter()
            .map(|i| format!("{}: {}; {}", i.name(), i.files(), i.encryption())),
    );
    out
}

fn known_list() -> String {
    let mut names = vec![
        "Monban backups and transfer QR codes",
        "QR images",
        "Google Authenticator transfer QR",
    ];
    names.extend(super::IMPORTERS.iter().map(|i| i.name()));
    names.join(", ")
}

impl Source {
    /// Recognises `data` (named `name` in messages). `format` forces one: `image`, `backup`,
    /// `google`/`sealed` (lines of transfer QR texts) or an importer id.
    pub fn identify(name: &str, data: Zeroizing<Vec<u8>>, format: Option<&str>) -> Result<Source> {
        let name = name.to_string();
        if data.len() as u64 > MAX_FILE_BYTES {
            return Err(Error::TooLarge(name));
        }
        let forced = format.map(|f| f.trim().to_ascii_lowercase());
        let kind = match forced.as_deref() {
            Some("image") => Kind::Image,
            Some("backup") => Kind::Backup,
            Some("google" | "sealed") => Kind::Payloads,
            Some(id) => Kind::Foreign(super::importer(id).map_err(|source| Error::Format {
                name: name.clone(),
                format: "--format",
                source,
            })?),
            None if picture::is_image(&data) => Kind::Image,
            None if backup::is_backup(&data) => Kind::Backup,
            None if has_transfer_lines(&data) => Kind::Payloads,
            None => match super::detect(&data) {
                Ok(imp) => Kind::Foreign(imp),
                Err(_) => {
                    return Err(Error::Unknown {
                        name,
                        known: known_list(),
                    });
                }
            },
        };
        Ok(Source { name, data, kind })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The format's name ("Aegis", "Monban backup", ...).
    pub fn format_name(&self) -> &'static str {
        match self.kind {
            Kind::Image => "QR image",
            Kind::Backup => "Monban backup",
            Kind::Payloads => "transfer QR texts",
            Kind::Foreign(i) => i.name(),
        }
    }

    /// True when [`Source::read`] needs a password.
    pub fn needs_password(&self) -> bool {
        match self.kind {
            Kind::Backup => true,
            Kind::Foreign(i) => i.encrypted(&self.data),
            Kind::Image | Kind::Payloads => false,
        }
    }

    /// Reads the file (decrypting with `password` where needed; `bounds` limit a Monban
    /// backup's key derivation). A picture becomes a [`crate::qr::Frame`] through `picture`
    /// (the front end's image loader: the core does not decode image files itself).
    /// Slow for encrypted files: call it off the UI thread.
    pub fn read(
        &self,
        password: Option<&str>,
        bounds: &KdfBounds,
        picture: PictureLoader,
    ) -> Result<Read> {
        let name = self.name.clone();
        match self.kind {
            Kind::Image => {
                let frame = picture(&self.data).map_err(|why| Error::Image {
                    name: name.clone(),
                    why,
                })?;
                let found = crate::qr::decode_with(&frame, &crate::qr::DecodeOptions::thorough());
                Ok(Read::Payloads {
                    source: name,
                    texts: found
                        .iter()
                        .map(|p| Zeroizing::new(p.text.clone()))
                        .collect(),
                })
            }
            Kind::Payloads => {
                let text = std::str::from_utf8(&self.data).map_err(|_| Error::Image {
                    name: name.clone(),
                    why: "the file is not text".into(),
                })?;
                Ok(Read::Lines {
                    source: name,
                    lines: text
                        .lines()
                        .enumerate()
                        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                        .map(|(n, l)| (n + 1, Zeroizing::new(l.to_string())))
                        .collect(),
                })
            }
            Kind::Backup => {
                let password = password.unwrap_or("");
                let b =
                    backup::read(&self.data, password, bounds).map_err(|source| Error::Backup {
                        name: name.clone(),
                        source,
                    })?;
                Ok(Read::from_backup(&name, b))
            }
            Kind::Foreign(imp) => {
                let parsed = imp
                    .read(&self.data, password)
                    .map_err(|source| Error::Format {
                        name,
                        format: imp.name(),
                        source,
                    })?;
                Ok(Read::Entries(parsed))
            }
        }
    }
}

/// Opens sealed transfer parts with the transfer code, keeping each account's groups (slow:
/// one Argon2id run; the app calls it off the UI thread, then [`Session::add_parsed`]).
pub fn open_sealed_parts(
    parts: &[sealed::Part],
    code: &sealed::TransferCode,
    limits: &sealed::Limits,
) -> sealed::Result<Parsed> {
    let opened = sealed::open_entries(parts, code, limits)?;
    let mut out = Parsed {
        refused: opened.parsed.refused,
        ..Parsed::default()
    };
    for (account, groups) in opened.parsed.accounts.into_iter().zip(opened.groups) {
        out.push_with(
            account,
            Meta {
                groups,
                ..Meta::default()
            },
        );
    }
    Ok(out)
}

/// A vault entry's metadata as an import carries it (Monban backups).
fn meta_of_entry(m: EntryMeta) -> Meta {
    Meta {
        icon: Some(m.icon),
        colour: Some(m.colour),
        note: m.note,
        favourite: m.favourite,
        groups: m.groups,
        order: Some(m.order),
        last_used: m.last_used,
        use_count: m.use_count,
        created: Some(m.created),
    }
}

/// What [`Source::read`] got out of a file.
pub enum Read {
    /// Accounts from another app's export.
    Entries(Parsed),
    /// A Monban backup's entries (with their metadata) and a line describing it.
    Backup { parsed: Parsed, note: String },
    /// QR payload texts found in a picture.
    Payloads {
        source: String,
        texts: Vec<Zeroizing<String>>,
    },
    /// Lines of transfer QR texts, with their line numbers.
    Lines {
        source: String,
        lines: Vec<(usize, Zeroizing<String>)>,
    },
}

impl Read {
    /// A decrypted Monban backup named `name` as the session takes it: every entry with its
    /// metadata (icon, colour, note, favourite, order, groups; HOTP counters are in the
    /// account). The one conversion of files read here and of automatic backups the app opens
    /// with the vault's backup key.
    pub fn from_backup(name: &str, b: backup::Backup) -> Read {
        let note = format!(
            "backup {name}: {} account(s), written {}, fingerprint {}",
            b.entries.len(),
            super::paper::date(b.created),
            b.fingerprint()
        );
        let mut parsed = Parsed::default();
        for e in b.entries {
            let meta = e.meta.map(meta_of_entry).unwrap_or_default();
            parsed.push_with(e.account, meta);
        }
        Read::Backup { parsed, note }
    }
}

/// A file's entries in the order its app lists them, when the app numbers every entry
/// (2FAS positions, Authenticator Pro rankings); else as they stand in the file.
fn in_source_order(mut p: Parsed) -> Parsed {
    let refused = std::mem::take(&mut p.refused);
    let mut entries = p.into_entries();
    if entries.iter().all(|(_, m)| m.order.is_some()) {
        entries.sort_by_key(|(_, m)| m.order);
    }
    let mut out = Parsed::default();
    for (a, m) in entries {
        out.push_with(a, m);
    }
    out.refused = refused;
    out
}

/// What one scanned payload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fed {
    /// An account link, taken.
    Account,
    /// A part of a Google Authenticator export.
    Google(Progress),
    /// A part of a Monban sealed transfer (the transfer code is needed once all are in).
    Sealed(Progress),
    /// Refused with why (also kept for the summary).
    Refused(Refused),
}

/// One import: everything gathered from files and scanned codes until it is previewed.
#[derive(Default)]
pub struct Session {
    parsed: Parsed,
    google: Assembler<Parsed>,
    sealed: Assembler<sealed::Part>,
    notes: Vec<String>,
    /// Accounts read from Monban backups (a restore with `--replace` keeps only these).
    restored: Vec<Account>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Session({} accounts, {} refused)",
            self.parsed.accounts.len(),
            self.parsed.refused.len()
        )
    }
}

impl Session {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes what a file gave.
    pub fn add(&mut self, read: Read) {
        match read {
            Read::Entries(p) => self.parsed.extend(in_source_order(p)),
            Read::Backup { parsed, note } => {
                self.notes.push(note);
                self.restored.extend(parsed.accounts.iter().cloned());
                self.parsed.extend(parsed);
            }
            Read::Payloads { source, texts } => {
                if texts.is_empty() {
                    self.refuse(Refused::new(
                        source.clone(),
                        "no QR code found in the image",
                    ));
                }
                for t in texts {
                    self.payload(&t, &source);
                }
            }
            Read::Lines { source, lines } => {
                for (n, l) in lines {
                    self.payload(&l, &format!("{source} line {n}"));
                }
            }
        }
    }

    /// Takes accounts read some other way (an opened sealed transfer).
    pub fn add_parsed(&mut self, parsed: Parsed) {
        self.parsed.extend(parsed);
    }

    fn refuse(&mut self, r: Refused) -> Fed {
        self.parsed.refused.push(r.clone());
        Fed::Refused(r)
    }

    /// Takes one scanned QR payload (or line), named `source` in refusals.
    pub fn payload(&mut self, text: &str, source: &str) -> Fed {
        match classify(text) {
            Classified::Account(a) => match crate::otp::validate(&a) {
                Ok(()) => {
                    self.parsed.accounts.push(a);
                    Fed::Account
                }
                Err(e) => self.refuse(Refused::new(source, e.to_string())),
            },
            Classified::InvalidAccount(why) => self.refuse(Refused::new(source, why)),
            Classified::GoogleMigration(t) => match google::parse_migration_uri(&t) {
                Ok(b) => {
                    let (id, i, n) = (u64::from(b.batch_id as u32), b.part_index(), b.part_count());
                    match self.google.add(id, i, n, b.into_parsed()) {
                        Ok(p) => Fed::Google(p),
                        Err(e) => self.refuse(Refused::new(source, e.to_string())),
                    }
                }
                Err(e) => self.refuse(Refused::new(source, e.to_string())),
            },
            Classified::MonbanTransfer(t) => match sealed::parse_part(&t) {
                Ok(p) => {
                    let (id, i, n) = (u64::from(p.batch_id()), p.index(), p.count());
                    match self.sealed.add(id, i, n, p) {
                        Ok(p) => Fed::Sealed(p),
                        Err(e) => self.refuse(Refused::new(source, e.to_string())),
                    }
                }
                Err(e) => self.refuse(Refused::new(source, e.to_string())),
            },
            Classified::Backup(_) => self.refuse(Refused::new(
                source,
                "a Monban backup QR code: import the backup file itself",
            )),
            Classified::Other(_) => self.refuse(Refused::new(
                source,
                format!(
                    "not an authenticator QR code ({})",
                    crate::uri::Error::NotOtpauth
                ),
            )),
        }
    }

    /// Takes one payload the camera scanned (the app's scanner): like [`Session::payload`],
    /// but a refused code is only reported, not kept for the summary — the person points the
    /// camera elsewhere and goes on scanning.
    pub fn scanned(&mut self, text: &str, source: &str) -> Fed {
        let fed = self.payload(text, source);
        if matches!(fed, Fed::Refused(_)) {
            self.parsed.refused.pop();
        }
        fed
    }

    /// True when sealed transfer parts wait for their transfer code.
    pub fn needs_transfer_code(&self) -> bool {
        !self.sealed.is_empty()
    }

    /// The sealed parts collected (to open with the transfer code, off the UI thread, then
    /// [`Session::add_parsed`]). A note names missing parts.
    pub fn take_sealed(&mut self) -> Vec<sealed::Part> {
        let parts = std::mem::take(&mut self.sealed);
        let p = parts.progress();
        if !parts.is_empty() && !p.is_complete() {
            self.notes.push(format!(
                "sealed transfer: {p}; the accounts of the missing codes are not imported"
            ));
        }
        parts.into_parts()
    }

    /// Opens the collected sealed parts with `code` and takes their accounts.
    pub fn open_sealed(
        &mut self,
        code: &sealed::TransferCode,
        limits: &sealed::Limits,
    ) -> Result<()> {
        let parts = self.take_sealed();
        if parts.is_empty() {
            return Ok(());
        }
        let parsed = open_sealed_parts(&parts, code, limits)?;
        self.parsed.extend(parsed);
        Ok(())
    }

    /// True when nothing at all was read (no account, no refusal, no part).
    pub fn is_empty(&self) -> bool {
        self.parsed.accounts.is_empty()
            && self.parsed.refused.is_empty()
            && self.google.is_empty()
            && self.sealed.is_empty()
    }

    /// What will happen: accounts not yet in `existing` (nor earlier in this import) are to
    /// be added; the others are duplicates. Google parts scanned so far are included (a note
    /// names missing ones); sealed parts must have been opened first.
    pub fn preview(mut self, existing: &[Account]) -> Preview {
        let google = std::mem::take(&mut self.google);
        if !google.is_empty() {
            let p = google.progress();
            if !p.is_complete() {
                self.notes.push(format!(
                    "Google transfer: {p}; scan the missing codes and import them too"
                ));
            }
            for part in google.into_parts() {
                self.parsed.extend(part);
            }
        }
        let refused = std::mem::take(&mut self.parsed.refused);
        let entries = std::mem::take(&mut self.parsed).into_entries();
        let mut to_add: Vec<(Account, Meta)> = Vec::new();
        let mut duplicates = Vec::new();
        for (a, m) in entries {
            if existing
                .iter()
                .chain(to_add.iter().map(|(a, _)| a))
                .any(|e| e.same_login(&a))
            {
                duplicates.push(super::label(&a));
            } else {
                to_add.push((a, m));
            }
        }
        Preview {
            to_add,
            duplicates,
            refused,
            notes: self.notes,
            restored: self.restored,
        }
    }
}

/// What an import will do, shown before anything is stored.
pub struct Preview {
    /// Accounts to add, with the metadata their format carried.
    pub to_add: Vec<(Account, Meta)>,
    /// Labels of the accounts skipped as already there.
    pub duplicates: Vec<String>,
    /// Entries refused, with why.
    pub refused: Vec<Refused>,
    /// Lines about the sources (backup fingerprints, missing parts).
    pub notes: Vec<String>,
    /// Accounts read from Monban backups.
    pub restored: Vec<Account>,
}

impl fmt::Debug for Preview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Preview({})", self.summary())
    }
}

/// Committing failed at the vault's save: nothing was added (the vault keeps what it had);
/// `done` holds the preview's counts of duplicates and refused accounts.
#[derive(Debug, Error)]
#[error("cannot save the vault ({source}); nothing was imported")]
pub struct CommitError {
    pub done: Summary,
    pub source: Box<crate::vault::Error>,
}

impl Preview {
    /// The counts as they stand before committing.
    pub fn summary(&self) -> Summary {
        Summary {
            added: self.to_add.len(),
            duplicates: self.duplicates.len(),
            refused: self.refused.clone(),
        }
    }

    /// Adds the accounts with their metadata. An entry the vault refuses is listed as refused.
    pub fn commit(self, vault: &mut Vault, now: u64) -> Result<Summary, CommitError> {
        let mut done = Summary {
            added: 0,
            duplicates: self.duplicates.len(),
            refused: self.refused,
        };
        // One save for the whole import (a save per account made 200 accounts 200 writes).
        let labels: Vec<String> = self.to_add.iter().map(|(a, _)| super::label(a)).collect();
        let items = self
            .to_add
            .into_iter()
            .map(|(account, meta)| {
                let meta = entry_meta(&account, meta, now);
                (account, meta)
            })
            .collect();
        let results = vault.add_entries(items).map_err(|source| CommitError {
            done: done.clone(),
            source: Box::new(source),
        })?;
        for (result, label) in results.into_iter().zip(labels) {
            match result {
                crate::vault::Added::Added(_) => done.added += 1,
                crate::vault::Added::Duplicate => done.duplicates += 1,
                crate::vault::Added::Invalid(why) => done.refused.push(Refused::new(label, why)),
            }
        }
        Ok(done)
    }
}

/// Group names as the vault accepts them: cleaned ([`normalise_groups`]), control characters
/// dropped, each cut to [`MAX_GROUP_BYTES`], at most [`MAX_GROUPS`].
fn groups_for_vault(groups: Vec<String>) -> Vec<String> {
    let cut = groups.into_iter().map(|g| {
        let mut g: String = g.chars().filter(|c| !c.is_control()).collect();
        if g.len() > MAX_GROUP_BYTES {
            let mut at = MAX_GROUP_BYTES;
            while !g.is_char_boundary(at) {
                at -= 1;
            }
            g.truncate(at);
        }
        g
    });
    let mut out = normalise_groups(cut);
    out.truncate(MAX_GROUPS);
    out
}

/// The vault metadata for an imported account: what the format carried, the vault's
/// defaults for the rest. A note longer than the vault keeps is cut at a character boundary.
pub fn entry_meta(account: &Account, meta: Meta, now: u64) -> EntryMeta {
    let mut m = EntryMeta::new_for(account, now);
    if let Some(icon) = meta.icon {
        m.icon = icon;
    }
    if let Some(c) = meta.colour.filter(|c| *c <= 0xFF_FFFF) {
        m.colour = c;
    }
    let mut note = meta.note;
    if note.len() > MAX_NOTE_BYTES {
        let mut cut = MAX_NOTE_BYTES;
        while !note.is_char_boundary(cut) {
            cut -= 1;
        }
        note.truncate(cut);
    }
    m.note = note;
    m.favourite = meta.favourite;
    m.groups = groups_for_vault(meta.groups);
    m.last_used = meta.last_used;
    m.use_count = meta.use_count;
    if let Some(created) = meta.created {
        m.created = created;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;

    fn acc(issuer: &str, b: u8) -> Account {
        Account::totp(issuer, "me", Secret::new(vec![b; 10]))
    }

    #[test]
    fn preview_sorts_out_duplicates_and_keeps_metadata() {
        let mut s = Session::new();
        let mut p = Parsed::default();
        p.push_with(
            acc("B", 2),
            Meta {
                note: "second".into(),
                order: Some(1),
                ..Meta::default()
            },
        );
        p.push_with(
            acc("A", 1),
            Meta {
                favourite: true,
                groups: vec!["work".into()],
                order: Some(0),
                ..Meta::default()
            },
        );
        p.refused.push(Refused::new("entry 3", "no secret"));
        s.add(Read::Entries(p));
        assert_eq!(
            s.payload("otpauth://totp/B:me?secret=AIBAEAQCAIBAEAQC&issuer=B", "qr"),
            Fed::Account,
            "the same login again"
        );
        assert!(matches!(s.payload("hello", "qr"), Fed::Refused(_)));
        let preview = s.preview(&[]);
        assert_eq!(preview.to_add.len(), 2);
        assert_eq!(preview.to_add[0].0.issuer, "A", "source order");
        assert!(preview.to_add[0].1.favourite);
        assert_eq!(preview.duplicates, vec!["B (me)"]);
        assert_eq!(preview.refused.len(), 2);
        assert_eq!(
            preview.summary().to_string().lines().next(),
            Some("added 2, duplicates 1, refused 2")
        );
        let m = entry_meta(&preview.to_add[0].0, preview.to_add[0].1.clone(), 5);
        assert!(m.favourite);
        assert_eq!(m.groups, vec!["work"]);
        assert_eq!(m.created, 5);
    }

    #[test]
    fn unknown_files_name_what_monban_reads() {
        let e = Source::identify("x.bin", Zeroizing::new(b"\x00\x01garbage".to_vec()), None)
            .unwrap_err();
        let text = e.to_string();
        assert!(text.contains("Aegis") && text.contains("2FAS"), "{text}");
    }

    #[test]
    fn long_notes_are_cut_at_a_character() {
        let meta = Meta {
            note: "ü".repeat(MAX_NOTE_BYTES),
            ..Meta::default()
        };
        let m = entry_meta(&acc("A", 1), meta, 0);
        assert!(m.note.len() <= MAX_NOTE_BYTES && !m.note.is_empty());
    }
}
