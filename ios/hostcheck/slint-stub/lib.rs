//! Signatures only (see Cargo.toml). Nothing here runs.
#![allow(dead_code, unused_variables)]

#[derive(Debug)]
pub struct PlatformError;
impl std::fmt::Display for PlatformError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("platform error")
    }
}

#[derive(Debug)]
pub struct EventLoopError;

/// i-slint-core 1.18.1 api.rs
pub fn invoke_from_event_loop(func: impl FnOnce() + Send + 'static) -> Result<(), EventLoopError> {
    Ok(())
}
