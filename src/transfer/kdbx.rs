//! KeePass and KeePassXC databases (`.kdbx`, versions 3 and 4), opened with the database
//! password by the `keepass` crate.
//!
//! An entry is an account when it carries a one-time-password setting, in any of the three
//! ways KeePass programs store one:
//! - `otp`: an `otpauth://` link (KeePassXC 2.6+, KeePassDX, Strongbox);
//! - `TOTP Seed` (Base32 or a link) with `TOTP Settings` = `period;digits`, digits `S` for Steam
//!   (KeePassXC before 2.6, the KeeOtp/TrayTOTP plugins);
//! - `TimeOtp-Secret-Base32` / `-Secret` / `-Secret-Hex` with `TimeOtp-Length`, `-Period`,
//!   `-Algorithm`, and `HmacOtp-Secret-Base32` with `HmacOtp-Counter` (KeePass 2.47+).
//!
//! The issuer is the link's, else the entry title; the name the link's, else the username.
//! Kept: the entry notes, its group path and tags (as groups). Lost: passwords, URLs,
//! attachments. Entries in the recycle bin are passed over.
//!
//! The key-derivation settings in the file header (AES-KDF rounds, Argon2 memory, passes and
//! lanes) are read and bounded **before** the password is tried, so a crafted file cannot make
//! Monban spend minutes or gigabytes; key files and hardware keys are not supported.

use keepass::db::{EntryRef, GroupRef};
use keepass::{Database, DatabaseKey};
use zeroize::Zeroizing;

use super::{Error, Fields, Importer, Meta, Parsed, Refused, Result};

const FORMAT: &str = "KeePass";
const SIG1: [u8; 4] = [0x03, 0xD9, 0xA2, 0x9A];
const SIG2: [u8; 4] = [0x67, 0xFB, 0x4B, 0xB5];
/// Most AES-KDF rounds run (KeePass's one-second default is a few million on a phone).
#[cfg(not(fuzzing))]
const MAX_AES_ROUNDS: u64 = 60_000_000;
/// Most Argon2 memory (bytes), passes and lanes run (KeePassXC's default is 64 MiB, 10, 2).
#[cfg(not(fuzzing))]
const MAX_ARGON2_BYTES: u64 = 1 << 30;
#[cfg(not(fuzzing))]
const MAX_ARGON2_PASSES: u64 = 100;
const MAX_ARGON2_LANES: u64 = 16;
// Fuzz builds only (as `transfer::crypto`'s ceiling): key derivations a fuzzer can afford on
// every input.
#[cfg(fuzzing)]
const MAX_AES_ROUNDS: u64 = 1_000;
#[cfg(fuzzing)]
const MAX_ARGON2_BYTES: u64 = 64 * 1024;
#[cfg(fuzzing)]
const MAX_ARGON2_PASSES: u64 = 1;

pub struct Kdbx;

fn malformed(why: impl Into<String>) -> Error {
    Error::Malformed {
        format: FORMAT,
        why: why.into(),
    }
}

fn le(b: &[u8]) -> u64 {
    b.iter().rev().fold(0, |acc, x| (acc << 8) | u64::from(*x))
}

/// The key-derivation settings named in a KDBX 4 `KdfParameters` variant dictionary.
fn check_variant_dictionary(d: &[u8]) -> Result<()> {
    let bad = || malformed("the key-derivation settings are damaged");
    let mut pos = 2; // version
    while pos < d.len() {
        let kind = d[pos];
        pos += 1;
        if kind == 0 {
            return Ok(());
        }
        let take = |pos: &mut usize, n: usize| -> Result<&[u8]> {
            let end = pos
                .checked_add(n)
                .filter(|e| *e <= d.len())
                .ok_or_else(bad)?;
            let s = &d[*pos..end];
            *pos = end;
            Ok(s)
        };
        let klen = le(take(&mut pos, 4)?) as usize;
        let key = take(&mut pos, klen)?.to_vec();
        let vlen = le(take(&mut pos, 4)?) as usize;
        let value = le(take(&mut pos, vlen)?.get(..vlen.min(8)).unwrap_or(&[]));
        let limit = match key.as_slice() {
            b"R" => Some(("AES-KDF rounds", MAX_AES_ROUNDS, value)),
            b"M" => Some(("Argon2 memory (bytes)", MAX_ARGON2_BYTES, value)),
            b"I" => Some(("Argon2 passes", MAX_ARGON2_PASSES, value)),
            b"P" => Some(("Argon2 lanes", MAX_ARGON2_LANES, value)),
            _ => None,
        };
        if let Some((what, max, v)) = limit
            && v > max
        {
            return Err(Error::KdfRefused(format!("{what} {v} (at most {max})")));
        }
    }
    Err(bad())
}

/// Reads the outer header far enough to bound the key derivation.
fn check_header(data: &[u8]) -> Result<()> {
    if data.len() < 12 {
        return Err(malformed("the file is cut short"));
    }
    let major = u16::from_le_bytes([data[10], data[11]]);
    let (len_bytes, mut pos) = match major {
        3 => (2, 12),
        4 => (4, 12),
        _ => {
            return Err(Error::Unsupported {
                format: FORMAT,
                why: format!("KDBX version {major} (versions 3 and 4 are read)"),
            });
        }
    };
    loop {
        let head = data
            .get(pos..pos + 1 + len_bytes)
            .ok_or_else(|| malformed("the header is cut short"))?;
        let id = head[0];
        let len = le(&head[1..]) as usize;
        pos += 1 + len_bytes;
        let value = data
            .get(pos..pos.saturating_add(len))
            .ok_or_else(|| malformed("the header is cut short"))?;
        pos += len;
        match (major, id) {
            (_, 0) => return Ok(()),
            (3, 6) if le(value) > MAX_AES_ROUNDS => {
                return Err(Error::KdfRefused(format!(
                    "AES-KDF rounds {} (at most {MAX_AES_ROUNDS})",
                    le(value)
                )));
            }
            (4, 11) => check_variant_dictionary(value)?,
            _ => {}
        }
    }
}

fn get<'a>(e: &'a EntryRef<'_>, key: &str) -> &'a str {
    e.get(key).unwrap_or("").trim()
}

/// The group path of a group ("Work/Banking"), root excluded.
fn path(db: &Database, g: &GroupRef<'_>) -> Vec<String> {
    let mut names = Vec::new();
    let mut id = g.id();
    while let Some(group) = db.group(id) {
        let Some(parent) = group.parent() else { break };
        names.push(group.name.clone());
        id = parent.id();
    }
    names.reverse();
    names
}

fn push_entry(out: &mut Parsed, i: usize, e: &EntryRef<'_>, groups: Vec<String>) {
    let (title, user) = (get(e, "Title"), get(e, "UserName"));
    let mut all_groups = groups;
    all_groups.extend(e.tags.iter().filter(|t| !t.trim().is_empty()).cloned());
    let meta = Meta {
        note: get(e, "Notes").to_string(),
        groups: all_groups,
        ..Meta::default()
    };
    let link = match get(e, "otp") {
        "" => get(e, "TOTP Seed"),
        l => l,
    };
    let what = super::loose_label(title, user, i);
    if link.to_ascii_lowercase().starts_with("otpauth://") {
        match crate::uri::parse(link) {
            Ok(mut a) => {
                if a.issuer.is_empty() {
                    a.issuer = title.to_string();
                }
                if a.name.is_empty() {
                    a.name = user.to_string();
                }
                match crate::otp::validate(&a) {
                    Ok(()) => out.push_with(a, meta),
                    Err(why) => out.refused.push(Refused::new(what, why.to_string())),
                }
            }
            Err(why) => out.refused.push(Refused::new(what, why.to_string())),
        }
        return;
    }
    if !link.is_empty() {
        // Legacy KeePassXC: "TOTP Settings" = "period;digits" ("S" = Steam).
        let settings = get(e, "TOTP Settings");
        let (period, digits) = settings.split_once(';').unwrap_or(("30", "6"));
        let steam = digits.trim().eq_ignore_ascii_case("s");
        Fields {
            issuer: title,
            name: user,
            secret: link,
            kind: if steam { "steam" } else { "totp" },
            digits: digits.trim().parse().ok(),
            period: period.trim().parse().ok(),
            ..Fields::default()
        }
        .push_with_meta(out, i, meta);
        return;
    }
    // KeePass 2.47+ native fields.
    let hex_to_b32 = |hex: &str| {
        data_encoding::HEXLOWER_PERMISSIVE
            .decode(hex.as_bytes())
            .ok()
            .map(|b| Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&Zeroizing::new(b))))
    };
    let b32_hotp = get(e, "HmacOtp-Secret-Base32");
    if !b32_hotp.is_empty() || !get(e, "HmacOtp-Secret-Hex").is_empty() {
        let hex = hex_to_b32(get(e, "HmacOtp-Secret-Hex")).unwrap_or_default();
        Fields {
            issuer: title,
            name: user,
            secret: if b32_hotp.is_empty() { &hex } else { b32_hotp },
            kind: "hotp",
            counter: Some(get(e, "HmacOtp-Counter").parse().unwrap_or(0)),
            ..Fields::default()
        }
        .push_with_meta(out, i, meta);
        return;
    }
    let hex = hex_to_b32(get(e, "TimeOtp-Secret-Hex")).unwrap_or_default();
    let utf8 =
        Zeroizing::new(data_encoding::BASE32_NOPAD.encode(get(e, "TimeOtp-Secret").as_bytes()));
    let secret = [get(e, "TimeOtp-Secret-Base32"), hex.as_str(), utf8.as_str()]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or("");
    let algorithm = get(e, "TimeOtp-Algorithm").trim_start_matches("HMAC-");
    Fields {
        issuer: title,
        name: user,
        secret,
        algorithm,
        digits: get(e, "TimeOtp-Length").parse().ok(),
        period: get(e, "TimeOtp-Period").parse().ok(),
        ..Fields::default()
    }
    .push_with_meta(out, i, meta);
}

fn has_otp(e: &EntryRef<'_>) -> bool {
    [
        "otp",
        "TOTP Seed",
        "TimeOtp-Secret-Base32",
        "TimeOtp-Secret",
        "TimeOtp-Secret-Hex",
        "HmacOtp-Secret-Base32",
        "HmacOtp-Secret-Hex",
    ]
    .iter()
    .any(|k| !get(e, k).is_empty())
}

fn walk(db: &Database, g: GroupRef<'_>, out: &mut Parsed, n: &mut usize) {
    if db.meta.recyclebin_uuid == Some(g.id().uuid()) {
        return;
    }
    let groups = path(db, &g);
    let mut entries: Vec<EntryRef<'_>> = g.entries().filter(has_otp).collect();
    entries.sort_by(|a, b| get(a, "Title").cmp(get(b, "Title")));
    for e in entries {
        push_entry(out, *n, &e, groups.clone());
        *n += 1;
    }
    let mut children: Vec<GroupRef<'_>> = g.groups().collect();
    children.sort_by(|a, b| a.name.cmp(&b.name));
    for child in children {
        walk(db, child, out, n);
    }
}

impl Importer for Kdbx {
    fn id(&self) -> &'static str {
        "keepass"
    }
    fn name(&self) -> &'static str {
        "KeePass / KeePassXC"
    }
    fn files(&self) -> &'static str {
        ".kdbx database (versions 3 and 4; password only)"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Always
    }
    fn detect(&self, data: &[u8]) -> bool {
        data.starts_with(&SIG1) && data.get(4..8) == Some(&SIG2[..])
    }
    fn encrypted(&self, _data: &[u8]) -> bool {
        true
    }
    fn read(&self, data: &[u8], password: Option<&str>) -> Result<Parsed> {
        check_header(data)?;
        let password = password.ok_or(Error::PasswordNeeded)?;
        let key = DatabaseKey::new().with_password(password);
        // KDBX 4 checks the key with the header's HMAC (`Key`); KDBX 3 has no MAC, and a wrong
        // key shows as bad padding after AES-CBC (`Cryptography`) before its start-bytes check.
        let kdbx3 = data.get(10..12) == Some(&3u16.to_le_bytes()[..]);
        let db = Database::parse(data, key).map_err(|e| match e {
            keepass::db::DatabaseOpenError::Key(_) => Error::WrongPassword,
            keepass::db::DatabaseOpenError::Cryptography(_) if kdbx3 => Error::WrongPassword,
            e => malformed(e.to_string()),
        })?;
        let mut out = Parsed::default();
        let mut n = 0;
        walk(&db, db.root(), &mut out, &mut n);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/transfer/keepass/keepassxc.kdbx"
    ));
    const PASSWORD: &str = "correct horse battery staple 7";

    /// The signatures and version of a KDBX file, then one header field and the end field.
    fn header(major: u16, id: u8, value: &[u8]) -> Vec<u8> {
        let mut h = [SIG1, SIG2].concat();
        h.extend_from_slice(&1u16.to_le_bytes()); // minor
        h.extend_from_slice(&major.to_le_bytes());
        let len = |n: usize| -> Vec<u8> {
            if major == 3 {
                (n as u16).to_le_bytes().to_vec()
            } else {
                (n as u32).to_le_bytes().to_vec()
            }
        };
        h.push(id);
        h.extend(len(value.len()));
        h.extend_from_slice(value);
        h.push(0);
        h.extend(len(0));
        h
    }

    /// A KDBX 4 `KdfParameters` dictionary with one UInt64 entry.
    fn dictionary(key: &[u8], value: u64) -> Vec<u8> {
        let mut d = vec![0x00, 0x01, 0x05];
        d.extend_from_slice(&(key.len() as u32).to_le_bytes());
        d.extend_from_slice(key);
        d.extend_from_slice(&8u32.to_le_bytes());
        d.extend_from_slice(&value.to_le_bytes());
        d.push(0);
        d
    }

    #[test]
    fn reads_the_keepassxc_fixture_with_its_groups_and_notes() {
        assert!(Kdbx.detect(FIXTURE));
        let p = Kdbx.read(FIXTURE, Some(PASSWORD)).unwrap();
        assert!(p.accounts.len() >= 3, "{} accounts", p.accounts.len());
        assert!(
            (0..p.accounts.len()).any(|i| p.meta(i).is_some_and(|m| !m.groups.is_empty())),
            "groups kept"
        );
    }

    #[test]
    fn a_password_is_needed_and_a_wrong_one_is_named() {
        assert!(matches!(
            Kdbx.read(FIXTURE, None),
            Err(Error::PasswordNeeded)
        ));
        assert!(matches!(
            Kdbx.read(FIXTURE, Some("not the password")),
            Err(Error::WrongPassword)
        ));
    }

    #[test]
    fn key_derivations_over_the_bounds_are_refused_before_they_run() {
        let rounds = header(3, 6, &u64::MAX.to_le_bytes());
        assert!(Kdbx.detect(&rounds));
        assert!(matches!(
            Kdbx.read(&rounds, Some(PASSWORD)),
            Err(Error::KdfRefused(_))
        ));
        for (key, value) in [
            (&b"R"[..], MAX_AES_ROUNDS + 1),
            (b"M", MAX_ARGON2_BYTES + 1),
            (b"I", MAX_ARGON2_PASSES + 1),
            (b"P", MAX_ARGON2_LANES + 1),
        ] {
            let file = header(4, 11, &dictionary(key, value));
            assert!(
                matches!(Kdbx.read(&file, Some(PASSWORD)), Err(Error::KdfRefused(_))),
                "{}",
                String::from_utf8_lossy(key)
            );
        }
    }

    #[test]
    fn other_versions_and_cut_files_are_refused_with_why() {
        assert!(matches!(
            Kdbx.read(&header(5, 0, &[]), Some(PASSWORD)),
            Err(Error::Unsupported { .. })
        ));
        assert!(matches!(
            Kdbx.read(&FIXTURE[..11], Some(PASSWORD)),
            Err(Error::Malformed { .. })
        ));
        assert!(!Kdbx.detect(b"{\"db\": {}}"));
    }
}
