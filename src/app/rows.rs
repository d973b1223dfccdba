//! The account list's logic without Slint: what each row shows at a given time, when it next
//! changes, moves and search (the order itself: [`crate::arrange`]). The list adapter turns these into Slint
//! rows; nothing here holds or returns a secret.

use crate::account::{Account, Kind};
use crate::otp;

/// What a row shows for one account at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeView {
    /// The current code, grouped for reading (`123 456`; Steam: `2C5XK`).
    pub code: String,
    /// The code after this one, grouped (next period; HOTP: next counter).
    pub next: String,
    /// The code for screen readers: characters separated by spaces.
    pub spoken: String,
    /// Unix second at which `code` stops being current; `None` for HOTP (changes on demand).
    pub expires: Option<u64>,
}

/// Placeholder shown when no code can be made (a damaged entry).
pub const NO_CODE: &str = "——";

/// The code view of `account` at Unix time `unix`.
pub fn code_view(account: &Account, unix: u64) -> CodeView {
    let code = otp::code_at(account, unix).ok();
    let next = otp::next_code(account, unix).ok();
    let expires = match account.kind {
        Kind::Hotp => None,
        Kind::Totp | Kind::Steam => {
            Some(unix.saturating_add(otp::seconds_left(otp::effective_period(account), unix)))
        }
    };
    CodeView {
        spoken: code.as_deref().map(spoken).unwrap_or_default(),
        code: code
            .as_deref()
            .map(otp::group)
            .unwrap_or_else(|| NO_CODE.to_owned()),
        next: next.as_deref().map(otp::group).unwrap_or_default(),
        expires,
    }
}

/// The code read character by character ("1 2 3 4 5 6").
pub fn spoken(code: &str) -> String {
    let mut out = String::with_capacity(code.len() * 2);
    for c in code.chars().filter(|c| c.is_alphanumeric()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// The code to put on the clipboard: the grouped code without spaces.
pub fn clipboard_text(grouped: &str) -> String {
    grouped.chars().filter(|c| !c.is_whitespace()).collect()
}

/// True when every word of `query` occurs in the issuer or the name (case-insensitive).
pub fn matches(query: &str, issuer: &str, name: &str) -> bool {
    let hay = format!("{}\u{1f}{}", issuer.to_lowercase(), name.to_lowercase());
    query
        .split_whitespace()
        .all(|w| hay.contains(&w.to_lowercase()))
}

/// Where an entry at `from` (vault order) moves when the user moves it `delta` places in the
/// *displayed* list. `displayed` is the vault-order index of each displayed row. Moving past the
/// ends or across the favourites boundary is clamped to the row's neighbour; `None` when
/// nothing moves.
pub fn move_target(
    displayed: &[usize],
    favourites: &[bool],
    from: usize,
    delta: i32,
) -> Option<usize> {
    let pos = displayed.iter().position(|&v| v == from)?;
    let target = pos as i64 + delta as i64;
    if target < 0 || target >= displayed.len() as i64 {
        return None;
    }
    let to = displayed[target as usize];
    // Keep favourites and the rest in their own groups.
    if favourites.get(to) != favourites.get(from) {
        return None;
    }
    Some(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Algorithm, Secret};

    fn rfc() -> Account {
        // RFC 6238 test key, 8 digits.
        let mut a = Account::totp("Ex", "alice", Secret::new(b"12345678901234567890".to_vec()));
        a.digits = 8;
        a
    }

    #[test]
    fn totp_view_changes_at_the_boundary() {
        let a = rfc();
        let v = code_view(&a, 59);
        assert_eq!(v.code, "9428 7082");
        assert_eq!(v.expires, Some(60));
        assert_eq!(v.spoken, "9 4 2 8 7 0 8 2");
        let w = code_view(&a, 60);
        assert_eq!(w.expires, Some(90));
        assert_ne!(w.code, v.code);
        assert_eq!(
            v.next, w.code,
            "the next code shown before the boundary is the code after it"
        );
        assert_eq!(code_view(&a, 30).code, v.code);
    }

    #[test]
    fn hotp_never_expires_and_steam_has_five_characters() {
        let mut h = rfc();
        h.kind = Kind::Hotp;
        h.digits = 6;
        h.counter = 0;
        let v = code_view(&h, 12345);
        assert_eq!(v.code, "755 224"); // RFC 4226 count 0
        assert_eq!(v.next, "287 082"); // count 1
        assert_eq!(v.expires, None);

        let mut s = rfc();
        s.kind = Kind::Steam;
        s.digits = 5;
        s.algorithm = Algorithm::Sha1;
        let v = code_view(&s, 1_000_000);
        assert_eq!(v.code.chars().count(), 5);
        assert!(!v.code.contains(' '));
        assert_eq!(v.expires, Some(1_000_020));
    }

    #[test]
    fn broken_account_shows_placeholder() {
        let mut a = rfc();
        a.digits = 3;
        let v = code_view(&a, 0);
        assert_eq!(v.code, NO_CODE);
        assert_eq!(v.spoken, "");
    }

    #[test]
    fn clipboard_text_drops_grouping() {
        assert_eq!(clipboard_text("123 456"), "123456");
        assert_eq!(clipboard_text("2C5XK"), "2C5XK");
    }

    #[test]
    fn search_words() {
        assert!(matches("", "GitHub", "alice"));
        assert!(matches("git ALI", "GitHub", "alice"));
        assert!(matches("z.com", "coin.z.com", ""));
        assert!(!matches("bob", "GitHub", "alice"));
        assert!(
            !matches("hubal", "GitHub", "alice"),
            "words do not run across issuer and name"
        );
    }

    #[test]
    fn moves_stay_in_their_group() {
        // vault order 0..4; favourites 1 and 3 → displayed [1, 3, 0, 2]
        let favs = [false, true, false, true];
        let shown = [1, 3, 0, 2];
        assert_eq!(move_target(&shown, &favs, 3, -1), Some(1));
        assert_eq!(
            move_target(&shown, &favs, 3, 1),
            None,
            "a favourite does not move below the rest"
        );
        assert_eq!(move_target(&shown, &favs, 0, 1), Some(2));
        assert_eq!(move_target(&shown, &favs, 2, 1), None);
        assert_eq!(move_target(&shown, &favs, 1, -1), None);
        assert_eq!(move_target(&shown, &favs, 9, 1), None);
    }

    #[test]
    fn codes_are_spoken_character_by_character() {
        assert_eq!(spoken("123 456"), "1 2 3 4 5 6");
        assert_eq!(spoken("7KQ2M-XD4PA"), "7 K Q 2 M X D 4 P A");
        assert_eq!(spoken(""), "");
    }
}
