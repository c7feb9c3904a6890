//! Definitions and calendars by version.

use std::sync::Arc;

use super::{officer, state};
use crate::engine::Command;
use crate::service::Service;
use crate::storage::Store;
use crate::testing::{Era, submit};

/// Definitions and calendars are kept by version, and a case's pinned ones load from the store alone.
pub async fn definitions_and_calendars_round_trip(store: Arc<dyn Store>, era: Era) {
    let service = era.service(store.clone()).await;
    let id = submit(&service, 1, era.at("2026-12-01 09:00")).await;
    let (case, _) = state(store.as_ref(), &id).await;
    assert!(store.definition("org-uji", "uji", &case.workflow_version).await.unwrap().is_some());
    assert!(store.calendar("org-uji", &case.calendar, &case.calendar_version).await.unwrap().is_some());
    assert!(store.definition("org-lain", "uji", &case.workflow_version).await.unwrap().is_none());
    // A fresh service that never installed anything serves the case from what the store kept.
    let cold = Service::new(store.clone());
    let (_, _, wf) = cold.load("org-uji", &id).await.unwrap();
    assert_eq!(wf.definition.version(), case.workflow_version);
    assert_eq!(wf.calendar.version(), case.calendar_version);
    cold.execute("org-uji", &id, &officer(), &Command::Claim, None, None, era.at("2026-12-01 09:05")).await.unwrap();
}
