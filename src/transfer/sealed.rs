//! Sealed transfer QR (Monban to Monban): accounts encrypted under a one-time transfer code.
//!
//! The old device shows one or more QR codes and a transfer code (`7KQ2M-XD4PA`); the new
//! device scans the codes in any order and the user types the code. A photo of the screen
//! alone reveals nothing. The full format is in `docs/transfer-format.md`; in short:
//!
//! - **transfer code**: 10 characters of Crockford's Base32 (50 bits from the system RNG),
//!   shown as two groups of five; typing is forgiving (case, spaces, dashes, `O`→`0`,
//!   `I`/`L`→`1`).
//! - **key**: Argon2id(code, 16-byte random salt, m = 64 MiB, t = 3, p = 4) → 32 bytes, one
//!   run per export. The parameters travel in every part and are bounds-checked before the
//!   KDF runs.
//! - **part** = header ‖ XChaCha20-Poly1305(key, nonce, aad = header, accounts), header =
//!   `format ‖ batch id (4) ‖ index ‖ count ‖ m_kib (u32 LE) ‖ t ‖ p ‖ salt (16)`,
//!   nonce = `batch id ‖ index ‖ count ‖ 0…` (unique per part under a key that is unique per
//!   export). Each part decrypts on its own; parts come in any order.
//! - **accounts** (format 3): the secrets of the part's accounts, then one raw DEFLATE stream
//!   of the rest — code settings, issuers, names and groups, which repeat (`@gmail.com`, the
//!   same addresses, 6 digits every 30 s). Secrets never pass through the compressor: they are random (nothing to
//!   gain) and its buffers are not wiped. Formats 1 (no groups) and 2 (groups, uncompressed)
//!   are still read.
//! - **QR text**: `monban-transfer:3:` + Base45 (RFC 9285) of the part, so everything after
//!   the prefix fits QR alphanumeric mode (5.5 bits per character, against 8 for bytes and
//!   10.7 for Base64 in byte mode).
//! - **size**: accounts are packed greedily so that each QR stays at or below the version the
//!   caller gives ([`MAX_VERSION`] at [`EC_LEVEL`], chosen with the camera simulation of
//!   `benches/transfer.rs`); an account too big for that gets a part of its own.

use thiserror::Error;
use zeroize::Zeroizing;

use super::parts::PartError;
use super::{Parsed, Refused, crypto};
use crate::account::{Account, Algorithm, Kind, Secret};
use crate::qr::EcLevel;
use crate::vault::{Entry, MAX_GROUPS, ZeroizingWriter, normalise_groups};

/// Text prefix of every sealed transfer QR (what the scanner classifies on).
pub const PREFIX: &str = "monban-transfer:";
/// Format version written after the prefix and in the first header byte. Format 3 compresses
/// all but the secrets; formats 1 (no groups) and 2 (groups, uncompressed) are still read.
pub const VERSION: u8 = 3;
const TEXT_PREFIX: &str = "monban-transfer:3:";
/// Oldest version still read.
const OLDEST_VERSION: u8 = 1;
/// Error-correction level of sealed transfer QR codes: draw them with
/// `qr::encode_with(text, scale, sealed::EC_LEVEL)`. Chosen with [`MAX_VERSION`] by the camera
/// simulation of `benches/transfer.rs` (docs/performance.md, "Sealed transfer density").
pub const EC_LEVEL: EcLevel = EcLevel::L;
/// The largest QR version of a sealed part at [`EC_LEVEL`] (69×69 modules): the densest
/// setting Monban read in every simulated photo at 20–30 cm and at the margin distance 37.5 cm,
/// and zxing-cpp at 20–30 cm (benches/transfer.rs).
pub const MAX_VERSION: u8 = 13;
/// Most bytes the compressed details (all but the secrets) of one part may inflate to (a part holds
/// at most ~3 KB; this only stops a crafted part from inflating without bound).
const MAX_TEXT_BYTES: usize = 256 * 1024;
const HEADER_LEN: usize = 1 + 4 + 1 + 1 + 4 + 1 + 1 + 16;
const TAG_LEN: usize = 16;
/// Characters in a transfer code.
pub const CODE_LEN: usize = 10;
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Why a sealed transfer cannot be made or opened.
#[derive(Debug, Error, PartialEq, Eq, Clone)]
pub enum Error {
    #[error("not a Monban sealed transfer code (it should start with {PREFIX})")]
    NotSealed,
    #[error(
        "this sealed transfer was made by a newer Monban (format {0}); update Monban on this device"
    )]
    UnsupportedVersion(u8),
    #[error("the QR code's data is damaged: {0}")]
    Damaged(&'static str),
    #[error(
        "the transfer code must be {CODE_LEN} characters (letters and digits, e.g. 7KQ2M-XD4PA); got {0}"
    )]
    BadCode(usize),
    #[error("the transfer code has a character that cannot be in it: '{0}'")]
    BadCodeChar(char),
    #[error(
        "wrong transfer code, or the QR code was altered: type the code shown on the other device"
    )]
    WrongCode,
    #[error("the transfer asks for key-derivation settings Monban refuses: {0}")]
    KdfRefused(String),
    #[error(transparent)]
    Parts(#[from] PartError),
    #[error("cannot make the QR code text: {0}")]
    TooBig(String),
    #[error(
        "too many parts ({0}); a sealed transfer holds at most 255 QR codes: use a backup file"
    )]
    TooManyParts(usize),
    #[error("no random numbers available from the system: {0}")]
    Random(String),
    #[error("nothing to transfer: no accounts")]
    Empty,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Argon2id settings of a sealed transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    pub m_kib: u32,
    pub t: u8,
    pub p: u8,
}

impl KdfParams {
    /// RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes.
    pub const DEFAULT: KdfParams = KdfParams {
        m_kib: 64 * 1024,
        t: 3,
        p: 4,
    };
}

/// Bounds checked before the KDF runs on a scanned transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub min_m_kib: u32,
    pub max_m_kib: u32,
    pub min_t: u8,
    pub max_t: u8,
    pub max_p: u8,
}

impl Limits {
    /// What the app accepts: at least OWASP's floor (19 MiB, t = 2), at most 1 GiB, 10 passes.
    pub const DEFAULT: Limits = Limits {
        min_m_kib: 19 * 1024,
        max_m_kib: 1024 * 1024,
        min_t: 2,
        max_t: 10,
        max_p: 16,
    };
    /// No floor (for tests with light parameters); the memory ceiling stays.
    pub const NO_FLOOR: Limits = Limits {
        min_m_kib: 8,
        max_m_kib: 1024 * 1024,
        min_t: 1,
        max_t: 10,
        max_p: 16,
    };
    /// At most the fuzz seeds' light parameters (64 KiB, 1 pass, 1 lane): no fuzzer input
    /// can make Argon2 ask for more.
    pub const FUZZ: Limits = Limits {
        min_m_kib: 8,
        max_m_kib: 64,
        min_t: 1,
        max_t: 1,
        max_p: 1,
    };

    fn check(&self, k: KdfParams) -> Result<()> {
        if k.m_kib < self.min_m_kib || k.t < self.min_t {
            return Err(Error::KdfRefused(format!(
                "{} KiB, {} passes is below the floor (a downgraded transfer?)",
                k.m_kib, k.t
            )));
        }
        if k.m_kib > self.max_m_kib || k.t > self.max_t || k.p > self.max_p || k.p == 0 {
            return Err(Error::KdfRefused(format!(
                "{} KiB, {} passes, {} lanes is more than this device gives",
                k.m_kib, k.t, k.p
            )));
        }
        Ok(())
    }
}

/// A one-time transfer code: 10 Crockford Base32 characters (50 bits).
#[derive(Clone, PartialEq, Eq)]
pub struct TransferCode(Zeroizing<String>);

impl std::fmt::Debug for TransferCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TransferCode(<redacted>)")
    }
}

impl TransferCode {
    /// A fresh random code.
    pub fn generate() -> Result<Self> {
        let mut raw = Zeroizing::new([0u8; CODE_LEN]);
        getrandom::fill(&mut raw[..]).map_err(|e| Error::Random(e.to_string()))?;
        Ok(TransferCode(Zeroizing::new(
            raw.iter()
                .map(|b| CROCKFORD[(b & 31) as usize] as char)
                .collect(),
        )))
    }

    /// Reads a typed code: case, spaces and dashes ignored; `O`→`0`, `I`/`L`→`1`.
    pub fn parse(typed: &str) -> Result<Self> {
        let mut out = Zeroizing::new(String::with_capacity(CODE_LEN));
        for c in typed.chars() {
            let c = match c.to_ascii_uppercase() {
                ' ' | '-' | '\t' | '_' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c if c.is_ascii() && CROCKFORD.contains(&(c as u8)) => c,
                c => return Err(Error::BadCodeChar(c)),
            };
            out.push(c);
        }
        if out.len() != CODE_LEN {
            return Err(Error::BadCode(out.len()));
        }
        Ok(TransferCode(out))
    }

    /// The code as shown to the user: `7KQ2M-XD4PA`.
    pub fn display(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("{}-{}", &self.0[..5], &self.0[5..]))
    }

    fn key(&self, salt: &[u8], k: KdfParams) -> Result<crypto::Key> {
        crypto::argon2id(
            self.0.as_bytes(),
            salt,
            k.m_kib,
            u32::from(k.t),
            u32::from(k.p),
        )
        .map_err(Error::KdfRefused)
    }
}

// ------------------------------------------------------------------ Base45 (RFC 9285)

const B45: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// RFC 9285 Base45.
pub fn base45_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(2) * 3);
    for chunk in data.chunks(2) {
        let (mut n, digits) = match chunk {
            [a, b] => (u32::from(*a) * 256 + u32::from(*b), 3),
            [a] => (u32::from(*a), 2),
            _ => unreachable!("chunks(2) yields 1 or 2 bytes"),
        };
        for _ in 0..digits {
            out.push(B45[(n % 45) as usize] as char);
            n /= 45;
        }
    }
    out
}

/// RFC 9285 Base45 decoding; `None` for invalid input.
pub fn base45_decode(text: &str) -> Option<Vec<u8>> {
    let vals: Vec<u32> = text
        .bytes()
        .map(|c| B45.iter().position(|&b| b == c).map(|p| p as u32))
        .collect::<Option<_>>()?;
    let mut out = Vec::with_capacity(vals.len() / 3 * 2 + 1);
    for chunk in vals.chunks(3) {
        match *chunk {
            [c, d, e] => {
                let n = c + d * 45 + e * 45 * 45;
                if n > 0xFFFF {
                    return None;
                }
                out.extend_from_slice(&[(n >> 8) as u8, n as u8]);
            }
            [c, d] => {
                let n = c + d * 45;
                if n > 0xFF {
                    return None;
                }
                out.push(n as u8);
            }
            _ => return None,
        }
    }
    Some(out)
}

// ------------------------------------------------------------------ account encoding

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// What a sealed transfer carries of one entry: its account and its groups. Implemented for a
/// bare [`Account`] (no groups) and for a vault [`Entry`].
pub trait Sealable {
    fn account(&self) -> &Account;
    fn groups(&self) -> &[String];
}

impl Sealable for Account {
    fn account(&self) -> &Account {
        self
    }
    fn groups(&self) -> &[String] {
        &[]
    }
}

impl Sealable for Entry {
    fn account(&self) -> &Account {
        &self.account
    }
    fn groups(&self) -> &[String] {
        &self.meta.groups
    }
}

/// The secret of one account: `length ‖ bytes` (format 3 keeps secrets out of the
/// compressed stream).
fn put_secret(a: &Account, out: &mut ZeroizingWriter) {
    let mut len = Vec::with_capacity(2);
    put_varint(&mut len, a.secret.expose().len() as u64);
    out.push(&len);
    out.push(a.secret.expose());
}

/// Everything of one entry but its secret: `flags ‖ digits ‖ period ‖ counter ‖ issuer ‖
/// name ‖ group count ‖ groups` (format 2's record without the secret; format 3 compresses
/// it).
fn put_details(item: &impl Sealable, out: &mut Vec<u8>) {
    let a = item.account();
    let kind = match a.kind {
        Kind::Totp => 0,
        Kind::Hotp => 1,
        Kind::Steam => 2,
    };
    let alg = match a.algorithm {
        Algorithm::Sha1 => 0,
        Algorithm::Sha256 => 1,
        Algorithm::Sha512 => 2,
    };
    out.push(kind | (alg << 2));
    out.push(a.digits as u8);
    put_varint(out, a.period);
    put_varint(out, a.counter);
    put_bytes(out, a.issuer.as_bytes());
    put_bytes(out, a.name.as_bytes());
    let groups = &item.groups()[..item.groups().len().min(MAX_GROUPS)];
    put_varint(out, groups.len() as u64);
    for g in groups {
        put_bytes(out, g.as_bytes());
    }
}

/// Plaintext of a format-3 part: `count ‖ secret… ‖ DEFLATE(details…)` (see
/// docs/transfer-format.md).
fn encode_part<T: Sealable>(items: &[T]) -> Zeroizing<Vec<u8>> {
    // The secrets' buffer grows through the zeroizing writer: no copy of a secret is left in
    // freed memory when it reallocates.
    let mut out = ZeroizingWriter::with_capacity(16 + 48 * items.len());
    let mut count = Vec::new();
    put_varint(&mut count, items.len() as u64);
    out.push(&count);
    let mut details = Vec::new();
    for it in items {
        put_secret(it.account(), &mut out);
        put_details(it, &mut details);
    }
    out.push(&miniz_oxide::deflate::compress_to_vec(&details, 10));
    out.0
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn byte(&mut self) -> Option<u8> {
        let v = *self.b.get(self.pos)?;
        self.pos += 1;
        Some(v)
    }
    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for i in 0..10 {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.varint()?).ok()?;
        let end = self.pos.checked_add(n)?;
        let s = self.b.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
}

/// Reads the groups list of a format 2 or 3 entry (bounded: a count above [`MAX_GROUPS`] is
/// damage).
fn decode_groups(c: &mut Cursor<'_>) -> Option<Vec<String>> {
    let n = usize::try_from(c.varint()?).ok()?;
    if n > MAX_GROUPS {
        return None;
    }
    (0..n)
        .map(|_| Some(String::from_utf8_lossy(c.bytes()?).into_owned()))
        .collect()
}

/// An account's code settings: `flags ‖ digits ‖ period ‖ counter` in every format.
struct Code {
    flags: u8,
    digits: u8,
    period: u64,
    counter: u64,
}

impl Code {
    fn read(c: &mut Cursor<'_>) -> Option<Self> {
        Some(Code {
            flags: c.byte()?,
            digits: c.byte()?,
            period: c.varint()?,
            counter: c.varint()?,
        })
    }
}

/// What one decrypted part held: the accounts (and refused entries) and, in step with the
/// accounts, each one's groups.
#[derive(Default)]
struct Decoded {
    parsed: Parsed,
    groups: Vec<Vec<String>>,
    entries: usize,
}

impl Decoded {
    /// Adds entry `self.entries` of the part: an account if its settings are known and valid.
    fn push(&mut self, s: &Code, secret: &[u8], issuer: &[u8], name: &[u8], groups: Vec<String>) {
        let n = self.entries;
        self.entries += 1;
        let issuer = String::from_utf8_lossy(issuer).into_owned();
        let name = String::from_utf8_lossy(name).into_owned();
        let kind = match s.flags & 3 {
            0 => Some(Kind::Totp),
            1 => Some(Kind::Hotp),
            2 => Some(Kind::Steam),
            _ => None,
        };
        let algorithm = match s.flags >> 2 {
            0 => Some(Algorithm::Sha1),
            1 => Some(Algorithm::Sha256),
            2 => Some(Algorithm::Sha512),
            _ => None,
        };
        let (Some(kind), Some(algorithm)) = (kind, algorithm) else {
            self.parsed.refused.push(Refused::new(
                super::loose_label(&issuer, &name, n),
                "unknown code type or algorithm (made by a newer Monban?)",
            ));
            return;
        };
        let a = Account {
            issuer,
            name,
            secret: Secret::new(secret.to_vec()),
            kind,
            algorithm,
            digits: u32::from(s.digits),
            period: s.period,
            counter: s.counter,
        };
        let before = self.parsed.accounts.len();
        self.parsed.push_checked(a);
        if self.parsed.accounts.len() > before {
            self.groups.push(normalise_groups(groups));
        }
    }

    /// Entry `self.entries` and everything after it in part `part` cannot be read.
    fn damaged(mut self, part: usize) -> Self {
        self.parsed.refused.push(Refused::new(
            format!("part {} entry {}", part + 1, self.entries + 1),
            "damaged entry",
        ));
        self
    }
}

/// The accounts of one decrypted part of format `version`.
fn decode_accounts(plain: &[u8], part: usize, version: u8) -> Decoded {
    match version {
        1 | 2 => decode_uncompressed(plain, part, version == 2),
        _ => decode_compressed(plain, part),
    }
}

/// Formats 1 and 2: `(flags ‖ digits ‖ period ‖ counter ‖ secret ‖ issuer ‖ name [‖ group
/// count ‖ groups])…`, uncompressed.
fn decode_uncompressed(plain: &[u8], part: usize, with_groups: bool) -> Decoded {
    let mut out = Decoded::default();
    let mut c = Cursor { b: plain, pos: 0 };
    while c.pos < plain.len() {
        let Some((code, secret, issuer, name, groups)) = (|| {
            Some((
                Code::read(&mut c)?,
                c.bytes()?,
                c.bytes()?,
                c.bytes()?,
                if with_groups {
                    decode_groups(&mut c)?
                } else {
                    Vec::new()
                },
            ))
        })() else {
            return out.damaged(part);
        };
        out.push(&code, secret, issuer, name, groups);
    }
    out
}

/// Format 3 (see [`encode_part`]).
fn decode_compressed(plain: &[u8], part: usize) -> Decoded {
    let mut out = Decoded::default();
    let mut c = Cursor { b: plain, pos: 0 };
    // Every account takes at least a byte of secret length: a larger count is damage, not an
    // allocation.
    let Some(count) = c
        .varint()
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n <= plain.len())
    else {
        return out.damaged(part);
    };
    let mut secrets = Vec::with_capacity(count);
    for _ in 0..count {
        match c.bytes() {
            Some(s) => secrets.push(s),
            None => return out.damaged(part),
        }
    }
    let Ok(details) =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&plain[c.pos..], MAX_TEXT_BYTES)
    else {
        return out.damaged(part);
    };
    let details = Zeroizing::new(details);
    let mut t = Cursor {
        b: &details,
        pos: 0,
    };
    for secret in secrets {
        let Some((code, issuer, name, groups)) = (|| {
            Some((
                Code::read(&mut t)?,
                t.bytes()?,
                t.bytes()?,
                decode_groups(&mut t)?,
            ))
        })() else {
            return out.damaged(part);
        };
        out.push(&code, secret, issuer, name, groups);
    }
    out
}

// ------------------------------------------------------------------ parts

/// One scanned sealed part (not yet decrypted).
#[derive(Clone, PartialEq, Eq)]
pub struct Part {
    header: [u8; HEADER_LEN],
    body: Vec<u8>,
}

impl std::fmt::Debug for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Part({} of {}, batch {:08x})",
            self.index() + 1,
            self.count(),
            self.batch_id()
        )
    }
}

impl Part {
    pub fn batch_id(&self) -> u32 {
        u32::from_le_bytes(self.header[1..5].try_into().expect("4 bytes"))
    }
    /// 0-based index.
    pub fn index(&self) -> usize {
        usize::from(self.header[5])
    }
    pub fn count(&self) -> usize {
        usize::from(self.header[6])
    }
    pub fn kdf(&self) -> KdfParams {
        KdfParams {
            m_kib: u32::from_le_bytes(self.header[7..11].try_into().expect("4 bytes")),
            t: self.header[11],
            p: self.header[12],
        }
    }
    fn salt(&self) -> &[u8] {
        &self.header[13..29]
    }
    fn nonce(&self) -> [u8; 24] {
        let mut n = [0u8; 24];
        n[..6].copy_from_slice(&self.header[1..7]);
        n
    }
}

/// True when `text` is a sealed transfer QR payload.
pub fn is_sealed(text: &str) -> bool {
    text.trim_start().starts_with(PREFIX)
}

/// Reads a scanned QR text into a part (no key needed).
pub fn parse_part(text: &str) -> Result<Part> {
    let rest = text.trim().strip_prefix(PREFIX).ok_or(Error::NotSealed)?;
    let (ver, data) = rest.split_once(':').ok_or(Error::Damaged("no version"))?;
    let ver: u8 = ver.parse().map_err(|_| Error::Damaged("bad version"))?;
    if !(OLDEST_VERSION..=VERSION).contains(&ver) {
        return Err(Error::UnsupportedVersion(ver));
    }
    let bytes = base45_decode(data).ok_or(Error::Damaged("not Base45"))?;
    if bytes.len() < HEADER_LEN + TAG_LEN {
        return Err(Error::Damaged("too short"));
    }
    if bytes[0] != ver {
        return Err(Error::UnsupportedVersion(bytes[0]));
    }
    let header: [u8; HEADER_LEN] = bytes[..HEADER_LEN].try_into().expect("length checked");
    let part = Part {
        header,
        body: bytes[HEADER_LEN..].to_vec(),
    };
    if part.count() == 0 || part.index() >= part.count() {
        return Err(Error::Damaged("part number out of range"));
    }
    Ok(part)
}

/// A decrypted sealed transfer: the accounts (and refused entries) and, in step with
/// `parsed.accounts`, each account's groups.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Opened {
    pub parsed: Parsed,
    pub groups: Vec<Vec<String>>,
}

/// Decrypts parts of one export (any order, a subset allowed: each part stands alone).
/// Runs the KDF once. The caller collects parts with [`super::Assembler`] to report missing
/// ones; this checks they belong together. The accounts only; [`open_entries`] keeps groups.
pub fn open(parts: &[Part], code: &TransferCode, limits: &Limits) -> Result<Parsed> {
    open_entries(parts, code, limits).map(|o| o.parsed)
}

/// [`open`], keeping each account's groups.
pub fn open_entries(parts: &[Part], code: &TransferCode, limits: &Limits) -> Result<Opened> {
    let first = parts.first().ok_or(Error::Empty)?;
    let mut asm = super::Assembler::new();
    for p in parts {
        asm.add(u64::from(p.batch_id()), p.index(), p.count(), ())?;
        if p.kdf() != first.kdf() || p.salt() != first.salt() {
            return Err(Error::Damaged("the parts disagree on their key settings"));
        }
    }
    limits.check(first.kdf())?;
    if parts.iter().any(|p| p.header[0] != first.header[0]) {
        return Err(Error::Damaged("the parts disagree on their format version"));
    }
    let key = code.key(first.salt(), first.kdf())?;
    let mut out = Opened::default();
    let mut sorted: Vec<&Part> = parts.iter().collect();
    sorted.sort_by_key(|p| p.index());
    // The same part scanned twice is fine; two different parts claiming one number means one
    // was altered (its number is authenticated, so it would otherwise be dropped unnoticed).
    for pair in sorted.windows(2) {
        if pair[0].index() == pair[1].index()
            && (pair[0].header != pair[1].header || pair[0].body != pair[1].body)
        {
            return Err(Error::Damaged(
                "two different parts carry the same part number",
            ));
        }
    }
    sorted.dedup_by_key(|p| p.index());
    for p in sorted {
        let plain = crypto::xchacha_open(&key, &p.nonce(), &p.header, &p.body)
            .map_err(|_| Error::WrongCode)?;
        let plain = Zeroizing::new(plain);
        let d = decode_accounts(&plain, p.index(), p.header[0]);
        out.parsed.extend(d.parsed);
        out.groups.extend(d.groups);
    }
    Ok(out)
}

/// A sealed export: the QR texts (one per part) and the QR version each needs.
pub struct Sealed {
    pub texts: Vec<String>,
    pub versions: Vec<u8>,
}

/// The QR version (at [`EC_LEVEL`]) of a part whose plaintext is `len` bytes.
fn version_for_plain_len(len: usize) -> Option<u8> {
    let n = HEADER_LEN + len + TAG_LEN;
    // 'A' is in the alphanumeric set but not numeric, like most Base45 output.
    let text = format!("{TEXT_PREFIX}{}", "A".repeat(n / 2 * 3 + (n % 2) * 2));
    crate::qr::version_for_ec(&text, EC_LEVEL)
}

/// Splits the accounts, in order, into part plaintexts that each fit `max_version`. The
/// compressed size is not a sum of the accounts' sizes, so each candidate part is encoded
/// whole (a few hundred bytes, a few dozen times per part).
fn pack<T: Sealable>(accounts: &[T], max_version: u8) -> Result<Vec<Zeroizing<Vec<u8>>>> {
    let fits = |plain: &[u8]| version_for_plain_len(plain.len()).is_some_and(|v| v <= max_version);
    let mut parts = Vec::new();
    let mut start = 0;
    let mut current: Option<Zeroizing<Vec<u8>>> = None;
    for i in 0..accounts.len() {
        let with = encode_part(&accounts[start..=i]);
        if i == start || fits(&with) {
            if i == start && version_for_plain_len(with.len()).is_none() {
                return Err(too_big(accounts[i].account()));
            }
            current = Some(with);
            continue;
        }
        parts.extend(current.take());
        start = i;
        let alone = encode_part(&accounts[i..=i]);
        if version_for_plain_len(alone.len()).is_none() {
            return Err(too_big(accounts[i].account()));
        }
        current = Some(alone);
    }
    parts.extend(current);
    Ok(parts)
}

fn too_big(a: &Account) -> Error {
    Error::TooBig(format!(
        "the account {} is too large for a QR code",
        super::label(a)
    ))
}

/// Seals `accounts` (bare accounts or vault entries with their groups) under `code`, with parts
/// no bigger than QR version `max_version` (except an account that alone needs more).
pub fn seal<T: Sealable>(
    accounts: &[T],
    code: &TransferCode,
    kdf: KdfParams,
    max_version: u8,
) -> Result<Sealed> {
    if accounts.is_empty() {
        return Err(Error::Empty);
    }
    let plains = pack(accounts, max_version)?;
    if plains.len() > 255 {
        return Err(Error::TooManyParts(plains.len()));
    }
    let mut rnd = [0u8; 20];
    getrandom::fill(&mut rnd).map_err(|e| Error::Random(e.to_string()))?;
    let (batch, salt) = (&rnd[..4], &rnd[4..]);
    let key = code.key(salt, kdf)?;
    let mut texts = Vec::new();
    let mut versions = Vec::new();
    for (i, plain) in plains.iter().enumerate() {
        let mut header = [0u8; HEADER_LEN];
        header[0] = VERSION;
        header[1..5].copy_from_slice(batch);
        header[5] = i as u8;
        header[6] = plains.len() as u8;
        header[7..11].copy_from_slice(&kdf.m_kib.to_le_bytes());
        header[11] = kdf.t;
        header[12] = kdf.p;
        header[13..29].copy_from_slice(salt);
        let part = Part {
            header,
            body: Vec::new(),
        };
        let body = crypto::xchacha_seal(&key, &part.nonce(), &header, plain);
        let mut bytes = header.to_vec();
        bytes.extend_from_slice(&body);
        let text = format!("{TEXT_PREFIX}{}", base45_encode(&bytes));
        versions.push(
            crate::qr::version_for_ec(&text, EC_LEVEL)
                .ok_or_else(|| Error::TooBig("part does not fit a QR code".into()))?,
        );
        texts.push(text);
    }
    Ok(Sealed { texts, versions })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LIGHT: KdfParams = KdfParams {
        m_kib: 64,
        t: 1,
        p: 1,
    };

    fn accounts(n: usize) -> Vec<Account> {
        (0..n)
            .map(|i| {
                let mut a = Account::totp(
                    format!("Service {i}"),
                    format!("user{i}@example.com"),
                    Secret::new(vec![i as u8 + 1; 20]),
                );
                if i % 3 == 1 {
                    a.kind = Kind::Hotp;
                    a.counter = i as u64 * 1000;
                    a.algorithm = Algorithm::Sha256;
                }
                if i % 7 == 3 {
                    a.period = 60;
                    a.digits = 8;
                }
                if i % 5 == 2 {
                    a = Account {
                        kind: Kind::Steam,
                        digits: 5,
                        ..Account::totp("Steam", a.name.clone(), a.secret.clone())
                    };
                }
                a
            })
            .collect()
    }

    #[test]
    fn base45_rfc9285_examples() {
        assert_eq!(base45_encode(b"AB"), "BB8");
        assert_eq!(base45_encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(base45_encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(base45_decode("QED8WEX0").unwrap(), b"ietf!");
        assert_eq!(base45_decode("GGW"), None); // 65535 < n: invalid
        assert_eq!(base45_decode("a"), None);
    }

    #[test]
    fn code_typing_is_forgiving_and_strict_on_length() {
        let c = TransferCode::parse("7kq2m-xd4pa").unwrap();
        assert_eq!(&*c.display(), "7KQ2M-XD4PA");
        assert_eq!(
            TransferCode::parse("OIL23 45678").unwrap(),
            TransferCode::parse("01123-45678").unwrap()
        );
        assert_eq!(TransferCode::parse("7KQ2M-XD4P"), Err(Error::BadCode(9)));
        assert_eq!(
            TransferCode::parse("7KQ2M-XD4PU"),
            Err(Error::BadCodeChar('U'))
        );
        let g = TransferCode::generate().unwrap();
        assert_eq!(TransferCode::parse(&g.display()).unwrap(), g);
        assert!(!format!("{g:?}").contains(&g.display()[..5]));
    }

    #[test]
    fn round_trip_in_any_order_with_small_qr_versions() {
        let all = accounts(23);
        let code = TransferCode::generate().unwrap();
        let sealed = seal(&all, &code, LIGHT, 10).unwrap();
        assert!(sealed.texts.len() > 1);
        assert!(
            sealed.versions.iter().all(|v| *v <= 10),
            "{:?}",
            sealed.versions
        );
        let mut parts: Vec<Part> = sealed
            .texts
            .iter()
            .map(|t| parse_part(t).unwrap())
            .collect();
        parts.reverse();
        let back = open(&parts, &code, &Limits::NO_FLOOR).unwrap();
        assert_eq!(back.accounts, all);
        assert!(back.refused.is_empty());
        // a subset opens too (each part stands alone)
        let one = open(&parts[..1], &code, &Limits::NO_FLOOR).unwrap();
        assert!(!one.accounts.is_empty());
    }

    #[test]
    fn wrong_code_tamper_and_foreign_parts_fail() {
        let all = accounts(8);
        let code = TransferCode::generate().unwrap();
        let s = seal(&all, &code, LIGHT, 6).unwrap();
        let parts: Vec<Part> = s.texts.iter().map(|t| parse_part(t).unwrap()).collect();
        let other = TransferCode::parse("00000-00000").unwrap();
        assert_eq!(
            open(&parts, &other, &Limits::NO_FLOOR),
            Err(Error::WrongCode)
        );
        let mut bad = parts.clone();
        bad[0].body[3] ^= 1;
        assert_eq!(open(&bad, &code, &Limits::NO_FLOOR), Err(Error::WrongCode));
        let mut bad = parts.clone();
        bad[0].header[12] = 2; // p changed: header is authenticated
        assert!(open(&bad, &code, &Limits::NO_FLOOR).is_err());
        let s2 = seal(&all, &code, LIGHT, 6).unwrap();
        let mut mixed = parts.clone();
        mixed.push(parse_part(&s2.texts[0]).unwrap());
        assert!(matches!(
            open(&mixed, &code, &Limits::NO_FLOOR),
            Err(Error::Parts(PartError::OtherBatch { .. })) | Err(Error::Damaged(_))
        ));
        // light parameters are refused by the default limits before any KDF run
        assert!(matches!(
            open(&parts, &code, &Limits::DEFAULT),
            Err(Error::KdfRefused(_))
        ));
    }

    #[test]
    fn the_qr_text_reveals_no_secret() {
        let all = accounts(3);
        let code = TransferCode::generate().unwrap();
        let s = seal(&all, &code, LIGHT, 10).unwrap();
        for t in &s.texts {
            let bytes = base45_decode(t.strip_prefix(TEXT_PREFIX).unwrap()).unwrap();
            for a in &all {
                assert!(
                    !bytes
                        .windows(a.secret.len())
                        .any(|w| w == a.secret.expose())
                );
                assert!(
                    !t.contains(&a.issuer)
                        && !bytes.windows(a.name.len()).any(|w| w == a.name.as_bytes())
                );
                assert!(!t.contains(&*a.secret.to_base32()));
            }
        }
    }

    fn entries(n: usize) -> Vec<Entry> {
        accounts(n)
            .into_iter()
            .enumerate()
            .map(|(i, account)| {
                let mut meta = crate::vault::EntryMeta::new_for(&account, 0);
                meta.groups = match i % 3 {
                    0 => vec![],
                    1 => vec!["Work".into()],
                    _ => vec!["Work".into(), "家族".into()],
                };
                Entry {
                    id: crate::vault::EntryId(i as u64),
                    account,
                    meta,
                }
            })
            .collect()
    }

    #[test]
    fn groups_travel_with_their_accounts() {
        let all = entries(12);
        let code = TransferCode::generate().unwrap();
        let s = seal(&all, &code, LIGHT, 8).unwrap();
        assert!(s.texts.len() > 1 && s.texts.iter().all(|t| t.starts_with(TEXT_PREFIX)));
        let mut parts: Vec<Part> = s.texts.iter().map(|t| parse_part(t).unwrap()).collect();
        parts.reverse();
        let back = open_entries(&parts, &code, &Limits::NO_FLOOR).unwrap();
        let want: Vec<&Account> = all.iter().map(|e| &e.account).collect();
        assert_eq!(back.parsed.accounts.iter().collect::<Vec<_>>(), want);
        let groups: Vec<Vec<String>> = all.iter().map(|e| e.meta.groups.clone()).collect();
        assert_eq!(back.groups, groups);
    }

    /// The transfer code of the fixtures `tests/fixtures/transfer/sealed-format-{1,2}.txt`:
    /// parts written by Monban before format 3 (format 2 by its `seal`, format 1 by the writer
    /// of before groups existed), `accounts(4)` and `entries(12)` of this module, at [`LIGHT`].
    const FIXTURE_CODE: &str = "7KQ2M-XD4PA";

    fn fixture_parts(format: u8) -> Vec<Part> {
        let text = match format {
            1 => include_str!("../../tests/fixtures/transfer/sealed-format-1.txt"),
            _ => include_str!("../../tests/fixtures/transfer/sealed-format-2.txt"),
        };
        let mut parts: Vec<Part> = text.lines().map(|l| parse_part(l).unwrap()).collect();
        assert!(parts.iter().all(|p| p.header[0] == format));
        parts.reverse();
        parts
    }

    #[test]
    fn parts_of_formats_1_and_2_still_open() {
        let code = TransferCode::parse(FIXTURE_CODE).unwrap();
        let back = open_entries(&fixture_parts(1), &code, &Limits::NO_FLOOR).unwrap();
        assert_eq!(back.parsed.accounts, accounts(4));
        assert_eq!(back.groups, vec![Vec::<String>::new(); 4]);
        assert!(back.parsed.refused.is_empty());

        let parts = fixture_parts(2);
        assert!(parts.len() > 1, "several parts, read in reverse order");
        let back = open_entries(&parts, &code, &Limits::NO_FLOOR).unwrap();
        let all = entries(12);
        let want: Vec<&Account> = all.iter().map(|e| &e.account).collect();
        assert_eq!(back.parsed.accounts.iter().collect::<Vec<_>>(), want);
        let groups: Vec<Vec<String>> = all.iter().map(|e| e.meta.groups.clone()).collect();
        assert_eq!(back.groups, groups);

        // one export never mixes formats: a part of another format is damage
        let mut mixed = fixture_parts(2);
        mixed.extend(fixture_parts(1));
        assert!(open_entries(&mixed, &code, &Limits::NO_FLOOR).is_err());
    }

    #[test]
    fn newer_formats_are_refused_with_a_reason() {
        assert_eq!(
            parse_part("monban-transfer:4:AAAA"),
            Err(Error::UnsupportedVersion(4))
        );
        let s = seal(&accounts(1), &TransferCode::generate().unwrap(), LIGHT, 10).unwrap();
        assert!(s.texts[0].starts_with("monban-transfer:3:"));
        // the header's format must agree with the text's
        let mut bytes = base45_decode(s.texts[0].strip_prefix(TEXT_PREFIX).unwrap()).unwrap();
        bytes[0] = 4;
        let text = format!("{TEXT_PREFIX}{}", base45_encode(&bytes));
        assert_eq!(parse_part(&text), Err(Error::UnsupportedVersion(4)));
    }

    /// Typical accounts of one person: a few addresses, popular issuers, 20-byte keys.
    fn typical(n: usize) -> Vec<Account> {
        const ISSUERS: [&str; 8] = [
            "Google",
            "GitHub",
            "Microsoft",
            "Dropbox",
            "Amazon",
            "Discord",
            "PayPal",
            "Proton",
        ];
        const NAMES: [&str; 3] = [
            "alice.johnson@gmail.com",
            "alice@northwind.example",
            "alicej",
        ];
        (0..n)
            .map(|i| {
                Account::totp(
                    format!("{} {}", ISSUERS[i % 8], i / 8 + 1),
                    NAMES[i % 3],
                    Secret::new((0..20).map(|b| (b * 37 + i * 11 + 5) as u8).collect()),
                )
            })
            .collect()
    }

    #[test]
    fn compression_shrinks_what_repeats_and_packing_fills_the_chosen_version() {
        let all = typical(100);
        let plain = encode_part(&all);
        let uncompressed: usize = all
            .iter()
            .map(|a| {
                let mut w = ZeroizingWriter::with_capacity(64);
                let mut t = Vec::new();
                put_secret(a, &mut w);
                put_details(a, &mut t);
                w.0.len() + t.len()
            })
            .sum();
        assert!(
            plain.len() * 10 < uncompressed * 8,
            "format 3: {} bytes, uncompressed {uncompressed}",
            plain.len()
        );
        // greedy: every part but the last is full (the next account would not fit)
        let plains = pack(&all, MAX_VERSION).unwrap();
        let mut start = 0;
        for p in &plains[..plains.len() - 1] {
            let n = Cursor { b: p, pos: 0 }.varint().unwrap() as usize;
            let more = encode_part(&all[start..=start + n]);
            assert!(version_for_plain_len(more.len()).unwrap() > MAX_VERSION);
            start += n;
        }
        let code = TransferCode::generate().unwrap();
        let s = seal(&all, &code, LIGHT, MAX_VERSION).unwrap();
        assert_eq!(s.texts.len(), plains.len());
        assert!(
            s.versions.iter().all(|v| *v <= MAX_VERSION),
            "{:?}",
            s.versions
        );
        for t in &s.texts {
            assert_eq!(
                crate::qr::encode_with(t, 1, EC_LEVEL).unwrap().version,
                crate::qr::version_for_ec(t, EC_LEVEL).unwrap()
            );
        }
        let parts: Vec<Part> = s.texts.iter().map(|t| parse_part(t).unwrap()).collect();
        assert_eq!(
            open(&parts, &code, &Limits::NO_FLOOR).unwrap().accounts,
            all
        );
    }

    /// A format-3 plaintext of the first of `accounts(1)`'s secret, whose compressed details
    /// are `details`.
    fn crafted(details: &[u8]) -> Vec<u8> {
        let mut w = ZeroizingWriter::with_capacity(64);
        w.push(&[1]);
        put_secret(&accounts(1)[0], &mut w);
        w.push(&miniz_oxide::deflate::compress_to_vec(details, 6));
        w.0.to_vec()
    }

    #[test]
    fn crafted_counts_and_inflation_bombs_are_damage_not_huge_allocations() {
        // a group count of u64::MAX, uncompressed (format 2) and compressed (format 3)
        let (code, names) = ([0u8, 6, 30, 0], b"\x06Issuer\x04name");
        let mut details = [&code[..], names].concat();
        put_varint(&mut details, u64::MAX);
        let mut v2 = [&code[..], &[3, 1, 2, 3], names].concat();
        put_varint(&mut v2, u64::MAX);
        for d in [
            decode_accounts(&v2, 0, 2),
            decode_accounts(&crafted(&details), 0, 3),
        ] {
            assert!(d.parsed.accounts.is_empty() && d.groups.is_empty());
            assert_eq!(d.parsed.refused.len(), 1);
        }
        // an account count far beyond what the part holds
        let mut huge = Vec::new();
        put_varint(&mut huge, u64::MAX);
        assert_eq!(decode_accounts(&huge, 0, 3).parsed.refused.len(), 1);
        // a text that inflates beyond the cap
        let bomb = crafted(&vec![b'a'; MAX_TEXT_BYTES + 1]);
        assert!(bomb.len() < 4096);
        let d = decode_accounts(&bomb, 0, 3);
        assert!(d.parsed.accounts.is_empty());
        assert_eq!(d.parsed.refused[0].why, "damaged entry");
        // the same account with a sound text reads
        let mut good = Vec::new();
        put_details(&accounts(1)[0], &mut good);
        assert_eq!(
            decode_accounts(&crafted(&good), 0, 3).parsed.accounts,
            accounts(1)
        );
    }

    proptest! {
        #[test]
        fn base45_round_trips(data in proptest::collection::vec(any::<u8>(), 0..100)) {
            prop_assert_eq!(base45_decode(&base45_encode(&data)).unwrap(), data);
        }
        #[test]
        fn parse_never_panics(s in ".{0,120}") {
            let _ = parse_part(&format!("{TEXT_PREFIX}{s}"));
            let _ = base45_decode(&s);
            let _ = TransferCode::parse(&s);
        }
        #[test]
        fn decode_never_panics(data in proptest::collection::vec(any::<u8>(), 0..200)) {
            for format in 1..=3 {
                let _ = decode_accounts(&data, 0, format);
            }
        }
        #[test]
        fn format_3_round_trips_any_text(
            issuer in ".{0,40}",
            name in ".{0,40}",
            groups in proptest::collection::vec("[a-zA-Z0-9 ]{1,12}", 0..4),
        ) {
            let a = Account::totp(issuer, name, Secret::new(vec![9; 20]));
            let mut meta = crate::vault::EntryMeta::new_for(&a, 0);
            meta.groups = normalise_groups(groups);
            let e = Entry { id: crate::vault::EntryId(1), account: a.clone(), meta };
            let d = decode_accounts(&encode_part(std::slice::from_ref(&e)), 0, 3);
            prop_assert_eq!(d.parsed.accounts, vec![a]);
            prop_assert_eq!(d.groups, vec![e.meta.groups.clone()]);
        }
    }
}
