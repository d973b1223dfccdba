//! Sample accounts for screenshots, benchmarks and tests (made-up keys, never real ones).

use crate::account::{Account, Algorithm, Kind, Secret};
use crate::vault::{EntryMeta, Icon, Vault};

use super::glyphs;

/// A made-up 20-byte key derived from `seed` (deterministic).
pub fn sample_secret(seed: u64) -> Secret {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let bytes = (0..20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    Secret::new(bytes)
}

/// A varied set: real services whose logos show automatically (GitHub, Google, Dropbox,
/// Facebook, Discord, PayPal and 20 more), brands drawn as a letter in their colour (Microsoft,
/// Amazon, AWS), glyphs and letters, a favourite, HOTP, Steam, 8 digits, 60 s, groups, and two
/// look-alike Google accounts told apart by a note.
pub fn sample_accounts() -> Vec<(Account, Option<&'static str>, bool)> {
    let t = |issuer: &str, name: &str, seed| Account::totp(issuer, name, sample_secret(seed));
    let mut out = vec![
        (t("GitHub", "alice@example.com", 1), None, true),
        (t("Google", "alice@gmail.com", 10), None, false),
        (t("Dropbox", "alice@example.com", 11), None, false),
        (t("Facebook", "alice.example", 12), None, false),
        (t("Discord", "alice#1234", 13), None, false),
        (t("PayPal", "alice@example.com", 14), None, false),
        (t("coin.z.com", "alice", 2), Some("coin"), false),
    ];
    let mut long = t("AWS", "root", 8);
    long.digits = 8;
    long.algorithm = Algorithm::Sha256;
    out.push((long, None, false));
    out.extend([
        (t("Microsoft", "alice@outlook.com", 15), None, false),
        (t("Amazon", "alice@example.com", 16), None, false),
        (t("Proton Mail", "alice@proton.me", 3), None, false),
        (t("Example Bank", "4402-1187", 4), Some("bank"), false),
        (t("Nextcloud", "alice", 5), Some("letter"), false),
    ]);
    let mut steam = t("Steam", "alice_gamer", 6);
    steam.kind = Kind::Steam;
    steam.digits = 5;
    out.push((steam, None, false));
    let mut hotp = t("VPN", "alice", 7);
    hotp.kind = Kind::Hotp;
    hotp.counter = 4;
    out.push((hotp, Some("server"), false));
    let mut slow = t("Fediverse", "@alice@example.social", 9);
    slow.period = 60;
    out.push((slow, None, false));
    for (i, (issuer, name)) in [
        ("Google", "alice@gmail.com"),
        ("Reddit", "alice_reads"),
        ("Instagram", "alice.pics"),
        ("Twitch", "alice_live"),
        ("GitLab", "alice"),
        ("Bitwarden", "alice@example.com"),
        ("Binance", "alice@example.com"),
        ("Kraken", "alice@example.com"),
        ("Cloudflare", "alice@example.com"),
        ("npm", "alice"),
        ("Docker", "alice"),
        ("Epic Games", "alice_plays"),
        ("PlayStation", "alice_ps"),
        ("X", "@alice"),
        ("Mastodon", "@alice@mastodon.social"),
        ("DigitalOcean", "alice@example.com"),
        ("Shopify", "alice-shop"),
        ("Stripe", "alice@example.com"),
        ("Zoom", "alice@example.com"),
        ("TikTok", "@alice"),
        ("LinkedIn", "alice@example.com"),
        ("Slack", "alice@example.com"),
    ]
    .into_iter()
    .enumerate()
    {
        out.push((t(issuer, name, 100 + i as u64), None, false));
    }
    out
}

/// Groups of the sample accounts, by issuer (for the group chips).
fn sample_groups(issuer: &str) -> &'static [&'static str] {
    match issuer {
        "GitHub" | "GitLab" | "npm" | "Docker" | "Cloudflare" | "DigitalOcean" | "AWS" => {
            &["Work", "Dev"]
        }
        "Microsoft" | "Slack" | "Zoom" | "LinkedIn" => &["Work"],
        "coin.z.com" | "Binance" | "Kraken" | "PayPal" | "Example Bank" | "Stripe" => &["Money"],
        "Steam" | "Discord" | "Twitch" | "Epic Games" | "PlayStation" => &["Games"],
        _ => &[],
    }
}

/// `n` generated TOTP accounts ("Service 001", ...), for load tests and benchmarks.
pub fn many_accounts(n: usize) -> Vec<Account> {
    (0..n)
        .map(|i| {
            Account::totp(
                format!("Service {:03}", i + 1),
                format!("user{i}@example.com"),
                sample_secret(1000 + i as u64),
            )
        })
        .collect()
}

/// Adds the sample accounts to `vault` with their icons, colours and favourites.
pub fn fill_sample(vault: &mut Vault, now: u64) -> crate::vault::Result<()> {
    for (account, glyph, favourite) in sample_accounts() {
        let mut meta = EntryMeta::new_for(&account, now);
        let key = if account.issuer.is_empty() {
            account.name.clone()
        } else {
            account.issuer.clone()
        };
        meta.colour = glyphs::COLOURS[glyphs::default_colour(&key)];
        meta.icon = match glyph {
            Some(g) => Icon::Builtin(g.to_owned()),
            None => Icon::Letter,
        };
        meta.favourite = favourite;
        meta.groups = sample_groups(&account.issuer)
            .iter()
            .map(|g| (*g).to_owned())
            .collect();
        // The second Google account (the same service enrolled twice) has a note.
        if account.issuer == "Google"
            && vault.entries().iter().any(|e| e.account.issuer == "Google")
        {
            meta.note = "Work phone".to_owned();
            meta.created = now.saturating_sub(86_400 * 40);
        }
        vault.add_with_meta(account, meta)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_make_codes() {
        for (a, _, _) in sample_accounts() {
            crate::otp::validate(&a).unwrap();
        }
        assert_eq!(many_accounts(3).len(), 3);
        assert_ne!(sample_secret(1), sample_secret(2));
    }
}
