//! Cases waiting on the applicant stay visible to staff: the inbox lists
//! them to the roles of the stage that sent them back, after the tasks,
//! and to nobody else.

mod support;

use serde_json::json;
use support::{Api, sumbar_form};

#[test]
fn a_returned_case_is_listed_to_the_role_that_returned_it() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::in_process(dir.path());
    let submit = |name: &str| {
        let reply =
            api.post("/api/v1/workflows/konsultasi-hukum-asn/cases", &[], &json!({ "form": sumbar_form(name) }));
        assert_eq!(reply.status, 201, "{:?}", reply.json);
        reply.json["tracking_code"].as_str().unwrap().to_owned()
    };
    let (returned, open) = (submit("Siti Rahmawati"), submit("Dewi Anggraini"));
    let verifier = api.sign_in("pokja_dokumentasi");
    let inbox = api.get("/api/v1/inbox", &[("authorization", &verifier)]);
    let case = inbox.json.as_array().unwrap().iter().find(|i| i["tracking_code"] == returned.as_str()).unwrap()["case"]
        .as_str()
        .unwrap()
        .to_owned();
    let back = api.post(
        &format!("/api/v1/cases/{case}/actions/minta_kelengkapan"),
        &[("authorization", &verifier)],
        &json!({ "inputs": { "kekurangan": "Lampirkan surat panggilan." } }),
    );
    assert_eq!(back.status, 200, "{:?}", back.json);

    let inbox = api.get("/api/v1/inbox", &[("authorization", &verifier)]);
    let lines: Vec<(String, bool)> = inbox
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["tracking_code"].as_str().unwrap().to_owned(), i["waiting_on_applicant"].as_bool().unwrap()))
        .collect();
    assert_eq!(lines, [(open.clone(), false), (returned.clone(), true)], "the task first, then the waiting case");
    let waiting = &inbox.json[1];
    assert_eq!((waiting["stage"].as_str(), waiting["clock"].as_str()), (Some("menunggu_kelengkapan"), Some("none")));

    let mine = api.get("/api/v1/inbox?scope=mine", &[("authorization", &verifier)]);
    assert!(mine.json.as_array().unwrap().iter().all(|i| i["waiting_on_applicant"] == false), "nobody holds it");
    let analyst = api.sign_in("pokja_layanan");
    let theirs = api.get("/api/v1/inbox", &[("authorization", &analyst)]);
    assert!(theirs.json.as_array().unwrap().is_empty(), "another role's inbox: {:?}", theirs.json);

    let cookie = format!("sigap_staff={}", verifier.trim_start_matches("Bearer "));
    let page = String::from_utf8(api.get("/staf/kotak-masuk", &[("cookie", &cookie)]).bytes).unwrap();
    let section = page.split("id=\"menunggu-pemohon\"").nth(1).expect("a section for waiting cases");
    assert!(section.contains(&returned) && !section.contains(&open), "{section}");
}
