//! Platform pieces that can be checked on any machine: the phone camera path (YUV planes with
//! strides and crop → luma frame → the real QR decoder), the permission and lifecycle flows
//! together, and the packaging files (Android manifest, iOS plist and strings, desktop entry,
//! icons, mobile dependencies only on mobile targets).

use std::path::Path;
use std::time::{Duration, Instant};

use monban::camera::planes::{self as frames, Crop, Plane, Rotation};
use monban::lifecycle::{LifecycleGate, LockPolicy};
use monban::platform::permission::{
    CameraAccess, Command, NO_DIALOG_AFTER, OsStatus, PermissionFlow,
};

use crate::common::{require_tool, root};

const URI: &str = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";

// ---------------------------------------------------------------------------------------------
// Camera frames: synthetic phone buffers carrying a real QR code.

/// A QR code for [`URI`] on a mid-grey background, `w`×`h`, as a packed luma image.
fn scene(w: usize, h: usize) -> Vec<u8> {
    let unit = monban::qr::encode_scaled(URI, 1).expect("encode").width;
    let scale = ((w.min(h) - 20) / unit).min(6);
    assert!(scale >= 2, "test scene too small for the code");
    let qr = monban::qr::encode_scaled(URI, scale).expect("encode");
    let mut luma = vec![150u8; w * h];
    let (ox, oy) = ((w - qr.width) / 2, (h - qr.height) / 2);
    for y in 0..qr.height {
        luma[(oy + y) * w + ox..(oy + y) * w + ox + qr.width]
            .copy_from_slice(&qr.luma[y * qr.width..(y + 1) * qr.width]);
    }
    luma
}

/// Lays a packed luma image out as a camera plane: `row_stride` bytes per row, each pixel
/// `pixel_stride` bytes apart, junk in the gaps, the last row without padding (as Android
/// does), optionally followed by an interleaved chroma plane (NV21).
fn as_plane(luma: &[u8], w: usize, h: usize, row_stride: usize, pixel_stride: usize) -> Vec<u8> {
    let last_row = (w - 1) * pixel_stride + 1;
    let mut out = vec![0xA5u8; row_stride * (h - 1) + last_row];
    for y in 0..h {
        for x in 0..w {
            out[y * row_stride + x * pixel_stride] = luma[y * w + x];
        }
    }
    out
}

fn decodes_to_uri(frame: &monban::qr::Frame) -> bool {
    monban::qr::decode(frame).iter().any(|p| p.text == URI)
}

#[test]
fn yuv_420_888_with_row_padding_decodes() {
    // Typical Android camera: 640×480, rows padded to 704 bytes, planar Y.
    let (w, h) = (640, 480);
    let luma = scene(w, h);
    let plane = as_plane(&luma, w, h, 704, 1);
    let frame = frames::luma_from_camera(
        Plane {
            data: &plane,
            row_stride: 704,
            pixel_stride: 1,
        },
        w,
        h,
        None,
    )
    .unwrap();
    assert_eq!(frame.to_packed().data(), &luma[..]);
    assert!(decodes_to_uri(&frame));
}

#[test]
fn yuv_420_888_with_pixel_stride_two_and_crop_decodes() {
    // Some devices interleave the Y plane (pixel stride 2) and report a crop rectangle.
    let (w, h) = (400, 300);
    let luma = scene(w, h);
    let (full_w, full_h) = (w + 16, h + 8);
    // The picture sits at (8, 4) inside a larger buffer.
    let mut full = vec![0u8; full_w * full_h];
    for y in 0..h {
        full[(y + 4) * full_w + 8..(y + 4) * full_w + 8 + w]
            .copy_from_slice(&luma[y * w..(y + 1) * w]);
    }
    let row_stride = full_w * 2 + 32;
    let plane = as_plane(&full, full_w, full_h, row_stride, 2);
    let crop = Crop {
        left: 8,
        top: 4,
        right: 8 + w,
        bottom: 4 + h,
    };
    let frame = frames::luma_from_camera(
        Plane {
            data: &plane,
            row_stride,
            pixel_stride: 2,
        },
        full_w,
        full_h,
        Some(crop),
    )
    .unwrap();
    assert_eq!((frame.width(), frame.height()), (w, h));
    assert_eq!(frame.to_packed().data(), &luma[..]);
    assert!(decodes_to_uri(&frame));
}

#[test]
fn nv21_buffer_decodes_and_chroma_is_ignored() {
    // Old camera API / many V4L2 devices: Y plane then interleaved VU, no padding.
    let (w, h) = (320, 240);
    let luma = scene(w, h);
    let mut nv21 = luma.clone();
    nv21.extend((0..w * h / 2).map(|i| (i * 37 % 251) as u8)); // noisy chroma
    let frame = frames::luma_from_camera(
        Plane {
            data: &nv21,
            row_stride: w,
            pixel_stride: 1,
        },
        w,
        h,
        None,
    )
    .unwrap();
    assert_eq!(frame.data().len(), w * h);
    assert_eq!(frame.data(), &luma[..]);
    assert!(decodes_to_uri(&frame));
}

#[test]
fn sideways_sensor_frames_still_decode_after_turning_upright() {
    // A phone held upright sees the code turned by the sensor's 90°; the preview turns it back.
    let (w, h) = (480, 360);
    let luma = scene(w, h);
    let plane = as_plane(&luma, w, h, 512, 1);
    let frame = frames::luma_from_camera(
        Plane {
            data: &plane,
            row_stride: 512,
            pixel_stride: 1,
        },
        w,
        h,
        None,
    )
    .unwrap();
    let upright = frames::rotate(&frame, Rotation::from_degrees(90));
    assert_eq!((upright.width(), upright.height()), (h, w));
    assert!(decodes_to_uri(&upright));
    assert_eq!(frames::rotate(&upright, Rotation::Cw270), frame.to_packed());
}

#[test]
fn truncated_or_inconsistent_planes_are_errors_not_panics() {
    let data = vec![0u8; 1000];
    for (len, w, h, row, px) in [
        (1000, 100, 20, 100, 1), // 2000 bytes needed
        (1000, 100, 5, 50, 1),   // stride < width
        (1000, 100, 5, 150, 2),  // stride < width × pixel stride
        (1000, 0, 5, 10, 1),     // empty
        (0, 1, 1, 1, 1),
    ] {
        let r = frames::luma_from_camera(
            Plane {
                data: &data[..len],
                row_stride: row,
                pixel_stride: px,
            },
            w,
            h,
            None,
        );
        assert!(r.is_err(), "{w}×{h} stride {row}/{px} from {len} bytes");
    }
}

// ---------------------------------------------------------------------------------------------
// Permission + lifecycle: the Android story as the glue drives it.

#[test]
fn permission_dialog_does_not_lock_but_settings_trip_does() {
    let t = Instant::now();
    let mut flow = PermissionFlow::new();
    let mut gate = LifecycleGate::new(LockPolicy::default());

    // Scanner opens on a fresh install: ask; the glue excuses the coming pause.
    assert_eq!(
        flow.open(OsStatus::Undetermined, t),
        Command::RequestPermission
    );
    gate.expect_system_ui(t);
    // Dialog shows (onPause), user denies, dialog closes (onResume).
    flow.paused();
    assert!(
        !gate.paused(t + Duration::from_secs(1)).lock,
        "the permission dialog must not lock"
    );
    assert!(!gate.resumed(t + Duration::from_secs(3)).lock);
    assert_eq!(
        flow.resumed(OsStatus::Denied {
            can_ask_again: true
        }),
        Command::Nothing
    );
    assert_eq!(flow.access(), CameraAccess::Denied);

    // "Allow camera" again; Android 11+ no longer shows a dialog after a second denial.
    let t2 = t + Duration::from_secs(10);
    assert_eq!(flow.action(t2), Command::RequestPermission);
    gate.expect_system_ui(t2);
    assert_eq!(
        flow.tick(OsStatus::Undetermined, t2 + NO_DIALOG_AFTER),
        Command::Nothing
    );
    assert_eq!(flow.access(), CameraAccess::Blocked);
    assert_eq!(flow.access().action(), Some("Open settings"));

    // "Open settings" a minute later: Settings covers the app (pause) and sends it to the
    // background; the stale expectation from the silent request excuses neither.
    let t3 = t2 + Duration::from_secs(60);
    assert_eq!(flow.action(t3), Command::OpenSettings);
    assert!(gate.paused(t3).lock);
    assert!(
        !gate.backgrounded(t3 + Duration::from_secs(1)).lock,
        "locked once, not twice"
    );
    // Back with the permission on: the camera starts, the vault stays locked until unlocked.
    let back = gate.resumed(t3 + Duration::from_secs(30));
    assert!(!back.lock);
    assert_eq!(flow.resumed(OsStatus::Granted), Command::StartCamera);
}

#[test]
fn ordinary_pause_locks_and_covers() {
    let t = Instant::now();
    let mut gate = LifecycleGate::new(LockPolicy::default());
    let r = gate.paused(t);
    assert!(r.lock);
    assert_eq!(r.cover, Some(true));
    assert_eq!(gate.resumed(t + Duration::from_secs(1)).cover, Some(false));
}

// ---------------------------------------------------------------------------------------------
// Packaging files.

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// XML without comments, so a word in a comment is never mistaken for markup.
fn strip_xml_comments(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("-->").expect("unterminated comment") + start + 3;
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Every start tag named `name`, as its attribute text.
fn tags<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let end = after.find('>').expect("unterminated tag");
        if after.starts_with(|c: char| c.is_whitespace() || c == '/' || c == '>') {
            found.push(&after[..end]);
        }
        rest = &after[end..];
    }
    found
}

/// The value of `attr="…"` in a tag's attribute text.
fn attr<'a>(tag: &'a str, attr: &str) -> Option<&'a str> {
    let key = format!("{attr}=\"");
    let i = tag.find(&key)? + key.len();
    Some(&tag[i..i + tag[i..].find('"')?])
}

#[test]
fn android_manifest_asks_for_the_camera_only_and_forbids_backup() {
    let manifest = strip_xml_comments(&read("android/app/src/main/AndroidManifest.xml"));
    let permissions: Vec<&str> = tags(&manifest, "uses-permission")
        .iter()
        .filter_map(|t| attr(t, "android:name"))
        .collect();
    assert_eq!(
        permissions,
        ["android.permission.CAMERA"],
        "the only permission is the camera"
    );
    assert!(
        !manifest.contains("INTERNET"),
        "Monban is offline: no INTERNET permission"
    );
    assert!(tags(&manifest, "uses-permission-sdk-23").is_empty());

    let app = tags(&manifest, "application");
    assert_eq!(app.len(), 1);
    assert_eq!(attr(app[0], "android:allowBackup"), Some("false"));
    // The one Java class: the folder picker of automatic backups.
    assert_eq!(attr(app[0], "android:hasCode"), Some("true"));
    assert_eq!(attr(app[0], "android:label"), Some("@string/app_name"));
    assert_eq!(attr(app[0], "android:icon"), Some("@mipmap/ic_launcher"));

    // Android 12+ ignores allowBackup for device transfers: the rules must exclude everything.
    let rules_ref = attr(app[0], "android:dataExtractionRules").expect("dataExtractionRules");
    let rules_file = format!(
        "android/app/src/main/res/xml/{}.xml",
        rules_ref.trim_start_matches("@xml/")
    );
    let rules = strip_xml_comments(&read(&rules_file));
    for section in ["cloud-backup", "device-transfer"] {
        let start = rules
            .find(&format!("<{section}>"))
            .unwrap_or_else(|| panic!("no {section}"));
        let end = rules.find(&format!("</{section}>")).unwrap();
        let body = &rules[start..end];
        assert!(
            tags(body, "include").is_empty(),
            "{section} includes something"
        );
        for domain in ["root", "file", "database", "sharedpref", "external"] {
            assert!(
                tags(body, "exclude")
                    .iter()
                    .any(|t| attr(t, "domain") == Some(domain)),
                "{section} does not exclude {domain}"
            );
        }
    }
}

#[test]
fn android_activity_loads_the_wrapper_library() {
    let manifest = strip_xml_comments(&read("android/app/src/main/AndroidManifest.xml"));
    let activity = tags(&manifest, "activity");
    assert_eq!(activity.len(), 2, "NativeActivity and the folder picker");
    assert_eq!(
        attr(activity[0], "android:name"),
        Some("android.app.NativeActivity")
    );
    let lib_name = tags(&manifest, "meta-data")
        .into_iter()
        .find(|t| attr(t, "android:name") == Some("android.app.lib_name"))
        .and_then(|t| attr(t, "android:value"))
        .expect("android.app.lib_name");
    let cargo = read("android/Cargo.toml");
    assert!(
        cargo.contains(&format!("name = \"{lib_name}\"")),
        "lib name {lib_name} not in android/Cargo.toml"
    );
    assert!(cargo.contains("crate-type = [\"cdylib\"]"));
    assert!(read("android/src/lib.rs").contains("fn android_main("));
    let gradle = read("android/app/build.gradle.kts");
    assert!(
        gradle.contains("minSdk = 26"),
        "Slint's Android backend needs API 26"
    );
    assert!(read("android/build.sh").contains("MIN_SDK=26"));
}

/// The folder picker of automatic backups (Storage Access Framework): only Monban starts it,
/// its class is where the manifest and the Rust side (`saf.rs`, which starts it by name and
/// reads its answer file) say, and it keeps the folder's read and write permission.
#[test]
fn android_folder_picker_is_private_and_found_by_the_names_the_glue_uses() {
    let manifest = strip_xml_comments(&read("android/app/src/main/AndroidManifest.xml"));
    let picker = tags(&manifest, "activity")
        .into_iter()
        .find(|t| attr(t, "android:name") == Some("org.monban.app.FolderPickerActivity"))
        .expect("the picker activity");
    assert_eq!(attr(picker, "android:exported"), Some("false"));
    assert_eq!(
        tags(&manifest, "intent-filter").len(),
        1,
        "only the launcher has an intent filter"
    );
    let java = read("android/app/src/main/java/org/monban/app/FolderPickerActivity.java");
    assert!(java.contains("package org.monban.app;"));
    assert!(java.contains("public final class FolderPickerActivity extends Activity"));
    assert!(java.contains("ACTION_OPEN_DOCUMENT_TREE"));
    assert!(java.contains("takePersistableUriPermission(tree, ACCESS)"));
    assert!(
        java.contains("FLAG_GRANT_READ_URI_PERMISSION | Intent.FLAG_GRANT_WRITE_URI_PERMISSION")
    );
    let glue = read("src/platform/android/saf.rs");
    assert!(glue.contains("const PICKER: &str = \"org.monban.app.FolderPickerActivity\";"));
    let answer = "\"backup-folder.picked\"";
    assert!(
        java.contains(answer) && glue.contains(answer),
        "one answer file"
    );
}

#[test]
fn android_name_is_english_and_japanese_and_icons_have_every_density() {
    let en = read("android/app/src/main/res/values/strings.xml");
    let ja = read("android/app/src/main/res/values-ja/strings.xml");
    assert!(en.contains(r#"<string name="app_name">Monban</string>"#));
    assert!(ja.contains(r#"<string name="app_name">門番</string>"#));
    for (density, px) in [
        ("mdpi", 48),
        ("hdpi", 72),
        ("xhdpi", 96),
        ("xxhdpi", 144),
        ("xxxhdpi", 192),
    ] {
        let path = format!("android/app/src/main/res/mipmap-{density}/ic_launcher.png");
        assert_eq!(png_size(&root().join(&path)), (px, px), "{path}");
    }
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is not a PNG",
        path.display()
    );
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// The string after `<key>{key}</key>` in a plist.
fn plist_string<'a>(plist: &'a str, key: &str) -> Option<&'a str> {
    let k = format!("<key>{key}</key>");
    let rest = plist[plist.find(&k)? + k.len()..].trim_start();
    let rest = rest.strip_prefix("<string>")?;
    Some(&rest[..rest.find("</string>")?])
}

/// `"key" = "value";` from an InfoPlist.strings file.
fn strings_value<'a>(strings: &'a str, key: &str) -> Option<&'a str> {
    let k = format!("\"{key}\" = \"");
    let i = strings.find(&k)? + k.len();
    Some(&strings[i..i + strings[i..].find("\";")?])
}

#[test]
fn ios_explains_the_camera_in_english_and_japanese() {
    let plist = strip_xml_comments(&read("ios/Info.plist"));
    let fallback =
        plist_string(&plist, "NSCameraUsageDescription").expect("NSCameraUsageDescription");
    assert!(fallback.contains("QR"));
    assert_eq!(
        plist_string(&plist, "UISceneDelegateClassName"),
        Some("SlintWindowSceneDelegate")
    );
    assert!(
        !plist.contains("NSAppTransportSecurity"),
        "no network exceptions in an offline app"
    );
    assert!(!plist.contains("NSAllowsArbitraryLoads"));

    let en = read("ios/Resources/en.lproj/InfoPlist.strings");
    let ja = read("ios/Resources/ja.lproj/InfoPlist.strings");
    assert_eq!(
        strings_value(&en, "NSCameraUsageDescription"),
        Some(fallback)
    );
    assert_eq!(strings_value(&en, "CFBundleDisplayName"), Some("Monban"));
    assert_eq!(strings_value(&ja, "CFBundleDisplayName"), Some("門番"));
    let ja_camera = strings_value(&ja, "NSCameraUsageDescription").expect("Japanese camera text");
    assert!(
        ja_camera.contains("カメラ") && ja_camera.contains("QR"),
        "{ja_camera}"
    );
}

#[test]
fn ios_project_builds_the_cargo_binary_it_names() {
    let project = read("ios/project.yml");
    let script_line = project
        .lines()
        .find(|l| l.contains("build_for_ios_with_cargo.bash"))
        .expect("script step");
    let bin = script_line.split_whitespace().last().unwrap();
    assert!(
        read("ios/Cargo.toml").contains(&format!("name = \"{bin}\"")),
        "{bin} is not ios/Cargo.toml's binary"
    );
    assert!(project.contains("INFOPLIST_FILE: Info.plist"));
    assert!(project.contains("ASSETCATALOG_COMPILER_APPICON_NAME: AppIcon"));
    let icon = root().join("ios/Resources/Assets.xcassets/AppIcon.appiconset/icon-1024.png");
    assert_eq!(png_size(&icon), (1024, 1024));
    // App Store icons must be opaque: colour type 2 (RGB), not 6 (RGBA).
    assert_eq!(
        std::fs::read(&icon).unwrap()[25],
        2,
        "the iOS icon has an alpha channel"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for script in ["ios/build_for_ios_with_cargo.bash", "android/build.sh"] {
            let mode = std::fs::metadata(root().join(script))
                .unwrap()
                .permissions()
                .mode();
            assert!(mode & 0o111 != 0, "{script} is not executable");
        }
    }
}

#[test]
fn desktop_entry_and_icons() {
    let entry = read("assets/monban.desktop");
    for line in [
        "Type=Application",
        "Exec=monban",
        "Icon=monban",
        "Name=Monban",
        "Name[ja]=門番",
        "Terminal=false",
    ] {
        assert!(entry.lines().any(|l| l == line), "missing {line}");
    }
    if require_tool(
        "desktop-file-validate",
        "apt-get install desktop-file-utils",
    ) {
        let out = std::process::Command::new("desktop-file-validate")
            .arg(root().join("assets/monban.desktop"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    for px in [16u32, 24, 32, 48, 64, 128, 256, 512] {
        let path = root().join(format!("assets/icons/app/png/monban-{px}.png"));
        assert_eq!(png_size(&path), (px, px));
    }
    assert!(read("assets/icons/app/monban.svg").starts_with("<svg"));
}

#[test]
fn mobile_dependencies_apply_to_mobile_targets_only() {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
            "--manifest-path",
        ])
        .arg(root().join("Cargo.toml"))
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let package = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "monban")
        .unwrap();
    let deps = package["dependencies"].as_array().unwrap();
    let slint: Vec<_> = deps.iter().filter(|d| d["name"] == "slint").collect();
    let has_android_backend = |d: &serde_json::Value| {
        d["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "backend-android-activity-06")
    };
    // Each platform names its own Slint: the desktop's has the software renderer only, the
    // phones' keep Slint's defaults plus their backends.
    assert!(
        slint.iter().all(|d| !d["target"].is_null()),
        "no Slint entry for every target"
    );
    let host = slint
        .iter()
        .find(|d| {
            d["target"].as_str()
                == Some(r#"cfg(not(any(target_os = "android", target_os = "ios")))"#)
        })
        .expect("slint for the desktop");
    assert!(
        !has_android_backend(host),
        "the Android backend must not reach desktop builds"
    );
    assert_eq!(host["uses_default_features"], false, "{host}");
    assert!(
        slint
            .iter()
            .any(|d| d["target"].as_str() == Some(r#"cfg(target_os = "ios")"#)),
        "slint for iOS"
    );
    let android = slint
        .iter()
        .find(|d| d["target"].as_str() == Some(r#"cfg(target_os = "android")"#))
        .expect("slint for Android");
    assert!(has_android_backend(android));
    assert_eq!(
        android["req"], host["req"],
        "the same Slint version everywhere"
    );
    for dep in deps.iter().filter(|d| {
        [
            "jni",
            "ndk",
            "ndk-sys",
            "objc2",
            "objc2-ui-kit",
            "objc2-av-foundation",
        ]
        .contains(&d["name"].as_str().unwrap())
    }) {
        let target = dep["target"].as_str().unwrap_or("");
        assert!(
            target.contains("android") || target.contains("ios"),
            "{} must be a mobile-only dependency",
            dep["name"]
        );
    }
}
