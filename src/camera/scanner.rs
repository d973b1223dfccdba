//! The scanner service: a background thread that decodes the newest frame, drops the ones it
//! had no time for, ignores payloads it already reported, classifies what it found and hands it
//! to a callback (the app wraps that callback in `slint::invoke_from_event_loop`).
//!
//! ```no_run
//! use monban::camera::scanner::{Scanner, ScanEvent, Classified};
//! let scanner = Scanner::start(monban::qr::DecodeOptions::camera(), |ev| {
//!     if let ScanEvent::Found(Classified::Account(a)) = ev { println!("add {}", a.issuer) }
//! })
//! .unwrap();
//! let frame = monban::camera::load_image("code.png".as_ref()).unwrap();
//! scanner.submit(frame);
//! ```

use std::collections::HashSet;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::qr::Frame;
use crate::qr::{self, DecodeOptions, Payload};

// One classification of QR payloads for the scanner, the import session and the URI list.
pub use crate::transfer::payload::{
    BACKUP_PREFIX, Classified, GOOGLE_MIGRATION_PREFIX, TRANSFER_PREFIX, classify,
};

/// What the scanner reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanEvent {
    /// A payload not seen before (since start or [`Scanner::forget_seen`]).
    Found(Classified),
    /// Pasted or dropped data that is not an image with a QR code, nor a known text.
    Unreadable(String),
    /// A frame source stopped with an error (camera unplugged, folder unreadable).
    SourceError(String),
    /// A finite source (folder replay, image file) has delivered all its frames and the
    /// scanner has decoded the last one.
    SourceEnded,
}

/// Counters for choosing a frame rate the decoder keeps up with.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ScanStats {
    pub frames_submitted: u64,
    pub frames_decoded: u64,
    /// Frames replaced by a newer one before the decoder got to them.
    pub frames_dropped: u64,
    /// Decode time of the last frame.
    pub last_decode: Duration,
    /// Exponential moving average of the decode time.
    pub avg_decode: Duration,
}

impl ScanStats {
    /// Frames per second the decoder sustains at the current average decode time.
    pub fn sustainable_fps(&self) -> f64 {
        let s = self.avg_decode.as_secs_f64();
        if s <= 0.0 { 30.0 } else { (1.0 / s).min(30.0) }
    }
}

enum Job {
    Frame(Frame),
    Text(String),
    Report(ScanEvent),
    EndMarker,
}

struct Shared {
    latest: Option<Job>,
    /// Jobs that must not be replaced (text pastes, end markers), run before `latest`.
    queued: Vec<Job>,
    stop: bool,
    busy: bool,
    stats: ScanStats,
    seen: HashSet<[u8; 32]>,
}

struct Inner {
    state: Mutex<Shared>,
    wake: Condvar,
    idle: Condvar,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        // A panic in the callback must not make the scanner unusable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The background decoder. Dropping it stops the thread.
pub struct Scanner {
    inner: Arc<Inner>,
    thread: Option<JoinHandle<()>>,
}

/// A cheap, cloneable handle that sources use to push frames into a [`Scanner`].
#[derive(Clone)]
pub struct FrameSink {
    inner: Arc<Inner>,
}

impl FrameSink {
    /// Offers a frame; it replaces any frame the decoder has not started on yet.
    pub fn submit(&self, frame: Frame) {
        let mut s = self.inner.lock();
        s.stats.frames_submitted += 1;
        if let Some(Job::Frame(_)) = s.latest.replace(Job::Frame(frame)) {
            s.stats.frames_dropped += 1;
        }
        drop(s);
        self.inner.wake.notify_one();
    }

    /// Tells the scanner a finite source is done: it reports [`ScanEvent::SourceEnded`] after
    /// decoding the frames already submitted.
    pub fn end(&self) {
        let mut s = self.inner.lock();
        if let Some(job) = s.latest.take() {
            s.queued.push(job);
        }
        s.queued.push(Job::EndMarker);
        drop(s);
        self.inner.wake.notify_one();
    }

    /// Reports a source error to the callback (through the scanner thread).
    pub fn error(&self, message: String) {
        self.push_text(Job::Report(ScanEvent::SourceError(message)));
    }

    fn push_text(&self, job: Job) {
        let mut s = self.inner.lock();
        s.queued.push(job);
        drop(s);
        self.inner.wake.notify_one();
    }

    /// True once the scanner has been stopped (sources should stop too).
    pub fn is_closed(&self) -> bool {
        self.inner.lock().stop
    }
}

impl Scanner {
    /// Starts the decoder thread. `on_event` runs on that thread. Fails only when the OS
    /// refuses a new thread.
    pub fn start(
        opts: DecodeOptions,
        on_event: impl Fn(ScanEvent) + Send + 'static,
    ) -> std::io::Result<Scanner> {
        let inner = Arc::new(Inner {
            state: Mutex::new(Shared {
                latest: None,
                queued: Vec::new(),
                stop: false,
                busy: false,
                stats: ScanStats::default(),
                seen: HashSet::new(),
            }),
            wake: Condvar::new(),
            idle: Condvar::new(),
        });
        let worker = Arc::clone(&inner);
        let thread = std::thread::Builder::new()
            .name("monban-scanner".into())
            .spawn(move || run(&worker, &opts, &on_event))?;
        Ok(Scanner {
            inner,
            thread: Some(thread),
        })
    }

    /// A handle for frame sources.
    pub fn sink(&self) -> FrameSink {
        FrameSink {
            inner: Arc::clone(&self.inner),
        }
    }

    /// Offers a frame (latest wins).
    pub fn submit(&self, frame: Frame) {
        self.sink().submit(frame)
    }

    /// Pasted text (e.g. an `otpauth://` URI copied from a web page): classified like a
    /// decoded payload, subject to the same repeat filter.
    pub fn submit_text(&self, text: &str) {
        self.sink().push_text(Job::Text(text.to_owned()))
    }

    /// Pasted or dropped image bytes (PNG, JPEG, WebP...): decoded into a frame here and queued
    /// (not replaceable by camera frames). Unreadable bytes produce [`ScanEvent::Unreadable`].
    pub fn submit_image_bytes(&self, bytes: &[u8]) {
        match super::load_image_bytes(bytes) {
            Ok(frame) => {
                let mut s = self.inner.lock();
                s.stats.frames_submitted += 1;
                s.queued.push(Job::Frame(frame));
                drop(s);
                self.inner.wake.notify_one();
            }
            Err(e) => self
                .sink()
                .push_text(Job::Report(ScanEvent::Unreadable(e.to_string()))),
        }
    }

    /// Forgets the payloads already reported, so showing the same code again reports it again
    /// (call when the scanner view reopens).
    pub fn forget_seen(&self) {
        self.inner.lock().seen.clear();
    }

    pub fn stats(&self) -> ScanStats {
        self.inner.lock().stats
    }

    /// Blocks until every submitted frame and text has been processed, or `timeout` passes.
    /// Returns false on timeout. (For tests and the command line.)
    pub fn wait_idle(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut s = self.inner.lock();
        while s.busy || s.latest.is_some() || !s.queued.is_empty() {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            s = self
                .inner
                .idle
                .wait_timeout(s, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        true
    }

    /// Stops the thread after the frame it is decoding.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.inner.lock().stop = true;
        self.inner.wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Scanner {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn run(inner: &Inner, opts: &DecodeOptions, on_event: &dyn Fn(ScanEvent)) {
    loop {
        let job = {
            let mut s = inner.lock();
            loop {
                if s.stop {
                    return;
                }
                let job = if s.queued.is_empty() {
                    s.latest.take()
                } else {
                    Some(s.queued.remove(0))
                };
                if let Some(job) = job {
                    s.busy = true;
                    break job;
                }
                inner.idle.notify_all();
                s = inner.wake.wait(s).unwrap_or_else(|p| p.into_inner());
            }
        };
        match job {
            Job::Frame(frame) => {
                let t = Instant::now();
                let payloads = qr::decode_with(&frame, opts);
                let took = t.elapsed();
                let fresh = {
                    let mut s = inner.lock();
                    s.stats.frames_decoded += 1;
                    s.stats.last_decode = took;
                    s.stats.avg_decode = if s.stats.avg_decode.is_zero() {
                        took
                    } else {
                        (s.stats.avg_decode * 7 + took) / 8
                    };
                    payloads
                        .into_iter()
                        .filter(|p| s.seen.insert(digest(&p.bytes)))
                        .collect::<Vec<Payload>>()
                };
                for p in fresh {
                    on_event(ScanEvent::Found(classify(&p.text)));
                }
            }
            Job::Text(mut text) => {
                let fresh = inner.lock().seen.insert(digest(text.trim().as_bytes()));
                if fresh {
                    on_event(ScanEvent::Found(classify(&text)));
                }
                zeroize::Zeroize::zeroize(&mut text);
            }
            Job::Report(ev) => on_event(ev),
            Job::EndMarker => on_event(ScanEvent::SourceEnded),
        }
        let mut s = inner.lock();
        s.busy = false;
        if s.latest.is_none() && s.queued.is_empty() {
            inner.idle.notify_all();
        }
    }
}

/// Repeats are recognized by a hash, so the scanner does not keep secrets in memory.
fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}
