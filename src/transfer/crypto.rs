//! The cryptographic building blocks the transfer formats share: key derivation (Argon2id,
//! scrypt, PBKDF2) and authenticated encryption (XChaCha20-Poly1305, AES-256-GCM, libsodium's
//! `crypto_secretstream_xchacha20poly1305` as Ente Auth uses it). Keys are zeroizing; every
//! failure to authenticate is one opaque error.

use aes_gcm::Aes256Gcm;
use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use poly1305::Poly1305;
use zeroize::{Zeroize, Zeroizing};

/// A 256-bit key.
pub type Key = Zeroizing<[u8; 32]>;

/// Authentication failed (wrong key or altered data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthFailed;

/// Fuzz builds only (`--cfg fuzzing`, which cargo-fuzz sets for every crate): the most work a
/// key derivation may do, so the fuzzers get past it thousands of times a second and reach
/// the decrypted readers. Argon2id and scrypt settings above it are refused (an error, as the
/// importers' own ceilings refuse); PBKDF2, whose round count some formats fix (2FAS: 10,000),
/// runs at most [`PBKDF2_MAX_ROUNDS`](fuzz_ceiling::PBKDF2_MAX_ROUNDS) rounds. The fuzz seeds of
/// the encrypted importers (`fuzz/seeds/import_*`) are written within it. Other builds have no
/// such ceiling.
#[cfg(fuzzing)]
pub mod fuzz_ceiling {
    /// Argon2id: memory (KiB), passes and lanes.
    pub const ARGON2_MAX_M_KIB: u32 = 64;
    pub const ARGON2_MAX_T: u32 = 1;
    pub const ARGON2_MAX_P: u32 = 1;
    /// scrypt: 128 · N · r · p bytes of work memory.
    pub const SCRYPT_MAX_BYTES: u64 = 64 << 10;
    /// PBKDF2 rounds actually run.
    pub const PBKDF2_MAX_ROUNDS: u32 = 1_000;
}

/// Argon2id (version 0x13) with `m_kib` KiB, `t` passes, `p` lanes.
pub fn argon2id(password: &[u8], salt: &[u8], m_kib: u32, t: u32, p: u32) -> Result<Key, String> {
    #[cfg(fuzzing)]
    if m_kib > fuzz_ceiling::ARGON2_MAX_M_KIB
        || t > fuzz_ceiling::ARGON2_MAX_T
        || p > fuzz_ceiling::ARGON2_MAX_P
    {
        return Err(format!(
            "fuzz build: Argon2id {m_kib} KiB, t={t}, p={p} is above the fuzzing ceiling"
        ));
    }
    let params = argon2::Params::new(m_kib, t, p, Some(32)).map_err(|e| e.to_string())?;
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    a.hash_password_into(password, salt, &mut key[..])
        .map_err(|e| e.to_string())?;
    Ok(key)
}

/// scrypt with N = 2^log_n.
pub fn scrypt(password: &[u8], salt: &[u8], log_n: u8, r: u32, p: u32) -> Result<Key, String> {
    #[cfg(fuzzing)]
    if 128u64
        .saturating_mul(1u64.checked_shl(u32::from(log_n)).unwrap_or(u64::MAX))
        .saturating_mul(u64::from(r))
        .saturating_mul(u64::from(p))
        > fuzz_ceiling::SCRYPT_MAX_BYTES
    {
        return Err(format!(
            "fuzz build: scrypt N=2^{log_n}, r={r}, p={p} is above the fuzzing ceiling"
        ));
    }
    let params = scrypt::Params::new(log_n, r, p).map_err(|e| e.to_string())?;
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password, salt, &params, &mut key[..]).map_err(|e| e.to_string())?;
    Ok(key)
}

/// PBKDF2-HMAC-SHA256.
pub fn pbkdf2_sha256(password: &[u8], salt: &[u8], rounds: u32) -> Key {
    let mut key = Zeroizing::new([0u8; 32]);
    #[cfg(fuzzing)]
    let rounds = rounds.min(fuzz_ceiling::PBKDF2_MAX_ROUNDS);
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, rounds, &mut key[..]);
    key
}

/// PBKDF2-HMAC-SHA1.
pub fn pbkdf2_sha1(password: &[u8], salt: &[u8], rounds: u32) -> Key {
    let mut key = Zeroizing::new([0u8; 32]);
    #[cfg(fuzzing)]
    let rounds = rounds.min(fuzz_ceiling::PBKDF2_MAX_ROUNDS);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, rounds, &mut key[..]);
    key
}

/// XChaCha20-Poly1305 encryption; returns ciphertext ‖ tag.
pub fn xchacha_seal(key: &[u8; 32], nonce: &[u8; 24], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.into());
    cipher
        .encrypt(
            nonce.into(),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .expect("XChaCha20-Poly1305 encrypts any message shorter than 256 GiB")
}

/// XChaCha20-Poly1305 decryption of ciphertext ‖ tag.
pub fn xchacha_open(
    key: &[u8; 32],
    nonce: &[u8; 24],
    aad: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, AuthFailed> {
    let cipher = XChaCha20Poly1305::new(key.into());
    cipher
        .decrypt(nonce.into(), Payload { msg: sealed, aad })
        .map(Zeroizing::new)
        .map_err(|_| AuthFailed)
}

/// AES-256-GCM decryption (96-bit nonce) of ciphertext ‖ tag.
pub fn aes_gcm_open(
    key: &[u8; 32],
    nonce: &[u8],
    aad: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, AuthFailed> {
    let nonce: &[u8; 12] = nonce.try_into().map_err(|_| AuthFailed)?;
    let cipher = Aes256Gcm::new(key.into());
    cipher
        .decrypt(nonce.into(), Payload { msg: sealed, aad })
        .map(Zeroizing::new)
        .map_err(|_| AuthFailed)
}

/// PBKDF2-HMAC-SHA512.
pub fn pbkdf2_sha512(password: &[u8], salt: &[u8], rounds: u32) -> Key {
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, salt, rounds, &mut key[..]);
    key
}

/// SHA-256 of `data` as a key (the "key = hash of the password" of older formats).
pub fn sha256_key(data: &[u8]) -> Key {
    use sha2::Digest;
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&sha2::Sha256::digest(data));
    key
}

/// AES-256-CBC decryption with PKCS#7 padding. CBC has no authentication: a wrong key shows
/// only as bad padding (or, one time in 256, as garbage the caller's parser refuses).
pub fn aes_cbc_open(
    key: &[u8; 32],
    iv: &[u8],
    data: &[u8],
) -> Result<Zeroizing<Vec<u8>>, AuthFailed> {
    use cbc::cipher::{BlockModeDecrypt, KeyIvInit, block_padding::Pkcs7};
    let iv: &[u8; 16] = iv.try_into().map_err(|_| AuthFailed)?;
    let dec = cbc::Decryptor::<aes::Aes256>::new(key.into(), iv.into());
    let mut buf = Zeroizing::new(data.to_vec());
    let len = dec
        .decrypt_padded::<Pkcs7>(&mut buf)
        .map_err(|_| AuthFailed)?
        .len();
    buf.truncate(len);
    Ok(buf)
}

/// AES-256-GCM encryption (used by tests to build foreign files).
#[cfg(test)]
pub fn aes_gcm_seal(key: &[u8; 32], nonce: &[u8; 12], plaintext: &[u8]) -> Vec<u8> {
    Aes256Gcm::new(key.into())
        .encrypt(nonce.into(), plaintext)
        .unwrap()
}

/// Bytes added per message (1 tag byte + 16-byte MAC).
pub const SECRETSTREAM_ABYTES: usize = 17;
/// The `TAG_FINAL` message tag.
#[cfg(test)]
pub const SECRETSTREAM_TAG_FINAL: u8 = 3;

/// One secretstream message state: subkey and 12-byte nonce (counter ‖ inonce).
struct StreamState {
    k: Zeroizing<[u8; 32]>,
    nonce: [u8; 12],
}

impl StreamState {
    fn init(key: &[u8; 32], header: &[u8; 24]) -> Self {
        let hin: &[u8; 16] = header[..16].try_into().expect("16 bytes");
        let sub = chacha20::hchacha::<chacha20::R20>(key.into(), hin.into());
        let mut k = Zeroizing::new([0u8; 32]);
        k.copy_from_slice(&sub);
        let mut nonce = [0u8; 12];
        nonce[0] = 1; // counter = 1, little-endian
        nonce[4..].copy_from_slice(&header[16..]);
        StreamState { k, nonce }
    }

    fn cipher_at(&self, block: u64) -> chacha20::ChaCha20 {
        let mut c = chacha20::ChaCha20::new((&*self.k).into(), (&self.nonce).into());
        c.seek(block * 64);
        c
    }

    /// The Poly1305 tag over (ad, the 64-byte tag block, the ciphertext) as libsodium
    /// computes it, including its padding quirk after the message (mlen mod 16 zero bytes).
    fn mac(&self, block: &[u8; 64], c: &[u8]) -> [u8; 16] {
        let mut poly_key = Zeroizing::new([0u8; 32]);
        self.cipher_at(0).apply_keystream(&mut poly_key[..]);
        let mut input = Zeroizing::new(Vec::with_capacity(64 + c.len() + 32));
        // no associated data: ad is empty and so is its padding
        input.extend_from_slice(block);
        input.extend_from_slice(c);
        // libsodium pads with (0x10 - 64 + mlen) & 0xf = mlen % 16 zero bytes here
        input.extend(std::iter::repeat_n(0u8, c.len() % 16));
        input.extend_from_slice(&0u64.to_le_bytes());
        input.extend_from_slice(&((64 + c.len()) as u64).to_le_bytes());
        let tag = Poly1305::new((&*poly_key).into()).compute_unpadded(&input);
        let mut out = [0u8; 16];
        out.copy_from_slice(&tag);
        out
    }
}

/// Decrypts the first (and, for Ente's exports, only) message of a secretstream.
/// Returns the plaintext and the message tag.
pub fn secretstream_open(
    key: &[u8; 32],
    header: &[u8; 24],
    sealed: &[u8],
) -> Result<(Zeroizing<Vec<u8>>, u8), AuthFailed> {
    if sealed.len() < SECRETSTREAM_ABYTES {
        return Err(AuthFailed);
    }
    let st = StreamState::init(key, header);
    let mut block = [0u8; 64];
    block[0] = sealed[0];
    st.cipher_at(1).apply_keystream(&mut block);
    let tag = block[0];
    block[0] = sealed[0];
    let (c, mac) = sealed[1..].split_at(sealed.len() - SECRETSTREAM_ABYTES);
    let expected = st.mac(&block, c);
    block.zeroize();
    if !constant_time_eq(&expected, mac) {
        return Err(AuthFailed);
    }
    let mut m = Zeroizing::new(c.to_vec());
    st.cipher_at(2).apply_keystream(&mut m);
    Ok((m, tag))
}

/// Encrypts one message as the first message of a secretstream (what Ente's export does
/// with `TAG_FINAL`). Returns the sealed message (1 + mlen + 16 bytes).
#[cfg(test)]
pub fn secretstream_seal(key: &[u8; 32], header: &[u8; 24], plaintext: &[u8], tag: u8) -> Vec<u8> {
    let st = StreamState::init(key, header);
    let mut block = [0u8; 64];
    block[0] = tag;
    st.cipher_at(1).apply_keystream(&mut block);
    let mut c = plaintext.to_vec();
    st.cipher_at(2).apply_keystream(&mut c);
    let mac = st.mac(&block, &c);
    let mut out = Vec::with_capacity(c.len() + SECRETSTREAM_ABYTES);
    out.push(block[0]);
    out.extend_from_slice(&c);
    out.extend_from_slice(&mac);
    block.zeroize();
    out
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secretstream_round_trip_and_tamper() {
        let key = [7u8; 32];
        let header = [9u8; 24];
        for len in [0usize, 1, 15, 16, 17, 48, 100] {
            let m: Vec<u8> = (0..len as u8).collect();
            let s = secretstream_seal(&key, &header, &m, SECRETSTREAM_TAG_FINAL);
            assert_eq!(s.len(), len + SECRETSTREAM_ABYTES);
            let (back, tag) = secretstream_open(&key, &header, &s).unwrap();
            assert_eq!((&back[..], tag), (&m[..], SECRETSTREAM_TAG_FINAL));
            let mut bad = s.clone();
            *bad.last_mut().unwrap() ^= 1;
            assert_eq!(secretstream_open(&key, &header, &bad), Err(AuthFailed));
            bad = s.clone();
            bad[0] ^= 1;
            assert_eq!(secretstream_open(&key, &header, &bad), Err(AuthFailed));
        }
        assert_eq!(secretstream_open(&key, &header, &[0; 5]), Err(AuthFailed));
    }

    #[test]
    fn xchacha_round_trip_binds_aad() {
        let s = xchacha_seal(&[1; 32], &[2; 24], b"hdr", b"hello");
        assert_eq!(
            &xchacha_open(&[1; 32], &[2; 24], b"hdr", &s).unwrap()[..],
            b"hello"
        );
        assert!(xchacha_open(&[1; 32], &[2; 24], b"hdX", &s).is_err());
    }

    #[test]
    fn aes_gcm_round_trip() {
        let s = aes_gcm_seal(&[3; 32], &[4; 12], b"data");
        assert_eq!(
            &aes_gcm_open(&[3; 32], &[4; 12], b"", &s).unwrap()[..],
            b"data"
        );
        assert!(aes_gcm_open(&[3; 32], &[4; 11], b"", &s).is_err());
    }
}
