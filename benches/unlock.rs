//! `cargo bench --bench unlock`: how long unlocking a vault takes with the default parameters
//! (Argon2id, 64 MiB, t=3, p=4), side by side with the reference C implementation (the Debian
//! package `argon2`, same m/t/p and output length), and the ratio. Goal: ratio ≤ 1.2.
//!
//! Both sides are timed as wall-clock time (the C tool's own "seconds" line is CPU time summed
//! over its threads, so it is not used). Runs: `MONBAN_BENCH_RUNS` (default 9); medians.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use monban::vault::{KdfParams, Vault};
use monban::{Account, Secret};

const PASSCODE: &str = "correct horse battery staple 42";
const SALT: &str = "monban-salt-0001"; // 16 ASCII bytes: the C tool takes the salt as an argument

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn rust_argon2(p: KdfParams) -> [u8; 32] {
    let params = argon2::Params::new(p.m_kib, p.t, p.p, Some(32)).unwrap();
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = [0u8; 32];
    a.hash_password_into(PASSCODE.as_bytes(), SALT.as_bytes(), &mut out)
        .unwrap();
    out
}

fn c_argon2(p: KdfParams) -> Option<Vec<u8>> {
    let mut child = Command::new("argon2")
        .args([
            SALT,
            "-id",
            "-k",
            &p.m_kib.to_string(),
            "-t",
            &p.t.to_string(),
            "-p",
            &p.p.to_string(),
        ])
        .args(["-l", "32", "-r"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    use std::io::Write;
    child.stdin.take()?.write_all(PASSCODE.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    if !out.status.success() {
        return None;
    }
    let hex = String::from_utf8(out.stdout).ok()?;
    data_encoding::HEXLOWER_PERMISSIVE
        .decode(hex.trim().as_bytes())
        .ok()
}

fn main() {
    let runs: usize = std::env::var("MONBAN_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(9)
        .max(1);
    let p = KdfParams::DEFAULT;
    println!(
        "unlock benchmark: Argon2id m={} KiB t={} p={} out=32 bytes, {} runs each, {} CPU(s)",
        p.m_kib,
        p.t,
        p.p,
        runs,
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );

    // A real vault with the default parameters and 20 accounts.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.vault");
    let mut v = Vault::create(&path, PASSCODE, p, 1_700_000_000).unwrap();
    let accounts = (0..20u8).map(|i| {
        Account::totp(
            format!("Service {i}"),
            format!("user{i}@example.com"),
            Secret::new(vec![i; 20]),
        )
    });
    v.add_many(accounts.collect(), 1_700_000_000).unwrap();
    v.lock();

    // The three measurements are interleaved so that they see the same machine load.
    let (mut open_times, mut kdf_times, mut c_times) = (Vec::new(), Vec::new(), Vec::new());
    let mut rust_out = [0u8; 32];
    let mut c_out = Some(Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        let v = Vault::open(&path, PASSCODE, 1_700_000_000).unwrap();
        open_times.push(t.elapsed());
        assert_eq!(v.entries().len(), 20);
        v.lock();

        let t = Instant::now();
        rust_out = rust_argon2(p);
        kdf_times.push(t.elapsed());

        if c_out.is_some() {
            let t = Instant::now();
            c_out = c_argon2(p);
            c_times.push(t.elapsed());
        }
    }
    let (open_ms, kdf_ms) = (ms(median(open_times)), ms(median(kdf_times)));
    println!("monban Vault::open (KDF + unwrap + decrypt + parse): {open_ms:8.1} ms (median)");
    println!("monban Argon2id alone (argon2 crate, parallel):     {kdf_ms:8.1} ms (median)");

    match c_out {
        None => {
            println!("reference C `argon2` tool: not found (apt-get install argon2) — no ratio")
        }
        Some(c) => {
            assert_eq!(
                c, rust_out,
                "the C tool and the argon2 crate disagree on the hash"
            );
            let c_ms = ms(median(c_times));
            println!(
                "reference C `argon2` CLI (process wall time):        {c_ms:8.1} ms (median; same hash)"
            );
            println!(
                "ratio Vault::open / C argon2 = {:.2}   (goal ≤ 1.20)",
                open_ms / c_ms
            );
            println!("ratio Argon2id alone / C argon2 = {:.2}", kdf_ms / c_ms);
        }
    }
}
