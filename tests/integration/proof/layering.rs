//! The layering ARCHITECTURE.md promises, checked on the source text: the core modules never
//! name Slint, the app, the command line or the wall clock, and `qr` does not depend on
//! `camera` (frames come in as `qr::Frame`); the modules platforms build on (camera capture,
//! clipboard, lifecycle, file dialogs, settings, automatic backups) and the platform backends
//! never import the app. Comments are skipped: a module may say in its docs that it never imports Slint.

use std::path::{Path, PathBuf};

/// The core: plain Rust over bytes and times handed in.
const CORE: &[&str] = &["src/qr", "src/otp", "src/uri", "src/vault", "src/transfer"];

/// Modules both front ends and the platforms use; they must not reach into the GUI.
const SHARED: &[&str] = &[
    "src/account.rs",
    "src/camera",
    "src/clipboard",
    "src/lifecycle",
    "src/file_dialog.rs",
    "src/settings.rs",
    "src/autobackup",
    "src/platform/permission.rs",
    "src/platform/error.rs",
    "src/platform/android/camera2.rs",
    "src/platform/android/jni_glue.rs",
    "src/platform/android/saf.rs",
];

/// What the core may not name (code, not comments).
const CORE_FORBIDDEN: &[&str] = &[
    "slint",
    "SystemTime::now",
    "Utc::now",
    "Local::now",
    "OffsetDateTime::now",
    "chrono::",
    "crate::app",
    "crate::cli",
    "crate::platform",
    "crate::camera",
    "crate::clipboard",
];

const SHARED_FORBIDDEN: &[&str] = &["slint", "crate::app", "crate::cli"];

fn rust_files(root: &Path, rel: &str) -> Vec<PathBuf> {
    let path = root.join(rel);
    if path.is_file() {
        return vec![path];
    }
    let mut out = Vec::new();
    let mut dirs = vec![path];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let p = entry.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The code of a line: without a `//` comment (a `//` inside a string is rare enough in these
/// modules; a false hit would show up as a failure to look at, not a miss).
fn code_of(line: &str) -> &str {
    match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    }
}

/// Whether `code` names `pattern` as a whole path segment (`crate::cli` is not in
/// `crate::clipboard`).
fn names(code: &str, pattern: &str) -> bool {
    code.match_indices(pattern).any(|(i, _)| {
        !code[i + pattern.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
    })
}

/// Every `file:line: pattern` where a file under `dirs` (below `root`) names a forbidden
/// pattern.
fn violations_in(root: &Path, dirs: &[&str], forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for dir in dirs {
        let files = rust_files(root, dir);
        assert!(
            !files.is_empty(),
            "{dir} has no Rust files: update the list"
        );
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = code_of(line);
                for pattern in forbidden {
                    if names(code, pattern) {
                        found.push(format!(
                            "{}:{}: {pattern}",
                            file.strip_prefix(root).unwrap().display(),
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    found
}

fn violations(dirs: &[&str], forbidden: &[&str]) -> Vec<String> {
    violations_in(Path::new(env!("CARGO_MANIFEST_DIR")), dirs, forbidden)
}

#[test]
fn the_core_never_names_slint_the_app_or_the_wall_clock() {
    let found = violations(CORE, CORE_FORBIDDEN);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn shared_modules_and_platform_backends_never_import_the_app() {
    let found = violations(SHARED, SHARED_FORBIDDEN);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_check_sees_code_and_skips_comments() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src/core/inner")).unwrap();
    std::fs::write(
        dir.path().join("src/core/inner/a.rs"),
        "//! never imports slint\nuse slint::Image; // the GUI\nfn now() { SystemTime::now(); }\n",
    )
    .unwrap();
    assert!(names("use crate::cli::prompt;", "crate::cli"));
    assert!(!names("use crate::clipboard::Clip;", "crate::cli"));
    let found = violations_in(dir.path(), &["src/core"], CORE_FORBIDDEN);
    assert_eq!(
        found,
        [
            "src/core/inner/a.rs:2: slint",
            "src/core/inner/a.rs:3: SystemTime::now"
        ]
    );
}
