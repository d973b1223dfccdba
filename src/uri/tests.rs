use super::*;
use proptest::prelude::*;

const JB: &[u8] = b"Hello!\xde\xad\xbe\xef"; // JBSWY3DPEHPK3PXP

fn p(s: &str) -> Account {
    parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[test]
fn basic_google_example() {
    let a = p("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example");
    assert_eq!(a.issuer, "Example");
    assert_eq!(a.name, "alice@google.com");
    assert_eq!(a.secret.expose(), JB);
    assert_eq!(
        (a.kind, a.algorithm, a.digits, a.period),
        (Kind::Totp, Algorithm::Sha1, 6, 30)
    );
}

#[test]
fn secret_deviations() {
    for s in [
        "jbswy3dpehpk3pxp",
        "JBSWY3DPEHPK3PXP======",
        "JBSW Y3DP EHPK 3PXP",
        "JBSW-Y3DP-EHPK-3PXP",
        "jbsw%20y3dp%20ehpk%203pxp",
    ] {
        let a = p(&format!("otpauth://totp/x?secret={s}"));
        assert_eq!(a.secret.expose(), JB, "{s}");
    }
    // 80-bit secret (16 chars) as real services hand out
    assert_eq!(
        p("otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ").secret.len(),
        10
    );
}

#[test]
fn plus_is_space_in_query_not_label() {
    let a = p("otpauth://totp/Air%20Canada:bob+smith?secret=JBSWY3DPEHPK3PXP&issuer=Air+Canada");
    assert_eq!(a.issuer, "Air Canada");
    assert_eq!(a.name, "bob+smith");
}

#[test]
fn colon_forms_and_spaces() {
    for label in [
        "ACME:alice",
        "ACME%3Aalice",
        "ACME%3aalice",
        "ACME:%20alice",
        "ACME%3A%20%20alice",
    ] {
        let a = p(&format!("otpauth://totp/{label}?secret=JBSWY3DPEHPK3PXP"));
        assert_eq!(
            (a.issuer.as_str(), a.name.as_str()),
            ("ACME", "alice"),
            "{label}"
        );
    }
}

#[test]
fn issuer_param_wins_over_label_prefix() {
    let a = p("otpauth://totp/Old:alice?secret=JBSWY3DPEHPK3PXP&issuer=New");
    assert_eq!((a.issuer.as_str(), a.name.as_str()), ("New", "alice"));
}

#[test]
fn missing_issuer_and_empty_label() {
    let a = p("otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP");
    assert_eq!((a.issuer.as_str(), a.name.as_str()), ("", "alice"));
    let a = p("otpauth://totp/?secret=JBSWY3DPEHPK3PXP");
    assert_eq!((a.issuer.as_str(), a.name.as_str()), ("", ""));
    let a = p("otpauth://totp?secret=JBSWY3DPEHPK3PXP&issuer=X");
    assert_eq!((a.issuer.as_str(), a.name.as_str()), ("X", ""));
}

#[test]
fn more_than_one_colon() {
    let a = p("otpauth://totp/ACME:alice:work?secret=JBSWY3DPEHPK3PXP");
    assert_eq!((a.issuer.as_str(), a.name.as_str()), ("ACME", "alice:work"));
    let a = p("otpauth://totp/ACME:alice:work?secret=JBSWY3DPEHPK3PXP&issuer=ACME");
    assert_eq!((a.issuer.as_str(), a.name.as_str()), ("ACME", "alice:work"));
}

#[test]
fn algorithms_digits_periods() {
    assert_eq!(
        p("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=sha512").algorithm,
        Algorithm::Sha512
    );
    assert_eq!(
        p("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=SHA-256").algorithm,
        Algorithm::Sha256
    );
    assert_eq!(
        p("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=7").digits,
        7
    );
    assert_eq!(
        p("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=8").digits,
        8
    );
    for period in [10, 15, 20, 50, 60, 90] {
        assert_eq!(
            p(&format!(
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period={period}"
            ))
            .period,
            period
        );
    }
    assert_eq!(
        parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=SHA224"),
        Err(Error::UnsupportedAlgorithm("SHA224".into()))
    );
    assert_eq!(
        parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5"),
        Err(Error::UnsupportedAlgorithm("MD5".into()))
    );
    assert_eq!(
        parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12"),
        Err(Error::BadDigits("12".into()))
    );
    assert_eq!(
        parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=six"),
        Err(Error::BadDigits("six".into()))
    );
    assert_eq!(
        parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0"),
        Err(Error::BadPeriod("0".into()))
    );
}

#[test]
fn unknown_params_ignored_and_scheme_case() {
    let a = p(
        "OTPauth://TOTP/x?secret=JBSWY3DPEHPK3PXP&codeDisplay=grouped&image=http%3A%2F%2Fx&color=red&lock=false&pin=1234",
    );
    assert_eq!(a.secret.expose(), JB);
}

#[test]
fn hotp() {
    let a = p("otpauth://hotp/ACME:bob?secret=JBSWY3DPEHPK3PXP&counter=5");
    assert_eq!((a.kind, a.counter), (Kind::Hotp, 5));
    assert_eq!(
        parse("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP"),
        Err(Error::HotpWithoutCounter)
    );
    assert_eq!(
        parse("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=-1"),
        Err(Error::BadCounter("-1".into()))
    );
}

#[test]
fn steam_forms() {
    let want = data_encoding::BASE32
        .decode(b"HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ")
        .unwrap();
    for s in [
        "steam://HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ",
        "otpauth://steam/Steam:me?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ",
        "otpauth://totp/Steam:me?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&encoder=steam&digits=5",
    ] {
        let a = p(s);
        assert_eq!((a.kind, a.digits), (Kind::Steam, 5), "{s}");
        assert_eq!(a.secret.expose(), &want[..]);
        assert_eq!(crate::otp::code_at(&a, 1672531200).unwrap(), "7W6CJ", "{s}");
    }
    let a = p("otpauth://steam/Steam:x?secret=Z3ZBVSU5ZE7PW3276QDB5KZKFAMT7Y4L");
    assert_eq!(crate::otp::code_at(&a, 1616374841).unwrap(), "2F9J5");
}

#[test]
fn errors_name_the_cause() {
    assert_eq!(parse("https://example.com"), Err(Error::NotOtpauth));
    assert_eq!(
        parse("otpauth://yotp/x?secret=JBSWY3DPEHPK3PXP"),
        Err(Error::UnknownType("yotp".into()))
    );
    assert_eq!(
        parse("otpauth://totp/x?issuer=A"),
        Err(Error::MissingSecret)
    );
    assert_eq!(parse("otpauth://totp/x?secret="), Err(Error::EmptySecret));
    assert_eq!(
        parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PX1"),
        Err(Error::SecretNotBase32('1'))
    );
    assert_eq!(
        parse("otpauth://totp/x?secret=A"),
        Err(Error::SecretTooShort)
    );
    let why = Error::SecretNotBase32('1').to_string();
    assert!(why.contains("Base32") && why.contains("\"1\""), "{why}");
    // Real non-Base32 text is still refused, naming what is wrong.
    assert_eq!(
        parse_secret("my-password!"),
        Err(Error::SecretNotBase32('!'))
    );
    assert_eq!(parse_secret("0xDEADBEEF"), Err(Error::SecretNotBase32('0')));
}

#[test]
fn name_with_colons_and_no_issuer_round_trips() {
    let a = Account::totp("", "Air Canada:bob", Secret::new(JB.to_vec()));
    let uri = write(&a);
    assert!(
        uri.starts_with("otpauth://totp/:Air%20Canada%3Abob?"),
        "{}",
        &*uri
    );
    assert_eq!(parse(&uri).unwrap(), a);
}

#[test]
fn writer_is_strict() {
    let a = p("otpauth://totp/Air%20Canada:bob?secret=jbswy3dpehpk3pxp====&issuer=Air+Canada");
    assert_eq!(
        &*write(&a),
        "otpauth://totp/Air%20Canada:bob?secret=JBSWY3DPEHPK3PXP&issuer=Air%20Canada&algorithm=SHA1&digits=6&period=30"
    );
}

#[test]
fn secret_never_in_debug_of_errors() {
    let e = parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PX1").unwrap_err();
    assert!(!format!("{e:?}{e}").contains("JBSWY3DP"));
}

fn arb_text() -> impl Strategy<Value = String> {
    // Any Unicode, trimmed (the reader trims); colons allowed.
    "\\PC{0,20}".prop_map(|s: String| s.trim().to_string())
}

fn arb_account() -> impl Strategy<Value = Account> {
    (
        arb_text(),
        arb_text(),
        prop::collection::vec(any::<u8>(), 1..64),
        prop_oneof![Just(Kind::Totp), Just(Kind::Hotp), Just(Kind::Steam)],
        prop_oneof![
            Just(Algorithm::Sha1),
            Just(Algorithm::Sha256),
            Just(Algorithm::Sha512)
        ],
        6u32..=10,
        1u64..100_000,
        any::<u64>(),
    )
        .prop_map(
            |(issuer, name, secret, kind, algorithm, digits, period, counter)| {
                let mut a = Account {
                    issuer,
                    name,
                    secret: Secret::new(secret),
                    kind,
                    algorithm,
                    digits,
                    period,
                    counter,
                };
                match a.kind {
                    Kind::Steam => {
                        a.algorithm = Algorithm::Sha1;
                        a.digits = 5;
                        a.period = 30;
                        a.counter = 0;
                    }
                    Kind::Hotp => a.period = 30,
                    Kind::Totp => a.counter = 0,
                }
                a
            },
        )
}

proptest! {
    #[test]
    fn read_write_round_trip(a in arb_account()) {
        let uri = write(&a);
        let back = parse(&uri).unwrap();
        prop_assert_eq!(back, a);
    }

    #[test]
    fn no_input_panics(s in "\\PC*") {
        let _ = parse(&s);
        let _ = parse(&format!("otpauth://{s}"));
        let _ = parse(&format!("otpauth://totp/{s}"));
        let _ = parse_secret(&s);
        let _ = percent_decode(&s, true);
    }

    #[test]
    fn no_query_panics(q in "([a-z]{0,8}=[%+A-Za-z0-9:]{0,12}&?){0,6}") {
        let _ = parse(&format!("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&{q}"));
        let _ = parse(&format!("otpauth://hotp/A:b?{q}"));
    }
}

/// Secrets whose Base32 length leaves spare bits (17, 14, 11, 9 characters) decode as Google
/// Authenticator, 2FAS, Ente and Proton decode them: the spare bits are dropped. The codes are
/// `oathtool --totp -N @59 HEX` for the bytes those apps use.
#[test]
fn secrets_with_spare_bits_give_the_codes_other_apps_give() {
    for (secret, hex, code) in [
        ("JBSWY3DPEHPK3PXPQ", "48656c6c6f21deadbeef", "996554"),
        ("JBSWY3DPEHPK3P", "48656c6c6f21dead", "571916"),
        ("jbswy3dpehp", "48656c6c6f21", "945916"),
        ("JBSWY3DPE", "48656c6c6f", "409098"),
    ] {
        let a = p(&format!("otpauth://totp/x?secret={secret}"));
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        assert_eq!(a.secret.expose(), &bytes[..], "{secret}");
        assert_eq!(crate::otp::code_at(&a, 59).unwrap(), code, "{secret}");
    }
}

/// Reference decoder: five bits per symbol, whole bytes kept, the rest dropped.
fn bit_decode(s: &str) -> Vec<u8> {
    let (mut acc, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for c in s.chars() {
        acc = (acc << 5) | BASE32_SYMBOLS.find(c).unwrap() as u32;
        bits += 5;
        if bits >= 8 {
            out.push((acc >> (bits - 8)) as u8);
            bits -= 8;
        }
        acc &= (1 << bits) - 1;
    }
    out
}

proptest! {
    #[test]
    fn any_length_decodes_like_the_bit_reader(s in "[A-Z2-7]{2,64}") {
        let secret = parse_secret(&s).unwrap();
        prop_assert_eq!(secret.expose(), &bit_decode(&s)[..]);
    }
}
