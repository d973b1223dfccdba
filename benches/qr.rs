//! `cargo bench --no-default-features --bench qr`: Monban's QR decoder against zxing-cpp and
//! zbar on the dev photo set (`../shared/qr-bench`, or `MONBAN_QR_BENCH=DIR`), then against
//! zxing-cpp on simulated phone-to-phone photos (`benches/support/camera_sim.rs`: a sealed
//! transfer part on a 6-inch screen photographed by a 1080p camera at 20–30 cm; `--no-sim`
//! skips them).
//!
//! Prints, side by side, how many photos each decoder reads (the expected text among the codes
//! it returns) and the median time per image, then the time of a whole `monban scan --json`
//! run over the folder (the release-built binary) against the same run with zxing-cpp
//! (`benches/qr_ref.py scan`). Needs `pip install zxing-cpp pillow` and `zbarimg`
//! (Debian `zbar-tools`); a missing reference is reported and skipped.
//!
//! Options after `--`: `--monban-only` (skip the references), `--misses` (list every photo a
//! decoder misses), `--runs N` (decode runs per image for the median, default 3), `--matrix`
//! (every pass of the pipeline alone on every photo, to re-check the cascade's choices).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/camera_sim.rs"]
mod camera_sim;

use monban::camera::load_image;

#[path = "../tests/integration/qr/expected.rs"]
mod expected;
use expected::unescape;
use monban::qr::{DecodeOptions, EcLevel, decode_traced};
use monban::transfer::sealed;

struct Case {
    file: PathBuf,
    expected: String,
}

struct Row {
    name: String,
    read: Vec<bool>,
    ms: Vec<f64>,
    note: String,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let monban_only = args.iter().any(|a| a == "--monban-only");
    let misses = args.iter().any(|a| a == "--misses");
    let matrix = args.iter().any(|a| a == "--matrix");
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
        .max(1);
    let dir = std::env::var_os("MONBAN_QR_BENCH")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/qr-bench"));
    let cases = match read_expected(&dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("qr bench: no dev photo set at {}: {e}", dir.display());
            return;
        }
    };
    println!(
        "QR decoders on {} photos in {}\n",
        cases.len(),
        dir.display()
    );
    if matrix {
        pass_matrix(&cases);
        return;
    }

    let mut rows = vec![monban_row(&cases, runs)];
    if !monban_only {
        rows.push(zxing_row(&cases));
        rows.push(zbar_row(&cases));
    }

    println!(
        "{:<34} {:>9} {:>14}  note",
        "decoder", "read", "median ms/img"
    );
    for r in &rows {
        if r.read.is_empty() {
            println!("{:<34} {:>9} {:>14}  {}", r.name, "-", "-", r.note);
            continue;
        }
        let n = r.read.iter().filter(|&&b| b).count();
        println!(
            "{:<34} {:>5}/{:<3} {:>14.2}  {}",
            r.name,
            n,
            cases.len(),
            median(&r.ms),
            r.note
        );
    }
    if misses {
        for r in rows.iter().filter(|r| !r.read.is_empty()) {
            let missed: Vec<String> = cases
                .iter()
                .zip(&r.read)
                .filter(|(_, ok)| !**ok)
                .map(|(c, _)| file_name(&c.file))
                .collect();
            println!("\n{} misses {}: {}", r.name, missed.len(), missed.join(" "));
        }
    }
    if rows.len() > 1 && !rows[1].read.is_empty() {
        let only_monban: Vec<String> = cases
            .iter()
            .enumerate()
            .filter(|(i, _)| rows[0].read[*i] && !rows[1].read[*i])
            .map(|(_, c)| file_name(&c.file))
            .collect();
        let only_zxing: Vec<String> = cases
            .iter()
            .enumerate()
            .filter(|(i, _)| !rows[0].read[*i] && rows[1].read[*i])
            .map(|(_, c)| file_name(&c.file))
            .collect();
        println!("\nread by Monban only: {}", only_monban.join(" "));
        println!("read by zxing-cpp only: {}", only_zxing.join(" "));
    }

    folder_runs(&cases, monban_only);
    if !args.iter().any(|a| a == "--no-sim") {
        simulated_photos(monban_only);
    }
}

/// The second table: screen photos from the camera simulation, sealed-part-like codes of
/// versions 13 to 25 (the one sealed transfers use among them) at 20, 25 and 30 cm in the
/// simulation's three poses; each decoder with the options of a live camera where it has
/// them (Monban: `DecodeOptions::camera()`; zxing-cpp: its defaults).
fn simulated_photos(monban_only: bool) {
    let screen = camera_sim::Screen::phone_6in();
    let cam = camera_sim::Camera::phone_1080p();
    let dir = std::env::temp_dir().join(format!("monban-qr-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder for the simulated photos");
    let mut settings = vec![
        (13u8, EcLevel::M),
        (17, EcLevel::M),
        (21, EcLevel::M),
        (25, EcLevel::L),
    ];
    if !settings.contains(&(sealed::MAX_VERSION, sealed::EC_LEVEL)) {
        settings.push((sealed::MAX_VERSION, sealed::EC_LEVEL));
    }
    let mut cases = Vec::new();
    let mut groups = Vec::new();
    for &(v, ec) in &settings {
        let (text, _) = camera_sim::sealed_like_text(v, ec, u64::from(v) * 31);
        let img = monban::qr::encode_with(&text, 1, ec).unwrap();
        let first = cases.len();
        for d in [20.0, 25.0, 30.0] {
            for (pi, shot) in camera_sim::poses(d).iter().enumerate() {
                let seed = u64::from(v) * 1000 + d as u64 * 10 + pi as u64;
                let jpeg = camera_sim::photograph(&img, &screen, &cam, shot, seed);
                let file = dir.join(format!(
                    "v{v:02}{}-{d:.0}cm-pose{pi}.jpg",
                    camera_sim::ec_name(ec)
                ));
                std::fs::write(&file, jpeg).unwrap();
                cases.push(Case {
                    file,
                    expected: text.clone(),
                });
            }
        }
        groups.push((v, ec, first..cases.len()));
    }
    println!(
        "\nsimulated phone-to-phone photos ({} frames, 1920×1080 JPEG, in {}):",
        cases.len(),
        dir.display()
    );
    println!("{}", camera_sim::describe(&screen, &cam));
    let mut rows = vec![monban_row_with(&cases, 1, &DecodeOptions::camera())];
    if !monban_only {
        rows.push(zxing_row(&cases));
    }
    let rows: Vec<&Row> = rows.iter().filter(|r| !r.read.is_empty()).collect();
    print!("\n| setting (sealed part) |");
    for r in &rows {
        print!(" {} read | median ms |", r.name);
    }
    print!("\n|---|");
    for _ in &rows {
        print!("---|---|");
    }
    println!();
    for (v, ec, range) in &groups {
        let mark = if (*v, *ec) == (sealed::MAX_VERSION, sealed::EC_LEVEL) {
            " (used)"
        } else {
            ""
        };
        print!("| v{v} EC {}{mark} |", camera_sim::ec_name(*ec));
        for r in &rows {
            let n = r.read[range.clone()].iter().filter(|&&b| b).count();
            print!(
                " {n}/{} | {:.1} |",
                range.len(),
                median(&r.ms[range.clone()])
            );
        }
        println!();
    }
    print!("| all |");
    for r in &rows {
        let n = r.read.iter().filter(|&&b| b).count();
        print!(" {n}/{} | {:.1} |", cases.len(), median(&r.ms));
    }
    println!();
    if rows.len() > 1 {
        let names = |want: (bool, bool)| -> Vec<String> {
            cases
                .iter()
                .enumerate()
                .filter(|(i, _)| (rows[0].read[*i], rows[1].read[*i]) == want)
                .map(|(_, c)| file_name(&c.file))
                .collect()
        };
        println!("read by Monban only: {}", names((true, false)).join(" "));
        println!("read by zxing-cpp only: {}", names((false, true)).join(" "));
    }
}

/// Every pass alone on every photo: what each reads, what only it reads, its median time.
fn pass_matrix(cases: &[Case]) {
    let frames: Vec<_> = cases.iter().map(|c| load_image(&c.file).ok()).collect();
    let names = monban::qr::pass_names();
    let mut reads: Vec<Vec<bool>> = Vec::new();
    for name in &names {
        let mut r = Vec::new();
        let mut times = Vec::new();
        for (c, f) in cases.iter().zip(&frames) {
            let Some(f) = f else {
                r.push(false);
                continue;
            };
            let t = Instant::now();
            let got = monban::qr::run_pass(f, name);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            r.push(got.iter().any(|p| p.text == c.expected));
        }
        println!(
            "{name:<26} {:>3} read, median {:>7.2} ms, max {:>7.1} ms",
            r.iter().filter(|&&b| b).count(),
            median(&times),
            times.iter().cloned().fold(0.0, f64::max)
        );
        reads.push(r);
    }
    println!("\nphotos the first pass (rxing) misses, and the passes that read them:");
    for (i, c) in cases.iter().enumerate() {
        if reads[0][i] {
            continue;
        }
        let by: Vec<&str> = names
            .iter()
            .zip(&reads)
            .filter(|(_, r)| r[i])
            .map(|(n, _)| *n)
            .collect();
        println!("  {:<48} {}", file_name(&c.file), by.join(" "));
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn monban_row(cases: &[Case], runs: usize) -> Row {
    monban_row_with(cases, runs, &DecodeOptions::thorough())
}

fn monban_row_with(cases: &[Case], runs: usize, opts: &DecodeOptions) -> Row {
    let mut read = Vec::new();
    let mut ms = Vec::new();
    let mut passes: std::collections::BTreeMap<&'static str, usize> = Default::default();
    for c in cases {
        let frame = match load_image(&c.file) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{}: {e}", c.file.display());
                read.push(false);
                continue;
            }
        };
        let mut times = Vec::new();
        let mut ok = false;
        for _ in 0..runs {
            let t = Instant::now();
            let (found, pass) = decode_traced(&frame, opts);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            ok = found.iter().any(|p| p.text == c.expected);
            if ok {
                *passes.entry(pass.unwrap_or("?")).or_default() += usize::from(times.len() == 1);
            }
        }
        read.push(ok);
        ms.push(median(&times));
    }
    let note = passes
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    Row {
        name: "Monban (rxing + rqrr cascade)".into(),
        read,
        ms,
        note: format!("first hit by: {note}"),
    }
}

fn zxing_row(cases: &[Case]) -> Row {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/qr_ref.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg("time")
        .args(cases.iter().map(|c| &c.file))
        .output();
    let mut row = Row {
        name: "zxing-cpp (PyPI, text_mode=Plain)".into(),
        read: vec![],
        ms: vec![],
        note: String::new(),
    };
    let out = match out {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            row.note = format!(
                "skipped: {}",
                String::from_utf8_lossy(&o.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            );
            return row;
        }
        Err(e) => {
            row.note = format!("skipped: python3: {e}");
            return row;
        }
    };
    for (c, line) in cases
        .iter()
        .zip(String::from_utf8_lossy(&out.stdout).lines())
    {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
        let texts = v["texts"].as_array().cloned().unwrap_or_default();
        row.read.push(
            texts
                .iter()
                .any(|t| t.as_str() == Some(c.expected.as_str())),
        );
        row.ms.push(v["ms"].as_f64().unwrap_or(0.0));
    }
    row.note = "decode of an in-memory grayscale image".into();
    row
}

fn zbar_row(cases: &[Case]) -> Row {
    let mut row = Row {
        name: "zbarimg (Debian zbar-tools)".into(),
        read: vec![],
        ms: vec![],
        note: String::new(),
    };
    for c in cases {
        let t = Instant::now();
        let out = Command::new("zbarimg")
            .args(["-q", "--raw", "-Sdisable", "-Sqrcode.enable"])
            .arg(&c.file)
            .output();
        let took = t.elapsed().as_secs_f64() * 1000.0;
        match out {
            Ok(o) => {
                let s = String::from_utf8_lossy(&o.stdout);
                let s = s.strip_suffix('\n').unwrap_or(&s);
                row.read
                    .push(s == c.expected || s.lines().any(|l| l == c.expected));
                row.ms.push(took);
            }
            Err(e) => {
                row.note = format!("skipped: zbarimg: {e}");
                row.read.clear();
                return row;
            }
        }
    }
    row.note = "one process per image: includes process start and image loading".into();
    row
}

/// The whole-folder command-line run: `monban scan --json` vs the same with zxing-cpp.
fn folder_runs(cases: &[Case], monban_only: bool) {
    let files: Vec<&PathBuf> = cases.iter().map(|c| &c.file).collect();
    println!(
        "\nwhole-folder run ({} images, load + decode + JSON output, best of 3):",
        files.len()
    );
    let monban = Path::new(env!("CARGO_BIN_EXE_monban"));
    let mut lines = Vec::new();
    let run = |cmd: &mut dyn FnMut() -> Command| -> Option<(Duration, usize)> {
        let mut best: Option<(Duration, usize)> = None;
        for _ in 0..3 {
            let t = Instant::now();
            let out = cmd().output().ok()?;
            let took = t.elapsed();
            let json: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
            let hits = json
                .as_array()?
                .iter()
                .zip(cases)
                .filter(|(o, c)| {
                    o["payloads"]
                        .as_array()
                        .is_some_and(|p| p.iter().any(|t| t.as_str() == Some(&c.expected)))
                })
                .count();
            if best.is_none_or(|(b, _)| took < b) {
                best = Some((took, hits));
            }
        }
        best
    };
    let m = run(&mut || {
        let mut c = Command::new(monban);
        c.arg("scan").arg("--json").args(&files);
        c
    });
    let m1 = run(&mut || {
        let mut c = Command::new(monban);
        c.args(["scan", "--json", "--jobs", "1"]).args(&files);
        c
    });
    let z = if monban_only {
        None
    } else {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/qr_ref.py");
        run(&mut || {
            let mut c = Command::new("python3");
            c.arg(&script).arg("scan").args(&files);
            c
        })
    };
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    for (name, r) in [
        (format!("monban scan --json ({cores} threads)"), m),
        ("monban scan --json --jobs 1".to_string(), m1),
        ("zxing-cpp (qr_ref.py scan)".to_string(), z),
    ] {
        match r {
            Some((d, hits)) => {
                lines.push((name.clone(), d));
                println!(
                    "  {name:<36} {:>8.0} ms   {hits}/{} read",
                    d.as_secs_f64() * 1000.0,
                    cases.len()
                )
            }
            None => println!("  {name:<36} skipped"),
        }
    }
    if let (Some((md, _)), Some((zd, _))) = (m, z) {
        println!(
            "  ratio monban / zxing-cpp: {:.2} (goal: at most 2.00)",
            md.as_secs_f64() / zd.as_secs_f64()
        );
    }
    if let (Some((md, _)), Some((zd, _))) = (m1, z) {
        println!(
            "  ratio monban --jobs 1 / zxing-cpp: {:.2}",
            md.as_secs_f64() / zd.as_secs_f64()
        );
    }
}

fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn read_expected(dir: &Path) -> std::io::Result<Vec<Case>> {
    let tsv = std::fs::read_to_string(dir.join("expected.tsv"))?;
    Ok(tsv
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
        .map(|(f, e)| Case {
            file: dir.join(f),
            expected: unescape(e),
        })
        .collect())
}
