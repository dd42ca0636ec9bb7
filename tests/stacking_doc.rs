//! `docs/stacking.md` is generated from the packs: this test fails when they disagree.
//! Regenerate with `UPDATE_DOCS=1 cargo test --test stacking_doc`.

use incentives::load::load_embedded;
use incentives::stacking_review::stacking_review;

#[test]
fn docs_stacking_md_matches_the_packs() {
    let base = load_embedded().expect("embedded packs load");
    let review = stacking_review(&base);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/stacking.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &review).expect("docs/stacking.md written");
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        on_disk == review,
        "docs/stacking.md is out of date: run `UPDATE_DOCS=1 cargo test --test stacking_doc`"
    );
}
