//! Built-in account glyphs and avatar colours. The order matches `Glyphs` in
//! `ui/globals/icons.slint`; the vault stores the glyph by name, so reordering here never
//! changes what a user picked.

/// Glyph names, in the order of `Glyphs.all`.
pub const GLYPHS: [&str; 14] = [
    "key", "shield", "mail", "cloud", "bank", "game", "code", "cart", "chat", "globe", "work",
    "server", "coin", "home",
];

/// Avatar colours, in the order of `Glyphs.colours` (white on each has ≥ 3:1 contrast).
pub const COLOURS: [u32; 10] = [
    0x1565c0, 0x2e7d32, 0xc62828, 0xd84315, 0x6a1b9a, 0x00695c, 0x5d4037, 0x283593, 0xad1457,
    0x455a64,
];

/// The glyph index for a stored icon name; `None` means the letter avatar.
pub fn glyph_index(name: &str) -> Option<usize> {
    let name = name.strip_prefix("glyph:").unwrap_or(name);
    GLYPHS.iter().position(|g| g.eq_ignore_ascii_case(name))
}

/// The stored name of a glyph index (negative or out of range: the letter avatar, `None`).
pub fn glyph_name(index: i32) -> Option<&'static str> {
    usize::try_from(index)
        .ok()
        .and_then(|i| GLYPHS.get(i).copied())
}

/// The first letter of a name, upper-cased, for the letter avatar ("?" when empty).
pub fn letter(name: &str) -> String {
    name.trim()
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_else(|| "?".to_owned())
}

/// A stable default colour for a service: the same issuer always gets the same colour.
pub fn default_colour(issuer: &str) -> usize {
    let h = issuer.to_lowercase().bytes().fold(0x811c9dc5u32, |h, b| {
        (h ^ b as u32).wrapping_mul(0x01000193)
    });
    (h % COLOURS.len() as u32) as usize
}

/// The index of a stored colour (`0xRRGGBB`); unknown colours map to the nearest palette entry.
pub fn colour_index(rgb: u32) -> usize {
    let d = |a: u32, b: u32| {
        let c = |s: u32| ((a >> s) & 0xff) as i32 - ((b >> s) & 0xff) as i32;
        c(16).pow(2) + c(8).pow(2) + c(0).pow(2)
    };
    (0..COLOURS.len())
        .min_by_key(|&i| d(COLOURS[i], rgb))
        .unwrap_or(0)
}

/// A glyph suggested by the service name, when one obviously fits.
pub fn suggest_glyph(issuer: &str) -> Option<usize> {
    let s = issuer.to_lowercase();
    let rules: [(&[&str], &str); 8] = [
        (&["mail", "proton", "fastmail", "outlook"], "mail"),
        (&["bank", "pay", "wallet"], "bank"),
        (
            &[
                "steam",
                "game",
                "epic",
                "nintendo",
                "playstation",
                "xbox",
                "battle.net",
            ],
            "game",
        ),
        (&["git", "code", "npm", "pypi", "crates"], "code"),
        (&["coin", "crypto", "exchange", "bit"], "coin"),
        (&["aws", "cloud", "azure", "drive", "dropbox"], "cloud"),
        (&["shop", "amazon", "store", "cart"], "cart"),
        (&["vpn", "server", "host", "ssh"], "server"),
    ];
    rules
        .iter()
        .find(|(words, _)| words.iter().any(|w| s.contains(w)))
        .and_then(|(_, g)| glyph_index(g))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (i, g) in GLYPHS.iter().enumerate() {
            assert_eq!(glyph_index(g), Some(i));
            assert_eq!(glyph_name(i as i32), Some(*g));
        }
        assert_eq!(glyph_index("glyph:mail"), Some(2));
        assert_eq!(glyph_name(-1), None);
        assert_eq!(glyph_name(99), None);
        assert_eq!(glyph_index("nope"), None);
    }

    #[test]
    fn letters() {
        assert_eq!(letter("github"), "G");
        assert_eq!(letter("  @example"), "E");
        assert_eq!(letter(""), "?");
        assert_eq!(letter("ß"), "SS");
        assert_eq!(letter("日本"), "日");
    }

    #[test]
    fn colours_are_stable_and_nearest() {
        assert_eq!(default_colour("GitHub"), default_colour("github"));
        assert!(default_colour("x") < COLOURS.len());
        for (i, c) in COLOURS.iter().enumerate() {
            assert_eq!(colour_index(*c), i);
        }
        assert_eq!(colour_index(0x1565c1), 0);
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest_glyph("GitHub").and_then(|i| glyph_name(i as i32)),
            Some("code")
        );
        assert_eq!(
            suggest_glyph("coin.z.com").and_then(|i| glyph_name(i as i32)),
            Some("coin")
        );
        assert_eq!(suggest_glyph("Example"), None);
    }
}
