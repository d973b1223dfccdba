//! Renders every screen of the app with Slint's software renderer (no display needed) into
//! `docs/screenshots/*.png`. Regenerate with `scripts/screenshots.sh`.
//!
//! Uses a throw-away vault with light KDF parameters (through the library, as tests do), a
//! fixed clock and the sample accounts from `monban::app::demo`.

#[path = "shared/mod.rs"]
mod shared;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use monban::app::{
    App, AppOptions, CameraState, EditAdapter, FoundCode, ListAdapter, ManualClock, Msg,
    Navigation, ScanAdapter, Screen, SettingsAdapter, UnlockAdapter,
};
use slint::{ComponentHandle, Model};

/// 2026-03-14 10:00:18 UTC: 12 s left in the 30 s period.
const T0_MS: u64 = 1_773_482_418_000;
const PASSCODE: &str = "correct horse battery staple 7";
/// Pixels per logical pixel in the pictures (a phone's density).
const SCALE: f32 = 1.0;

struct Shot {
    out: PathBuf,
    scale: f32,
}

impl Shot {
    fn take(&self, app: &App, name: &str) {
        let (path, w, h) = shared::shoot(app, &self.out, name);
        println!("{} ({}×{} @{}x)", path.display(), w, h, self.scale);
    }
}

fn new_app(vault: &Path, clock: Arc<ManualClock>, dark: bool, size: (f32, f32)) -> App {
    let app = App::new(AppOptions::for_tests(vault.to_owned(), clock)).expect("app");
    app.window()
        .window()
        .dispatch_event(slint::platform::WindowEvent::ScaleFactorChanged {
            scale_factor: SCALE,
        });
    shared::show(&app, dark, size);
    app
}

fn unlock(app: &App) {
    shared::unlock(app, PASSCODE);
}

/// The list's own screens: group chips, reveal on tap, picking a brand icon, the screen scan's
/// choice, the list settings.
fn issue_17_screens(app: &App, shot: &Shot, phone: (f32, f32)) {
    let ui = app.window();
    let list = ui.global::<ListAdapter>();
    list.invoke_choose_group("Work".into());
    shot.take(app, "18-groups");
    list.invoke_choose_group("".into());

    // Reveal on tap: every code dots, the tapped one shown.
    let s = ui.global::<SettingsAdapter>();
    s.set_reveal_on_tap(true);
    s.invoke_list_changed();
    let id = list
        .get_accounts()
        .row_data(2)
        .map(|r| r.id)
        .unwrap_or_default();
    list.invoke_copy(id);
    shot.take(app, "19-reveal-on-tap");
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(1600));
    s.set_reveal_on_tap(false);
    s.invoke_list_changed();

    // The icon picker with a search.
    let id = list
        .get_accounts()
        .row_data(1)
        .map(|r| r.id)
        .unwrap_or_default();
    list.invoke_edit(id);
    shot.take(app, "20-edit-icon");
    let e = ui.global::<EditAdapter>();
    e.set_brand_query("pay".into());
    e.invoke_brand_search("pay".into());
    ui.window()
        .set_size(slint::LogicalSize::new(phone.0, 1400.0));
    shot.take(app, "21-edit-icon-search");
    ui.window()
        .set_size(slint::LogicalSize::new(phone.0, phone.1));
    e.invoke_cancel();
    app.pump();

    // Scan the screen found two codes: the choice.
    list.invoke_add();
    let scan = ui.global::<ScanAdapter>();
    let found = |issuer: &str, name: &str| {
        let row = list
            .get_accounts()
            .iter()
            .find(|r| r.issuer == issuer)
            .expect("sample row");
        FoundCode {
            issuer: issuer.into(),
            name: name.into(),
            look: row.look,
            what: Msg::None,
        }
    };
    scan.set_found(slint::ModelRc::new(slint::VecModel::from(vec![
        found("GitHub", "carol"),
        found("Dropbox", "carol@example.com"),
    ])));
    scan.set_message(Msg::ScreenSeveral);
    scan.set_message_arg("2".into());
    scan.set_message_is_error(false);
    shot.take(app, "22-scan-screen-choice");
    scan.set_found(slint::ModelRc::default());
    scan.set_message(Msg::None);
    scan.invoke_close();

    // The list settings.
    list.invoke_open_settings();
    ui.window()
        .set_size(slint::LogicalSize::new(phone.0, 1400.0));
    shot.take(app, "23-settings-list");
    ui.window()
        .set_size(slint::LogicalSize::new(phone.0, phone.1));
    ui.global::<Navigation>().invoke_back();
}

fn main() {
    let out = shared::start();
    let scale = SCALE;
    let shot = Shot { out, scale };

    let dir = tempfile::tempdir().expect("temp dir");
    let vault_path = dir.path().join("demo.vault");
    shared::demo_vault(&vault_path, PASSCODE, T0_MS / 1000);
    let phone = (360.0, 640.0);

    for dark in [false, true] {
        let suffix = if dark { "-dark" } else { "" };
        let clock = Arc::new(ManualClock::at_ms(T0_MS));

        // First start.
        let app = new_app(
            &dir.path().join(format!("new{suffix}.vault")),
            clock.clone(),
            dark,
            phone,
        );
        shot.take(&app, &format!("01-setup{suffix}"));
        // The strength meter while a passcode is typed (no device key store here: the
        // stolen-file floor applies).
        for (passcode, name) in [
            ("123456", "01b-setup-weak"),
            ("quiet lantern orbit meadow 42", "01c-setup-strong"),
        ] {
            type_into(&app, "Passcode", passcode);
            shot.take(&app, &format!("{name}{suffix}"));
        }
        drop(app);

        let app = new_app(&vault_path, clock.clone(), dark, phone);
        shot.take(&app, &format!("02-unlock{suffix}"));
        app.window().global::<UnlockAdapter>().set_keypad(true);
        shot.take(&app, &format!("03-unlock-keypad{suffix}"));
        app.window().global::<UnlockAdapter>().set_keypad(false);
        unlock(&app);
        shot.take(&app, &format!("04-list{suffix}"));

        // Last seconds: warning colour and the next code.
        clock.advance_ms(9_000);
        app.core().tick();
        shot.take(&app, &format!("05-list-last-seconds{suffix}"));
        clock.advance_ms(3_000);
        app.core().tick();

        if !dark {
            let ui = app.window();
            // Copied toast.
            let first = ui.global::<ListAdapter>().get_accounts();
            let id = first.row_data(0).map(|r| r.id).unwrap_or_default();
            ui.global::<ListAdapter>().invoke_copy(id);
            shot.take(&app, "06-copied");
            i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(1600));

            // Search.
            ui.global::<ListAdapter>().set_search("mail".into());
            ui.global::<ListAdapter>()
                .invoke_search_changed("mail".into());
            shot.take(&app, "07-search");
            ui.global::<ListAdapter>().set_search("".into());
            ui.global::<ListAdapter>().invoke_search_changed("".into());

            // Long-press / right-click actions.
            if let Some(row) = i_slint_backend_testing::ElementHandle::find_by_accessible_label(
                ui,
                "GitHub alice@example.com",
            )
            .next()
            {
                row.mock_single_click(slint::platform::PointerEventButton::Right);
                shot.take(&app, "17-actions");
                // A tap beside the sheet closes it.
                let at = slint::LogicalPosition::new(180.0, 40.0);
                let button = slint::platform::PointerEventButton::Left;
                use slint::platform::WindowEvent;
                ui.window().dispatch_event(WindowEvent::PointerPressed {
                    position: at,
                    button,
                });
                ui.window().dispatch_event(WindowEvent::PointerReleased {
                    position: at,
                    button,
                });
                app.pump();
            }

            // Scanner without a camera, then a web-link QR message.
            ui.global::<ListAdapter>().invoke_add();
            shot.take(&app, "08-scan");
            ui.global::<ScanAdapter>()
                .set_camera_state(CameraState::Denied);
            shot.take(&app, "09-scan-camera-denied");
            ui.global::<ScanAdapter>()
                .set_camera_state(CameraState::Unavailable);
            ui.global::<ScanAdapter>().set_message(Msg::WebLink);
            ui.global::<ScanAdapter>().set_message_is_error(true);
            ui.global::<ScanAdapter>().set_show_path_field(true);
            shot.take(&app, "10-scan-message");

            // A QR code through the scanner's real path → confirm form.
            let uri = "otpauth://totp/coin.z.com:bob?secret=JBSWY3DPEHPK3PXP&issuer=coin.z.com";
            let frame = monban::qr::encode(uri).expect("qr").to_frame();
            monban::app::scan::feed_frame(app.core(), frame);
            assert!(app.pump_until(Duration::from_secs(10), |a| {
                a.window().global::<Navigation>().get_screen() == Screen::Edit
            }));
            shot.take(&app, "11-confirm");
            ui.global::<EditAdapter>().invoke_cancel();
            app.pump();

            // Manual entry with advanced options.
            ui.global::<ScanAdapter>().invoke_manual();
            let e = ui.global::<EditAdapter>();
            e.set_issuer("Example".into());
            e.set_name("alice".into());
            e.set_secret("JBSW Y3DP EHPK 3PX".into());
            e.invoke_secret_edited("JBSW Y3DP EHPK 3PX".into());
            shot.take(&app, "12-manual");
            e.invoke_cancel();
            app.pump();
            ui.global::<ScanAdapter>().invoke_close();

            // Edit an existing account, and the delete confirmation.
            let id = ui
                .global::<ListAdapter>()
                .get_accounts()
                .row_data(1)
                .map(|r| r.id)
                .unwrap_or_default();
            ui.global::<ListAdapter>().invoke_edit(id);
            shot.take(&app, "13-edit");
            ui.global::<EditAdapter>().set_confirm_delete(true);
            shot.take(&app, "14-delete-confirm");
            ui.global::<EditAdapter>().set_confirm_delete(false);
            ui.global::<EditAdapter>().invoke_cancel();

            // Settings.
            ui.global::<ListAdapter>().invoke_open_settings();
            shot.take(&app, "15-settings");
            ui.global::<Navigation>().invoke_back();

            // Wide desktop window.
            ui.window().set_size(slint::LogicalSize::new(900.0, 640.0));
            shot.take(&app, "16-desktop-wide");
            ui.window()
                .set_size(slint::LogicalSize::new(phone.0, phone.1));

            issue_17_screens(&app, &shot, phone);
        }
        // Every sample service at once (a tall window): logos without the user doing anything.
        app.window()
            .window()
            .set_size(slint::LogicalSize::new(360.0, 3350.0));
        shot.take(&app, &format!("25-all-services{suffix}"));
        drop(app);
    }

    // The list in Japanese, light and dark (last: the language is the whole process's).
    for dark in [false, true] {
        let suffix = if dark { "-dark" } else { "" };
        let clock = Arc::new(ManualClock::at_ms(T0_MS));
        let app = new_app(&vault_path, clock, dark, phone);
        app.window()
            .global::<SettingsAdapter>()
            .invoke_language_changed(2);
        unlock(&app);
        shot.take(&app, &format!("04-list-ja{suffix}"));
        if !dark {
            app.window()
                .global::<ListAdapter>()
                .invoke_choose_group("Work".into());
            shot.take(&app, "18-groups-ja");
            app.window()
                .global::<ListAdapter>()
                .invoke_choose_group("".into());
            let id = app
                .window()
                .global::<ListAdapter>()
                .get_accounts()
                .row_data(1)
                .map(|r| r.id)
                .unwrap_or_default();
            app.window().global::<ListAdapter>().invoke_edit(id);
            shot.take(&app, "20-edit-icon-ja");
            app.window().global::<EditAdapter>().invoke_cancel();
        }
        app.window()
            .window()
            .set_size(slint::LogicalSize::new(360.0, 3350.0));
        shot.take(&app, &format!("25-all-services-ja{suffix}"));
        drop(app);
    }

    // Empty list after first start.
    let clock = Arc::new(ManualClock::at_ms(T0_MS));
    let empty = dir.path().join("empty.vault");
    shared::light_vault(&empty, PASSCODE, T0_MS / 1000).lock();
    let app = new_app(&empty, clock, false, phone);
    unlock(&app);
    shot.take(&app, "00-empty");
}

/// Types into the text field labelled `label`.
fn type_into(app: &App, label: &str, text: &str) {
    let field =
        i_slint_backend_testing::ElementHandle::find_by_accessible_label(app.window(), label)
            .find(|e| {
                e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::TextInput)
            })
            .unwrap_or_else(|| panic!("no text field labelled {label:?}"));
    field.set_accessible_value(text);
    app.pump();
}
