//! Reminders that keep a user from being locked out, as pure logic (time passed in):
//!
//! - **Backup reminder**: the accounts changed since the last backup and automatic backups are
//!   off. Dismissing it hides it until the next change.
//! - **First-run offer**: once, after the first account is added and while automatic backups
//!   are off, the app offers to turn them on ([`offer_backups`]); never again after.
//! - **Passcode reminder**: every `passcode_days` (default 14) the app asks the user to type
//!   the passcode, so that a rarely typed passcode is not forgotten. Any unlock with the
//!   passcode counts as typing it; "later" asks again a day after.
//!
//! The choices are the `reminders` section of Monban's settings beside the vault; what
//! happened (when the passcode was last typed, the snooze) is `<vault>.reminders.json`
//! (no secret). The backup side reads [`crate::autobackup::Status`].

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::autobackup::{self, BackupSettings, Status};

/// Days between passcode reminders unless the user chooses otherwise.
pub const DEFAULT_PASSCODE_DAYS: u32 = 14;
/// How long "later" puts off the passcode reminder.
pub const SNOOZE_SECS: u64 = 86_400;
const SECTION: &str = "reminders";

/// The `reminders` section of the settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReminderSettings {
    /// Remind to back up when accounts changed and automatic backups are off.
    pub backup: bool,
    /// Days between passcode reminders; 0 turns them off.
    pub passcode_days: u32,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        ReminderSettings {
            backup: true,
            passcode_days: DEFAULT_PASSCODE_DAYS,
        }
    }
}

impl ReminderSettings {
    pub fn load(vault: &Path) -> ReminderSettings {
        crate::settings::load_section(vault, SECTION)
    }

    pub fn save(&self, vault: &Path) -> std::io::Result<()> {
        crate::settings::save_section(vault, SECTION, self)
    }
}

/// `<vault>.reminders.json`.
pub fn state_path(vault: &Path) -> PathBuf {
    let mut s = vault.as_os_str().to_owned();
    s.push(".reminders.json");
    PathBuf::from(s)
}

/// What the passcode reminder remembers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReminderState {
    /// Unix time the passcode was last typed correctly (an unlock counts).
    pub passcode_typed_at: Option<u64>,
    /// The reminder was put off until then.
    pub passcode_snoozed_until: Option<u64>,
    /// The app offered automatic backups after the first account was added (once only).
    pub backup_offered: bool,
}

impl ReminderState {
    pub fn load(vault: &Path) -> ReminderState {
        std::fs::read(state_path(vault))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    pub fn store(&self, vault: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(self).expect("plain struct serializes");
        autobackup::status::write_small(&state_path(vault), &json)
    }

    /// The passcode was typed correctly at `now` (an unlock, or the reminder answered).
    pub fn passcode_typed(&mut self, now: u64) {
        self.passcode_typed_at = Some(now);
        self.passcode_snoozed_until = None;
    }

    /// "Later": ask again after [`SNOOZE_SECS`].
    pub fn snooze_passcode(&mut self, now: u64) {
        self.passcode_snoozed_until = Some(now.saturating_add(SNOOZE_SECS));
    }
}

/// A reminder to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminder {
    /// Accounts changed since the last backup and automatic backups are off.
    Backup,
    /// Time to type the passcode once, to keep it in memory.
    Passcode,
}

/// Everything the decision needs, loaded from beside the vault.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inputs {
    pub settings: ReminderSettings,
    pub backup: BackupSettings,
    pub status: Status,
    pub state: ReminderState,
}

impl Inputs {
    pub fn load(vault: &Path) -> Inputs {
        Inputs {
            settings: ReminderSettings::load(vault),
            backup: autobackup::config::load(vault),
            status: Status::load(vault),
            state: ReminderState::load(vault),
        }
    }
}

/// The reminders due at `now`, backup first.
pub fn due(i: &Inputs, now: u64) -> Vec<Reminder> {
    let mut out = Vec::new();
    if backup_due(i) {
        out.push(Reminder::Backup);
    }
    if passcode_due(i, now) {
        out.push(Reminder::Passcode);
    }
    out
}

fn backup_due(i: &Inputs) -> bool {
    i.settings.backup
        && !i.backup.enabled
        && i.status.pending_changes
        && !i.status.reminder_dismissed
}

fn passcode_due(i: &Inputs, now: u64) -> bool {
    if i.settings.passcode_days == 0 {
        return false;
    }
    // Never typed on record: the clock starts at the next unlock.
    let Some(typed) = i.state.passcode_typed_at else {
        return false;
    };
    if i.state.passcode_snoozed_until.is_some_and(|t| now < t) {
        return false;
    }
    now >= typed.saturating_add(u64::from(i.settings.passcode_days) * 86_400)
}

/// Whether the one-time offer to turn on automatic backups is due after a change that took the
/// vault from `before` accounts to `after`: the first account, backups off, never offered.
pub fn offer_backups(i: &Inputs, before: usize, after: usize) -> bool {
    before == 0 && after > 0 && !i.backup.enabled && !i.state.backup_offered
}

/// Dismisses the backup reminder until the next change.
pub fn dismiss_backup(vault: &Path) -> std::io::Result<()> {
    let mut s = Status::load(vault);
    s.reminder_dismissed = true;
    s.store(vault)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400;
    const T0: u64 = 1_764_581_520;

    fn changed() -> Inputs {
        let mut i = Inputs::default();
        i.status.changed();
        i
    }

    #[test]
    fn backup_reminder_shows_after_a_change_until_dismissed_and_comes_back() {
        assert_eq!(due(&Inputs::default(), T0), vec![]);
        let mut i = changed();
        assert_eq!(due(&i, T0), vec![Reminder::Backup]);
        i.status.reminder_dismissed = true;
        assert_eq!(due(&i, T0), vec![]);
        i.status.changed();
        assert_eq!(due(&i, T0), vec![Reminder::Backup]);
        i.status.succeeded("/b", T0);
        assert_eq!(due(&i, T0), vec![], "a backup answers it");
        i.status.changed();
        i.backup.enabled = true;
        assert_eq!(due(&i, T0), vec![], "automatic backups on: no reminder");
        i.backup.enabled = false;
        i.settings.backup = false;
        assert_eq!(due(&i, T0), vec![], "turned off in settings");
    }

    #[test]
    fn passcode_reminder_every_14_days_unlock_counts_later_waits_a_day() {
        let mut i = Inputs::default();
        assert_eq!(due(&i, T0 + 100 * DAY), vec![], "no record yet");
        i.state.passcode_typed(T0);
        assert_eq!(due(&i, T0 + 14 * DAY - 1), vec![]);
        assert_eq!(due(&i, T0 + 14 * DAY), vec![Reminder::Passcode]);
        i.state.snooze_passcode(T0 + 14 * DAY);
        assert_eq!(due(&i, T0 + 15 * DAY - 1), vec![]);
        assert_eq!(due(&i, T0 + 15 * DAY), vec![Reminder::Passcode]);
        i.state.passcode_typed(T0 + 15 * DAY); // an unlock
        assert_eq!(due(&i, T0 + 28 * DAY), vec![]);
        i.settings.passcode_days = 3;
        assert_eq!(due(&i, T0 + 18 * DAY), vec![Reminder::Passcode]);
        i.settings.passcode_days = 0;
        assert_eq!(due(&i, T0 + 999 * DAY), vec![]);
    }

    #[test]
    fn the_first_run_offer_comes_once_after_the_first_account() {
        let mut i = Inputs::default();
        assert!(!offer_backups(&i, 0, 0), "nothing added");
        assert!(offer_backups(&i, 0, 1));
        assert!(offer_backups(&i, 0, 3), "an import of three");
        assert!(!offer_backups(&i, 1, 2), "not the first account");
        i.backup.enabled = true;
        assert!(!offer_backups(&i, 0, 1), "automatic backups already on");
        i.backup.enabled = false;
        i.state.backup_offered = true;
        assert!(!offer_backups(&i, 0, 1), "offered once, never again");
    }

    #[test]
    fn both_at_once_and_persistence() {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("v.vault");
        let mut i = changed();
        i.state.passcode_typed(T0);
        assert_eq!(
            due(&i, T0 + 20 * DAY),
            vec![Reminder::Backup, Reminder::Passcode]
        );
        i.status.store(&vault).unwrap();
        i.state.store(&vault).unwrap();
        let s = ReminderSettings {
            backup: false,
            passcode_days: 7,
        };
        s.save(&vault).unwrap();
        let back = Inputs::load(&vault);
        assert_eq!((back.status, back.state.clone()), (i.status, i.state));
        assert_eq!(back.settings, s);
        dismiss_backup(&vault).unwrap();
        assert!(Status::load(&vault).reminder_dismissed);
    }
}
