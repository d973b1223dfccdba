//! Export / move to a new device: choose accounts and a format, re-enter
//! the passcode, then the QR parts one after another (advancing by themselves every
//! [`SECONDS_PER_PART`] s, or by hand), "part 2 of 4"; for a sealed transfer the one-time
//! transfer code follows on **its own step** ("Show the transfer code"), never in the same
//! frame as a QR part, so that one photo of the screen never holds both.
//!
//! Sealed Monban transfer is the default ([`crate::transfer::sealed`]); Google
//! Authenticator's format ([`crate::transfer::google`]) is offered with a plain warning and
//! names the accounts it cannot carry. Building the parts (the sealed format's Argon2id) runs
//! on a background thread.
//!
//! Only the current part's QR pixels and the transfer code reach Slint (listed in
//! ARCHITECTURE.md); the QR texts stay here, zeroized when the screen closes (`nav::left`) or
//! the app locks.
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
use super::{AppWindow, ExportAdapter, ExportItem, Msg, Screen, nav, reauth};
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
    /// The sealed transfer's code; handed to Slint only on its own step.
    code: std::cell::RefCell<Option<Zeroizing<String>>>,
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
    a.on_toggle(core.act1(toggle));
    a.on_select_all(core.act1(select_all));
    a.on_start(core.act(start));
    a.on_next(core.act(|core| step(core, 1)));
    a.on_previous(core.act(|core| step(core, -1)));
    a.on_show_code(core.act(show_code));
    a.on_hide_code(core.act(hide_code));
    a.on_done(core.act(done));
    a.on_auto_changed(core.act1(set_auto));
}

/// Why the parts of an export could not be built.
#[derive(Debug, thiserror::Error)]
enum BuildError {
    #[error("no randomness from the system: {0}")]
    Random(#[from] getrandom::Error),
    #[error(transparent)]
    Sealed(#[from] sealed::Error),
}

/// Opens the choice page with every account selected.
pub(crate) fn open(core: &Rc<Core>) {
    let Some(ui) = core.ui() else { return };
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
    *core.export.ids.borrow_mut() = ids;
    let a = ui.global::<ExportAdapter>();
    a.set_selected_count(items.len() as i32);
    a.set_items(ModelRc::new(VecModel::from(items)));
    a.set_google(false);
    a.set_message(Msg::None);
    a.set_busy(false);
    nav::go(core, Screen::Export);
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
    a.set_message(Msg::None);
}

/// "Show QR codes": the passcode first, then the parts are built.
fn start(core: &Rc<Core>) {
    let Some(ui) = core.ui() else { return };
    let a = ui.global::<ExportAdapter>();
    if core.export.busy.get() {
        return;
    }
    if a.get_selected_count() == 0 {
        a.set_message(Msg::ChooseAccounts);
        return;
    }
    reauth::with_passcode(core, build);
}

fn selected_accounts(core: &Rc<Core>) -> Vec<Account> {
    let Some(ui) = core.ui() else {
        return Vec::new();
    };
    let items = ui.global::<ExportAdapter>().get_items();
    let ids = core.export.ids.borrow();
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
        a.set_message(Msg::ChooseAccounts);
        return;
    }
    core.export.busy.set(true);
    a.set_busy(true);
    a.set_message(Msg::None);
    let google_format = a.get_google();
    let kdf = if core.light_kdf() {
        sealed::KdfParams {
            m_kib: 64,
            t: 1,
            p: 1,
        }
    } else {
        sealed::KdfParams::DEFAULT
    };
    let epoch = core.epoch.get();
    let started = core.spawn("monban-export", move |poster| {
        let result = make_parts(&accounts, google_format, kdf);
        drop(accounts);
        poster.post(move |core| built(core, epoch, result));
    });
    if !started {
        core.export.busy.set(false);
        a.set_busy(false);
    }
}

/// Builds the QR texts of an export (runs off the UI thread).
fn make_parts(
    accounts: &[Account],
    google_format: bool,
    kdf: sealed::KdfParams,
) -> Result<Built, BuildError> {
    if google_format {
        let mut id = [0u8; 4];
        getrandom::fill(&mut id)?;
        let export = google::export(accounts, i32::from_le_bytes(id) & i32::MAX);
        Ok(Built {
            texts: export.uris,
            code: None,
            left_out: export.refused.len(),
        })
    } else {
        let code = sealed::TransferCode::generate()?;
        let out = sealed::seal(accounts, &code, kdf, sealed::MAX_VERSION)?;
        Ok(Built {
            texts: out.texts.into_iter().map(Zeroizing::new).collect(),
            code: Some(code.display()),
            left_out: 0,
        })
    }
}

fn built(core: &Rc<Core>, epoch: u64, result: Result<Built, BuildError>) {
    if core.epoch.get() != epoch {
        return;
    }
    core.export.busy.set(false);
    let Some(ui) = core.ui() else { return };
    let a = ui.global::<ExportAdapter>();
    a.set_busy(false);
    let built = match result {
        Ok(b) if !b.texts.is_empty() => b,
        Ok(b) => {
            a.set_message(Msg::LeftOut);
            a.set_message_arg(b.left_out.to_string().into());
            return;
        }
        Err(e) => {
            a.set_message(Msg::Detail);
            a.set_message_arg(e.to_string().into());
            return;
        }
    };
    let parts = built.texts.len();
    *core.export.texts.borrow_mut() = built.texts;
    *core.export.code.borrow_mut() = built.code;
    a.set_showing_code(false);
    a.set_left_out(built.left_out as i32);
    a.set_parts(parts as i32);
    show_part(core, 0);
    nav::go(core, Screen::ExportShow);
    set_auto(core, a.get_auto_advance());
}

/// Renders part `i` (0-based) into the QR image.
fn show_part(core: &Rc<Core>, i: usize) {
    let Some(ui) = core.ui() else { return };
    let texts = core.export.texts.borrow();
    if texts.is_empty() {
        return;
    }
    let a = ui.global::<ExportAdapter>();
    if a.get_showing_code() {
        // Never a part in the same frame as the code.
        return;
    }
    let i = i % texts.len();
    core.export.part.set(i);
    a.set_part(i as i32 + 1);
    // Sealed parts at the level their size was measured for, Google's at the usual one.
    let ec = if sealed::is_sealed(&texts[i]) {
        sealed::EC_LEVEL
    } else {
        crate::qr::EC_LEVEL
    };
    match qr_image(&texts[i], ec) {
        Ok(img) => a.set_qr(img),
        Err(e) => {
            a.set_message(Msg::Detail);
            a.set_message_arg(e.to_string().into());
        }
    }
}

/// A QR code at error-correction level `ec` as a Slint image (grey levels as RGB).
pub(crate) fn qr_image(text: &str, ec: crate::qr::EcLevel) -> Result<Image, crate::qr::Error> {
    let qr = crate::qr::encode_with(text, QR_SCALE, ec)?;
    let mut buf = SharedPixelBuffer::<Rgb8Pixel>::new(qr.width as u32, qr.height as u32);
    for (px, &l) in buf.make_mut_slice().iter_mut().zip(qr.luma.iter()) {
        *px = Rgb8Pixel { r: l, g: l, b: l };
    }
    Ok(Image::from_rgb8(buf))
}

/// Next (+1) or previous (−1) part, wrapping around.
fn step(core: &Rc<Core>, delta: i32) {
    let n = core.export.texts.borrow().len();
    if n == 0 {
        return;
    }
    let i = (core.export.part.get() as i64 + i64::from(delta)).rem_euclid(n as i64) as usize;
    show_part(core, i);
    // A manual step restarts the automatic interval.
    if let Some(ui) = core.ui() {
        set_auto(core, ui.global::<ExportAdapter>().get_auto_advance());
    }
}

fn set_auto(core: &Rc<Core>, auto: bool) {
    let n = core.export.texts.borrow().len();
    if !auto || n < 2 {
        core.export.timer.stop();
        return;
    }
    let weak = Rc::downgrade(core);
    core.export.timer.start(
        TimerMode::Repeated,
        Duration::from_secs(SECONDS_PER_PART),
        move || {
            if let Some(core) = weak.upgrade() {
                let n = core.export.texts.borrow().len();
                if n == 0 || nav::current(&core) != Screen::ExportShow {
                    core.export.timer.stop();
                    return;
                }
                // The user is watching another device scan: keep the app from locking.
                core.activity();
                show_part(&core, (core.export.part.get() + 1) % n);
            }
        },
    );
}

/// "Show the transfer code": the parts leave the screen, the code comes alone.
fn show_code(core: &Rc<Core>) {
    let Some(ui) = core.ui() else { return };
    let code = core.export.code.borrow();
    let Some(code) = code.as_ref() else { return };
    core.export.timer.stop();
    let a = ui.global::<ExportAdapter>();
    a.set_qr(Image::default());
    a.set_code(code.as_str().into());
    a.set_code_spoken(super::rows::spoken(code).into());
    a.set_showing_code(true);
}

/// "Back to the QR codes": the code leaves the screen before any part comes back.
fn hide_code(core: &Rc<Core>) {
    let Some(ui) = core.ui() else { return };
    let a = ui.global::<ExportAdapter>();
    a.set_code(SharedString::new());
    a.set_code_spoken(SharedString::new());
    a.set_showing_code(false);
    show_part(core, core.export.part.get());
    set_auto(core, a.get_auto_advance());
}

/// "Done": closes the export (leaving its screens forgets the texts and the code).
fn done(core: &Rc<Core>) {
    nav::go(core, Screen::Export);
    nav::pop(core);
}

/// Leaving the parts: the texts, the code and the QR pixels go.
pub(crate) fn stop_showing(core: &Rc<Core>) {
    core.export.timer.stop();
    core.export.texts.borrow_mut().clear();
    core.export.code.borrow_mut().take();
    core.export.part.set(0);
    if let Some(ui) = core.ui() {
        let a = ui.global::<ExportAdapter>();
        a.set_qr(Image::default());
        a.set_code(SharedString::new());
        a.set_code_spoken(SharedString::new());
        a.set_showing_code(false);
        a.set_parts(0);
        a.set_part(0);
    }
}

/// Leaving the export (or locking): everything goes, the list of names included.
pub(crate) fn clear(core: &Rc<Core>) {
    stop_showing(core);
    core.export.ids.borrow_mut().clear();
    core.export.busy.set(false);
    if let Some(ui) = core.ui() {
        let a = ui.global::<ExportAdapter>();
        a.set_items(ModelRc::default());
        a.set_selected_count(0);
        a.set_busy(false);
    }
}

/// The QR texts of the export shown now (tests: compare with what the screen shows).
pub fn current_part(core: &Rc<Core>) -> Option<(usize, usize)> {
    let n = core.export.texts.borrow().len();
    (n > 0).then(|| (core.export.part.get() + 1, n))
}
