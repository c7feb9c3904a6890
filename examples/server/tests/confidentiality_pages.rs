//! The confidentiality property through the whole server: for random input
//! readers, history kinds and reach on the Kabupaten Contoh workflow, a
//! case carrying planted markers, and every staff role, neither the JSON
//! API nor the staff case page (HTML) nor the inbox page gives a reader a
//! marker the rules exclude, and a case out of reach is a 404 in both.
//! The core's property (`core/tests/confidentiality_props.rs`) covers the
//! views, notifications and webhooks with many more cases; this one runs
//! few, each through a fresh in-process server.

mod support;

use std::path::Path;

use proptest::prelude::*;
use serde_json::json;
use support::{Api, Part, pdf};

const ROLES: [&str; 6] = ["staf_bankum", "analis", "kasubbag", "kabag", "sekda", "inspektorat"];
const REVISION: &str = "MARKER-REVISION-3K";
const STUDY: &str = "MARKER-STUDY-9P.pdf";
const SUMMONS: &str = "MARKER-SK_Budi_198204142006041003.pdf";
const NOTE: &str = "MARKER-NOTE-7Q";

#[derive(Debug, Clone)]
struct Rules {
    study: Option<Vec<&'static str>>,
    revision: Option<Vec<&'static str>>,
    history: Vec<(&'static str, Vec<&'static str>)>,
    reach: Vec<(&'static str, &'static str)>,
    note_for: Option<&'static str>,
}

fn rules() -> impl Strategy<Value = Rules> {
    let roles = || proptest::sample::subsequence(ROLES.to_vec(), 0..=ROLES.len());
    let kinds = proptest::sample::subsequence(vec!["submitted", "action_performed", "answered", "note_added"], 1..=4);
    let reach = prop_oneof![Just("\"all\""), Just("\"own_stages\""), Just("\"assigned\""), Just("[\"persetujuan\"]")];
    (
        proptest::option::of(roles()),
        proptest::option::of(roles()),
        proptest::collection::vec((proptest::sample::select(ROLES.to_vec()), kinds), 0..3),
        proptest::collection::vec((proptest::sample::select(vec!["kabag", "sekda", "inspektorat"]), reach), 0..3),
        proptest::option::of(proptest::sample::select(vec!["kasubbag", "kabag"])),
    )
        .prop_map(|(study, revision, mut history, mut reach, note_for)| {
            history.sort_by_key(|(r, _)| *r);
            history.dedup_by_key(|(r, _)| *r);
            reach.sort_by_key(|(r, _)| *r);
            reach.dedup_by_key(|(r, _)| *r);
            Rules { study, revision, history, reach, note_for }
        })
}

fn list(roles: &[&str]) -> String {
    format!("[{}]", roles.iter().map(|r| format!("\"{r}\"")).collect::<Vec<_>>().join(", "))
}

/// A workflows folder holding the regency's workflow with `rules`, its calendar and the holidays.
fn folder(dir: &Path, rules: &Rules) {
    let shipped = sigap_tests::workflows_dir();
    let regency = dir.join("kabupaten-contoh");
    std::fs::create_dir_all(&regency).unwrap();
    std::fs::create_dir_all(dir.join("indonesia")).unwrap();
    for entry in std::fs::read_dir(shipped.join("indonesia")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join("indonesia").join(path.file_name().unwrap())).unwrap();
    }
    std::fs::copy(shipped.join("kabupaten-contoh/kalender.toml"), regency.join("kalender.toml")).unwrap();
    let text = std::fs::read_to_string(shipped.join("kabupaten-contoh/pendampingan-hukum.toml")).unwrap();
    let (start, end) = (text.find("[visibility.reach]").unwrap(), text.find("[sla]").unwrap());
    let mut extra = String::new();
    let mut inputs = Vec::new();
    if let Some(r) = &rules.study {
        inputs.push(format!("\"ajukan_telaah.telaahan\" = {}", list(r)));
    }
    if let Some(r) = &rules.revision {
        inputs.push(format!("\"revisi_telaah.catatan\" = {}", list(r)));
    }
    if !inputs.is_empty() {
        extra.push_str(&format!("[visibility.inputs]\n{}\n\n", inputs.join("\n")));
    }
    if !rules.reach.is_empty() {
        extra.push_str("[visibility.reach]\n");
        for (role, reach) in &rules.reach {
            extra.push_str(&format!("{role} = {reach}\n"));
        }
        extra.push('\n');
    }
    if !rules.history.is_empty() {
        extra.push_str("[visibility.history]\n");
        for (role, kinds) in &rules.history {
            extra.push_str(&format!("{role} = {}\n", list(kinds)));
        }
        extra.push('\n');
    }
    std::fs::write(regency.join("pendampingan-hukum.toml"), format!("{}{extra}{}", &text[..start], &text[end..]))
        .unwrap();
}

fn submit(api: &Api) -> String {
    let reply = api.post_multipart(
        "/api/v1/workflows/pendampingan-hukum/cases",
        &[],
        &[
            Part::Text("nama", "Budi Santoso"),
            Part::Text("nip", "19820414 200604 1 003"),
            Part::Text("perangkat_daerah", "Dinas Pekerjaan Umum"),
            Part::Text("telepon", "0812 3456 7890"),
            Part::Text("jenis_perkara", "pidana"),
            Part::Text("kedudukan", "saksi"),
            Part::Text(
                "uraian",
                "Saya dipanggil sebagai saksi dalam perkara pengadaan jalan yang saya tangani sebagai PPK.",
            ),
            Part::Text("pernyataan", "on"),
            Part::File("surat_panggilan", SUMMONS, &pdf("surat panggilan")),
        ],
    );
    assert_eq!(reply.status, 201, "{:?}", reply.json);
    reply.json["tracking_code"].as_str().unwrap().to_owned()
}

fn act(api: &Api, token: &str, case: &str, action: &str, parts: &[Part<'_>]) {
    let reply =
        api.post_multipart(&format!("/api/v1/cases/{case}/actions/{action}"), &[("authorization", token)], parts);
    assert_eq!(reply.status, 200, "{action}: {:?}", reply.json);
}

fn reads(rule: &Option<Vec<&str>>, role: &str) -> bool {
    rule.as_ref().is_none_or(|readers| readers.contains(&role))
}

fn sees(rules: &Rules, role: &str, kind: &str) -> bool {
    rules.history.iter().find(|(r, _)| *r == role).is_none_or(|(_, kinds)| kinds.contains(&kind))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn no_page_or_api_answer_gives_a_reader_what_the_rules_exclude(rules in rules(), steps in 1usize..6) {
        let dir = tempfile::tempdir().unwrap();
        folder(&dir.path().join("workflows"), &rules);
        let config = format!(
            "workflows = {:?}\ndata_dir = {:?}\ndemo = true\n",
            dir.path().join("workflows").display().to_string(),
            dir.path().join("data").display().to_string()
        );
        let api = Api::in_process_with(&config, "127.0.0.1:50000".parse().unwrap());
        let code = submit(&api);
        let registrar = api.sign_in("staf_bankum");
        let inbox = api.get("/api/v1/inbox", &[("authorization", &registrar)]);
        let case = inbox.json.as_array().unwrap().iter().find(|i| i["tracking_code"] == code.as_str()).unwrap()["case"]
            .as_str().unwrap().to_owned();
        let audience = rules.note_for.map_or(json!("staff"), |r| json!({ "roles": [r] }));
        let noted = api.post(&format!("/api/v1/cases/{case}/notes"), &[("authorization", &registrar)], &json!({ "text": NOTE, "audience": audience }));
        prop_assert_eq!(noted.status, 200, "{:?}", noted.json);
        let (analyst, head, division) = (api.sign_in("analis"), api.sign_in("kasubbag"), api.sign_in("kabag"));
        let plan: Vec<(&str, &str, Vec<Part<'_>>)> = vec![
            ("staf_bankum", "register", vec![]),
            ("analis", "ajukan_telaah", vec![Part::File("telaahan", STUDY, b"%PDF-1.4\n% a\n%%EOF\n")]),
            ("kasubbag", "revisi_telaah", vec![Part::Text("catatan", REVISION)]),
            ("analis", "ajukan_telaah", vec![Part::File("telaahan", STUDY, b"%PDF-1.4\n% b\n%%EOF\n")]),
            ("kasubbag", "teruskan_telaah", vec![]),
        ];
        for (who, action, parts) in plan.into_iter().take(steps) {
            let token = match who { "staf_bankum" => &registrar, "analis" => &analyst, "kasubbag" => &head, _ => &division };
            act(&api, token, &case, action, &parts);
        }
        for role in ROLES {
            let token = api.sign_in(role);
            let auth = [("authorization", token.as_str())];
            let cookie = format!("sigap_staff={}", token.trim_start_matches("Bearer "));
            let json = api.get(&format!("/api/v1/cases/{case}"), &auth);
            let page = api.get(&format!("/staf/kasus/{case}"), &[("cookie", &cookie)]);
            let inbox_page = String::from_utf8_lossy(&api.get("/staf/kotak-masuk", &[("cookie", &cookie)]).bytes).into_owned();
            prop_assert!(!inbox_page.contains("Budi") && !inbox_page.contains(REVISION), "{role}'s inbox holds content");
            if json.status == 404 {
                prop_assert_eq!(page.status, 404, "{} reaches the page but not the API", role);
                continue;
            }
            prop_assert_eq!(json.status, 200);
            prop_assert_eq!(page.status, 200, "{} reaches the API but not the page", role);
            let identity = !matches!(role, "inspektorat");
            for (channel, text) in [("json", String::from_utf8_lossy(&json.bytes).into_owned()), ("html", String::from_utf8_lossy(&page.bytes).into_owned())] {
                if !reads(&rules.revision, role) || !sees(&rules, role, "action_performed") {
                    prop_assert!(!text.contains(REVISION), "{role} reads the revision note in {channel}");
                }
                if !reads(&rules.study, role) {
                    prop_assert!(!text.contains(STUDY), "{role} sees the study in {channel}");
                }
                let in_audience = rules.note_for.is_none_or(|r| r == role || role == "staf_bankum");
                if !in_audience || !sees(&rules, role, "note_added") {
                    prop_assert!(!text.contains(NOTE), "{role} reads the note in {channel}");
                }
                if !identity {
                    prop_assert!(!text.contains("SK_Budi") && !text.contains("Budi Santoso"), "{role} sees identity in {channel}");
                }
            }
        }
    }
}
