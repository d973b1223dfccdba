#!/bin/sh
# CPU used by the GUI while 200 accounts count down on screen, under Xvfb.
# usage: scripts/ui-cpu.sh [SLINT_BACKEND|default] [SECONDS]   (needs Xvfb and xdotool)
# Builds the release binary, makes a 200-account vault with the CLI (real KDF), unlocks it by
# typing the passcode, then reads the process's CPU time from /proc over SECONDS.
set -eu
BACKEND=${1:-winit-software}; SECS=${2:-60}
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin monban
DIR=$(mktemp -d); BIN="$DIR/monban"; cp "${CARGO_TARGET_DIR:-target}/release/monban" "$BIN"
python3 -c "
import base64
for i in range(200):
    s=base64.b32encode(bytes([(i*7+j)%256 for j in range(20)])).decode().rstrip('=')
    print(f'otpauth://totp/Service%20{i+1:03}:user{i}@example.com?secret={s}&issuer=Service%20{i+1:03}')" > "$DIR/uris.txt"
MONBAN_PASSCODE="cpu bench lantern quarry velvet 1" "$BIN" --vault "$DIR/v.vault" init >/dev/null
MONBAN_PASSCODE="cpu bench lantern quarry velvet 1" "$BIN" --vault "$DIR/v.vault" import "$DIR/uris.txt" >/dev/null
echo '{"auto_lock_secs": 900}' > "$DIR/v.vault.settings.json"
N=$((150 + $$ % 300))
Xvfb ":$N" -screen 0 1024x900x24 -nolisten tcp >/dev/null 2>&1 & XP=$!
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
kill "$AP" "$XP"; rm -rf "$DIR"
echo "backend=$BACKEND seconds=$SECS cpu=$((T1 - T0))0 ms => $(awk "BEGIN{printf \"%.2f\", ($T1-$T0)/$SECS}") % of one core"
