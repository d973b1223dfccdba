//! FreeOTP (and FreeOTP+) `tokens.xml`, and FreeOTP 2's encrypted backup.
//!
//! - Version 1 / FreeOTP+ internal (`shared_prefs/tokens.xml`, from a rooted phone): a
//!   preferences XML whose strings are token JSON `{algo, counter, digits, issuerExt, label,
//!   period, secret (signed bytes), type}` keyed by `issuer:label`, plus `tokenOrder` (a JSON
//!   list of those keys). Read as [`super::freeotp`] reads FreeOTP+ JSON (HOTP counter + 1).
//! - FreeOTP 2 backup (`externalBackup.xml`, despite the name a Java-serialized
//!   `java.util.HashMap<String, String>`): `masterKey` is JSON `{mAlgorithm
//!   (PBKDF2withHmacSHA1|SHA512), mIterations, mSalt, mEncryptedKey: {mCipher
//!   "AES/GCM/NoPadding", mCipherText, mParameters (DER GCM parameters: the nonce), mToken
//!   (associated data)}}`; the master password derives the key that opens the master key; each
//!   token `<uuid>` holds `{key: <encrypted key JSON>}` opened with the master key, and
//!   `<uuid>-token` the token JSON without its secret; its HOTP counter is the next one (no
//!   + 1). The iteration count is bounded before any work.
//!
//! Kept: the token order. Lost: images and colours.

use std::collections::BTreeMap;

use serde_json::Value;
use zeroize::Zeroizing;

use super::json::{num, str};
use super::{Error, Importer, Parsed, Refused, Result, crypto, prefs};

const FORMAT: &str = "FreeOTP";
/// Java object serialization stream magic and version.
const JAVA_MAGIC: [u8; 4] = [0xAC, 0xED, 0x00, 0x05];
/// PBKDF2 iterations Monban runs (FreeOTP uses 100,000).
const MAX_ROUNDS: u64 = 2_000_000;
/// Most entries a backup's map may claim.
const MAX_ENTRIES: usize = 100_000;

pub struct FreeOtp;

fn malformed(why: impl Into<String>) -> Error {
    Error::Malformed {
        format: FORMAT,
        why: why.into(),
    }
}

// ------------------------------------------------------------------ version 1 (XML)

fn read_v1(data: &[u8]) -> Result<Parsed> {
    let p = prefs::read(data).map_err(malformed)?;
    let order: Vec<String> = p
        .get("tokenOrder")
        .and_then(|o| serde_json::from_str(o).ok())
        .unwrap_or_default();
    let mut keys: Vec<&String> = order.iter().filter(|k| p.contains_key(*k)).collect();
    keys.extend(
        p.keys()
            .filter(|k| *k != "tokenOrder" && !order.contains(k)),
    );
    let mut out = Parsed::default();
    for (i, k) in keys.into_iter().enumerate() {
        match super::json_text(&p[k]) {
            Some(t) if t.is_object() => super::freeotp::push_token(&mut out, i, &t, None, true),
            _ => out
                .refused
                .push(Refused::new(k.clone(), "the token is not JSON")),
        }
    }
    Ok(out)
}

fn looks_v1(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    text.contains("<map")
        && (text.contains("&quot;issuerExt&quot;") || text.contains("name=\"tokenOrder\""))
}

// ------------------------------------------------------------------ version 2 (serialized)

/// A reader of the few Java serialization records a `HashMap<String, String>` uses.
struct JavaReader<'a> {
    data: &'a [u8],
    pos: usize,
    /// Strings by handle (handles count from 0x7E0000 over every object written).
    handles: Vec<Option<String>>,
}

impl<'a> JavaReader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.data.len());
        let end = end.ok_or_else(|| malformed("the backup is cut short"))?;
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn utf(&mut self, len: usize) -> Result<String> {
        let b = self.take(len)?;
        String::from_utf8(b.to_vec()).map_err(|_| malformed("a string is not UTF-8"))
    }
    fn string(&mut self) -> Result<String> {
        match self.u8()? {
            0x74 => {
                let n = usize::from(self.u16()?);
                let s = self.utf(n)?;
                self.handles.push(Some(s.clone()));
                Ok(s)
            }
            0x7C => {
                let b = self.take(8)?;
                let n = u64::from_be_bytes(b.try_into().expect("8 bytes"));
                let n = usize::try_from(n).map_err(|_| malformed("a string is too long"))?;
                let s = self.utf(n)?;
                self.handles.push(Some(s.clone()));
                Ok(s)
            }
            0x71 => {
                let h = self.u32()?.wrapping_sub(0x7E_0000) as usize;
                self.handles
                    .get(h)
                    .cloned()
                    .flatten()
                    .ok_or_else(|| malformed("a string refers to nothing"))
            }
            t => Err(malformed(format!(
                "expected a string, found record {t:#04x}"
            ))),
        }
    }

    /// Reads the whole map.
    fn hash_map(data: &'a [u8]) -> Result<BTreeMap<String, Zeroizing<String>>> {
        let mut r = JavaReader {
            data,
            pos: 0,
            handles: Vec::new(),
        };
        if r.take(4)? != JAVA_MAGIC {
            return Err(malformed("not a Java serialization stream"));
        }
        if r.u8()? != 0x73 || r.u8()? != 0x72 {
            return Err(malformed(
                "the backup does not start with a class description",
            ));
        }
        let name_len = usize::from(r.u16()?);
        if r.utf(name_len)? != "java.util.HashMap" {
            return Err(malformed("the backup is not a java.util.HashMap"));
        }
        r.take(8)?; // serialVersionUID
        r.handles.push(None); // the class description
        let _flags = r.u8()?;
        let mut field_bytes = 0usize;
        for _ in 0..r.u16()? {
            let kind = r.u8()?;
            let n = usize::from(r.u16()?);
            r.take(n)?;
            field_bytes += match kind {
                b'F' | b'I' => 4,
                _ => return Err(malformed("the HashMap has an unexpected field")),
            };
        }
        if r.u8()? != 0x78 || r.u8()? != 0x70 {
            return Err(malformed("the HashMap's class description does not end"));
        }
        r.handles.push(None); // the map object
        r.take(field_bytes)?;
        if r.u8()? != 0x77 {
            return Err(malformed("the HashMap has no size block"));
        }
        let block = usize::from(r.u8()?);
        if block < 8 {
            return Err(malformed("the HashMap's size block is too short"));
        }
        let _capacity = r.u32()?;
        let size = r.u32()? as usize;
        r.take(block - 8)?;
        if size > MAX_ENTRIES {
            return Err(malformed("the backup claims too many entries"));
        }
        let mut out = BTreeMap::new();
        for _ in 0..size {
            let k = r.string()?;
            let v = Zeroizing::new(r.string()?);
            out.insert(k, v);
        }
        Ok(out)
    }
}

fn bytes_of(v: Option<&Value>) -> Result<Zeroizing<Vec<u8>>> {
    let list = v
        .and_then(Value::as_array)
        .ok_or_else(|| malformed("a byte list is missing"))?;
    list.iter()
        .map(|b| {
            b.as_i64()
                .filter(|n| (-128..=255).contains(n))
                .map(|n| n as u8)
        })
        .collect::<Option<Vec<u8>>>()
        .map(Zeroizing::new)
        .ok_or_else(|| malformed("a byte list holds a value that is not a byte"))
}

/// The nonce in DER-encoded GCM parameters (`SEQUENCE { OCTET STRING nonce, INTEGER tagLen }`
/// or a bare `OCTET STRING`).
fn gcm_nonce(der: &[u8]) -> Result<&[u8]> {
    let bad = || malformed("the cipher parameters are not GCM parameters");
    let inner = match der {
        [0x30, len, rest @ ..] if usize::from(*len) <= rest.len() => &rest[..usize::from(*len)],
        _ => der,
    };
    match inner {
        [0x04, len, rest @ ..] if usize::from(*len) <= rest.len() => Ok(&rest[..usize::from(*len)]),
        _ => Err(bad()),
    }
}

/// Opens an encrypted key object `{mCipher, mCipherText, mParameters, mToken}`.
fn open_key(obj: &Value, key: &[u8; 32]) -> Result<Zeroizing<Vec<u8>>> {
    if str(obj, "mCipher") != "AES/GCM/NoPadding" {
        return Err(Error::Unsupported {
            format: FORMAT,
            why: format!("the cipher \"{}\"", str(obj, "mCipher")),
        });
    }
    let ct = bytes_of(obj.get("mCipherText"))?;
    let params = bytes_of(obj.get("mParameters"))?;
    let nonce = gcm_nonce(&params)?;
    crypto::aes_gcm_open(key, nonce, str(obj, "mToken").as_bytes(), &ct)
        .map_err(|_| Error::WrongPassword)
}

fn read_v2(data: &[u8], password: &str) -> Result<Parsed> {
    let map = JavaReader::hash_map(data)?;
    let mk: Value = map
        .get("masterKey")
        .and_then(|m| serde_json::from_str(m).ok())
        .ok_or_else(|| malformed("no masterKey in the backup"))?;
    let rounds = num(&mk, "mIterations").ok_or_else(|| malformed("no mIterations"))?;
    if rounds == 0 || rounds > MAX_ROUNDS {
        return Err(Error::KdfRefused(format!(
            "{rounds} PBKDF2 iterations (at most {MAX_ROUNDS})"
        )));
    }
    let salt = bytes_of(mk.get("mSalt"))?;
    let kek = match str(&mk, "mAlgorithm") {
        "PBKDF2withHmacSHA1" => crypto::pbkdf2_sha1(password.as_bytes(), &salt, rounds as u32),
        "PBKDF2withHmacSHA512" => crypto::pbkdf2_sha512(password.as_bytes(), &salt, rounds as u32),
        other => {
            return Err(Error::Unsupported {
                format: FORMAT,
                why: format!("the key derivation \"{other}\""),
            });
        }
    };
    let master = open_key(mk.get("mEncryptedKey").unwrap_or(&Value::Null), &kek)?;
    let master: [u8; 32] = master[..]
        .try_into()
        .map_err(|_| malformed("the master key is not 256 bits"))?;
    let master = Zeroizing::new(master);
    let mut out = Parsed::default();
    let ids: Vec<&String> = map
        .keys()
        .filter(|k| *k != "masterKey" && !k.ends_with("-token"))
        .collect();
    for (i, id) in ids.into_iter().enumerate() {
        let token: Option<Value> = map
            .get(&format!("{id}-token"))
            .and_then(|t| serde_json::from_str(t).ok());
        let Some(token) = token else {
            out.refused
                .push(Refused::new(id.clone(), "the token's settings are missing"));
            continue;
        };
        let label = super::loose_label(str(&token, "issuerExt"), str(&token, "label"), i);
        let key_obj: Option<Value> = serde_json::from_str::<Value>(&map[id])
            .ok()
            .and_then(|v| serde_json::from_str(str(&v, "key")).ok());
        let Some(key_obj) = key_obj else {
            out.refused
                .push(Refused::new(label, "the token's encrypted key is not JSON"));
            continue;
        };
        match open_key(&key_obj, &master) {
            Ok(secret) => super::freeotp::push_token(&mut out, i, &token, Some(&secret), false),
            Err(e) => out.refused.push(Refused::new(label, e.to_string())),
        }
    }
    Ok(out)
}

impl Importer for FreeOtp {
    fn id(&self) -> &'static str {
        "freeotp"
    }
    fn name(&self) -> &'static str {
        "FreeOTP"
    }
    fn files(&self) -> &'static str {
        "FreeOTP 2 backup (externalBackup.xml), tokens.xml of FreeOTP 1 and FreeOTP+"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Optional
    }
    fn detect(&self, data: &[u8]) -> bool {
        data.starts_with(&JAVA_MAGIC) || looks_v1(data)
    }
    fn encrypted(&self, data: &[u8]) -> bool {
        data.starts_with(&JAVA_MAGIC)
    }
    fn read(&self, data: &[u8], password: Option<&str>) -> Result<Parsed> {
        if data.starts_with(&JAVA_MAGIC) {
            return read_v2(data, password.ok_or(Error::PasswordNeeded)?);
        }
        read_v1(data)
    }
}
