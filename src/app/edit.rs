//! The confirm / edit / manual entry form. The scanned account (with its secret) stays here in
//! Rust; the form only shows and edits issuer, name, icon, colour and favourite. Manual entry
//! is the one place the user types a secret: it is checked as typed, and cleared from the form
//! on save, cancel and lock.

use std::rc::Rc;

use slint::{ComponentHandle, SharedString};
use zeroize::Zeroizing;

use super::core::Core;
use super::glyphs;
use super::manual::{self, FormError, ManualForm};
use super::{AppWindow, EditAdapter, EditMode, Msg, Screen, nav};
use crate::account::{Account, Kind};
use crate::vault::{self, EntryId, EntryMeta, Icon};

/// What the form is working on.
#[derive(Default)]
pub(crate) enum EditTarget {
    #[default]
    None,
    /// A scanned account waiting for "Register".
    New(Account),
    /// Manual entry.
    Manual,
    /// An account already in the vault.
    Existing(EntryId),
}

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let a = ui.global::<EditAdapter>();
    a.on_letter_of(|s| glyphs::letter(&s).into());
    a.on_secret_edited(core.act1(|core, text: SharedString| show_secret_status(core, &text)));
    a.on_save(core.act(save));
    a.on_delete(core.act(delete));
    a.on_cancel(core.act(cancel));
}

fn with_form<R>(core: &Core, f: impl FnOnce(&EditAdapter) -> R) -> Option<R> {
    core.ui().map(|ui| f(&ui.global::<EditAdapter>()))
}

fn set_error(core: &Core, msg: Msg, arg: impl Into<SharedString>) {
    with_form(core, |a| {
        a.set_error(msg);
        a.set_error_arg(arg.into());
    });
}

fn kind_summary(a: &Account) -> String {
    match a.kind {
        Kind::Steam => "Steam · 30 s".to_owned(),
        Kind::Totp => format!(
            "TOTP · {} · {} · {} s",
            a.algorithm.as_str(),
            a.digits,
            a.period
        ),
        Kind::Hotp => format!(
            "HOTP · {} · {} · #{}",
            a.algorithm.as_str(),
            a.digits,
            a.counter
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn fill(
    core: &Core,
    mode: EditMode,
    issuer: &str,
    name: &str,
    glyph: i32,
    colour: usize,
    favourite: bool,
    details: &str,
) {
    with_form(core, |a| {
        a.set_mode(mode);
        a.set_issuer(issuer.into());
        a.set_name(name.into());
        a.set_secret(SharedString::new());
        a.set_glyph(glyph);
        a.set_colour(colour as i32);
        a.set_favourite(favourite);
        a.set_details(details.into());
        a.set_kind(0);
        a.set_algorithm(0);
        a.set_digits("6".into());
        a.set_period("30".into());
        a.set_counter("0".into());
        a.set_error(Msg::None);
        a.set_error_arg(SharedString::new());
        a.set_secret_status(Msg::SecretEmpty);
        a.set_secret_ok(false);
        a.set_confirm_delete(false);
    });
}

/// Shows the confirm form for a scanned account.
pub(crate) fn open_new(core: &Rc<Core>, account: Account) {
    let glyph = glyphs::suggest_glyph(&account.issuer)
        .map(|g| g as i32)
        .unwrap_or(-1);
    let key = if account.issuer.is_empty() {
        &account.name
    } else {
        &account.issuer
    };
    let colour = glyphs::default_colour(key);
    fill(
        core,
        EditMode::Confirm,
        &account.issuer,
        &account.name,
        glyph,
        colour,
        false,
        &kind_summary(&account),
    );
    *core.edit.borrow_mut() = EditTarget::New(account);
    open(core);
}

/// Shows the empty manual entry form.
pub(crate) fn open_manual(core: &Rc<Core>) {
    fill(core, EditMode::Manual, "", "", -1, 0, false, "");
    *core.edit.borrow_mut() = EditTarget::Manual;
    open(core);
}

/// Shows the form; from the scanner, its camera and decoder rest meanwhile.
fn open(core: &Rc<Core>) {
    super::scan::stop(core);
    nav::go(core, Screen::Edit);
}

/// Shows the edit form of a stored account.
pub(crate) fn open_existing(core: &Rc<Core>, id: EntryId) {
    let Some(Some((account, meta))) =
        core.with_vault(|v| v.entry(id).map(|e| (e.account.clone(), e.meta.clone())))
    else {
        return;
    };
    let glyph = match &meta.icon {
        Icon::Builtin(n) => glyphs::glyph_index(n).map(|g| g as i32).unwrap_or(-1),
        _ => -1,
    };
    fill(
        core,
        EditMode::Edit,
        &account.issuer,
        &account.name,
        glyph,
        glyphs::colour_index(meta.colour),
        meta.favourite,
        &kind_summary(&account),
    );
    *core.edit.borrow_mut() = EditTarget::Existing(id);
    open(core);
}

fn show_secret_status(core: &Core, text: &str) {
    let (msg, arg, ok) = match manual::check_secret(text) {
        Ok(bits) => (Msg::SecretOk, bits.to_string(), true),
        Err(e) => {
            let (m, a) = form_error(&e);
            (m, a, false)
        }
    };
    with_form(core, |a| {
        a.set_secret_status(msg);
        a.set_secret_arg(arg.into());
        a.set_secret_ok(ok);
    });
}

fn form_error(e: &FormError) -> (Msg, String) {
    match e {
        FormError::NoSecret => (Msg::SecretEmpty, String::new()),
        FormError::Secret(_) => (Msg::SecretInvalid, String::new()),
        FormError::SecretTooShort { bits } => (Msg::SecretShort, bits.to_string()),
        FormError::NoName => (Msg::NeedName, String::new()),
        FormError::Digits => (Msg::BadDigits, String::new()),
        FormError::Period => (Msg::BadPeriod, String::new()),
        FormError::Counter => (Msg::BadCounter, String::new()),
    }
}

/// Why the form was not saved; shown on the form, which stays open.
enum NotSaved {
    Form(FormError),
    Vault(vault::Error),
    /// The vault locked or the account vanished meanwhile: nothing to say.
    Gone,
}

impl NotSaved {
    fn show(&self, core: &Core) {
        match self {
            NotSaved::Form(e) => {
                let (m, a) = form_error(e);
                set_error(core, m, a);
            }
            NotSaved::Vault(vault::Error::Duplicate) => set_error(core, Msg::Duplicate, ""),
            NotSaved::Vault(other) => set_error(core, Msg::Detail, other.to_string()),
            NotSaved::Gone => {}
        }
    }
}

/// Reads the form's look fields into entry metadata (keeping what the form does not show).
fn meta_from_form(core: &Core, base: EntryMeta) -> EntryMeta {
    let (glyph, colour, favourite) =
        with_form(core, |a| (a.get_glyph(), a.get_colour(), a.get_favourite()))
            .unwrap_or((-1, 0, false));
    let mut meta = base;
    meta.icon = match glyphs::glyph_name(glyph) {
        Some(name) => Icon::Builtin(name.to_owned()),
        None => Icon::Letter,
    };
    meta.colour = glyphs::COLOURS[(colour.max(0) as usize).min(glyphs::COLOURS.len() - 1)];
    meta.favourite = favourite;
    meta
}

fn save(core: &Rc<Core>) {
    let Some((issuer, name)) = with_form(core, |a| {
        (
            a.get_issuer().trim().to_owned(),
            a.get_name().trim().to_owned(),
        )
    }) else {
        return;
    };
    let now = core.now();
    let target = std::mem::take(&mut *core.edit.borrow_mut());
    let result = match &target {
        EditTarget::None => return,
        EditTarget::New(account) => {
            let mut account = account.clone();
            account.issuer = issuer;
            account.name = name;
            add(core, account, now)
        }
        EditTarget::Manual => {
            let form = with_form(core, |a| ManualForm {
                issuer: issuer.clone(),
                name: name.clone(),
                secret: Zeroizing::new(a.get_secret().to_string()),
                kind: a.get_kind(),
                algorithm: a.get_algorithm(),
                digits: a.get_digits().to_string(),
                period: a.get_period().to_string(),
                counter: a.get_counter().to_string(),
            });
            match form.map(|f| f.build()) {
                Some(Ok(account)) => add(core, account, now),
                Some(Err(e)) => Err(NotSaved::Form(e)),
                None => Err(NotSaved::Gone),
            }
        }
        EditTarget::Existing(id) => {
            let id = *id;
            let current = core
                .with_vault(|v| v.entry(id).map(|e| (e.account.clone(), e.meta.clone())))
                .flatten();
            match current {
                Some((mut account, meta)) => {
                    account.issuer = issuer;
                    account.name = name;
                    let meta = meta_from_form(core, meta);
                    match core.change(|v| v.update(id, account, meta)) {
                        Some(Ok(())) => Ok(Msg::Saved),
                        Some(Err(e)) => Err(NotSaved::Vault(e)),
                        None => Err(NotSaved::Gone),
                    }
                }
                None => Err(NotSaved::Gone),
            }
        }
    };
    match result {
        Ok(msg) => {
            let label = with_form(core, |a| {
                let i = a.get_issuer();
                if i.is_empty() { a.get_name() } else { i }
            })
            .unwrap_or_default();
            super::list::refresh(core);
            nav::go(core, Screen::List);
            core.toast(msg, label);
        }
        Err(e) => {
            e.show(core);
            *core.edit.borrow_mut() = target;
        }
    }
}

fn add(core: &Rc<Core>, account: Account, now: u64) -> Result<Msg, NotSaved> {
    let meta = meta_from_form(core, EntryMeta::new_for(&account, now));
    match core.change(|v| v.add_with_meta(account, meta)) {
        Some(Ok(_)) => Ok(Msg::Added),
        Some(Err(e)) => Err(NotSaved::Vault(e)),
        None => Err(NotSaved::Gone),
    }
}

fn delete(core: &Rc<Core>) {
    let target = std::mem::take(&mut *core.edit.borrow_mut());
    if let EditTarget::Existing(id) = target {
        nav::go(core, Screen::List);
        super::list::delete(core, id);
    } else {
        *core.edit.borrow_mut() = target;
    }
}

/// Leaves the form without saving: a scanned or manual account returns to the scanner.
pub(crate) fn cancel(core: &Rc<Core>) {
    let from_scanner = matches!(*core.edit.borrow(), EditTarget::New(_) | EditTarget::Manual);
    nav::pop(core);
    if from_scanner && nav::current(core) == Screen::Scan {
        super::scan::start(core);
    }
}

/// Wipes the form (the typed secret included) and forgets the pending account.
pub(crate) fn clear(core: &Core) {
    *core.edit.borrow_mut() = EditTarget::None;
    with_form(core, |a| {
        a.set_secret(SharedString::new());
        a.set_issuer(SharedString::new());
        a.set_name(SharedString::new());
        a.set_details(SharedString::new());
        a.set_confirm_delete(false);
    });
}
