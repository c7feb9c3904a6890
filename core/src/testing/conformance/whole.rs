//! Every capability together: tenancy, and a whole procedure.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::idempotency::keyed;
use super::{head, officer, perform, state};
use crate::engine::{Case, Command, Principal, Status, history};
use crate::form::Input;
use crate::storage::{CaseQuery, Store};
use crate::testing::{Era, new_case, submit};

/// One organisation never sees another's cases, blobs, keys or definitions.
pub async fn tenants_are_isolated(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    service.install(era.workflow_for("org-lain")).await.unwrap();
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let other = service
        .submit("org-lain", "uji", new_case(2), crate::testing::fixture_form("Lain"), None, era.at("2026-12-01 09:00"))
        .await
        .unwrap();
    let other_id = other.case_id().clone();
    assert!(store.case("org-lain", &id).await.unwrap().is_none());
    assert!(store.events("org-lain", &id).await.unwrap().is_empty());
    assert!(store.case("org-uji", &other_id).await.unwrap().is_none());
    let listed = store.list(&CaseQuery { organisation: "org-lain".to_owned(), ..CaseQuery::default() }).await.unwrap();
    assert_eq!(listed.iter().map(|s| &s.case).collect::<Vec<_>>(), vec![&other_id]);
    let bytes = b"%PDF-1.4 tenant".to_vec();
    let blob_id = crate::definition::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    store.put_blob("org-uji", &blob_id, &bytes).await.unwrap();
    assert!(store.blob("org-lain", &blob_id).await.unwrap().is_none());
    assert_eq!(store.blob("org-uji", &blob_id).await.unwrap(), Some(bytes));
    let note = Command::AddNote { text: "x".to_owned(), obstacle: false, audience: None };
    service
        .execute("org-uji", &id, &officer(), &note, None, keyed("same-key", "f"), era.at("2026-12-01 09:05"))
        .await
        .unwrap();
    assert!(store.idempotency("org-lain", "same-key").await.unwrap().is_none());
}

/// A case taken through return, amendment, verification and answer replays to exactly the stored state.
pub async fn a_whole_procedure_replays_to_the_stored_state(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 1, era.at("2026-12-04 14:00")).await;
    let steps: Vec<(Principal, Command, &str)> = vec![
        (officer(), Command::Claim, "2026-12-04 14:05"),
        (
            officer(),
            perform("minta", &[("kekurangan", Input::Text("Lampirkan surat tugas".to_owned()))]),
            "2026-12-04 14:20",
        ),
        (
            Principal::Applicant,
            Command::Perform {
                action: "lengkapi".to_owned(),
                inputs: BTreeMap::new(),
                form: Some(crate::testing::fixture_form("Pemohon 1")),
            },
            "2026-12-07 09:00",
        ),
        (
            officer(),
            Command::AddNote { text: "Berkas lengkap".to_owned(), obstacle: false, audience: None },
            "2026-12-07 09:10",
        ),
        (officer(), perform("teruskan", &[]), "2026-12-07 09:15"),
    ];
    for (who, command, when) in steps {
        service
            .execute("org-uji", &id, &who, &command, None, None, era.at(when))
            .await
            .unwrap_or_else(|e| panic!("{when}: {e}"));
    }
    let document = b"%PDF-1.4 jawaban".to_vec();
    let file = crate::form::FileRef {
        id: crate::definition::hex(&<sha2::Sha256 as sha2::Digest>::digest(&document)),
        name: "jawaban.pdf".to_owned(),
        file_type: crate::definition::FileType::Pdf,
        size: document.len() as u64,
    };
    store.put_blob("org-uji", &file.id, &document).await.unwrap();
    let answer = perform(
        "kirim_jawaban",
        &[
            ("produk", Input::Text("pendapat".to_owned())),
            ("dokumen", Input::Files(vec![file])),
            ("pesan", Input::Text("Jawaban terlampir".to_owned())),
        ],
    );
    service.execute("org-uji", &id, &head(), &answer, None, None, era.at("2026-12-08 10:00")).await.unwrap();
    let survey = Command::RecordSurvey { answers: BTreeMap::from([("puas".to_owned(), Input::Number(5))]) };
    service
        .execute("org-uji", &id, &Principal::Applicant, &survey, None, None, era.at("2026-12-08 11:00"))
        .await
        .unwrap();
    let (case, events) = state(store.as_ref(), &id).await;
    assert_eq!(case.status, Status::Closed);
    assert_eq!(Case::fold(&events).unwrap(), case);
    history::verify_against(&id, &events, case.version, &case.head).unwrap();
    assert!(case.clocks.iter().all(|c| c.is_stopped()));
    assert_eq!(case.survey.as_ref().map(|s| s.len()), Some(1));
}
