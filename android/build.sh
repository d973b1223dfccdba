#!/usr/bin/env bash
# Builds Monban for Android: the Rust library with cargo-ndk, then the APK/AAB with Gradle.
#
#   ./build.sh apk       release APK  -> app/build/outputs/apk/release/
#   ./build.sh aab       release AAB  -> app/build/outputs/bundle/release/  (Google Play)
#   ./build.sh install   debug build installed on the device `adb devices` shows
#   ./build.sh lib       only the Rust library (app/src/main/jniLibs/<abi>/)
#   add --debug to apk/aab for a debug build
#
# Environment: ANDROID_HOME (SDK), ANDROID_NDK_HOME (NDK; default: newest under
# $ANDROID_HOME/ndk), MONBAN_ABIS (default "arm64-v8a x86_64"; keep in step with abiFilters in
# app/build.gradle.kts), MONBAN_KEYSTORE* for a signed release (see README.md).
set -euo pipefail
cd "$(dirname "$0")"

what=${1:-apk}
profile=release
if [[ "${2:-}" == "--debug" || "$what" == "install" ]]; then profile=debug; fi
ABIS=${MONBAN_ABIS:-"arm64-v8a x86_64"}
MIN_SDK=26 # Slint's Android backend needs API 26; same as minSdk in app/build.gradle.kts

die() { echo "build.sh: $*" >&2; exit 1; }

[[ -n "${ANDROID_HOME:-}" && -d "${ANDROID_HOME}" ]] ||
    die "set ANDROID_HOME to the Android SDK (Android Studio: Settings > Android SDK > location)"
if [[ -z "${ANDROID_NDK_HOME:-}" ]]; then
    ANDROID_NDK_HOME=$(ls -d "$ANDROID_HOME"/ndk/* 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n "$ANDROID_NDK_HOME" ]] || die "no NDK in $ANDROID_HOME/ndk: install one with the SDK manager"
    export ANDROID_NDK_HOME
fi
command -v cargo >/dev/null || die "cargo not found: install Rust from https://rustup.rs"
cargo ndk --version >/dev/null 2>&1 || die "cargo-ndk not found: cargo install cargo-ndk"

declare -A TRIPLE=(
    [arm64-v8a]=aarch64-linux-android
    [armeabi-v7a]=armv7-linux-androideabi
    [x86_64]=x86_64-linux-android
    [x86]=i686-linux-android
)
targets=()
for abi in $ABIS; do
    triple=${TRIPLE[$abi]:-}
    [[ -n "$triple" ]] || die "unknown ABI $abi"
    rustup target list --installed 2>/dev/null | grep -qx "$triple" ||
        die "Rust target missing: rustup target add $triple"
    targets+=(-t "$abi")
done

cargo_flags=()
[[ "$profile" == release ]] && cargo_flags+=(--release)
cargo ndk "${targets[@]}" -P "$MIN_SDK" -o app/src/main/jniLibs build "${cargo_flags[@]}"

# Skia (Slint's renderer on Android) is C++: if the library links the shared C++ runtime,
# it must ship beside it.
prebuilt=$(ls -d "$ANDROID_NDK_HOME"/toolchains/llvm/prebuilt/* | head -n 1)
for abi in $ABIS; do
    so="app/src/main/jniLibs/$abi/libmonban_android.so"
    [[ -f "$so" ]] || die "cargo-ndk did not produce $so"
    if "$prebuilt/bin/llvm-readelf" -d "$so" | grep -q 'libc++_shared.so'; then
        triple=${TRIPLE[$abi]}
        [[ "$triple" == armv7-linux-androideabi ]] && triple=arm-linux-androideabi
        cp "$prebuilt/sysroot/usr/lib/$triple/libc++_shared.so" "app/src/main/jniLibs/$abi/"
    fi
done

[[ "$what" == lib ]] && exit 0

if [[ -x ./gradlew ]]; then gradle=./gradlew; else
    command -v gradle >/dev/null || die "no ./gradlew and no gradle: run 'gradle wrapper' once (README.md)"
    gradle=gradle
fi
cap=$([[ "$profile" == release ]] && echo Release || echo Debug)
case "$what" in
    apk) "$gradle" "assemble$cap" ;;
    aab) "$gradle" "bundle$cap" ;;
    install) "$gradle" installDebug && adb shell am start -n org.monban.app/android.app.NativeActivity ;;
    *) die "unknown command $what (apk, aab, install, lib)" ;;
esac
