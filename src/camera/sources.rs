//! Frame sources without a camera: one image file, and a folder of frames replayed at a frame
//! rate (demos, tests, recorded camera sessions). Both push into a [`FrameSink`].

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::Error;
use super::scanner::FrameSink;

/// File extensions treated as frames in a folder.
const IMAGE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff", "pgm", "ppm",
];

/// The image files of a folder in name order (frame_0001.png, frame_0002.png, ...).
pub fn list_frames(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let read_err = |e| Error::Read {
        path: dir.display().to_string(),
        source: e,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_err)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        })
        .collect();
    if files.is_empty() {
        return Err(Error::NoImages {
            path: dir.display().to_string(),
        });
    }
    files.sort();
    Ok(files)
}

/// Loads one image file and submits it, then ends the source.
pub fn feed_image_file(path: &Path, sink: &FrameSink) -> Result<(), Error> {
    let frame = super::load_image(path)?;
    sink.submit(frame);
    sink.end();
    Ok(())
}

/// A running folder replay; dropping it (or [`Replay::stop`]) stops the thread.
pub struct Replay(Worker);

/// A frame thread that runs until it is told to stop or dropped: a [`Replay`] here, the
/// webcam's capture in `device.rs`.
pub struct Worker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// `thread` watches `stop` and ends soon after it is set.
    pub(crate) fn new(stop: Arc<AtomicBool>, thread: JoinHandle<()>) -> Worker {
        Worker {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops the thread and waits for it.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.halt();
    }
}

impl Replay {
    /// Replays the images of `dir` into `sink` at `fps` frames per second (0 = as fast as
    /// they load), once or in a loop. Unreadable files are reported as source errors and
    /// skipped; the end of a one-shot replay is reported as `SourceEnded`.
    pub fn start(dir: &Path, fps: f64, looping: bool, sink: FrameSink) -> Result<Replay, Error> {
        let (frames, errors, end) = (sink.clone(), sink.clone(), sink);
        Self::start_with(
            dir,
            fps,
            looping,
            move |frame| {
                frames.submit(frame);
                !frames.is_closed()
            },
            move |e| errors.error(e),
            move || end.end(),
        )
    }

    /// Like [`Replay::start`] with callbacks, for glue that wraps the scanner (the app's
    /// camera feed): `on_frame` gets every frame and returns `false` to stop, `on_error` gets
    /// unreadable files, `on_end` runs after the last frame of a one-shot replay.
    pub fn start_with(
        dir: &Path,
        fps: f64,
        looping: bool,
        mut on_frame: impl FnMut(crate::qr::Frame) -> bool + Send + 'static,
        on_error: impl Fn(String) + Send + 'static,
        on_end: impl FnOnce() + Send + 'static,
    ) -> Result<Replay, Error> {
        let files = list_frames(dir)?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let interval = if fps > 0.0 {
            Duration::from_secs_f64(1.0 / fps)
        } else {
            Duration::ZERO
        };
        let thread = std::thread::Builder::new()
            .name("monban-replay".into())
            .spawn(move || {
                let mut next = Instant::now();
                'outer: loop {
                    for f in &files {
                        if flag.load(Ordering::Relaxed) {
                            break 'outer;
                        }
                        match super::load_image(f) {
                            Ok(frame) => {
                                if !on_frame(frame) {
                                    break 'outer;
                                }
                            }
                            Err(e) => on_error(format!("{}: {e}", f.display())),
                        }
                        next += interval;
                        let now = Instant::now();
                        if next > now {
                            std::thread::sleep(next - now);
                        } else {
                            next = now;
                        }
                    }
                    if !looping {
                        on_end();
                        break;
                    }
                }
            })
            .map_err(|e| Error::Camera(format!("cannot start the replay thread: {e}")))?;
        Ok(Replay(Worker::new(stop, thread)))
    }

    pub fn stop(self) {
        self.0.stop();
    }
}
