//! Confidentiality beyond the form, on the illustrative Kabupaten Contoh
//! workflow: the Regional Secretary, who has the power of attorney signed,
//! sees only the chronology and the decision, and only once a case reached
//! a stage of theirs; the inspectorate, who may not see identity, sees
//! neutral file names; notes are the handlers'. In-process, through the API.

mod support;

use serde_json::{Value, json};
use support::{Api, Part, pdf};

const SUBMIT: &str = "/api/v1/workflows/pendampingan-hukum/cases";
const REVISION_NOTE: &str = "CATATAN-REVISI-INTERNAL: dasar hukum belum lengkap";

fn submit(api: &Api) -> String {
    let reply = api.post_multipart(
        SUBMIT,
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
                "Saya dipanggil sebagai saksi dalam perkara pengadaan jalan yang saya tangani sebagai pejabat pembuat komitmen.",
            ),
            Part::Text("pernyataan", "on"),
            Part::File("surat_panggilan", "SK_Budi_198204142006041003.pdf", &pdf("surat panggilan")),
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

#[test]
fn a_signing_role_sees_the_chronology_and_the_decision_and_others_see_neutral_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::in_process(dir.path());
    let code = submit(&api);
    let registrar = api.sign_in("staf_bankum");
    let inbox = api.get("/api/v1/inbox", &[("authorization", &registrar)]);
    let case = inbox.json.as_array().unwrap().iter().find(|i| i["tracking_code"] == code.as_str()).unwrap()["case"]
        .as_str()
        .unwrap()
        .to_owned();
    act(&api, &registrar, &case, "register", &[]);

    // Before the case reaches a stage of theirs, the Regional Secretary cannot
    // open it: the same 404 as a case that does not exist.
    let secretary = api.sign_in("sekda");
    let auth = [("authorization", secretary.as_str())];
    let hidden = api.get(&format!("/api/v1/cases/{case}"), &auth);
    let missing = api.get("/api/v1/cases/01JZZZZZZZZZZZZZZZZZZZZZZZ", &auth);
    assert_eq!((hidden.status, missing.status), (404, 404));
    assert_eq!(hidden.json, missing.json, "a case out of reach answers like a missing one");
    let listed = api.get("/api/v1/cases", &auth);
    assert!(listed.json.as_array().unwrap().iter().all(|s| s["case"] != case.as_str()), "{:?}", listed.json);
    // Counts and the CSV are the reader's too (issue 19): the registrar
    // counts the case, the Regional Secretary does not.
    let counted = |token: &str| api.get("/api/v1/cases/counts", &[("authorization", token)]).json;
    assert_eq!(counted(&registrar)["by_state"]["open"], 1, "{:?}", counted(&registrar));
    assert_eq!(counted(&secretary)["total"], 0, "{:?}", counted(&secretary));
    assert_eq!(counted(&secretary)["by_state"]["open"], 0);
    let sheet = api.get("/api/v1/cases.csv", &auth);
    assert_eq!(sheet.status, 200);
    assert!(!String::from_utf8_lossy(&sheet.bytes).contains(&code), "the CSV keeps to the reader's reach");
    let registrar_sheet = api.get("/api/v1/cases.csv", &[("authorization", &registrar)]);
    assert!(String::from_utf8_lossy(&registrar_sheet.bytes).contains(&code));
    let note = api.post(&format!("/api/v1/cases/{case}/notes"), &auth, &json!({ "text": "catatan" }));
    assert_eq!(note.status, 404, "{:?}", note.json);

    // The study and a revision note on the way.
    let analyst = api.sign_in("analis");
    act(&api, &analyst, &case, "ajukan_telaah", &[Part::File("telaahan", "telaahan-hukum.pdf", &pdf("telaahan"))]);
    let head = api.sign_in("kasubbag");
    act(&api, &head, &case, "revisi_telaah", &[Part::Text("catatan", REVISION_NOTE)]);
    act(&api, &analyst, &case, "ajukan_telaah", &[Part::File("telaahan", "telaahan-hukum-2.pdf", &pdf("telaahan 2"))]);
    act(&api, &head, &case, "teruskan_telaah", &[]);
    let noted = api.post(
        &format!("/api/v1/cases/{case}/notes"),
        &[("authorization", &head)],
        &json!({ "text": "Sudah diperiksa." }),
    );
    assert_eq!(noted.status, 200, "{:?}", noted.json);

    // Now at the stage the Regional Secretary supervises: the chronology and
    // the decision, not the study, the revision note or the internal notes.
    let seen = api.get(&format!("/api/v1/cases/{case}"), &auth);
    assert_eq!(seen.status, 200, "{:?}", seen.json);
    let text = String::from_utf8_lossy(&seen.bytes).into_owned();
    assert!(!text.contains("CATATAN-REVISI-INTERNAL"), "the revision note leaks: {text}");
    assert!(!text.contains("telaahan-hukum"), "the study leaks: {text}");
    assert!(!text.contains("Sudah diperiksa"), "an internal note leaks: {text}");
    let kinds: Vec<&str> =
        seen.json["history"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.iter().all(|k| ["submitted", "action_performed", "answered"].contains(k)), "{kinds:?}");
    assert!(kinds.iter().filter(|k| **k == "action_performed").count() >= 5, "the chronology: {kinds:?}");
    assert!(seen.json["clocks"].as_array().unwrap().is_empty(), "no clock entries, no clocks");
    let revision = seen.json["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["detail"]["action"] == "revisi_telaah")
        .expect("the move is in the chronology");
    assert_eq!(revision["detail"]["inputs"]["catatan"], "[dirahasiakan]");
    // The study cannot be downloaded.
    let full = api.get(&format!("/api/v1/cases/{case}"), &[("authorization", &head)]);
    let study = full.json["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["file"]["name"] == "telaahan-hukum-2.pdf")
        .expect("the head of sub-section sees the study")["file"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(api.get(&format!("/api/v1/cases/{case}/attachments/{study}"), &auth).status, 404);
    assert_eq!(api.get(&format!("/api/v1/cases/{case}/attachments/{study}"), &[("authorization", &head)]).status, 200);
    // The Regional Secretary reads identity, so real file names; may not add notes.
    assert!(text.contains("SK_Budi_198204142006041003.pdf"));
    let refused = api.post(&format!("/api/v1/cases/{case}/notes"), &auth, &json!({ "text": "catatan" }));
    assert_eq!(refused.status, 403, "{:?}", refused.json);
    assert_eq!(refused.code(), "not_allowed");

    // The inspectorate may not see identity: a neutral name, in the case,
    // its history and the download; and adds no note.
    let inspector = api.sign_in("inspektorat");
    let iauth = [("authorization", inspector.as_str())];
    let seen = api.get(&format!("/api/v1/cases/{case}"), &iauth);
    assert_eq!(seen.status, 200);
    let text = String::from_utf8_lossy(&seen.bytes).into_owned();
    assert!(
        !text.contains("SK_Budi") && !text.contains("198204142006041003") && !text.contains("Budi Santoso"),
        "{text}"
    );
    let summons = seen.json["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["form_field"] == "surat_panggilan")
        .expect("the summons is readable")
        .clone();
    assert_eq!(summons["file"]["name"], "lampiran-1.pdf");
    let file =
        api.get(&format!("/api/v1/cases/{case}/attachments/{}", summons["file"]["id"].as_str().unwrap()), &iauth);
    assert_eq!(file.status, 200);
    assert!(file.disposition.contains("lampiran-1.pdf") && !file.disposition.contains("Budi"), "{}", file.disposition);
    let refused = api.post(&format!("/api/v1/cases/{case}/notes"), &iauth, &json!({ "text": "catatan" }));
    assert_eq!(refused.status, 403, "{:?}", refused.json);
    let _: Value = refused.json;
}
