//! Renders the screens of automatic backups and reminders in English and Japanese with
//! Slint's software renderer into `docs/screenshots/b*-{en,ja}.png`: turning automatic backups
//! on (folder, how many, which password), the backup settings with the state in one line, the banner on the list while backups fail, the reminders on the
//! list, and the unlock screen of a damaged vault. Run: `scripts/screenshots.sh` (or
//! `cargo run --example screenshots_backup -- docs/screenshots`).
//!
//! Throw-away vaults with the demo accounts (`shared::demo_vault`); the home folder is a
//! temporary one, so paths read `~/Sync/Monban`.

#[path = "shared/mod.rs"]
mod shared;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use monban::app::{
    App, AppOptions, AutoBackupAdapter, ListAdapter, ManualClock, Navigation, Screen,
    SettingsAdapter, UnlockAdapter,
};
use slint::{ComponentHandle, Model};

const PASSCODE: &str = "correct horse";
/// 2026-03-14 14:02 UTC.
const T0: u64 = 1_773_496_920;
const DAY: u64 = 86_400;
const WAIT: Duration = Duration::from_secs(60);

fn device(dir: &Path, name: &str, clock: Arc<ManualClock>) -> App {
    let path = dir.join(format!("{name}.vault"));
    shared::demo_vault(&path, PASSCODE, T0);
    let app = App::new(AppOptions::for_tests(path, clock)).expect("app");
    shared::show(&app, false, (360.0, 640.0));
    unlock(&app);
    app
}

fn unlock(app: &App) {
    shared::unlock(app, PASSCODE);
}

fn turn_on(app: &App, folder: &Path, shot: impl Fn(&App)) {
    let nav = app.window().global::<Navigation>();
    nav.invoke_open(Screen::AutoBackup);
    let a = app.window().global::<AutoBackupAdapter>();
    a.set_folder(monban::app::short_path(folder).into());
    a.set_use_passcode(false);
    shot(app);
    a.set_use_passcode(true);
    a.invoke_turn_on(PASSCODE.into(), "".into());
    assert!(
        app.pump_until(WAIT, |a| !a
            .window()
            .global::<AutoBackupAdapter>()
            .get_busy()),
        "backup key"
    );
}

fn change(app: &App) {
    let list = app.window().global::<ListAdapter>();
    let id = list.get_accounts().row_data(1).expect("row").id;
    list.invoke_toggle_favourite(id);
    app.pump();
}

fn main() {
    let out = shared::start();
    let home = tempfile::tempdir().expect("temp dir");
    // SAFETY: set before any other thread runs; only `~` shortening reads it.
    unsafe { std::env::set_var("HOME", home.path()) };
    let shots = |app: &App, name: &str| println!("{}", shared::shoot(app, &out, name).0.display());

    for (lang, index) in [("en", 1), ("ja", 2)] {
        let dir = tempfile::tempdir().expect("temp dir");
        let sync = home.path().join("Sync").join(format!("Monban-{lang}"));
        let clock = Arc::new(ManualClock::at_ms(T0 * 1000));

        // The backup settings: on, nine backups kept, the state in one line.
        let app = device(dir.path(), "on", clock.clone());
        app.window()
            .global::<SettingsAdapter>()
            .invoke_language_changed(index);
        app.window()
            .window()
            .set_size(slint::LogicalSize::new(360.0, 1000.0));
        turn_on(&app, &sync, |app| {
            shots(app, &format!("b01-backup-turn-on-{lang}"))
        });
        app.window()
            .window()
            .set_size(slint::LogicalSize::new(360.0, 640.0));
        app.window().global::<Navigation>().invoke_back();
        for _ in 0..8 {
            clock.advance_ms(60_000);
            change(&app);
        }
        let nav = app.window().global::<Navigation>();
        nav.invoke_open(Screen::AutoBackup);
        app.window()
            .window()
            .set_size(slint::LogicalSize::new(360.0, 1000.0));
        shots(&app, &format!("b02-backup-settings-{lang}"));
        app.window()
            .window()
            .set_size(slint::LogicalSize::new(360.0, 640.0));
        nav.invoke_back();

        // The banner: the folder is gone (an unplugged drive).
        std::fs::remove_dir_all(&sync).expect("remove the folder");
        change(&app);
        shots(&app, &format!("b03-banner-{lang}"));
        drop(app);

        // The reminders: backups off, accounts changed; the passcode not typed for 14 days.
        let clock = Arc::new(ManualClock::at_ms(T0 * 1000));
        let app = device(dir.path(), "off", clock.clone());
        app.window()
            .global::<SettingsAdapter>()
            .invoke_language_changed(index);
        change(&app);
        clock.advance_ms(14 * DAY * 1000);
        app.core().tick();
        app.window()
            .window()
            .set_size(slint::LogicalSize::new(360.0, 780.0));
        shots(&app, &format!("b04-reminders-{lang}"));

        // A damaged vault at unlock: one flipped byte in the salt.
        app.core().lock();
        let path = dir.path().join("off.vault");
        let mut bytes = std::fs::read(&path).expect("vault");
        bytes[34] ^= 1;
        std::fs::write(&path, bytes).expect("vault");
        app.window()
            .global::<UnlockAdapter>()
            .invoke_unlock(PASSCODE.into());
        assert!(
            app.pump_until(WAIT, |a| !a.window().global::<UnlockAdapter>().get_busy()),
            "unlock"
        );
        shots(&app, &format!("b05-damaged-{lang}"));
        drop(app);
    }
}
