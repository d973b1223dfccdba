//! Ente Auth export, plain and encrypted.
//!
//! Plain: a URI list (one `otpauth://` link per line, with Ente's extra `codeDisplay=`
//! parameter, which is ignored), read by [`super::uri_list`].
//!
//! Encrypted: JSON `{version: 1, kdfParams: {memLimit, opsLimit, salt}, encryptedData,
//! encryptionNonce}`. What Ente really does (its `export_widget.dart` / `CryptoUtil`):
//! the key is libsodium `crypto_pwhash` — Argon2id v1.3, `opsLimit` passes, `memLimit`
//! **bytes** of memory, one lane, 32-byte key — from the password and the 16-byte salt;
//! the data is encrypted with libsodium's **`crypto_secretstream_xchacha20poly1305`** (not
//! the plain XChaCha20-Poly1305 AEAD): `encryptionNonce` is the 24-byte stream header and
//! `encryptedData` one message tagged `TAG_FINAL`. Monban decrypts it with its own
//! implementation of that stream ([`super::crypto::secretstream_open`]), checked against
//! libsodium through PyNaCl by the fixtures. The plaintext is the same URI list.
//!
//! Lost on import: Ente's notes, tags, pins, usage counts (`codeDisplay`).

use data_encoding::BASE64;
use serde_json::Value;

use super::json::{num, str};
use super::{Error, Importer, Parsed, Result, crypto, uri_list};

const FORMAT: &str = "Ente Auth";
/// Most Argon2 memory an export may ask for: libsodium's SENSITIVE limit (1 GiB).
const MAX_MEM_BYTES: u64 = 1 << 30;
/// Most Argon2 passes an export may ask for.
const MAX_OPS: u64 = 64;
/// Most Argon2 work (memory bytes × passes) an export may ask for: libsodium's SENSITIVE
/// setting, 1 GiB × 4 passes, which every Ente memory/pass trade-off keeps.
const MAX_WORK: u64 = 4 << 30;

pub struct Ente;

fn malformed(why: &str) -> Error {
    Error::Malformed {
        format: FORMAT,
        why: why.into(),
    }
}

fn is_encrypted_doc(v: &Value) -> bool {
    v.get("encryptedData").is_some() && v.get("kdfParams").is_some()
}

fn decrypt(doc: &Value, password: &str) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    match num(doc, "version") {
        Some(1) => {}
        other => {
            return Err(Error::Unsupported {
                format: FORMAT,
                why: format!("export version {other:?}"),
            });
        }
    }
    let kdf = doc.get("kdfParams").unwrap_or(&Value::Null);
    let mem = num(kdf, "memLimit").ok_or_else(|| malformed("no kdfParams.memLimit"))?;
    let ops = num(kdf, "opsLimit").ok_or_else(|| malformed("no kdfParams.opsLimit"))?;
    // Ente trades memory for passes (halving memLimit, doubling opsLimit from libsodium's
    // SENSITIVE 1 GiB × 4), so the work it asks for is at most 4 GiB-passes: bound the product.
    if mem > MAX_MEM_BYTES
        || ops > MAX_OPS
        || ops == 0
        || mem < 8 * 1024
        || mem.saturating_mul(ops) > MAX_WORK
    {
        return Err(Error::KdfRefused(format!(
            "Argon2id with {mem} bytes and {ops} passes"
        )));
    }
    let b64 = |k: &str, v: &Value| {
        BASE64
            .decode(str(v, k).trim().as_bytes())
            .map_err(|_| malformed(&format!("{k} is not Base64")))
    };
    let salt = b64("salt", kdf)?;
    let header: [u8; 24] = b64("encryptionNonce", doc)?
        .try_into()
        .map_err(|_| malformed("encryptionNonce is not 24 bytes"))?;
    let sealed = b64("encryptedData", doc)?;
    let key = crypto::argon2id(
        password.as_bytes(),
        &salt,
        (mem / 1024) as u32,
        ops as u32,
        1,
    )
    .map_err(Error::KdfRefused)?;
    let (plain, _tag) =
        crypto::secretstream_open(&key, &header, &sealed).map_err(|_| Error::WrongPassword)?;
    Ok(plain)
}

impl Importer for Ente {
    fn id(&self) -> &'static str {
        "ente"
    }
    fn name(&self) -> &'static str {
        "Ente Auth"
    }
    fn files(&self) -> &'static str {
        "text export (.txt)"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Optional
    }
    fn detect(&self, data: &[u8]) -> bool {
        super::json_matches(data, is_encrypted_doc)
            || std::str::from_utf8(data)
                .is_ok_and(|t| t.contains("otpauth://") && t.contains("codeDisplay="))
    }
    fn encrypted(&self, data: &[u8]) -> bool {
        super::json_matches(data, is_encrypted_doc)
    }
    fn read(&self, data: &[u8], password: Option<&str>) -> Result<Parsed> {
        let text = super::text(data, FORMAT)?;
        match super::json_text(&text) {
            Some(doc) if is_encrypted_doc(&doc) => {
                let password = password.ok_or(Error::PasswordNeeded)?;
                let plain = decrypt(&doc, password)?;
                let text = super::text(&plain, FORMAT)?;
                Ok(uri_list::read_text(&text))
            }
            _ => Ok(uri_list::read_text(&text)),
        }
    }
}
