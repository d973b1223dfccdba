#!/bin/sh
# Size of the release binary against the goal (≤ 20 MB stripped: smaller than a default Slint
# hello-world, 20.4 MB). Not a test: it prints, it does not fail on the figure.
# usage: scripts/size.sh [BINARY]   (without BINARY: `cargo build --release --bin monban` first)
# Prints the size as built and after `strip` (equal when the release profile strips).
# MB = 10^6 bytes (MiB in brackets).
set -eu
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
if [ $# -ge 1 ]; then
  BIN=$1
else
  cargo build --release --quiet --bin monban
  BIN=$TARGET/release/monban
fi
TMP=$(mktemp)
trap 'rm -f "$TMP"' EXIT
cp "$BIN" "$TMP"
strip "$TMP"
AS_BUILT=$(wc -c <"$BIN")
STRIPPED=$(wc -c <"$TMP")
GOAL=20000000
echo "binary: $BIN"
awk -v b="$AS_BUILT" -v s="$STRIPPED" -v g="$GOAL" 'BEGIN {
  printf "as built: %.1f MB (%.1f MiB, %d bytes)\n", b / 1e6, b / 1048576, b;
  printf "stripped: %.1f MB (%.1f MiB, %d bytes); goal <= %.1f MB: %s (%.0f %% of the goal)\n",
    s / 1e6, s / 1048576, s, g / 1e6, (s <= g ? "met" : "NOT met"), 100 * s / g;
}'
