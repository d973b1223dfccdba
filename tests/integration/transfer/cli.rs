//! `export` / `import` / `backup verify` through the built binary (real KDF settings, so
//! kept few), plus the interoperability checks with independent tools when they exist:
//! `zbarimg` reads Monban's Google QR PNGs and Python's official protobuf runtime decodes
//! them (tests/fixtures/transfer/google_pb.py).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{
    export, export_json, fixture, monban, require_python_protobuf, require_tool, run,
};

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
    export(cmd(vault), "uri", &out, &[]);
    std::fs::read_to_string(out)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// `monban import FILE` into `vault`, which must succeed; gives its report.
fn import(vault: &Path, file: &Path) -> String {
    ok(cmd(vault), &["import", file.to_str().unwrap()])
}

/// The text of the one QR code in the image `png`, as zbarimg reads it.
fn zbar(png: &str) -> String {
    let out = Command::new("zbarimg")
        .args(["-q", "--raw", png])
        .output()
        .unwrap();
    assert!(out.status.success(), "zbarimg could not read {png}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn every_export_format_imports_back_to_the_same_accounts() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = new_vault(d, "src.vault");
    let out = import(&src, &fixture("transfer/uri-list.txt"));
    assert!(out.contains("added 5, duplicates 0, refused 1"), "{out}");
    let original = uris(&src, d);
    assert_eq!(original.len(), 5);

    // sealed QR: the code comes only in the JSON; without it nothing opens
    let exported = export_json(cmd(&src), "sealed-qr", &d.join("sealed"));
    let code = exported.transfer_code.unwrap();
    let sealed = exported.files;
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
    let exported = export_json(cmd(&src), "google-qr", &d.join("google"));
    assert!(exported.transfer_code.is_none());
    assert_eq!(exported.refused.len(), 2);
    let dst = new_vault(d, "google.vault");
    let mut args = vec!["import".to_string()];
    args.extend(exported.files);
    ok(
        cmd(&dst),
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let got = uris(&dst, d);
    assert_eq!(got.len(), 3);
    assert!(got.is_subset(&original));

    // backup: restore drill, then restore
    let bk = d.join("vault.monban-backup");
    export(cmd(&src), "backup", &bk, &[]);
    let drill = ok(cmd(&src), &["backup", "verify", bk.to_str().unwrap()]);
    assert!(drill.contains("entries: 5"), "{drill}");
    let mut c = cmd(&src);
    c.env("MONBAN_BACKUP_PASSWORD", "wrong")
        .args(["backup", "verify", bk.to_str().unwrap()]);
    let (success, _, err) = run(c);
    assert!(!success && err.contains("wrong backup password"), "{err}");
    let dst = new_vault(d, "backup.vault");
    let out = import(&dst, &bk);
    assert!(out.contains("added 5, duplicates 0, refused 0"), "{out}");
    let out = import(&dst, &bk);
    assert!(out.contains("added 0, duplicates 5"), "{out}");
    assert_eq!(uris(&dst, d), original);

    // paper (PNG) and one account as a QR image: their QR codes import back
    let paper = d.join("paper.png");
    export(cmd(&src), "paper", &paper, &[]);
    let one = d.join("github.png");
    export(cmd(&src), "uri", &one, &["--account", "GitHub"]);
    let dst = new_vault(d, "paper.vault");
    import(&dst, &paper);
    assert_eq!(uris(&dst, d), original);
    let out = import(&dst, &one);
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
    import(&src, &fixture("transfer/aegis-plain.json"));
    let exported = export_json(cmd(&src), "google-qr", &d.join("g"));
    let scanned: Vec<String> = exported.files.iter().map(|f| zbar(f)).collect();
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
    import(&src, &fixture("transfer/2fas-plain.2fas"));
    let exported = export_json(cmd(&src), "sealed-qr", &d.join("s"));
    let code = exported.transfer_code.unwrap();
    let mut lines = String::new();
    for f in &exported.files {
        let text = zbar(f);
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
    import(&src, &fixture("transfer/uri-list.txt"));
    let qr_dir = d.join("new-folder/qr");
    let exported = export_json(cmd(&src), "sealed-qr", &qr_dir);
    assert_eq!(mode(&d.join("new-folder")), 0o700);
    assert_eq!(mode(&qr_dir), 0o700);
    let mut written: Vec<PathBuf> = exported.files.into_iter().map(PathBuf::from).collect();
    for (format, name) in [
        ("backup", "b.monban-backup"),
        ("paper", "p.pdf"),
        ("uri", "u.txt"),
    ] {
        let out = d.join(name);
        export(cmd(&src), format, &out, &[]);
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
    export(cmd(&src), "backup", &out, &["--overwrite"]);
    assert_ne!(std::fs::read(&out).unwrap(), before);
    assert_eq!(mode(&out), 0o600);
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".part-") || n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
