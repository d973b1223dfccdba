//! Desktop cameras through `nokhwa` (feature `camera`; Linux V4L2, macOS AVFoundation, Windows
//! Media Foundation). The capture thread converts each frame to luma (YUYV/NV12/GRAY directly,
//! MJPEG/RGB through nokhwa's decoder) and pushes it into the scanner's [`FrameSink`], where the
//! newest frame wins: the camera runs at its own rate, the decoder at the rate it sustains.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use nokhwa::Camera;
use nokhwa::pixel_format::{LumaFormat, RgbFormat};
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
    Resolution,
};

use super::capture::{CameraError, FrameFeed, FrameSource};
use super::scanner::FrameSink;
use super::sources::Worker;
use super::{Error, yuv};
use crate::qr::Frame;

/// A camera the user can pick in settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraInfo {
    /// Index to pass to [`Capture::start`].
    pub index: u32,
    pub name: String,
    pub description: String,
}

/// The cameras present now.
pub fn list() -> Result<Vec<CameraInfo>, Error> {
    let cams = nokhwa::query(ApiBackend::Auto).map_err(|e| Error::Camera(e.to_string()))?;
    Ok(cams
        .into_iter()
        .filter_map(|c| {
            let index = c.index().as_index().ok()?;
            Some(CameraInfo {
                index,
                name: c.human_name(),
                description: c.description().to_owned(),
            })
        })
        .collect())
}

/// An RGB8 preview image for the viewfinder (the app wraps it in a `SharedPixelBuffer`).
pub struct Preview {
    pub rgb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// A running capture thread; dropping it stops the camera.
pub struct Capture(Worker);

impl Capture {
    /// Opens camera `index` (about 1920×1080, what sealed transfer parts are sized for, or the
    /// closest the camera has) and feeds `sink`.
    /// `preview`, if given, receives every frame in colour for the viewfinder. Capture errors
    /// are reported through the sink as `ScanEvent::SourceError` and end the capture.
    pub fn start(
        index: u32,
        sink: FrameSink,
        mut preview: Option<Box<dyn FnMut(Preview) + Send>>,
    ) -> Result<Capture, Error> {
        let errors = sink.clone();
        Self::start_with(
            index,
            move |frame, buf| {
                if let Some(p) = preview.as_mut()
                    && let Ok(Ok(img)) =
                        std::panic::catch_unwind(|| buf.decode_image::<RgbFormat>())
                {
                    let (width, height) = (img.width(), img.height());
                    p(Preview {
                        rgb: img.into_raw(),
                        width,
                        height,
                    });
                }
                sink.submit(frame);
                !sink.is_closed()
            },
            move |e| errors.error(e),
        )
    }

    /// Opens camera `index` and calls `on_frame` with every frame (as luma, and the raw nokhwa
    /// buffer for a colour preview) on the capture thread until it returns `false` or the
    /// source is stopped. `on_error` gets the reason if capture fails after opening. An error
    /// opening the camera is returned here.
    pub fn start_with(
        index: u32,
        mut on_frame: impl FnMut(Frame, &nokhwa::Buffer) -> bool + Send + 'static,
        on_error: impl FnOnce(String) + Send + 'static,
    ) -> Result<Capture, Error> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        // The camera is opened on its own thread (nokhwa's Camera is not Send on every
        // backend); the first error comes back through this channel.
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), String>>();
        let thread = std::thread::Builder::new()
            .name("monban-camera".into())
            .spawn(move || {
                let want = CameraFormat::new(Resolution::new(1920, 1080), FrameFormat::MJPEG, 30);
                let format = RequestedFormat::new::<LumaFormat>(RequestedFormatType::Closest(want));
                let mut cam = match Camera::new(CameraIndex::Index(index), format)
                    .and_then(|mut c| c.open_stream().map(|_| c))
                {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(()));
                let mut failure = None;
                let mut bad_frames = 0u32;
                while !flag.load(Ordering::Relaxed) {
                    let buf = match cam.frame() {
                        Ok(b) => b,
                        Err(e) => {
                            failure = Some(format!("camera stopped: {e}"));
                            break;
                        }
                    };
                    match to_frame(&buf) {
                        Ok(f) => {
                            bad_frames = 0;
                            if !on_frame(f, &buf) {
                                break;
                            }
                        }
                        // one damaged frame is skipped; a camera that sends nothing else fails
                        Err(e) => {
                            bad_frames += 1;
                            if bad_frames >= 30 {
                                failure = Some(e.to_string());
                                break;
                            }
                        }
                    }
                }
                let _ = cam.stop_stream();
                if let Some(e) = failure {
                    on_error(e);
                }
            })
            .map_err(|e| Error::Camera(format!("cannot start the camera thread: {e}")))?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(Capture(Worker::new(stop, thread))),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(Error::Camera(format!("cannot open camera {index}: {e}")))
            }
            Err(_) => {
                let _ = thread.join();
                Err(Error::Camera(format!(
                    "camera {index} stopped while opening"
                )))
            }
        }
    }

    pub fn stop(self) {
        self.0.stop();
    }
}

/// The desktop camera as a [`FrameSource`]: the first camera of the system (index 0).
#[derive(Default)]
pub struct Webcam {
    running: Option<Capture>,
}

impl FrameSource for Webcam {
    fn start(&mut self, feed: FrameFeed) -> Result<(), CameraError> {
        self.stop();
        let errors = feed.clone();
        let on_frame = move |frame, _raw: &nokhwa::Buffer| {
            feed.push(frame);
            !feed.is_closed()
        };
        let on_error = move |reason: String| errors.failed(CameraError::from_reason(&reason));
        let capture = Capture::start_with(0, on_frame, on_error)
            .map_err(|e| CameraError::from_reason(&e.to_string()))?;
        self.running = Some(capture);
        Ok(())
    }

    fn stop(&mut self) {
        if let Some(capture) = self.running.take() {
            capture.stop();
        }
    }
}

/// One nokhwa buffer as a luma frame.
fn to_frame(buf: &nokhwa::Buffer) -> Result<Frame, Error> {
    let res = buf.resolution();
    let (w, h) = (res.width() as usize, res.height() as usize);
    let data = buf.buffer();
    let frame = match buf.source_frame_format() {
        FrameFormat::YUYV => yuv::luma_from_yuyv(data, w, h, w * 2)?,
        FrameFormat::NV12 => yuv::luma_from_nv21(data, w, h, w)?,
        FrameFormat::GRAY => Frame::packed(w, h, data.get(..w * h).unwrap_or(data).to_vec())?,
        FrameFormat::MJPEG | FrameFormat::RAWRGB | FrameFormat::RAWBGR => {
            // mozjpeg (behind nokhwa's MJPEG decoding) panics on a corrupt frame, which a
            // webcam delivers now and then: contain it.
            let img = std::panic::catch_unwind(|| buf.decode_image::<LumaFormat>())
                .map_err(|_| Error::Camera("damaged camera frame".into()))?
                .map_err(|e| Error::Camera(e.to_string()))?;
            let (w, h) = (img.width() as usize, img.height() as usize);
            Frame::packed(w, h, img.into_raw())?
        }
    };
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_camera_pixel_formats() {
        let res = Resolution::new(2, 2);
        let yuyv = nokhwa::Buffer::new(res, &[1, 128, 2, 128, 3, 128, 4, 128], FrameFormat::YUYV);
        assert_eq!(to_frame(&yuyv).unwrap().data(), &[1, 2, 3, 4]);
        let nv12 = nokhwa::Buffer::new(res, &[5, 6, 7, 8, 128, 128], FrameFormat::NV12);
        assert_eq!(to_frame(&nv12).unwrap().to_packed().data(), &[5, 6, 7, 8]);
        let gray = nokhwa::Buffer::new(res, &[9, 10, 11, 12], FrameFormat::GRAY);
        assert_eq!(to_frame(&gray).unwrap().data(), &[9, 10, 11, 12]);
        let short = nokhwa::Buffer::new(res, &[1, 2, 3], FrameFormat::YUYV);
        assert!(to_frame(&short).is_err());
        let bad_jpeg = nokhwa::Buffer::new(res, b"not a jpeg", FrameFormat::MJPEG);
        // nokhwa's MJPEG decoder (mozjpeg) panics on corrupt data: contained, an error
        assert!(to_frame(&bad_jpeg).is_err());
    }
}
