//! Ids, groups, sorting and brand icons through the built binary: look-alike accounts told
//! apart by id, `group`/`ungroup`, `list --group/--sort/--json`, and groups surviving a backup
//! restore and a sealed transfer into new vaults. Real KDF settings, so the commands are few.

use std::path::Path;
use std::process::Command;

use crate::common::{export, export_json, monban, run};

const PASS: &str = "correct horse battery staple 7";

fn cmd(vault: &Path) -> Command {
    let mut c = monban();
    c.env("MONBAN_VAULT", vault)
        .env("MONBAN_PASSCODE", PASS)
        .env("MONBAN_BACKUP_PASSWORD", "another horse battery staple 8");
    c
}

fn ok(vault: &Path, args: &[&str]) -> String {
    let mut c = cmd(vault);
    c.args(args);
    let (success, out, err) = run(c);
    assert!(success, "monban {args:?} failed: {err}");
    out
}

fn fails(vault: &Path, args: &[&str]) -> String {
    let mut c = cmd(vault);
    c.args(args);
    let (success, out, err) = run(c);
    assert!(!success, "monban {args:?} should fail: {out}");
    assert!(err.starts_with("monban: "), "{err}");
    err
}

fn rows(vault: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["list", "--json", "--at", "1700000000"];
    args.extend(extra);
    let out = ok(vault, &args);
    serde_json::from_str::<serde_json::Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn field(rows: &[serde_json::Value], key: &str) -> Vec<String> {
    rows.iter()
        .map(|r| match &r[key] {
            serde_json::Value::String(s) => s.clone(),
            v => v.to_string(),
        })
        .collect()
}

const GH1: &str = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const GH2: &str = "otpauth://totp/GitHub:alice?secret=KRSXG5CTMVRXEZLU&issuer=GitHub";
const GOOGLE: &str = "otpauth://totp/Google:bob%40gmail.com?secret=GEZDGNBVGY3TQOJQ&issuer=Google";
const AMAZON: &str = "otpauth://totp/amazon.co.jp:carol?secret=MFRGGZDFMZTWQ2LK";

#[test]
fn lookalikes_groups_sorting_and_icons_survive_backup_and_transfer() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let v = d.join("main.vault");
    ok(&v, &["init"]);
    for uri in [GH1, GH2, GOOGLE, AMAZON] {
        ok(&v, &["add", uri]);
    }
    let all = rows(&v, &[]);
    assert_eq!(field(&all, "id"), ["1", "2", "3", "4"]);
    assert_eq!(
        field(&all, "icon"),
        [
            "brand:github",
            "brand:github",
            "brand:google",
            "brand:amazon"
        ]
    );
    assert!(all.iter().all(|r| r["groups"] == serde_json::json!([])));

    // The same service enrolled twice: the name is ambiguous, the id is not.
    let err = fails(&v, &["code", "GitHub (alice)"]);
    assert!(
        err.contains("matches 2 accounts") && err.contains("#1") && err.contains("#2"),
        "{err}"
    );
    let mut c = monban();
    c.args(["code", "--uri", GH2, "--at", "1700000000"]);
    let (_, want, _) = run(c);
    assert_eq!(ok(&v, &["code", "#2", "--at", "1700000000"]), want);
    assert_eq!(ok(&v, &["code", "2", "--at", "1700000000"]), want);
    let table = ok(&v, &["list"]);
    assert!(
        table.lines().next().unwrap().starts_with("ID  ISSUER"),
        "{table}"
    );

    // Groups: added by id or name, compared ignoring case, listed and filtered.
    let out = ok(&v, &["group", "1", "Work", "Home"]);
    assert!(out.contains("GitHub (alice) is in: Work, Home"), "{out}");
    ok(&v, &["group", "google", "work"]);
    let err = fails(&v, &["ungroup", "1", "Travel"]);
    assert!(
        err.contains("not in the group(s) Travel") && err.contains("nothing was changed"),
        "{err}"
    );
    let out = ok(&v, &["ungroup", "#1", "home"]);
    assert!(out.contains("is in: Work"), "{out}");
    let work = rows(&v, &["--group", "WORK"]);
    assert_eq!(field(&work, "id"), ["1", "3"]);
    let err = fails(&v, &["list", "--group", "Travel"]);
    assert!(err.contains("groups: Work"), "{err}");
    let mut c = cmd(&v);
    c.args(["list", "--sort", "popular"]);
    let (success, _, err) = run(c);
    assert!(
        !success && err.contains("custom, name, issuer, used or recent"),
        "{err}"
    );
    let by_issuer = rows(&v, &["--sort", "issuer"]);
    assert_eq!(
        field(&by_issuer, "issuer"),
        ["amazon.co.jp", "GitHub", "GitHub", "Google"]
    );
    let by_name = rows(&v, &["--sort", "name"]);
    assert_eq!(
        field(&by_name, "name"),
        ["alice", "alice", "bob@gmail.com", "carol"]
    );
    // The codes above were asked for another time (`--at`): no use recorded, so "used" keeps
    // the custom order among never-used accounts.
    assert_eq!(
        field(&rows(&v, &["--sort", "used"]), "id"),
        ["1", "2", "3", "4"]
    );
    // A code printed for now is a use, as a copy in the app is.
    ok(&v, &["code", "google"]);
    ok(&v, &["code", "google"]);
    ok(&v, &["code", "#4"]);
    assert_eq!(
        field(&rows(&v, &["--sort", "used"]), "id"),
        ["3", "4", "1", "2"]
    );
    // (Both uses may fall in the same second: then the custom order breaks the tie.)
    let mut recent = field(&rows(&v, &["--sort", "recent"]), "id");
    recent[..2].sort();
    assert_eq!(recent, ["3", "4", "1", "2"]);

    // A backup restored into a new vault keeps the groups.
    let bk = d.join("all.monban-backup");
    export(cmd(&v), "backup", &bk, &[]);
    let restored = d.join("restored.vault");
    ok(&restored, &["init"]);
    ok(&restored, &["import", bk.to_str().unwrap()]);
    let r = rows(&restored, &[]);
    assert_eq!(r[0]["groups"], serde_json::json!(["Work"]));
    assert_eq!(r[2]["groups"], serde_json::json!(["work"]));

    // So does a sealed transfer.
    let exported = export_json(cmd(&v), "sealed-qr", &d.join("sealed"));
    let mut args: Vec<String> = vec!["import".into()];
    args.extend(exported.files);
    args.extend(["--transfer-code".into(), exported.transfer_code.unwrap()]);
    let moved = d.join("moved.vault");
    ok(&moved, &["init"]);
    ok(&moved, &args.iter().map(String::as_str).collect::<Vec<_>>());
    let m = rows(&moved, &["--group", "work"]);
    assert_eq!(field(&m, "issuer"), ["GitHub", "Google"]);
    assert_eq!(field(&rows(&moved, &[]), "icon"), field(&all, "icon"));
}
