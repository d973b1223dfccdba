//! Navigation: the one model of where the user is. A stack of [`Screen`]s whose top is
//! `Navigation.screen` in `ui/globals/navigation.slint`; views ask with `open(screen)` and
//! `back()`, controllers move with [`go`].
//!
//! [`go`] is the only way to change screens: to a screen already on the stack it pops back to
//! it, else it pushes; `setup`, `unlock` (and `list` after unlocking, through [`reset`]) start
//! a new stack. Every screen taken off the stack passes through [`left`], which clears what it
//! showed (the typed secret of the manual form, the QR pixels of an export or an account QR)
//! and stops what it ran (camera, decoder, timers): a screen's secrets never outlive it.

use std::cell::RefCell;
use std::rc::Rc;

use slint::ComponentHandle;

use super::core::Core;
use super::{AppWindow, Navigation, Screen};

/// The screen stack (bottom first). Never empty once the app has started.
#[derive(Default)]
pub(crate) struct NavState {
    stack: RefCell<Vec<Screen>>,
}

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    let n = ui.global::<Navigation>();
    n.on_open(core.act1(open));
    n.on_back(core.act(back));
    n.on_lock(core.act(|core| core.lock()));
    // The activity itself is what the helper records.
    n.on_activity(core.act(|_| {}));
}

/// The screen shown now.
pub fn current(core: &Core) -> Screen {
    core.nav
        .stack
        .borrow()
        .last()
        .copied()
        .unwrap_or(Screen::Unlock)
}

/// Whether `screen` is on the stack (shown, or below the one shown).
pub(crate) fn on_stack(core: &Core, screen: Screen) -> bool {
    core.nav.stack.borrow().contains(&screen)
}

/// Starts a new stack with `root` (setup, unlock, or the list after unlocking).
pub(crate) fn reset(core: &Rc<Core>, root: Screen) {
    let gone: Vec<Screen> = std::mem::replace(&mut *core.nav.stack.borrow_mut(), vec![root]);
    for screen in gone.into_iter().rev().filter(|s| *s != root) {
        left(core, screen);
    }
    sync(core);
}

/// Shows `screen`: back to it when it is on the stack already, else on top.
pub(crate) fn go(core: &Rc<Core>, screen: Screen) {
    if matches!(screen, Screen::Setup | Screen::Unlock) {
        reset(core, screen);
        return;
    }
    let gone: Vec<Screen> = {
        let mut stack = core.nav.stack.borrow_mut();
        match stack.iter().position(|s| *s == screen) {
            Some(i) => stack.split_off(i + 1),
            None => {
                stack.push(screen);
                Vec::new()
            }
        }
    };
    for s in gone.into_iter().rev() {
        left(core, s);
    }
    sync(core);
}

/// One step down the stack (the default of [`back`]).
pub(crate) fn pop(core: &Rc<Core>) {
    let below = {
        let stack = core.nav.stack.borrow();
        (stack.len() >= 2).then(|| stack[stack.len() - 2])
    };
    if let Some(below) = below {
        go(core, below);
    }
}

/// Tells Slint the top of the stack and what stays alive below it; moves keyboard focus.
fn sync(core: &Core) {
    let Some(ui) = core.ui() else { return };
    let n = ui.global::<Navigation>();
    n.set_screen(current(core));
    n.set_list_below(on_stack(core, Screen::List));
    n.set_settings_below(on_stack(core, Screen::Settings));
    ui.invoke_focus_screen();
}

/// A screen was taken off the stack: clear what it showed, stop what it ran.
fn left(core: &Rc<Core>, screen: Screen) {
    match screen {
        Screen::Scan => {
            if !on_stack(core, Screen::Import) {
                super::scan::stop(core);
            }
        }
        Screen::Import => {
            super::import::clear(core);
            if !on_stack(core, Screen::Scan) {
                super::scan::stop(core);
            }
        }
        Screen::Edit => super::edit::clear(core),
        Screen::ExportShow => super::export::stop_showing(core),
        Screen::Export => super::export::clear(core),
        Screen::AccountQr => super::account_qr::clear(core),
        Screen::Backup => super::backup::clear(core),
        Screen::Passcode => super::passcode::clear(core),
        Screen::AutoBackup => super::auto_backup::clear(core),
        Screen::Setup | Screen::Unlock | Screen::List | Screen::Settings | Screen::About => {}
    }
}

/// The user asks for a screen (a button, a row's menu, a test).
pub fn open(core: &Rc<Core>, screen: Screen) {
    if !core.is_unlocked() {
        return;
    }
    match screen {
        Screen::Scan => super::scan::open(core),
        Screen::Export | Screen::ExportShow => super::export::open(core),
        Screen::Import => super::import::open(core),
        Screen::AccountQr => super::account_qr::open(core, None),
        Screen::Backup => super::backup::open(core),
        Screen::Passcode => super::passcode::open(core),
        Screen::AutoBackup => super::auto_backup::open(core),
        Screen::About => super::about::open(core),
        Screen::Settings | Screen::List => go(core, screen),
        // Reached through their controllers only (a scanned account, a row).
        Screen::Edit | Screen::Setup | Screen::Unlock => {}
    }
}

/// Back (the arrow, Escape): the passcode prompt first, then the screen's own step back.
pub fn back(core: &Rc<Core>) {
    if super::reauth::shown(core) {
        super::reauth::cancel(core);
        return;
    }
    match current(core) {
        Screen::Edit => super::edit::cancel(core),
        Screen::AccountQr => super::account_qr::back(core),
        Screen::List | Screen::Setup | Screen::Unlock => {}
        _ => pop(core),
    }
}
