#!/bin/sh
# Writes assets/third-party-licences.txt (shown in the app's About page): one line per crate
# the app is built from (normal dependencies of the default features, this platform), with
# its licence as declared in its Cargo.toml. Run after changing dependencies.
set -eu
cd "$(dirname "$0")/.."
{
    echo "monban $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1) — GPL-3.0-or-later"
    echo "Simple Icons (service logos, assets/icons/brands.bin) — CC0-1.0"
    echo "2fa.directory (service names and domains of the logo list) — MIT"
    cargo tree --offline -e normal --prefix none -f '{p}|{l}' 2>/dev/null \
        | sed -e 's/ (proc-macro)//' -e 's/ (\*)//' -e 's| (/[^)]*)||' \
        | grep -v '^monban ' \
        | awk -F'|' '{ n = split($1, a, " "); printf "%s %s — %s\n", a[1], substr(a[2], 2), ($2 == "" ? "see the crate" : $2) }' \
        | sort -u
} > assets/third-party-licences.txt
wc -l assets/third-party-licences.txt
