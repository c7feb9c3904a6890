//! `sigap export` from sled and `sigap import` into PostgreSQL reproduce
//! identical histories, and `sigap verify` passes on both.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use sigap_tests::{Database, Options, Server};
use support::{Api, bin};

fn sigap(args: &[&str], data_dir: Option<&Path>, database: Option<&str>) -> Output {
    let mut command = Command::new(bin());
    command.args(args).arg("--workflows").arg(sigap_tests::workflows_dir()).env_remove("DATABASE_URL");
    if let Some(dir) = data_dir {
        command.arg("--data-dir").arg(dir);
    }
    if let Some(url) = database {
        command.arg("--database-url").arg(url);
    }
    let output = command.output().expect("sigap runs");
    assert!(
        output.status.success(),
        "sigap {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Every line but the header (which carries the export's own time).
fn body(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap().lines().skip(1).map(str::to_owned).collect()
}

#[test]
fn an_export_moves_every_history_from_sled_to_postgresql_unchanged() {
    let sled = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let seeded = sigap(&["seed", "--cases", "24", "--year", "2026", "--seed", "7"], Some(sled.path()), None);
    assert!(!seeded.stdout.is_empty());
    sigap(&["verify"], Some(sled.path()), None);
    let from_sled = files.path().join("sled.jsonl");
    sigap(&["export", "--output", from_sled.to_str().unwrap()], Some(sled.path()), None);

    let database = Database::create().expect("a PostgreSQL server at DATABASE_URL (see README)");
    let imported = sigap(&["import", "--input", from_sled.to_str().unwrap()], None, Some(&database.url));
    assert!(
        String::from_utf8_lossy(&imported.stdout).contains("imported 24 case(s)"),
        "{}",
        String::from_utf8_lossy(&imported.stdout)
    );
    let verified = sigap(&["verify"], None, Some(&database.url));
    assert!(String::from_utf8_lossy(&verified.stdout).contains("24 case(s) verified, 0 bad"));
    let from_postgres = files.path().join("postgres.jsonl");
    sigap(&["export", "--output", from_postgres.to_str().unwrap()], None, Some(&database.url));
    let (a, b) = (body(&from_sled), body(&from_postgres));
    assert!(a.len() > 24 * 5, "definitions, calendars, attachments and events: {} lines", a.len());
    assert_eq!(a, b, "the same definitions, attachments, events and undelivered outbox items, byte for byte");
    // Nothing was delivered (no server ran): every notification moved with its case.
    let pending = a.iter().filter(|l| l.starts_with(r#"{"type":"outbox""#)).count();
    assert!(pending >= 24 * 2, "a receipt and a task notice per case at least: {pending}");
    assert!(
        String::from_utf8_lossy(&imported.stdout).contains(&format!("{pending} undelivered outbox item(s) queued")),
        "{}",
        String::from_utf8_lossy(&imported.stdout)
    );

    // Importing again changes nothing; the reports agree on both stores.
    let again = sigap(&["import", "--input", from_sled.to_str().unwrap()], None, Some(&database.url));
    assert!(String::from_utf8_lossy(&again.stdout).contains("imported 0 case(s), 24 already present; 0 undelivered"));
    let twice = files.path().join("twice.jsonl");
    sigap(&["export", "--output", twice.to_str().unwrap()], None, Some(&database.url));
    assert_eq!(body(&twice), a, "a repeated import queues nothing twice");
    let report_sled = sigap(&["report", "--year", "2026"], Some(sled.path()), None);
    let report_pg = sigap(&["report", "--year", "2026"], None, Some(&database.url));
    assert_eq!(report_sled.stdout, report_pg.stdout);

    // The server on PostgreSQL serves the imported cases.
    let dir = tempfile::tempdir().unwrap();
    let mut options = Options::sled(bin(), dir.path());
    options.database_url = Some(database.url.clone());
    let server = Server::start(&options);
    let api = Api::new(&server.url);
    let reader = api.sign_in("kepala_biro");
    let cases = api.get("/api/v1/cases?limit=100", &[("authorization", &reader)]);
    assert!(!cases.json.as_array().unwrap().is_empty());
    let id = cases.json[0]["case"].as_str().unwrap();
    assert_eq!(api.get(&format!("/api/v1/cases/{id}"), &[("authorization", &reader)]).status, 200);
    server.stop();
}

/// `sigap import` of `export` into a sled folder, which must fail; its standard error.
fn refused_import(export: &Path, target: &Path) -> String {
    let output = Command::new(bin())
        .args(["import", "--input", export.to_str().unwrap(), "--data-dir"])
        .arg(target)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!output.status.success(), "the import succeeded");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_corrupt_export_is_refused_and_imports_nothing() {
    let sled = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    sigap(&["seed", "--cases", "3", "--year", "2026"], Some(sled.path()), None);
    let export = files.path().join("export.jsonl");
    sigap(&["export", "--output", export.to_str().unwrap()], Some(sled.path()), None);
    // Edit one event's content: its hash no longer verifies.
    let text = std::fs::read_to_string(&export).unwrap();
    // The last case's history is edited, so a half-done import would show the others.
    let events_end = text.find(r#"{"type":"outbox""#).unwrap_or(text.len());
    let at = text[..events_end].rfind("Isian").expect("seeded text");
    let tampered = format!("{}Ubahan{}", &text[..at], &text[at + "Isian".len()..]);
    assert_ne!(text, tampered);
    std::fs::write(&export, tampered).unwrap();
    let target = tempfile::tempdir().unwrap();
    let stderr = refused_import(&export, target.path());
    assert!(stderr.contains("refusing to import"), "{stderr}");
    let verify = sigap(&["verify"], Some(target.path()), None);
    assert!(String::from_utf8_lossy(&verify.stdout).contains("0 case(s) verified"));

    // An outbox item whose case is not in the export is refused too, before anything is written.
    let line = text.lines().find(|l| l.starts_with(r#"{"type":"outbox""#)).expect("undelivered items are exported");
    let mut item: serde_json::Value = serde_json::from_str(line).unwrap();
    let case = item["item"]["case"].as_str().unwrap().to_owned();
    let stray = case.chars().rev().collect::<String>();
    item["item"]["case"] = serde_json::Value::String(stray.clone());
    std::fs::write(&export, format!("{text}{item}\n")).unwrap();
    let stderr = refused_import(&export, target.path());
    assert!(stderr.contains("refusing to import") && stderr.contains(&stray), "{stderr}");
    let verify = sigap(&["verify"], Some(target.path()), None);
    assert!(String::from_utf8_lossy(&verify.stdout).contains("0 case(s) verified"));
}
