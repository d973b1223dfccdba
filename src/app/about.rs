//! About: version, the offline promise (in the view), and the licences of the crates Monban is
//! built from (`assets/third-party-licences.txt`, written by `scripts/licences.py` from
//! `cargo metadata`).

use slint::ComponentHandle;

use super::{AboutAdapter, AppWindow};

/// One line per crate in the app's dependency graph: "name version — licence".
pub const LICENCES: &str = include_str!("../../assets/third-party-licences.txt");

pub(super) fn connect(ui: &AppWindow) {
    let a = ui.global::<AboutAdapter>();
    a.set_version(env!("CARGO_PKG_VERSION").into());
    a.set_licences(LICENCES.trim_end().into());
}

#[cfg(test)]
mod tests {
    #[test]
    fn licences_list_slint_and_monban_dependencies() {
        assert!(super::LICENCES.lines().any(|l| l.starts_with("slint ")));
        assert!(super::LICENCES.lines().any(|l| l.starts_with("argon2 ")));
        assert!(super::LICENCES.lines().count() > 50);
    }
}
