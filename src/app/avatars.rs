//! Account avatars as Slint sees them ([`AvatarLook`]): what an entry's stored icon resolves to
//! ([`brands::resolve`]: automatic brand by issuer or domain, a chosen brand, a glyph, the
//! letter, the user's own picture), in the colours that suit light and dark themes
//! ([`brands::tile`]).
//!
//! Images are made lazily and kept for the session: a brand's logo is turned into an SVG image
//! the first time a row shows it (Slint rasterises it at the size drawn and caches that), an
//! own picture is decoded once per distinct picture. A list of 200 accounts thus makes one
//! image per distinct brand, and nothing for brands never shown.

use std::cell::RefCell;
use std::collections::HashMap;

use slint::{Color, Image, Rgba8Pixel, SharedPixelBuffer};

use super::glyphs;
use super::{AvatarKind, AvatarLook};
use crate::brands::{self, Brand, Resolved};
use crate::vault::Icon;

thread_local! {
    /// Logo images by brand slug (UI thread only, like every Slint image).
    static LOGOS: RefCell<HashMap<&'static str, Option<Image>>> = RefCell::new(HashMap::new());
    /// Own pictures by a hash of their bytes.
    static PICTURES: RefCell<HashMap<u64, Option<Image>>> = RefCell::new(HashMap::new());
}

fn colour(rgb: u32) -> Color {
    Color::from_rgb_u8((rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8)
}

/// The SVG document of a logo: its path, black, on the 24×24 view box (coloured by Slint).
pub fn logo_svg(path: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="{}"/></svg>"#,
        path.replace(['"', '<', '>', '&'], "")
    )
}

/// The logo image of a brand with a logo, made on first use.
fn logo(brand: &'static Brand) -> Option<Image> {
    let path = brand.path.as_deref()?;
    LOGOS.with(|cache| {
        cache
            .borrow_mut()
            .entry(brand.slug.as_str())
            .or_insert_with(|| Image::load_from_svg_data(logo_svg(path).as_bytes()).ok())
            .clone()
    })
}

/// How many logo images were made this session.
#[cfg(test)]
fn logos_made() -> usize {
    LOGOS.with(|c| c.borrow().len())
}

/// The user's own picture (PNG/JPEG bytes), decoded once; `None` if it does not decode.
fn picture(bytes: &[u8]) -> Option<Image> {
    let key = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    PICTURES.with(|cache| {
        cache
            .borrow_mut()
            .entry(key)
            .or_insert_with(|| {
                let rgba = image::load_from_memory(bytes).ok()?.to_rgba8();
                let (w, h) = rgba.dimensions();
                let buf = SharedPixelBuffer::<Rgba8Pixel>::clone_from_slice(rgba.as_raw(), w, h);
                Some(Image::from_rgba8(buf))
            })
            .clone()
    })
}

/// The letter avatar: white on a palette colour.
pub(crate) fn letter(label: &str, rgb: u32) -> AvatarLook {
    AvatarLook {
        kind: AvatarKind::Letter,
        letter: glyphs::letter(label).into(),
        light: colour(rgb),
        dark: colour(rgb),
        ink: colour(0xFFFFFF),
        ..Default::default()
    }
}

/// A built-in glyph, white on a palette colour.
pub(crate) fn glyph(index: usize, rgb: u32) -> AvatarLook {
    AvatarLook {
        kind: AvatarKind::Glyph,
        glyph: index as i32,
        light: colour(rgb),
        dark: colour(rgb),
        ink: colour(0xFFFFFF),
        ..Default::default()
    }
}

/// A brand: its logo in the brand colour on a tile that keeps it readable in each theme, or
/// (brands without a logo, and if the logo cannot be drawn) its letter on the brand colour.
pub(crate) fn brand(b: &'static Brand) -> AvatarLook {
    match logo(b) {
        Some(image) => AvatarLook {
            kind: AvatarKind::Logo,
            image,
            light: colour(brands::tile(b, false).background),
            dark: colour(brands::tile(b, true).background),
            ink: colour(b.colour),
            ..Default::default()
        },
        None => {
            let t = brands::tile(&letter_brand(b), false);
            AvatarLook {
                kind: AvatarKind::Letter,
                letter: glyphs::letter(&b.title).into(),
                light: colour(t.background),
                dark: colour(t.background),
                ink: colour(t.foreground),
                ..Default::default()
            }
        }
    }
}

/// The brand as a letter brand (its colours as a letter avatar even when it has a logo).
fn letter_brand(b: &Brand) -> Brand {
    Brand {
        slug: String::new(),
        title: String::new(),
        colour: b.colour,
        path: None,
        names: Vec::new(),
        domains: Vec::new(),
    }
}

/// The user's own picture, or the letter if it cannot be decoded.
pub(crate) fn own_picture(bytes: &[u8], label: &str, rgb: u32) -> AvatarLook {
    match picture(bytes) {
        Some(image) => AvatarLook {
            kind: AvatarKind::Picture,
            image,
            light: colour(rgb),
            dark: colour(rgb),
            ink: colour(0xFFFFFF),
            ..Default::default()
        },
        None => letter(label, rgb),
    }
}

/// [`for_entry`] without making a logo image: the look (colours set, no image yet) and, for a
/// logo, its brand; [`brand`] makes the look with its image when the avatar is first shown.
pub(crate) fn deferred(
    icon: &Icon,
    stored_colour: u32,
    issuer: &str,
    name: &str,
) -> (AvatarLook, Option<&'static Brand>) {
    match brands::resolve(icon, issuer, name) {
        Resolved::Brand(b) if b.path.is_some() => {
            let look = AvatarLook {
                kind: AvatarKind::Logo,
                light: colour(brands::tile(b, false).background),
                dark: colour(brands::tile(b, true).background),
                ink: colour(b.colour),
                ..Default::default()
            };
            (look, Some(b))
        }
        _ => (for_entry(icon, stored_colour, issuer, name), None),
    }
}

/// What an entry's avatar shows: its stored `icon` and palette `colour` (0xRRGGBB), for an
/// account with `issuer` and `name`.
pub(crate) fn for_entry(icon: &Icon, stored_colour: u32, issuer: &str, name: &str) -> AvatarLook {
    let rgb = glyphs::COLOURS[glyphs::colour_index(stored_colour)];
    let label = if issuer.trim().is_empty() {
        name
    } else {
        issuer
    };
    match brands::resolve(icon, issuer, name) {
        Resolved::Brand(b) => brand(b),
        Resolved::Glyph(g) => match glyphs::glyph_index(g) {
            Some(i) => glyph(i, rgb),
            None => letter(label, rgb),
        },
        Resolved::Letter => letter(label, rgb),
        Resolved::Custom => match icon {
            Icon::Custom(bytes) => own_picture(bytes, label, rgb),
            _ => letter(label, rgb),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_logo_makes_an_svg_document() {
        for b in brands::all().iter().filter(|b| b.path.is_some()) {
            let svg = logo_svg(b.path.as_deref().unwrap());
            assert!(
                svg.starts_with("<svg") && svg.ends_with("</svg>"),
                "{}",
                b.slug
            );
            assert!(
                Image::load_from_svg_data(svg.as_bytes()).is_ok(),
                "the logo of {} loads",
                b.slug
            );
        }
    }

    #[test]
    fn entries_resolve_to_logo_letter_glyph() {
        let github = for_entry(&Icon::Letter, 0x1565c0, "GitHub", "alice");
        assert_eq!(github.kind, AvatarKind::Logo);
        // Microsoft has no logo in Simple Icons: its letter on its own colour.
        let ms = for_entry(&Icon::Letter, 0x1565c0, "Microsoft", "alice@outlook.com");
        assert_eq!(ms.kind, AvatarKind::Letter);
        assert_eq!(ms.letter, "M");
        let b = brands::by_slug("microsoft").unwrap();
        assert_eq!(ms.light, colour(b.colour));
        assert_eq!(
            for_entry(&Icon::Builtin("letter".into()), 0x1565c0, "GitHub", "a").kind,
            AvatarKind::Letter
        );
        let g = for_entry(&Icon::Builtin("mail".into()), 0x1565c0, "GitHub", "a");
        assert_eq!((g.kind, g.glyph), (AvatarKind::Glyph, 2));
        assert_eq!(
            for_entry(&Icon::Letter, 0x1565c0, "Nowhere Co", "a").kind,
            AvatarKind::Letter
        );
        // A picture that is not an image falls back to the letter.
        assert_eq!(
            for_entry(&Icon::Custom(vec![1, 2, 3]), 0x1565c0, "X", "a").kind,
            AvatarKind::Letter
        );
    }

    #[test]
    fn deferred_looks_make_no_image_until_shown() {
        let (look, brand) = deferred(&Icon::Letter, 0, "Discord", "a");
        let brand = brand.expect("a logo to make later");
        assert_eq!(brand.slug, "discord");
        assert_eq!(look.kind, AvatarKind::Logo);
        assert_eq!(look.image.size().width, 0, "no image yet");
        let shown = super::brand(brand);
        assert_eq!(
            (shown.light, shown.dark, shown.ink),
            (look.light, look.dark, look.ink)
        );
        assert!(shown.image.size().width > 0);
        let (letter, none) = deferred(&Icon::Letter, 0, "Microsoft", "a");
        assert!(none.is_none());
        assert_eq!(letter.kind, AvatarKind::Letter);
    }

    #[test]
    fn logos_are_made_once() {
        let before = logos_made();
        let a = for_entry(&Icon::Letter, 0, "Dropbox", "a");
        let n = logos_made();
        let b = for_entry(&Icon::Letter, 0, "dropbox.com", "b");
        assert_eq!(logos_made(), n, "the second Dropbox row reuses the image");
        assert!(n <= before + 1);
        assert_eq!(a.image, b.image);
    }
}
