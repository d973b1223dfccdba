//! Export / move to a new device (設定エクスポート): choose accounts and a format, re-enter
//! the passcode, then the QR parts one after another (advancing by themselves every
//! [`SECONDS_PER_PART`] s, or by hand), "part 2 of 4", and for a sealed transfer the one-time
//! transfer code beside them.
//!
//! Sealed Monban transfer is the default ([`crate::transfer::sealed`]); Google
//! Authenticator's format ([`crate::transfer::google`]) is offered with a plain warning and
//! names the accounts it cannot carry. Building the parts (the sealed format's Argon2id) runs
//! on a background thread.
//!
//! Only the current part's QR pixels and the transfer code reach Slint (see
//! [`super::pages`]); the QR texts stay here, zeroized when the page closes or the app locks.
//!
//! The screen should stay on while parts are shown: Slint has no API for that; every part
//! shown counts as activity, so the app's own auto-lock does not interrupt the transfer.

use std::rc::Rc;
use std::time::Duration;

use slint::{
    ComponentHandle, Image, Model, ModelRc, Rgb8Pixel, SharedPixelBuffer, SharedString, Timer,
    TimerMode, VecModel,
};
use zeroize::Zeroizing;

use super::core::Core;
use super::pages::{self, state};
use super::{AppWindow, ExportAdapter, ExportItem, Page, TMsg};
use crate::account::Account;
use crate::transfer::{google, sealed};
use crate::vault::EntryId;

/// Seconds each part stays on screen when advancing by itself.
pub const SECONDS_PER_PART: u64 = 3;
/// Pixels per QR module in the image handed to Slint (it scales it up, pixelated).
pub const QR_SCALE: usize = 4;

#[derive(Default)]
pub(crate) struct ExportState {
    ids: std::cell::RefCell<Vec<EntryId>>,
    texts: std::cell::RefCell<Vec<Zeroizing<String>>>,
    part: std::cell::Cell<usize>,
    busy: std::cell::Cell<bool>,
    timer: Timer,
}

/// What a finished build hands back to the UI thread.
struct Built {
    texts: Vec<Zeroizing<String>>,
    code: Option<Zeroizing<String>>,
    left_out: usize,
}

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let a = ui.global::<ExportAdapter>();
    a.set_seconds_per_part(SECONDS_PER_PART as i32);
    let weak = Rc::downgrade(core);
    a.on_toggle(move |i| {
        if let Some(core) = weak.upgrade() {
            core.activity();
            toggle(&core, i);
        }
    });
    let weak = Rc::downgrade(core);
    a.on_select_all(move |on| {
        if let Some(core) = weak.upgrade() {
            core.activity();
            select_all(&core, on);
        }
    });
    let on = |f: fn(&Rc<Core>)| {
        let weak = Rc::downgrade(core);
        move || {
            if let Some(core) = weak.upgrade() {
                core.activity();
                f(&core);
            }
        }
    };
    a.on_start(on(start));
    a.on_next(on(|core| step(core, 1)));
    a.on_previous(on(|core| step(core, -1)));
    a.on_done(on(done));
    let weak = Rc::downgrade(core);
    a.on_auto_changed(move |auto| {
        if let Some(core) = weak.upgrade() {
            core.activity();
            set_auto(&core, auto);
        }
    });
}

/// Opens the choice page with every account selected.
pub(crate) fn open(core: &Rc<Core>) {
    let Some(ui) = core.ui() else { return };
    let st = state(core);
    let (ids, items): (Vec<EntryId>, Vec<ExportItem>) = core
        .with_vault(|v| {
            v.entries()
                .iter()
                .map(|e| {
                    (
                        e.id,
                        ExportItem {
                            issuer: e.account.issuer.as_str().into(),
                            name: e.account.name.as_str().into(),
                            selected: true,
                            google_ok: google::cannot_carry(&e.account).is_none(),
                        },
                    )
                })
                .unzip()
        })
        .unwrap_or_default();
    *st.export.ids.borrow_mut() = ids;
    let a = ui.global::<ExportAdapter>();
    a.set_selected_count(items.len() as i32);
    a.set_items(ModelRc::new(VecModel::from(items)));
    a.set_google(false);
    a.set_message(TMsg::None);
    a.set_busy(false);
    pages::set_page(core, Page::Export);
}

fn toggle(core: &Rc<Core>, i: i32) {
    let Some(ui) = core.ui() else { return };
    let a = ui.global::<ExportAdapter>();
    let items = a.get_items();
    let Ok(i) = usize::try_from(i) else { return };
    if let Some(mut item) = items.row_data(i) {
        item.selected = !item.selected;
        items.set_row_data(i, item);
    }
    count_selected(&a);
}

fn select_all(core: &Rc<Core>, on: bool) {
    let Some(ui) = core.ui() else { return };
    let a = ui.global::<ExportAdapter>();
    let items = a.get_items();
    for i in 0..items.row_count() {
        if let Some(mut item) = items.row_data(i).filter(|it| it.selected != on) {
            item.selected = on;
            items.set_row_data(i, item);
        }
    }
    count_selected(&a);
}

fn count_selected(a: &ExportAdapter) {
    let n = a.get_items().iter().filter(|it| it.selected).count();
    a.set_selected_count(n as i32);
    a.set_message(TMsg::None);
}

/// "Show QR codes": the passcode first, then the parts are built.
fn start(core: &Rc<Core>) {
    let Some(ui) = core.ui() else { return };
    let a = ui.global::<ExportAdapter>();
    if state(core).export.busy.get() {
        return;
    }
    if a.get_selected_count() == 0 {
        a.set_message(TMsg::ChooseAccounts);
        return;
    }
    pages::with_passcode(core, build);
}

fn selected_accounts(core: &Rc<Core>) -> Vec<Account> {
    let Some(ui) = core.ui() else {
        return Vec::new();
    };
    let items = ui.global::<ExportAdapter>().get_items();
    let st = state(core);
    let ids = st.export.ids.borrow();
    core.with_vault(|v| {
        ids.iter()
            .enumerate()
            .filter(|(i, _)| items.row_data(*i).is_some_and(|it| it.selected))
            .filter_map(|(_, id)| v.entry(*id).map(|e| e.account.clone()))
            .collect()
    })
    .unwrap_or_default()
}

fn build(core: &Rc<Core>) {
    let Some(ui) = core.ui() else { return };
    let a = ui.global::<ExportAdapter>();
    let accounts = selected_accounts(core);
    if accounts.is_empty() {
        a.set_message(TMsg::ChooseAccounts);
        return;
    }
    let st = state(core);
    st.export.busy.set(true);
    a.set_busy(true);
    a.set_message(TMsg::None);
    let google_format = a.get_google();
    let kdf = if pages::light_kdf(core) {
        sealed::KdfParams {
            m_kib: 64,
            t: 1,
            p: 1,
        }
    } else {
        sealed::KdfParams::DEFAULT
    };
    let (poster, epoch) = (core.poster(), st.epoch.get());
    std::thread::Builder::new()
        .name("monban-export".into())
        .spawn(move || {
            let result = make_parts(&accounts, google_format, kdf);
            drop(accounts);
            poster.post(move |core| built(core, epoch, result));
        })
        .expect("spawn the export thread");
}

/// Builds the QR texts of an export (runs off the UI thread).
fn make_parts(
    accounts: &[Account],
    google_format: bool,
    kdf: sealed::KdfParams,
) -> Result<Built, String> {
    if google_format {
        let mut id = [0u8; 4];
        getrandom::fill(&mut id).map_err(|e| e.to_string())?;
        let export = google::export(accounts, i32::from_le_bytes(id) & i32::MAX);
        Ok(Built {
            texts: export.uris,
            code: None,
            left_out: export.refused.len(),
        })
    } else {
        let code = sealed::TransferCode::generate().map_err(|e| e.to_string())?;
        let out = sealed::seal(accounts, &code, kdf, crate::qr::PHONE_READABLE_MAX_VERSION)
            .map_err(|e| e.to_string())?;
        Ok(Built {
            texts: out.texts.into_iter().map(Zeroizing::new).collect(),
            code: Some(code.display()),
            left_out: 0,
        })
    }
}

fn built(core: &Rc<Core>, epoch: u64, result: Result<Built, String>) {
    let st = state(core);
    if st.epoch.get() != epoch {
        return;
    }
    st.export.busy.set(false);
    let Some(ui) = core.ui() else { return };
    let a = ui.global::<ExportAdapter>();
    a.set_busy(false);
    let built = match result {
        Ok(b) if !b.texts.is_empty() => b,
        Ok(b) => {
            a.set_message(TMsg::LeftOut);
            a.set_message_arg(b.left_out.to_string().into());
            return;
        }
        Err(e) => {
            a.set_message(TMsg::Detail);
            a.set_message_arg(e.into());
            return;
        }
    };
    let parts = built.texts.len();
    *st.export.texts.borrow_mut() = built.texts;
    let code = built.code.as_ref().map(|c| c.as_str()).unwrap_or("");
    a.set_code(code.into());
    a.set_code_spoken(pages::spoken(code).into());
    a.set_left_out(built.left_out as i32);
    a.set_parts(parts as i32);
    show_part(core, 0);
    pages::set_page(core, Page::ExportShow);
    set_auto(core, a.get_auto_advance());
}

/// Renders part `i` (0-based) into the QR image.
fn show_part(core: &Rc<Core>, i: usize) {
    let Some(ui) = core.ui() else { return };
    let st = state(core);
    let texts = st.export.texts.borrow();
    if texts.is_empty() {
        return;
    }
    let i = i % texts.len();
    st.export.part.set(i);
    let a = ui.global::<ExportAdapter>();
    a.set_part(i as i32 + 1);
    match qr_image(&texts[i]) {
        Ok(img) => a.set_qr(img),
        Err(e) => {
            a.set_message(TMsg::Detail);
            a.set_message_arg(e.into());
        }
    }
}

/// A QR code as a Slint image (grey levels as RGB).
pub(crate) fn qr_image(text: &str) -> Result<Image, String> {
    let qr = crate::qr::encode_scaled(text, QR_SCALE).map_err(|e| e.to_string())?;
    let mut buf = SharedPixelBuffer::<Rgb8Pixel>::new(qr.width as u32, qr.height as u32);
    for (px, &l) in buf.make_mut_slice().iter_mut().zip(qr.luma.iter()) {
        *px = Rgb8Pixel { r: l, g: l, b: l };
    }
    Ok(Image::from_rgb8(buf))
}

/// Next (+1) or previous (−1) part, wrapping around.
fn step(core: &Rc<Core>, delta: i32) {
    let st = state(core);
    let n = st.export.texts.borrow().len();
    if n == 0 {
        return;
    }
    let i = (st.export.part.get() as i64 + i64::from(delta)).rem_euclid(n as i64) as usize;
    show_part(core, i);
    // A manual step restarts the automatic interval.
    if let Some(ui) = core.ui() {
        set_auto(core, ui.global::<ExportAdapter>().get_auto_advance());
    }
}

fn set_auto(core: &Rc<Core>, auto: bool) {
    let st = state(core);
    let n = st.export.texts.borrow().len();
    if !auto || n < 2 {
        st.export.timer.stop();
        return;
    }
    let weak = Rc::downgrade(core);
    st.export.timer.start(
        TimerMode::Repeated,
        Duration::from_secs(SECONDS_PER_PART),
        move || {
            if let Some(core) = weak.upgrade() {
                let st = state(&core);
                let n = st.export.texts.borrow().len();
                if n == 0 || pages::page(&core) != Page::ExportShow {
                    st.export.timer.stop();
                    return;
                }
                // The user is watching another device scan: keep the app from locking.
                core.activity();
                show_part(&core, (st.export.part.get() + 1) % n);
            }
        },
    );
}

/// Back from the parts: forgets the texts and the code, back to the choice page.
pub(crate) fn back(core: &Rc<Core>) {
    drop_parts(core);
    pages::set_page(core, Page::Export);
}

/// "Done": forgets the texts and the code and closes the export.
pub(crate) fn done(core: &Rc<Core>) {
    drop_parts(core);
    pages::set_page(core, Page::None);
}

fn drop_parts(core: &Rc<Core>) {
    let st = state(core);
    st.export.timer.stop();
    st.export.texts.borrow_mut().clear();
    st.export.part.set(0);
    if let Some(ui) = core.ui() {
        let a = ui.global::<ExportAdapter>();
        a.set_qr(Image::default());
        a.set_code(SharedString::new());
        a.set_code_spoken(SharedString::new());
        a.set_parts(0);
        a.set_part(0);
    }
}

/// Lock: drops everything, including the list of names.
pub(crate) fn clear(core: &Rc<Core>) {
    drop_parts(core);
    let st = state(core);
    st.export.ids.borrow_mut().clear();
    st.export.busy.set(false);
    if let Some(ui) = core.ui() {
        let a = ui.global::<ExportAdapter>();
        a.set_items(ModelRc::default());
        a.set_selected_count(0);
        a.set_busy(false);
    }
}

/// The QR texts of the export shown now (tests: compare with what the screen shows).
pub fn current_part(core: &Rc<Core>) -> Option<(usize, usize)> {
    let st = state(core);
    let n = st.export.texts.borrow().len();
    (n > 0).then(|| (st.export.part.get() + 1, n))
}
