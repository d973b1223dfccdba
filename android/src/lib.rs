//! The Android entry point: android-activity's NativeActivity glue calls `android_main` on
//! its own thread; everything else is the shared app (`monban::platform::android::main`).

#[cfg(target_os = "android")]
#[unsafe(no_mangle)]
fn android_main(app: monban::platform::android::AndroidApp) {
    monban::platform::android::main(app);
}
