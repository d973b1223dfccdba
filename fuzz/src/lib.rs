//! Shared bodies of the fuzz targets. Each target is one line calling a function here, so
//! the same code can be replayed from a plain test (`cargo test` in this crate does not build
//! libFuzzer) and every target checks the same invariants:
//!
//! - no input panics (libFuzzer reports a panic as a crash);
//! - where a writer exists, what the reader accepts survives a write/read round trip.

use monban::transfer::{self, Importer};
use monban::vault::{self, KdfBounds};

/// The password of every encrypted import fixture (tests/fixtures/transfer/make_fixtures.py):
/// with it, mutated seeds get past decryption when the mutation is outside the ciphertext.
pub const IMPORT_PASSWORD: &str = "test";

/// The passcode of the seed vaults in fuzz/seeds/vault_read (written with
/// `KdfParams::TEST_LIGHT` by `proof::seeds` in the integration tests).
pub const VAULT_PASSCODE: &str = "246810";

/// The transfer code of the seed sealed transfers in fuzz/seeds/sealed_transfer.
pub const TRANSFER_CODE: &str = "7KQ2M-XD4PA";

/// The password of the seed backups in fuzz/seeds/backup_read.
pub const BACKUP_PASSWORD: &str = "fuzz-backup";

/// Fixed light KDF bounds for the vault reader: exactly the seed vaults' parameters
/// (64 KiB, 1 pass, 1 lane), so any other parameters are refused before Argon2 runs and a
/// fuzzer input can never ask for gigabytes.
pub const VAULT_FUZZ_BOUNDS: KdfBounds = KdfBounds::FUZZ;

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// `otpauth://` / `steam://` reader; what it accepts, the strict writer writes and the reader
/// reads back to the same account.
pub fn otpauth_uri(data: &[u8]) {
    let Some(s) = text(data) else { return };
    let _ = monban::uri::parse_secret(s);
    if let Ok(a) = monban::uri::parse(s) {
        let written = monban::uri::write(&a);
        let back = monban::uri::parse(&written).expect("a written URI reads back");
        assert!(back == a, "URI round trip changed the account");
    }
}

/// Google Authenticator `otpauth-migration://` reader (URI and raw protobuf payload).
pub fn google_migration(data: &[u8]) {
    let _ = transfer::google::decode_payload(data);
    if let Some(s) = text(data) {
        let _ = transfer::google::is_migration_uri(s);
        if let Ok(batch) = transfer::google::parse_migration_uri(s) {
            let _ = (batch.part_count(), batch.part_index());
            let parsed = batch.into_parsed();
            // What was read and can be carried, Google's writer writes and the reader reads
            // back as the same accounts.
            let carried: Vec<_> = parsed
                .accounts
                .into_iter()
                .filter(|a| transfer::google::cannot_carry(a).is_none())
                .collect();
            let export = transfer::google::export(&carried, 1);
            let mut again = Vec::new();
            for uri in &export.uris {
                let b = transfer::google::parse_migration_uri(uri).expect("written part reads");
                again.extend(b.into_parsed().accounts);
            }
            assert!(
                again == carried,
                "migration round trip changed the accounts"
            );
        }
    }
}

/// The vault file reader with the fixed light KDF bounds.
pub fn vault_read(data: &[u8]) {
    let _ = vault::read_bytes(data, VAULT_PASSCODE, &VAULT_FUZZ_BOUNDS);
}

/// Sealed transfer reader: one QR text per line, parsed, then opened with the seeds' transfer
/// code under fixed light limits (only the seeds' 64 KiB / 1 pass / 1 lane KDF ever runs).
pub fn sealed_transfer(data: &[u8]) {
    use transfer::sealed;
    let Some(s) = text(data) else { return };
    let _ = sealed::base45_decode(s);
    let _ = sealed::TransferCode::parse(s);
    let parts: Vec<sealed::Part> = s
        .lines()
        .filter(|l| sealed::is_sealed(l))
        .filter_map(|l| sealed::parse_part(l).ok())
        .collect();
    for p in &parts {
        let _ = (p.batch_id(), p.index(), p.count(), p.kdf());
    }
    if parts.is_empty() {
        return;
    }
    let code = sealed::TransferCode::parse(TRANSFER_CODE).expect("a valid code");
    let _ = sealed::open(&parts, &code, &sealed::Limits::FUZZ);
}

/// Backup file reader (`monban backup verify`, `import`) with the fixed light bounds.
pub fn backup_read(data: &[u8]) {
    let _ = transfer::backup::is_backup(data);
    if let Ok(b) = transfer::backup::read(data, BACKUP_PASSWORD, &VAULT_FUZZ_BOUNDS) {
        let _ = b.fingerprint();
    }
}

/// One importer, as the CLI calls it: detection, the encryption check, a read without a
/// password and one with the fixtures' password.
pub fn import(id: &str, data: &[u8]) {
    let imp: &dyn Importer = transfer::importer(id).expect("known importer id");
    let _ = imp.detect(data);
    let _ = imp.encrypted(data);
    let _ = imp.read(data, None);
    let _ = imp.read(data, Some(IMPORT_PASSWORD));
}

/// Format detection, then the detected importer (what `monban import FILE` does).
pub fn import_detect(data: &[u8]) {
    if let Ok(imp) = transfer::detect(data) {
        let _ = imp.encrypted(data);
        let _ = imp.read(data, Some(IMPORT_PASSWORD));
    }
}

/// Largest image (pixels) the QR targets decode: small frames, so that a fuzzer runs the pixel
/// decoders and the whole QR cascade on thousands of inputs a second (a photo-sized frame
/// costs tens of milliseconds). The loader's refusal of huge images has its own tests.
pub const QR_FUZZ_MAX_PIXELS: u64 = 128 * 128;

/// Widest raw frame of `qr_frame` (with inputs of at most 4 KiB, frames stay small).
pub const QR_FUZZ_MAX_WIDTH: u16 = 128;

/// An image file (any format the image crate sniffs) through the still loader and the QR
/// decoder; images whose header declares more than [`QR_FUZZ_MAX_PIXELS`] are left out.
pub fn qr_image(data: &[u8]) {
    let declared = image::ImageReader::new(std::io::Cursor::new(data))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok());
    if declared.is_some_and(|(w, h)| u64::from(w) * u64::from(h) > QR_FUZZ_MAX_PIXELS) {
        return;
    }
    if let Ok(frame) = monban::camera::load_image_bytes(data) {
        decode_some(&frame, data.len());
    }
}

/// One input, one decoder pass: the whole cascade (`qr::decode`) costs as much as all its
/// passes together, so each input runs one pass that `selector` (the input's length) picks,
/// and one input in 1,024 the whole cascade with its stop rules. A mutant of the same length
/// stays on its pass, so the fuzzer can dig into one.
///
/// Picked by cost: on fuzzed frames an rqrr pass costs about ten rxing passes (rqrr fits a
/// grid to every triple of finder-like blobs that noise makes), so the rxing passes appear
/// [`QR_FUZZ_RXING_WEIGHT`] times in the pick list and the rqrr passes once: every pass
/// gets a comparable share of the CPU and the target keeps over 1,000 inputs a second
/// (`perf` on the 2-core machine before: the seven rqrr passes took 70 % of the time).
fn decode_some(frame: &monban::qr::Frame, selector: usize) {
    if selector % 1024 == 0 {
        let _ = monban::qr::decode(frame);
        return;
    }
    let picks: Vec<&str> = monban::qr::pass_names()
        .into_iter()
        .flat_map(|name| {
            let weight = if name.starts_with("rqrr") { 1 } else { QR_FUZZ_RXING_WEIGHT };
            std::iter::repeat_n(name, weight)
        })
        .collect();
    let _ = monban::qr::run_pass(frame, picks[selector % picks.len()]);
}

/// How many times each (cheap) rxing pass appears in `decode_some`'s pick list for each
/// appearance of an (expensive) rqrr pass.
pub const QR_FUZZ_RXING_WEIGHT: usize = 4;

/// A raw luma frame: the first 4 bytes give width (at most [`QR_FUZZ_MAX_WIDTH`]) and stride
/// padding, the rest is pixels; the input's length picks the decoder pass (`decode_some`).
pub fn qr_frame(data: &[u8]) {
    if data.len() < 4 {
        return;
    }
    let width = 1 + usize::from(u16::from_le_bytes([data[0], data[1]]) % QR_FUZZ_MAX_WIDTH);
    let pad = usize::from(data[2] % 8);
    let pixels = data[4..].to_vec();
    let stride = width + pad;
    let height = pixels.len() / stride.max(1);
    if let Ok(frame) = monban::qr::Frame::new(width, height, stride, pixels) {
        decode_some(&frame, data.len());
    }
}

/// Scanner payload classification and QR text decoding of raw bytes.
pub fn scan_text(data: &[u8]) {
    let text = monban::qr::bytes_to_text(data);
    let _ = monban::camera::scanner::classify(&text);
}
