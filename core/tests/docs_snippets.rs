//! Every TOML snippet in `docs/` is checked, so the documentation cannot
//! rot. A ```` ```toml ```` block is:
//!
//! - a whole file when its first key is `kind` and it has tables (a workflow, whose calendar
//!   is looked up in `docs/examples/salinan/`, a calendar or a holiday
//!   file), which must load;
//! - otherwise a fragment of the example workflow
//!   `docs/examples/salinan/salinan-produk-hukum.toml` (with the info string
//!   `toml calendar`, of its calendar `kalender.toml`), merged into it (tables
//!   key by key; in an array of tables an element with the same `id`
//!   replaces, a new one is appended; other values replace); the result must
//!   load;
//! - with the info string `toml error=<code>`, a fragment that must be
//!   refused with that diagnostic code.
//!
//! A page may name other files to merge its fragments into with a line
//! `<!-- snippet-base: <workflow file> <calendar file> -->` (paths from the
//! repository root); it applies to the blocks after it.

use std::path::{Path, PathBuf};

use sigap_core::calendar::{BusinessCalendar, HolidayFile};
use sigap_core::workflow::Workflow;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn example_dir() -> PathBuf {
    root().join("docs/examples/salinan")
}

/// Reads a file named relative to `base` (a file in the example folder).
fn read_relative(base: &str, path: &str) -> Result<(String, String), String> {
    let full = Path::new(base).parent().unwrap_or(Path::new("")).join(path);
    let text = std::fs::read_to_string(&full).map_err(|e| format!("{}: {e}", full.display()))?;
    Ok((full.display().to_string(), text))
}

#[derive(Debug)]
struct Snippet {
    file: String,
    line: usize,
    info: String,
    text: String,
    /// The workflow and calendar files fragments merge into.
    base: (PathBuf, PathBuf),
}

fn default_base() -> (PathBuf, PathBuf) {
    (example_dir().join("salinan-produk-hukum.toml"), example_dir().join("kalender.toml"))
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

fn snippets() -> Vec<Snippet> {
    let mut files = Vec::new();
    markdown_files(&root().join("docs"), &mut files);
    files.sort();
    let mut found = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.strip_prefix(root()).unwrap_or(&path).display().to_string();
        let mut lines = text.lines().enumerate();
        let mut base = default_base();
        while let Some((i, line)) = lines.next() {
            if let Some(rest) = line.trim().strip_prefix("<!-- snippet-base:") {
                let parts: Vec<&str> = rest.trim_end_matches("-->").split_whitespace().collect();
                assert_eq!(parts.len(), 2, "{name}:{}: `<!-- snippet-base: <workflow> <calendar> -->`", i + 1);
                base = (root().join(parts[0]), root().join(parts[1]));
                continue;
            }
            let Some(info) = line.trim_start().strip_prefix("```toml") else { continue };
            let mut body = String::new();
            for (_, l) in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            found.push(Snippet {
                file: name.clone(),
                line: i + 1,
                info: info.trim().to_owned(),
                text: body,
                base: base.clone(),
            });
        }
    }
    found
}

/// The first key of a TOML text, skipping comments and blank lines.
fn first_key(text: &str) -> Option<&str> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .and_then(|l| l.split('=').next())
        .map(str::trim)
}

fn merge(base: &mut toml::Value, fragment: toml::Value) {
    match (base, fragment) {
        (toml::Value::Table(base), toml::Value::Table(fragment)) => {
            for (key, value) in fragment {
                match base.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (toml::Value::Array(base), toml::Value::Array(fragment))
            if fragment.iter().all(|v| v.get("id").is_some()) && base.iter().all(|v| v.get("id").is_some()) =>
        {
            for element in fragment {
                match base.iter_mut().find(|b| b.get("id") == element.get("id")) {
                    Some(existing) => *existing = element,
                    None => base.push(element),
                }
            }
        }
        (base, fragment) => *base = fragment,
    }
}

/// Loads a workflow text as if it sat in `dir`.
fn load_workflow(dir: &Path, text: &str) -> Result<Workflow, sigap_core::Diagnostics> {
    let name = dir.join("snippet.toml").display().to_string();
    Workflow::load(&name, text, &mut |base, path| read_relative(base, path))
}

fn load_calendar(dir: &Path, text: &str) -> Result<BusinessCalendar, sigap_core::Diagnostics> {
    let name = dir.join("snippet-kalender.toml").display().to_string();
    BusinessCalendar::load(&name, text, &mut |path| read_relative(&name, path))
}

/// Checks one snippet; `Err` says what is wrong with it.
fn check(snippet: &Snippet) -> Result<(), String> {
    let whole =
        first_key(&snippet.text) == Some("kind") && snippet.text.lines().any(|l| l.trim_start().starts_with('['));
    let (calendar_fragment, expected_error) = match snippet.info.as_str() {
        "" => (false, None),
        "calendar" => (true, None),
        info => match info.strip_prefix("error=") {
            Some(code) => (false, Some(code.to_owned())),
            None => return Err(format!("unknown info string `toml {info}`")),
        },
    };
    let result: Result<(), sigap_core::Diagnostics> = if whole {
        let kind = toml::from_str::<toml::Table>(&snippet.text)
            .map_err(|e| e.to_string())?
            .get("kind")
            .and_then(|k| k.as_str().map(str::to_owned))
            .unwrap_or_default();
        let dir = snippet.base.0.parent().unwrap_or(Path::new("."));
        match kind.as_str() {
            "workflow" => load_workflow(dir, &snippet.text).map(|_| ()),
            "calendar" => load_calendar(dir, &snippet.text).map(|_| ()),
            "holidays" => HolidayFile::load("snippet.toml", &snippet.text).map(|_| ()),
            other => return Err(format!("unknown file kind `{other}`")),
        }
    } else {
        let base_file = if calendar_fragment { &snippet.base.1 } else { &snippet.base.0 };
        let dir = base_file.parent().unwrap_or(Path::new("."));
        let base_text = std::fs::read_to_string(base_file).map_err(|e| format!("{}: {e}", base_file.display()))?;
        let mut base: toml::Value = toml::from_str(&base_text).map_err(|e| format!("{}: {e}", base_file.display()))?;
        let fragment: toml::Value = toml::from_str(&snippet.text).map_err(|e| format!("not TOML: {e}"))?;
        merge(&mut base, fragment);
        let merged = toml::to_string(&base).map_err(|e| e.to_string())?;
        if calendar_fragment {
            load_calendar(dir, &merged).map(|_| ())
        } else {
            load_workflow(dir, &merged).map(|_| ())
        }
    };
    match (result, expected_error) {
        (Ok(()), None) => Ok(()),
        (Err(errors), None) => Err(errors.to_string()),
        (Ok(()), Some(code)) => Err(format!("expected the error `{code}`, but it loads")),
        (Err(errors), Some(code)) if errors.codes().contains(&code.as_str()) => Ok(()),
        (Err(errors), Some(code)) => Err(format!("expected the error `{code}`, got {:?}", errors.codes())),
    }
}

#[test]
fn every_toml_snippet_in_the_docs_is_checked() {
    let snippets = snippets();
    assert!(snippets.len() >= 30, "only {} snippets found: is docs/ there?", snippets.len());
    let failures: Vec<String> = snippets
        .iter()
        .filter_map(|s| check(s).err().map(|e| format!("{}:{} (```toml {}):\n{e}", s.file, s.line, s.info)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} snippets fail:\n\n{}",
        failures.len(),
        snippets.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_example_folder_loads() {
    let dir = example_dir();
    let text = std::fs::read_to_string(dir.join("salinan-produk-hukum.toml")).unwrap();
    let name = dir.join("salinan-produk-hukum.toml").display().to_string();
    Workflow::load(&name, &text, &mut |base, path| read_relative(base, path)).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn the_merge_replaces_by_id_and_appends_new_ids() {
    let mut base: toml::Value =
        toml::from_str("[[stages]]\nid = \"a\"\nlabel = \"A\"\n[[stages]]\nid = \"b\"\nlabel = \"B\"\n").unwrap();
    let fragment: toml::Value =
        toml::from_str("[[stages]]\nid = \"b\"\nlabel = \"B2\"\n[[stages]]\nid = \"c\"\nlabel = \"C\"\n").unwrap();
    merge(&mut base, fragment);
    let labels: Vec<&str> = base["stages"].as_array().unwrap().iter().map(|s| s["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["A", "B2", "C"]);
}
