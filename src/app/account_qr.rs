//! One account's `otpauth://` QR code (the original app's per-service export, and the way to
//! put one account into any other authenticator), shown after the passcode is re-entered.
//! Only the QR pixels reach Slint; the URI is built, drawn and dropped (zeroized) here.

use std::rc::Rc;

use slint::{ComponentHandle, Image, ModelRc, SharedString, VecModel};

use super::core::Core;
use super::{AccountQrAdapter, AppWindow, QrChoice, Screen, nav, reauth};
use crate::vault::EntryId;

#[derive(Default)]
pub(crate) struct AccountQrState {
    /// Opened for one account from the list: back closes the page instead of the picker.
    direct: std::cell::Cell<bool>,
}

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let a = ui.global::<AccountQrAdapter>();
    a.on_show(core.act1(|core, id: SharedString| {
        if let Ok(id) = id.parse::<u64>() {
            ask_and_show(core, EntryId(id));
        }
    }));
    a.on_open_for(core.act1(|core, id: SharedString| {
        if let Ok(id) = id.parse::<u64>() {
            open(core, Some(EntryId(id)));
        }
    }));
    a.on_hide(core.act(back));
}

/// Opens the page: the account picker, or straight to one account's QR (after the passcode).
pub fn open(core: &Rc<Core>, id: Option<EntryId>) {
    let Some(ui) = core.ui() else { return };
    let choices: Vec<QrChoice> = core
        .with_vault(|v| {
            v.entries()
                .iter()
                .map(|e| QrChoice {
                    id: e.id.0.to_string().into(),
                    issuer: e.account.issuer.as_str().into(),
                    name: e.account.name.as_str().into(),
                    look: super::avatars::for_entry(
                        &e.meta.icon,
                        e.meta.colour,
                        &e.account.issuer,
                        &e.account.name,
                    ),
                })
                .collect()
        })
        .unwrap_or_default();
    let a = ui.global::<AccountQrAdapter>();
    a.set_accounts(ModelRc::new(VecModel::from(choices)));
    hide_qr(core);
    core.account_qr.direct.set(id.is_some());
    nav::go(core, Screen::AccountQr);
    if let Some(id) = id {
        ask_and_show(core, id);
    }
}

fn ask_and_show(core: &Rc<Core>, id: EntryId) {
    reauth::with_passcode(core, move |core| show(core, id));
}

fn show(core: &Rc<Core>, id: EntryId) {
    let Some(ui) = core.ui() else { return };
    let found = core
        .with_vault(|v| {
            v.entry(id).map(|e| {
                (
                    crate::uri::write(&e.account),
                    e.account.issuer.clone(),
                    e.account.name.clone(),
                    super::avatars::for_entry(
                        &e.meta.icon,
                        e.meta.colour,
                        &e.account.issuer,
                        &e.account.name,
                    ),
                )
            })
        })
        .flatten();
    let Some((uri, issuer, name, look)) = found else {
        return;
    };
    let a = ui.global::<AccountQrAdapter>();
    match super::export::qr_image(&uri, crate::qr::EC_LEVEL) {
        Ok(img) => {
            a.set_qr(img);
            a.set_issuer(issuer.into());
            a.set_name(name.into());
            a.set_look(look);
            a.set_shown_id(id.0.to_string().into());
        }
        Err(e) => core.toast(super::Msg::Detail, e.to_string()),
    }
    drop(uri);
}

fn hide_qr(core: &Core) {
    if let Some(ui) = core.ui() {
        let a = ui.global::<AccountQrAdapter>();
        a.set_qr(Image::default());
        a.set_shown_id(SharedString::new());
        a.set_issuer(SharedString::new());
        a.set_name(SharedString::new());
    }
}

/// Back: hides the QR (to the picker, or out of the page when opened for one account).
pub(crate) fn back(core: &Rc<Core>) {
    let showing = core
        .ui()
        .is_some_and(|ui| !ui.global::<AccountQrAdapter>().get_shown_id().is_empty());
    hide_qr(core);
    if !showing || core.account_qr.direct.get() {
        nav::pop(core);
    }
}

/// Leaving the screen (or locking): the QR pixels and the picker go.
pub(crate) fn clear(core: &Rc<Core>) {
    hide_qr(core);
    if let Some(ui) = core.ui() {
        ui.global::<AccountQrAdapter>()
            .set_accounts(ModelRc::default());
    }
}
