//! The settings screen: auto-lock time, clipboard clearing, next code, theme. Changes apply
//! at once and are saved beside the vault.

use std::rc::Rc;

use slint::ComponentHandle;

use super::core::Core;
use super::{AppWindow, ListAdapter, SettingsAdapter, Theme, ThemeMode, UnlockAdapter};
use crate::arrange::SortOrder;
use crate::settings::ThemeChoice;

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let s = ui.global::<SettingsAdapter>();
    s.set_version(env!("CARGO_PKG_VERSION").into());
    s.set_vault_path(core.vault_path.display().to_string().into());
    s.on_changed(core.act(changed));
    s.on_list_changed(core.act(list_changed));
}

/// The account list section: sort order and reveal on tap; the list follows at once.
fn list_changed(core: &Rc<Core>) {
    let Some(ui) = core.ui() else { return };
    let s = ui.global::<SettingsAdapter>();
    {
        let mut st = core.settings.borrow_mut();
        let i = (s.get_sort_index().max(0) as usize).min(SortOrder::ALL.len() - 1);
        st.list.sort = SortOrder::ALL[i];
        st.list.reveal_on_tap = s.get_reveal_on_tap();
    }
    super::list::refresh(core);
    core.save_settings();
}

fn theme_mode(t: ThemeChoice) -> ThemeMode {
    match t {
        ThemeChoice::System => ThemeMode::System,
        ThemeChoice::Light => ThemeMode::Light,
        ThemeChoice::Dark => ThemeMode::Dark,
    }
}

/// Shows the stored settings in the UI (at start).
pub(crate) fn apply(core: &Rc<Core>) {
    let Some(ui) = core.ui() else { return };
    let st = core.settings.borrow();
    let s = ui.global::<SettingsAdapter>();
    s.set_auto_lock_index(st.auto_lock_index() as i32);
    s.set_clipboard_index(st.clipboard_index() as i32);
    s.set_show_next_code(st.show_next_code);
    s.set_theme(theme_mode(st.theme));
    let sort = SortOrder::ALL.iter().position(|o| *o == st.list.sort);
    s.set_sort_index(sort.unwrap_or(0) as i32);
    s.set_reveal_on_tap(st.list.reveal_on_tap);
    ui.global::<Theme>().set_mode(theme_mode(st.theme));
    ui.global::<ListAdapter>()
        .set_show_next_code(st.show_next_code);
    ui.invoke_apply_theme();
}

/// Reads the settings screen back, applies and saves.
fn changed(core: &Rc<Core>) {
    let Some(ui) = core.ui() else { return };
    let s = ui.global::<SettingsAdapter>();
    {
        let mut st = core.settings.borrow_mut();
        st.set_auto_lock_index(s.get_auto_lock_index());
        st.set_clipboard_index(s.get_clipboard_index());
        st.show_next_code = s.get_show_next_code();
        st.theme = match s.get_theme() {
            ThemeMode::Light => ThemeChoice::Light,
            ThemeMode::Dark => ThemeChoice::Dark,
            _ => ThemeChoice::System,
        };
        st.keypad = ui.global::<UnlockAdapter>().get_keypad();
    }
    apply(core);
    // A new auto-lock time counts from now.
    core.activity();
    core.save_settings();
}
