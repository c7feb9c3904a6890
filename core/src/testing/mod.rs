//! Test support shared by every backend: a small fixture workflow and the
//! storage conformance suite.
//!
//! A backend runs the suite with one generated test per case:
//!
//! ```ignore
//! sigap_core::conformance_tests!(|| async {
//!     let dir = tempfile::tempdir().unwrap();
//!     let store = MyStore::open(dir.path()).unwrap();
//!     (std::sync::Arc::new(store) as std::sync::Arc<dyn sigap_core::storage::Store>, Box::new(dir) as sigap_core::testing::Guard)
//! });
//! ```

pub mod conformance;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::engine::{CaseId, NewCase, TrackingCode, hash_secret};
use crate::form::Input;
use crate::service::{Outcome, Service};
use crate::storage::Store;
use crate::workflow::Workflow;

/// Keeps a store's resources (a temporary directory, a pool) alive for a test.
pub type Guard = Box<dyn std::any::Any + Send>;

/// The fixture workflow's text.
pub const FIXTURE_WORKFLOW: &str = include_str!("fixture.toml");
/// The fixture calendar's text.
pub const FIXTURE_CALENDAR: &str = include_str!("kalender-uji.toml");

/// The fixture workflow (organisation `org-uji`, workflow `uji`).
pub fn fixture_workflow() -> Workflow {
    fixture_workflow_for("org-uji")
}

/// The fixture workflow under another organisation id (for tenant tests).
pub fn fixture_workflow_for(organisation: &str) -> Workflow {
    let text = FIXTURE_WORKFLOW.replace("id = \"org-uji\"", &format!("id = \"{organisation}\""));
    Workflow::load("fixture.toml", &text, &mut |_, _| Ok(("kalender-uji.toml".to_owned(), FIXTURE_CALENDAR.to_owned())))
        .unwrap_or_else(|e| panic!("the fixture workflow loads: {e}"))
}

/// An instant in the fixture's time zone (UTC+7), e.g. `at("2026-12-01 09:00")`.
pub fn at(local: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").expect("a `YYYY-MM-DD HH:MM` instant");
    naive.and_utc() - chrono::TimeDelta::hours(7)
}

/// A deterministic new case identity from a number.
pub fn new_case(n: u64) -> NewCase {
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&n.to_be_bytes());
    let mut code = [0u8; 5];
    code.copy_from_slice(&n.to_be_bytes()[3..]);
    NewCase {
        id: CaseId::generate(1_764_547_200_000 + n, random),
        tracking_code: TrackingCode::generate(code),
        secret_hash: hash_secret(&format!("secret-{n}")),
    }
}

/// The fixture form, filled in.
pub fn fixture_form(name: &str) -> BTreeMap<String, Input> {
    BTreeMap::from([
        ("nama".to_owned(), Input::Text(name.to_owned())),
        ("pokok".to_owned(), Input::Text("Sengketa pengadaan".to_owned())),
        ("setuju".to_owned(), Input::Bool(true)),
    ])
}

/// A service over `store` with the fixture workflow installed.
pub async fn fixture_service(store: Arc<dyn Store>) -> Service {
    let service = Service::new(store);
    service.install(fixture_workflow()).await.expect("install the fixture workflow");
    service
}

/// Submits fixture case `n` at `when`.
pub async fn submit(service: &Service, n: u64, when: DateTime<Utc>) -> CaseId {
    let outcome = service
        .submit("org-uji", "uji", new_case(n), fixture_form(&format!("Pemohon {n}")), None, when)
        .await
        .unwrap_or_else(|e| panic!("submit case {n}: {e}"));
    match outcome {
        Outcome::Applied { case, .. } => case.id,
        other => panic!("submit case {n}: {other:?}"),
    }
}
