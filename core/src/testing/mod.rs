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

use chrono::{DateTime, Datelike, TimeZone, Utc};

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
    Era::NEAR.workflow_for(organisation)
}

/// An instant in the fixture's time zone (UTC+7), e.g. `at("2026-12-01 09:00")`.
pub fn at(local: &str) -> DateTime<Utc> {
    Era::NEAR.at(local)
}

/// The years a conformance case runs in. Every case is written with
/// instants in 2026 (`era.at("2026-12-01 09:00")`); an era moves them to
/// another year with the same calendar (the same weekdays, no leap day), so
/// a case means the same thing in each era. Running each case far in the
/// past and far in the future as well as near today catches a store that
/// compares the instants it is given with a clock of its own (a database's
/// `now()`, the machine's time): such a comparison cannot hold in all three.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Era {
    /// The year 2026 becomes in this era.
    year: i32,
}

impl Era {
    /// 1914: before the Unix epoch (negative timestamps) and in a year when
    /// Asia/Jakarta kept Batavia mean time (UTC+07:07:12).
    pub const PAST: Era = Era { year: 1914 };
    /// 2026: the year the cases are written in.
    pub const NEAR: Era = Era { year: 2026 };
    /// 2189: near the end of the years a calendar covers (1900–2199).
    pub const FUTURE: Era = Era { year: 2189 };
    /// A local instant of the fixture's zone (Asia/Jakarta), written in
    /// 2026 or 2027 terms (`"2026-12-01 09:00"`), moved into this era.
    pub fn at(self, local: &str) -> DateTime<Utc> {
        let naive =
            chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").expect("a `YYYY-MM-DD HH:MM` instant");
        let moved = naive.with_year(naive.year() - 2026 + self.year).expect("the eras keep every date");
        chrono_tz::Asia::Jakarta.from_local_datetime(&moved).single().expect("Asia/Jakarta has no gaps then").to_utc()
    }

    /// The fixture calendar's text, its holidays moved into this era.
    pub fn calendar_text(self) -> String {
        FIXTURE_CALENDAR.replace("date = 2026-", &format!("date = {}-", self.year))
    }

    /// The fixture workflow in this era under `organisation`.
    pub fn workflow_for(self, organisation: &str) -> Workflow {
        let text = FIXTURE_WORKFLOW.replace("id = \"org-uji\"", &format!("id = \"{organisation}\""));
        let calendar = self.calendar_text();
        Workflow::load("fixture.toml", &text, &mut |_, _| Ok(("kalender-uji.toml".to_owned(), calendar.clone())))
            .unwrap_or_else(|e| panic!("the fixture workflow loads: {e}"))
    }

    /// A service over `store` with this era's fixture workflow installed.
    pub async fn service(self, store: Arc<dyn Store>) -> Service {
        let service = Service::new(store);
        service.install(self.workflow_for("org-uji")).await.expect("install the fixture workflow");
        service
    }
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
    Era::NEAR.service(store).await
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
