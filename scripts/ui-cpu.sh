#!/bin/sh
# CPU used by the GUI while 200 accounts count down on screen, under Xvfb.
# usage: scripts/ui-cpu.sh [SLINT_BACKEND|default] [SECONDS] [services|brands]
#   (needs Xvfb and xdotool; MONBAN_SHOT=FILE.png also saves a screenshot, with Pillow)
# `default` leaves SLINT_BACKEND unset: the renderer a user gets (on the desktop the software
# renderer, the only one the build has). `services`: accounts "Service 001"…"Service 200"
# (letter avatars); `brands`: 200 real services from assets/icons/brands.txt (each row shows
# its brand logo).
# Builds the release binary, makes a 200-account vault with the CLI (real KDF), unlocks it by
# typing the passcode, then reads the process's CPU time from /proc over SECONDS.
set -eu
BACKEND=${1:-default}; SECS=${2:-60}; NAMES=${3:-services}
cd "$(dirname "$0")/.."
# MONBAN_BIN: measure that binary (e.g. a build of another branch) instead of building this one.
if [ -z "${MONBAN_BIN:-}" ]; then
  cargo build --release --quiet --bin monban
  MONBAN_BIN="${CARGO_TARGET_DIR:-target}/release/monban"
fi
DIR=$(mktemp -d); BIN="$DIR/monban"; cp "$MONBAN_BIN" "$BIN"
python3 - "$NAMES" > "$DIR/uris.txt" <<'EOF'
import base64, sys, urllib.parse
if sys.argv[1] == "brands":
    # Lines of three tab-separated columns are brands with a logo (LETTER lines have five).
    rows = [l.split("\t") for l in open("assets/icons/brands.txt", encoding="utf-8")
            if l.strip() and not l.startswith("#")]
    names = [r[1].split(" | ")[0] for r in rows if len(r) == 3][:200]
else:
    names = [f"Service {i + 1:03}" for i in range(200)]
assert len(names) == 200, len(names)
for i, name in enumerate(names):
    s = base64.b32encode(bytes([(i * 7 + j) % 256 for j in range(20)])).decode().rstrip("=")
    n = urllib.parse.quote(name)
    print(f"otpauth://totp/{n}:user{i}@example.com?secret={s}&issuer={n}")
EOF
MONBAN_PASSCODE="cpu bench lantern quarry velvet 1" "$BIN" --vault "$DIR/v.vault" init >/dev/null
MONBAN_PASSCODE="cpu bench lantern quarry velvet 1" "$BIN" --vault "$DIR/v.vault" import "$DIR/uris.txt" >/dev/null
echo '{"auto_lock_secs": 900}' > "$DIR/v.vault.settings.json"
N=$((150 + $$ % 300))
Xvfb ":$N" -screen 0 1024x900x24 -nolisten tcp -noreset >/dev/null 2>&1 & XP=$!
sleep 1
export DISPLAY=":$N"
if [ "$BACKEND" = default ]; then unset SLINT_BACKEND; else export SLINT_BACKEND="$BACKEND"; fi
"$BIN" --vault "$DIR/v.vault" 2>/dev/null & AP=$!
W=$(xdotool search --sync --onlyvisible --name '^Monban$' | head -1)
sleep 1
xdotool windowfocus --sync "$W"; xdotool type --delay 15 "cpu bench lantern quarry velvet 1"; xdotool key Return
sleep 4
T0=$(awk '{print $14+$15}' "/proc/$AP/stat")
sleep "$SECS"
T1=$(awk '{print $14+$15}' "/proc/$AP/stat")
# MONBAN_SHOT=FILE.png: a screenshot of what was measured (the unlocked list, not a lock
# screen), with Pillow.
if [ -n "${MONBAN_SHOT:-}" ]; then
  python3 -c "from PIL import ImageGrab; import sys; ImageGrab.grab(xdisplay=sys.argv[1]).save(sys.argv[2])" ":$N" "$MONBAN_SHOT"
fi
kill "$AP" "$XP"; rm -rf "$DIR"
echo "backend=$BACKEND accounts=$NAMES seconds=$SECS cpu=$((T1 - T0))0 ms => $(awk "BEGIN{printf \"%.2f\", ($T1-$T0)/$SECS}") % of one core"
