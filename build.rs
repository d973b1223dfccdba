//! Compiles the Slint UI (`ui/app.slint`) when the `gui` feature is on; nothing otherwise, so
//! the command-line-only build needs no Slint toolchain.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_GUI").is_some() {
        gui::compile();
    }
}

#[cfg(feature = "gui")]
mod gui {
    pub fn compile() {
        // One style on every platform so phone and desktop look like the same product.
        let config = slint_build::CompilerConfiguration::new()
            .with_style("material".into())
            // English source strings plus lang/<lang>/LC_MESSAGES/monban.po.
            .with_bundled_translations("lang");
        slint_build::compile_with_config("ui/app.slint", config).expect("Slint UI compiles");
    }
}

#[cfg(not(feature = "gui"))]
mod gui {
    pub fn compile() {}
}
