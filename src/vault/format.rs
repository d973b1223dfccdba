//! The vault file's bytes: header layout, key derivation, key wrapping and content sealing.
//! `docs/vault-format.md` is the prose version of this file; keep them in step.
//!
//! ```text
//! off  len  field (integers little-endian)
//!   0    8  magic "MONBANVT"
//!   8    2  format version (2; 1 is still read)
//!  10    8  generation (1 for a new vault, +1 on every save)
//!  18    1  number of key slots (1)
//!  19    1  slot type (1 = passcode, Argon2id v0x13; 2 = passcode + device key)
//!  20    2  slot body length (100)
//!  22    4  Argon2 memory, KiB
//!  26    4  Argon2 passes
//!  30    4  Argon2 lanes
//!  34   16  Argon2 salt
//!  50   24  key-wrap nonce (XChaCha20-Poly1305)
//!  74   48  wrapped master key: 32 bytes ciphertext + 16 bytes tag
//! 122   24  content nonce (XChaCha20-Poly1305)
//! 146    4  content length n (ciphertext + tag)
//! 150   32  header checksum: SHA-256 of bytes 0..150 (version 2 only)
//! 182    n  content: XChaCha20-Poly1305(master key, content nonce, JSON, aad = bytes 0..182)
//! ```
//!
//! The checksum is unkeyed: it tells accidental damage (a flipped bit in the salt or the
//! wrapped key) from a wrong passcode *before* the KDF result is judged, so damage is never
//! counted as a failed attempt. It is no protection against deliberate edits, which the AEAD
//! tags catch. Version 1 files (no checksum, 150-byte header) are read as before; the next
//! save writes version 2.
//!
//! A type-2 slot has the same body; its key-encryption key is
//! `HMAC-SHA256(device key, Argon2id(passcode, salt))`, the device key named by the salt
//! (see [`super::device`]).

use argon2::{Argon2, Params};
use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{KeyInit, Tag, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::device::{DeviceKey, KeyId};

/// File magic.
pub const MAGIC: [u8; 8] = *b"MONBANVT";
/// The format version this code writes and the newest it reads.
pub const VERSION: u16 = 2;
/// Length of the header this code writes (the associated data of the content).
pub const HEADER_LEN: usize = 182;
/// Length of a version-1 header (no checksum).
pub const HEADER_LEN_V1: usize = 150;
/// Length of the header checksum (SHA-256).
pub const CHECKSUM_LEN: usize = 32;
/// The version written into the key-wrap associated data: the slot's own format, unchanged
/// since version 1 of the file, so a slot moves into a newer file without re-wrapping.
const SLOT_FORMAT: u16 = 1;
/// Length of the Poly1305 tag.
pub const TAG_LEN: usize = 16;
/// Slot type of the passcode slot.
pub const SLOT_PASSCODE: u8 = 1;
/// Slot type of the passcode + device key slot.
pub const SLOT_DEVICE: u8 = 2;
/// Length of the passcode slot's body.
pub const PASSCODE_SLOT_LEN: u16 = 100;
/// Length of the Argon2 salt.
pub const SALT_LEN: usize = 16;
/// Length of an XChaCha20 nonce.
pub const NONCE_LEN: usize = 24;
/// Length of the master key and of the key-encryption key.
pub const KEY_LEN: usize = 32;
/// Length of the associated data of the key wrap.
pub const WRAP_AAD_LEN: usize = 8 + 2 + 1 + 2 + 12 + SALT_LEN;

/// Argon2id cost parameters (version 0x13, 32-byte output).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over memory.
    pub t: u32,
    /// Lanes (parallelism).
    pub p: u32,
}

impl KdfParams {
    /// RFC 9106 §4 second recommendation: 64 MiB, 3 passes, 4 lanes. The app and CLI use this.
    pub const DEFAULT: KdfParams = KdfParams {
        m_kib: 64 * 1024,
        t: 3,
        p: 4,
    };
    /// Tiny parameters for tests only: a vault made with them opens only with
    /// [`KdfBounds::LIGHT_FOR_TESTS`].
    pub const TEST_LIGHT: KdfParams = KdfParams {
        m_kib: 64,
        t: 1,
        p: 1,
    };
}

/// The range of KDF parameters a vault may ask for; checked before the KDF runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfBounds {
    pub min_m_kib: u32,
    pub max_m_kib: u32,
    pub min_t: u32,
    pub max_t: u32,
    pub min_p: u32,
    pub max_p: u32,
}

impl KdfBounds {
    /// What the app and CLI accept: at least OWASP's floor (19 MiB, 2 passes), at most 1 GiB,
    /// 10 passes and 16 lanes (Bitwarden's ceiling for passes and lanes).
    pub const REAL: KdfBounds = KdfBounds {
        min_m_kib: 19 * 1024,
        max_m_kib: 1024 * 1024,
        min_t: 2,
        max_t: 10,
        min_p: 1,
        max_p: 16,
    };
    /// For tests through the library only: admits [`KdfParams::TEST_LIGHT`].
    pub const LIGHT_FOR_TESTS: KdfBounds = KdfBounds {
        min_m_kib: 8,
        max_m_kib: 1024 * 1024,
        min_t: 1,
        max_t: 10,
        min_p: 1,
        max_p: 16,
    };

    /// At most [`KdfParams::TEST_LIGHT`] (64 KiB, 1 pass, 1 lane): the fuzz targets' bounds
    /// (and their seeds'), so no input can make Argon2 ask for more.
    pub const FUZZ: KdfBounds = KdfBounds {
        min_m_kib: 8,
        max_m_kib: 64,
        min_t: 1,
        max_t: 1,
        min_p: 1,
        max_p: 1,
    };

    /// True when `p` is inside the bounds (and Argon2 itself accepts it: m ≥ 8·p).
    pub fn admits(&self, p: KdfParams) -> bool {
        (self.min_m_kib..=self.max_m_kib).contains(&p.m_kib)
            && (self.min_t..=self.max_t).contains(&p.t)
            && (self.min_p..=self.max_p).contains(&p.p)
            && u64::from(p.m_kib) >= 8 * u64::from(p.p)
    }

    /// `Ok` when admitted, else the error naming both the request and the bounds.
    pub(crate) fn check(&self, p: KdfParams) -> super::Result<()> {
        if self.admits(p) {
            return Ok(());
        }
        Err(super::Error::KdfParams {
            m_kib: p.m_kib,
            t: p.t,
            p: p.p,
            min_m_kib: self.min_m_kib,
            max_m_kib: self.max_m_kib,
            min_t: self.min_t,
            max_t: self.max_t,
            min_p: self.min_p,
            max_p: self.max_p,
        })
    }
}

/// The passcode key slot: how to turn the passcode into the key that unwraps the master key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PasscodeSlot {
    /// Also bound to a device key ([`SLOT_DEVICE`]).
    pub device: bool,
    pub params: KdfParams,
    pub salt: [u8; SALT_LEN],
    pub wrap_nonce: [u8; NONCE_LEN],
    pub wrapped_key: [u8; KEY_LEN + TAG_LEN],
}

/// The parsed header of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    /// Format version of the file it was read from (encoding always writes [`VERSION`]).
    pub version: u16,
    pub generation: u64,
    pub slot: PasscodeSlot,
    pub content_nonce: [u8; NONCE_LEN],
    pub content_len: u32,
}

/// Why bytes are not a readable vault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeaderError {
    NotVault,
    Truncated,
    TooNew(u16),
    Malformed(&'static str),
    /// The header's bytes do not match their checksum: damaged on disk or in transit.
    Checksum,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}
fn arr<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    let mut a = [0u8; N];
    a.copy_from_slice(&b[at..at + N]);
    a
}

impl Header {
    /// Length of this header in the file it came from (what the content's AAD covers).
    pub fn header_len(&self) -> usize {
        if self.version == 1 {
            HEADER_LEN_V1
        } else {
            HEADER_LEN
        }
    }

    /// The header bytes of a version-2 file, checksum included.
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut h = [0u8; HEADER_LEN];
        h[0..8].copy_from_slice(&MAGIC);
        h[8..10].copy_from_slice(&VERSION.to_le_bytes());
        h[10..18].copy_from_slice(&self.generation.to_le_bytes());
        h[18] = 1;
        h[19] = self.slot.slot_type();
        h[20..22].copy_from_slice(&PASSCODE_SLOT_LEN.to_le_bytes());
        h[22..26].copy_from_slice(&self.slot.params.m_kib.to_le_bytes());
        h[26..30].copy_from_slice(&self.slot.params.t.to_le_bytes());
        h[30..34].copy_from_slice(&self.slot.params.p.to_le_bytes());
        h[34..50].copy_from_slice(&self.slot.salt);
        h[50..74].copy_from_slice(&self.slot.wrap_nonce);
        h[74..122].copy_from_slice(&self.slot.wrapped_key);
        h[122..146].copy_from_slice(&self.content_nonce);
        h[146..150].copy_from_slice(&self.content_len.to_le_bytes());
        let sum = checksum(&h[..HEADER_LEN_V1]);
        h[HEADER_LEN_V1..].copy_from_slice(&sum);
        h
    }

    /// Parses and checks the header of a whole file (`file` includes the content, whose length
    /// must match the header exactly).
    pub fn decode(file: &[u8]) -> Result<Header, HeaderError> {
        if file.len() < MAGIC.len() {
            return Err(if MAGIC.starts_with(file) && !file.is_empty() {
                HeaderError::Truncated
            } else {
                HeaderError::NotVault
            });
        }
        if file[..8] != MAGIC {
            return Err(HeaderError::NotVault);
        }
        if file.len() < 10 {
            return Err(HeaderError::Truncated);
        }
        let version = u16_at(file, 8);
        if version == 0 {
            return Err(HeaderError::Malformed("format version 0 does not exist"));
        }
        if version > VERSION {
            return Err(HeaderError::TooNew(version));
        }
        let header_len = if version == 1 {
            HEADER_LEN_V1
        } else {
            HEADER_LEN
        };
        if file.len() < header_len {
            return Err(HeaderError::Truncated);
        }
        // Damage first, before any field is trusted (and long before the KDF runs).
        if version >= 2 && file[HEADER_LEN_V1..HEADER_LEN] != checksum(&file[..HEADER_LEN_V1]) {
            return Err(HeaderError::Checksum);
        }
        if file[18] != 1 {
            return Err(HeaderError::Malformed("unexpected number of key slots"));
        }
        if file[19] != SLOT_PASSCODE && file[19] != SLOT_DEVICE {
            return Err(HeaderError::Malformed("unknown key slot type"));
        }
        if u16_at(file, 20) != PASSCODE_SLOT_LEN {
            return Err(HeaderError::Malformed("wrong key slot length"));
        }
        let content_len = u32_at(file, 146);
        let expected = header_len as u64 + u64::from(content_len);
        if (file.len() as u64) < expected {
            return Err(HeaderError::Truncated);
        }
        if (file.len() as u64) > expected {
            return Err(HeaderError::Malformed("unexpected bytes after the content"));
        }
        if (content_len as usize) < TAG_LEN {
            return Err(HeaderError::Malformed("content too short"));
        }
        Ok(Header {
            version,
            generation: u64_at(file, 10),
            slot: PasscodeSlot {
                device: file[19] == SLOT_DEVICE,
                params: KdfParams {
                    m_kib: u32_at(file, 22),
                    t: u32_at(file, 26),
                    p: u32_at(file, 30),
                },
                salt: arr(file, 34),
                wrap_nonce: arr(file, 50),
                wrapped_key: arr(file, 74),
            },
            content_nonce: arr(file, 122),
            content_len,
        })
    }
}

impl PasscodeSlot {
    /// The header's slot type byte.
    pub fn slot_type(&self) -> u8 {
        if self.device {
            SLOT_DEVICE
        } else {
            SLOT_PASSCODE
        }
    }

    /// The name of this slot's device key (its salt).
    pub fn key_id(&self) -> KeyId {
        KeyId(self.salt)
    }

    /// Associated data of the key wrap: magic, slot format version (1), slot type and
    /// length, KDF parameters and salt (in a version-1 file: header bytes 0..10 followed by
    /// 19..50).
    pub fn wrap_aad(&self) -> [u8; WRAP_AAD_LEN] {
        let mut a = [0u8; WRAP_AAD_LEN];
        a[0..8].copy_from_slice(&MAGIC);
        a[8..10].copy_from_slice(&SLOT_FORMAT.to_le_bytes());
        a[10] = self.slot_type();
        a[11..13].copy_from_slice(&PASSCODE_SLOT_LEN.to_le_bytes());
        a[13..17].copy_from_slice(&self.params.m_kib.to_le_bytes());
        a[17..21].copy_from_slice(&self.params.t.to_le_bytes());
        a[21..25].copy_from_slice(&self.params.p.to_le_bytes());
        a[25..41].copy_from_slice(&self.salt);
        a
    }

    /// Makes a slot that wraps `master` under `passcode` with a fresh salt and nonce; with
    /// `device`, a new device key named by the salt is made first and bound in (deleted
    /// again if anything after it fails).
    pub fn wrap(
        passcode: &str,
        params: KdfParams,
        master: &[u8; KEY_LEN],
        device: Option<&dyn DeviceKey>,
    ) -> super::Result<PasscodeSlot> {
        let mut slot = PasscodeSlot {
            device: device.is_some(),
            params,
            salt: random()?,
            wrap_nonce: random()?,
            wrapped_key: [0u8; KEY_LEN + TAG_LEN],
        };
        if let Some(d) = device {
            d.create(&slot.key_id()).map_err(super::Error::DeviceKey)?;
        }
        let kek = match slot.kek(passcode, device) {
            Ok(k) => k,
            Err(e) => {
                if let Some(d) = device {
                    let _ = d.delete(&slot.key_id());
                }
                return Err(e);
            }
        };
        let cipher = cipher(&kek);
        let mut buf = Zeroizing::new(*master);
        let tag = cipher
            .encrypt_inout_detached(
                &XNonce::from(slot.wrap_nonce),
                &slot.wrap_aad(),
                buf.as_mut_slice().into(),
            )
            .map_err(|_| super::Error::Random)?;
        slot.wrapped_key[..KEY_LEN].copy_from_slice(&buf[..]);
        slot.wrapped_key[KEY_LEN..].copy_from_slice(tag.as_slice());
        Ok(slot)
    }

    /// Runs the KDF and unwraps the master key; `Ok(None)` when the passcode is wrong (or the
    /// slot was altered).
    pub fn unwrap(
        &self,
        passcode: &str,
        device: Option<&dyn DeviceKey>,
    ) -> super::Result<Option<Zeroizing<[u8; KEY_LEN]>>> {
        let kek = self.kek(passcode, device)?;
        let cipher = cipher(&kek);
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        key.copy_from_slice(&self.wrapped_key[..KEY_LEN]);
        let tag = Tag::try_from(&self.wrapped_key[KEY_LEN..]).expect("16-byte tag");
        match cipher.decrypt_inout_detached(
            &XNonce::from(self.wrap_nonce),
            &self.wrap_aad(),
            key.as_mut_slice().into(),
            &tag,
        ) {
            Ok(()) => Ok(Some(key)),
            Err(_) => Ok(None),
        }
    }
}

impl PasscodeSlot {
    /// The key-encryption key: Argon2id of the passcode, then for a device slot the HMAC of
    /// that under the device key. A device slot without a device store is
    /// [`DeviceKeyError::Unavailable`](super::device::DeviceKeyError).
    fn kek(
        &self,
        passcode: &str,
        device: Option<&dyn DeviceKey>,
    ) -> super::Result<Zeroizing<[u8; KEY_LEN]>> {
        if !self.device {
            return derive_kek(passcode, self.params, &self.salt);
        }
        let Some(d) = device else {
            return Err(super::Error::DeviceKey(
                super::device::DeviceKeyError::Unavailable {
                    store: "a device key store",
                    why: "this vault is bound to a device key and this build has no key store"
                        .into(),
                },
            ));
        };
        // The device is asked first: a missing key is not a wrong passcode, and the KDF need
        // not run for it.
        d.derive(&self.key_id(), &[0u8; KEY_LEN])
            .map_err(super::Error::DeviceKey)?;
        let argon = derive_kek(passcode, self.params, &self.salt)?;
        d.derive(&self.key_id(), &argon)
            .map_err(super::Error::DeviceKey)
    }
}

/// Argon2id v0x13 (passcode as UTF-8 bytes, 16-byte salt, no secret, no associated data) → 32
/// bytes.
pub(crate) fn derive_kek(
    passcode: &str,
    params: KdfParams,
    salt: &[u8],
) -> super::Result<Zeroizing<[u8; KEY_LEN]>> {
    let failed = |_| super::Error::KdfFailed {
        m_kib: params.m_kib,
    };
    let p = Params::new(params.m_kib, params.t, params.p, Some(KEY_LEN)).map_err(failed)?;
    let argon = Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p);
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    argon
        .hash_password_into(passcode.as_bytes(), salt, out.as_mut_slice())
        .map_err(failed)?;
    Ok(out)
}

fn cipher(key: &[u8; KEY_LEN]) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new_from_slice(key).expect("32-byte key")
}

/// Encrypts `plaintext` in place under `key` with `aad`, appending the tag.
pub(crate) fn seal(key: &[u8; KEY_LEN], nonce: &[u8; NONCE_LEN], aad: &[u8], buf: &mut Vec<u8>) {
    let cipher = cipher(key);
    let tag = cipher
        .encrypt_inout_detached(&XNonce::from(*nonce), aad, buf.as_mut_slice().into())
        .expect("a vault payload is far below XChaCha20's 256 GiB limit");
    buf.extend_from_slice(tag.as_slice());
}

/// Decrypts `content` (ciphertext followed by tag) in place; returns the plaintext slice, or
/// `None` when authentication fails.
pub(crate) fn open<'a>(
    key: &[u8; KEY_LEN],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    content: &'a mut [u8],
) -> Option<&'a mut [u8]> {
    let split = content.len().checked_sub(TAG_LEN)?;
    let (ct, tag) = content.split_at_mut(split);
    let tag = Tag::try_from(&*tag).ok()?;
    let cipher = cipher(key);
    cipher
        .decrypt_inout_detached(&XNonce::from(*nonce), aad, ct.into(), &tag)
        .ok()?;
    Some(ct)
}

/// The unkeyed header checksum: SHA-256 of the first 150 header bytes.
pub(crate) fn checksum(header: &[u8]) -> [u8; CHECKSUM_LEN] {
    use sha2::Digest;
    sha2::Sha256::digest(header).into()
}

/// `N` bytes from the operating system's random generator.
pub(crate) fn random<const N: usize>() -> super::Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|_| super::Error::Random)?;
    Ok(b)
}
