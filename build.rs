//! Embeds every rule pack in `rules/` and every policy text in `rules/sources/` into the
//! binary, so a new policy file needs no Rust and the app can show a clause in its text.

use std::fmt::Write as _;
use std::path::Path;

/// `const NAME: &[(&str, &str)]` holding every `*.ext` file directly inside `folder`.
fn embed(code: &mut String, name: &str, doc: &str, root: &Path, folder: &str, ext: &str) {
    // Paths are given relative to the package and included through the compiler's own
    // CARGO_MANIFEST_DIR: worktrees sharing one target folder share this script's output
    // (cargo hashes the package path relative to the workspace), so an absolute path
    // here would embed another checkout's rules.
    println!("cargo:rerun-if-changed={folder}");
    let dir = root.join(folder);
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
        println!("cargo:rerun-if-changed={folder}/{file}");
        let _ = writeln!(
            code,
            "    ({file:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {:?}))),",
            format!("/{folder}/{file}")
        );
    }
    code.push_str("];\n");
}

fn main() {
    // Read when the script runs, not when it is compiled (see `embed`).
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR is set by cargo");
    let root = Path::new(&root);
    let mut code = String::new();
    embed(
        &mut code,
        "EMBEDDED_RULES",
        "Rule packs embedded at build time",
        root,
        "rules",
        ".ron",
    );
    embed(
        &mut code,
        "EMBEDDED_SOURCES",
        "Policy texts the packs quote, embedded at build time",
        root,
        "rules/sources",
        ".txt",
    );
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo"))
        .join("embedded_rules.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
