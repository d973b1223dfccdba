#!/usr/bin/env bash
# The kill -9 crash test at scale (outside CI's time budget): a child process saves the vault
# in a loop and is killed with SIGKILL at random moments ITERATIONS times; after every kill
# the vault must open with either the last confirmed save or the one in flight, its backup
# copy must open, and no lock may be left behind. CI runs the same test with 200 kills.
#
#   scripts/kill-test.sh [ITERATIONS (default 3000)] [ROUNDS (default 1)]
#
# It reuses the vault's own harness (tests/integration/vault/crash.rs, test
# `vault::crash::kill_9_during_saves`, which honours MONBAN_KILL_ITERATIONS) in the same build
# profile as `cargo test`, without the GUI feature. Each round uses a fresh vault; the kill
# delays are a fixed pseudo-random sequence per round (same seed), so a failure repeats.
set -euo pipefail
cd "$(dirname "$0")/.."
ITER=${1:-3000}
ROUNDS=${2:-1}

cargo test --no-default-features --test integration --no-run -q 2>/dev/null ||
  cargo test --no-default-features --test integration --no-run

total=0
start=$(date +%s)
for r in $(seq 1 "$ROUNDS"); do
  out=$(MONBAN_KILL_ITERATIONS=$ITER cargo test -q --no-default-features --test integration \
    vault::crash::kill_9_during_saves -- --exact --nocapture --test-threads=1 2>&1) || {
    echo "$out"
    echo "kill-test.sh: FAILED in round $r" >&2
    exit 1
  }
  line=$(grep '^kill -9:' <<<"$out" || true)
  if [ -z "$line" ]; then
    echo "$out"
    echo "kill-test.sh: the harness printed no summary (was the test filtered out?)" >&2
    exit 1
  fi
  echo "round $r: $line"
  total=$((total + ITER))
done
echo "kill-test: $total kills in $ROUNDS round(s), $(($(date +%s) - start)) s, 0 failures"
