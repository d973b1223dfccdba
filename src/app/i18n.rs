//! Languages: English and Japanese, bundled into the binary (`lang/ja/LC_MESSAGES/monban.po`,
//! compiled by `build.rs` with `with_bundled_translations`). The app follows the system
//! language unless the user picks one in settings; the choice applies at once, without a
//! restart (`slint::select_bundled_translation`), and is kept with the other settings
//! ([`crate::settings::Settings::language`]).

use std::rc::Rc;

use slint::ComponentHandle;

use super::core::Core;
use super::{AppWindow, SettingsAdapter, Theme};
use crate::settings::Language;

/// Family name of the bundled Japanese font (`assets/fonts/`).
pub const JAPANESE_FONT: &str = "Noto Sans CJK JP";

/// Switches every visible string to `language` now, and the window's font with it.
pub fn apply(ui: &AppWindow, language: Language) {
    let locale = sys_locale::get_locale();
    let bundle = language.bundle(locale.as_deref());
    // Fails only when no translation is bundled (a build without `lang/`): English stays.
    let _ = slint::select_bundled_translation(bundle);
    ui.global::<Theme>()
        .set_font_family(if bundle == "ja" { JAPANESE_FONT } else { "" }.into());
}

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let language = core.settings.borrow().language;
    let a = ui.global::<SettingsAdapter>();
    a.set_language_index(language.index());
    apply(ui, language);
    a.on_language_changed(core.act1(|core, i| {
        let language = Language::from_index(i);
        if let Some(ui) = core.ui() {
            apply(&ui, language);
            ui.global::<SettingsAdapter>()
                .set_language_index(language.index());
        }
        core.settings.borrow_mut().language = language;
        core.save_settings();
    }));
}
