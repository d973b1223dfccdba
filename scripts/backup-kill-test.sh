#!/usr/bin/env bash
# kill -9 during automatic backups, at scale (outside CI's time budget): a child process
# changes the vault and writes its automatic backup in a loop and is killed with SIGKILL at
# pseudo-random moments ITERATIONS times. After every kill the vault must open with the last
# confirmed change or the one in flight, every complete backup in the folder must open with
# the backup password and hold the vault's content of the generation in its name, the newest
# must be no older than the last backup the child confirmed, and the folder may hold at most
# N + 1 backups. CI runs the same test with 100 kills.
#
#   scripts/backup-kill-test.sh [ITERATIONS (default 2000)] [ROUNDS (default 1)]
#
# It runs the harness tests/integration/backup/crash.rs (test
# `backup::crash::kill_9_during_backups`, which honours MONBAN_BACKUP_KILL_ITERATIONS) in the
# build profile of `cargo test`, without the GUI feature. The kill delays are a fixed
# pseudo-random sequence, so a failure repeats. See docs/backups.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ITER=${1:-2000}
ROUNDS=${2:-1}

cargo test --no-default-features --test integration --no-run -q 2>/dev/null ||
  cargo test --no-default-features --test integration --no-run

total=0
start=$(date +%s)
for r in $(seq 1 "$ROUNDS"); do
  out=$(MONBAN_BACKUP_KILL_ITERATIONS=$ITER cargo test -q --no-default-features --test integration \
    backup::crash::kill_9_during_backups -- --exact --nocapture --test-threads=1 2>&1) || {
    echo "$out"
    echo "backup-kill-test.sh: FAILED in round $r" >&2
    exit 1
  }
  line=$(grep '^kill -9 (backups):' <<<"$out" || true)
  if [ -z "$line" ]; then
    echo "$out"
    echo "backup-kill-test.sh: the harness printed no summary (was the test filtered out?)" >&2
    exit 1
  fi
  echo "round $r: $line"
  total=$((total + ITER))
done
echo "backup-kill-test: $total kills in $ROUNDS round(s), $(($(date +%s) - start)) s, 0 failures"
