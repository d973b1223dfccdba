//! What both screenshot examples (`screenshots`, `screenshots_transfer`) start with: the
//! output folder from the command line and Slint's testing backend with mock time and the
//! software renderer (no display needed).

use std::path::PathBuf;

use i_slint_backend_testing::{TestingBackend, TestingBackendOptions};

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
