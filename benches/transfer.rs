//! How dense may a sealed transfer QR be and still be read off another phone's screen? How many
//! accounts does a part then hold, before and after format 3? What does a seal cost?
//!
//! `cargo bench --no-default-features --bench transfer` (or `--profile dev`, much quicker to
//! build); options after `--`: `--monban-only` (skip zxing-cpp and zbarimg), `--keep DIR`
//! (keep the simulated photos), `--margin CM` (another margin distance), `--full` (more versions, and level Q), `--no-sim` (sections 2–4
//! only).
//!
//! 1. **Camera simulation** (`benches/support/camera_sim.rs`, every parameter stated there and
//!    printed below): for each error-correction level and QR version, a sealed-part-like code
//!    as full as that version holds is shown as the export page shows it (quiet zone included,
//!    90 % of a 6-inch 1080×2400 phone's width) and photographed by a 1080p phone camera at
//!    20 and 30 cm in three hand-held poses (tilt, roll, defocus, shake, noise, moiré, glare,
//!    JPEG), and at the **margin distance** 37.5 cm (1.25 × the far end: 20 % fewer camera
//!    pixels per module than the worst case in use). Each photo is decoded by Monban (the
//!    live-camera options of the scanner) and by zxing-cpp (`benches/qr_ref.py`). **Chosen**:
//!    the setting holding the most bytes that Monban reads in every photo, margin included,
//!    and that zxing-cpp reads in every photo at 20–30 cm (an independent decoder: the choice
//!    is not tuned to Monban's). It must equal `sealed::EC_LEVEL` / `sealed::MAX_VERSION`.
//! 2. **zbarimg** on the chosen setting's photos and on the PNGs `monban export --format
//!    sealed-qr` writes.
//! 3. **Packing**: parts and accounts per part for 25 and 100 accounts with the lengths of
//!    real exports, before (format 2, version 10, EC M: main before format 3, packed by the
//!    same greedy rule; checked against that code's output) and after, against Google
//!    Authenticator's export; scanning time at the export page's auto-advance.
//! 4. **Cost**: one seal and one open with the real Argon2id settings.

#[path = "support/camera_sim.rs"]
mod camera_sim;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use camera_sim::{Camera, Screen};
use monban::qr::{self, DecodeOptions, EcLevel};
use monban::transfer::{google, sealed};
use monban::{Account, Secret};

const DISTANCES_CM: [f64; 2] = [20.0, 30.0];
/// The margin distance (`--margin CM` measures another).
const MARGIN_CM: f64 = 37.5;

fn margin_cm() -> f64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--margin")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(MARGIN_CM)
}
/// Versions and levels tried (`--full`: every version from 11 to 29 and 33, and level Q).
const VERSIONS: [u8; 8] = [13, 15, 16, 17, 19, 21, 25, 29];
const VERSIONS_FULL: [u8; 20] = [
    11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 33,
];
/// The export page's auto-advance interval (`app::export::SECONDS_PER_PART`).
const SECONDS_PER_PART: usize = 3;
/// Main before format 3: format 2, parts up to version 10 at EC M.
const BEFORE_VERSION: u8 = 10;

const LIGHT: sealed::KdfParams = sealed::KdfParams {
    m_kib: 64,
    t: 1,
    p: 1,
};

/// Accounts with the lengths of real exports: real service names (3–19 characters), the same
/// three or four addresses and user names again and again, keys of 10 to 40 bytes (GitHub and
/// Microsoft 10, Google and most others 20, some 16, 32 or 40).
fn accounts(n: usize) -> Vec<Account> {
    const ISSUERS: [&str; 45] = [
        "Google",
        "GitHub",
        "Microsoft",
        "Amazon Web Services",
        "Dropbox",
        "Facebook",
        "Instagram",
        "Discord",
        "Proton",
        "Cloudflare",
        "PayPal",
        "Coinbase",
        "Binance",
        "Kraken",
        "Reddit",
        "Bitwarden",
        "1Password",
        "Nextcloud",
        "Twitch",
        "Epic Games",
        "GitLab",
        "Tuta",
        "Mastodon",
        "Hetzner",
        "DigitalOcean",
        "Namecheap",
        "Slack",
        "Zoom",
        "Atlassian",
        "Salesforce",
        "Okta",
        "npm",
        "PyPI",
        "Docker Hub",
        "Heroku",
        "Vercel",
        "Linode",
        "OVHcloud",
        "Stripe",
        "Shopify",
        "X",
        "LinkedIn",
        "Yahoo",
        "Nintendo",
        "Ubisoft",
    ];
    const NAMES: [&str; 4] = [
        "alice.johnson@gmail.com",
        "alice.johnson@northwind-traders.com",
        "ajohnson",
        "alice.j.1987@outlook.com",
    ];
    const KEY_LEN: [usize; 7] = [20, 10, 20, 32, 20, 40, 16];
    (0..n)
        .map(|i| {
            let name = NAMES[(i + i / ISSUERS.len()) % NAMES.len()];
            let key = (0..KEY_LEN[i % KEY_LEN.len()])
                .map(|b| (b * 37 + i * 11 + 5) as u8)
                .collect();
            Account::totp(ISSUERS[i % ISSUERS.len()], name, Secret::new(key))
        })
        .collect()
}

struct Setting {
    ec: EcLevel,
    version: u8,
    bytes: usize,
    px_per_module: [f64; 3],
    /// Reads per distance (20, 30, margin), out of the poses.
    monban: [usize; 3],
    zxing: Option<[usize; 3]>,
    poses: usize,
    /// The photos at 20 and 30 cm, and the text they hold (for zbarimg).
    photos: Vec<PathBuf>,
    text: String,
}

impl Setting {
    fn chosen_ok(&self) -> bool {
        self.monban.iter().all(|&r| r == self.poses)
            && self
                .zxing
                .is_none_or(|z| z[..2].iter().all(|&r| r == self.poses))
    }
}

fn simulate(monban_only: bool, full: bool, dir: &Path) -> Vec<Setting> {
    let screen = Screen::phone_6in();
    let cam = Camera::phone_1080p();
    let opts = DecodeOptions::camera();
    let mut settings = Vec::new();
    let mut files: Vec<(usize, usize, PathBuf)> = Vec::new();
    let t0 = Instant::now();
    let (levels, versions): (&[EcLevel], &[u8]) = if full {
        (&[EcLevel::L, EcLevel::M, EcLevel::Q], &VERSIONS_FULL)
    } else {
        (&[EcLevel::L, EcLevel::M], &VERSIONS)
    };
    for &v in versions {
        for &ec in levels {
            let (text, bytes) = camera_sim::sealed_like_text(v, ec, u64::from(v) * 7 + ec as u64);
            let img = qr::encode_with(&text, 1, ec).unwrap();
            let mut reads = [0usize; 3];
            let mut poses = 0;
            let mut photos = Vec::new();
            let mut ppm = [0.0; 3];
            for (di, d) in DISTANCES_CM.iter().chain([margin_cm()].iter()).enumerate() {
                let shots = camera_sim::poses(*d);
                poses = shots.len();
                ppm[di] = cam.px_per_module(&screen, img.width, *d);
                for (pi, shot) in shots.iter().enumerate() {
                    let seed = (u64::from(v) << 16) ^ ((di as u64) << 8) ^ pi as u64;
                    let jpeg = camera_sim::photograph(&img, &screen, &cam, shot, seed);
                    let frame = monban::camera::load_image_bytes(&jpeg).unwrap();
                    if qr::decode_with(&frame, &opts)
                        .iter()
                        .any(|p| p.text == text)
                    {
                        reads[di] += 1;
                    }
                    let path = dir.join(format!(
                        "v{v:02}-{}-{d:.1}cm-pose{pi}.jpg",
                        camera_sim::ec_name(ec)
                    ));
                    std::fs::write(&path, &jpeg).unwrap();
                    if di < 2 {
                        photos.push(path.clone());
                    }
                    files.push((settings.len(), di, path));
                }
            }
            eprintln!(
                "  EC {} v{v}: Monban {reads:?} of {poses} ({:.0} s so far)",
                camera_sim::ec_name(ec),
                t0.elapsed().as_secs_f64()
            );
            settings.push(Setting {
                ec,
                version: img.version,
                bytes,
                px_per_module: ppm,
                monban: reads,
                zxing: None,
                poses,
                photos,
                text,
            });
        }
    }
    if !monban_only {
        let paths: Vec<PathBuf> = files.iter().map(|f| f.2.clone()).collect();
        match camera_sim::zxing_texts(&paths) {
            Ok(texts) => {
                for s in settings.iter_mut() {
                    s.zxing = Some([0; 3]);
                }
                for ((si, di, _), got) in files.iter().zip(texts) {
                    if got.contains(&settings[*si].text) {
                        settings[*si].zxing.as_mut().unwrap()[*di] += 1;
                    }
                }
            }
            Err(e) => eprintln!("zxing-cpp skipped: {e} (pip install zxing-cpp pillow)"),
        }
    }
    println!(
        "{} photos rendered in {:.0} s (kept in {})",
        files.len(),
        t0.elapsed().as_secs_f64(),
        dir.display()
    );
    settings
}

/// How many of `files` zbarimg reads as `want` (`None`: zbarimg missing).
fn zbar_reads(files: &[PathBuf], want: &[String]) -> Option<usize> {
    let mut n = 0;
    for (f, w) in files.iter().zip(want) {
        let out = Command::new("zbarimg")
            .args(["-q", "--raw", "-Sdisable", "-Sqrcode.enable"])
            .arg(f)
            .output()
            .ok()?;
        let got = String::from_utf8_lossy(&out.stdout);
        n += usize::from(got.lines().any(|l| l == w));
    }
    Some(n)
}

/// Parts of main's format 2 at version 10, EC M, by its greedy rule: accounts in order, each
/// part as full as fits. Format 2's plaintext is the sum of its accounts' encodings, so the
/// sizes alone give its packing.
fn before_parts(accounts: &[Account]) -> usize {
    const HEADER_AND_TAG: usize = 29 + 16;
    let varint = |v: u64| (64 - v.max(1).leading_zeros() as usize).div_ceil(7);
    let field = |n: usize| varint(n as u64) + n;
    let version = |plain: usize| {
        let n = HEADER_AND_TAG + plain;
        let text = format!("monban-transfer:2:{}", "A".repeat(n / 2 * 3 + (n % 2) * 2));
        qr::version_for_ec(&text, EcLevel::M)
    };
    let mut parts = 0;
    let mut current = 0;
    for a in accounts {
        let one = 2
            + varint(a.period)
            + varint(a.counter)
            + field(a.secret.len())
            + field(a.issuer.len())
            + field(a.name.len())
            + 1;
        if current > 0 && version(current + one).is_none_or(|v| v > BEFORE_VERSION) {
            parts += 1;
            current = 0;
        }
        current += one;
    }
    parts + usize::from(current > 0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --all-targets` runs this too (without `--bench`): then only a quick check of
    // the packing and one simulated photo, so the test suite stays fast.
    if !args.iter().any(|a| a == "--bench") {
        smoke();
        return;
    }
    let monban_only = args.iter().any(|a| a == "--monban-only");
    let dir = args
        .iter()
        .position(|a| a == "--keep")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::temp_dir().join(format!("monban-camsim-{}", std::process::id()))
        });
    std::fs::create_dir_all(&dir).expect("a folder for the simulated photos");

    let screen = Screen::phone_6in();
    let cam = Camera::phone_1080p();
    println!("## 1. Camera simulation: which QR version and error correction a phone reads\n");
    println!("{}\n", camera_sim::describe(&screen, &cam));
    println!(
        "Reads out of {} poses at 20 and 30 cm, and at the margin distance {} cm.\n",
        camera_sim::poses(20.0).len(),
        margin_cm()
    );
    let settings = if args.iter().any(|a| a == "--no-sim") {
        println!("(skipped: --no-sim)");
        Vec::new()
    } else {
        simulate(monban_only, args.iter().any(|a| a == "--full"), &dir)
    };
    let m = margin_cm();
    println!(
        "\n| EC | version | part bytes | camera px/module at 20 / 30 / {m} cm | Monban 20 / 30 cm | Monban {m} cm | zxing-cpp 20 / 30 cm | zxing-cpp {m} cm |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let fmt = |r: &[usize; 3], n: usize| {
        (
            format!("{} / {} of {n}", r[0], r[1]),
            format!("{}/{n}", r[2]),
        )
    };
    for s in &settings {
        let (m, mm) = fmt(&s.monban, s.poses);
        let (z, zm) = s
            .zxing
            .as_ref()
            .map(|z| fmt(z, s.poses))
            .unwrap_or(("-".into(), "-".into()));
        println!(
            "| {} | {} | {} | {:.2} / {:.2} / {:.2} | {m} | {mm} | {z} | {zm} |",
            camera_sim::ec_name(s.ec),
            s.version,
            s.bytes,
            s.px_per_module[0],
            s.px_per_module[1],
            s.px_per_module[2],
        );
    }
    let best = settings
        .iter()
        .filter(|s| s.chosen_ok())
        .max_by_key(|s| s.bytes);
    let uses = format!(
        "EC {} version {}",
        camera_sim::ec_name(sealed::EC_LEVEL),
        sealed::MAX_VERSION
    );
    match best {
        Some(b) => {
            let chosen = format!("EC {} version {}", camera_sim::ec_name(b.ec), b.version);
            println!(
                "\nChosen (densest that Monban reads in every photo, margin included, and zxing-cpp in every photo at 20–30 cm): {chosen}, {} bytes per part. \
                 Monban uses (sealed::EC_LEVEL, sealed::MAX_VERSION): {uses}{}",
                b.bytes,
                if chosen == uses { "" } else { "  <-- MISMATCH" }
            );
        }
        None => println!("\nNo setting was read in every photo. Monban uses: {uses}"),
    }

    println!("\n## 2. zbarimg on the setting Monban uses\n");
    if monban_only {
        println!("skipped (--monban-only)");
    } else {
        zbar_section(&settings, &dir);
    }

    println!(
        "\n## 3. Packing (accounts with the lengths of real exports: real service names, 4 addresses, 10–40-byte keys)\n"
    );
    println!(
        "| accounts | before: parts (format 2, EC M, max v{BEFORE_VERSION}) | before: accounts per part | after: parts (format 3, {uses}) | after: accounts per part | after: versions | scanning at {SECONDS_PER_PART} s/part, before → after | Google parts | Google versions |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let code = sealed::TransferCode::generate().unwrap();
    for n in [10usize, 25, 100] {
        let all = accounts(n);
        let before = before_parts(&all);
        let s = sealed::seal(&all, &code, LIGHT, sealed::MAX_VERSION).unwrap();
        let g = google::export(&all, 1);
        let gv: Vec<u8> = g.uris.iter().map(|u| qr::version_for(u).unwrap()).collect();
        let range = |v: &[u8]| format!("{}–{}", v.iter().min().unwrap(), v.iter().max().unwrap());
        println!(
            "| {n} | {before} | {:.1} | {} | {:.1} | {} | {} s → {} s | {} | {} |",
            n as f64 / before as f64,
            s.texts.len(),
            n as f64 / s.texts.len() as f64,
            range(&s.versions),
            before * SECONDS_PER_PART,
            s.texts.len() * SECONDS_PER_PART,
            g.uris.len(),
            range(&gv)
        );
    }

    println!("\n## 4. Cost");
    let all = accounts(100);
    let t = Instant::now();
    let s = sealed::seal(&all, &code, sealed::KdfParams::DEFAULT, sealed::MAX_VERSION).unwrap();
    let seal_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let kdf_only = sealed::seal(&all[..1], &code, sealed::KdfParams::DEFAULT, 1).unwrap();
    let kdf_ms = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "seal 100 accounts ({} parts): {seal_ms:.0} ms; seal 1 account: {kdf_ms:.0} ms (the Argon2id run, 64 MiB t=3 p=4); ratio {:.2}",
        s.texts.len(),
        seal_ms / kdf_ms
    );
    drop(kdf_only);
    let parts: Vec<_> = s
        .texts
        .iter()
        .map(|t| sealed::parse_part(t).unwrap())
        .collect();
    let t = Instant::now();
    let back = sealed::open(&parts, &code, &sealed::Limits::DEFAULT).unwrap();
    println!(
        "open them: {:.0} ms ({} accounts)",
        t.elapsed().as_secs_f64() * 1000.0,
        back.accounts.len()
    );
}

/// zbarimg on the photos of the setting in use (20–30 cm) and on the export's PNGs.
fn zbar_section(settings: &[Setting], dir: &Path) {
    if let Some(s) = settings
        .iter()
        .find(|s| s.ec == sealed::EC_LEVEL && s.version == sealed::MAX_VERSION)
    {
        let want = vec![s.text.clone(); s.photos.len()];
        match zbar_reads(&s.photos, &want) {
            Some(n) => println!(
                "simulated photos at 20–30 cm: zbarimg reads {n} of {}",
                s.photos.len()
            ),
            None => println!("zbarimg missing (apt-get install zbar-tools)"),
        }
    } else {
        println!(
            "(the setting in use was not simulated in this run: without --no-sim, or with --full)"
        );
    }
    let code = sealed::TransferCode::generate().unwrap();
    let s = sealed::seal(&accounts(100), &code, LIGHT, sealed::MAX_VERSION).unwrap();
    let files: Vec<PathBuf> = s
        .texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let path = dir.join(format!("sealed-{}-of-{}.png", i + 1, s.texts.len()));
            let png = qr::encode_with(t, qr::DEFAULT_SCALE, sealed::EC_LEVEL)
                .unwrap()
                .to_png();
            std::fs::write(&path, png).unwrap();
            path
        })
        .collect();
    if let Some(n) = zbar_reads(&files, &s.texts) {
        println!(
            "export PNGs of 100 accounts ({} px per module, as `monban export --format sealed-qr` writes them): zbarimg reads {n} of {}",
            qr::DEFAULT_SCALE,
            files.len()
        );
    }
}

/// The quick check `cargo test --all-targets` runs: 100 accounts packed within the chosen
/// version in far fewer parts than before, and one simulated photo decoded.
fn smoke() {
    let code = sealed::TransferCode::generate().unwrap();
    let s = sealed::seal(&accounts(100), &code, LIGHT, sealed::MAX_VERSION).unwrap();
    assert!(
        s.versions.iter().all(|v| *v <= sealed::MAX_VERSION),
        "{:?}",
        s.versions
    );
    let before = before_parts(&accounts(100));
    assert!(before > 3 * s.texts.len(), "before {before}");
    let img = qr::encode_with(&s.texts[0], 1, sealed::EC_LEVEL).unwrap();
    let shot = &camera_sim::poses(DISTANCES_CM[0])[0];
    let jpeg = camera_sim::photograph(&img, &Screen::phone_6in(), &Camera::phone_1080p(), shot, 1);
    let frame = monban::camera::load_image_bytes(&jpeg).unwrap();
    assert!(
        qr::decode_with(&frame, &DecodeOptions::camera())
            .iter()
            .any(|p| p.text == s.texts[0])
    );
    println!(
        "transfer bench smoke check: 100 accounts -> {} sealed parts (before: {before}); one simulated photo read (run with cargo bench for the figures)",
        s.texts.len()
    );
}
