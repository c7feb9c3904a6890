//! The shipped workflow definitions load, and say what the SOP says.

use sigap_core::definition::{Definition, StageKind};

fn load(path: &str) -> Definition {
    let full = format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap();
    match Definition::load(path, &text) {
        Ok(definition) => definition,
        Err(errors) => panic!("{errors}"),
    }
}

#[test]
fn west_sumatra_consultation_loads() {
    let definition = load("workflows/sumbar/konsultasi-hukum.toml");
    assert_eq!(definition.id(), "konsultasi-hukum-asn");
    assert_eq!(definition.organisation_id(), "sumbar-biro-hukum");
    assert_eq!(definition.version().len(), 64);
}
