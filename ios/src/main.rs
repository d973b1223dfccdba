//! The iOS app's executable: everything is the shared app (`monban::platform::ios::main`).
//! On any other OS this binary only explains itself, so `cargo check` works everywhere.

fn main() {
    #[cfg(target_os = "ios")]
    monban::platform::ios::main();
    #[cfg(not(target_os = "ios"))]
    eprintln!("monban-ios is the iPhone/iPad build; see ios/README.md");
}
