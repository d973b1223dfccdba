//! What the screenshot examples (`screenshots`, `screenshots_transfer`, `screenshots_backup`,
//! `screenshots_edges`) share: the output folder from the command line and Slint's testing
//! backend with mock time and the software renderer (no display needed), light vaults, and
//! showing, shooting and unlocking the app.

use std::path::{Path, PathBuf};
use std::time::Duration;

use i_slint_backend_testing::{TestingBackend, TestingBackendOptions};
use monban::app::{App, Theme, ThemeMode, UnlockAdapter};
use monban::vault::{KdfParams, OpenOptions, Vault};
use slint::ComponentHandle;

/// The folder named on the command line (default `docs/screenshots`), created, with the
/// testing platform installed.
pub fn start() -> PathBuf {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots"));
    std::fs::create_dir_all(&out).expect("output folder");
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })))
    .expect("platform");
    out
}

/// What `app` shows now, written to `out/name.png`; gives the path and the size in pixels.
pub fn shoot(app: &App, out: &Path, name: &str) -> (PathBuf, u32, u32) {
    app.pump();
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(1));
    let snap = app.window().window().take_snapshot().expect("snapshot");
    let (w, h) = (snap.width(), snap.height());
    let img = image::RgbaImage::from_raw(w, h, snap.as_bytes().to_vec()).expect("rgba");
    let path = out.join(format!("{name}.png"));
    img.save(&path).expect("write png");
    (path, w, h)
}

/// Shows `app`'s window at `size` logical pixels in the light or dark theme.
pub fn show(app: &App, dark: bool, size: (f32, f32)) {
    let ui = app.window();
    ui.global::<Theme>().set_mode(if dark {
        ThemeMode::Dark
    } else {
        ThemeMode::Light
    });
    ui.invoke_apply_theme();
    ui.window()
        .set_size(slint::LogicalSize::new(size.0, size.1));
    ui.show().expect("show");
}

/// A new empty vault at `path`, made at `now` (Unix seconds) with light KDF settings
/// (through the library, as tests do), open.
pub fn light_vault(path: &Path, passcode: &str, now: u64) -> Vault {
    Vault::create_with(
        path,
        passcode,
        KdfParams::TEST_LIGHT,
        now,
        &OpenOptions::light_for_tests(),
    )
    .expect("vault")
}

/// [`light_vault`] with the sample accounts of `monban::app::demo`, locked.
#[allow(dead_code)] // the transfer example fills its own vaults
pub fn demo_vault(path: &Path, passcode: &str, now: u64) {
    let mut v = light_vault(path, passcode, now);
    monban::app::demo::fill_sample(&mut v, now).expect("accounts");
    v.lock();
}

/// Types `passcode` into the lock screen and waits (up to a minute) for the vault to open.
#[allow(dead_code)] // the transfer example unlocks inside its own device maker
pub fn unlock(app: &App, passcode: &str) {
    app.window()
        .global::<UnlockAdapter>()
        .invoke_unlock(passcode.into());
    assert!(
        app.pump_until(Duration::from_secs(60), |a| a.core().is_unlocked()),
        "unlock"
    );
}
