//! Workflow definitions from arbitrary text: `Definition::load` gives a
//! definition or located diagnostics, never a panic. A definition that
//! loads is rendered (SOP table, Mermaid and DOT diagrams), queried, keeps
//! its version through a serialise/reload round trip, and is loaded again
//! as a whole workflow with the shipped calendars.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigap_core::definition::{Definition, graph, sop::SopTable};
use sigap_core::workflow::Workflow;
use sigap_fuzz::{assert_located, read_shipped};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Definition::load("fuzz.toml", &text) {
        Ok(definition) => exercise(&definition, &text),
        Err(errors) => assert_located(&errors),
    }
});

fn exercise(definition: &Definition, text: &str) {
    let table = SopTable::new(definition);
    let _ = table.to_markdown();
    let _ = graph::mermaid(definition);
    let _ = graph::dot(definition);
    assert_eq!(definition.version().len(), 64);
    let _ = definition.short_version();
    let _ = definition.applicant_role();
    let _ = definition.submit_action();
    let _ = definition.survey_stages();
    for stage in &definition.file().stages {
        assert!(definition.stage(&stage.id).is_some());
        let _ = definition.warn_at(stage);
        for action in definition.actions_from(&stage.id) {
            let _ = definition.performers(action, &stage.id);
        }
    }
    for field in &definition.file().form.fields {
        let _ = definition.field_readers(field);
    }
    // What storage keeps is the checked file; reading it back gives the same definition.
    let json = serde_json::to_string(definition.file()).expect("a workflow file serialises");
    let file = serde_json::from_str(&json).expect("a serialised workflow file reads back");
    assert_eq!(&Definition::from_checked(file), definition, "a stored definition reads back unchanged");

    // As a whole workflow, with whichever shipped calendar it names (relative
    // to the West Sumatra workflow's folder).
    match Workflow::load("sumbar/fuzz.toml", text, &mut read_shipped) {
        Ok(workflow) => assert_eq!(workflow.definition.as_ref(), definition),
        Err(errors) => assert_located(&errors),
    }
}
