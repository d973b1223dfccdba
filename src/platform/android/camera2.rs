//! Live camera frames on Android: NDK Camera2 (`ACameraManager` → `ACameraDevice` →
//! capture session) into an `AImageReader` in YUV_420_888; plane 0 of each image, with its
//! row and pixel strides and crop, is the luma frame the scanner reads.
//!
//! Follows the NDK camera guide's order: open the device, create the reader and its window,
//! one session output + one output target on that window, a `TEMPLATE_PREVIEW` request with
//! continuous autofocus, `setRepeatingRequest`; teardown in reverse. Requires the CAMERA
//! permission (checked before by `PermissionFlow`).

use std::ffi::{CStr, CString, c_int, c_void};
use std::ptr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ndk::media::image_reader::{AcquireResult, ImageFormat, ImageReader};
use ndk::native_window::NativeWindow;
use ndk_sys as ffi;

use crate::camera::planes::{self as frames, Crop, Plane, Rotation};
use crate::camera::{CameraError, FrameFeed};
use crate::platform::Error;

// ndk-sys declares the Camera2 NDK functions but does not link their library.
#[link(name = "camera2ndk")]
unsafe extern "C" {}

/// Frames handed to the scanner at most this often (the decoder keeps the latest anyway; this
/// spares the preview conversion).
const MIN_FRAME_INTERVAL: Duration = Duration::from_millis(66);

/// Context of the device callbacks (they run on a camera thread).
struct DeviceContext {
    feed: Mutex<FrameFeed>,
}

/// An open camera streaming into a feed. Dropping it stops the stream and closes the camera.
pub struct CameraSession {
    manager: *mut ffi::ACameraManager,
    device: *mut ffi::ACameraDevice,
    container: *mut ffi::ACaptureSessionOutputContainer,
    output: *mut ffi::ACaptureSessionOutput,
    target: *mut ffi::ACameraOutputTarget,
    request: *mut ffi::ACaptureRequest,
    session: *mut ffi::ACameraCaptureSession,
    // Dropped after the session is closed (see Drop).
    reader: Option<ImageReader>,
    window: Option<NativeWindow>,
    // The callback structs and their context must outlive the device and the session.
    _device_callbacks: Box<ffi::ACameraDevice_StateCallbacks>,
    _session_callbacks: Box<ffi::ACameraCaptureSession_stateCallbacks>,
    _context: Box<DeviceContext>,
}

fn check(status: ffi::camera_status_t, what: &str) -> Result<(), Error> {
    if status == ffi::camera_status_t::ACAMERA_OK {
        Ok(())
    } else {
        Err(Error::Camera(format!(
            "{what} failed (camera status {})",
            status.0
        )))
    }
}

/// What the chosen camera offers.
struct Choice {
    id: CString,
    orientation: i32,
    sizes: Vec<(usize, usize)>,
}

/// Picks the first back-facing camera (else the first camera) and reads its orientation and
/// YUV output sizes.
unsafe fn choose_camera(manager: *mut ffi::ACameraManager) -> Result<Choice, Error> {
    let mut list: *mut ffi::ACameraIdList = ptr::null_mut();
    check(
        unsafe { ffi::ACameraManager_getCameraIdList(manager, &mut list) },
        "listing cameras",
    )?;
    if list.is_null() {
        return Err(Error::NoCamera);
    }
    let ids: Vec<CString> = unsafe {
        let n = usize::try_from((*list).numCameras).unwrap_or(0);
        let ids = if n == 0 || (*list).cameraIds.is_null() {
            Vec::new()
        } else {
            std::slice::from_raw_parts((*list).cameraIds, n)
                .iter()
                .filter(|p| !p.is_null())
                .map(|&p| CStr::from_ptr(p).to_owned())
                .collect()
        };
        ffi::ACameraManager_deleteCameraIdList(list);
        ids
    };
    let mut first = None;
    for id in ids {
        let mut meta: *mut ffi::ACameraMetadata = ptr::null_mut();
        let status = unsafe {
            ffi::ACameraManager_getCameraCharacteristics(manager, id.as_ptr(), &mut meta)
        };
        if status != ffi::camera_status_t::ACAMERA_OK || meta.is_null() {
            continue;
        }
        let facing = unsafe { entry_u8(meta, ffi::acamera_metadata_tag::ACAMERA_LENS_FACING.0) };
        let orientation = unsafe {
            entry_i32(
                meta,
                ffi::acamera_metadata_tag::ACAMERA_SENSOR_ORIENTATION.0,
            )
            .first()
            .copied()
            .unwrap_or(90)
        };
        let configs = unsafe {
            entry_i32(
                meta,
                ffi::acamera_metadata_tag::ACAMERA_SCALER_AVAILABLE_STREAM_CONFIGURATIONS.0,
            )
        };
        unsafe { ffi::ACameraMetadata_free(meta) };
        // Quadruples: format, width, height, input flag.
        let yuv = ffi::AIMAGE_FORMATS::AIMAGE_FORMAT_YUV_420_888.0 as i32;
        let output = ffi::acamera_metadata_enum_acamera_scaler_available_stream_configurations::ACAMERA_SCALER_AVAILABLE_STREAM_CONFIGURATIONS_OUTPUT.0 as i32;
        let sizes = configs
            .chunks_exact(4)
            .filter(|c| c[0] == yuv && c[3] == output)
            .filter_map(|c| Some((usize::try_from(c[1]).ok()?, usize::try_from(c[2]).ok()?)))
            .collect();
        let choice = Choice {
            id,
            orientation,
            sizes,
        };
        let back = ffi::acamera_metadata_enum_acamera_lens_facing::ACAMERA_LENS_FACING_BACK.0 as u8;
        if facing.first() == Some(&back) {
            return Ok(choice);
        }
        first.get_or_insert(choice);
    }
    first.ok_or(Error::NoCamera)
}

/// The u8 values of a metadata entry (empty when absent).
unsafe fn entry_u8(meta: *const ffi::ACameraMetadata, tag: u32) -> Vec<u8> {
    let mut entry = std::mem::MaybeUninit::<ffi::ACameraMetadata_const_entry>::zeroed();
    let status = unsafe { ffi::ACameraMetadata_getConstEntry(meta, tag, entry.as_mut_ptr()) };
    if status != ffi::camera_status_t::ACAMERA_OK {
        return Vec::new();
    }
    let entry = unsafe { entry.assume_init() };
    let data = unsafe { entry.data.u8_ };
    if data.is_null() {
        return Vec::new();
    }
    unsafe { std::slice::from_raw_parts(data, entry.count as usize) }.to_vec()
}

/// The i32 values of a metadata entry (empty when absent).
unsafe fn entry_i32(meta: *const ffi::ACameraMetadata, tag: u32) -> Vec<i32> {
    let mut entry = std::mem::MaybeUninit::<ffi::ACameraMetadata_const_entry>::zeroed();
    let status = unsafe { ffi::ACameraMetadata_getConstEntry(meta, tag, entry.as_mut_ptr()) };
    if status != ffi::camera_status_t::ACAMERA_OK {
        return Vec::new();
    }
    let entry = unsafe { entry.assume_init() };
    let data = unsafe { entry.data.i32_ };
    if data.is_null() {
        return Vec::new();
    }
    unsafe { std::slice::from_raw_parts(data, entry.count as usize) }.to_vec()
}

/// Tells the scanner view the camera failed (called from the camera's threads).
unsafe fn report_failure(context: *mut c_void, message: String) {
    if let Some(ctx) = unsafe { (context as *const DeviceContext).as_ref() }
        && let Ok(feed) = ctx.feed.lock()
    {
        feed.failed(CameraError::Unavailable(message));
    }
}

unsafe extern "C" fn on_disconnected(context: *mut c_void, _device: *mut ffi::ACameraDevice) {
    unsafe { report_failure(context, "the camera was taken by another app".into()) }
}

unsafe extern "C" fn on_error(
    context: *mut c_void,
    _device: *mut ffi::ACameraDevice,
    error: c_int,
) {
    unsafe { report_failure(context, format!("camera error {error}")) }
}

unsafe extern "C" fn on_session_state(
    _context: *mut c_void,
    _session: *mut ffi::ACameraCaptureSession,
) {
}

/// Turns one YUV_420_888 image into an upright luma frame.
fn frame_of(
    image: &ndk::media::image_reader::Image,
    rotation: Rotation,
) -> Option<crate::qr::Frame> {
    let width = usize::try_from(image.width().ok()?).ok()?;
    let height = usize::try_from(image.height().ok()?).ok()?;
    let data = image.plane_data(0).ok()?;
    let row_stride = usize::try_from(image.plane_row_stride(0).ok()?).ok()?;
    let pixel_stride = usize::try_from(image.plane_pixel_stride(0).ok()?).ok()?;
    let crop = image.crop_rect().ok().and_then(|r| {
        Some(Crop {
            left: usize::try_from(r.left).ok()?,
            top: usize::try_from(r.top).ok()?,
            right: usize::try_from(r.right).ok()?,
            bottom: usize::try_from(r.bottom).ok()?,
        })
    });
    let frame = frames::luma_from_camera(
        Plane {
            data,
            row_stride,
            pixel_stride,
        },
        width,
        height,
        crop,
    )
    .ok()?;
    Some(if rotation == Rotation::None {
        frame
    } else {
        frames::rotate(&frame, rotation)
    })
}

impl CameraSession {
    /// Opens the back camera and starts streaming frames into `feed`.
    pub fn open(feed: FrameFeed) -> Result<CameraSession, Error> {
        let manager = unsafe { ffi::ACameraManager_create() };
        if manager.is_null() {
            return Err(Error::Camera("no camera service".into()));
        }
        let mut s = CameraSession {
            manager,
            device: ptr::null_mut(),
            container: ptr::null_mut(),
            output: ptr::null_mut(),
            target: ptr::null_mut(),
            request: ptr::null_mut(),
            session: ptr::null_mut(),
            reader: None,
            window: None,
            _device_callbacks: Box::new(ffi::ACameraDevice_StateCallbacks {
                context: ptr::null_mut(),
                onDisconnected: Some(on_disconnected),
                onError: Some(on_error),
            }),
            _session_callbacks: Box::new(ffi::ACameraCaptureSession_stateCallbacks {
                context: ptr::null_mut(),
                onClosed: Some(on_session_state),
                onReady: Some(on_session_state),
                onActive: Some(on_session_state),
            }),
            _context: Box::new(DeviceContext {
                feed: Mutex::new(feed.clone()),
            }),
        };
        // On error `s` is dropped, which releases whatever was created so far.
        s.start(feed)?;
        Ok(s)
    }

    fn start(&mut self, feed: FrameFeed) -> Result<(), Error> {
        let choice = unsafe { choose_camera(self.manager)? };
        let (width, height) = frames::pick_size(&choice.sizes, frames::CAPTURE_PIXELS)
            .ok_or_else(|| Error::Camera("the camera offers no YUV output size".into()))?;
        let rotation = Rotation::from_degrees(choice.orientation);

        self._device_callbacks.context =
            (&*self._context as *const DeviceContext).cast_mut().cast();
        check(
            unsafe {
                ffi::ACameraManager_openCamera(
                    self.manager,
                    choice.id.as_ptr(),
                    &mut *self._device_callbacks,
                    &mut self.device,
                )
            },
            "opening the camera",
        )?;

        let to_i32 =
            |v: usize| i32::try_from(v).map_err(|_| Error::Camera("capture size too large".into()));
        let mut reader =
            ImageReader::new(to_i32(width)?, to_i32(height)?, ImageFormat::YUV_420_888, 3)
                .map_err(|e| Error::Camera(format!("creating the image reader: {e}")))?;
        let mut last = Instant::now()
            .checked_sub(MIN_FRAME_INTERVAL)
            .unwrap_or_else(Instant::now);
        reader
            .set_image_listener(Box::new(move |reader: &ImageReader| {
                // Always take the image, or the reader runs out of buffers.
                let Ok(AcquireResult::Image(image)) = reader.acquire_latest_image() else {
                    return;
                };
                if feed.is_closed() || last.elapsed() < MIN_FRAME_INTERVAL {
                    return;
                }
                last = Instant::now();
                if let Some(frame) = frame_of(&image, rotation) {
                    feed.push(frame);
                }
            }))
            .map_err(|e| Error::Camera(format!("listening to the image reader: {e}")))?;
        let window = reader
            .window()
            .map_err(|e| Error::Camera(format!("image reader window: {e}")))?;
        let window_ptr = window.ptr().as_ptr();
        self.reader = Some(reader);
        self.window = Some(window);

        unsafe {
            check(
                ffi::ACaptureSessionOutputContainer_create(&mut self.container),
                "creating outputs",
            )?;
            check(
                ffi::ACaptureSessionOutput_create(window_ptr, &mut self.output),
                "creating the output",
            )?;
            check(
                ffi::ACaptureSessionOutputContainer_add(self.container, self.output),
                "adding the output",
            )?;
            check(
                ffi::ACameraOutputTarget_create(window_ptr, &mut self.target),
                "creating the target",
            )?;
            check(
                ffi::ACameraDevice_createCaptureRequest(
                    self.device,
                    ffi::ACameraDevice_request_template::TEMPLATE_PREVIEW,
                    &mut self.request,
                ),
                "creating the capture request",
            )?;
            check(
                ffi::ACaptureRequest_addTarget(self.request, self.target),
                "adding the target",
            )?;
            let af = ffi::acamera_metadata_enum_acamera_control_af_mode::ACAMERA_CONTROL_AF_MODE_CONTINUOUS_PICTURE.0 as u8;
            // Autofocus is a nicety: fixed-focus cameras reject it.
            let _ = ffi::ACaptureRequest_setEntry_u8(
                self.request,
                ffi::acamera_metadata_tag::ACAMERA_CONTROL_AF_MODE.0,
                1,
                &af,
            );
            check(
                ffi::ACameraDevice_createCaptureSession(
                    self.device,
                    self.container,
                    &*self._session_callbacks,
                    &mut self.session,
                ),
                "creating the capture session",
            )?;
            let mut requests = [self.request];
            check(
                ffi::ACameraCaptureSession_setRepeatingRequest(
                    self.session,
                    ptr::null_mut(),
                    1,
                    requests.as_mut_ptr(),
                    ptr::null_mut(),
                ),
                "starting the preview",
            )?;
        }
        Ok(())
    }
}

impl Drop for CameraSession {
    fn drop(&mut self) {
        unsafe {
            if !self.session.is_null() {
                ffi::ACameraCaptureSession_stopRepeating(self.session);
                ffi::ACameraCaptureSession_close(self.session);
            }
            if !self.request.is_null() {
                ffi::ACaptureRequest_free(self.request);
            }
            if !self.target.is_null() {
                ffi::ACameraOutputTarget_free(self.target);
            }
            if !self.container.is_null() {
                ffi::ACaptureSessionOutputContainer_free(self.container);
            }
            if !self.output.is_null() {
                ffi::ACaptureSessionOutput_free(self.output);
            }
            if !self.device.is_null() {
                ffi::ACameraDevice_close(self.device);
            }
            ffi::ACameraManager_delete(self.manager);
        }
        // The reader last: its listener may still be running until the device is closed.
        self.window.take();
        self.reader.take();
    }
}
