//! Renders the screens for moving accounts (export, import, account QR, backup, passcode,
//! about, settings), and the list, scanner, manual entry, edit and unlock, in English and
//! Japanese with Slint's software renderer into `docs/screenshots/t*-{en,ja}.png`. Run:
//! `scripts/screenshots.sh` (the first set) and
//! `cargo run --example screenshots_transfer -- docs/screenshots`.
//!
//! Throw-away vaults with light KDF settings (through the library, as tests do) and made-up
//! accounts: the QR codes in the pictures hold no real secret.

#[path = "shared/mod.rs"]
mod shared;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use monban::account::{Account, Secret};
use monban::app::{
    AccountQrAdapter, App, AppOptions, BackupAdapter, ExportAdapter, ImportAdapter, ImportStage,
    ListAdapter, ManualClock, Msg, Navigation, ReauthAdapter, Screen, SettingsAdapter,
    UnlockAdapter,
};
use slint::{ComponentHandle, Model};

const PASSCODE: &str = "correct horse battery staple 7";
const T0: u64 = 1_773_482_418;
const WAIT: Duration = Duration::from_secs(60);

fn sample(n: usize, salt: u8) -> Vec<Account> {
    const NAMES: [(&str, &str); 8] = [
        ("GitHub", "alice@example.com"),
        ("coin.z.com", "alice"),
        ("みずほ銀行", "alice"),
        ("Google", "alice@gmail.com"),
        ("Dropbox", "alice@example.com"),
        ("楽天", "alice_r"),
        ("AWS", "root"),
        ("Mastodon", "@alice@example.social"),
    ];
    (0..n)
        .map(|i| {
            let (issuer, name) = NAMES[i % NAMES.len()];
            let issuer = if i < NAMES.len() {
                issuer.to_string()
            } else {
                format!("{issuer} {}", i / NAMES.len() + 1)
            };
            let secret = (0..20)
                .map(|j| {
                    (i as u8)
                        .wrapping_mul(37)
                        .wrapping_add(j)
                        .wrapping_add(salt)
                })
                .collect();
            Account::totp(issuer, name, Secret::new(secret))
        })
        .collect()
}

struct Shots {
    out: PathBuf,
}

impl Shots {
    fn take(&self, app: &App, name: &str) {
        println!("{}", shared::shoot(app, &self.out, name).0.display());
    }
}

fn device(dir: &Path, name: &str, accounts: Vec<Account>, dark: bool, size: (f32, f32)) -> App {
    let path = dir.join(format!("{name}.vault"));
    let mut v = shared::light_vault(&path, PASSCODE, T0);
    v.add_many(accounts, T0).expect("accounts");
    v.lock();
    let app = App::new(AppOptions::for_tests(
        path,
        Arc::new(ManualClock::at_ms(T0 * 1000)),
    ))
    .expect("app");
    shared::show(&app, dark, size);
    app.window()
        .global::<UnlockAdapter>()
        .invoke_unlock(PASSCODE.into());
    assert!(app.pump_until(WAIT, |a| a.core().is_unlocked()), "unlock");
    app
}

fn reauth(app: &App) {
    app.window()
        .global::<ReauthAdapter>()
        .invoke_submit(PASSCODE.into());
    assert!(
        app.pump_until(WAIT, |a| !a.window().global::<ReauthAdapter>().get_shown()),
        "passcode"
    );
}

fn feed(old: &App, new: &App) {
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(1));
    let snap = old.window().window().take_snapshot().expect("snapshot");
    let img = image::RgbaImage::from_raw(snap.width(), snap.height(), snap.as_bytes().to_vec())
        .expect("rgba");
    let frame = monban::camera::frame_from_pixels(
        img.as_raw(),
        img.width() as usize,
        img.height() as usize,
        img.width() as usize * 4,
        monban::camera::Packing::Rgba,
    )
    .expect("frame");
    let before = new.window().global::<ImportAdapter>().get_scanned();
    monban::app::scan::feed_frame(new.core(), frame);
    assert!(
        new.pump_until(WAIT, |a| {
            let im = a.window().global::<ImportAdapter>();
            im.get_scanned() > before || im.get_stage() != ImportStage::Scanning
        }),
        "scan"
    );
}

fn main() {
    let out = shared::start();
    let shots = Shots { out };
    let dir = tempfile::tempdir().expect("temp dir");
    let phone = (360.0, 640.0);

    for (lang, index) in [("en", 1), ("ja", 2)] {
        for dark in [false, true] {
            let theme = if dark { "-dark" } else { "" };
            let tag = |name: &str| format!("{name}-{lang}{theme}");
            let old = device(
                dir.path(),
                &format!("old-{lang}{theme}"),
                sample(25, 1),
                dark,
                phone,
            );
            old.window()
                .global::<SettingsAdapter>()
                .invoke_language_changed(index);
            let pages = old.window().global::<Navigation>();
            let prompt = old.window().global::<ReauthAdapter>();
            let ex = old.window().global::<ExportAdapter>();

            if !dark {
                // Settings with every row (a taller window shows them all).
                old.window()
                    .window()
                    .set_size(slint::LogicalSize::new(360.0, 1280.0));
                old.window().global::<ListAdapter>().invoke_open_settings();
                // Where a user's vault lives (the picture's vault is in a temporary folder).
                old.window()
                    .global::<SettingsAdapter>()
                    .set_vault_path("~/.local/share/monban/monban.vault".into());
                shots.take(&old, &tag("t01-settings"));
                old.window()
                    .window()
                    .set_size(slint::LogicalSize::new(phone.0, phone.1));
            }

            // Export: choose, Google warning, passcode prompt, parts.
            pages.invoke_open(Screen::Export);
            if !dark {
                shots.take(&old, &tag("t02-export-choose"));
                ex.set_google(true);
                shots.take(&old, &tag("t03-export-google-warning"));
                ex.invoke_start();
                shots.take(&old, &tag("t04-passcode-prompt"));
                reauth(&old);
                assert!(
                    old.pump_until(WAIT, |a| a.window().global::<Navigation>().get_screen()
                        == Screen::ExportShow)
                );
                shots.take(&old, &tag("t05-export-google-part"));
                pages.invoke_back();
                ex.set_google(false);
            }
            ex.invoke_start();
            if prompt.get_shown() {
                reauth(&old);
            }
            assert!(
                old.pump_until(WAIT, |a| a.window().global::<Navigation>().get_screen()
                    == Screen::ExportShow)
            );
            shots.take(&old, &tag("t06-export-sealed-part"));

            // Import on a second device that already has 3 of the accounts.
            let new = device(
                dir.path(),
                &format!("new-{lang}{theme}"),
                sample(3, 1),
                dark,
                phone,
            );
            // One language per process: the second app starts with the stored (system) choice.
            new.window()
                .global::<SettingsAdapter>()
                .invoke_language_changed(index);
            let npages = new.window().global::<Navigation>();
            let im = new.window().global::<ImportAdapter>();
            npages.invoke_open(Screen::Import);
            feed(&old, &new);
            shots.take(&new, &tag("t07-import-progress"));
            for _ in 1..ex.get_parts() {
                ex.invoke_next();
                feed(&old, &new);
            }
            shots.take(&new, &tag("t08-import-code"));
            ex.invoke_show_code();
            shots.take(&old, &tag("t08b-export-code"));
            im.invoke_submit_code(ex.get_code());
            assert!(
                new.pump_until(WAIT, |a| a.window().global::<ImportAdapter>().get_stage()
                    == ImportStage::Summary)
            );
            shots.take(&new, &tag("t09-import-summary"));
            ex.invoke_done();

            if !dark {
                // Account QR.
                pages.invoke_open(Screen::AccountQr);
                shots.take(&old, &tag("t10-account-qr-pick"));
                let qa = old.window().global::<AccountQrAdapter>();
                let id = qa.get_accounts().row_data(0).expect("account").id;
                qa.invoke_show(id);
                if prompt.get_shown() {
                    reauth(&old);
                }
                shots.take(&old, &tag("t11-account-qr"));
                qa.invoke_hide();
                pages.invoke_back();

                // Backup page after a restore drill.
                pages.invoke_open(Screen::Backup);
                let b = old.window().global::<BackupAdapter>();
                b.set_backup_path(
                    dir.path()
                        .join("backup.monban-backup")
                        .display()
                        .to_string()
                        .into(),
                );
                b.set_paper_path(dir.path().join("paper.pdf").display().to_string().into());
                b.invoke_export_backup("backup password".into(), "backup password".into());
                assert!(old.pump_until(WAIT, |a| !a.window().global::<BackupAdapter>().get_busy()));
                b.set_drill_path(b.get_backup_path());
                b.invoke_drill("backup password".into());
                assert!(old.pump_until(WAIT, |a| !a.window().global::<BackupAdapter>().get_busy()));
                assert_eq!(b.get_message(), Msg::DrillOkDated);
                b.set_backup_path("~/Documents/monban-2026-03-14.monban-backup".into());
                b.set_drill_path(b.get_backup_path());
                b.set_paper_path("~/Documents/monban-paper-2026-03-14.pdf".into());
                shots.take(&old, &tag("t12-backup"));
                pages.invoke_back();

                pages.invoke_open(Screen::Passcode);
                shots.take(&old, &tag("t13-change-passcode"));
                pages.invoke_back();
                pages.invoke_open(Screen::About);
                shots.take(&old, &tag("t14-about"));
                pages.invoke_back();

                // The everyday screens in the same language (the list, adding, editing, unlocking).
                let list = old.window().global::<ListAdapter>();
                old.window()
                    .global::<monban::app::Navigation>()
                    .invoke_back();
                shots.take(&old, &tag("t15-list"));
                list.invoke_add();
                shots.take(&old, &tag("t16-add-scanner"));
                old.window()
                    .global::<monban::app::ScanAdapter>()
                    .invoke_manual();
                shots.take(&old, &tag("t17-manual-entry"));
                old.window()
                    .global::<monban::app::EditAdapter>()
                    .invoke_cancel();
                old.pump();
                old.window()
                    .global::<monban::app::ScanAdapter>()
                    .invoke_close();
                let id = list.get_accounts().row_data(0).expect("row").id;
                list.invoke_edit(id);
                shots.take(&old, &tag("t18-edit"));
                old.window()
                    .global::<monban::app::EditAdapter>()
                    .invoke_cancel();
                old.pump();
                old.core().lock();
                shots.take(&old, &tag("t19-unlock"));
            }
            drop(new);
            drop(old);
        }
    }
}
