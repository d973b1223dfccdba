//! The account list on Slint's testing backend: brand logos without the user doing
//! anything, group chips, sort orders kept in the settings, reveal on tap, look-alike accounts,
//! picking a brand and groups in the edit view, and "Scan the screen" with a real window
//! showing a QR code on an Xvfb display.

use std::time::Duration;

use i_slint_backend_testing::mock_elapsed_time;
use monban::app::{
    AvatarKind, EditAdapter, IconMode, ListAdapter, Msg, Navigation, Screen, SettingsAdapter,
};
use monban::vault::Icon;
use slint::platform::PointerEventButton;
use slint::{ComponentHandle, Model};

use super::{Harness, T0, code_of, harness};

fn colour(rgb: u32) -> slint::Color {
    slint::Color::from_rgb_u8((rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8)
}

fn issuers(h: &Harness) -> Vec<String> {
    h.rows().iter().map(|r| r.issuer.to_string()).collect()
}

/// Chooses a sort order and reveal on tap as the settings screen does.
fn list_settings(h: &Harness, sort_index: i32, reveal: bool) {
    let s = h.app.window().global::<SettingsAdapter>();
    s.set_sort_index(sort_index);
    s.set_reveal_on_tap(reveal);
    s.invoke_list_changed();
    h.app.pump();
}

#[test]
fn real_services_show_their_logos_without_the_user_doing_anything() {
    let h = harness(true);
    h.unlock();
    for issuer in [
        "GitHub", "Google", "Dropbox", "Facebook", "Discord", "PayPal",
    ] {
        let row = h.row(issuer);
        assert_eq!(row.look.kind, AvatarKind::Logo, "{issuer} shows its logo");
        let brand = monban::brands::for_issuer(issuer).unwrap();
        assert_eq!(row.look.ink, colour(brand.colour), "{issuer} in its colour");
        // The tile keeps the logo readable in both themes.
        for (tile, dark) in [(row.look.light, false), (row.look.dark, true)] {
            let rgb = (u32::from(tile.red()) << 16)
                | (u32::from(tile.green()) << 8)
                | u32::from(tile.blue());
            assert!(
                monban::brands::contrast(rgb, brand.colour) >= monban::brands::MIN_CONTRAST,
                "{issuer} on the {} tile",
                if dark { "dark" } else { "light" }
            );
        }
    }
    let logos = h
        .rows()
        .iter()
        .filter(|r| r.look.kind == AvatarKind::Logo)
        .count();
    assert!(logos >= 26, "{logos} rows with a logo");
    // Brands Simple Icons leaves out: a letter in the brand's colour.
    for (issuer, letter) in [
        ("Microsoft", "M"),
        ("Amazon", "A"),
        ("AWS", "A"),
        ("Kraken", "K"),
    ] {
        let row = h.row(issuer);
        let brand = monban::brands::for_issuer(issuer).unwrap();
        assert_eq!(row.look.kind, AvatarKind::Letter);
        assert_eq!(row.look.letter, letter);
        assert_eq!(row.look.light, colour(brand.colour));
        assert_eq!(row.look.dark, colour(brand.colour));
    }
    // Chosen icons stay what they are.
    assert_eq!(h.row("coin.z.com").look.kind, AvatarKind::Glyph);
    assert_eq!(h.row("Nextcloud").look.kind, AvatarKind::Letter);
}

#[test]
fn group_chips_filter_the_list_and_the_edit_view_changes_groups() {
    let h = harness(true);
    h.unlock();
    let list = h.app.window().global::<ListAdapter>();
    let groups: Vec<String> = list.get_groups().iter().map(|g| g.to_string()).collect();
    assert_eq!(groups, ["Dev", "Games", "Money", "Work"]);
    assert_eq!(list.get_group(), "");
    let all = h.rows().len();
    h.click("Games");
    assert_eq!(list.get_group(), "Games");
    assert_eq!(
        issuers(&h),
        ["Discord", "Steam", "Twitch", "Epic Games", "PlayStation"]
    );
    // The search narrows the group further.
    list.invoke_search_changed("epic".into());
    assert_eq!(issuers(&h), ["Epic Games"]);
    list.invoke_search_changed("".into());
    h.click("All");
    assert_eq!(h.rows().len(), all);

    // Steam leaves Games and joins "Fun" in the edit view.
    h.click("Games");
    h.find("Steam alice_gamer")
        .mock_single_click(PointerEventButton::Right);
    h.app.pump();
    h.click("Edit name and icon");
    assert_eq!(h.screen(), Screen::Edit);
    let form = h.app.window().global::<EditAdapter>();
    assert_eq!(form.get_groups().row_count(), 1);
    h.click("Remove group Games");
    assert_eq!(form.get_groups().row_count(), 0);
    h.type_into("Add a group", "  Fun   stuff ");
    h.click("Add");
    h.type_into("Add a group", "fun STUFF");
    h.click("Add");
    let typed: Vec<String> = form.get_groups().iter().map(|g| g.to_string()).collect();
    assert_eq!(typed, ["Fun stuff"], "cleaned, no duplicate");
    h.type_into(
        "Add a group",
        &"x".repeat(monban::vault::MAX_GROUP_BYTES + 1),
    );
    h.click("Add");
    assert_eq!(form.get_group_error(), Msg::GroupTooLong);
    h.click("Save");
    assert_eq!(h.screen(), Screen::List);
    assert_eq!(
        issuers(&h),
        ["Discord", "Twitch", "Epic Games", "PlayStation"],
        "Steam left the group shown"
    );
    let groups: Vec<String> = list.get_groups().iter().map(|g| g.to_string()).collect();
    assert_eq!(groups, ["Dev", "Fun stuff", "Games", "Money", "Work"]);
    h.click("Fun stuff");
    assert_eq!(issuers(&h), ["Steam"]);
    h.app.core().lock();
    let v = h.vault();
    let steam = v
        .entries()
        .iter()
        .find(|e| e.account.issuer == "Steam")
        .unwrap();
    assert_eq!(steam.meta.groups, ["Fun stuff"]);
}

#[test]
fn sort_orders_apply_are_kept_in_the_settings_and_moves_stay_in_custom_order() {
    let h = harness(true);
    h.unlock();
    let custom = issuers(&h);
    assert!(h.app.window().global::<ListAdapter>().get_custom_order());
    // By account name; the favourite (GitHub) stays first.
    list_settings(&h, 1, false);
    let rows = h.rows();
    assert_eq!(rows[0].issuer, "GitHub");
    let names: Vec<String> = rows[1..].iter().map(|r| r.name.to_lowercase()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "sorted by name");
    assert!(!h.app.window().global::<ListAdapter>().get_custom_order());
    // No moving rows while another order is shown.
    h.find("Google alice@gmail.com")
        .mock_single_click(PointerEventButton::Right);
    h.app.pump();
    assert!(h.exists("Edit name and icon"));
    assert!(!h.exists("Move up"), "moves only in the user's own order");
    h.app
        .window()
        .global::<ListAdapter>()
        .invoke_move(h.rows()[3].id.clone(), 1);
    h.app.pump();
    // By service.
    list_settings(&h, 2, false);
    let rest: Vec<String> = issuers(&h)[1..].iter().map(|i| i.to_lowercase()).collect();
    let mut sorted = rest.clone();
    sorted.sort();
    assert_eq!(rest, sorted, "sorted by service");
    // Most used and last used: copying counts. The order is not changed under the finger
    // that copies; it applies the next time the list is built (here: choosing it again).
    list_settings(&h, 0, false);
    h.find("Reddit alice_reads")
        .invoke_accessible_default_action();
    h.advance_secs(1);
    h.find("Zoom alice@example.com")
        .invoke_accessible_default_action();
    h.find("Zoom alice@example.com")
        .invoke_accessible_default_action();
    h.app.pump();
    list_settings(&h, 3, false);
    assert_eq!(
        issuers(&h)[..3],
        ["GitHub", "Zoom", "Reddit"],
        "most used first"
    );
    h.advance_secs(1);
    h.find("Reddit alice_reads")
        .invoke_accessible_default_action();
    list_settings(&h, 4, false);
    assert_eq!(
        issuers(&h)[..3],
        ["GitHub", "Reddit", "Zoom"],
        "most recent first"
    );

    // Kept in the settings file, in its own section; a new start shows the same order.
    let settings: serde_json::Value = serde_json::from_slice(
        &std::fs::read(monban::settings::Settings::path_for(&h.path)).unwrap(),
    )
    .unwrap();
    assert_eq!(settings["list"]["sort"], "recent");
    assert_eq!(settings["list"]["reveal_on_tap"], false);
    h.app.core().lock();
    h.unlock();
    assert_eq!(issuers(&h)[..3], ["GitHub", "Reddit", "Zoom"]);
    assert_eq!(
        h.app.window().global::<SettingsAdapter>().get_sort_index(),
        4
    );

    // Back to the user's own order: unchanged by all of the above, and moving works, also
    // inside a group (the neighbour shown, not the one hidden by the filter).
    list_settings(&h, 0, false);
    assert_eq!(issuers(&h), custom);
    h.click("Money");
    assert_eq!(
        issuers(&h),
        [
            "PayPal",
            "coin.z.com",
            "Example Bank",
            "Binance",
            "Kraken",
            "Stripe"
        ]
    );
    let bank = h.row("Example Bank").id;
    h.app.window().global::<ListAdapter>().invoke_move(bank, -1);
    h.app.pump();
    assert_eq!(
        issuers(&h)[..3],
        ["PayPal", "Example Bank", "coin.z.com"],
        "moved one place up among the rows shown"
    );
    h.click("All");
    let all = issuers(&h);
    let pos = |name: &str| all.iter().position(|i| i == name).unwrap();
    assert_eq!(pos("Example Bank") + 1, pos("coin.z.com"));
}

#[test]
fn reveal_on_tap_hides_codes_until_tapped_and_one_tap_still_copies() {
    let h = harness(true);
    h.unlock();
    assert!(!h.row("Dropbox").hidden, "off by default");
    list_settings(&h, 0, true);
    let row = h.row("Dropbox");
    assert!(row.hidden);
    assert_eq!(row.code, "••• •••");
    assert_eq!(
        row.spoken, "",
        "nothing for a screen reader to speak either"
    );
    assert_eq!(row.next_code, "");
    assert!(
        h.rows()
            .iter()
            .all(|r| r.hidden && !r.code.contains(|c: char| c.is_ascii_digit()))
    );
    assert!(h.exists("Dropbox alice@example.com"));
    assert_eq!(
        h.find("Dropbox alice@example.com")
            .accessible_value()
            .as_deref(),
        Some("Code hidden: activate to copy it and show it for a few seconds")
    );
    // One tap: copied (with the usual toast) and shown.
    h.find("Dropbox alice@example.com")
        .mock_single_click(PointerEventButton::Left);
    h.app.pump();
    assert_eq!(h.clipboard.last().unwrap(), code_of("Dropbox", T0));
    assert_eq!(
        h.app.window().global::<Navigation>().get_toast(),
        Msg::Copied
    );
    let row = h.row("Dropbox");
    assert!(!row.hidden);
    assert_eq!(row.code.replace(' ', ""), code_of("Dropbox", T0));
    assert!(h.row("Discord").hidden, "only the tapped code shows");
    // A few seconds later it hides again, across the period boundary too.
    h.advance_secs(monban::arrange::REVEAL_SECS - 1);
    assert!(!h.row("Dropbox").hidden);
    h.advance_secs(1);
    let row = h.row("Dropbox");
    assert!(row.hidden);
    assert!(!row.code.contains(|c: char| c.is_ascii_digit()));
    // Turning it off shows every code again.
    list_settings(&h, 0, false);
    assert!(h.rows().iter().all(|r| !r.hidden));
    mock_elapsed_time(Duration::from_millis(1600));
}

#[test]
fn look_alikes_show_what_tells_them_apart() {
    let h = harness(true);
    h.unlock();
    let google: Vec<_> = h
        .rows()
        .into_iter()
        .filter(|r| r.issuer == "Google")
        .collect();
    assert_eq!(google.len(), 2);
    assert_eq!(google[0].name, google[1].name);
    assert_eq!(google[0].detail, Msg::AddedOn);
    assert_eq!(google[0].detail_arg, "2026-03-14");
    assert!(h.exists("Added on 2026-03-14"), "the line is shown");
    assert!(h.exists("Work phone"));
    assert_eq!(google[1].detail, Msg::Detail);
    assert_eq!(google[1].detail_arg, "Work phone");
    assert_eq!(
        h.row("Dropbox").detail,
        Msg::None,
        "unique accounts: no line"
    );
}

#[test]
fn the_edit_view_picks_any_brand_icon_by_search() {
    let h = harness(true);
    h.unlock();
    h.find("Nextcloud alice")
        .mock_single_click(PointerEventButton::Right);
    h.app.pump();
    h.click("Edit name and icon");
    let form = h.app.window().global::<EditAdapter>();
    assert_eq!(form.get_icon_mode(), IconMode::Letter, "chosen by the user");
    assert_eq!(form.get_auto_title(), "Nextcloud");
    assert_eq!(form.get_auto_look().kind, AvatarKind::Logo);
    assert_eq!(form.get_preview().kind, AvatarKind::Letter);
    // Before anything is typed: the matching brand first, then popular ones.
    assert_eq!(form.get_brands().row_data(0).unwrap().slug, "nextcloud");
    h.type_into("Search service icons", "bitwar");
    form.invoke_brand_search(form.get_brand_query());
    let found: Vec<String> = form
        .get_brands()
        .iter()
        .map(|b| b.slug.to_string())
        .collect();
    assert_eq!(found, ["bitwarden"]);
    h.click("Bitwarden");
    assert_eq!(form.get_icon_mode(), IconMode::Brand);
    assert_eq!(form.get_preview().kind, AvatarKind::Logo);
    h.type_into("Search service icons", "no such brand at all");
    form.invoke_brand_search(form.get_brand_query());
    assert_eq!(form.get_brands().row_count(), 0);
    assert!(h.exists("No service icon matches. The letter or a glyph works for every service."));
    h.click("Save");
    let row = h.row("Nextcloud");
    assert_eq!(row.look.kind, AvatarKind::Logo);
    assert_eq!(
        row.look.ink,
        colour(monban::brands::by_slug("bitwarden").unwrap().colour)
    );
    // Back to automatic: stored as the default, which follows the service's brand.
    h.find("Nextcloud alice")
        .mock_single_click(PointerEventButton::Right);
    h.app.pump();
    h.click("Edit name and icon");
    h.click("Automatic: Nextcloud");
    h.click("Save");
    h.app.core().lock();
    let v = h.vault();
    let e = v
        .entries()
        .iter()
        .find(|e| e.account.issuer == "Nextcloud")
        .unwrap();
    assert_eq!(e.meta.icon, Icon::Letter);
    drop(v);
    h.unlock();
    assert_eq!(h.row("Nextcloud").look.kind, AvatarKind::Logo);
}

#[test]
fn a_scanned_account_gets_its_brand_and_a_bad_brand_name_falls_back() {
    let h = harness(true);
    h.unlock();
    h.click("Add account");
    let uri = "otpauth://totp/Dropbox:carol?secret=JBSWY3DPEHPK3PXP&issuer=Dropbox";
    monban::app::scan::feed_frame(h.app.core(), monban::qr::encode(uri).unwrap().to_frame());
    h.wait("the confirm form", |a| {
        a.window().global::<Navigation>().get_screen() == Screen::Edit
    });
    let form = h.app.window().global::<EditAdapter>();
    assert_eq!(form.get_icon_mode(), IconMode::Automatic);
    assert_eq!(form.get_preview().kind, AvatarKind::Logo);
    // Typing another service changes what automatic gives.
    h.type_into("Service", "Microsoft");
    form.invoke_look_changed();
    assert_eq!(form.get_preview().kind, AvatarKind::Letter);
    assert_eq!(form.get_preview().letter, "M");
    h.click("Register");
    let carol = h.rows().into_iter().find(|r| r.name == "carol").unwrap();
    assert_eq!(
        (carol.look.kind, carol.look.letter.as_str()),
        (AvatarKind::Letter, "M")
    );
}

#[test]
fn scan_the_screen_goes_on_with_none_one_or_a_choice_of_several_codes() {
    let h = harness(true);
    h.unlock();
    h.click("Add account");
    assert_eq!(h.screen(), Screen::Scan);
    let scan = h.app.window().global::<monban::app::ScanAdapter>();
    assert!(scan.get_screen_available(), "a desktop build offers it");
    assert!(h.exists("Scan the screen"));
    // Nothing on the screen: a clear message, still on the add view.
    monban::app::scan::screen_scanned(h.app.core(), Vec::new());
    assert_eq!(scan.get_message(), Msg::ScreenNone);
    assert!(h.exists(
        "No QR code on the screen. Open the page with the QR code in a window that is not covered, then try again."
    ));
    // Several (the same code twice counts once): a choice, then the confirm form.
    let github = "otpauth://totp/GitHub:carol?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
    monban::app::scan::screen_scanned(
        h.app.core(),
        vec![
            github.to_owned(),
            "https://example.com/".to_owned(),
            github.to_owned(),
        ],
    );
    assert_eq!(scan.get_message(), Msg::ScreenSeveral);
    assert!(h.exists("2 QR codes on the screen. Choose the one to add."));
    assert_eq!(scan.get_found().row_count(), 2);
    let first = scan.get_found().row_data(0).unwrap();
    assert_eq!(
        (first.issuer.as_str(), first.name.as_str()),
        ("GitHub", "carol")
    );
    assert_eq!(first.look.kind, AvatarKind::Logo);
    assert_eq!(scan.get_found().row_data(1).unwrap().what, Msg::WebLink);
    h.click("GitHub carol");
    assert_eq!(h.screen(), Screen::Edit);
    let form = h.app.window().global::<EditAdapter>();
    assert_eq!(form.get_issuer(), "GitHub");
    assert_eq!(form.get_secret(), "", "the secret stays in Rust");
    form.invoke_cancel();
    h.app.pump();
    assert_eq!(h.screen(), Screen::Scan);
    assert_eq!(scan.get_found().row_count(), 0, "the choice is gone");
    // One code: straight to the confirm form.
    monban::app::scan::screen_scanned(h.app.core(), vec![github.to_owned()]);
    assert_eq!(h.screen(), Screen::Edit);
    h.click("Register");
    assert!(h.rows().iter().any(|r| r.name == "carol"));
}
