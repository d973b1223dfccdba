#!/usr/bin/env bash
# kill -9 during automatic backups, at scale: `scripts/kill-test.sh --backups` (see there).
#
#   scripts/backup-kill-test.sh [ITERATIONS (default 2000)] [ROUNDS (default 1)]
exec "$(dirname "$0")/kill-test.sh" --backups "$@"
