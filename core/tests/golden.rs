//! Golden files: stored data outlives the code.
//!
//! `tests/golden/format-1/` holds what this code wrote when the encodings
//! were frozen as format 1 (December 2026): copies of the shipped
//! workflows, calendars and holiday files with the definition and calendar
//! versions they had, and a whole procedure's history as a store keeps it
//! (one event per line, as `sigap export` writes them). Every later version
//! must load them to the same versions and verify the history byte for
//! byte. Never edit these files; a new format gets a new folder beside them
//! (redb's backward-compatibility tests are the model).
//!
//! The byte forms hashed are described in `docs/formats.md`.

mod engine_support;

use sigap_core::engine::Event;
use sigap_core::engine::history;

const FORMAT_1: &str = "core/tests/golden/format-1";

fn read(path: &str) -> String {
    let full = format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("read {full}: {e}"))
}

/// `versions.txt`: `<workflow file> definition|calendar <version>` per line.
#[test]
fn definition_and_calendar_versions_of_format_1_are_unchanged() {
    let listed = read(&format!("{FORMAT_1}/versions.txt"));
    let mut checked = 0;
    for line in listed.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [file, what, expected] = fields[..] else { panic!("a malformed line in versions.txt: {line}") };
        let workflow = engine_support::load_workflow(&format!("{FORMAT_1}/workflows/{file}"));
        let actual = match what {
            "definition" => workflow.definition.version().to_owned(),
            "calendar" => workflow.calendar.version().to_owned(),
            other => panic!("versions.txt names `{other}`; expected definition or calendar"),
        };
        assert_eq!(
            actual, expected,
            "the {what} version of {file} changed: stored cases pinned to it would no longer load"
        );
        checked += 1;
    }
    assert_eq!(checked, 4, "two workflows, each with its definition and calendar");
}

/// The same versions do not depend on where the file lies or what it is called.
#[test]
fn versions_do_not_depend_on_the_file_name() {
    let golden = engine_support::load_workflow(&format!("{FORMAT_1}/workflows/sumbar/konsultasi-hukum.toml"));
    let text = read(&format!("{FORMAT_1}/workflows/sumbar/konsultasi-hukum.toml"));
    let elsewhere = engine_support::load_workflow_text("core/tests/golden/format-1/workflows/sumbar/lain.toml", &text);
    assert_eq!(golden.definition.version(), elsewhere.definition.version());
    assert_eq!(golden.calendar.version(), elsewhere.calendar.version());
}

/// Every golden history verifies, and each event reads back to the very
/// bytes it was stored as.
#[test]
fn golden_histories_of_format_1_verify_byte_for_byte() {
    let dir = format!("{}/../{FORMAT_1}/histories", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(!files.is_empty(), "no golden histories under {dir}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut events = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let event: Event = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: an event of format 1 no longer reads: {e}", path.display(), n + 1));
            assert_eq!(
                serde_json::to_string(&event).unwrap(),
                line,
                "{}:{}: the event's stored form changed",
                path.display(),
                n + 1
            );
            events.push(event);
        }
        let case = events.first().expect("a history has events").case.clone();
        history::verify(&case, &events)
            .unwrap_or_else(|e| panic!("{}: the golden history no longer verifies: {e}", path.display()));
        assert!(events.iter().all(|e| e.format == 1), "format-1 histories hold format-1 events");
    }
}

/// A workflow's canonical form holds only what the file says: no `null`,
/// no empty list, no empty table. An optional key added to the language
/// without `skip_serializing_if` would show up in every file as one of
/// those and change every stored version; this names it first.
#[test]
fn canonical_forms_hold_no_absent_keys() {
    let files = [
        format!("{FORMAT_1}/workflows/sumbar/konsultasi-hukum.toml"),
        format!("{FORMAT_1}/workflows/kabupaten-contoh/pendampingan-hukum.toml"),
        engine_support::SUMBAR.to_owned(),
        engine_support::KABUPATEN.to_owned(),
    ];
    fn walk(value: &serde_json::Value, path: &str, file: &str) {
        match value {
            serde_json::Value::Null => panic!("{file}: `{path}` is serialised as null; skip it when absent"),
            serde_json::Value::Array(items) => {
                assert!(!items.is_empty(), "{file}: `{path}` is serialised as []; skip it when empty");
                items.iter().enumerate().for_each(|(i, v)| walk(v, &format!("{path}[{i}]"), file));
            }
            serde_json::Value::Object(map) => {
                assert!(!map.is_empty(), "{file}: `{path}` is serialised as {{}}; skip it when empty");
                map.iter().for_each(|(k, v)| walk(v, &format!("{path}.{k}"), file));
            }
            _ => {}
        }
    }
    for file in &files {
        let workflow = engine_support::load_workflow(file);
        walk(&serde_json::to_value(workflow.definition.file()).unwrap(), "", file);
    }
}

/// Adding an optional key, declared the way the model declares them, leaves
/// the version of a file that does not use it unchanged, and changes the
/// version of one that does.
#[test]
fn a_new_optional_key_leaves_existing_versions_unchanged() {
    use sha2::Digest as _;
    /// The model with one more optional key, as a later version would add it.
    #[derive(serde::Serialize)]
    struct WithNewKey<'a> {
        #[serde(flatten)]
        file: &'a sigap_core::definition::WorkflowFile,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pengingat: Option<String>,
    }
    let version = |value: &WithNewKey<'_>| -> String {
        sha2::Sha256::digest(serde_json::to_vec(value).unwrap()).iter().map(|b| format!("{b:02x}")).collect()
    };
    let listed = read(&format!("{FORMAT_1}/versions.txt"));
    let mut checked = 0;
    for (file, expected) in listed
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(" definition "))
        .map(|(f, v)| (f.to_owned(), v.trim().to_owned()))
    {
        let workflow = engine_support::load_workflow(&format!("{FORMAT_1}/workflows/{file}"));
        let file_model = workflow.definition.file();
        assert_eq!(workflow.definition.version(), expected);
        assert_eq!(version(&WithNewKey { file: file_model, pengingat: None }), expected, "{file}: unused, unchanged");
        assert_ne!(
            version(&WithNewKey { file: file_model, pengingat: Some("1wd".to_owned()) }),
            expected,
            "{file}: used, a new version"
        );
        checked += 1;
    }
    assert_eq!(checked, 2, "both golden workflows");
}

/// The typed history view keeps the JSON the API gave before it existed:
/// each event's stored form without the secret's hash, with every form
/// value the reader may not read replaced by the redaction marker — for
/// every role of the workflow alone, for all of them, and for none.
#[test]
fn history_views_of_format_1_keep_their_json_shape() {
    let workflow = engine_support::load_workflow(&format!("{FORMAT_1}/workflows/sumbar/konsultasi-hukum.toml"));
    let definition = &workflow.definition;
    let text = read(&format!("{FORMAT_1}/histories/sumbar-procedure.jsonl"));
    let events: Vec<Event> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let roles: Vec<String> = definition.file().roles.iter().map(|r| r.id.clone()).collect();
    let mut readers: Vec<Vec<String>> = roles.iter().map(|r| vec![r.clone()]).collect();
    readers.push(roles);
    readers.push(Vec::new());
    let marker = serde_json::Value::String(definition.file().visibility.redacted.clone());
    let mut redacted = 0;
    for reader in &readers {
        let readable: Vec<&str> = reader.iter().map(String::as_str).collect();
        for event in &events {
            let view = sigap_core::access::event_view(definition, reader, event);
            let mut expected = serde_json::to_value(&event.kind).unwrap();
            let object = expected.as_object_mut().unwrap();
            object.remove("secret_hash");
            if let Some(form) = object.get_mut("form").and_then(|f| f.as_object_mut()) {
                for (id, value) in form.iter_mut() {
                    let field = definition.form_field(id);
                    if !field.is_some_and(|f| definition.may_read_field(&readable, f)) {
                        *value = marker.clone();
                        redacted += 1;
                    }
                }
            }
            assert_eq!(serde_json::to_value(&view.detail).unwrap(), expected, "event {} for {reader:?}", event.seq);
            assert_eq!(view.kind, event.kind.name());
        }
    }
    assert!(redacted > 0, "some reader of the golden procedure has a field redacted");
}
