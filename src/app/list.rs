//! The account list: rows built from the vault (favourites first, then the chosen sort order
//! of [`crate::arrange`], filtered by the group chip and the search), the once-a-second tick
//! that moves the countdowns and swaps codes at period boundaries, tap to copy (which also
//! reveals a hidden code for a few seconds with reveal on tap), HOTP next code, favourites,
//! reorder and delete. Look-alike accounts (same issuer and name) get a line that tells them
//! apart.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use slint::{ComponentHandle, Model, ModelNotify, ModelRc, ModelTracker, SharedString, VecModel};

use super::avatars;
use super::core::Core;
use super::rows::{self, CodeView};
use super::{AccountRow, AppWindow, ListAdapter, Msg, Screen, nav};
use crate::account::Kind;
use crate::arrange::{self, Distinction, REVEAL_SECS, SortOrder};
use crate::vault::{Entry, EntryId};

/// Deadline of rows that never expire (HOTP).
const NEVER: i32 = i32::MAX;

/// The list's rows as Slint reads them. A row's brand logo is made the first time the row is
/// read (the `ListView` reads only the rows it shows), so a list of 200 accounts makes the
/// images of the few rows on screen, not of all 200 ([`avatars::deferred`]).
#[derive(Default)]
pub(crate) struct Rows {
    rows: RefCell<Vec<AccountRow>>,
    /// Per row: the brand whose logo it still needs.
    logos: RefCell<Vec<Option<&'static crate::brands::Brand>>>,
    notify: ModelNotify,
}

impl Rows {
    fn set(&self, rows: Vec<(AccountRow, Option<&'static crate::brands::Brand>)>) {
        let (rows, logos) = rows.into_iter().unzip();
        *self.rows.borrow_mut() = rows;
        *self.logos.borrow_mut() = logos;
        self.notify.reset();
    }

    /// Changes the rows `f` returns true for (without making their images).
    fn update(&self, mut f: impl FnMut(usize, &mut AccountRow) -> bool) {
        let mut changed = Vec::new();
        for (i, row) in self.rows.borrow_mut().iter_mut().enumerate() {
            if f(i, row) {
                changed.push(i);
            }
        }
        for i in changed {
            self.notify.row_changed(i);
        }
    }
}

impl Model for Rows {
    type Data = AccountRow;

    fn row_count(&self) -> usize {
        self.rows.borrow().len()
    }

    fn row_data(&self, row: usize) -> Option<AccountRow> {
        let brand = self.logos.borrow_mut().get_mut(row).and_then(Option::take);
        let mut rows = self.rows.borrow_mut();
        let data = rows.get_mut(row)?;
        if let Some(b) = brand {
            data.look = avatars::brand(b);
        }
        Some(data.clone())
    }

    fn model_tracker(&self) -> &dyn ModelTracker {
        &self.notify
    }
}

pub(crate) struct ListState {
    model: Rc<Rows>,
    /// Entry id of each displayed row.
    shown: RefCell<Vec<EntryId>>,
    /// HOTP codes generated this session (shown until locked).
    hotp: RefCell<HashMap<EntryId, String>>,
    search: RefCell<String>,
    /// The group chip chosen ("": all).
    group: RefCell<String>,
    /// Reveal on tap: codes tapped, shown until this Unix second.
    revealed: RefCell<HashMap<EntryId, u64>>,
}

impl Default for ListState {
    fn default() -> Self {
        ListState {
            model: Rc::new(Rows::default()),
            shown: RefCell::default(),
            hotp: RefCell::default(),
            search: RefCell::default(),
            group: RefCell::default(),
            revealed: RefCell::default(),
        }
    }
}

pub(super) fn connect(ui: &AppWindow, core: &Rc<Core>) {
    // The brand set is read on a thread of its own while the user types the passcode, so the
    // first list does not wait for it (if the thread cannot start, the list reads it itself).
    let _ = std::thread::Builder::new()
        .name("monban-brands".into())
        .spawn(|| {
            crate::brands::all();
        });
    let a = ui.global::<ListAdapter>();
    a.set_accounts(ModelRc::from(core.list.model.clone()));
    a.set_vault_empty(true);
    a.on_search_changed(core.act1(|core, text: SharedString| {
        *core.list.search.borrow_mut() = text.to_string();
        refresh(core);
    }));
    a.on_copy(core.act1(copy));
    a.on_next_hotp(core.act1(next_hotp));
    a.on_toggle_favourite(core.act1(toggle_favourite));
    a.on_edit(core.act1(|core, id: SharedString| {
        if let Some(id) = parse_id(&id) {
            super::edit::open_existing(core, id);
        }
    }));
    a.on_show_qr(core.act1(|core, id: SharedString| {
        if let Some(id) = parse_id(&id) {
            super::account_qr::open(core, Some(id));
        }
    }));
    a.on_delete(core.act1(|core, id: SharedString| {
        if let Some(id) = parse_id(&id) {
            delete(core, id);
        }
    }));
    a.on_move(core.act2(|core, id: SharedString, delta| {
        if let Some(id) = parse_id(&id) {
            move_entry(core, id, delta);
        }
    }));
    a.on_choose_group(core.act1(|core, group: SharedString| {
        *core.list.group.borrow_mut() = group.to_string();
        refresh(core);
    }));
    a.on_add(core.act(super::scan::open));
    a.on_open_settings(core.act(|core| nav::go(core, Screen::Settings)));
}

pub(crate) fn row_id(id: EntryId) -> SharedString {
    id.0.to_string().into()
}

fn parse_id(s: &str) -> Option<EntryId> {
    s.parse().ok().map(EntryId)
}

/// What a row shows besides its code.
struct RowContext<'a> {
    now: u64,
    hotp: &'a HashMap<EntryId, String>,
    lookalikes: &'a HashMap<EntryId, Distinction>,
    /// Reveal on tap is on and the code was not tapped lately.
    hidden: bool,
}

/// A row, and the brand whose logo it shows (made when the row is first read).
fn row_for(
    core: &Core,
    entry: &Entry,
    cx: &RowContext,
) -> (AccountRow, Option<&'static crate::brands::Brand>) {
    let a = &entry.account;
    let (detail, detail_arg) = match cx.lookalikes.get(&entry.id) {
        None => (Msg::None, String::new()),
        Some(Distinction::Note(line)) => (Msg::Detail, line.clone()),
        Some(Distinction::Added(unix)) => (Msg::AddedOn, date(*unix)),
    };
    let (look, logo) = avatars::deferred(&entry.meta.icon, entry.meta.colour, &a.issuer, &a.name);
    let mut row = AccountRow {
        id: row_id(entry.id),
        issuer: a.issuer.as_str().into(),
        name: a.name.as_str().into(),
        look,
        detail,
        detail_arg: detail_arg.into(),
        hidden: cx.hidden,
        hotp: a.kind == Kind::Hotp,
        period: crate::otp::effective_period(a).min(i32::MAX as u64) as i32,
        favourite: entry.meta.favourite,
        ..Default::default()
    };
    if a.kind == Kind::Hotp {
        // A HOTP code is shown only once generated (generating advances the stored counter).
        match cx.hotp.get(&entry.id).filter(|_| !cx.hidden) {
            Some(code) => {
                row.code = crate::otp::group(code).into();
                row.spoken = rows::spoken(code).into();
            }
            None => row.code = hidden_code(a.digits).into(),
        }
        row.deadline = NEVER;
    } else {
        set_code(core, &mut row, &rows::code_view(a, cx.now));
    }
    (row, logo)
}

/// A date for the look-alike line: `2025-01-05` (UTC).
fn date(unix: u64) -> String {
    chrono::DateTime::from_timestamp(unix.min(i64::MAX as u64) as i64, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// "••• •••": a HOTP code not generated yet.
fn hidden_code(digits: u32) -> String {
    let dots: String = "•".repeat(digits.clamp(1, 10) as usize);
    crate::otp::group(&dots)
}

fn set_code(core: &Core, row: &mut AccountRow, view: &CodeView) {
    row.deadline = view.expires.map(|e| core.clock_value(e)).unwrap_or(NEVER);
    if row.hidden {
        // Reveal on tap: dots of the code's length, nothing a screen reader could speak.
        let digits = view.code.chars().filter(|c| !c.is_whitespace()).count();
        row.code = hidden_code(digits as u32).into();
        row.next_code = SharedString::new();
        row.spoken = SharedString::new();
        return;
    }
    row.code = view.code.as_str().into();
    row.next_code = view.next.as_str().into();
    row.spoken = view.spoken.as_str().into();
}

/// The list's entries in display order: favourites first, then the chosen order.
fn display_order(entries: &[Entry], order: SortOrder) -> Vec<&Entry> {
    let mut out = arrange::sorted(entries, order);
    // Stable: each half keeps the chosen order.
    out.sort_by_key(|e| !e.meta.favourite);
    out
}

/// Rebuilds every row from the vault (after unlock, a change, or a new search).
pub(crate) fn refresh(core: &Rc<Core>) {
    let now = core.now();
    let Some(ui) = core.ui() else { return };
    let adapter = ui.global::<ListAdapter>();
    adapter.set_clock(core.clock_value(now));
    adapter.set_show_next_code(core.settings.borrow().show_next_code);
    let vault = core.vault.borrow();
    let Some(vault) = vault.as_ref() else {
        drop(vault);
        clear(core);
        return;
    };
    let entries = vault.entries();
    adapter.set_vault_empty(entries.is_empty());
    let prefs = core.settings.borrow().list.clone();
    adapter.set_custom_order(prefs.sort == SortOrder::Custom);
    let groups = arrange::all_groups(entries);
    let mut group = core.list.group.borrow().clone();
    if !group.is_empty()
        && !groups
            .iter()
            .any(|g| crate::vault::group_key(g) == crate::vault::group_key(&group))
    {
        // The last account left the group: show all again.
        group.clear();
        core.list.group.borrow_mut().clear();
    }
    let group_shown = groups
        .iter()
        .find(|g| crate::vault::group_key(g) == crate::vault::group_key(&group))
        .cloned()
        .unwrap_or_default();
    adapter.set_groups(ModelRc::new(VecModel::from(
        groups.iter().map(SharedString::from).collect::<Vec<_>>(),
    )));
    adapter.set_group(group_shown.into());
    let query = core.list.search.borrow().clone();
    let lookalikes = arrange::lookalikes(entries);
    let hotp = core.list.hotp.borrow();
    let mut revealed = core.list.revealed.borrow_mut();
    revealed.retain(|_, until| *until > now);
    let mut shown = Vec::new();
    let mut new_rows = Vec::new();
    for e in display_order(entries, prefs.sort) {
        if !group.is_empty() && !e.meta.in_group(&group) {
            continue;
        }
        if !rows::matches(&query, &e.account.issuer, &e.account.name) {
            continue;
        }
        let cx = RowContext {
            now,
            hotp: &hotp,
            lookalikes: &lookalikes,
            hidden: prefs.reveal_on_tap && !revealed.contains_key(&e.id),
        };
        shown.push(e.id);
        new_rows.push(row_for(core, e, &cx));
    }
    *core.list.shown.borrow_mut() = shown;
    core.list.model.set(new_rows);
}

/// Once a second: move the clock and recompute the rows whose code expired.
pub(crate) fn tick(core: &Rc<Core>) {
    let now = core.now();
    let expired = {
        let mut revealed = core.list.revealed.borrow_mut();
        let before = revealed.len();
        revealed.retain(|_, until| *until > now);
        revealed.len() != before
    };
    if expired {
        // A revealed code goes back to dots.
        refresh(core);
        return;
    }
    let clock = core.clock_value(now);
    let Some(ui) = core.ui() else { return };
    ui.global::<ListAdapter>().set_clock(clock);
    let vault = core.vault.borrow();
    let Some(vault) = vault.as_ref() else { return };
    let shown = core.list.shown.borrow();
    core.list.model.update(|i, row| {
        if row.deadline > clock {
            return false;
        }
        match shown.get(i).and_then(|id| vault.entry(*id)) {
            Some(e) => {
                set_code(core, row, &rows::code_view(&e.account, now));
                true
            }
            None => false,
        }
    });
}

/// Drops every row (on lock).
pub(crate) fn clear(core: &Core) {
    core.list.model.set(Vec::new());
    core.list.shown.borrow_mut().clear();
    core.list.hotp.borrow_mut().clear();
    core.list.search.borrow_mut().clear();
    core.list.group.borrow_mut().clear();
    core.list.revealed.borrow_mut().clear();
    if let Some(ui) = core.ui() {
        let a = ui.global::<ListAdapter>();
        a.set_search(SharedString::new());
        a.set_group(SharedString::new());
        a.set_groups(ModelRc::default());
        a.set_vault_empty(true);
    }
}

fn copy(core: &Rc<Core>, id: SharedString) {
    let Some(id) = parse_id(&id) else { return };
    let now = core.now();
    let kind = core
        .with_vault(|v| v.entry(id).map(|e| e.account.kind))
        .flatten();
    let code = match kind {
        None => return,
        Some(Kind::Hotp) => {
            let existing = core.list.hotp.borrow().get(&id).cloned();
            match existing {
                Some(c) => c,
                None => match generate_hotp(core, id) {
                    Some(c) => c,
                    None => return,
                },
            }
        }
        Some(_) => {
            let code = core
                .with_vault(|v| {
                    v.entry(id)
                        .and_then(|e| crate::otp::code_at(&e.account, now).ok())
                })
                .flatten();
            match code {
                Some(c) => c,
                None => return,
            }
        }
    };
    let clear_after = core.settings.borrow().clipboard_clear();
    if let Some(clipboard) = &core.clipboard {
        clipboard.set_code(&rows::clipboard_text(&code), clear_after);
    }
    // For "most used" and "last used". Not a change worth a backup: the vault is saved
    // without one (a failure here leaves the copy done and the old counts).
    let _ = core.with_vault(|v| v.mark_used(id, now));
    if core.settings.borrow().list.reveal_on_tap {
        core.list
            .revealed
            .borrow_mut()
            .insert(id, now.saturating_add(REVEAL_SECS));
        refresh(core);
    }
    if clear_after.is_zero() {
        core.toast(Msg::CopiedKept, "");
    } else {
        core.toast(Msg::Copied, clear_after.as_secs().to_string());
    }
}

/// Generates the next HOTP code (the vault advances and saves the counter first).
fn generate_hotp(core: &Rc<Core>, id: EntryId) -> Option<String> {
    let now = core.now();
    match core.change(|v| v.next_hotp_code(id, now))? {
        Ok(code) => {
            core.list.hotp.borrow_mut().insert(id, code.clone());
            refresh(core);
            Some(code)
        }
        Err(e) => {
            core.toast(Msg::Detail, e.to_string());
            None
        }
    }
}

fn next_hotp(core: &Rc<Core>, id: SharedString) {
    if let Some(id) = parse_id(&id) {
        generate_hotp(core, id);
    }
}

fn toggle_favourite(core: &Rc<Core>, id: SharedString) {
    let Some(id) = parse_id(&id) else { return };
    let result = core.change(|v| {
        let fav = v.entry(id).map(|e| e.meta.favourite).unwrap_or(false);
        v.set_favourite(id, !fav)
    });
    if let Some(Err(e)) = result {
        core.toast(Msg::Detail, e.to_string());
    }
    refresh(core);
}

/// Moves an entry `delta` places among the rows shown (the group and search filters apply),
/// in the user's own order only; favourites and the rest stay apart.
fn move_entry(core: &Rc<Core>, id: EntryId, delta: i32) {
    if core.settings.borrow().list.sort != SortOrder::Custom {
        return;
    }
    let shown = core.list.shown.borrow().clone();
    let result = core.change(|v| {
        let entries = v.entries();
        let index = |id: EntryId| entries.iter().position(|e| e.id == id);
        let displayed: Vec<usize> = shown.iter().filter_map(|&s| index(s)).collect();
        let favs: Vec<bool> = entries.iter().map(|e| e.meta.favourite).collect();
        let Some(to) = index(id).and_then(|from| rows::move_target(&displayed, &favs, from, delta))
        else {
            // Already first or last: nothing changes.
            return Ok(false);
        };
        v.reorder(id, to).map(|()| true)
    });
    if let Some(Err(e)) = result {
        core.toast(Msg::Detail, e.to_string());
    }
    refresh(core);
}

pub(crate) fn delete(core: &Rc<Core>, id: EntryId) {
    match core.change(|v| v.remove(id)) {
        Some(Ok(entry)) => {
            core.list.hotp.borrow_mut().remove(&id);
            refresh(core);
            core.toast(Msg::Deleted, entry.account.display_name());
        }
        Some(Err(e)) => core.toast(Msg::Detail, e.to_string()),
        None => {}
    }
}
