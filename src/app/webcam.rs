//! The desktop webcam (feature `camera`) as the scanner view's [`CameraSource`]: the QR
//! module's nokhwa capture thread pushes every frame into the app's [`CameraFeed`].

use super::scan::{CameraError, CameraFeed, CameraSource};
use crate::camera::device;

/// The first camera of the system (index 0).
#[derive(Default)]
pub struct Webcam {
    running: Option<device::CameraSource>,
}

impl CameraSource for Webcam {
    fn start(&mut self, feed: CameraFeed) -> Result<(), CameraError> {
        self.stop();
        let errors = feed.clone();
        let on_frame = move |frame, _raw: &nokhwa::Buffer| {
            feed.push(frame);
            !feed.is_closed()
        };
        let on_error = move |reason: String| errors.failed(classify(&reason));
        match device::CameraSource::start_with(0, on_frame, on_error) {
            Ok(source) => {
                self.running = Some(source);
                Ok(())
            }
            Err(e) => Err(classify(&e.to_string())),
        }
    }

    fn stop(&mut self) {
        if let Some(source) = self.running.take() {
            source.stop();
        }
    }
}

/// A refused device (EACCES on Linux, TCC on macOS) is a permission problem the user can fix.
fn classify(reason: &str) -> CameraError {
    let lower = reason.to_lowercase();
    if lower.contains("permission") || lower.contains("denied") || lower.contains("not authorized")
    {
        CameraError::PermissionDenied
    } else {
        CameraError::Unavailable(reason.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_errors_are_told_apart() {
        assert_eq!(
            classify("cannot open camera 0: Permission denied (os error 13)"),
            CameraError::PermissionDenied
        );
        assert!(matches!(
            classify("cannot open camera 0: No such device"),
            CameraError::Unavailable(_)
        ));
    }
}
