//! Every way a workflow file can be wrong is reported with its place and a fix.
//!
//! Each fixture under `fixtures/definitions/` breaks the valid `_valid.toml`
//! in one way (one per diagnostic code); the rendered diagnostics are
//! snapshot-tested, so that a change in what a person reads is reviewed.

use std::collections::BTreeSet;
use std::path::Path;

use sigap_core::definition::Definition;

fn load(path: &Path) -> Result<Definition, sigap_core::Diagnostics> {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let name = format!("fixtures/definitions/{}", path.file_name().unwrap().to_string_lossy());
    Definition::load(&name, &text)
}

#[test]
fn every_broken_fixture_is_reported_with_place_and_fix() {
    insta::glob!("fixtures/definitions/*.toml", |path| {
        let result = load(path);
        if path.file_name().unwrap() == "_valid.toml" {
            assert!(result.is_ok(), "{}", result.unwrap_err());
            return;
        }
        let errors = result.expect_err("a broken fixture must not load");
        for diagnostic in errors.iter() {
            assert!(diagnostic.line >= 1 && diagnostic.column >= 1, "{diagnostic}");
            assert!(!diagnostic.help.is_empty(), "{diagnostic}");
            assert!(!diagnostic.message.is_empty(), "{diagnostic}");
        }
        insta::assert_snapshot!(errors.to_string());
    });
}

#[test]
fn each_fixture_is_named_after_the_code_it_shows() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/definitions");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if stem.starts_with('_') || stem == "many-errors-at-once" || stem == "not-toml-at-all" || stem == "empty-file" {
            continue;
        }
        let codes = load(&path).unwrap_err().codes();
        let expected = stem.strip_suffix("-negative").unwrap_or(&stem);
        assert!(codes.contains(&expected), "{stem}: {codes:?}");
    }
}

/// Every code the checker can emit has a fixture, so every message is snapshot-tested.
#[test]
fn every_diagnostic_code_has_a_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut emitted = BTreeSet::new();
    for source in [
        "src/definition/validate.rs",
        "src/definition/validate/timers.rs",
        "src/definition/validate/visibility.rs",
        "src/definition/mod.rs",
        "src/toml_doc.rs",
    ] {
        let text = std::fs::read_to_string(root.join(source)).unwrap();
        let mut rest = text.as_str();
        // A code is the first string argument after `error(`, `key_error(` or an `explain` arm.
        while let Some(i) = rest.find('"') {
            rest = &rest[i + 1..];
            let Some(end) = rest.find('"') else { break };
            let candidate = &rest[..end];
            rest = &rest[end + 1..];
            let is_code = candidate.len() > 3
                && candidate.contains('-')
                && candidate.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && rest.trim_start().starts_with(',');
            if is_code {
                emitted.insert(candidate.to_owned());
            }
        }
    }
    let fixtures: BTreeSet<String> = std::fs::read_dir(root.join("tests/fixtures/definitions"))
        .unwrap()
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let missing: Vec<&String> = emitted.iter().filter(|code| !fixtures.contains(*code)).collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?} (found {emitted:?})");
}
