//! Change the passcode (パスコード): [`Vault::change_passcode`] checks the current one against
//! the open vault (not the file) through the attempt policy, then re-keys the vault.
//! Both steps run the KDF, so they run on a background thread: the open vault is handed to
//! that thread and back (the list's clock pauses meanwhile); if the app locks in between,
//! the vault is dropped when it comes back.

use std::rc::Rc;

use slint::{ComponentHandle, SharedString};
use zeroize::Zeroizing;

use super::core::Core;
use super::pages::{self, state};
use super::{AppWindow, Page, PrefsAdapter, TMsg};
use crate::vault::{self, Vault};

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let a = ui.global::<PrefsAdapter>();
    a.set_min_length(vault::MIN_PASSCODE_LEN as i32);
    let weak = Rc::downgrade(core);
    a.on_change_passcode(move |current, first, second| {
        if let Some(core) = weak.upgrade() {
            core.activity();
            change(
                &core,
                Zeroizing::new(current.to_string()),
                Zeroizing::new(first.to_string()),
                Zeroizing::new(second.to_string()),
            );
        }
    });
}

pub(crate) fn open(core: &Rc<Core>) {
    message(core, TMsg::None, "", false);
    pages::set_page(core, Page::Passcode);
}

fn message(core: &Core, msg: TMsg, arg: impl Into<SharedString>, error: bool) {
    if let Some(ui) = core.ui() {
        let a = ui.global::<PrefsAdapter>();
        a.set_message(msg);
        a.set_message_arg(arg.into());
        a.set_message_is_error(error);
    }
}

fn set_busy(core: &Core, busy: bool) {
    if let Some(ui) = core.ui() {
        ui.global::<PrefsAdapter>().set_busy(busy);
    }
}

enum Outcome {
    Changed,
    WrongCurrent,
    Failed(String),
}

fn change(
    core: &Rc<Core>,
    current: Zeroizing<String>,
    first: Zeroizing<String>,
    second: Zeroizing<String>,
) {
    if core
        .ui()
        .is_some_and(|ui| ui.global::<PrefsAdapter>().get_busy())
        || current.is_empty()
    {
        return;
    }
    if first.as_str() != second.as_str() {
        message(core, TMsg::PasscodesDiffer, "", true);
        return;
    }
    if first.chars().count() < vault::MIN_PASSCODE_LEN {
        message(
            core,
            TMsg::PasscodeShort,
            vault::MIN_PASSCODE_LEN.to_string(),
            true,
        );
        return;
    }
    let Some(mut v) = core.vault.borrow_mut().take() else {
        return;
    };
    set_busy(core, true);
    message(core, TMsg::None, "", false);
    let (now, poster, epoch) = (core.now(), core.poster(), state(core).epoch.get());
    std::thread::Builder::new()
        .name("monban-passcode".into())
        .spawn(move || {
            let params = v.kdf_params();
            let outcome = match v.change_passcode(&current, &first, params, now) {
                Ok(()) => Outcome::Changed,
                Err(vault::Error::WrongPasscode) => Outcome::WrongCurrent,
                Err(e) => Outcome::Failed(e.to_string()),
            };
            drop((current, first, second));
            poster.post(move |core| finished(core, epoch, v, outcome));
        })
        .expect("spawn the passcode thread");
}

fn finished(core: &Rc<Core>, epoch: u64, v: Vault, outcome: Outcome) {
    set_busy(core, false);
    if state(core).epoch.get() != epoch || core.is_unlocked() {
        // Locked meanwhile: the vault is not handed back.
        v.lock();
        return;
    }
    *core.vault.borrow_mut() = Some(v);
    core.schedule_tick();
    core.activity();
    match outcome {
        Outcome::Changed => message(core, TMsg::PasscodeChanged, "", false),
        Outcome::WrongCurrent => message(core, TMsg::PasscodeWrong, "", true),
        Outcome::Failed(e) => message(core, TMsg::Detail, e, true),
    }
}

pub(crate) fn clear(core: &Rc<Core>) {
    message(core, TMsg::None, "", false);
}
