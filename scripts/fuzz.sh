#!/usr/bin/env bash
# Fuzzes Monban's readers with cargo-fuzz (libFuzzer): each target runs for SECONDS, seeded
# from tests/fixtures/ and fuzz/seeds/, and the script prints executions and crashes per
# target. Exit status 1 if any target crashed, timed out or ran out of memory.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET (default 60)] [TARGET...]   (default: every target)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). The stable toolchain is used with
# RUSTC_BOOTSTRAP=1 (cargo-fuzz passes nightly-only flags). Builds go to fuzz/target (a
# separate target dir: the fuzz crate is its own workspace). Sanitizer: FUZZ_SANITIZER
# (default "none": libFuzzer's coverage guidance with Rust's own checks — panics, overflow
# checks, debug assertions; "address" adds ASan for the C/unsafe code at ~2x the cost).
# Corpora grow in fuzz/corpus/<target> (kept between runs, not committed); crash inputs land
# in fuzz/artifacts/<target>/. Reproduce one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run -s none <target> fuzz/artifacts/<target>/<file>
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECS=${1:-60}
shift || true
SAN=${FUZZ_SANITIZER:-none}
export RUSTC_BOOTSTRAP=1

command -v cargo-fuzz >/dev/null 2>&1 || {
  echo "fuzz.sh: cargo-fuzz is missing: cargo install cargo-fuzz" >&2
  exit 2
}

ALL_TARGETS=(otpauth_uri google_migration sealed_transfer backup_read vault_read
  import_detect import_aegis import_2fas import_andotp import_bitwarden import_ente
  import_freeotp import_uri_list qr_image qr_frame scan_text)
if (($#)); then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

FX=tests/fixtures
# Seed files for a target, one path per line.
seed_files() {
  case $1 in
    otpauth_uri | scan_text)
      echo "$FX/transfer/uri-list.txt" "$FX/transfer/google-migration.txt" \
        "$FX/vault/google-migration-2-accounts.txt" ;;
    google_migration)
      echo "$FX/transfer/google-migration.txt" "$FX/vault/google-migration-2-accounts.txt" ;;
    import_detect) ls "$FX"/transfer/* | grep -v -e '\.py$' -e '\.png$' ;;
    import_aegis) ls "$FX"/transfer/aegis-* ;;
    import_2fas) ls "$FX"/transfer/2fas-* ;;
    import_andotp) ls "$FX"/transfer/andotp-* ;;
    import_bitwarden) ls "$FX"/transfer/bitwarden* ;;
    import_ente) ls "$FX"/transfer/ente-* ;;
    import_freeotp) ls "$FX"/transfer/freeotp* ;;
    import_uri_list) echo "$FX/transfer/uri-list.txt" ;;
    qr_image) ls "$FX"/transfer/*.png ;;
    *) ;;
  esac
}
# Largest input a target is given (bytes).
max_len() {
  case $1 in
    qr_image) echo 65536 ;;
    qr_frame) echo 4096 ;;
    *) echo 16384 ;;
  esac
}

# Memory limit (MiB). The encrypted importers legitimately run Argon2id/scrypt with up to
# 1 GiB (their documented ceilings); give them room so only real excess is reported.
rss_limit() {
  case $1 in
    import_*) echo 4096 ;;
    *) echo 2048 ;;
  esac
}

# Crash, timeout, out-of-memory and leak inputs saved for a target.
count_artifacts() {
  find "fuzz/artifacts/$1" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' \
    -o -name 'oom-*' -o -name 'leak-*' \) | wc -l
}

echo "fuzz.sh: building ${#TARGETS[@]} targets (sanitizer: $SAN)..."
(cd fuzz && cargo fuzz build -s "$SAN" --debug-assertions)
BIN=fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release
build_rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

LOGS=fuzz/target/logs
mkdir -p "$LOGS"
failed=0
total_execs=0
rows=()
for t in "${TARGETS[@]}"; do
  corpus=fuzz/corpus/$t
  seeds=fuzz/target/seed-corpus/$t
  mkdir -p "$corpus" "$seeds" "fuzz/artifacts/$t"
  rm -f "$seeds"/*
  # Whole files, and each line of a text fixture on its own (one URI per input).
  for f in $(seed_files "$t"); do
    [ -f "$f" ] || continue
    cp "$f" "$seeds/"
    case $t in
      otpauth_uri | scan_text | google_migration)
        i=0
        while IFS= read -r line; do
          [ -n "$line" ] || continue
          i=$((i + 1))
          printf '%s' "$line" >"$seeds/$(basename "$f").line$i"
        done <"$f" ;;
    esac
  done
  [ -d "fuzz/seeds/$t" ] && cp fuzz/seeds/"$t"/* "$seeds/" 2>/dev/null || true
  # Detection gets every importer's light-KDF seeds too.
  [ "$t" = import_detect ] && cp fuzz/seeds/import_*/* "$seeds/" 2>/dev/null || true
  before=$(count_artifacts "$t")
  log=$LOGS/$t.log
  set +e
  # The binaries built above are run directly (not through `cargo fuzz run`, which would
  # rebuild whenever src/ changed in between, and so test a different build per target).
  "$BIN/$t" "$corpus" "$seeds" -artifact_prefix="fuzz/artifacts/$t/" \
    -max_total_time="$SECS" -timeout=10 -rss_limit_mb="$(rss_limit "$t")" -max_len="$(max_len "$t")" \
    -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  execs=${execs:-0}
  after=$(count_artifacts "$t")
  crashes=$((after - before))
  status=ok
  if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    status="FAILED (exit $rc; see $log)"
    failed=1
  fi
  total_execs=$((total_execs + execs))
  ncorpus=$(ls "$corpus" | wc -l)
  rows+=("$(printf '%-18s %6ss %12s execs %6s corpus %3s crashes  %s' "$t" "$SECS" "$execs" "$ncorpus" "$crashes" "$status")")
  echo "${rows[-1]}"
done

echo
echo "fuzz summary ($(date -u +%Y-%m-%dT%H:%MZ), $SECS s per target, sanitizer $SAN, built at $build_rev):"
printf '%s\n' "${rows[@]}"
echo "total: ${#TARGETS[@]} targets, $total_execs executions, $([ $failed -eq 0 ] && echo 0 || echo 'SOME') crashes"
exit $failed
