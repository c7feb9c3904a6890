//! The `sigap` command line, run as a person would: checking files,
//! rendering the procedure, computing due instants.

mod support;

use std::process::{Command, Output};

use support::bin;

fn sigap(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(sigap_tests::workflows_dir().parent().unwrap())
        .env_remove("DATABASE_URL")
        .output()
        .expect("sigap runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn every_shipped_file_checks() {
    let output = sigap(&["check", "workflows"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert_eq!(out.lines().filter(|l| l.starts_with("ok")).count(), 9, "{out}");
    assert!(out.contains("workflow `konsultasi-hukum-asn`"));
}

#[test]
fn a_broken_file_fails_with_located_errors() {
    let output = sigap(&[
        "check",
        "--as-of",
        "2026-06-01",
        "core/tests/fixtures/definitions/many-errors-at-once.toml",
        "workflows/sumbar/kalender.toml",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("FAIL  core/tests/fixtures/definitions/many-errors-at-once.toml"));
    assert!(stdout(&output).contains("ok    workflows/sumbar/kalender.toml"));
    insta::assert_snapshot!(stderr(&output));
}

#[test]
fn holidays_ending_within_a_year_are_a_warning_that_does_not_fail_the_check() {
    let late = sigap(&["check", "--as-of", "2027-06-01", "workflows"]);
    assert!(late.status.success(), "a warning never fails the check: {}", stderr(&late));
    assert_eq!(stdout(&late).lines().filter(|l| l.starts_with("ok")).count(), 9);
    insta::assert_snapshot!(stderr(&late));
    let early = sigap(&["check", "--as-of", "2026-12-30", "workflows"]);
    assert!(early.status.success());
    assert_eq!(stderr(&early), "", "a year and a day ahead: nothing to say");
    let bad = sigap(&["check", "--as-of", "2027-02-30", "workflows"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("--as-of"), "{}", stderr(&bad));
}

#[test]
fn deadlines_in_batches_answer_every_line_and_name_the_unreadable_ones() {
    let dir = tempfile::tempdir().unwrap();
    let lines = dir.path().join("due.csv");
    std::fs::write(
        &lines,
        "start,duration\n2026-09-08T10:00:00+07:00,1wd\nnot-a-date,1wd\n# a comment\n\n2026-09-07T14:50:00Z,30m\n\
         {\"start\":\"2026-09-11T14:00:00+07:00\",\"duration\":\"1wd\",\"id\":\"A-1\"}\n{\"start\":\"x\"}\n{oops\n\
         2026-09-08T10:00:00+07:00,2xx\n2026-09-08T10:00:00+07:00\n",
    )
    .unwrap();
    let calendar = "workflows/sumbar/kalender.toml";
    let output = sigap(&["due", "--calendar", calendar, "--batch", lines.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "some lines failed: the exit says so at the end");
    insta::assert_snapshot!("batch_due_stdout", stdout(&output));
    insta::assert_snapshot!("batch_due_stderr", stderr(&output));

    // Standard input, and `between`: every line good, exit 0.
    let mut child = Command::new(bin())
        .args(["between", "--calendar", calendar, "--batch", "-"])
        .current_dir(sigap_tests::workflows_dir().parent().unwrap())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"2026-09-07T08:00:00+07:00,2026-09-08T08:00:00+07:00\n{\"from\":\"2026-09-07T08:00:00+07:00\",\"to\":\"2026-09-07T09:30:00+07:00\"}\n")
        .unwrap();
    let done = child.wait_with_output().unwrap();
    assert!(done.status.success());
    assert_eq!(
        stdout(&done),
        "2026-09-07T08:00:00+07:00,2026-09-08T08:00:00+07:00,420,\n\
         {\"from\":\"2026-09-07T08:00:00+07:00\",\"line\":2,\"minutes\":90,\"to\":\"2026-09-07T09:30:00+07:00\"}\n"
    );
    let both = sigap(&["due", "--calendar", calendar, "--batch", "-", "--start", "2026-09-08T10:00:00+07:00"]);
    assert_eq!(both.status.code(), Some(2), "--batch and --start conflict: {}", stderr(&both));
    let missing = sigap(&["due", "--calendar", calendar, "--batch", "nowhere.csv"]);
    assert!(stderr(&missing).contains("--batch nowhere.csv"), "{}", stderr(&missing));
}

#[test]
fn a_missing_file_and_an_unknown_kind_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("odd.toml");
    std::fs::write(&odd, "kind = \"prosedur\"\n").unwrap();
    let nameless = dir.path().join("nameless.toml");
    std::fs::write(&nameless, "[[stages]]\nid = \"a\"\n").unwrap();
    let binary = dir.path().join("binary.toml");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let output = Command::new(bin())
        .arg("check")
        .arg(&odd)
        .arg(&nameless)
        .arg(&binary)
        .arg(dir.path().join("none.toml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("`prosedur` is not a kind of Sigap file"), "{err}");
    assert!(err.contains("this looks like a workflow"), "{err}");
    assert!(err.contains("is not UTF-8 text"), "{err}");
    assert!(err.contains("cannot read the file"), "{err}");
    assert!(err.contains("4 of 4 files failed"), "{err}");
}

#[test]
fn the_sop_shows_the_six_activities_with_performers_times_and_outputs() {
    let output = sigap(&["sop", "workflows/sumbar/konsultasi-hukum.toml"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    let rows: Vec<&str> =
        out.lines().filter(|l| l.starts_with("| ") && l.chars().nth(2).is_some_and(|c| c.is_ascii_digit())).collect();
    assert_eq!(rows.len(), 6, "{out}");
    for (row, (time, output)) in rows.iter().zip([
        ("5 menit", "Permintaan masuk"),
        ("15 menit", "Permohonan konsultasi"),
        ("30 menit", "Pertanyaan terverifikasi"),
        ("1 hari kerja", "Draft jawaban hukum"),
        ("1 hari kerja", "Draft jawaban hukum yang disetujui"),
        ("15 menit", "Jawaban hukum yang akan dikirim ke pemohon"),
    ]) {
        assert!(row.contains(time) && row.contains(output), "{row}");
    }
    let html = stdout(&sigap(&["sop", "workflows/sumbar/konsultasi-hukum.toml", "--format", "html"]));
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("Mutu Baku") && html.contains("Pelaksana"));
}

#[test]
fn the_diagram_renders_as_mermaid_and_dot() {
    let mermaid = stdout(&sigap(&["graph", "workflows/sumbar/konsultasi-hukum.toml"]));
    assert!(mermaid.starts_with("flowchart TD") && mermaid.contains("-->|\"Tolak permohonan\"|"));
    let dot = stdout(&sigap(&["graph", "workflows/kabupaten-contoh/pendampingan-hukum.toml", "--format", "dot"]));
    assert!(dot.starts_with("digraph \"pendampingan-hukum\"") && dot.trim_end().ends_with('}'));
}

#[test]
fn due_and_between_answer_on_the_first_line() {
    let calendar = "workflows/sumbar/kalender.toml";
    let due = |start: &str, duration: &str| {
        let output = sigap(&["due", "--calendar", calendar, "--start", start, "--duration", duration]);
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output).lines().next().unwrap().to_owned()
    };
    // The worked examples (Tuesday 2026-09-08 … ; 17 August 2026 is a holiday Monday).
    assert_eq!(due("2026-09-08T10:00:00+07:00", "1wd"), "2026-09-09T10:00:00+07:00");
    assert_eq!(due("2026-09-11T14:00:00+07:00", "1wd"), "2026-09-14T14:00:00+07:00");
    assert_eq!(due("2026-09-07T07:00:00+07:00", "1wd"), "2026-09-07T15:00:00+07:00");
    assert_eq!(due("2026-09-12T10:00:00+07:00", "1wd"), "2026-09-14T15:00:00+07:00");
    assert_eq!(due("2026-08-14T14:00:00+07:00", "1wd"), "2026-08-18T14:00:00+07:00");
    assert_eq!(due("2026-09-07T14:50:00Z", "30m"), "2026-09-08T08:30:00+07:00");
    // Before 1924 Jakarta kept +07:07:12: the offset is written whole, never
    // rounded to an instant twelve seconds off.
    assert_eq!(due("1914-09-07T02:00:00Z", "1h"), "1914-09-07T10:07:12+07:07:12");
    assert_eq!(due("1931-09-07T02:00:00Z", "1h"), "1931-09-07T10:20:00+07:20");
    let between = sigap(&[
        "between",
        "--calendar",
        calendar,
        "--from",
        "2026-08-14T14:55:00+07:00",
        "--to",
        "2026-08-18T14:55:00+07:00",
    ]);
    assert_eq!(stdout(&between).lines().next(), Some("420"));
    for bad in ["1x", "-3h", "3", "1d"] {
        let output = sigap(&["due", "--calendar", calendar, "--start", "2026-09-08T10:00:00+07:00", "--duration", bad]);
        assert_eq!(output.status.code(), Some(2), "{bad}");
        assert!(stderr(&output).contains("--duration"), "{bad}: {}", stderr(&output));
    }
    let output = sigap(&["due", "--calendar", calendar, "--start", "besok", "--duration", "1h"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("is not an RFC 3339 instant"));
}

#[test]
fn the_schema_is_json_and_passwords_hash() {
    let schema: serde_json::Value = serde_json::from_slice(&sigap(&["schema"]).stdout).unwrap();
    assert!(schema["properties"]["stages"].is_object());
    let mut child = Command::new(bin())
        .arg("hash-password")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"kata-sandi-panjang\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("$argon2id$"));
}

#[test]
fn the_sled_cache_size_is_read_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let with_cache = |value: &str| {
        Command::new(bin())
            .args(["verify", "--workflows"])
            .arg(sigap_tests::workflows_dir())
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("DATABASE_URL")
            .env("SIGAP_SLED_CACHE_MIB", value)
            .output()
            .expect("sigap runs")
    };
    let small = with_cache("8");
    assert!(small.status.success(), "{}", stderr(&small));
    assert!(stdout(&small).contains("0 case(s) verified, 0 bad"), "{}", stdout(&small));
    let zero = with_cache("0");
    assert!(!zero.status.success());
    assert!(stderr(&zero).contains("sled_cache_mib must be at least 1"), "{}", stderr(&zero));
    let words = with_cache("banyak");
    assert!(!words.status.success());
    assert!(stderr(&words).contains("SIGAP_SLED_CACHE_MIB `banyak`"), "{}", stderr(&words));
}

#[test]
fn timers_show_in_the_sop_table_and_the_diagram() {
    let sop = stdout(&sigap(&["sop", "workflows/kota-contoh/sengketa-kepegawaian.toml"]));
    insta::assert_snapshot!(sop);
    let mermaid = stdout(&sigap(&["graph", "workflows/kota-contoh/sengketa-kepegawaian.toml"]));
    assert!(mermaid.contains("s2 -. \"⏱ paling lama 5 hari kerja, lalu ditutup otomatis\" .-> s7"), "{mermaid}");
    assert!(!mermaid.contains("|\"Tutup otomatis\"|"), "an action only a timer performs has no solid edge: {mermaid}");
    let dot = stdout(&sigap(&["graph", "workflows/kota-contoh/sengketa-kepegawaian.toml", "--format", "dot"]));
    assert!(
        dot.contains("s2 -> s7 [label=\"⏱ paling lama 5 hari kerja, lalu ditutup otomatis\", style=dashed];"),
        "{dot}"
    );
}

#[test]
fn the_access_matrix_reads_as_a_page_to_sign_off() {
    let sumbar = sigap(&["access", "workflows/sumbar/konsultasi-hukum.toml"]);
    assert!(sumbar.status.success(), "{}", stderr(&sumbar));
    insta::assert_snapshot!("access_sumbar", stdout(&sumbar));
    let regency = stdout(&sigap(&["access", "workflows/kabupaten-contoh/pendampingan-hukum.toml"]));
    insta::assert_snapshot!("access_kabupaten", regency);
}

#[test]
fn the_access_matrix_is_the_sop_documents_annex_in_html() {
    let sop = stdout(&sigap(&["sop", "workflows/kabupaten-contoh/pendampingan-hukum.toml", "--format", "html"]));
    let annex = sop.split("Lampiran: hak akses").nth(1).expect("the SOP document has the annex");
    assert!(annex.contains("Sekretaris Daerah") && annex.contains("◐"), "{annex}");
    let page = stdout(&sigap(&["access", "workflows/kabupaten-contoh/pendampingan-hukum.toml", "--format", "html"]));
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("<table class=\"access\">"), "{page}");
}
