#!/usr/bin/env bash
# The README's "Start here" on a machine where nothing was cached: clones this repository into
# a temporary folder and runs its two commands there with an empty CARGO_HOME and an empty
# CARGO_TARGET_DIR (every crate comes from the registry again, every crate is built again):
#
#   1. `cargo run --release` until the app's window shows on a private Xvfb display, then the
#      window is closed;
#   2. `./scripts/test.sh`.
#
# Prints one line per step with its wall time and exits non-zero if a step fails. Only the
# Rust toolchain is reused (RUSTUP_HOME; the toolchain's own bin folder goes first on PATH and
# the current CARGO_HOME's bin folder is dropped from it, so no installed cargo tool leaks in).
#
#   scripts/fresh-machine.sh [REV (default HEAD)]
#
# FRESH_CI=1 runs `.ci/run` as step 2 instead of `./scripts/test.sh` (CI's run begins with the
# test command, then fmt, clippy and the phone hostchecks): one run measures both the fresh
# machine and a cold CI run (an empty target folder; crates downloaded once, as CI's cache
# would hold them), and prints CI's own per-step times.
#
# Variables: FRESH_KEEP=1 keeps the temporary folder (clone, CARGO_HOME, target dir) for
# timing further steps in it; FRESH_WINDOW_TIMEOUT (s, default 120) is how long the window may
# take to show once the build is done. CI: taken from the caller; when unset it is `true` if
# the project's shared/ folder is beside the repository (it is linked beside the clone, as CI
# has it), so a missing tool or data set fails a test instead of skipping it.
# Needs git, Xvfb and xdotool (installed when missing, as scripts/test.sh does). Slow: a cold
# build of the release binary and of the tests (tens of minutes on 2 cores). Not run by
# .ci/run.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
REV=${1:-HEAD}
KEEP=${FRESH_KEEP:-0}
WINDOW_TIMEOUT=${FRESH_WINDOW_TIMEOUT:-120}

say() { printf 'fresh-machine: %s\n' "$*"; }
# One result line: step name, seconds, status.
step_line() { printf 'fresh-machine: %-24s %7ss  %s\n' "$1" "$2" "$3"; }

need=()
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
command -v xdotool >/dev/null 2>&1 || need+=(xdotool)
command -v git >/dev/null 2>&1 || need+=(git)
if ((${#need[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  say "installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# The toolchain, found before CARGO_HOME changes: its bin folder has cargo, rustc, rustfmt and
# clippy; rustup's proxies (in the old CARGO_HOME) are not needed.
TOOLCHAIN_BIN=$(dirname "$(rustup which cargo 2>/dev/null || command -v cargo)")
export RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup}
OLD_CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/monban-fresh.XXXXXX")
LOGS=$WORK/logs
mkdir -p "$LOGS" "$WORK/cargo-home" "$WORK/home"
XVFB_PID=""
APP_PID=""
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
  if [ "$KEEP" = 1 ]; then
    say "kept $WORK (clone in monban/, CARGO_HOME cargo-home/, target dir target/, logs/)"
  elif [ "${failed:-1}" = 0 ]; then
    rm -rf "$WORK"
  else
    say "logs kept in $LOGS"
    rm -rf "$WORK/target" "$WORK/cargo-home"
  fi
}
trap cleanup EXIT
failed=1

export CARGO_HOME=$WORK/cargo-home
export CARGO_TARGET_DIR=$WORK/target
PATH=$TOOLCHAIN_BIN:$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -x -F "$OLD_CARGO_HOME/bin" | paste -sd: -)
export PATH
unset RUSTC_WRAPPER RUSTFLAGS CARGO_BUILD_TARGET_DIR CARGO_INCREMENTAL
if [ -z "${CI+x}" ]; then
  if [ -d "$SRC/../shared" ]; then export CI=true; fi
fi
say "temporary folder $WORK; toolchain $(cargo --version); CI=${CI:-unset}"

now() { date +%s; }
total_start=$(now)

# 1. Clone (the committed tree only: no target dir, no untracked files).
t0=$(now)
git clone --quiet --no-hardlinks "$SRC" "$WORK/monban"
git -C "$WORK/monban" checkout --quiet --detach "$REV"
[ -d "$SRC/../shared" ] && ln -s "$(cd "$SRC/../shared" && pwd)" "$WORK/shared"
step_line "git clone" $(($(now) - t0)) "ok ($(git -C "$WORK/monban" rev-parse --short HEAD))"
cd "$WORK/monban"

# 2. `cargo run --release` on a private X display, with a new HOME (no vault, no settings).
for n in $(seq 300 399); do
  [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] || { DISPLAY_NUM=$n; break; }
done
Xvfb ":$DISPLAY_NUM" -screen 0 1024x900x24 -nolisten tcp -noreset >"$LOGS/xvfb.log" 2>&1 &
XVFB_PID=$!
t0=$(now)
env -u WAYLAND_DISPLAY -u XDG_CONFIG_HOME -u XDG_DATA_HOME -u XDG_STATE_HOME \
  -u XDG_CACHE_HOME -u SLINT_BACKEND HOME="$WORK/home" DISPLAY=":$DISPLAY_NUM" LANG=C.UTF-8 \
  cargo run --release >"$LOGS/run.log" 2>&1 &
APP_PID=$!
# Built when cargo says it runs the binary (or gives up).
until grep -q '^ *Running `' "$LOGS/run.log" 2>/dev/null || ! kill -0 "$APP_PID" 2>/dev/null; do
  sleep 2
done
built=$(($(now) - t0))
run_status="FAILED"
if grep -q '^ *Running `' "$LOGS/run.log"; then
  t1=$(now)
  if wid=$(DISPLAY=":$DISPLAY_NUM" timeout "$WINDOW_TIMEOUT" \
      xdotool search --sync --onlyvisible --name '^Monban$' 2>/dev/null | head -1) && [ -n "$wid" ]; then
    shown=$(($(now) - t1))
    DISPLAY=":$DISPLAY_NUM" xdotool windowclose "$wid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$APP_PID" 2>/dev/null; then
      kill "$APP_PID" 2>/dev/null || true
      how="closed by signal"
    else
      how="closed"
    fi
    wait "$APP_PID" 2>/dev/null || true
    APP_PID=""
    run_status="ok (built in ${built}s; window \"Monban\" shown ${shown}s later, $how)"
  else
    run_status="FAILED (built in ${built}s; no visible \"Monban\" window within ${WINDOW_TIMEOUT}s; see $LOGS/run.log)"
  fi
else
  run_status="FAILED (the build failed; see $LOGS/run.log)"
fi
[ -n "$APP_PID" ] && { kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; APP_PID=""; }
kill "$XVFB_PID" 2>/dev/null || true
XVFB_PID=""
step_line "cargo run --release" $(($(now) - t0)) "$run_status"
if [[ $run_status == FAILED* ]]; then
  tail -n 30 "$LOGS/run.log" | sed 's/^/  | /'
  exit 1
fi

# 3. The test command (or all of CI, which starts with it).
if [ "${FRESH_CI:-0}" = 1 ]; then
  name=".ci/run"; cmd=(.ci/run)
else
  name="./scripts/test.sh"; cmd=(./scripts/test.sh)
fi
t0=$(now)
set +e
"${cmd[@]}" >"$LOGS/test.log" 2>&1
rc=$?
set -e
# cargo test prints one "test result:" line per test binary; add them up.
sums=$(awk '/^test result:/ {p+=$4; f+=$6; i+=$8} END {printf "%d passed, %d failed, %d ignored", p, f, i}' \
  "$LOGS/test.log" | sed 's/;//g')
if [ "$name" = ".ci/run" ]; then
  sed -n '/^ci: step times/,$p' "$LOGS/test.log" | sed 's/^/  | /'
fi
if [ "$rc" -eq 0 ]; then
  step_line "$name" $(($(now) - t0)) "ok ($sums)"
else
  step_line "$name" $(($(now) - t0)) "FAILED (exit $rc; $sums; see $LOGS/test.log)"
  grep -E '^(test .* FAILED|failures:|---- )|panicked at|^error' "$LOGS/test.log" | head -n 30 | sed 's/^/  | /'
  tail -n 15 "$LOGS/test.log" | sed 's/^/  | /'
  exit 1
fi

failed=0
step_line "total" $(($(now) - total_start)) "ok"
