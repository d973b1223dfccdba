//! Languages: English and Japanese, bundled into the binary (`lang/ja/LC_MESSAGES/monban.po`,
//! compiled by `build.rs` with `with_bundled_translations`). The app follows the system
//! language unless the user picks one in settings; the choice applies at once, without a
//! restart (`slint::select_bundled_translation`), and is kept in `<settings>.lang`.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use slint::ComponentHandle;

use super::core::Core;
use super::{AppWindow, PrefsAdapter};

/// The user's language choice (the order of the settings menu).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    System,
    English,
    Japanese,
}

impl Language {
    pub fn from_index(i: i32) -> Language {
        match i {
            1 => Language::English,
            2 => Language::Japanese,
            _ => Language::System,
        }
    }

    pub fn index(self) -> i32 {
        match self {
            Language::System => 0,
            Language::English => 1,
            Language::Japanese => 2,
        }
    }

    /// What is stored in the preference file.
    pub fn id(self) -> &'static str {
        match self {
            Language::System => "system",
            Language::English => "en",
            Language::Japanese => "ja",
        }
    }

    pub fn from_id(s: &str) -> Language {
        match s.trim() {
            "en" => Language::English,
            "ja" => Language::Japanese,
            _ => Language::System,
        }
    }

    /// The bundled translation to select: `"ja"` or `""` (the English source strings).
    pub fn bundle(self, system_locale: Option<&str>) -> &'static str {
        match self {
            Language::English => "",
            Language::Japanese => "ja",
            Language::System => match system_locale {
                Some(l) if l.to_ascii_lowercase().starts_with("ja") => "ja",
                _ => "",
            },
        }
    }
}

/// Where the language choice of the app using `settings` is kept.
pub fn path_for(settings: &Path) -> PathBuf {
    let mut s = settings.as_os_str().to_owned();
    s.push(".lang");
    PathBuf::from(s)
}

/// The stored choice (a missing or unreadable file: follow the system).
pub fn load(path: &Path) -> Language {
    std::fs::read_to_string(path)
        .map(|s| Language::from_id(&s))
        .unwrap_or(Language::System)
}

pub fn save(path: &Path, language: Language) -> std::io::Result<()> {
    std::fs::write(path, language.id())
}

/// Family name of the bundled Japanese font (`assets/fonts/`).
pub const JAPANESE_FONT: &str = "Noto Sans CJK JP";

/// Switches every visible string to `language` now, and the window's font with it.
pub fn apply(ui: &AppWindow, language: Language) {
    let locale = sys_locale::get_locale();
    let bundle = language.bundle(locale.as_deref());
    // Fails only when no translation is bundled (a build without `lang/`): English stays.
    let _ = slint::select_bundled_translation(bundle);
    ui.global::<PrefsAdapter>()
        .set_font_family(if bundle == "ja" { JAPANESE_FONT } else { "" }.into());
}

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let path = path_for(&core.settings_path);
    let language = load(&path);
    let a = ui.global::<PrefsAdapter>();
    a.set_language_index(language.index());
    apply(ui, language);
    let weak = Rc::downgrade(core);
    a.on_language_changed(move |i| {
        let Some(core) = weak.upgrade() else { return };
        core.activity();
        let language = Language::from_index(i);
        if let Some(ui) = core.ui() {
            apply(&ui, language);
            ui.global::<PrefsAdapter>()
                .set_language_index(language.index());
        }
        if let Err(e) = save(&path_for(&core.settings_path), language) {
            core.toast(super::Msg::Detail, e.to_string());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choice_maps_to_bundle() {
        assert_eq!(Language::Japanese.bundle(Some("en-US")), "ja");
        assert_eq!(Language::English.bundle(Some("ja-JP")), "");
        assert_eq!(Language::System.bundle(Some("ja-JP")), "ja");
        assert_eq!(Language::System.bundle(Some("ja")), "ja");
        assert_eq!(Language::System.bundle(Some("de-DE")), "");
        assert_eq!(Language::System.bundle(None), "");
        for l in [Language::System, Language::English, Language::Japanese] {
            assert_eq!(Language::from_index(l.index()), l);
            assert_eq!(Language::from_id(l.id()), l);
        }
        assert_eq!(Language::from_index(99), Language::System);
    }

    #[test]
    fn stored_choice_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let p = path_for(&dir.path().join("v.settings.json"));
        assert_eq!(load(&p), Language::System);
        save(&p, Language::Japanese).unwrap();
        assert_eq!(load(&p), Language::Japanese);
        std::fs::write(&p, "klingon").unwrap();
        assert_eq!(load(&p), Language::System);
    }
}
