//! The Android Keystore as the vault's device key store ([`DeviceKey`]): one non-exportable
//! `HmacSHA256` key per device-bound slot, generated inside the Keystore (in StrongBox, the
//! separate secure chip, when the device has one: API 28+, else the TEE), used only through
//! `javax.crypto.Mac`. The key bytes never reach the app's memory, so a copy of the app's
//! files (a backup, a rooted dump) holds nothing that opens the vault.
//!
//! Written against the platform documentation: `KeyGenParameterSpec.Builder(alias,
//! PURPOSE_SIGN)`, `setIsStrongBoxBacked(true)` with the documented
//! `StrongBoxUnavailableException` fallback, `KeyGenerator.getInstance("HmacSHA256",
//! "AndroidKeyStore")`, `KeyStore.getInstance("AndroidKeyStore").load(null)`, `getKey`,
//! `deleteEntry`. Type-checked on the host by `android/hostcheck`.

use jni::objects::{JByteArray, JObject};
use jni::{Env, JValue, jni_sig, jni_str};
use zeroize::{Zeroize, Zeroizing};

use crate::vault::device::DERIVED_LEN;
use crate::vault::{DeviceKey, DeviceKeyError, KeyId};

const NAME: &str = "the Android Keystore";
const PROVIDER: &str = "AndroidKeyStore";
const ALGORITHM: &str = "HmacSHA256";
/// `KeyProperties.PURPOSE_SIGN` (an HMAC key signs).
const PURPOSE_SIGN: i32 = 4;
/// `Build.VERSION_CODES.P`: StrongBox exists from here on.
const API_STRONGBOX: i32 = 28;

/// The Android Keystore of this device.
#[derive(Debug)]
pub struct AndroidKeystore;

static STORE: AndroidKeystore = AndroidKeystore;

/// The store for `keystore::this_device`.
pub fn store() -> &'static dyn DeviceKey {
    &STORE
}

fn java() -> Result<super::jni_glue::Java, DeviceKeyError> {
    super::JAVA
        .get()
        .map(|c| c.0)
        .ok_or(DeviceKeyError::Unavailable {
            store: NAME,
            why: "the app has not started".into(),
        })
}

fn failed(e: impl std::fmt::Display) -> DeviceKeyError {
    DeviceKeyError::Failed {
        store: NAME,
        why: e.to_string(),
    }
}

/// `KeyStore.getInstance("AndroidKeyStore")`, loaded.
fn key_store<'l>(env: &mut Env<'l>) -> jni::errors::Result<JObject<'l>> {
    let provider = env.new_string(PROVIDER)?;
    let ks = env
        .call_static_method(
            jni_str!("java/security/KeyStore"),
            jni_str!("getInstance"),
            jni_sig!("(Ljava/lang/String;)Ljava/security/KeyStore;"),
            &[JValue::Object(&provider)],
        )?
        .l()?;
    env.call_method(
        &ks,
        jni_str!("load"),
        jni_sig!("(Ljava/security/KeyStore$LoadStoreParameter;)V"),
        &[JValue::Object(&JObject::null())],
    )?
    .v()?;
    Ok(ks)
}

/// Generates the HMAC key `alias`, in StrongBox when `strongbox`.
fn generate(env: &mut Env<'_>, alias: &str, strongbox: bool) -> jni::errors::Result<()> {
    let alias = env.new_string(alias)?;
    let builder = env.new_object(
        jni_str!("android/security/keystore/KeyGenParameterSpec$Builder"),
        jni_sig!("(Ljava/lang/String;I)V"),
        &[JValue::Object(&alias), JValue::Int(PURPOSE_SIGN)],
    )?;
    if strongbox {
        env.call_method(
            &builder,
            jni_str!("setIsStrongBoxBacked"),
            jni_sig!("(Z)Landroid/security/keystore/KeyGenParameterSpec$Builder;"),
            &[JValue::Bool(true)],
        )?;
    }
    let spec = env
        .call_method(
            &builder,
            jni_str!("build"),
            jni_sig!("()Landroid/security/keystore/KeyGenParameterSpec;"),
            &[],
        )?
        .l()?;
    let algorithm = env.new_string(ALGORITHM)?;
    let provider = env.new_string(PROVIDER)?;
    let generator = env
        .call_static_method(
            jni_str!("javax/crypto/KeyGenerator"),
            jni_str!("getInstance"),
            jni_sig!("(Ljava/lang/String;Ljava/lang/String;)Ljavax/crypto/KeyGenerator;"),
            &[JValue::Object(&algorithm), JValue::Object(&provider)],
        )?
        .l()?;
    env.call_method(
        &generator,
        jni_str!("init"),
        jni_sig!("(Ljava/security/spec/AlgorithmParameterSpec;)V"),
        &[JValue::Object(&spec)],
    )?
    .v()?;
    env.call_method(
        &generator,
        jni_str!("generateKey"),
        jni_sig!("()Ljavax/crypto/SecretKey;"),
        &[],
    )?;
    Ok(())
}

impl DeviceKey for AndroidKeystore {
    fn name(&self) -> &'static str {
        NAME
    }

    fn available(&self) -> bool {
        // Every Android Monban runs on (API 26+) has the Keystore with HMAC keys.
        java().is_ok_and(|j| {
            j.with_env("KeyStore", |env, _| key_store(env).map(|_| ()))
                .is_ok()
        })
    }

    fn create(&self, id: &KeyId) -> Result<(), DeviceKeyError> {
        let j = java()?;
        let alias = id.alias();
        let strongbox = j.sdk_int().unwrap_or(0) >= API_STRONGBOX;
        // StrongBox first where it may exist; a device without it throws
        // StrongBoxUnavailableException and the key goes to the TEE instead.
        if strongbox
            && j.with_env("StrongBox key", |env, _| generate(env, &alias, true))
                .is_ok()
        {
            return Ok(());
        }
        j.with_env("Keystore key", |env, _| generate(env, &alias, false))
            .map_err(failed)
    }

    fn derive(
        &self,
        id: &KeyId,
        input: &[u8; DERIVED_LEN],
    ) -> Result<Zeroizing<[u8; DERIVED_LEN]>, DeviceKeyError> {
        let j = java()?;
        let alias = id.alias();
        let answer = j
            .with_env("Keystore HMAC", |env, _| {
                let ks = key_store(env)?;
                let name = env.new_string(&alias)?;
                let key = env
                    .call_method(
                        &ks,
                        jni_str!("getKey"),
                        jni_sig!("(Ljava/lang/String;[C)Ljava/security/Key;"),
                        &[JValue::Object(&name), JValue::Object(&JObject::null())],
                    )?
                    .l()?;
                if key.as_raw().is_null() {
                    return Ok(None);
                }
                let algorithm = env.new_string(ALGORITHM)?;
                let mac = env
                    .call_static_method(
                        jni_str!("javax/crypto/Mac"),
                        jni_str!("getInstance"),
                        jni_sig!("(Ljava/lang/String;)Ljavax/crypto/Mac;"),
                        &[JValue::Object(&algorithm)],
                    )?
                    .l()?;
                env.call_method(
                    &mac,
                    jni_str!("init"),
                    jni_sig!("(Ljava/security/Key;)V"),
                    &[JValue::Object(&key)],
                )?
                .v()?;
                let data = env.byte_array_from_slice(input)?;
                let out = env
                    .call_method(
                        &mac,
                        jni_str!("doFinal"),
                        jni_sig!("([B)[B"),
                        &[JValue::Object(&data)],
                    )?
                    .l()?;
                let out = JByteArray::cast_local(env, out)?;
                env.convert_byte_array(&out).map(Some)
            })
            .map_err(failed)?;
        let Some(mut bytes) = answer else {
            return Err(DeviceKeyError::Missing { store: NAME });
        };
        let mut out = Zeroizing::new([0u8; DERIVED_LEN]);
        let ok = bytes.len() == DERIVED_LEN;
        if ok {
            out.copy_from_slice(&bytes);
        }
        bytes.zeroize();
        if !ok {
            return Err(failed("the HMAC has the wrong length"));
        }
        Ok(out)
    }

    fn delete(&self, id: &KeyId) -> Result<(), DeviceKeyError> {
        let j = java()?;
        let alias = id.alias();
        j.with_env("Keystore delete", |env, _| {
            let ks = key_store(env)?;
            let name = env.new_string(&alias)?;
            env.call_method(
                &ks,
                jni_str!("deleteEntry"),
                jni_sig!("(Ljava/lang/String;)V"),
                &[JValue::Object(&name)],
            )?
            .v()
        })
        .map_err(failed)
    }
}
