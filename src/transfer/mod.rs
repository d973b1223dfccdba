//! Moving accounts in and out of Monban: transfer QR codes, backups and other apps' exports.
//!
//! - [`google`]: Google Authenticator's `otpauth-migration://` transfer QR, both ways
//!   (plaintext: anyone who photographs it owns the accounts).
//! - [`sealed`]: Monban's own sealed transfer QR (`monban-transfer:`), encrypted with a
//!   one-time transfer code (Argon2id + XChaCha20-Poly1305).
//! - [`backup`]: the whole vault in one file encrypted with a backup password, and the
//!   restore drill (entry count + fingerprint, nothing imported).
//! - [`paper`]: a printable page (PNG or PDF) with each account's QR code.
//! - Importers of other authenticators' export files, one module each, behind the small
//!   [`Importer`] trait and the sorted [`IMPORTERS`] registry: [`uri_list`], [`aegis`],
//!   [`twofas`], [`andotp`], [`bitwarden`], [`freeotp`], [`ente`].
//!
//! Every import yields [`Parsed`]: the accounts read plus the entries **refused with why**.
//! One bad entry never sinks an import. Merging into a set of accounts ([`merge`]) skips
//! duplicates (same secret, issuer and name) and counts them.
//!
//! Nothing here touches the vault file, the clock or the network: callers pass in accounts,
//! bytes, passwords and times.

pub mod aegis;
pub mod andotp;
pub mod authplus;
pub mod authy;
pub mod backup;
pub mod battlenet;
pub mod bitwarden;
mod crypto;
pub mod duo;
pub mod ente;
pub mod freeotp;
pub mod freeotp_xml;
pub mod google;
pub mod google_db;
pub mod kdbx;
pub mod lastpass;
pub mod microsoft;
pub mod paper;
mod parts;
pub mod payload;
pub mod picture;
mod prefs;
pub mod proto;
pub mod proton;
pub mod proton_pass;
pub mod raivo;
pub mod sealed;
pub mod session;
mod sqlite;
pub mod steam;
pub mod stratum;
pub mod totp_authenticator;
pub mod twofas;
pub mod uri_list;
mod zipped;

use std::fmt;

use thiserror::Error;
use zeroize::Zeroizing;

use crate::account::Account;

pub use parts::{Assembler, PartError, Progress};

/// Why an import or export failed as a whole. Per-entry problems are [`Refused`] instead.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum Error {
    #[error("the file is encrypted: a password is needed")]
    PasswordNeeded,
    #[error("wrong password, or the file was changed after it was written")]
    WrongPassword,
    #[error("damaged {format} file: {why}")]
    Malformed { format: &'static str, why: String },
    #[error("unsupported {format} file: {why}")]
    Unsupported { format: &'static str, why: String },
    #[error("the file asks for key-derivation settings Monban refuses: {0}")]
    KdfRefused(String),
    #[error("cannot tell what kind of file this is; name it with --format ({0})")]
    UnknownFormat(String),
    #[error("unknown format \"{0}\"")]
    UnknownFormatName(String),
    #[error("nothing to export: the vault has no accounts")]
    NothingToExport,
    #[error("cannot make a QR code: {0}")]
    Qr(String),
    #[error("no random numbers available from the system: {0}")]
    Random(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One entry an import or export left out, and why. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// How a person recognises the entry ("GitHub (alice)", "entry 3").
    pub what: String,
    /// Why it was left out, in words the user can act on.
    pub why: String,
}

impl Refused {
    pub fn new(what: impl Into<String>, why: impl Into<String>) -> Self {
        Refused {
            what: what.into(),
            why: why.into(),
        }
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.what, self.why)
    }
}

/// Display metadata an export carries beside an account: what Monban keeps of it. Every
/// field is optional; the vault fills in its own defaults (letter icon, issuer colour).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Meta {
    /// The icon: a PNG (other raster images are converted by [`picture::icon_png`]; vector
    /// icons are left out) or, from a Monban backup, a built-in icon.
    pub icon: Option<crate::vault::Icon>,
    /// 0xRRGGBB.
    pub colour: Option<u32>,
    pub note: String,
    pub favourite: bool,
    /// Groups / tags / folders, in the source's order.
    pub groups: Vec<String>,
    /// Position in the source app's list, 0-based.
    pub order: Option<u32>,
    /// Unix seconds when a code was last used.
    pub last_used: Option<u64>,
    /// How many times a code was used (Monban backups).
    pub use_count: u64,
    /// Unix seconds when the entry was created (Monban backups).
    pub created: Option<u64>,
}

/// What a reader got out of a file or QR code: the accounts, the metadata the format carried
/// for them, and the refused entries.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The accounts, in the source's order. Append only (use [`Parsed::push_with`] to add
    /// one with metadata): metadata is kept by position.
    pub accounts: Vec<Account>,
    pub refused: Vec<Refused>,
    /// `accounts[i]`'s metadata, for the accounts whose format carried any.
    meta: std::collections::BTreeMap<usize, Meta>,
}

impl Parsed {
    /// Appends another result.
    pub fn extend(&mut self, other: Parsed) {
        let offset = self.accounts.len();
        self.accounts.extend(other.accounts);
        self.refused.extend(other.refused);
        self.meta
            .extend(other.meta.into_iter().map(|(i, m)| (i + offset, m)));
    }

    /// Adds an account with the metadata its format carried (unchecked: see
    /// [`Parsed::push_checked`]).
    pub fn push_with(&mut self, account: Account, meta: Meta) {
        if meta != Meta::default() {
            self.meta.insert(self.accounts.len(), meta);
        }
        self.accounts.push(account);
    }

    /// The metadata read for `accounts[index]`, if the format carried any.
    pub fn meta(&self, index: usize) -> Option<&Meta> {
        self.meta.get(&index)
    }

    /// Each account with its metadata (default where the format carried none).
    pub fn into_entries(mut self) -> Vec<(Account, Meta)> {
        let meta = std::mem::take(&mut self.meta);
        let mut meta = meta.into_iter().peekable();
        std::mem::take(&mut self.accounts)
            .into_iter()
            .enumerate()
            .map(|(i, a)| match meta.next_if(|(at, _)| *at == i) {
                Some((_, m)) => (a, m),
                None => (a, Meta::default()),
            })
            .collect()
    }

    /// Checks an account read from a foreign file ([`crate::otp::validate`]) and files it as
    /// an account or a refusal.
    pub fn push_checked(&mut self, account: Account) {
        match crate::otp::validate(&account) {
            Ok(()) => self.accounts.push(account),
            Err(e) => self
                .refused
                .push(Refused::new(label(&account), e.to_string())),
        }
    }
}

/// The summary of an import: added, skipped as duplicates, refused with why.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub added: usize,
    pub duplicates: usize,
    pub refused: Vec<Refused>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "added {}, duplicates {}, refused {}",
            self.added,
            self.duplicates,
            self.refused.len()
        )?;
        for r in &self.refused {
            write!(f, "\n  refused {r}")?;
        }
        Ok(())
    }
}

/// Merges `incoming` into `existing` (in order), skipping duplicates — accounts that are the
/// same login ([`Account::same_login`]) as one already there or earlier in `incoming`.
/// Returns the accounts to add and the number skipped. (The vault applies the same rule in
/// `add_many`; this is the library-level form used by tests and the restore drill.)
pub fn merge(existing: &[Account], incoming: Vec<Account>) -> (Vec<Account>, usize) {
    let mut added: Vec<Account> = Vec::new();
    let mut duplicates = 0;
    for a in incoming {
        if existing
            .iter()
            .chain(added.iter())
            .any(|e| e.same_login(&a))
        {
            duplicates += 1;
        } else {
            added.push(a);
        }
    }
    (added, duplicates)
}

/// "Issuer (name)" or a placeholder: how refusals name an entry.
pub fn label(a: &Account) -> String {
    let s = a.display_name();
    if s.is_empty() {
        "(unnamed account)".to_string()
    } else {
        s
    }
}

/// A label from loose issuer/name strings (for entries that could not become accounts).
pub(crate) fn loose_label(issuer: &str, name: &str, index: usize) -> String {
    match (issuer.trim().is_empty(), name.trim().is_empty()) {
        (false, false) => format!("{} ({})", issuer.trim(), name.trim()),
        (false, true) => issuer.trim().to_string(),
        (true, false) => name.trim().to_string(),
        (true, true) => format!("entry {}", index + 1),
    }
}

/// Loose account fields as foreign JSON files hold them, turned into an [`Account`] by
/// [`Fields::build`] (which names the problem instead of failing the whole file).
#[derive(Debug, Default, Clone)]
pub(crate) struct Fields<'a> {
    pub issuer: &'a str,
    pub name: &'a str,
    /// Base32 secret (lenient: case, padding, spaces).
    pub secret: &'a str,
    /// `totp`, `hotp`, `steam` (any case); empty means TOTP.
    pub kind: &'a str,
    /// `SHA1`, `SHA-256`, `sha512`...; empty means SHA1.
    pub algorithm: &'a str,
    pub digits: Option<u64>,
    pub period: Option<u64>,
    pub counter: Option<u64>,
}

impl Fields<'_> {
    /// Builds and validates the account; `Err` is the reason to refuse it.
    pub fn build(&self) -> std::result::Result<Account, String> {
        use crate::account::{Algorithm, DEFAULT_DIGITS, DEFAULT_PERIOD, Kind, STEAM_DIGITS};
        let kind = match self.kind.trim().to_ascii_lowercase().as_str() {
            "" | "totp" => Kind::Totp,
            "hotp" => Kind::Hotp,
            "steam" => Kind::Steam,
            other => return Err(format!("unsupported code type \"{other}\"")),
        };
        let algorithm = match self
            .algorithm
            .trim()
            .to_ascii_uppercase()
            .replace(['-', '_'], "")
            .as_str()
        {
            "" | "SHA1" | "HMACSHA1" => Algorithm::Sha1,
            "SHA256" | "HMACSHA256" => Algorithm::Sha256,
            "SHA512" | "HMACSHA512" => Algorithm::Sha512,
            other => return Err(format!("unsupported algorithm \"{other}\"")),
        };
        let secret = crate::uri::parse_secret(self.secret).map_err(|e| e.to_string())?;
        let digits = match kind {
            Kind::Steam => STEAM_DIGITS,
            _ => u32::try_from(self.digits.unwrap_or(u64::from(DEFAULT_DIGITS)))
                .map_err(|_| "the digit count is out of range".to_string())?,
        };
        let account = Account {
            issuer: self.issuer.trim().to_string(),
            name: self.name.trim().to_string(),
            secret,
            kind,
            algorithm: if kind == Kind::Steam {
                Algorithm::Sha1
            } else {
                algorithm
            },
            digits,
            period: match kind {
                Kind::Hotp => DEFAULT_PERIOD,
                _ => self.period.filter(|p| *p > 0).unwrap_or(DEFAULT_PERIOD),
            },
            counter: if kind == Kind::Hotp {
                self.counter.unwrap_or(0)
            } else {
                0
            },
        };
        crate::otp::validate(&account).map_err(|e| e.to_string())?;
        Ok(account)
    }

    /// Builds the account into `out`, or files a refusal naming entry `index`.
    pub fn push_into(&self, out: &mut Parsed, index: usize) {
        self.push_with_meta(out, index, Meta::default());
    }

    /// [`Fields::push_into`] with the metadata the entry carried.
    pub fn push_with_meta(&self, out: &mut Parsed, index: usize, meta: Meta) {
        match self.build() {
            Ok(a) => out.push_with(a, meta),
            Err(why) => out.refused.push(Refused::new(
                loose_label(self.issuer, self.name, index),
                why,
            )),
        }
    }
}

/// A password manager's TOTP field (Bitwarden, Proton Pass) into `out`, as entry `index`:
/// an `otpauth://` or `steam://` link, whose missing issuer and name the item's name and
/// login fill (a `steam://` link names no service of its own: the item's name is its
/// issuer), or a bare Base32 key, for which the item's name is the issuer and the login the
/// name.
pub(crate) fn push_login_totp(
    out: &mut Parsed,
    index: usize,
    item: &str,
    user: &str,
    totp: &str,
    meta: Meta,
) {
    let (item, user, totp) = (item.trim(), user.trim(), totp.trim());
    let lower = totp.to_ascii_lowercase();
    if !(lower.starts_with("otpauth://") || lower.starts_with("steam://")) {
        return Fields {
            issuer: item,
            name: user,
            secret: totp,
            ..Fields::default()
        }
        .push_with_meta(out, index, meta);
    }
    match crate::uri::parse(totp) {
        Ok(mut a) => {
            if (a.issuer.is_empty() || lower.starts_with("steam://")) && !item.is_empty() {
                a.issuer = item.to_string();
            }
            if a.name.is_empty() {
                a.name = user.to_string();
            }
            match crate::otp::validate(&a) {
                Ok(()) => out.push_with(a, meta),
                Err(e) => out.refused.push(Refused::new(label(&a), e.to_string())),
            }
        }
        Err(e) => out
            .refused
            .push(Refused::new(loose_label(item, user, index), e.to_string())),
    }
}

/// JSON helpers for the importers: lenient field access on `serde_json::Value`.
pub(crate) mod json {
    use serde_json::Value;

    pub fn str<'a>(v: &'a Value, key: &str) -> &'a str {
        v.get(key).and_then(Value::as_str).unwrap_or("")
    }

    /// A number that may also be written as a string ("30").
    pub fn num(v: &Value, key: &str) -> Option<u64> {
        match v.get(key)? {
            Value::Number(n) => n.as_u64().or_else(|| {
                n.as_f64()
                    .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                    .map(|f| f as u64)
            }),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

/// Parses JSON, naming the format in the error. The document holds foreign secrets: it is
/// wiped when dropped ([`WipedJson`]).
pub(crate) fn parse_json(data: &[u8], format: &'static str) -> Result<WipedJson> {
    let text = text(data, format)?;
    serde_json::from_str(&text)
        .map(WipedJson)
        .map_err(|e| Error::Malformed {
            format,
            why: format!("invalid JSON ({e})"),
        })
}

/// Parses `data` as JSON only to look at it (format detection, which runs every importer's
/// `detect` on a file that may hold foreign secrets): the document is wiped when the look is
/// over. `false` when `data` is not JSON.
pub(crate) fn json_matches(data: &[u8], test: impl FnOnce(&serde_json::Value) -> bool) -> bool {
    json_doc(data).is_some_and(|doc| test(&doc))
}

/// `data` as a JSON document wiped when dropped, or `None` when it is not JSON.
pub(crate) fn json_doc(data: &[u8]) -> Option<WipedJson> {
    serde_json::from_slice(data).map(WipedJson).ok()
}

/// `text` as a JSON document wiped when dropped, or `None` when it is not JSON.
pub(crate) fn json_text(text: &str) -> Option<WipedJson> {
    serde_json::from_str(text).map(WipedJson).ok()
}

/// A parsed JSON document whose strings (where importers find secrets, passwords and
/// ciphertexts) are zeroized on drop; reads as a `serde_json::Value`.
pub(crate) struct WipedJson(pub(crate) serde_json::Value);

impl std::ops::Deref for WipedJson {
    type Target = serde_json::Value;
    fn deref(&self) -> &serde_json::Value {
        &self.0
    }
}

impl Drop for WipedJson {
    fn drop(&mut self) {
        wipe_json(&mut self.0);
    }
}

/// Zeroizes every string in a JSON value (object keys are field names, not secrets).
pub(crate) fn wipe_json(v: &mut serde_json::Value) {
    use zeroize::Zeroize;
    match v {
        serde_json::Value::String(s) => s.zeroize(),
        serde_json::Value::Array(a) => a.iter_mut().for_each(wipe_json),
        serde_json::Value::Object(m) => m.values_mut().for_each(wipe_json),
        _ => {}
    }
}

/// Whether a format's files are encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encryption {
    /// Never encrypted.
    Never,
    /// Plain or encrypted with a password, as the user chose in the app.
    Optional,
    /// Always encrypted with a password.
    Always,
}

impl fmt::Display for Encryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encryption::Never => "not encrypted",
            Encryption::Optional => "plain or encrypted (password)",
            Encryption::Always => "encrypted (password)",
        })
    }
}

/// An importer of one foreign export format.
pub trait Importer: Sync {
    /// Short id used with `--format` (`aegis`, `2fas`, ...).
    fn id(&self) -> &'static str;
    /// Human name ("Aegis JSON").
    fn name(&self) -> &'static str;
    /// The files it reads, as a person finds them (".json export, vault.json").
    fn files(&self) -> &'static str;
    /// Whether those files are encrypted.
    fn encryption(&self) -> Encryption;
    /// True when `data` looks like this format (cheap, no decryption).
    fn detect(&self, data: &[u8]) -> bool;
    /// True when `data` (already detected as this format) needs a password.
    fn encrypted(&self, data: &[u8]) -> bool;
    /// Reads the accounts. `password` is used only for encrypted files; a missing one gives
    /// [`Error::PasswordNeeded`].
    fn read(&self, data: &[u8], password: Option<&str>) -> Result<Parsed>;
}

/// Every importer, sorted by id. Detection tries them in the order of [`DETECT_ORDER`].
pub static IMPORTERS: &[&dyn Importer] = &[
    &twofas::TwoFas,
    &aegis::Aegis,
    &andotp::AndOtp,
    &authplus::AuthPlus,
    &authy::Authy,
    &battlenet::BattleNet,
    &bitwarden::Bitwarden,
    &duo::Duo,
    &ente::Ente,
    &freeotp_xml::FreeOtp,
    &freeotp::FreeOtpPlus,
    &google_db::GoogleDb,
    &kdbx::Kdbx,
    &lastpass::LastPass,
    &microsoft::Microsoft,
    &proton::Proton,
    &proton_pass::ProtonPass,
    &raivo::Raivo,
    &steam::Steam,
    &stratum::Stratum,
    &totp_authenticator::TotpAuthenticator,
    &uri_list::UriList,
];

/// Ids in detection order: files with a magic number first (KDBX, zip, SQLite, Java
/// serialization), then preferences XML, then JSON layouts from the most specific, then
/// the guesses (andOTP's and TOTP Authenticator's encrypted files carry no magic number), the
/// URI list last (it accepts any text with an `otpauth://` line).
const DETECT_ORDER: &[&str] = &[
    "keepass",
    "authenticator-plus",
    "proton-pass",
    "raivo",
    "stratum",
    "google-authenticator-db",
    "microsoft-authenticator",
    "freeotp",
    "authy",
    "battle-net",
    "aegis",
    "2fas",
    "bitwarden",
    "ente",
    "proton-authenticator",
    "lastpass",
    "steam",
    "duo",
    "freeotp-plus",
    "totp-authenticator",
    "andotp",
    "uri-list",
];

/// The importer named `id` (case-insensitive; a few aliases accepted).
pub fn importer(id: &str) -> Result<&'static dyn Importer> {
    let want = id.trim().to_ascii_lowercase();
    let want = match want.as_str() {
        "twofas" | "2fas" => "2fas",
        "freeotp+" | "freeotpplus" | "freeotp-plus" => "freeotp-plus",
        "uri" | "uris" | "otpauth" | "txt" | "uri-list" => "uri-list",
        "ente" | "ente-auth" => "ente",
        "authenticator-pro" | "authpro" => "stratum",
        "google-db" | "google-authenticator" => "google-authenticator-db",
        "microsoft" => "microsoft-authenticator",
        "proton" => "proton-authenticator",
        "battlenet" => "battle-net",
        "winauth" => "uri-list",
        "kdbx" | "keepassxc" | "keepassdx" => "keepass",
        "authplus" => "authenticator-plus",
        "raivo-otp" => "raivo",
        other => other,
    };
    IMPORTERS
        .binary_search_by(|i| i.id().cmp(want))
        .map(|i| IMPORTERS[i])
        .map_err(|_| Error::UnknownFormatName(id.to_string()))
}

/// The importer whose layout `data` matches.
pub fn detect(data: &[u8]) -> Result<&'static dyn Importer> {
    for id in DETECT_ORDER {
        let imp = importer(id)?;
        if imp.detect(data) {
            return Ok(imp);
        }
    }
    let known: Vec<&str> = IMPORTERS.iter().map(|i| i.id()).collect();
    Err(Error::UnknownFormat(format!("known: {}", known.join(", "))))
}

/// Reads text that may carry a UTF-8 byte order mark.
pub(crate) fn text(data: &[u8], format: &'static str) -> Result<Zeroizing<String>> {
    let data = data.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(data);
    std::str::from_utf8(data)
        .map(|s| Zeroizing::new(s.to_string()))
        .map_err(|_| Error::Malformed {
            format,
            why: "it is not UTF-8 text".into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_and_complete() {
        let ids: Vec<&str> = IMPORTERS.iter().map(|i| i.id()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "IMPORTERS must stay sorted for binary search");
        for id in DETECT_ORDER {
            assert!(importer(id).is_ok(), "{id}");
        }
        assert_eq!(DETECT_ORDER.len(), IMPORTERS.len());
        assert!(importer("nope").is_err());
        assert_eq!(importer("URI").unwrap().id(), "uri-list");
        assert_eq!(importer("FreeOTP+").unwrap().id(), "freeotp-plus");
    }

    /// Format detection parses every file it is shown into JSON once per importer; a file may
    /// be any app's plain export. No copy of a secret may be freed unwiped on the way.
    #[test]
    fn detection_frees_no_copy_of_a_secret_unwiped() {
        use crate::freed_memory::blocks_holding;
        const CANARY: &[u8] = b"KANARY7SECRETSEEDQ3W";
        let c = std::str::from_utf8(CANARY).unwrap();
        // One document with the keys many formats look for, a secret under each.
        let doc = format!(
            r#"{{"schemaVersion":4,"services":[{{"name":"x","secret":"{c}"}}],
            "header":{{"slots":null}},"db":"{c}","tokens":[{{"secret":"{c}"}}],
            "items":[],"encrypted":false,"Authenticators":[{{"Secret":"{c}"}}],
            "entries":[{{"content":{{"uri":"otpauth://totp/x?secret={c}"}}}}],
            "salt":"{c}","content":"{c}","version":1}}"#
        );
        let data = doc.as_bytes();
        // The control: a plain parse leaves the secret in freed memory, where the watch sees it.
        assert!(
            blocks_holding(CANARY, || {
                let _ = serde_json::from_slice::<serde_json::Value>(data);
            }) > 0
        );
        let found = blocks_holding(CANARY, || {
            let _ = detect(data);
            for i in IMPORTERS {
                let _ = (i.detect(data), i.encrypted(data));
            }
        });
        assert_eq!(found, 0, "freed blocks still holding the secret");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// No input ever panics an importer (bytes, and JSON-shaped text built from the
        /// formats' own keys).
        #[test]
        fn importers_never_panic(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
                                 json in r#"[\[\]{}:,"0-9a-z ]{0,40}(services|entries|tokens|items|db|header|slots|secret|servicesEncrypted|kdfParams|encryptedData|login|totp|info|otp)[\[\]{}:,"0-9a-zA-Z= ]{0,80}"#) {
            for imp in IMPORTERS {
                for input in [&data[..], json.as_bytes()] {
                    let _ = imp.detect(input);
                    let _ = imp.encrypted(input);
                    let _ = imp.read(input, Some("pw"));
                }
            }
            let _ = detect(&data);
        }
    }

    #[test]
    fn a_login_totp_field_takes_its_names_from_the_item() {
        let mut out = Parsed::default();
        let note = |n: &str| Meta {
            note: n.to_string(),
            ..Meta::default()
        };
        push_login_totp(
            &mut out,
            0,
            " Mail ",
            "bob",
            " JBSWY3DPEHPK3PXP ",
            note("key"),
        );
        let uri = "otpauth://totp/?secret=JBSWY3DPEHPK3PXQ";
        push_login_totp(&mut out, 1, "Bank", "carol", uri, note("uri"));
        let uri = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXR&issuer=GitHub";
        push_login_totp(&mut out, 2, "Work", "x", uri, note("named"));
        push_login_totp(
            &mut out,
            3,
            "My Steam",
            "dave",
            "steam://JBSWY3DPEHPK3PXS",
            note("s"),
        );
        push_login_totp(
            &mut out,
            4,
            "Shop",
            "erin",
            "otpauth://totp/x?secret=!!",
            note("bad"),
        );
        push_login_totp(&mut out, 5, "", "", "not base32!", note("bad key"));
        let names: Vec<_> = out
            .accounts
            .iter()
            .map(|a| (a.issuer.as_str(), a.name.as_str(), a.kind))
            .collect();
        use crate::account::Kind::{Steam, Totp};
        assert_eq!(
            names,
            [
                ("Mail", "bob", Totp),
                ("Bank", "carol", Totp),
                ("GitHub", "alice", Totp),
                ("My Steam", "dave", Steam),
            ]
        );
        let notes: Vec<_> = (0..4).map(|i| out.meta(i).unwrap().note.as_str()).collect();
        assert_eq!(notes, ["key", "uri", "named", "s"]);
        let refused: Vec<_> = out.refused.iter().map(|r| r.what.as_str()).collect();
        assert_eq!(refused, ["Shop (erin)", "entry 6"]);
    }

    #[test]
    fn merge_skips_and_counts_duplicates() {
        let s = |b: u8| crate::Secret::new(vec![b; 10]);
        let existing = vec![Account::totp("A", "a", s(1))];
        let incoming = vec![
            Account::totp("A", "a", s(1)),
            Account::totp("B", "b", s(2)),
            Account::totp("B", "b", s(2)),
        ];
        let (added, dups) = merge(&existing, incoming);
        assert_eq!(added.len(), 1);
        assert_eq!(dups, 2);
        assert_eq!(added[0].issuer, "B");
    }
}
