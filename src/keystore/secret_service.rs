//! The device key store of desktop Linux: the freedesktop **Secret Service** (GNOME Keyring,
//! KWallet, KeePassXC) over the local D-Bus session bus, through `zbus` (already in the tree
//! for the desktop portal: no new crate, nothing that can reach a network). It implements
//! [`vault::DeviceKey`](crate::vault::DeviceKey): each device-bound vault slot has one item in
//! the default collection holding 32 random bytes, found by the attributes
//! `application = org.monban.Monban`, `monban-key = monban-<salt hex>`; the HMAC the vault asks
//! for is computed here and the secret is wiped at once.
//!
//! The session uses the Secret Service's `plain` transfer: the bytes cross the user's own
//! session bus unencrypted, which only processes of the same user can read — and those can
//! ask the service for the item anyway (the threat table in `docs/vault-format.md`).
//! A locked collection is unlocked through the service's own prompt.
//!
//! [`super::this_device`] hands it to the app and the CLI.

use std::collections::HashMap;

use zbus::blocking::{Connection, Proxy};
use zbus::zvariant::{ObjectPath, OwnedObjectPath, OwnedValue, Value};
use zeroize::{Zeroize, Zeroizing};

use crate::vault::{DeviceKey, DeviceKeyError, KeyId, device};

const DEST: &str = "org.freedesktop.secrets";
const SERVICE_PATH: &str = "/org/freedesktop/secrets";
const SERVICE: &str = "org.freedesktop.Secret.Service";
const ITEM: &str = "org.freedesktop.Secret.Item";
const PROMPT: &str = "org.freedesktop.Secret.Prompt";
const DEFAULT_COLLECTION: &str = "/org/freedesktop/secrets/aliases/default";
const COLLECTION: &str = "org.freedesktop.Secret.Collection";
/// The `application` attribute of every item Monban stores.
pub const APPLICATION: &str = "org.monban.Monban";
const NAME: &str = "the Secret Service (desktop keyring)";

/// A Secret Service `Secret`: session, parameters, value, content type.
type Secret = (OwnedObjectPath, Vec<u8>, Vec<u8>, String);

/// The Secret Service of the user's session bus (`DBUS_SESSION_BUS_ADDRESS`).
#[derive(Debug)]
pub struct SecretService;

pub(super) static STORE: SecretService = SecretService;

fn failed(e: impl std::fmt::Display) -> DeviceKeyError {
    DeviceKeyError::Failed {
        store: NAME,
        why: e.to_string(),
    }
}

/// One connection with an open `plain` session.
struct Session {
    conn: Connection,
    session: OwnedObjectPath,
}

impl Session {
    fn open() -> Result<Session, DeviceKeyError> {
        let unavailable = |e: zbus::Error| DeviceKeyError::Unavailable {
            store: NAME,
            why: e.to_string(),
        };
        let conn = Connection::session().map_err(unavailable)?;
        let service = Proxy::new(&conn, DEST, SERVICE_PATH, SERVICE).map_err(unavailable)?;
        let (_, session): (OwnedValue, OwnedObjectPath) = service
            .call("OpenSession", &("plain", Value::from("")))
            .map_err(unavailable)?;
        Ok(Session { conn, session })
    }

    fn service(&self) -> Result<Proxy<'_>, DeviceKeyError> {
        Proxy::new(&self.conn, DEST, SERVICE_PATH, SERVICE).map_err(failed)
    }

    fn attributes(id: &KeyId) -> HashMap<&'static str, String> {
        HashMap::from([
            ("application", APPLICATION.to_string()),
            ("monban-key", id.alias()),
        ])
    }

    /// Runs a prompt the service asked for (`/` is none); false when it was dismissed.
    fn prompt(&self, path: &ObjectPath<'_>) -> Result<bool, DeviceKeyError> {
        if path.as_str() == "/" {
            return Ok(true);
        }
        let p = Proxy::new(&self.conn, DEST, path.as_str(), PROMPT).map_err(failed)?;
        let mut done = p.receive_signal("Completed").map_err(failed)?;
        p.call_method("Prompt", &("",)).map_err(failed)?;
        let msg = done
            .next()
            .ok_or_else(|| failed("the session bus closed during the prompt"))?;
        let (dismissed, _): (bool, OwnedValue) = msg.body().deserialize().map_err(failed)?;
        Ok(!dismissed)
    }

    /// The unlocked item holding `id`'s key, unlocking it through the prompt if needed.
    fn find(&self, id: &KeyId) -> Result<Option<OwnedObjectPath>, DeviceKeyError> {
        let service = self.service()?;
        let (unlocked, locked): (Vec<OwnedObjectPath>, Vec<OwnedObjectPath>) = service
            .call("SearchItems", &(Self::attributes(id),))
            .map_err(failed)?;
        if let Some(item) = unlocked.into_iter().next() {
            return Ok(Some(item));
        }
        let Some(item) = locked.into_iter().next() else {
            return Ok(None);
        };
        let (done, prompt): (Vec<OwnedObjectPath>, OwnedObjectPath) = service
            .call("Unlock", &(vec![item.clone()],))
            .map_err(failed)?;
        if done.contains(&item) || self.prompt(&prompt)? {
            return Ok(Some(item));
        }
        Err(DeviceKeyError::Locked { store: NAME })
    }
}

impl DeviceKey for SecretService {
    fn name(&self) -> &'static str {
        NAME
    }

    fn available(&self) -> bool {
        let Ok(s) = Session::open() else {
            return false;
        };
        // A default collection must exist (a fresh service may have none until a keyring
        // is made, which needs the user at a prompt).
        let Ok(service) = s.service() else {
            return false;
        };
        let found: zbus::Result<OwnedObjectPath> = service.call("ReadAlias", &("default",));
        found.is_ok_and(|p| p.as_str() != "/")
    }

    fn create(&self, id: &KeyId) -> Result<(), DeviceKeyError> {
        let s = Session::open()?;
        let collection =
            Proxy::new(&s.conn, DEST, DEFAULT_COLLECTION, COLLECTION).map_err(failed)?;
        let mut props: HashMap<&str, Value<'_>> = HashMap::new();
        props.insert(
            "org.freedesktop.Secret.Item.Label",
            Value::from("Monban vault key"),
        );
        props.insert(
            "org.freedesktop.Secret.Item.Attributes",
            Value::from(Session::attributes(id)),
        );
        let mut key = Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut key[..]).map_err(|e| failed(format!("random key: {e}")))?;
        let secret: Secret = (
            s.session.clone(),
            Vec::new(),
            key.to_vec(),
            "application/octet-stream".into(),
        );
        key.zeroize();
        let answer: zbus::Result<(OwnedObjectPath, OwnedObjectPath)> =
            collection.call("CreateItem", &(props, secret, false));
        let (item, prompt) = answer.map_err(failed)?;
        if item.as_str() == "/" && !s.prompt(&prompt)? {
            return Err(DeviceKeyError::Locked { store: NAME });
        }
        // The item must be there to be used: check now rather than at the next unlock.
        match s.find(id)? {
            Some(_) => Ok(()),
            None => Err(failed("the key was not stored")),
        }
    }

    fn derive(
        &self,
        id: &KeyId,
        input: &[u8; device::DERIVED_LEN],
    ) -> Result<Zeroizing<[u8; device::DERIVED_LEN]>, DeviceKeyError> {
        let s = Session::open()?;
        let item = s.find(id)?.ok_or(DeviceKeyError::Missing { store: NAME })?;
        let p = Proxy::new(&s.conn, DEST, item.as_str(), ITEM).map_err(failed)?;
        let (_, mut params, mut value, _): Secret =
            p.call("GetSecret", &(&s.session,)).map_err(failed)?;
        params.zeroize();
        if value.len() != 32 {
            value.zeroize();
            return Err(failed("the stored key has the wrong length"));
        }
        let out = device::hmac(&value, input);
        value.zeroize();
        Ok(out)
    }

    fn delete(&self, id: &KeyId) -> Result<(), DeviceKeyError> {
        let s = Session::open()?;
        let Some(item) = s.find(id)? else {
            return Ok(());
        };
        let p = Proxy::new(&s.conn, DEST, item.as_str(), ITEM).map_err(failed)?;
        let prompt: OwnedObjectPath = p.call("Delete", &()).map_err(failed)?;
        if s.prompt(&prompt)? {
            Ok(())
        } else {
            Err(DeviceKeyError::Locked { store: NAME })
        }
    }
}
