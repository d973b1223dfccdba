#!/usr/bin/env bash
# Type-checks and lints src/platform/ios.rs on any machine (see Cargo.toml): copies the Apple
# framework crates into target/vendor without their framework link attributes, then runs
# clippy with warnings as errors. Exit status is clippy's.
set -uo pipefail
cd "$(dirname "$0")"
CRATES="objc2-av-foundation objc2-avf-audio objc2-cloud-kit objc2-core-audio objc2-core-audio-types objc2-core-data objc2-core-foundation objc2-core-graphics objc2-core-image objc2-core-location objc2-core-media objc2-core-text objc2-core-video objc2-foundation objc2-image-io objc2-media-toolbox objc2-metal objc2-quartz-core objc2-ui-kit objc2-user-notifications "
registry() { ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ 2>/dev/null | head -n 1; }
mkdir -p target/vendor
for c in $CRATES; do
    dir="target/vendor/$c-0.3.2"
    [[ -d "$dir" ]] && continue
    if [[ ! -d "$(registry)/$c-0.3.2" ]]; then
        # Not downloaded yet: fetch it through a throwaway manifest.
        tmp=$(mktemp -d)
        printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2024"\n[dependencies]\n%s = "=0.3.2"\n[workspace]\n' "$c" >"$tmp/Cargo.toml"
        mkdir "$tmp/src" && : >"$tmp/src/lib.rs"
        cargo fetch --manifest-path "$tmp/Cargo.toml" >/dev/null || exit 1
        rm -rf "$tmp"
    fi
    cp -r "$(registry)/$c-0.3.2" "$dir"
    grep -rl 'kind = "framework"' "$dir/src" | xargs -r sed -i -E \
        -e 's/#\[link\(name = "[A-Za-z]+", kind = "framework"\)\]//' \
        -e 's/link\(name = "[A-Za-z]+", kind = "framework"\)/link(name = "c")/'
done
out=$(cargo clippy --color never "$@" -- -D warnings 2>&1)
rc=$?
printf '%s\n' "$out" | grep -v -e 'was not used in the crate graph' -e '^help: Check that the patched' \
    -e '^      with the dependency' -e '^      what is locked' -e '^      version. This may' -e '^warning: Patch `'
exit $rc
