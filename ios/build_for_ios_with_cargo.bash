#!/usr/bin/env bash
# Xcode post-compile step (project.yml): builds the Rust executable for the SDK and
# architectures Xcode is building for and puts it where Xcode expects the app's binary.
# Usable by hand too: `./build_for_ios_with_cargo.bash` builds for an iPhone (debug).
#
#   $1   the cargo binary (default monban-ios)
#   Xcode's CONFIGURATION, ARCHS, LLVM_TARGET_TRIPLE_SUFFIX, TARGET_BUILD_DIR, EXECUTABLE_PATH,
#   DERIVED_FILE_DIR and EXPANDED_CODE_SIGN_IDENTITY are read when present.
set -euo pipefail
# Xcode runs scripts with a minimal PATH.
export PATH="$HOME/.cargo/bin:/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin:$PATH"
cd "$(dirname "$0")"

bin=${1:-monban-ios}
if [[ "${CONFIGURATION:-Debug}" == Debug ]]; then
    profile=debug
    flags=()
else
    profile=release
    flags=(--release)
fi
# Keep cargo's output inside Xcode's build folders when Xcode calls us.
export CARGO_TARGET_DIR="${DERIVED_FILE_DIR:-$PWD/target}/cargo"

simulator=0
if [[ "${LLVM_TARGET_TRIPLE_SUFFIX:-}" == "-simulator" || "${PLATFORM_NAME:-}" == iphonesimulator ]]; then
    simulator=1
fi

built=()
for arch in ${ARCHS:-arm64}; do
    case "$arch" in
        arm64) if [[ $simulator == 1 ]]; then target=aarch64-apple-ios-sim; else target=aarch64-apple-ios; fi ;;
        x86_64) target=x86_64-apple-ios ;;
        *) echo "build_for_ios_with_cargo: unsupported architecture $arch" >&2; exit 1 ;;
    esac
    cargo build "${flags[@]}" --target "$target" --bin "$bin"
    built+=("$CARGO_TARGET_DIR/$target/$profile/$bin")
done

if [[ -n "${TARGET_BUILD_DIR:-}" && -n "${EXECUTABLE_PATH:-}" ]]; then
    out="$TARGET_BUILD_DIR/$EXECUTABLE_PATH"
    mkdir -p "$(dirname "$out")"
    lipo -create -output "$out" "${built[@]}"
    # Xcode signs the bundle before this binary changes on incremental builds: sign it here
    # too for devices (the simulator needs no signature).
    if [[ $simulator == 0 && "${CODE_SIGNING_ALLOWED:-YES}" != NO && -n "${EXPANDED_CODE_SIGN_IDENTITY:-}" ]]; then
        entitlements="${TARGET_TEMP_DIR:-}/${PRODUCT_NAME:-Monban}.app.xcent"
        if [[ -f "$entitlements" ]]; then
            codesign --force --sign "$EXPANDED_CODE_SIGN_IDENTITY" --entitlements "$entitlements" "$out"
        else
            codesign --force --sign "$EXPANDED_CODE_SIGN_IDENTITY" "$out"
        fi
    fi
else
    printf 'built %s\n' "${built[@]}"
fi
