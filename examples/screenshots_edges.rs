//! The rough edges a new user hit before the redesign, each shown fixed, at the two window
//! sizes they were found at (400×720 and 540×960 logical pixels), with Slint's software
//! renderer into `docs/screenshots/r*-{400x720,540x960}[-ja].png`. Run by
//! `scripts/screenshots.sh`; the table of what each picture shows is in
//! `docs/screenshots/README.md`.
//!
//! Throw-away vaults with light KDF settings (through the library, as tests do), the sample
//! accounts of `monban::app::demo` (one of them 8 digits long) and a fixed clock.

#[path = "shared/mod.rs"]
mod shared;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use i_slint_backend_testing::ElementHandle;
use monban::app::{
    App, AppOptions, BackupAdapter, EditAdapter, ImportAdapter, ImportStage, ListAdapter,
    ManualClock, Navigation, ReauthAdapter, ScanAdapter, Screen, SettingsAdapter,
};
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition};

/// A passphrase well above any strength floor (the vault itself uses light test settings).
const PASSCODE: &str = "quartz lantern orbit meadow 47";
/// 2026-03-14 10:00:27 UTC: 3 s left in the 30 s period (the warning colour, the next code).
const T0_MS: u64 = 1_773_482_427_000;
const WAIT: Duration = Duration::from_secs(60);
const SIZES: [(f32, f32); 2] = [(400.0, 720.0), (540.0, 960.0)];

struct Shots {
    out: PathBuf,
}

impl Shots {
    fn take(&self, app: &App, name: &str, size: (f32, f32), lang: &str) {
        settle(app);
        let name = format!("{name}-{}x{}{lang}", size.0 as u32, size.1 as u32);
        let (path, w, h) = shared::shoot(app, &self.out, &name);
        println!("{} ({w}×{h})", path.display());
    }
}

fn app(dir: &Path, name: &str, size: (f32, f32), language: i32) -> App {
    let path = dir.join(format!("{name}.vault"));
    shared::demo_vault(&path, PASSCODE, T0_MS / 1000);
    let app = App::new(AppOptions::for_tests(
        path,
        Arc::new(ManualClock::at_ms(T0_MS)),
    ))
    .expect("app");
    shared::show(&app, false, size);
    if language != 0 {
        app.window()
            .global::<SettingsAdapter>()
            .invoke_language_changed(language);
    }
    unlock(&app);
    app
}

fn unlock(app: &App) {
    shared::unlock(app, PASSCODE);
}

/// Lets toasts ("Locked", "Copied") run out, as a person would see the screen a moment later.
fn settle(app: &App) {
    app.pump();
    i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(5));
    app.pump();
}

/// Answers the "next screen shows secrets" passcode prompt when it is up.
fn reauth(app: &App) {
    let prompt = app.window().global::<ReauthAdapter>();
    if prompt.get_shown() {
        prompt.invoke_submit(PASSCODE.into());
        assert!(
            app.pump_until(WAIT, |a| !a.window().global::<ReauthAdapter>().get_shown()),
            "passcode prompt"
        );
    }
}

/// Types `text` into whatever has the keyboard focus, as a keyboard would.
fn type_keys(app: &App, text: &str) {
    let w = app.window().window();
    for c in text.chars() {
        let s: slint::SharedString = c.to_string().into();
        w.dispatch_event(WindowEvent::KeyPressed { text: s.clone() });
        w.dispatch_event(WindowEvent::KeyReleased { text: s });
    }
    app.pump();
}

/// Scrolls the page under the middle of the window by `dy` logical pixels (negative: down).
fn scroll(app: &App, size: (f32, f32), dy: f32) {
    app.window()
        .window()
        .dispatch_event(WindowEvent::PointerScrolled {
            position: LogicalPosition::new(size.0 / 2.0, size.1 / 2.0),
            delta_x: 0.0,
            delta_y: dy,
        });
    app.pump();
}

fn main() {
    let out = shared::start();
    let shots = Shots { out };
    let dir = tempfile::tempdir().expect("temp dir");

    for size in SIZES {
        let tag = format!("{}x{}", size.0 as u32, size.1 as u32);
        let a = app(dir.path(), &format!("en-{tag}"), size, 1);
        let ui = a.window();
        let nav = ui.global::<Navigation>();

        // The last seconds: the 8-digit code and its next code fit; no horizontal scrollbar.
        // Every row has a visible "⋯" actions button (not only right-click or long press).
        scroll(&a, size, -300.0);
        shots.take(&a, "r01-list-last-seconds", size, "");
        scroll(&a, size, 300.0);
        let actions = ElementHandle::find_by_accessible_label(ui, "Actions for coin.z.com")
            .next()
            .expect("the row's actions button");
        actions.mock_single_click(PointerEventButton::Left);
        a.pump();
        shots.take(&a, "r02-row-actions", size, "");
        a.core().lock();
        a.pump();
        unlock(&a);

        // After auto-lock the passcode field has the focus: typed keys land in it.
        a.core().lock();
        a.pump();
        type_keys(&a, "quartz");
        shots.take(&a, "r03-unlock-after-lock-typed", size, "");
        type_keys(&a, " lantern orbit meadow 47");
        let enter: slint::SharedString = slint::platform::Key::Return.into();
        a.window()
            .window()
            .dispatch_event(WindowEvent::KeyPressed { text: enter });
        assert!(
            a.pump_until(WAIT, |a| a.core().is_unlocked()),
            "typed unlock"
        );

        // Adding: the scanner without a camera (one message, not two), the confirm form with
        // "Register" in view, manual entry without an error before anything is typed, and
        // its advanced fields (full-height Type and Algorithm).
        ui.global::<ListAdapter>().invoke_add();
        a.pump();
        shots.take(&a, "r04-scan-no-camera", size, "");
        let uri = "otpauth://totp/Example:bob@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";
        let frame = monban::qr::encode(uri).expect("qr").to_frame();
        monban::app::scan::feed_frame(a.core(), frame);
        assert!(a.pump_until(WAIT, |a| {
            a.window().global::<Navigation>().get_screen() == Screen::Edit
        }));
        shots.take(&a, "r05-confirm-scanned", size, "");
        ui.global::<EditAdapter>().invoke_cancel();
        a.pump();
        ui.global::<ScanAdapter>().invoke_manual();
        a.pump();
        shots.take(&a, "r06-manual-untouched", size, "");
        ElementHandle::find_by_accessible_label(ui, "Advanced options")
            .next()
            .expect("advanced options")
            .mock_single_click(PointerEventButton::Left);
        a.pump();
        scroll(&a, size, -2000.0);
        shots.take(&a, "r07-manual-advanced", size, "");
        ui.global::<EditAdapter>().invoke_cancel();
        a.pump();
        ui.global::<ScanAdapter>().invoke_close();
        a.pump();

        // Importing a file: the summary after adding says what was added, with one way out.
        let list = dir.path().join(format!("accounts-{tag}.txt"));
        std::fs::write(
            &list,
            "otpauth://totp/Fastmail:alice@example.com?secret=JBSWY3DPEHPK3PXQ&issuer=Fastmail\n\
             otpauth://totp/Proton:alice?secret=KRSXG5CTMVRXEZLU&issuer=Proton\n",
        )
        .expect("uri list");
        nav.invoke_open(Screen::Import);
        a.pump();
        shots.take(&a, "r08-import-no-camera", size, "");
        let im = ui.global::<ImportAdapter>();
        im.invoke_open_path(list.display().to_string().into());
        assert!(a.pump_until(WAIT, |a| {
            a.window().global::<ImportAdapter>().get_stage() == ImportStage::Summary
        }));
        shots.take(&a, "r09-import-preview", size, "");
        im.invoke_confirm();
        assert!(a.pump_until(WAIT, |a| {
            a.window().global::<ImportAdapter>().get_added() > 0
        }));
        shots.take(&a, "r10-import-added", size, "");
        nav.invoke_back();
        a.pump();
        // The apps Monban imports from, each with where its export is.
        nav.invoke_open(Screen::Import);
        a.pump();
        ElementHandle::find_by_accessible_label(ui, "Which apps, and how to export from them")
            .next()
            .expect("the apps button")
            .mock_single_click(PointerEventButton::Left);
        a.pump();
        shots.take(&a, "r14-import-apps", size, "");
        nav.invoke_back();
        a.pump();

        // The backup page: the outcome of "Check a backup" right under its button.
        nav.invoke_open(Screen::Backup);
        a.pump();
        reauth(&a);
        let b = ui.global::<BackupAdapter>();
        let file = dir.path().join(format!("backup-{tag}.monban-backup"));
        b.set_backup_path(file.display().to_string().into());
        b.invoke_export_backup(
            "copper violet harbour 2031".into(),
            "copper violet harbour 2031".into(),
        );
        reauth(&a);
        assert!(a.pump_until(WAIT, |a| !a.window().global::<BackupAdapter>().get_busy()));
        b.set_drill_path(file.display().to_string().into());
        b.invoke_drill("copper violet harbour 2031".into());
        assert!(a.pump_until(WAIT, |a| !a.window().global::<BackupAdapter>().get_busy()));
        b.set_backup_path("~/Documents/monban-2026-03-14.monban-backup".into());
        b.set_drill_path(b.get_backup_path());
        b.set_paper_path("~/Documents/monban-paper-2026-03-14.pdf".into());
        scroll(&a, size, -2000.0);
        shots.take(&a, "r11-backup-check-result", size, "");
        nav.invoke_back();
        a.pump();
        drop(a);

        // Japanese: the settings page (the language choice at full width, "エクスポート" as the
        // export page calls itself), and a core error in Japanese words.
        let j = app(dir.path(), &format!("ja-{tag}"), size, 2);
        let ui = j.window();
        ui.global::<ListAdapter>().invoke_open_settings();
        j.pump();
        // Where a user's vault lives (the picture's vault is in a temporary folder).
        ui.global::<SettingsAdapter>()
            .set_vault_path("~/.local/share/monban/monban.vault".into());
        shots.take(&j, "r12-settings", size, "-ja");
        ui.global::<Navigation>().invoke_back();
        j.pump();
        ui.global::<ListAdapter>().invoke_add();
        j.pump();
        let missing = dir.path().join("no-such-picture.png");
        ui.global::<ScanAdapter>()
            .invoke_open_path(missing.display().to_string().into());
        j.pump_until(WAIT, |a| {
            a.window().global::<ScanAdapter>().get_message() != monban::app::Msg::None
        });
        shots.take(&j, "r13-scan-missing-file", size, "-ja");
        drop(j);
    }
}
