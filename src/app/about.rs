//! About: version, the offline promise (in the view), the service logos' licence (Simple
//! Icons, CC0; [`crate::brands`]), and the licences of the crates Monban is built from (`assets/third-party-licences.txt`, written by `scripts/licences.py` from
//! `cargo metadata`).

use std::rc::Rc;

use slint::ComponentHandle;

use super::core::Core;
use super::{AboutAdapter, AppWindow};

/// One line per crate in the app's dependency graph: "name version — licence".
pub const LICENCES: &str = include_str!("../../assets/third-party-licences.txt");

pub(super) fn connect(ui: &AppWindow) {
    let a = ui.global::<AboutAdapter>();
    a.set_version(env!("CARGO_PKG_VERSION").into());
    a.set_licences(LICENCES.trim_end().into());
}

/// Opens the page; the icon set is read here, not at start (it is read anyway once a list
/// with accounts is shown).
pub(super) fn open(core: &Rc<Core>) {
    if let Some(ui) = core.ui() {
        let a = ui.global::<AboutAdapter>();
        a.set_icons_source(crate::brands::source().into());
        let logos = crate::brands::all()
            .iter()
            .filter(|b| b.path.is_some())
            .count();
        a.set_icons_count(logos as i32);
    }
    super::nav::go(core, super::Screen::About);
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
