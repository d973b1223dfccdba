#!/usr/bin/env bash
# The test command from README.md: installs what the tests need on Debian (when run as root or
# with sudo), then runs the whole test suite. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
for p in pkg-config:pkg-config libfontconfig1-dev:fc-list oathtool:oathtool argon2:argon2 \
         zbar-tools:zbarimg qrencode:qrencode xvfb:Xvfb xclip:xclip xdotool:xdotool \
         desktop-file-utils:desktop-file-validate; do
  pkg=${p%%:*}; bin=${p##*:}
  case $pkg in
    libfontconfig1-dev) dpkg -s "$pkg" >/dev/null 2>&1 || need_pkgs+=("$pkg") ;;
    *) command -v "$bin" >/dev/null 2>&1 || need_pkgs+=("$pkg") ;;
  esac
done
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need_pkgs+=(fonts-noto-cjk)
if ((${#need_pkgs[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing test dependencies: ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"
fi

# The Google-QR interop test decodes Monban's QR payloads with Google's own protobuf runtime.
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import google.protobuf' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check protobuf || echo "note: pip install protobuf failed; the interop test will say it skipped"
fi

# Every crate of every target and feature, exactly as locked: the tests read the dependency
# graph of all of them (tests/integration/proof/offline.rs), not only what this build needs.
cargo fetch --locked
cargo fetch --locked --manifest-path android/Cargo.toml

cargo test
