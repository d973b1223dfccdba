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

/// A varied set: services with glyphs and letters, a favourite, HOTP, Steam, 8 digits, 60 s.
pub fn sample_accounts() -> Vec<(Account, Option<&'static str>, bool)> {
    let t = |issuer: &str, name: &str, seed| Account::totp(issuer, name, sample_secret(seed));
    let mut out = vec![
        (t("GitHub", "alice@example.com", 1), Some("code"), true),
        (t("coin.z.com", "alice", 2), Some("coin"), false),
        (t("Proton Mail", "alice@proton.me", 3), Some("mail"), false),
        (t("Example Bank", "4402-1187", 4), Some("bank"), false),
        (t("Nextcloud", "alice", 5), None, false),
    ];
    let mut steam = t("Steam", "alice_gamer", 6);
    steam.kind = Kind::Steam;
    steam.digits = 5;
    out.push((steam, Some("game"), false));
    let mut hotp = t("VPN", "alice", 7);
    hotp.kind = Kind::Hotp;
    hotp.counter = 4;
    out.push((hotp, Some("server"), false));
    let mut long = t("AWS", "root", 8);
    long.digits = 8;
    long.algorithm = Algorithm::Sha256;
    out.push((long, Some("cloud"), false));
    let mut slow = t("Fediverse", "@alice@example.social", 9);
    slow.period = 60;
    out.push((slow, None, false));
    out
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
