//! The evaluation page for a seeded year shows the right numbers: the
//! figures on `/staf/laporan` are checked against counts recomputed here
//! from the raw cases and their histories (read through the JSON API as the
//! head of the bureau), independently of `sigap_core::report`.

mod web_support;

use std::collections::BTreeMap;
use std::process::Command;

use chrono::{DateTime, Datelike, FixedOffset};
use serde_json::Value;
use web_support::{Client, Service, server};

const YEAR: i32 = 2025;
const WORKFLOW: &str = "konsultasi-hukum-asn";

fn wib(at: &Value) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(at.as_str().expect("an instant"))
        .unwrap()
        .with_timezone(&FixedOffset::east_opt(7 * 3600).unwrap())
}

fn api(server: &Service, path: &str, token: &str) -> Value {
    let request = axum::http::Request::get(path).header("authorization", format!("Bearer {token}"));
    let response = server.send(request.body(axum::body::Body::empty()).unwrap());
    assert_eq!(response.status().as_u16(), 200, "{path}");
    serde_json::from_slice(response.body()).unwrap()
}

/// Every case of the workflow as the head of the bureau sees it.
fn raw_cases(server: &Service, token: &str) -> Vec<Value> {
    let mut views = Vec::new();
    let mut offset = 0;
    loop {
        let page = api(server, &format!("/api/v1/cases?workflow={WORKFLOW}&limit=500&offset={offset}"), token);
        let list = page.as_array().unwrap().clone();
        if list.is_empty() {
            break;
        }
        offset += list.len();
        for summary in list {
            views.push(api(server, &format!("/api/v1/cases/{}", summary["case"].as_str().unwrap()), token));
        }
    }
    views
}

/// The figures recomputed from the cases and their events.
fn expected(views: &[Value], topic_ids: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut add = |k: String, n: u64| *counts.entry(k).or_default() += n;
    let mut scores: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for case in views.iter().filter(|c| wib(&c["submitted_at"]).year() == YEAR) {
        add("received".into(), 1);
        add(format!("month_received:{}", wib(&case["submitted_at"]).month()), 1);
        let closed = case["status"] == "closed";
        add("closed".into(), u64::from(closed));
        add("open".into(), u64::from(!closed));
        let product = case["answer"]["product"].as_str();
        if let Some(outcome) = case["outcome"].as_str() {
            let key = if outcome == "answered" && product == Some("rujukan") { "referred" } else { outcome };
            add(format!("outcome:{key}"), 1);
        }
        if let Some(product) = product {
            add(format!("product:{product}"), 1);
        }
        if let Some(label) =
            case["form"].as_array().unwrap().iter().find(|f| f["id"] == "kategori").and_then(|f| f["value"].as_str())
        {
            add(format!("topic:{}", topic_ids[label]), 1);
        }
        if let Some(survey) = case["survey"].as_object() {
            add("survey_responses".into(), 1);
            for (question, value) in survey {
                if value["type"] == "number" {
                    scores.entry(question.clone()).or_default().push(value["value"].as_i64().unwrap());
                }
            }
        }
        let obstacles = case["notes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["obstacle"] == true && wib(&n["at"]).year() == YEAR)
            .count();
        add("obstacles".into(), obstacles as u64);
        // Clocks from the history: each start opens an instance; a breach event or a stop outside the standard marks it.
        let mut current: BTreeMap<String, usize> = BTreeMap::new();
        let mut instances: Vec<(String, bool, Option<bool>, bool)> = Vec::new();
        for event in case["history"].as_array().unwrap() {
            let clock = match &event["detail"]["clock"] {
                Value::String(s) => s.clone(),
                Value::Object(o) => o["stage"].as_str().unwrap().to_owned(),
                _ => continue,
            };
            match event["kind"].as_str().unwrap() {
                "clock_started" => {
                    current.insert(clock.clone(), instances.len());
                    instances.push((clock, false, None, false));
                }
                "clock_breached" => instances[current[&clock]].1 = true,
                "clock_stopped" => {
                    let i = current[&clock];
                    instances[i].2 = event["detail"]["within_standard"].as_bool();
                    instances[i].3 = true;
                }
                _ => {}
            }
        }
        for (clock, breached, within, stopped) in instances {
            let late = u64::from(breached || within == Some(false));
            add("breaches".into(), late);
            add(format!("breaches:{clock}"), late);
            add(format!("measured:{clock}"), u64::from(stopped));
        }
    }
    let mut out: BTreeMap<String, String> = counts.into_iter().map(|(k, v)| (k, v.to_string())).collect();
    for (question, values) in scores {
        let mean = values.iter().sum::<i64>() as f64 / values.len() as f64;
        out.insert(
            format!("score_mean:{question}"),
            format!("{:.2}", (mean * 100.0).round() / 100.0).replace('.', ","),
        );
        out.insert(format!("score_responses:{question}"), values.len().to_string());
    }
    out
}

/// The figures the page shows, by `data-key`.
fn shown(body: &str) -> BTreeMap<String, String> {
    let doc = scraper::Html::parse_document(body);
    let selector = scraper::Selector::parse("[data-key]").unwrap();
    doc.select(&selector)
        .filter_map(|e| {
            let key = e.value().attr("data-key")?.strip_prefix(&format!("{WORKFLOW}:"))?.to_owned();
            Some((key, e.text().collect::<String>().trim().to_owned()))
        })
        .collect()
}

#[test]
fn the_evaluation_page_for_a_seeded_year_matches_the_raw_history() {
    let dir = tempfile::tempdir().unwrap();
    let seeded = Command::new(env!("CARGO_BIN_EXE_sigap"))
        .env_remove("DATABASE_URL")
        .env_remove("SIGAP_DATABASE_URL")
        .env_remove("SIGAP_CONFIG")
        .args(["seed", "--cases", "120", "--year", &YEAR.to_string(), "--workflow", WORKFLOW, "--data-dir"])
        .arg(dir.path())
        .arg("--workflows")
        .arg(sigap_tests::workflows_dir())
        .output()
        .unwrap();
    assert!(seeded.status.success(), "seed failed: {}", String::from_utf8_lossy(&seeded.stderr));
    let server = server(dir.path());

    let sign_in = axum::http::Request::post("/api/v1/session").header("content-type", "application/json");
    let response =
        server.send(sign_in.body(axum::body::Body::from(r#"{"user":"kepala_biro","password":"sigap-demo"}"#)).unwrap());
    let session: Value = serde_json::from_slice(response.body()).unwrap();
    let token = session["token"].as_str().unwrap().to_owned();

    let definition: toml::Value = toml::from_str(
        &std::fs::read_to_string(sigap_tests::workflows_dir().join("sumbar/konsultasi-hukum.toml")).unwrap(),
    )
    .unwrap();
    let topic_ids: BTreeMap<String, String> =
        definition["form"]["fields"].as_array().unwrap().iter().find(|f| f["id"].as_str() == Some("kategori")).unwrap()
            ["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| (o["label"].as_str().unwrap().to_owned(), o["id"].as_str().unwrap().to_owned()))
            .collect();

    let mut web = Client::of(&server);
    web.sign_in("kepala_biro");
    let path = format!("/staf/laporan?year={YEAR}");
    // Deadlines that passed since the seeding were recorded before the
    // service answered (`Runtime::catch_up`), so the figures hold still.
    let page = web.get(&path);
    let views = raw_cases(&server, &token);
    assert_eq!(shown(&web.get(&path).body), shown(&page.body), "the figures hold still");
    assert_eq!(page.status, 200);
    let on_page = shown(&page.body);
    assert!(!views.is_empty(), "no cases through the API");
    let expected = expected(&views, &topic_ids);
    assert!(expected.contains_key("received"), "{} cases, none in {YEAR}: {}", views.len(), views[0]["submitted_at"]);
    assert_eq!(expected["received"], "120");
    let mut checked = 0;
    for (key, value) in &expected {
        let shown = on_page.get(key).unwrap_or_else(|| panic!("the page shows no `{key}`"));
        assert_eq!(shown, value, "`{key}`: page {shown}, history {value}");
        checked += 1;
    }
    // Figures the history has none of are shown as zero (months, outcomes, topics, products without a case).
    for (key, value) in &on_page {
        let counted = [
            "received",
            "closed",
            "open",
            "month_received:",
            "outcome:",
            "product:",
            "topic:",
            "breaches",
            "obstacles",
            "survey_responses",
        ];
        if !expected.contains_key(key) && counted.iter().any(|p| key.starts_with(p)) {
            assert_eq!(value, "0", "`{key}` is {value} on the page but absent from the history");
        }
    }
    assert!(checked > 40, "only {checked} figures compared");
    assert!(expected.keys().any(|k| k.starts_with("breaches:")) && expected["survey_responses"] != "0");

    // No personal data: no identity value of any case appears in the report.
    for case in &views {
        for field in case["form"].as_array().unwrap() {
            if ["nama", "nip", "email", "telepon", "alamat"].contains(&field["id"].as_str().unwrap())
                && let Some(value) = field["value"].as_str()
            {
                assert!(!page.body.contains(value), "the report shows `{value}`");
            }
        }
    }
    // The downloads carry the same figures.
    let csv = web.get(&format!("/staf/laporan.csv?year={YEAR}"));
    assert_eq!(csv.status, 200);
    assert!(
        csv.body
            .lines()
            .any(|l| l == format!("{WORKFLOW},volume,received,Permohonan diterima,{}", expected["received"])),
        "{}",
        csv.body
    );
    let json: Value = serde_json::from_str(&web.get(&format!("/staf/laporan.json?year={YEAR}")).body).unwrap();
    assert_eq!(json[0]["received"].to_string(), expected["received"]);
    // A role that does not read the report is told so.
    let mut analyst = Client::of(&server);
    analyst.sign_in("pokja_layanan");
    let refused = analyst.get(&path);
    assert_eq!(refused.status, 403);
    assert!(refused.text(".notice.error").contains("tidak termasuk pembaca"));
}
