//! Receiving a sealed transfer the way the app does: the sending screen advances through the
//! parts by itself, over and over; the receiving camera starts somewhere in the middle of the
//! cycle and catches some parts only mid-transition (two codes blended: unreadable). Every
//! frame goes through the real scanner thread (decode, repeat filter, classification), every
//! payload through the import session's `scanned` (what the app's import page calls), in
//! whatever order they arrive; the code opens what was collected.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use monban::camera::scanner::{Classified, ScanEvent, Scanner};
use monban::qr::{self, DecodeOptions, Frame};
use monban::transfer::sealed::{self, KdfParams, Limits, TransferCode};
use monban::transfer::session::{Fed, Session};
use monban::vault::{Entry, EntryId, EntryMeta};
use monban::{Account, Secret};

const LIGHT: KdfParams = KdfParams {
    m_kib: 64,
    t: 1,
    p: 1,
};

/// A part as the export page draws it (sealed parts at their own error-correction level).
fn frame_of(text: &str) -> Frame {
    qr::encode_with(text, 3, sealed::EC_LEVEL)
        .unwrap()
        .to_frame()
}

/// What the camera sees while the screen switches from one code to the next.
fn transition(a: &str, b: &str) -> Frame {
    let (a, b) = (
        qr::encode_with(a, 3, sealed::EC_LEVEL).unwrap(),
        qr::encode_with(b, 3, sealed::EC_LEVEL).unwrap(),
    );
    let side = a.width.max(b.width);
    let px = |img: &qr::QrImage, x: usize, y: usize| -> u16 {
        if x < img.width && y < img.height {
            u16::from(img.luma[y * img.width + x])
        } else {
            255
        }
    };
    let luma = (0..side * side)
        .map(|i| ((px(&a, i % side, i / side) + px(&b, i % side, i / side)) / 2) as u8)
        .collect();
    Frame::packed(side, side, luma).unwrap()
}

fn entries(n: usize) -> Vec<Entry> {
    (0..n)
        .map(|i| {
            let account = Account::totp(
                format!("Service {i}"),
                format!("someone.{}@example.com", i % 4),
                Secret::new((0..20).map(|b| (b * 13 + i * 3 + 1) as u8).collect()),
            );
            let mut meta = EntryMeta::new_for(&account, 0);
            if i % 3 == 0 {
                meta.groups = vec!["Work".into()];
            }
            Entry {
                id: EntryId(i as u64),
                account,
                meta,
            }
        })
        .collect()
}

#[test]
fn auto_advance_cycles_until_every_part_is_read_in_any_order() {
    let all = entries(150);
    let code = TransferCode::generate().unwrap();
    let s = sealed::seal(&all, &code, LIGHT, sealed::MAX_VERSION).unwrap();
    let n = s.texts.len();
    assert!(n >= 4, "want several parts, got {n}");

    let found: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = Arc::clone(&found);
    let scanner = Scanner::start(DecodeOptions::camera(), move |ev| {
        if let ScanEvent::Found(Classified::MonbanTransfer(t)) = ev {
            sink.lock().unwrap().push(t);
        }
    })
    .expect("the scanner thread starts");
    let mut session = Session::new();
    let mut last = None;
    // One frame through the scanner; the progress after the parts it found, if any.
    let feed = |frame: Frame, session: &mut Session| {
        scanner.submit(frame);
        assert!(scanner.wait_idle(Duration::from_secs(30)));
        let mut progress = None;
        for t in found.lock().unwrap().drain(..) {
            match session.scanned(&t, "QR code") {
                Fed::Sealed(p) => progress = Some(p),
                other => panic!("a sealed part was taken as {other:?}"),
            }
        }
        progress
    };
    // The camera comes in at part 3 of the cycle; in the first pass it catches parts 1 and
    // n-1 only mid-transition.
    let start = 2 % n;
    let missed = [0, n - 2];
    for k in 0..n {
        let i = (start + k) % n;
        let frame = if missed.contains(&i) {
            transition(&s.texts[i], &s.texts[(i + 1) % n])
        } else {
            frame_of(&s.texts[i])
        };
        last = feed(frame, &mut session).or(last);
    }
    let p = last.clone().expect("parts were read");
    assert!(!p.is_complete());
    assert_eq!(p.missing, vec![1, n - 1], "{p}");
    // The next pass brings the missing ones; the parts already read are not reported again
    // (the scanner's repeat filter), so the session sees each part once.
    for k in 0..n {
        last = feed(frame_of(&s.texts[(start + k) % n]), &mut session).or(last);
    }
    let p = last.expect("parts were read");
    assert!(p.is_complete(), "{p}");
    assert_eq!(p.scanned, n);
    assert_eq!(scanner.stats().frames_decoded as usize, 2 * n);
    scanner.stop();

    assert!(session.needs_transfer_code());
    session.open_sealed(&code, &Limits::NO_FLOOR).unwrap();
    let preview = session.preview(&[]);
    let got: Vec<&Account> = preview.to_add.iter().map(|(a, _)| a).collect();
    let want: Vec<&Account> = all.iter().map(|e| &e.account).collect();
    assert_eq!(got, want, "every account, in the sender's order");
    for ((_, meta), e) in preview.to_add.iter().zip(&all) {
        assert_eq!(meta.groups, e.meta.groups);
    }
    assert!(preview.refused.is_empty() && preview.notes.is_empty());
}
