//! The iOS Keychain as the vault's device key store ([`DeviceKey`]): one generic-password item
//! per device-bound slot (service `org.monban.Monban.device-key`, account `monban-<salt hex>`)
//! holding 32 random bytes, with `kSecAttrAccessibleWhenUnlockedThisDeviceOnly`: readable only
//! while the device is unlocked, never synced to iCloud Keychain and never restored onto
//! another device from a backup. The HMAC the vault asks for is computed here; the bytes are
//! wiped as soon as it is done (the copy inside the `CFData` the Keychain returns is released
//! at once; the one Monban hands to `SecItemAdd` is its own buffer, through
//! `CFDataCreateWithBytesNoCopy`, and wiped after).
//!
//! Written against Apple's Keychain Services documentation (`SecItemAdd`,
//! `SecItemCopyMatching` with `kSecReturnData` / `kSecMatchLimitOne`, `SecItemDelete`;
//! `errSecItemNotFound`, `errSecDuplicateItem`, `errSecInteractionNotAllowed`), through the C
//! API directly (no new crate). Type-checked on the host by `ios/hostcheck`, where the
//! framework link attributes are left out (they are refused off Apple).

use std::ffi::c_void;

use zeroize::{Zeroize, Zeroizing};

use crate::vault::device::{self, DERIVED_LEN};
use crate::vault::{DeviceKey, DeviceKeyError, KeyId};

const NAME: &str = "the iOS Keychain";
const SERVICE: &str = "org.monban.Monban.device-key";

type CFTypeRef = *const c_void;
type CFIndex = isize;
type OSStatus = i32;

const ERR_SEC_SUCCESS: OSStatus = 0;
const ERR_SEC_ITEM_NOT_FOUND: OSStatus = -25300;
const ERR_SEC_DUPLICATE_ITEM: OSStatus = -25299;
const ERR_SEC_INTERACTION_NOT_ALLOWED: OSStatus = -25308;
const K_CF_STRING_ENCODING_UTF8: u32 = 0x0800_0100;

/// The address-only statics of CoreFoundation (callback tables).
#[repr(C)]
struct Opaque {
    _private: [u8; 0],
}

#[cfg_attr(
    target_vendor = "apple",
    link(name = "CoreFoundation", kind = "framework")
)]
unsafe extern "C" {
    static kCFTypeDictionaryKeyCallBacks: Opaque;
    static kCFTypeDictionaryValueCallBacks: Opaque;
    static kCFBooleanTrue: CFTypeRef;
    static kCFAllocatorNull: CFTypeRef;
    fn CFDictionaryCreate(
        allocator: CFTypeRef,
        keys: *const CFTypeRef,
        values: *const CFTypeRef,
        count: CFIndex,
        key_callbacks: *const Opaque,
        value_callbacks: *const Opaque,
    ) -> CFTypeRef;
    fn CFStringCreateWithBytes(
        allocator: CFTypeRef,
        bytes: *const u8,
        len: CFIndex,
        encoding: u32,
        external: u8,
    ) -> CFTypeRef;
    fn CFDataCreateWithBytesNoCopy(
        allocator: CFTypeRef,
        bytes: *const u8,
        len: CFIndex,
        deallocator: CFTypeRef,
    ) -> CFTypeRef;
    fn CFDataGetLength(data: CFTypeRef) -> CFIndex;
    fn CFDataGetBytePtr(data: CFTypeRef) -> *const u8;
    fn CFRelease(object: CFTypeRef);
}

#[cfg_attr(target_vendor = "apple", link(name = "Security", kind = "framework"))]
unsafe extern "C" {
    static kSecClass: CFTypeRef;
    static kSecClassGenericPassword: CFTypeRef;
    static kSecAttrService: CFTypeRef;
    static kSecAttrAccount: CFTypeRef;
    static kSecAttrAccessible: CFTypeRef;
    static kSecAttrAccessibleWhenUnlockedThisDeviceOnly: CFTypeRef;
    static kSecValueData: CFTypeRef;
    static kSecReturnData: CFTypeRef;
    static kSecMatchLimit: CFTypeRef;
    static kSecMatchLimitOne: CFTypeRef;
    fn SecItemAdd(attributes: CFTypeRef, result: *mut CFTypeRef) -> OSStatus;
    fn SecItemCopyMatching(query: CFTypeRef, result: *mut CFTypeRef) -> OSStatus;
    fn SecItemDelete(query: CFTypeRef) -> OSStatus;
}

/// A CoreFoundation object this code created (released on drop).
struct Owned(CFTypeRef);

impl Drop for Owned {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // Safety: a +1 reference from a Create/Copy call, released once.
            unsafe { CFRelease(self.0) }
        }
    }
}

fn cf_string(s: &str) -> Owned {
    // Safety: `s` is valid UTF-8 of the given length; the default allocator.
    Owned(unsafe {
        CFStringCreateWithBytes(
            std::ptr::null(),
            s.as_ptr(),
            s.len() as CFIndex,
            K_CF_STRING_ENCODING_UTF8,
            0,
        )
    })
}

fn dictionary(pairs: &[(CFTypeRef, CFTypeRef)]) -> Owned {
    let keys: Vec<CFTypeRef> = pairs.iter().map(|p| p.0).collect();
    let values: Vec<CFTypeRef> = pairs.iter().map(|p| p.1).collect();
    // Safety: equal-length arrays of valid CF objects; the standard retain/release callbacks.
    Owned(unsafe {
        CFDictionaryCreate(
            std::ptr::null(),
            keys.as_ptr(),
            values.as_ptr(),
            pairs.len() as CFIndex,
            &kCFTypeDictionaryKeyCallBacks,
            &kCFTypeDictionaryValueCallBacks,
        )
    })
}

/// The attributes naming `id`'s item: class, service, account.
fn item_query(account: &Owned, service: &Owned) -> Vec<(CFTypeRef, CFTypeRef)> {
    // Safety: reading the Security framework's constant keys.
    unsafe {
        vec![
            (kSecClass, kSecClassGenericPassword),
            (kSecAttrService, service.0),
            (kSecAttrAccount, account.0),
        ]
    }
}

fn status_error(what: &str, status: OSStatus) -> DeviceKeyError {
    match status {
        ERR_SEC_ITEM_NOT_FOUND => DeviceKeyError::Missing { store: NAME },
        ERR_SEC_INTERACTION_NOT_ALLOWED => DeviceKeyError::Locked { store: NAME },
        other => DeviceKeyError::Failed {
            store: NAME,
            why: format!("{what}: OSStatus {other}"),
        },
    }
}

/// The Keychain of this device.
#[derive(Debug)]
pub struct IosKeychain;

static STORE: IosKeychain = IosKeychain;

/// The store for `keystore::this_device`.
pub fn store() -> &'static dyn DeviceKey {
    &STORE
}

impl DeviceKey for IosKeychain {
    fn name(&self) -> &'static str {
        NAME
    }

    fn available(&self) -> bool {
        // Every iOS device has its Keychain; a locked device answers at use.
        true
    }

    fn create(&self, id: &KeyId) -> Result<(), DeviceKeyError> {
        let mut key = Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut key[..]).map_err(|e| DeviceKeyError::Failed {
            store: NAME,
            why: format!("random key: {e}"),
        })?;
        let (account, service) = (cf_string(&id.alias()), cf_string(SERVICE));
        let status = {
            // Safety: the CFData borrows `key` (kCFAllocatorNull: never freed by CF) and is
            // released before `key` is wiped.
            let data = Owned(unsafe {
                CFDataCreateWithBytesNoCopy(
                    std::ptr::null(),
                    key.as_ptr(),
                    key.len() as CFIndex,
                    kCFAllocatorNull,
                )
            });
            let mut attrs = item_query(&account, &service);
            // Safety: constant keys and values of the Security framework.
            unsafe {
                attrs.push((
                    kSecAttrAccessible,
                    kSecAttrAccessibleWhenUnlockedThisDeviceOnly,
                ));
                attrs.push((kSecValueData, data.0));
            }
            let attrs = dictionary(&attrs);
            // Safety: a valid attribute dictionary; no result asked for.
            unsafe { SecItemAdd(attrs.0, std::ptr::null_mut()) }
        };
        key.zeroize();
        match status {
            ERR_SEC_SUCCESS => Ok(()),
            ERR_SEC_DUPLICATE_ITEM => Err(DeviceKeyError::Failed {
                store: NAME,
                why: "a key with this name already exists".into(),
            }),
            other => Err(status_error("SecItemAdd", other)),
        }
    }

    fn derive(
        &self,
        id: &KeyId,
        input: &[u8; DERIVED_LEN],
    ) -> Result<Zeroizing<[u8; DERIVED_LEN]>, DeviceKeyError> {
        let (account, service) = (cf_string(&id.alias()), cf_string(SERVICE));
        let mut query = item_query(&account, &service);
        // Safety: constant keys and values of the Security and CoreFoundation frameworks.
        unsafe {
            query.push((kSecReturnData, kCFBooleanTrue));
            query.push((kSecMatchLimit, kSecMatchLimitOne));
        }
        let query = dictionary(&query);
        let mut result: CFTypeRef = std::ptr::null();
        // Safety: a valid query; `result` receives a +1 CFData on success.
        let status = unsafe { SecItemCopyMatching(query.0, &mut result) };
        if status != ERR_SEC_SUCCESS {
            return Err(status_error("SecItemCopyMatching", status));
        }
        let data = Owned(result);
        // Safety: `data` is the CFData the Keychain returned, alive until dropped below.
        let bytes = unsafe {
            std::slice::from_raw_parts(CFDataGetBytePtr(data.0), CFDataGetLength(data.0) as usize)
        };
        if bytes.len() != 32 {
            return Err(DeviceKeyError::Failed {
                store: NAME,
                why: "the stored key has the wrong length".into(),
            });
        }
        let out = device::hmac(bytes, input);
        drop(data);
        Ok(out)
    }

    fn delete(&self, id: &KeyId) -> Result<(), DeviceKeyError> {
        let (account, service) = (cf_string(&id.alias()), cf_string(SERVICE));
        let query = dictionary(&item_query(&account, &service));
        // Safety: a valid query dictionary.
        match unsafe { SecItemDelete(query.0) } {
            ERR_SEC_SUCCESS | ERR_SEC_ITEM_NOT_FOUND => Ok(()),
            other => Err(status_error("SecItemDelete", other)),
        }
    }
}
