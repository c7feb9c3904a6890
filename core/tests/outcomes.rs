//! A workflow names its own outcomes (`[[outcomes]]`), each counted under a
//! report category: the report and both views use the declared labels, the
//! engine records the category, and a workflow without them keeps its
//! version and its three default outcomes.

use std::collections::BTreeMap;
use std::sync::Arc;

use sigap_core::access;
use sigap_core::definition::Outcome;
use sigap_core::engine::{Command, Principal, Status};
use sigap_core::form::Input;
use sigap_core::service::{Outcome as Applied, Service};
use sigap_core::storage::memory::MemoryStore;
use sigap_core::testing::{Era, FIXTURE_WORKFLOW, at, fixture_form, fixture_workflow, new_case};
use sigap_core::workflow::Workflow;

/// The fixture workflow with outcomes in its own words.
fn with_outcomes() -> Workflow {
    let text = FIXTURE_WORKFLOW
        .replace("outcome = \"answered\"", "outcome = \"kuasa_diterbitkan\"")
        .replace("outcome = \"rejected\"", "outcome = \"tidak_memenuhi\"")
        + "\n[[outcomes]]\nid = \"kuasa_diterbitkan\"\nlabel = \"Surat kuasa diterbitkan\"\ncategory = \"answered\"\n\n\
           [[outcomes]]\nid = \"tidak_memenuhi\"\nlabel = \"Tidak memenuhi syarat\"\ncategory = \"rejected\"\n";
    let calendar = Era::NEAR.calendar_text();
    Workflow::load("fixture.toml", &text, &mut |_, _| Ok(("kalender-uji.toml".to_owned(), calendar.clone())))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn declared_outcomes_are_reported_and_shown_in_their_own_words() {
    let workflow = with_outcomes();
    assert_ne!(workflow.definition.version(), fixture_workflow().definition.version(), "a new key used: a new version");
    let service = Service::new(Arc::new(MemoryStore::new()));
    service.install(workflow.clone()).await.unwrap();
    let Applied::Applied { case, .. } = service
        .submit("org-uji", "uji", new_case(1), fixture_form("Pemohon 1"), None, at("2026-12-01 09:00"))
        .await
        .unwrap()
    else {
        panic!("submitted")
    };
    let officer = Principal::staff("rina", &["petugas"]);
    let reject = Command::Perform {
        action: "tolak".to_owned(),
        inputs: BTreeMap::from([("alasan".to_owned(), Input::Text("Bukan ranah hukum kepegawaian.".to_owned()))]),
        form: None,
    };
    let Applied::Applied { case, .. } =
        service.execute("org-uji", &case.id, &officer, &reject, None, None, at("2026-12-01 09:10")).await.unwrap()
    else {
        panic!("rejected")
    };
    assert_eq!((case.status, case.outcome), (Status::Closed, Some(Outcome::Rejected)), "the category is recorded");

    let events = service.store().events("org-uji", &case.id).await.unwrap();
    let staff =
        access::staff_view(&workflow.definition, &workflow.calendar, &case, &events, &officer, at("2026-12-01 10:00"));
    assert_eq!(staff.outcome_label.as_deref(), Some("Tidak memenuhi syarat"));
    let applicant = access::applicant_view(&workflow.definition, &case);
    assert_eq!(applicant.outcome_label.as_deref(), Some("Tidak memenuhi syarat"));

    let report = sigap_core::report::evaluate(&workflow.definition, workflow.calendar.time_zone(), &[*case], 2026);
    let rows: Vec<(&str, &str, u64)> =
        report.outcomes.iter().map(|c| (c.id.as_str(), c.label.as_str(), c.count)).collect();
    assert_eq!(
        rows,
        [("kuasa_diterbitkan", "Surat kuasa diterbitkan", 0), ("tidak_memenuhi", "Tidak memenuhi syarat", 1)]
    );
}

#[test]
fn without_declared_outcomes_the_three_defaults_keep_their_report_rows() {
    let workflow = fixture_workflow();
    let ids: Vec<String> = workflow.definition.file().outcome_defs().into_iter().map(|o| o.id).collect();
    assert_eq!(ids, ["answered", "rejected", "withdrawn"]);
    let report = sigap_core::report::evaluate(&workflow.definition, workflow.calendar.time_zone(), &[], 2026);
    let rows: Vec<&str> = report.outcomes.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(rows, ["answered", "referred", "rejected", "withdrawn"]);
}
