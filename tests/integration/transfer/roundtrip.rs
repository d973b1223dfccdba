//! Library-level round trips through every export format, on the shared expected accounts
//! (light KDF parameters: the CLI tests cover the real ones).

use monban::transfer::backup::{self, BackupEntry};
use monban::transfer::sealed::{self, Limits, TransferCode};
use monban::transfer::{Parsed, google, paper, uri_list};
use monban::vault::{KdfBounds, KdfParams};
use monban::{Account, Kind};

use super::importers::expected;

#[test]
fn google_round_trip_keeps_what_it_can_carry_and_names_the_rest() {
    let all = expected();
    let e = google::export(&all, 77);
    let carried: Vec<Account> = all
        .iter()
        .filter(|a| a.kind != Kind::Steam && a.period == 30)
        .cloned()
        .collect();
    assert_eq!(e.refused.len(), all.len() - carried.len());
    let mut back = Parsed::default();
    for u in &e.uris {
        back.extend(google::parse_migration_uri(u).unwrap().into_parsed());
    }
    assert_eq!(back.accounts, carried);
}

/// `accounts` sealed with a fresh transfer code under light KDF parameters, in QR codes of
/// at most `max_version`.
fn seal_light(accounts: &[Account], max_version: u8) -> (TransferCode, sealed::Sealed) {
    let code = TransferCode::generate().unwrap();
    let light = sealed::KdfParams {
        m_kib: 64,
        t: 1,
        p: 1,
    };
    let s = sealed::seal(accounts, &code, light, max_version).unwrap();
    (code, s)
}

#[test]
fn sealed_round_trip() {
    let all = expected();
    let (code, s) = seal_light(&all, sealed::MAX_VERSION);
    let mut parts: Vec<sealed::Part> = s
        .texts
        .iter()
        .map(|t| sealed::parse_part(t).unwrap())
        .collect();
    parts.rotate_left(1);
    assert_eq!(
        sealed::open(&parts, &code, &Limits::NO_FLOOR)
            .unwrap()
            .accounts,
        all
    );
}

#[test]
fn sealed_qr_images_decode_and_reveal_no_secret() {
    let all = expected();
    let (_, s) = seal_light(&all, 10);
    for (t, v) in s.texts.iter().zip(&s.versions) {
        assert!(*v <= 10);
        let img = monban::qr::encode_with(t, 4, sealed::EC_LEVEL).unwrap();
        let found = monban::qr::decode(&img.to_frame());
        assert_eq!(found.len(), 1);
        assert_eq!(&found[0].text, t);
        for a in &all {
            assert!(!t.contains(&*a.secret.to_base32()));
            assert!(
                !found[0]
                    .bytes
                    .windows(a.secret.len())
                    .any(|w| w == a.secret.expose())
            );
            assert!(!t.to_lowercase().contains(&a.name.to_lowercase()));
        }
    }
}

#[test]
fn uri_list_round_trip() {
    let all = expected();
    let text: String = all
        .iter()
        .map(|a| format!("{}\n", &*monban::uri::write(a)))
        .collect();
    assert_eq!(uri_list::read_text(&text).accounts, all);
}

#[test]
fn backup_round_trip() {
    let all = expected();
    let entries: Vec<BackupEntry> = all
        .iter()
        .map(|a| BackupEntry {
            account: a.clone(),
            meta: None,
        })
        .collect();
    let bytes = backup::write(&entries, "pw", KdfParams::TEST_LIGHT, 1_700_000_000).unwrap();
    let b = backup::read(&bytes, "pw", &KdfBounds::LIGHT_FOR_TESTS).unwrap();
    assert_eq!(b.accounts(), all);
    assert_eq!(b.fingerprint(), backup::fingerprint(&all));
}

#[test]
fn paper_round_trip_through_its_qr_codes() {
    let all = expected();
    let pages = paper::render(&all, 1_700_000_000).unwrap();
    assert_eq!(pages.len(), 1);
    let frame =
        monban::qr::Frame::packed(paper::PAGE_W, paper::PAGE_H, pages[0].luma.to_vec()).unwrap();
    // No time budget: on a busy machine the default 1.5 s of wall time ran out after three of
    // the five codes (the unit test in `paper.rs` does the same).
    let all_of_it = monban::qr::DecodeOptions {
        budget: std::time::Duration::MAX,
        ..monban::qr::DecodeOptions::thorough()
    };
    let mut back: Vec<Account> = monban::qr::decode_with(&frame, &all_of_it)
        .iter()
        .map(|p| monban::uri::parse(&p.text).unwrap())
        .collect();
    back.sort_by(|a, b| a.issuer.cmp(&b.issuer));
    let mut want = all.clone();
    want.sort_by(|a, b| a.issuer.cmp(&b.issuer));
    assert_eq!(back, want);
}
