#!/usr/bin/env bash
# The kill -9 crash tests at scale (outside CI's time budget). A child process is killed with
# SIGKILL at pseudo-random moments ITERATIONS times while it works, in one of two harnesses:
#
# - saves (default): the child saves the vault in a loop; after every kill the vault must open
#   with either the last confirmed save or the one in flight, its backup copy must open, and no
#   lock may be left behind (tests/integration/vault/crash.rs, `vault::crash::kill_9_during_saves`,
#   MONBAN_KILL_ITERATIONS; CI runs it with 200 kills);
# - --backups: the child changes the vault and writes its automatic backup in a loop; after
#   every kill the vault opens with the last confirmed change or the one in flight, every
#   complete backup opens with the backup password and holds the content of the generation in
#   its name, the newest is no older than the last backup the child confirmed, and the folder
#   holds at most N + 1 backups (tests/integration/backup/crash.rs,
#   `backup::crash::kill_9_during_backups`, MONBAN_BACKUP_KILL_ITERATIONS; CI: 100 kills; see
#   docs/backups.md).
#
#   scripts/kill-test.sh [--backups] [ITERATIONS (default 3000, --backups 2000)] [ROUNDS (default 1)]
#
# Both run in the build profile of `cargo test`, without the GUI feature. Each round starts
# from a fresh vault; the kill delays are a fixed pseudo-random sequence, so a failure repeats.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --backups ]; then
  shift
  NAME=backup-kill-test TEST=backup::crash::kill_9_during_backups
  VAR=MONBAN_BACKUP_KILL_ITERATIONS SUMMARY='^kill -9 (backups):' DEFAULT=2000
else
  NAME=kill-test TEST=vault::crash::kill_9_during_saves
  VAR=MONBAN_KILL_ITERATIONS SUMMARY='^kill -9:' DEFAULT=3000
fi
ITER=${1:-$DEFAULT}
ROUNDS=${2:-1}

cargo test --no-default-features --test integration --no-run -q 2>/dev/null ||
  cargo test --no-default-features --test integration --no-run

total=0
start=$(date +%s)
for r in $(seq 1 "$ROUNDS"); do
  out=$(env "$VAR=$ITER" cargo test -q --no-default-features --test integration \
    "$TEST" -- --exact --nocapture --test-threads=1 2>&1) || {
    echo "$out"
    echo "$NAME: FAILED in round $r" >&2
    exit 1
  }
  line=$(grep "$SUMMARY" <<<"$out" || true)
  if [ -z "$line" ]; then
    echo "$out"
    echo "$NAME: the harness printed no summary (was the test filtered out?)" >&2
    exit 1
  fi
  echo "round $r: $line"
  total=$((total + ITER))
done
echo "$NAME: $total kills in $ROUNDS round(s), $(($(date +%s) - start)) s, 0 failures"
