//! Signatures only (see Cargo.toml). Nothing here runs.
#![allow(dead_code, unused_variables, clippy::new_without_default)]

use std::time::Duration;

#[derive(Debug)]
pub struct PlatformError;
impl std::fmt::Display for PlatformError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("platform error")
    }
}

pub struct Timer;
impl Timer {
    /// i-slint-core 1.18.1 timers.rs
    pub fn single_shot(duration: Duration, callback: impl FnOnce() + 'static) {}
}

pub mod platform {
    #[derive(Debug)]
    pub struct SetPlatformError;
    impl std::fmt::Display for SetPlatformError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("set platform error")
        }
    }
}

pub mod android {
    pub use android_activity::AndroidApp;

    /// slint 1.18.1 android.rs
    pub fn init_with_event_listener(
        app: android_activity::AndroidApp,
        listener: impl Fn(&android_activity::PollEvent<'_>) + 'static,
    ) -> Result<(), crate::platform::SetPlatformError> {
        Ok(())
    }

    /// android-activity 0.6.1 lib.rs
    pub mod android_activity {
        use std::ffi::c_void;
        use std::path::PathBuf;

        #[derive(Clone)]
        pub struct AndroidApp;
        impl AndroidApp {
            pub fn set_window_flags(
                &self,
                add_flags: WindowManagerFlags,
                remove_flags: WindowManagerFlags,
            ) {
            }
            pub fn vm_as_ptr(&self) -> *mut c_void {
                std::ptr::null_mut()
            }
            pub fn activity_as_ptr(&self) -> *mut c_void {
                std::ptr::null_mut()
            }
            pub fn internal_data_path(&self) -> Option<PathBuf> {
                None
            }
        }

        #[derive(Clone, Copy, PartialEq, Eq)]
        pub struct WindowManagerFlags(u32);
        impl WindowManagerFlags {
            pub const SECURE: Self = Self(0x0000_2000);
            pub const fn empty() -> Self {
                Self(0)
            }
        }

        pub struct StateLoader<'a>(&'a ());
        pub struct StateSaver<'a>(&'a ());

        #[non_exhaustive]
        pub enum MainEvent<'a> {
            InputAvailable,
            #[non_exhaustive]
            InitWindow {},
            #[non_exhaustive]
            TerminateWindow {},
            GainedFocus,
            LostFocus,
            Start,
            #[non_exhaustive]
            Resume {
                loader: StateLoader<'a>,
            },
            #[non_exhaustive]
            SaveState {
                saver: StateSaver<'a>,
            },
            Pause,
            Stop,
            Destroy,
        }

        pub enum PollEvent<'a> {
            Wake,
            Timeout,
            Main(MainEvent<'a>),
        }
    }
}
