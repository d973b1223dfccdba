//! The offline guarantee: Monban ships without any networking code, on every platform.
//!
//! `cargo metadata --all-features --filter-platform <triple>` gives the resolved dependency
//! graph for a target; from the root package we follow normal and build dependencies (not
//! dev-dependencies, which never ship) and fail if any crate on [`FORBIDDEN`] is reachable.
//! All features are on, so the optional camera (nokhwa) and GUI stacks are checked too. The
//! Android entry crate (`android/Cargo.toml`) is checked the same way for Android, and the
//! Android manifest must ask for no network permission.
//!
//! `--locked`, not `--offline`: the graph of every feature and target needs crates that no
//! build on this machine may have downloaded yet (bindgen of `camera`, the phone stacks), so
//! cargo may fetch them, exactly the versions in the lock file (`scripts/test.sh` fetches them
//! all beforehand with `cargo fetch --locked`).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::root;

/// Crates whose purpose is talking to a network: HTTP clients and servers, TLS stacks and
/// certificate stores, DNS resolvers, WebSocket and QUIC implementations, socket helpers,
/// mail and SSH clients.
pub const FORBIDDEN: &[&str] = &[
    // HTTP clients
    "reqwest",
    "hyper",
    "hyper-util",
    "hyper-rustls",
    "hyper-tls",
    "ureq",
    "curl",
    "curl-sys",
    "isahc",
    "surf",
    "attohttpc",
    "minreq",
    "http-req",
    "ehttp",
    "awc",
    "reqwest-middleware",
    // HTTP servers
    "actix-web",
    "axum",
    "warp",
    "tiny_http",
    "rocket",
    // HTTP/2, HTTP/3, QUIC
    "h2",
    "h3",
    "quinn",
    "quinn-proto",
    "s2n-quic",
    // TLS and certificates
    "rustls",
    "rustls-native-certs",
    "rustls-webpki",
    "webpki",
    "webpki-roots",
    "native-tls",
    "openssl",
    "openssl-sys",
    "tokio-rustls",
    "tokio-native-tls",
    "async-tls",
    "async-native-tls",
    "boring",
    "boring-sys",
    // DNS
    "hickory-resolver",
    "hickory-proto",
    "trust-dns-resolver",
    "trust-dns-proto",
    "c-ares",
    // WebSocket
    "tungstenite",
    "tokio-tungstenite",
    "async-tungstenite",
    "websocket",
    // sockets, peer-to-peer, mail, ssh
    "socket2",
    "libp2p",
    "lettre",
    "ssh2",
    "libssh2-sys",
];

/// Targets checked: the desktop host, Android, iOS (and the other desktops).
pub const TARGETS: &[&str] = &[
    "x86_64-unknown-linux-gnu",
    "aarch64-linux-android",
    "aarch64-apple-ios",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

fn cargo() -> Command {
    Command::new(option_env!("CARGO").unwrap_or("cargo"))
}

/// The crate names reachable from the root package of `manifest` through normal and build
/// dependencies on `target`.
fn shipped_crates(manifest: &Path, target: &str) -> BTreeSet<String> {
    let out = cargo()
        .args([
            "metadata",
            "--format-version",
            "1",
            "--all-features",
            "--locked",
        ])
        .args(["--filter-platform", target, "--manifest-path"])
        .arg(manifest)
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata for {target} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata JSON");
    let names: HashMap<&str, &str> = m["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let nodes: HashMap<&str, &Value> = m["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let root_id = m["resolve"]["root"].as_str().expect("a root package");
    let mut seen: HashSet<&str> = HashSet::new();
    let mut todo = vec![root_id];
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let ships = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            if ships {
                todo.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    seen.iter().map(|id| names[id].to_string()).collect()
}

fn assert_offline(manifest: &Path, target: &str) -> usize {
    let crates = shipped_crates(manifest, target);
    assert!(
        crates.contains("monban") || crates.iter().any(|c| c.starts_with("monban")),
        "{target}: the walk did not start at Monban"
    );
    let bad: Vec<&String> = crates
        .iter()
        .filter(|c| FORBIDDEN.contains(&c.as_str()))
        .collect();
    assert!(
        bad.is_empty(),
        "{}: networking crates in the dependency tree for {target}: {bad:?} \
         (find the path with `cargo tree -i <crate> --target {target}`)",
        manifest.display()
    );
    crates.len()
}

#[test]
fn no_networking_crate_on_any_platform() {
    let manifest = root().join("Cargo.toml");
    for target in TARGETS {
        let n = assert_offline(&manifest, target);
        // A sanity floor: the walk really saw the GUI and crypto stacks.
        assert!(n > 100, "{target}: only {n} crates reached");
        eprintln!("offline: {target}: {n} shipped crates, none forbidden");
    }
}

#[test]
fn the_android_entry_crate_has_no_networking_crate() {
    let manifest = root().join("android/Cargo.toml");
    if !manifest.exists() {
        panic!("android/Cargo.toml is missing: the Android build must be checked too");
    }
    let n = assert_offline(&manifest, "aarch64-linux-android");
    eprintln!("offline: android entry crate: {n} shipped crates, none forbidden");
}

/// The forbidden list itself is checked: the walk must be able to see a forbidden crate when
/// it is there (the lock file of a crate depending on one would be needed; instead, check that
/// the list names real, distinct crates and that the walk finds a crate we know ships).
#[test]
fn the_walk_sees_known_crates() {
    let crates = shipped_crates(&root().join("Cargo.toml"), "x86_64-unknown-linux-gnu");
    for known in ["argon2", "chacha20poly1305", "rqrr", "image", "slint"] {
        assert!(
            crates.contains(known),
            "{known} not reached: the walk is broken"
        );
    }
    // Dev-dependencies do not ship and are not followed.
    assert!(
        !crates.contains("proptest"),
        "dev-dependencies must not be followed"
    );
    let distinct: BTreeSet<&&str> = FORBIDDEN.iter().collect();
    assert_eq!(distinct.len(), FORBIDDEN.len(), "duplicate in FORBIDDEN");
}

/// Permissions that let an Android app reach a network or nearby devices.
const NETWORK_PERMISSIONS: &[&str] = &[
    "android.permission.INTERNET",
    "android.permission.ACCESS_NETWORK_STATE",
    "android.permission.CHANGE_NETWORK_STATE",
    "android.permission.ACCESS_WIFI_STATE",
    "android.permission.CHANGE_WIFI_STATE",
    "android.permission.NEARBY_WIFI_DEVICES",
    "android.permission.BLUETOOTH",
    "android.permission.BLUETOOTH_ADMIN",
    "android.permission.BLUETOOTH_CONNECT",
    "android.permission.BLUETOOTH_SCAN",
    "android.permission.BLUETOOTH_ADVERTISE",
    "android.permission.NFC",
];

/// Every AndroidManifest.xml in the repository (outside build output).
fn manifests(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let name = e.file_name();
        let name = name.to_string_lossy();
        if p.is_dir() {
            if !matches!(
                name.as_ref(),
                "target" | "build" | ".git" | ".gradle" | "node_modules"
            ) {
                manifests(&p, out);
            }
        } else if name == "AndroidManifest.xml" {
            out.push(p);
        }
    }
}

/// The XML without its comments (a commented-out permission is not requested).
fn strip_comments(xml: &str) -> String {
    let mut text = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<!--") {
        text.push_str(&rest[..i]);
        rest = rest[i..].find("-->").map_or("", |j| &rest[i + j + 3..]);
    }
    text.push_str(rest);
    text
}

/// `android:name` values of `<uses-permission*>` elements.
fn permissions(xml: &str) -> Vec<String> {
    let text = strip_comments(xml);
    let mut found = Vec::new();
    for (i, _) in text.match_indices("<uses-permission") {
        let elem = &text[i..text[i..].find('>').map_or(text.len(), |j| i + j)];
        if let Some(n) = elem.split("android:name=\"").nth(1) {
            found.push(n.split('"').next().unwrap_or("").to_string());
        }
    }
    found
}

#[test]
fn android_manifest_has_no_network_permission() {
    let mut found = Vec::new();
    manifests(&root().join("android"), &mut found);
    assert!(
        !found.is_empty(),
        "no AndroidManifest.xml under android/: the permission check has nothing to check"
    );
    for m in &found {
        let xml = std::fs::read_to_string(m).unwrap();
        let perms = permissions(&xml);
        for p in &perms {
            assert!(
                !NETWORK_PERMISSIONS.contains(&p.as_str()),
                "{} asks for {p}",
                m.display()
            );
        }
        // No way around the list: a raw mention of INTERNET anywhere outside comments fails.
        assert!(
            !strip_comments(&xml).contains("permission.INTERNET"),
            "{} mentions the INTERNET permission",
            m.display()
        );
        eprintln!("offline: {}: permissions {perms:?}", m.display());
    }
}

#[test]
fn permission_reader_finds_permissions() {
    let xml = r#"<manifest><!-- <uses-permission android:name="android.permission.NFC" /> -->
        <uses-permission android:name="android.permission.CAMERA" />
        <uses-permission-sdk-23 android:name="android.permission.INTERNET"/></manifest>"#;
    assert_eq!(
        permissions(xml),
        ["android.permission.CAMERA", "android.permission.INTERNET"]
    );
}
