//! Where frames come from: the camera (nokhwa, `camera` feature), image files, the clipboard,
//! folders of recorded frames. Every source produces a [`Frame`] for the scanner.

pub mod frame;

pub use frame::Frame;
