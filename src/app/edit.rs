//! The confirm / edit / manual entry form. The scanned account (with its secret) stays here in
//! Rust; the form only shows and edits issuer, name, icon, colour, groups and favourite.
//! Manual entry is the one place the user types a secret: it is checked as typed, and cleared
//! from the form on save, cancel and lock.
//!
//! The icon: automatic (the brand the service matches, [`crate::brands::for_account`], else
//! the letter; stored as [`Icon::Letter`]), the letter by choice (`letter`), a glyph (its
//! name), any brand picked from the searchable list (`brand:github`), or the user's own
//! picture an account already has (kept as it is).

use std::rc::Rc;

use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};
use zeroize::Zeroizing;

use super::avatars;
use super::core::Core;
use super::glyphs;
use super::manual::{self, FormError, ManualForm};
use super::{AppWindow, BrandChoice, EditAdapter, EditMode, IconMode, Msg, Screen, nav};
use crate::account::{Account, Kind};
use crate::brands::{self, Resolved};
use crate::vault::{self, EntryId, EntryMeta, Icon};

/// Brands offered before anything is typed in the icon search (after the automatic one).
const POPULAR: [&str; 15] = [
    "google",
    "microsoft",
    "apple",
    "github",
    "amazon",
    "facebook",
    "x",
    "discord",
    "dropbox",
    "paypal",
    "instagram",
    "reddit",
    "steam",
    "proton",
    "binance",
];
/// Most brand results shown at once.
const MAX_BRANDS: usize = 48;

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
    a.on_look_changed(core.act(|core| refresh_look(core)));
    a.on_brand_search(core.act1(|core, q: SharedString| show_brands(core, &q)));
    a.on_add_group(core.act1(|core, g: SharedString| add_group(core, &g)));
    a.on_remove_group(core.act1(|core, i: i32| {
        with_form(core, |a| {
            let groups = a.get_groups();
            if let Some(m) = groups.as_any().downcast_ref::<VecModel<SharedString>>()
                && i >= 0
                && (i as usize) < m.row_count()
            {
                m.remove(i as usize);
            }
            a.set_group_error(Msg::None);
        });
    }));
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

/// How the form shows an icon: the mode, the glyph index, the brand slug.
fn icon_choice(icon: &Icon, issuer: &str, name: &str) -> (IconMode, i32, String) {
    match (icon, brands::resolve(icon, issuer, name)) {
        (Icon::Letter, _) => (IconMode::Automatic, -1, String::new()),
        (Icon::Custom(_), _) => (IconMode::Picture, -1, String::new()),
        (_, Resolved::Brand(b)) => (IconMode::Brand, -1, b.slug.clone()),
        (_, Resolved::Glyph(g)) => match glyphs::glyph_index(g) {
            Some(i) => (IconMode::Glyph, i as i32, String::new()),
            None => (IconMode::Letter, -1, String::new()),
        },
        _ => (IconMode::Letter, -1, String::new()),
    }
}

/// What the form starts with besides the names.
struct Look<'a> {
    icon: &'a Icon,
    colour: usize,
    favourite: bool,
    groups: &'a [String],
}

fn fill(core: &Core, mode: EditMode, issuer: &str, name: &str, look: Look, details: &str) {
    let (icon_mode, glyph, brand) = icon_choice(look.icon, issuer, name);
    with_form(core, |a| {
        a.set_mode(mode);
        a.set_issuer(issuer.into());
        a.set_name(name.into());
        a.set_secret(SharedString::new());
        a.set_icon_mode(icon_mode);
        a.set_glyph(glyph);
        a.set_brand(brand.into());
        a.set_colour(look.colour as i32);
        a.set_favourite(look.favourite);
        let rgb = glyphs::COLOURS[look.colour.min(glyphs::COLOURS.len() - 1)];
        match look.icon {
            Icon::Custom(bytes) => {
                a.set_has_picture(true);
                a.set_picture_look(avatars::own_picture(bytes, issuer, rgb));
            }
            _ => {
                a.set_has_picture(false);
                a.set_picture_look(Default::default());
            }
        }
        a.set_groups(ModelRc::new(VecModel::from(
            look.groups
                .iter()
                .map(SharedString::from)
                .collect::<Vec<_>>(),
        )));
        a.set_group_draft(SharedString::new());
        a.set_group_error(Msg::None);
        a.set_brand_query(SharedString::new());
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
    show_brands(core, "");
    refresh_look(core);
}

/// Recomputes the preview and the "automatic" cell from the form.
fn refresh_look(core: &Core) {
    with_form(core, |a| {
        let (issuer, name) = (a.get_issuer().to_string(), a.get_name().to_string());
        let colour = (a.get_colour().max(0) as usize).min(glyphs::COLOURS.len() - 1);
        let rgb = glyphs::COLOURS[colour];
        let label = if issuer.trim().is_empty() {
            &name
        } else {
            &issuer
        };
        let auto = avatars::for_entry(&Icon::Letter, rgb, &issuer, &name);
        a.set_auto_title(
            brands::for_account(&issuer, &name)
                .map(|b| b.title.as_str())
                .unwrap_or_default()
                .into(),
        );
        let preview = match a.get_icon_mode() {
            IconMode::Automatic => auto.clone(),
            IconMode::Letter => avatars::letter(label, rgb),
            IconMode::Glyph => match usize::try_from(a.get_glyph()) {
                Ok(i) if i < glyphs::GLYPHS.len() => avatars::glyph(i, rgb),
                _ => avatars::letter(label, rgb),
            },
            IconMode::Brand => match brands::by_slug(&a.get_brand()) {
                Some(b) => avatars::brand(b),
                None => auto.clone(),
            },
            IconMode::Picture => a.get_picture_look(),
        };
        a.set_auto_look(auto);
        a.set_preview(preview);
    });
}

/// The brand icons offered for `query`: the search results, or before anything is typed the
/// brand the service matches and a few popular ones.
fn show_brands(core: &Core, query: &str) {
    with_form(core, |a| {
        let found: Vec<&'static brands::Brand> = if query.trim().is_empty() {
            let auto = brands::for_account(&a.get_issuer(), &a.get_name());
            let mut v: Vec<_> = auto.into_iter().collect();
            for b in POPULAR.iter().filter_map(|s| brands::by_slug(s)) {
                if !v.iter().any(|x| x.slug == b.slug) {
                    v.push(b);
                }
            }
            v
        } else {
            brands::search(query, MAX_BRANDS)
        };
        let choices: Vec<BrandChoice> = found
            .into_iter()
            .map(|b| BrandChoice {
                slug: b.slug.as_str().into(),
                title: b.title.as_str().into(),
                look: avatars::brand(b),
            })
            .collect();
        a.set_brands(ModelRc::new(VecModel::from(choices)));
    });
}

/// Adds the typed group to the form's groups (saved with the form).
fn add_group(core: &Rc<Core>, typed: &str) {
    let clean: String = typed.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    with_form(core, |a| {
        if clean.is_empty() {
            return;
        }
        let groups = a.get_groups();
        let Some(m) = groups.as_any().downcast_ref::<VecModel<SharedString>>() else {
            return;
        };
        let current: Vec<String> = m.iter().map(|g| g.to_string()).collect();
        if clean.len() > vault::MAX_GROUP_BYTES {
            a.set_group_error(Msg::GroupTooLong);
            a.set_group_error_arg(vault::MAX_GROUP_BYTES.to_string().into());
            return;
        }
        if !current
            .iter()
            .any(|g| vault::group_key(g) == vault::group_key(&clean))
        {
            if current.len() >= vault::MAX_GROUPS {
                a.set_group_error(Msg::TooManyGroups);
                a.set_group_error_arg(vault::MAX_GROUPS.to_string().into());
                return;
            }
            m.push(clean.as_str().into());
        }
        a.set_group_draft(SharedString::new());
        a.set_group_error(Msg::None);
    });
}

/// Shows the confirm form for a scanned account.
pub(crate) fn open_new(core: &Rc<Core>, account: Account) {
    // Automatic when the service has a brand icon; else a glyph that obviously fits, if any.
    let icon = match brands::for_account(&account.issuer, &account.name) {
        Some(_) => Icon::Letter,
        None => glyphs::suggest_glyph(&account.issuer)
            .map(|g| Icon::Builtin(glyphs::GLYPHS[g].to_owned()))
            .unwrap_or(Icon::Letter),
    };
    let key = if account.issuer.is_empty() {
        &account.name
    } else {
        &account.issuer
    };
    let look = Look {
        icon: &icon,
        colour: glyphs::default_colour(key),
        favourite: false,
        groups: &[],
    };
    fill(
        core,
        EditMode::Confirm,
        &account.issuer,
        &account.name,
        look,
        &kind_summary(&account),
    );
    *core.edit.borrow_mut() = EditTarget::New(account);
    open(core);
}

/// Shows the empty manual entry form.
pub(crate) fn open_manual(core: &Rc<Core>) {
    let look = Look {
        icon: &Icon::Letter,
        colour: 0,
        favourite: false,
        groups: &[],
    };
    fill(core, EditMode::Manual, "", "", look, "");
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
    let look = Look {
        icon: &meta.icon,
        colour: glyphs::colour_index(meta.colour),
        favourite: meta.favourite,
        groups: &meta.groups,
    };
    fill(
        core,
        EditMode::Edit,
        &account.issuer,
        &account.name,
        look,
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
    let Some((mode, glyph, brand, colour, favourite, groups)) = with_form(core, |a| {
        let groups: Vec<String> = a.get_groups().iter().map(|g| g.to_string()).collect();
        (
            a.get_icon_mode(),
            a.get_glyph(),
            a.get_brand().to_string(),
            a.get_colour(),
            a.get_favourite(),
            groups,
        )
    }) else {
        return base;
    };
    let mut meta = base;
    meta.icon = match mode {
        IconMode::Automatic => Icon::Letter,
        IconMode::Letter => Icon::Builtin(brands::LETTER.to_owned()),
        IconMode::Glyph => match glyphs::glyph_name(glyph) {
            Some(name) => Icon::Builtin(name.to_owned()),
            None => Icon::Letter,
        },
        IconMode::Brand => match brands::by_slug(&brand) {
            Some(b) => Icon::Builtin(b.icon_name()),
            None => Icon::Letter,
        },
        // The picture the account has stays (the form cannot make a new one).
        IconMode::Picture => match meta.icon {
            Icon::Custom(bytes) => Icon::Custom(bytes),
            _ => Icon::Letter,
        },
    };
    meta.colour = glyphs::COLOURS[(colour.max(0) as usize).min(glyphs::COLOURS.len() - 1)];
    meta.favourite = favourite;
    meta.groups = vault::normalise_groups(groups);
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
        a.set_groups(ModelRc::default());
        a.set_group_draft(SharedString::new());
        a.set_brand_query(SharedString::new());
        a.set_brands(ModelRc::default());
    });
}
