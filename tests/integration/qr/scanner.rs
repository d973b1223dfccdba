//! The scanner service: latest frame wins, repeats ignored, classification, sources.

use std::sync::mpsc;
use std::time::Duration;

use monban::camera::scanner::{Classified, ScanEvent, Scanner, classify};
use monban::camera::sources::Replay;
use monban::qr::{self, DecodeOptions};

const URI: &str = "otpauth://totp/ACME:bob@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME";

fn start() -> (Scanner, mpsc::Receiver<ScanEvent>) {
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let s = Scanner::start(DecodeOptions::camera(), move |ev| {
        let _ = tx.lock().unwrap().send(ev);
    })
    .expect("a scanner thread starts");
    (s, rx)
}

fn events(rx: &mpsc::Receiver<ScanEvent>) -> Vec<ScanEvent> {
    rx.try_iter().collect()
}

#[test]
fn classifies_payloads() {
    assert!(
        matches!(classify(URI), Classified::Account(a) if a.issuer == "ACME" && a.name == "bob@example.com")
    );
    assert!(matches!(
        classify("otpauth://totp/x?secret=!!"),
        Classified::InvalidAccount(_)
    ));
    assert!(matches!(
        classify("otpauth-migration://offline?data=CjEKCkhlbGxv"),
        Classified::GoogleMigration(_)
    ));
    assert!(matches!(
        classify("monban-transfer:v1:..."),
        Classified::MonbanTransfer(_)
    ));
    assert!(matches!(
        classify("monban-backup:..."),
        Classified::Backup(_)
    ));
    assert!(
        matches!(classify("https://example.com"), Classified::Other(t) if t == "https://example.com")
    );
    // Debug never shows payload text
    let dbg = format!(
        "{:?}",
        classify("otpauth-migration://offline?data=SECRETDATA")
    );
    assert!(!dbg.contains("SECRETDATA"), "{dbg}");
}

#[test]
fn frames_text_and_repeats() {
    let (s, rx) = start();
    let frame = qr::encode_scaled(URI, 4).unwrap().to_frame();
    s.submit(frame.clone());
    assert!(s.wait_idle(Duration::from_secs(20)));
    s.submit(frame.clone());
    s.submit_text(URI); // the same payload pasted: a repeat
    assert!(s.wait_idle(Duration::from_secs(20)));
    let ev = events(&rx);
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert!(matches!(&ev[0], ScanEvent::Found(Classified::Account(a)) if a.issuer == "ACME"));

    s.forget_seen();
    s.submit_text(URI);
    s.submit_image_bytes(b"not an image");
    s.submit_image_bytes(&qr::encode_png("hello", 4).unwrap());
    assert!(s.wait_idle(Duration::from_secs(20)));
    let ev = events(&rx);
    assert_eq!(ev.len(), 3, "{ev:?}");
    assert!(matches!(&ev[0], ScanEvent::Found(Classified::Account(_))));
    assert!(matches!(&ev[1], ScanEvent::Unreadable(_)));
    assert!(matches!(&ev[2], ScanEvent::Found(Classified::Other(t)) if t == "hello"));
    let st = s.stats();
    assert!(
        st.frames_decoded >= 3 && st.sustainable_fps() > 0.0,
        "{st:?}"
    );
    s.stop();
}

#[test]
fn latest_frame_wins() {
    let (s, rx) = start();
    let sink = s.sink();
    // a burst much faster than decoding: older frames are dropped, the last one is decoded
    let blank = monban::qr::Frame::packed(640, 480, vec![200; 640 * 480]).unwrap();
    for _ in 0..50 {
        sink.submit(blank.clone());
    }
    sink.submit(qr::encode_scaled("last frame", 4).unwrap().to_frame());
    assert!(s.wait_idle(Duration::from_secs(20)));
    let st = s.stats();
    assert_eq!(st.frames_submitted, 51);
    assert_eq!(st.frames_decoded + st.frames_dropped, 51);
    assert!(st.frames_dropped > 0, "{st:?}");
    let ev = events(&rx);
    assert!(
        matches!(ev.as_slice(), [ScanEvent::Found(Classified::Other(t))] if t == "last frame"),
        "{ev:?}"
    );
}

#[test]
fn folder_replay_feeds_the_scanner() {
    let dir = tempfile::tempdir().unwrap();
    let texts = [
        "otpauth://totp/F1:a?secret=JBSWY3DPEHPK3PXP",
        "monban-transfer:part",
        "otpauth-migration://offline?data=abc",
    ];
    for (i, t) in texts.iter().enumerate() {
        std::fs::write(
            dir.path().join(format!("frame_{i:03}.png")),
            qr::encode_png(t, 3).unwrap(),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
    let (s, rx) = start();
    // 10 fps: slow enough that the decoder sees every frame (faster, the newest would win)
    let replay = Replay::start(dir.path(), 10.0, false, s.sink()).unwrap();
    let mut got = Vec::new();
    while let Ok(ev) = rx.recv_timeout(Duration::from_secs(30)) {
        let end = ev == ScanEvent::SourceEnded;
        got.push(ev);
        if end {
            break;
        }
    }
    drop(replay);
    assert_eq!(got.last(), Some(&ScanEvent::SourceEnded), "{got:?}");
    assert!(
        got.iter()
            .any(|e| matches!(e, ScanEvent::Found(Classified::Account(_)))),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|e| matches!(e, ScanEvent::Found(Classified::MonbanTransfer(_)))),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|e| matches!(e, ScanEvent::Found(Classified::GoogleMigration(_)))),
        "{got:?}"
    );

    let empty = tempfile::tempdir().unwrap();
    assert!(Replay::start(empty.path(), 5.0, false, s.sink()).is_err());
}

#[test]
fn looping_replay_with_callbacks_stops_on_request() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.png"), qr::encode_png("a", 2).unwrap()).unwrap();
    std::fs::write(dir.path().join("b.png"), b"broken").unwrap();
    let (tx, rx) = mpsc::channel();
    let errors = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let errs = std::sync::Arc::clone(&errors);
    let mut n = 0;
    let replay = Replay::start_with(
        dir.path(),
        0.0,
        true,
        move |frame| {
            n += 1;
            let _ = tx.send(frame.width());
            n < 5
        },
        move |e| errs.lock().unwrap().push(e),
        || panic!("a looping replay never ends by itself"),
    )
    .unwrap();
    let widths: Vec<usize> = (0..5)
        .map(|_| rx.recv_timeout(Duration::from_secs(20)).unwrap())
        .collect();
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "stopped after 5 frames"
    );
    drop(replay);
    assert!(widths.iter().all(|&w| w == widths[0]));
    let errors = errors.lock().unwrap();
    assert!(
        !errors.is_empty() && errors[0].contains("b.png"),
        "{errors:?}"
    );
}
