//! What the vault stores: entries (an [`Account`] plus display metadata) and the plaintext
//! payload that is encrypted into the file. The JSON shape is documented in
//! `docs/vault-format.md`; changing it means a new format version.

use serde::{Deserialize, Serialize};

use crate::account::Account;

/// Largest custom icon accepted, in bytes of PNG.
pub const MAX_ICON_BYTES: usize = 64 * 1024;
/// Longest note accepted, in bytes of UTF-8.
pub const MAX_NOTE_BYTES: usize = 4096;
/// Most groups one entry can be in.
pub const MAX_GROUPS: usize = 32;
/// Longest group name accepted, in bytes of UTF-8.
pub const MAX_GROUP_BYTES: usize = 64;

/// Stable identifier of an entry inside one vault (never reused after a removal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryId(pub u64);

impl std::fmt::Display for EntryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// The icon shown beside an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum Icon {
    /// One of the app's built-in icons, by name (`github`, `google`, ...).
    Builtin(String),
    /// The first letter of the issuer (or name) on the entry's colour.
    #[default]
    Letter,
    /// A small PNG chosen by the user (at most [`MAX_ICON_BYTES`]); Base64 in the JSON.
    Custom(#[serde(with = "b64")] Vec<u8>),
}

/// Display metadata of an entry. Times are Unix seconds supplied by the caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryMeta {
    pub icon: Icon,
    /// 0xRRGGBB.
    pub colour: u32,
    /// Position in the list, 0-based; always equal to the entry's index in [`super::Vault::entries`].
    pub order: u32,
    pub favourite: bool,
    pub note: String,
    pub created: u64,
    /// When a code was last generated or copied; `None` if never.
    pub last_used: Option<u64>,
    /// How many times a code was generated or copied (for "most used" sorting).
    #[serde(default)]
    pub use_count: u64,
    /// Groups (tags) the entry is in, as the user typed them, without duplicates
    /// ([`normalise_groups`]); empty for none.
    #[serde(default)]
    pub groups: Vec<String>,
}

impl EntryMeta {
    /// Metadata for a new entry: letter icon, a colour derived from the issuer, created `now`.
    pub fn new_for(account: &Account, now: u64) -> EntryMeta {
        EntryMeta {
            icon: Icon::Letter,
            colour: default_colour(account),
            order: 0,
            favourite: false,
            note: String::new(),
            created: now,
            last_used: None,
            use_count: 0,
            groups: Vec::new(),
        }
    }

    /// True when the entry is in `group` (compared as [`group_key`]).
    pub fn in_group(&self, group: &str) -> bool {
        let k = group_key(group);
        self.groups.iter().any(|g| group_key(g) == k)
    }
}

/// How group names compare: trimmed, inner runs of white space as one space, case folded
/// ("Work", " work " and "WORK" are one group).
pub fn group_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Cleans group names typed or imported: trims and collapses white space, drops empty names
/// and later duplicates ([`group_key`]), keeps the first spelling and the order.
pub fn normalise_groups<I, S>(names: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let clean = n.as_ref().split_whitespace().collect::<Vec<_>>().join(" ");
        if clean.is_empty() || out.iter().any(|g| group_key(g) == group_key(&clean)) {
            continue;
        }
        out.push(clean);
    }
    out
}

/// One stored account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: EntryId,
    pub account: Account,
    pub meta: EntryMeta,
}

/// The plaintext that is encrypted into the vault file.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Payload {
    /// Unix time the vault was created.
    pub created: u64,
    /// The id the next added entry gets.
    pub next_id: u64,
    /// Entries in display order.
    pub entries: Vec<Entry>,
    /// The automatic backups' key (absent until they are turned on).
    #[serde(default)]
    pub backup_key: Option<super::BackupKey>,
}

/// A pleasant, stable colour per issuer (so the same service always gets the same colour).
pub fn default_colour(account: &Account) -> u32 {
    const PALETTE: [u32; 12] = [
        0x1E88E5, 0x43A047, 0xE53935, 0x8E24AA, 0xFB8C00, 0x00897B, 0x3949AB, 0xD81B60, 0x6D4C41,
        0x546E7A, 0xC0CA33, 0x00ACC1,
    ];
    let key = if account.issuer.is_empty() {
        &account.name
    } else {
        &account.issuer
    };
    // FNV-1a over the lower-cased key: stable across runs and platforms.
    let mut h: u32 = 0x811c_9dc5;
    for b in key.to_lowercase().bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    PALETTE[(h % PALETTE.len() as u32) as usize]
}

/// Checks what the vault refuses to store: accounts that cannot produce codes, oversized or
/// non-PNG icons, colours outside 24 bits, oversized notes.
pub(crate) fn validate(account: &Account, meta: &EntryMeta) -> Result<(), String> {
    crate::otp::validate(account).map_err(|e| e.to_string())?;
    if let Icon::Custom(png) = &meta.icon {
        if png.len() > MAX_ICON_BYTES {
            return Err(format!(
                "the custom icon is {} bytes; at most {MAX_ICON_BYTES} are accepted",
                png.len()
            ));
        }
        if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Err("the custom icon is not a PNG image".into());
        }
    }
    if meta.colour > 0xFF_FFFF {
        return Err(format!("colour {:#x} is not 0xRRGGBB", meta.colour));
    }
    if meta.note.len() > MAX_NOTE_BYTES {
        return Err(format!("the note is longer than {MAX_NOTE_BYTES} bytes"));
    }
    if meta.groups.len() > MAX_GROUPS {
        return Err(format!(
            "the account is in {} groups; at most {MAX_GROUPS} are accepted",
            meta.groups.len()
        ));
    }
    for g in &meta.groups {
        if g.trim().is_empty() || g.chars().any(char::is_control) {
            return Err("a group name is empty or has control characters".into());
        }
        if g.len() > MAX_GROUP_BYTES {
            return Err(format!(
                "the group name \"{}…\" is longer than {MAX_GROUP_BYTES} bytes",
                g.chars().take(16).collect::<String>()
            ));
        }
    }
    if normalise_groups(&meta.groups).len() != meta.groups.len() {
        return Err("the account lists the same group twice".into());
    }
    Ok(())
}

mod b64 {
    use data_encoding::BASE64;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&BASE64.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        BASE64
            .decode(s.as_bytes())
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Secret;

    fn meta() -> EntryMeta {
        EntryMeta::new_for(
            &Account::totp("GitHub", "alice", Secret::new(vec![1; 20])),
            5,
        )
    }

    #[test]
    fn groups_compare_by_folded_key_and_normalise_keeps_first_spelling() {
        assert_eq!(group_key("  Work   Stuff "), "work stuff");
        assert_eq!(
            normalise_groups(["Work", " work ", "", "Home", "HOME", "  a  b "]),
            vec!["Work", "Home", "a b"]
        );
        let mut m = meta();
        m.groups = vec!["Work".into()];
        assert!(m.in_group("WORK ") && !m.in_group("Home"));
    }

    #[test]
    fn validate_refuses_bad_groups() {
        let a = Account::totp("GitHub", "alice", Secret::new(vec![1; 20]));
        let mut m = meta();
        m.groups = vec!["Work".into(), "Home".into()];
        assert!(validate(&a, &m).is_ok());
        for bad in [
            vec!["Work".to_string(), "work".to_string()],
            vec!["".to_string()],
            vec!["a\nb".to_string()],
            vec!["x".repeat(MAX_GROUP_BYTES + 1)],
            (0..=MAX_GROUPS).map(|i| format!("g{i}")).collect(),
        ] {
            m.groups = bad;
            assert!(validate(&a, &m).is_err(), "{:?}", m.groups);
        }
    }

    #[test]
    fn metadata_without_groups_or_use_count_still_reads() {
        let json = r#"{"icon":{"type":"letter"},"colour":1,"order":0,"favourite":false,
            "note":"","created":5,"last_used":null}"#;
        let m: EntryMeta = serde_json::from_str(json).unwrap();
        assert!(m.groups.is_empty());
        assert_eq!(m.use_count, 0);
        let mut g = meta();
        g.groups = vec!["Work".into()];
        let back: EntryMeta = serde_json::from_str(&serde_json::to_string(&g).unwrap()).unwrap();
        assert_eq!(back, g);
    }
}
