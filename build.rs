//! Embeds every rule pack in `rules/` and every policy text in `rules/sources/` into the
//! binary, so a new policy file needs no Rust and the app can show a clause in its text.

use std::fmt::Write as _;
use std::path::Path;

/// `const NAME: &[(&str, &str)]` holding every `*.ext` file directly inside `dir`.
fn embed(code: &mut String, name: &str, doc: &str, dir: &Path, ext: &str) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(ext))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let _ = writeln!(code, "/// {doc}: (file name, contents).");
    let _ = writeln!(code, "pub const {name}: &[(&str, &str)] = &[");
    for file in &names {
        let path = dir.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            code,
            "    ({file:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
}

fn main() {
    // Read when the script runs, not when it is compiled: a build script compiled for one
    // checkout and run for another (a shared target folder) embeds the packs of the one built.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR is set by cargo");
    let rules = Path::new(&manifest).join("rules");
    let mut code = String::new();
    embed(
        &mut code,
        "EMBEDDED_RULES",
        "Rule packs embedded at build time",
        &rules,
        ".ron",
    );
    embed(
        &mut code,
        "EMBEDDED_SOURCES",
        "Policy texts the packs quote, embedded at build time",
        &rules.join("sources"),
        ".txt",
    );
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo"))
        .join("embedded_rules.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
