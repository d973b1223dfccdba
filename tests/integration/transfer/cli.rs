//! `export` / `import` / `backup verify` through the built binary (real KDF settings, so
//! kept few), plus the interoperability checks with independent tools when they exist:
//! `zbarimg` reads Monban's Google QR PNGs and Python's official protobuf runtime decodes
//! them (tests/fixtures/transfer/google_pb.py).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{fixture, monban, require_python_protobuf, require_tool, run};

const PASSCODE: &str = "correct horse battery staple 7";

fn cmd(vault: &Path) -> Command {
    let mut c = monban();
    c.env("MONBAN_VAULT", vault)
        .env("MONBAN_PASSCODE", PASSCODE)
        .env("MONBAN_BACKUP_PASSWORD", "backup pw");
    c
}

fn ok(mut c: Command, args: &[&str]) -> String {
    c.args(args);
    let (success, out, err) = run(c);
    assert!(success, "monban {args:?} failed: {err}");
    out
}

fn new_vault(dir: &Path, name: &str) -> PathBuf {
    let v = dir.join(name);
    ok(cmd(&v), &["init"]);
    v
}

/// The vault's accounts as a set of strict URIs (via `export --format uri`).
fn uris(vault: &Path, dir: &Path) -> BTreeSet<String> {
    let out = dir.join(format!(
        "uris-{}.txt",
        vault.file_name().unwrap().to_string_lossy()
    ));
    let _ = std::fs::remove_file(&out);
    ok(
        cmd(vault),
        &["export", "--format", "uri", "--out", out.to_str().unwrap()],
    );
    std::fs::read_to_string(out)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn files(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_export_format_imports_back_to_the_same_accounts() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = new_vault(d, "src.vault");
    let out = ok(
        cmd(&src),
        &["import", fixture("transfer/uri-list.txt").to_str().unwrap()],
    );
    assert!(out.contains("added 5, duplicates 0, refused 1"), "{out}");
    let original = uris(&src, d);
    assert_eq!(original.len(), 5);

    // sealed QR: the code comes only in the JSON; without it nothing opens
    let json = ok(
        cmd(&src),
        &[
            "export",
            "--format",
            "sealed-qr",
            "--out",
            d.join("sealed").to_str().unwrap(),
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    let code = v["transfer_code"].as_str().unwrap().to_string();
    let sealed = files(&json);
    let dst = new_vault(d, "sealed.vault");
    let mut c = cmd(&dst);
    c.arg("import")
        .args(&sealed)
        .arg("--transfer-code")
        .arg("00000-00000");
    let (success, _, err) = run(c);
    assert!(!success && err.contains("wrong transfer code"), "{err}");
    let mut args: Vec<&str> = vec!["import"];
    args.extend(sealed.iter().rev().map(String::as_str));
    args.extend(["--transfer-code", &code]);
    ok(cmd(&dst), &args);
    assert_eq!(uris(&dst, d), original);

    // Google QR: everything but the 60 s and Steam accounts, which are named
    let json = ok(
        cmd(&src),
        &[
            "export",
            "--format",
            "google-qr",
            "--out",
            d.join("google").to_str().unwrap(),
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert!(v.get("transfer_code").is_none());
    assert_eq!(v["refused"].as_array().unwrap().len(), 2);
    let dst = new_vault(d, "google.vault");
    let mut args = vec!["import".to_string()];
    args.extend(files(&json));
    ok(
        cmd(&dst),
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let got = uris(&dst, d);
    assert_eq!(got.len(), 3);
    assert!(got.is_subset(&original));

    // backup: restore drill, then restore
    let bk = d.join("vault.monban-backup");
    ok(
        cmd(&src),
        &[
            "export",
            "--format",
            "backup",
            "--out",
            bk.to_str().unwrap(),
        ],
    );
    let drill = ok(cmd(&src), &["backup", "verify", bk.to_str().unwrap()]);
    assert!(drill.contains("entries: 5"), "{drill}");
    let mut c = cmd(&src);
    c.env("MONBAN_BACKUP_PASSWORD", "wrong")
        .args(["backup", "verify", bk.to_str().unwrap()]);
    let (success, _, err) = run(c);
    assert!(!success && err.contains("wrong backup password"), "{err}");
    let dst = new_vault(d, "backup.vault");
    let out = ok(cmd(&dst), &["import", bk.to_str().unwrap()]);
    assert!(out.contains("added 5, duplicates 0, refused 0"), "{out}");
    let out = ok(cmd(&dst), &["import", bk.to_str().unwrap()]);
    assert!(out.contains("added 0, duplicates 5"), "{out}");
    assert_eq!(uris(&dst, d), original);

    // paper (PNG) and one account as a QR image: their QR codes import back
    let paper = d.join("paper.png");
    ok(
        cmd(&src),
        &[
            "export",
            "--format",
            "paper",
            "--out",
            paper.to_str().unwrap(),
        ],
    );
    let one = d.join("github.png");
    ok(
        cmd(&src),
        &[
            "export",
            "--format",
            "uri",
            "--account",
            "GitHub",
            "--out",
            one.to_str().unwrap(),
        ],
    );
    let dst = new_vault(d, "paper.vault");
    ok(cmd(&dst), &["import", paper.to_str().unwrap()]);
    assert_eq!(uris(&dst, d), original);
    let out = ok(cmd(&dst), &["import", one.to_str().unwrap()]);
    assert!(out.contains("added 0, duplicates 1"), "{out}");
}

/// Monban's Google QR PNGs, read by zbarimg and decoded by Python's official protobuf
/// runtime, give the same accounts. Skipped (with a note) when the tools are missing; a
/// failure then under CI=true.
#[test]
fn google_qr_pngs_decode_with_independent_tools() {
    if !require_tool("zbarimg", "apt-get install zbar-tools") || !require_python_protobuf() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = new_vault(d, "src.vault");
    ok(
        cmd(&src),
        &[
            "import",
            fixture("transfer/aegis-plain.json").to_str().unwrap(),
        ],
    );
    let json = ok(
        cmd(&src),
        &[
            "export",
            "--format",
            "google-qr",
            "--out",
            d.join("g").to_str().unwrap(),
            "--json",
        ],
    );
    let mut scanned = Vec::new();
    for f in files(&json) {
        let out = Command::new("zbarimg")
            .args(["-q", "--raw", &f])
            .output()
            .unwrap();
        assert!(out.status.success(), "zbarimg could not read {f}");
        scanned.push(String::from_utf8(out.stdout).unwrap().trim().to_string());
    }
    let out = Command::new("python3")
        .arg(fixture("transfer/google_pb.py"))
        .arg("decode")
        .args(&scanned)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut decoded = Vec::new();
    for p in parts.as_array().unwrap() {
        assert_eq!(p["version"], 1);
        for a in p["accounts"].as_array().unwrap() {
            decoded.push((
                a["issuer"].as_str().unwrap().to_string(),
                a["name"].as_str().unwrap().to_string(),
                a["secret"].as_str().unwrap().to_string(),
                a["kind"].as_str().unwrap().to_string(),
                a["algorithm"].as_str().unwrap().to_string(),
                a["digits"].as_u64().unwrap(),
                a["counter"].as_u64().unwrap(),
            ));
        }
    }
    let want: Vec<_> = super::importers::expected()
        .into_iter()
        .filter(|a| a.kind != monban::Kind::Steam && a.period == 30)
        .map(|a| {
            (
                a.issuer.clone(),
                a.name.clone(),
                a.secret.to_base32().to_string(),
                a.kind.as_str().to_string(),
                a.algorithm.as_str().to_string(),
                u64::from(a.digits),
                a.counter,
            )
        })
        .collect();
    assert_eq!(decoded, want);
}

/// Sealed QR PNGs read by an independent scanner (zbarimg) show no issuer, name or secret,
/// and the text it returns imports with the code (a scanned-text route into `import`).
#[test]
fn sealed_qr_pngs_read_by_zbarimg_reveal_nothing_and_import_with_the_code() {
    if !require_tool("zbarimg", "apt-get install zbar-tools") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = new_vault(d, "src.vault");
    ok(
        cmd(&src),
        &[
            "import",
            fixture("transfer/2fas-plain.2fas").to_str().unwrap(),
        ],
    );
    let json = ok(
        cmd(&src),
        &[
            "export",
            "--format",
            "sealed-qr",
            "--out",
            d.join("s").to_str().unwrap(),
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    let code = v["transfer_code"].as_str().unwrap().to_string();
    let mut lines = String::new();
    for f in files(&json) {
        let out = Command::new("zbarimg")
            .args(["-q", "--raw", &f])
            .output()
            .unwrap();
        assert!(out.status.success(), "zbarimg could not read {f}");
        let text = String::from_utf8(out.stdout).unwrap().trim().to_string();
        assert!(text.starts_with("monban-transfer:3:"), "{text}");
        for a in super::importers::expected() {
            assert!(!text.contains(&*a.secret.to_base32()));
            assert!(!text.to_lowercase().contains(&a.issuer.to_lowercase()));
            assert!(!text.to_lowercase().contains(&a.name.to_lowercase()));
        }
        lines.push_str(&text);
        lines.push('\n');
    }
    let scanned = d.join("scanned.txt");
    std::fs::write(&scanned, lines).unwrap();
    let dst = new_vault(d, "dst.vault");
    let mut c = cmd(&dst);
    c.env("MONBAN_TRANSFER_CODE", &code)
        .args(["import", scanned.to_str().unwrap()]);
    let (success, out, err) = run(c);
    assert!(success, "{err}");
    assert!(out.contains("added 5, duplicates 0, refused 0"), "{out}");
}

/// Every file an export writes is readable by its owner only, a folder the export creates is
/// 0700, and an existing file is replaced only with `--overwrite`.
#[cfg(unix)]
#[test]
fn export_files_are_owner_only_and_never_silently_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = new_vault(d, "modes.vault");
    ok(
        cmd(&src),
        &["import", fixture("transfer/uri-list.txt").to_str().unwrap()],
    );
    let qr_dir = d.join("new-folder/qr");
    let json = ok(
        cmd(&src),
        &[
            "export",
            "--format",
            "sealed-qr",
            "--out",
            qr_dir.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(mode(&d.join("new-folder")), 0o700);
    assert_eq!(mode(&qr_dir), 0o700);
    let mut written: Vec<PathBuf> = files(&json).into_iter().map(PathBuf::from).collect();
    for (format, name) in [
        ("backup", "b.monban-backup"),
        ("paper", "p.pdf"),
        ("uri", "u.txt"),
    ] {
        let out = d.join(name);
        ok(
            cmd(&src),
            &["export", "--format", format, "--out", out.to_str().unwrap()],
        );
        written.push(out);
    }
    for f in &written {
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }
    let before = std::fs::read(d.join("b.monban-backup")).unwrap();
    let mut c = cmd(&src);
    c.args(["export", "--format", "backup", "--out"])
        .arg(d.join("b.monban-backup"));
    let (success, _, err) = run(c);
    assert!(
        !success && err.contains("already exists") && err.contains("--overwrite"),
        "{err}"
    );
    assert_eq!(std::fs::read(d.join("b.monban-backup")).unwrap(), before);
    let out = d.join("b.monban-backup");
    ok(
        cmd(&src),
        &[
            "export",
            "--format",
            "backup",
            "--out",
            out.to_str().unwrap(),
            "--overwrite",
        ],
    );
    assert_ne!(std::fs::read(&out).unwrap(), before);
    assert_eq!(mode(&out), 0o600);
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".part-") || n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
