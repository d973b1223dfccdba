#!/bin/sh
# Regenerates docs/screenshots/*.png: every screen of the app rendered with Slint's software
# renderer (no display needed), light and dark, 360×640 logical px (a small phone).
set -eu
cd "$(dirname "$0")/.."
cargo run --quiet --example screenshots -- docs/screenshots
# The transfer screens: export, import, account QR, backup, passcode, about, settings, in English
# and Japanese (t*-en.png, t*-ja.png).
cargo run --quiet --example screenshots_transfer -- docs/screenshots
# The rough edges of the first version, each fixed, at 400×720 and 540×960 (r*.png).
cargo run --quiet --example screenshots_edges -- docs/screenshots
# Automatic backups and reminders: the backup settings, the banner, the reminders, a damaged
# vault at unlock, in English and Japanese (b*-en.png, b*-ja.png).
cargo run --quiet --example screenshots_backup -- docs/screenshots
