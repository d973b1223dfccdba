//! Unit tests of the vault internals; the file-level behaviour (tamper, crash, CLI) is in
//! tests/integration/vault.rs.
