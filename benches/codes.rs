//! `cargo bench --bench codes`: codes for 1,000 accounts (the list screen's work per tick),
//! measured side by side with a reference: the bare RFC 4226 computation (HMAC + dynamic
//! truncation written directly on the `hmac`/`sha1`/`sha2` crates) over the same accounts.
//! Prints medians of repeated runs and the ratio Monban / reference.

use std::hint::black_box;
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use monban::{Account, Algorithm, Kind, Secret, otp};

fn accounts(n: usize) -> Vec<Account> {
    (0..n)
        .map(|i| {
            let mut secret = vec![0u8; 20];
            for (j, b) in secret.iter_mut().enumerate() {
                *b = (i * 31 + j * 7) as u8;
            }
            let mut a = Account::totp(
                format!("Service {i}"),
                format!("user{i}@example.com"),
                Secret::new(secret),
            );
            a.algorithm = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][i % 3];
            a.digits = [6, 8][i % 2];
            if i % 10 == 9 {
                a.kind = Kind::Steam;
                a.algorithm = Algorithm::Sha1;
                a.digits = 5;
            }
            a
        })
        .collect()
}

fn reference_code(a: &Account, t: u64) -> u32 {
    let counter = (t / a.period).to_be_bytes();
    macro_rules! mac {
        ($h:ty) => {{
            let mut m = <Hmac<$h> as KeyInit>::new_from_slice(a.secret.expose()).unwrap();
            m.update(&counter);
            m.finalize().into_bytes().to_vec()
        }};
    }
    let h = match a.algorithm {
        Algorithm::Sha1 => mac!(sha1::Sha1),
        Algorithm::Sha256 => mac!(sha2::Sha256),
        Algorithm::Sha512 => mac!(sha2::Sha512),
    };
    let o = (h[h.len() - 1] & 0xf) as usize;
    let v = u32::from_be_bytes([h[o], h[o + 1], h[o + 2], h[o + 3]]) & 0x7fff_ffff;
    if a.kind == Kind::Steam {
        v % 11_881_376
    } else {
        v % 10u32.pow(a.digits)
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let accts = accounts(1000);
    let t = 1_700_000_000u64;
    let rounds = 31;
    let mut ours = Vec::new();
    let mut reference = Vec::new();
    for r in 0..rounds {
        // Alternate the order so neither side always runs on a warmer cache.
        let run_ours = || {
            let s = Instant::now();
            for a in &accts {
                black_box(otp::code_at(black_box(a), t).unwrap());
            }
            s.elapsed()
        };
        let run_ref = || {
            let s = Instant::now();
            for a in &accts {
                black_box(reference_code(black_box(a), t));
            }
            s.elapsed()
        };
        if r % 2 == 0 {
            ours.push(run_ours());
            reference.push(run_ref());
        } else {
            reference.push(run_ref());
            ours.push(run_ours());
        }
    }
    let (o, r) = (median(ours), median(reference));
    println!("codes for 1,000 accounts (median of {rounds} runs)");
    println!(
        "  monban otp::code_at        {:>9.3} ms  ({:.2} µs per code)",
        o.as_secs_f64() * 1e3,
        o.as_secs_f64() * 1e3
    );
    println!(
        "  reference HMAC+truncation  {:>9.3} ms",
        r.as_secs_f64() * 1e3
    );
    println!(
        "  ratio monban/reference     {:>9.2}",
        o.as_secs_f64() / r.as_secs_f64()
    );
}
