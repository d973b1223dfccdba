//! Desktop cameras through `nokhwa` (feature `camera`; Linux V4L2, macOS AVFoundation, Windows
//! Media Foundation). The capture thread converts each frame to luma (YUYV/NV12/GRAY directly,
//! MJPEG/RGB through nokhwa's decoder) and pushes it into the scanner's [`FrameSink`], where the
//! newest frame wins: the camera runs at its own rate, the decoder at the rate it sustains.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use nokhwa::Camera;
use nokhwa::pixel_format::{LumaFormat, RgbFormat};
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
    Resolution,
};

use super::scanner::FrameSink;
use super::{Error, Frame, yuv};

/// A camera the user can pick in settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraInfo {
    /// Index to pass to [`CameraSource::start`].
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
pub struct CameraSource {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl CameraSource {
    /// Opens camera `index` (about 1280×720, the highest frame rate there) and feeds `sink`.
    /// `preview`, if given, receives every frame in colour for the viewfinder. Capture errors
    /// are reported through the sink as `ScanEvent::SourceError` and end the capture.
    pub fn start(
        index: u32,
        sink: FrameSink,
        mut preview: Option<Box<dyn FnMut(Preview) + Send>>,
    ) -> Result<CameraSource, Error> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        // The camera is opened on its own thread (nokhwa's Camera is not Send on every
        // backend); the first error comes back through this channel.
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), String>>();
        let thread = std::thread::Builder::new()
            .name("monban-camera".into())
            .spawn(move || {
                let want = CameraFormat::new(Resolution::new(1280, 720), FrameFormat::MJPEG, 30);
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
                while !flag.load(Ordering::Relaxed) && !sink.is_closed() {
                    let buf = match cam.frame() {
                        Ok(b) => b,
                        Err(e) => {
                            sink.error(format!("camera stopped: {e}"));
                            break;
                        }
                    };
                    if let Some(p) = preview.as_mut()
                        && let Ok(img) = buf.decode_image::<RgbFormat>()
                    {
                        let (width, height) = (img.width(), img.height());
                        p(Preview {
                            rgb: img.into_raw(),
                            width,
                            height,
                        });
                    }
                    match to_frame(&buf) {
                        Ok(f) => sink.submit(f),
                        Err(e) => {
                            sink.error(e.to_string());
                            break;
                        }
                    }
                }
                let _ = cam.stop_stream();
            })
            .map_err(|e| Error::Camera(format!("cannot start the camera thread: {e}")))?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(CameraSource {
                stop,
                thread: Some(thread),
            }),
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

impl Drop for CameraSource {
    fn drop(&mut self) {
        self.halt();
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
            let img = buf
                .decode_image::<LumaFormat>()
                .map_err(|e| Error::Camera(e.to_string()))?;
            let (w, h) = (img.width() as usize, img.height() as usize);
            Frame::packed(w, h, img.into_raw())?
        }
    };
    Ok(frame)
}
