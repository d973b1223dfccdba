//! `monban scan IMAGE... [--json]`: every QR payload in each image; no vault needed.
//! `monban scan --screen [--json]`: the same for what is on the screen now ([`crate::screen`]);
//! the JSON is one array with one object `{"screen": SOURCE, "payloads": [...]}`.
//!
//! Plain output: one payload per line (prefixed with `FILE: ` when several images are given).
//! `--json`: one array, one object per image, `{"file": ..., "payloads": [...]}` (plus
//! `"error"` for an image that could not be read). An unreadable image is reported and the
//! others are still scanned; the exit status is 1 if any image could not be read or no QR code
//! was found in any of them.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::CmdResult;
use crate::qr::{self, DecodeOptions};

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Image files (PNG, JPEG, WebP).
    #[arg(required_unless_present = "screen", conflicts_with = "screen")]
    pub images: Vec<PathBuf>,
    /// Read the QR codes on the screen instead (X11, or the desktop portal on Wayland).
    #[arg(long)]
    pub screen: bool,
    /// One JSON array, one object per image with `file` and `payloads`.
    #[arg(long)]
    pub json: bool,
    /// Decode images on this many threads (default: the number of CPU cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
}

struct Outcome {
    payloads: Vec<String>,
    error: Option<String>,
}

fn scan_one(path: &std::path::Path) -> Outcome {
    match crate::camera::load_image(path) {
        Ok(frame) => {
            let payloads = qr::decode_with(&frame, &DecodeOptions::thorough())
                .into_iter()
                .map(|mut p| std::mem::take(&mut p.text))
                .collect();
            Outcome {
                payloads,
                error: None,
            }
        }
        Err(e) => Outcome {
            payloads: Vec::new(),
            error: Some(e.to_string()),
        },
    }
}

/// Scans `images` on `jobs` threads, results in input order.
fn scan_all(images: &[PathBuf], jobs: usize) -> Vec<Outcome> {
    let slots: Vec<Mutex<Option<Outcome>>> = images.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, images.len().max(1)) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = images.get(i) else { break };
                    let out = scan_one(path);
                    *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(out);
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .unwrap_or(Outcome {
                    payloads: Vec::new(),
                    error: Some("not scanned".into()),
                })
        })
        .collect()
}

/// `scan --screen`: the payloads on the screen, printed like an image's.
#[cfg(all(
    unix,
    not(any(target_os = "android", target_os = "ios", target_os = "macos"))
))]
fn run_screen(json: bool) -> CmdResult {
    let source = crate::screen::detect()?;
    let payloads = crate::screen::scan(&source)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        let v = serde_json::json!([{ "screen": source.to_string(), "payloads": payloads }]);
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        for p in &payloads {
            writeln!(out, "{p}")?;
        }
    }
    out.flush()?;
    if payloads.is_empty() {
        anyhow::bail!("no QR code found on the screen ({source})");
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(all(
    unix,
    not(any(target_os = "android", target_os = "ios", target_os = "macos"))
)))]
fn run_screen(_json: bool) -> CmdResult {
    anyhow::bail!("reading the screen is not available on this system yet")
}

pub fn run(a: ScanArgs) -> CmdResult {
    if a.screen {
        return run_screen(a.json);
    }
    let jobs = a.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let outcomes = scan_all(&a.images, jobs);
    let failed = outcomes.iter().filter(|o| o.error.is_some()).count();
    let found = outcomes.iter().map(|o| o.payloads.len()).sum::<usize>();

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if a.json {
        let arr: Vec<serde_json::Value> = a
            .images
            .iter()
            .zip(&outcomes)
            .map(|(f, o)| {
                let mut v =
                    serde_json::json!({ "file": f.display().to_string(), "payloads": o.payloads });
                if let Some(e) = &o.error {
                    v["error"] = serde_json::Value::String(e.clone());
                }
                v
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&arr)?)?;
    } else {
        let several = a.images.len() > 1;
        for (f, o) in a.images.iter().zip(&outcomes) {
            for p in &o.payloads {
                if several {
                    writeln!(out, "{}: {p}", f.display())?;
                } else {
                    writeln!(out, "{p}")?;
                }
            }
        }
    }
    out.flush()?;
    for (f, o) in a.images.iter().zip(&outcomes) {
        if let Some(e) = &o.error {
            eprintln!("monban: {}: {e}", f.display());
        } else if o.payloads.is_empty() && !a.json {
            eprintln!("monban: {}: no QR code found", f.display());
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {} images could not be read", a.images.len());
    }
    if found == 0 {
        anyhow::bail!("no QR code found");
    }
    Ok(ExitCode::SUCCESS)
}
