//! Arranging the account list, shared by the command line and the app: sort orders, the group
//! filter, finding the account a query names (by id or by issuer/name), and telling look-alike
//! accounts (same issuer and name) apart. Plain functions over vault entries; nothing here
//! reads the clock or writes the vault.

use std::cmp::Ordering;
use std::collections::HashMap;

use thiserror::Error;

use crate::vault::{Entry, EntryId, group_key};

/// How the list is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum SortOrder {
    /// The user's own order (the vault's order; what moving rows changes).
    #[default]
    Custom,
    /// By account name, then issuer.
    Name,
    /// By issuer (the name where there is none), then name.
    Issuer,
    /// Most codes used first.
    MostUsed,
    /// Most recently used first; never used last.
    Recent,
}

impl SortOrder {
    /// Every order, in the order a chooser shows them.
    pub const ALL: [SortOrder; 5] = [
        SortOrder::Custom,
        SortOrder::Name,
        SortOrder::Issuer,
        SortOrder::MostUsed,
        SortOrder::Recent,
    ];

    /// The command-line and settings name (`custom`, `name`, `issuer`, `used`, `recent`).
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Custom => "custom",
            SortOrder::Name => "name",
            SortOrder::Issuer => "issuer",
            SortOrder::MostUsed => "used",
            SortOrder::Recent => "recent",
        }
    }
}

impl serde::Serialize for SortOrder {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for SortOrder {
    /// Lenient: a name this version does not know is the custom order (never a reason to
    /// drop the rest of the settings).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        Ok(v.as_str().and_then(|s| s.parse().ok()).unwrap_or_default())
    }
}

/// How the app's list is shown: the `list` section of the settings file
/// ([`crate::settings::Settings::list`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ListSettings {
    /// The list's order.
    pub sort: SortOrder,
    /// Codes show as dots until tapped, then for [`REVEAL_SECS`].
    pub reveal_on_tap: bool,
}

/// How long a tapped code stays visible with reveal on tap.
pub const REVEAL_SECS: u64 = 10;

/// A sort order name that is not one of [`SortOrder::as_str`].
#[derive(Debug, Error, PartialEq, Eq)]
#[error("unknown sort order \"{0}\": use custom, name, issuer, used or recent")]
pub struct UnknownSort(pub String);

impl std::str::FromStr for SortOrder {
    type Err = UnknownSort;
    fn from_str(s: &str) -> Result<Self, UnknownSort> {
        let t = s.trim().to_ascii_lowercase();
        SortOrder::ALL
            .into_iter()
            .find(|o| o.as_str() == t)
            .ok_or_else(|| UnknownSort(s.to_owned()))
    }
}

/// Case- and accent-insensitive enough for sorting names people type (lower-cased, trimmed).
fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

fn issuer_or_name(e: &Entry) -> &str {
    if e.account.issuer.trim().is_empty() {
        &e.account.name
    } else {
        &e.account.issuer
    }
}

/// The entries in `order`. Ties keep the vault order, so the result is deterministic.
pub fn sorted(entries: &[Entry], order: SortOrder) -> Vec<&Entry> {
    let mut out: Vec<(usize, &Entry)> = entries.iter().enumerate().collect();
    let by = |a: &(usize, &Entry), b: &(usize, &Entry)| -> Ordering {
        let (ea, eb) = (a.1, b.1);
        let primary = match order {
            SortOrder::Custom => Ordering::Equal,
            SortOrder::Name => fold(&ea.account.name)
                .cmp(&fold(&eb.account.name))
                .then_with(|| fold(&ea.account.issuer).cmp(&fold(&eb.account.issuer))),
            SortOrder::Issuer => fold(issuer_or_name(ea))
                .cmp(&fold(issuer_or_name(eb)))
                .then_with(|| fold(&ea.account.name).cmp(&fold(&eb.account.name))),
            SortOrder::MostUsed => eb
                .meta
                .use_count
                .cmp(&ea.meta.use_count)
                .then_with(|| eb.meta.last_used.cmp(&ea.meta.last_used)),
            // `Option` orders `None` first, so comparing b to a puts never-used last.
            SortOrder::Recent => eb.meta.last_used.cmp(&ea.meta.last_used),
        };
        primary.then(a.0.cmp(&b.0))
    };
    out.sort_by(by);
    out.into_iter().map(|(_, e)| e).collect()
}

/// Every group used by some entry: the first spelling met, sorted case-insensitively.
pub fn all_groups(entries: &[Entry]) -> Vec<String> {
    let mut seen: HashMap<String, String> = HashMap::new();
    for g in entries.iter().flat_map(|e| &e.meta.groups) {
        seen.entry(group_key(g)).or_insert_with(|| g.clone());
    }
    let mut out: Vec<(String, String)> = seen.into_iter().collect();
    out.sort();
    out.into_iter().map(|(_, g)| g).collect()
}

/// The entries in `group` (compared as [`group_key`]), in their given order.
pub fn in_group<'a>(entries: impl IntoIterator<Item = &'a Entry>, group: &str) -> Vec<&'a Entry> {
    entries
        .into_iter()
        .filter(|e| e.meta.in_group(group))
        .collect()
}

/// Why a query names no single account.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum FindError {
    #[error("give an account's id (see `monban list`) or part of its issuer or name")]
    Empty,
    #[error("no account has the id {0} (see `monban list`)")]
    NoSuchId(u64),
    #[error("no account matches \"{query}\" ({count} in the vault; see `monban list`)")]
    NoMatch { query: String, count: usize },
    #[error(
        "\"{query}\" matches {} accounts: {}; give one of the ids",
        .candidates.len(),
        .candidates.join(", ")
    )]
    Ambiguous {
        query: String,
        /// "#3 GitHub (alice)" for each match.
        candidates: Vec<String>,
    },
}

/// The id a query spells, if it is one: `#12` or `12`.
fn as_id(q: &str) -> Option<u64> {
    let digits = q.strip_prefix('#').unwrap_or(q);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The entry a query names. An id (`12` or `#12`, as `monban list` shows it) always wins;
/// otherwise a case-insensitive part of the issuer, the name or "Issuer (name)", and among
/// several matches the one
/// whose issuer, name or "Issuer (name)" equals the query. Two accounts that look the same are
/// told apart only by their ids, which the error lists.
pub fn find(entries: &[Entry], query: &str) -> Result<EntryId, FindError> {
    let q = query.trim();
    if q.is_empty() {
        return Err(FindError::Empty);
    }
    if let Some(id) = as_id(q) {
        if let Some(e) = entries.iter().find(|e| e.id.0 == id) {
            return Ok(e.id);
        }
        if q.starts_with('#') {
            return Err(FindError::NoSuchId(id));
        }
    }
    let q = q.to_lowercase();
    let matches: Vec<&Entry> = entries
        .iter()
        .filter(|e| {
            e.account.issuer.to_lowercase().contains(&q)
                || e.account.name.to_lowercase().contains(&q)
                || e.account.display_name().to_lowercase().contains(&q)
        })
        .collect();
    match matches.as_slice() {
        [] => Err(FindError::NoMatch {
            query: query.trim().to_owned(),
            count: entries.len(),
        }),
        [one] => Ok(one.id),
        many => {
            let exact: Vec<&&Entry> = many
                .iter()
                .filter(|e| {
                    let a = &e.account;
                    a.issuer.to_lowercase() == q
                        || a.name.to_lowercase() == q
                        || a.display_name().to_lowercase() == q
                })
                .collect();
            if let [one] = exact.as_slice() {
                return Ok(one.id);
            }
            Err(FindError::Ambiguous {
                query: query.trim().to_owned(),
                candidates: many
                    .iter()
                    .map(|e| format!("{} {}", e.id, e.account.display_name()))
                    .collect(),
            })
        }
    }
}

/// What tells an entry apart from others with the same issuer and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Distinction {
    /// The first line of its note.
    Note(String),
    /// When it was added (Unix seconds), for entries without a note.
    Added(u64),
}

/// For each entry that shares its issuer and name (ignoring case and outer spaces) with
/// another, what tells it apart; entries that look unique are not in the map.
pub fn lookalikes(entries: &[Entry]) -> HashMap<EntryId, Distinction> {
    let key = |e: &Entry| (fold(&e.account.issuer), fold(&e.account.name));
    let mut count: HashMap<(String, String), usize> = HashMap::new();
    for e in entries {
        *count.entry(key(e)).or_default() += 1;
    }
    entries
        .iter()
        .filter(|e| count[&key(e)] > 1)
        .map(|e| {
            let note = e.meta.note.lines().map(str::trim).find(|l| !l.is_empty());
            let d = match note {
                Some(line) => Distinction::Note(line.to_owned()),
                None => Distinction::Added(e.meta.created),
            };
            (e.id, d)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Account, Secret};
    use crate::vault::EntryMeta;
    use proptest::prelude::*;

    fn entry(id: u64, issuer: &str, name: &str) -> Entry {
        let account = Account::totp(issuer, name, Secret::new(vec![id as u8 + 1; 20]));
        let mut meta = EntryMeta::new_for(&account, 1_700_000_000 + id);
        meta.order = id as u32;
        Entry {
            id: EntryId(id),
            account,
            meta,
        }
    }

    fn sample() -> Vec<Entry> {
        let mut v = vec![
            entry(0, "GitHub", "alice"),
            entry(1, "google", "Bob"),
            entry(2, "", "zed@example.com"),
            entry(3, "Amazon", "carol"),
            entry(4, "GitHub", "alice"),
        ];
        v[0].meta.use_count = 3;
        v[0].meta.last_used = Some(10);
        v[1].meta.use_count = 7;
        v[1].meta.last_used = Some(5);
        v[3].meta.use_count = 3;
        v[3].meta.last_used = Some(20);
        v[0].meta.groups = vec!["Work".into()];
        v[1].meta.groups = vec!["work".into(), "Home".into()];
        v[4].meta.note = "\n  second laptop \nmore".into();
        v
    }

    fn ids(v: &[&Entry]) -> Vec<u64> {
        v.iter().map(|e| e.id.0).collect()
    }

    #[test]
    fn list_settings_read_leniently_and_keep_the_rest_of_the_settings() {
        let s: ListSettings =
            serde_json::from_str(r#"{"sort":"recent","reveal_on_tap":true}"#).unwrap();
        assert_eq!(
            s,
            ListSettings {
                sort: SortOrder::Recent,
                reveal_on_tap: true
            }
        );
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            serde_json::json!({"sort": "recent", "reveal_on_tap": true})
        );
        // A sort order from a later version, or none: the custom order; nothing else lost.
        let s: ListSettings =
            serde_json::from_str(r#"{"sort":"colour","reveal_on_tap":true}"#).unwrap();
        assert_eq!(s.sort, SortOrder::Custom);
        assert!(s.reveal_on_tap);
        let s: ListSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(s, ListSettings::default());
        let all: crate::settings::Settings =
            serde_json::from_str(r#"{"auto_lock_secs": 300, "list": {"sort": 7}}"#).unwrap();
        assert_eq!(all.auto_lock_secs, 300);
        assert_eq!(all.list.sort, SortOrder::Custom);
        assert!(!all.list.reveal_on_tap, "off by default");
    }

    #[test]
    fn each_sort_order() {
        let v = sample();
        assert_eq!(ids(&sorted(&v, SortOrder::Custom)), [0, 1, 2, 3, 4]);
        assert_eq!(ids(&sorted(&v, SortOrder::Name)), [0, 4, 1, 3, 2]);
        assert_eq!(ids(&sorted(&v, SortOrder::Issuer)), [3, 0, 4, 1, 2]);
        assert_eq!(ids(&sorted(&v, SortOrder::MostUsed)), [1, 3, 0, 2, 4]);
        assert_eq!(ids(&sorted(&v, SortOrder::Recent)), [3, 0, 1, 2, 4]);
    }

    #[test]
    fn sort_names_parse_both_ways() {
        for o in SortOrder::ALL {
            assert_eq!(o.as_str().parse::<SortOrder>(), Ok(o));
        }
        assert_eq!(" Used ".parse::<SortOrder>(), Ok(SortOrder::MostUsed));
        assert!("popular".parse::<SortOrder>().is_err());
    }

    #[test]
    fn groups_are_listed_once_and_filter_case_insensitively() {
        let v = sample();
        assert_eq!(all_groups(&v), ["Home", "Work"]);
        assert_eq!(ids(&in_group(&v, "WORK")), [0, 1]);
        assert_eq!(ids(&in_group(&v, " home ")), [1]);
        assert!(in_group(&v, "Travel").is_empty());
    }

    #[test]
    fn find_by_id_by_text_and_lookalikes_only_by_id() {
        let v = sample();
        assert_eq!(find(&v, "#4"), Ok(EntryId(4)));
        assert_eq!(find(&v, "4"), Ok(EntryId(4)));
        assert_eq!(find(&v, "#9"), Err(FindError::NoSuchId(9)));
        assert_eq!(find(&v, "amaz"), Ok(EntryId(3)));
        assert_eq!(find(&v, "ZED"), Ok(EntryId(2)));
        assert_eq!(find(&v, "  "), Err(FindError::Empty));
        assert!(matches!(
            find(&v, "nothing"),
            Err(FindError::NoMatch { count: 5, .. })
        ));
        match find(&v, "GitHub (alice)") {
            Err(FindError::Ambiguous { candidates, .. }) => {
                assert_eq!(candidates, ["#0 GitHub (alice)", "#4 GitHub (alice)"])
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(find(&v, "go"), Ok(EntryId(1)));
        // Among several partial matches, the exact one wins.
        let mut w = sample();
        w.push(entry(5, "Google Cloud", "bob"));
        assert_eq!(find(&w, "google"), Ok(EntryId(1)));
    }

    #[test]
    fn a_numeric_issuer_is_found_when_no_id_is_that_number() {
        let v = vec![entry(0, "1984", "me")];
        assert_eq!(find(&v, "1984"), Ok(EntryId(0)));
        assert_eq!(find(&v, "#1984"), Err(FindError::NoSuchId(1984)));
    }

    #[test]
    fn lookalikes_get_their_note_or_added_date() {
        let v = sample();
        let l = lookalikes(&v);
        assert_eq!(l.len(), 2);
        assert_eq!(l[&EntryId(0)], Distinction::Added(1_700_000_000));
        assert_eq!(l[&EntryId(4)], Distinction::Note("second laptop".into()));
    }

    proptest! {
        #[test]
        fn sorting_is_a_permutation_and_every_id_finds_its_entry(
            names in proptest::collection::vec(("[a-c]{0,2}", "[a-c]{0,2}", 0u64..4, proptest::option::of(0u64..4)), 0..12)
        ) {
            let v: Vec<Entry> = names.iter().enumerate().map(|(i, (iss, n, c, l))| {
                let mut e = entry(i as u64, iss, n);
                e.meta.use_count = *c;
                e.meta.last_used = *l;
                e
            }).collect();
            for o in SortOrder::ALL {
                let mut got = ids(&sorted(&v, o));
                got.sort();
                prop_assert_eq!(got, (0..v.len() as u64).collect::<Vec<_>>());
            }
            for e in &v {
                prop_assert_eq!(find(&v, &e.id.to_string()), Ok(e.id));
            }
        }
    }
}
