//! `otpauth://` key URIs: a lenient reader and a strict writer.
//!
//! Reading accepts what real exports contain (../shared/specs/otp-formats.md §1 and §4):
//! mixed-case scheme, lower-case/padded/spaced/dashed secrets, `+` for space in the query,
//! `%3A` or `:` between issuer and name, spaces after it, lower-case algorithm names,
//! `digits=7`, any period ≥ 1, missing issuer, empty label, extra colons, unknown parameters,
//! `otpauth://steam/...`, `steam://SECRET` and `encoder=steam`.
//!
//! Rules where sources disagree (documented in ARCHITECTURE.md too):
//! - **issuer**: the `issuer=` parameter wins over the label prefix (as Google's spec says it
//!   is the recommended one, and Bitwarden does); without the parameter, the label prefix.
//! - **label split**: when the label starts with `<issuer>:` that prefix is removed; otherwise
//!   it is split at the first colon and the rest (colons included) is the account name.
//! - **whitespace**: issuer and name are trimmed.
//!
//! Writing is strict: `otpauth://TYPE/ISSUER:NAME?secret=BASE32&issuer=ISSUER&algorithm=..
//! &digits=..&period=..` (or `counter=` for HOTP), upper-case unpadded Base32, percent-encoded
//! label and values. Steam accounts are written as `otpauth://steam/...` (as Aegis does).
//! A name with colons and no issuer is written with an empty issuer before the first colon
//! (`otpauth://totp/:a:b?...`). `parse(&write(a)) == a` for every account that
//! [`crate::otp::validate`] accepts and whose issuer and name have no surrounding whitespace.

use thiserror::Error;
use zeroize::Zeroizing;

use crate::account::{
    Account, Algorithm, DEFAULT_DIGITS, DEFAULT_PERIOD, Kind, MAX_DIGITS, MIN_DIGITS, STEAM_DIGITS,
    Secret,
};

/// Why a URI cannot be read. Messages name the cause so the user can act on it.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum Error {
    #[error("not an authenticator link: it should start with otpauth://")]
    NotOtpauth,
    #[error("unknown code type \"{0}\": only totp, hotp and steam are supported")]
    UnknownType(String),
    #[error("the link has no secret key (secret=...)")]
    MissingSecret,
    #[error("the secret key is empty")]
    EmptySecret,
    #[error("the secret key is not Base32: \"{0}\" is not one of its letters A–Z and digits 2–7")]
    SecretNotBase32(char),
    #[error("the secret key is too short: one character does not make a single byte")]
    SecretTooShort,
    #[error("an HOTP (counter-based) link must have a counter=... parameter")]
    HotpWithoutCounter,
    #[error("the counter \"{0}\" is not a whole number")]
    BadCounter(String),
    #[error("unsupported algorithm \"{0}\": SHA1, SHA256 and SHA512 are supported")]
    UnsupportedAlgorithm(String),
    #[error("unsupported number of digits \"{0}\": 6 to 10 are supported")]
    BadDigits(String),
    #[error("the period \"{0}\" is not a whole number of seconds ≥ 1")]
    BadPeriod(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Reads an `otpauth://` or `steam://` URI leniently (see the module docs).
pub fn parse(input: &str) -> Result<Account> {
    let input = input.trim();
    let lower_prefix = |p: &str| {
        input.len() >= p.len()
            && input.is_char_boundary(p.len())
            && input[..p.len()].eq_ignore_ascii_case(p)
    };
    if lower_prefix("steam://") {
        let secret = parse_secret(&percent_decode(&input["steam://".len()..], false))?;
        return Ok(Account {
            issuer: "Steam".into(),
            name: String::new(),
            secret,
            kind: Kind::Steam,
            algorithm: Algorithm::Sha1,
            digits: STEAM_DIGITS,
            period: DEFAULT_PERIOD,
            counter: 0,
        });
    }
    if !lower_prefix("otpauth://") {
        return Err(Error::NotOtpauth);
    }
    let rest = &input["otpauth://".len()..];
    let (path, query) = match rest.find('?') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let query = query.split('#').next().unwrap_or("");
    let (type_str, label_raw) = match path.find('/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => (path, ""),
    };
    let mut kind = match type_str.to_ascii_lowercase().as_str() {
        "totp" => Kind::Totp,
        "hotp" => Kind::Hotp,
        "steam" => Kind::Steam,
        other => return Err(Error::UnknownType(percent_decode(other, false))),
    };

    let mut secret = None;
    let mut issuer_param: Option<String> = None;
    let mut algorithm = Algorithm::Sha1;
    let mut digits_str: Option<String> = None;
    let mut period_str: Option<String> = None;
    let mut counter_str: Option<String> = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = match pair.find('=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, ""),
        };
        let v = percent_decode(v, true);
        match k.to_ascii_lowercase().as_str() {
            "secret" => secret = Some(Zeroizing::new(v)),
            "issuer" => issuer_param = Some(v),
            "algorithm" => algorithm = parse_algorithm(&v)?,
            "digits" => digits_str = Some(v),
            "period" => period_str = Some(v),
            "counter" => counter_str = Some(v),
            "encoder" if v.eq_ignore_ascii_case("steam") => kind = Kind::Steam,
            _ => {} // unknown parameters (image, color, codeDisplay, lock, pin, ...) are ignored
        }
    }
    let secret = parse_secret(secret.as_deref().ok_or(Error::MissingSecret)?)?;

    let label = percent_decode(label_raw, false);
    let (issuer, name) = split_label(&label, issuer_param.as_deref());

    let digits = match (&kind, digits_str) {
        (Kind::Steam, _) => STEAM_DIGITS,
        (_, None) => DEFAULT_DIGITS,
        (_, Some(d)) => match d.trim().parse::<u32>() {
            Ok(n) if (MIN_DIGITS..=MAX_DIGITS).contains(&n) => n,
            _ => return Err(Error::BadDigits(d)),
        },
    };
    let period = match period_str {
        None => DEFAULT_PERIOD,
        Some(_) if kind == Kind::Steam => DEFAULT_PERIOD,
        Some(p) => match p.trim().parse::<u64>() {
            Ok(n) if n >= 1 => n,
            _ if kind == Kind::Hotp => DEFAULT_PERIOD, // meaningless for HOTP: ignore
            _ => return Err(Error::BadPeriod(p)),
        },
    };
    let counter = match (&kind, counter_str) {
        (Kind::Hotp, None) => return Err(Error::HotpWithoutCounter),
        (Kind::Hotp, Some(c)) => c.trim().parse::<u64>().map_err(|_| Error::BadCounter(c))?,
        _ => 0,
    };
    if kind == Kind::Steam {
        algorithm = Algorithm::Sha1;
    }
    Ok(Account {
        issuer,
        name,
        secret,
        kind,
        algorithm,
        digits,
        period: if kind == Kind::Hotp {
            DEFAULT_PERIOD
        } else {
            period
        },
        counter,
    })
}

/// Applies the label rules: returns (issuer, name), both trimmed.
fn split_label(label: &str, issuer_param: Option<&str>) -> (String, String) {
    let issuer_param = issuer_param.map(str::trim).filter(|s| !s.is_empty());
    if let Some(iss) = issuer_param
        && let Some(rest) = label.strip_prefix(iss).and_then(|r| r.strip_prefix(':'))
    {
        return (iss.to_string(), rest.trim().to_string());
    }
    let (prefix, name) = match label.find(':') {
        Some(i) => (Some(label[..i].trim()), label[i + 1..].trim()),
        None => (None, label.trim()),
    };
    let issuer = issuer_param.or(prefix).unwrap_or("").to_string();
    (issuer, name.to_string())
}

fn parse_algorithm(v: &str) -> Result<Algorithm> {
    let norm: String = v
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .collect::<String>()
        .to_ascii_uppercase();
    match norm.as_str() {
        "SHA1" | "" => Ok(Algorithm::Sha1),
        "SHA256" => Ok(Algorithm::Sha256),
        "SHA512" => Ok(Algorithm::Sha512),
        _ => Err(Error::UnsupportedAlgorithm(v.to_string())),
    }
}

/// The 32 symbols of RFC 4648 Base32.
const BASE32_SYMBOLS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Decodes a Base32 secret leniently, as Google Authenticator, 2FAS, Ente and Proton do:
/// spaces, dashes and `=` padding are removed, letters upper-cased; then RFC 4648 Base32
/// where bits that do not fill a whole byte are dropped. So secrets of any length decode —
/// 17, 14, 11 or 9 characters included (lengths ≡ 1, 3, 6 mod 8, which no encoder writes but
/// real enrollment QR codes carry) — to the same key bytes those apps use.
pub fn parse_secret(s: &str) -> Result<Secret> {
    let mut clean = Zeroizing::new(String::with_capacity(s.len()));
    for c in s.chars() {
        match c {
            ' ' | '-' | '=' | '\t' | '\n' | '\r' => {}
            c => clean.push(c.to_ascii_uppercase()),
        }
    }
    if clean.is_empty() {
        return Err(Error::EmptySecret);
    }
    if let Some(c) = clean.chars().find(|c| !BASE32_SYMBOLS.contains(*c)) {
        return Err(Error::SecretNotBase32(c));
    }
    // A length ≡ 1, 3 or 6 (mod 8) ends in a character whose bits are all spare: the bytes
    // are those of the text without it, which decodes with its own spare bits ignored.
    let whole = match clean.len() % 8 {
        1 | 3 | 6 => &clean[..clean.len() - 1],
        _ => &clean[..],
    };
    if whole.is_empty() {
        return Err(Error::SecretTooShort);
    }
    let spec = {
        let mut spec = data_encoding::Specification::new();
        spec.symbols.push_str(BASE32_SYMBOLS);
        spec.check_trailing_bits = false;
        spec.encoding()
            .expect("RFC 4648 Base32 without padding is a valid specification")
    };
    let bytes = spec
        .decode(whole.as_bytes())
        .expect("only Base32 symbols of a decodable length remain");
    Ok(Secret::new(bytes))
}

/// Writes a strict `otpauth://` URI. The result holds the secret and zeroizes on drop.
pub fn write(a: &Account) -> Zeroizing<String> {
    let kind = a.kind.as_str();
    let mut label = String::new();
    if !a.issuer.is_empty() {
        label.push_str(&percent_encode(&a.issuer));
        label.push(':');
    } else if a.name.contains(':') {
        // An empty issuer before the colon keeps a name with colons whole when read back.
        label.push(':');
    }
    label.push_str(&percent_encode(&a.name));
    let mut out = Zeroizing::new(format!("otpauth://{kind}/{label}?secret="));
    out.push_str(&a.secret.to_base32());
    if !a.issuer.is_empty() {
        out.push_str("&issuer=");
        out.push_str(&percent_encode(&a.issuer));
    }
    match a.kind {
        Kind::Steam => {
            out.push_str("&digits=5&encoder=steam");
        }
        Kind::Totp | Kind::Hotp => {
            let (key, value) = match a.kind {
                Kind::Hotp => ("counter", a.counter),
                _ => ("period", a.period),
            };
            out.push_str(&format!(
                "&algorithm={}&digits={}&{key}={value}",
                a.algorithm.as_str(),
                a.digits
            ));
        }
    }
    out
}

/// Percent-encodes everything except RFC 3986 unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes (invalid escapes stay literal; invalid UTF-8 is replaced), and `+`
/// as a space when `plus_is_space` (query values).
pub fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
