//! `monban code --uri URI [--at T]` through the built binary, and against `oathtool`.

use crate::common::{monban, require_tool, run};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn code(uri: &str, at: u64) -> (bool, String, String) {
    let mut c = monban();
    c.args(["code", "--uri", uri, "--at", &at.to_string()]);
    run(c)
}

#[test]
fn prints_the_code() {
    let (ok, out, err) = code(
        "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8",
        59,
    );
    assert!(ok, "{err}");
    assert_eq!(out, "94287082\n");
}

#[test]
fn year_2603_row() {
    let (ok, out, _) = code(
        "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8",
        20000000000,
    );
    assert!(ok);
    assert_eq!(out.trim(), "65353130");
}

#[test]
fn bad_input_is_one_clear_line_and_nonzero() {
    for (uri, needle) in [
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PX1", "Base32"),
        ("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP", "counter"),
        (
            "otpauth://yotp/x?secret=JBSWY3DPEHPK3PXP",
            "unknown code type",
        ),
        (
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
            "algorithm",
        ),
        ("https://example.com", "otpauth://"),
    ] {
        let (ok, out, err) = code(uri, 0);
        assert!(!ok, "{uri}");
        assert!(out.is_empty());
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("monban: "), "{err}");
        assert!(err.contains(needle), "{uri}: {err}");
    }
}

#[test]
fn bad_time_is_refused() {
    let mut c = monban();
    c.args([
        "code",
        "--uri",
        "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
        "--at",
        "yesterday",
    ]);
    let (ok, _, err) = run(c);
    assert!(!ok);
    assert!(err.contains("--at"), "{err}");
}

/// Compares with oathtool on random secrets, times, digits and algorithms. Each case is one
/// process pair, so the case count is modest; the oathtool seam is the point.
#[test]
fn agrees_with_oathtool() {
    if !require_tool("oathtool", "apt-get install oathtool") {
        return;
    }
    let mut runner = TestRunner::new(Config {
        cases: 200,
        ..Config::default()
    });
    let strat = (
        prop::collection::vec(any::<u8>(), 10..64),
        0u64..40_000_000_000,
        6u32..=8,
        prop_oneof![Just("SHA1"), Just("SHA256"), Just("SHA512")],
        prop_oneof![Just(30u64), Just(60), Just(15), Just(1), Just(90)],
        any::<bool>(),
        0u64..1_000_000,
    );
    runner
        .run(&strat, |(secret, t, digits, algo, period, hotp, counter)| {
            let b32 = data_encoding::BASE32_NOPAD.encode(&secret);
            // oathtool's HOTP mode is SHA1 only.
            let (uri, oath_args) = if hotp {
                (
                    format!("otpauth://hotp/x?secret={b32}&algorithm=SHA1&digits={digits}&counter={counter}"),
                    vec![
                        "--hotp".into(),
                        "--base32".into(),
                        format!("--digits={digits}"),
                        format!("--counter={counter}"),
                        b32.clone(),
                    ],
                )
            } else {
                (
                    format!("otpauth://totp/x?secret={b32}&algorithm={algo}&digits={digits}&period={period}"),
                    vec![
                        format!("--totp={}", algo.to_lowercase()),
                        "--base32".into(),
                        format!("--digits={digits}"),
                        format!("--time-step-size={period}s"),
                        format!("--now=@{t}"),
                        b32.clone(),
                    ],
                )
            };
            let mut o = std::process::Command::new("oathtool");
            o.args(&oath_args).env("TZ", "UTC");
            let (ok_o, want, err_o) = run(o);
            prop_assert!(ok_o, "oathtool failed: {err_o}");
            let (ok_m, got, err_m) = code(&uri, t);
            prop_assert!(ok_m, "monban failed: {err_m}");
            prop_assert_eq!(got.trim(), want.trim(), "{}", uri);
            Ok(())
        })
        .unwrap();
}
