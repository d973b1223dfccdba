//! Transfer formats, backups, importers and the export/import CLI.
//!
//! Fixtures: `tests/fixtures/transfer/` (written by `make_fixtures.py` from the one shared
//! list `expected.json`).

#[path = "transfer/cli.rs"]
mod cli;
#[path = "transfer/importers.rs"]
mod importers;
#[path = "transfer/real.rs"]
mod real;
#[path = "transfer/roundtrip.rs"]
mod roundtrip;
#[path = "transfer/scan_cycle.rs"]
mod scan_cycle;
