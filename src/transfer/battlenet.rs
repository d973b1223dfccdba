//! Battle.net Authenticator's preferences (`shared_prefs/
//! com.blizzard.messenger.authenticator_preferences.xml`, from a rooted phone).
//!
//! `AUTHENTICATOR_DEVICE_SECRET` and `AUTHENTICATOR_SERIAL` are hex strings XOR-masked with a
//! fixed key the app ships (the "MASK" encryption type; the key as Aegis and WinAuth use it).
//! Unmasked, the secret is the hex of the TOTP key: SHA1, 8 digits, 30 s; issuer
//! "Battle.net", name the serial. Lost: the region and restore code.

use zeroize::Zeroizing;

use super::{Error, Fields, Importer, Parsed, Result, prefs};

const FORMAT: &str = "Battle.net";
const SECRET_KEY: &str = "com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET";
const SERIAL_KEY: &str = "com.blizzard.messenger.AUTHENTICATOR_SERIAL";
const MASK: &str = "398e27fc50276a656065b0e525f4c06c04c61075286b8e7aeda59da9813b5dd6c80d2fb38068773fa59ba47c17ca6c6479015c1d5b8b8f6b9a";

pub struct BattleNet;

fn malformed(why: impl Into<String>) -> Error {
    Error::Malformed {
        format: FORMAT,
        why: why.into(),
    }
}

fn unmask(hex: &str) -> Result<Zeroizing<String>> {
    let bytes = Zeroizing::new(
        data_encoding::HEXLOWER_PERMISSIVE
            .decode(hex.trim().as_bytes())
            .map_err(|_| malformed("a masked value is not hex"))?,
    );
    let mask = data_encoding::HEXLOWER
        .decode(MASK.as_bytes())
        .expect("the mask is hex");
    if bytes.len() > mask.len() {
        return Err(malformed("a masked value is longer than the mask"));
    }
    Ok(Zeroizing::new(
        bytes
            .iter()
            .zip(mask.iter())
            .map(|(b, m)| char::from(b ^ m))
            .collect(),
    ))
}

impl Importer for BattleNet {
    fn id(&self) -> &'static str {
        "battle-net"
    }
    fn name(&self) -> &'static str {
        "Battle.net Authenticator"
    }
    fn files(&self) -> &'static str {
        "com.blizzard.messenger.authenticator_preferences.xml from a rooted phone"
    }
    fn encryption(&self) -> super::Encryption {
        super::Encryption::Never
    }
    fn detect(&self, data: &[u8]) -> bool {
        prefs::has_key(data, SECRET_KEY)
    }
    fn encrypted(&self, _data: &[u8]) -> bool {
        false
    }
    fn read(&self, data: &[u8], _password: Option<&str>) -> Result<Parsed> {
        let p = prefs::read(data).map_err(malformed)?;
        let secret = p
            .get(SECRET_KEY)
            .ok_or_else(|| malformed("no device secret"))?;
        let serial = match p.get(SERIAL_KEY) {
            Some(s) if !s.is_empty() => unmask(s)?,
            _ => Zeroizing::new(String::new()),
        };
        let mut out = Parsed::default();
        let secret_hex = unmask(secret)?;
        let Ok(key) = data_encoding::HEXLOWER_PERMISSIVE.decode(secret_hex.as_bytes()) else {
            out.refused.push(super::Refused::new(
                super::loose_label("Battle.net", &serial, 0),
                "the unmasked device secret is not hex",
            ));
            return Ok(out);
        };
        let b32 = Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&Zeroizing::new(key)));
        Fields {
            issuer: "Battle.net",
            name: &serial,
            secret: &b32,
            digits: Some(8),
            ..Fields::default()
        }
        .push_into(&mut out, 0);
        Ok(out)
    }
}
