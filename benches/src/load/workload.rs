//! The requests the load sends: submissions, and internal notes spread
//! round-robin over a set of cases (created beforehand, or the newest ones).

use std::sync::Arc;

use axum::body::Bytes;

use super::api;
use super::http::{Answer, Http};
use super::stats::{Job, MakeJob};

/// What a load sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Kind {
    /// Submissions (`POST /api/v1/workflows/{workflow}/cases`).
    Submit,
    /// Internal notes (`POST /api/v1/cases/{id}/notes`).
    Note,
}

impl Kind {
    /// Its name in reports.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Submit => "submit",
            Kind::Note => "note",
        }
    }
}

/// A signed-in client with cases to write notes on.
pub(crate) struct Workload {
    http: Http,
    token: String,
    cases: std::sync::RwLock<Arc<Vec<String>>>,
    submit: Bytes,
}

impl Workload {
    /// Notes go to `cases` in turn.
    pub(crate) fn new(http: Http, token: String, cases: Vec<String>) -> Arc<Self> {
        Arc::new(Self {
            http,
            token,
            cases: std::sync::RwLock::new(Arc::new(cases)),
            submit: api::submit_body("Siti Rahmawati"),
        })
    }

    /// Notes go to these cases from now on (ignored when empty).
    pub(crate) fn set_cases(&self, cases: Vec<String>) {
        if !cases.is_empty()
            && let Ok(mut current) = self.cases.write()
        {
            *current = Arc::new(cases);
        }
    }

    /// The `i`-th request of a kind.
    pub(crate) fn job(self: &Arc<Self>, kind: Kind, i: u64) -> Job {
        let this = self.clone();
        Box::pin(async move {
            match kind {
                Kind::Submit => verdict(api::submit(&this.http, this.submit.clone(), None).await, 201),
                Kind::Note => {
                    let cases = this.cases.read().map(|c| c.clone()).unwrap_or_default();
                    let Some(case) = cases.get((i as usize) % cases.len().max(1)) else {
                        return Err("no case to write a note on".to_owned());
                    };
                    let body = api::note_body(&format!("catatan beban {i}"));
                    verdict(api::note(&this.http, &this.token, case, body).await, 200)
                }
            }
        })
    }

    /// A maker of one kind of request.
    pub(crate) fn maker(self: &Arc<Self>, kind: Kind) -> MakeJob {
        let this = self.clone();
        Arc::new(move |i| this.job(kind, i))
    }

    /// A maker alternating submissions (even) and notes (odd).
    pub(crate) fn mixed(self: &Arc<Self>) -> MakeJob {
        let this = self.clone();
        Arc::new(move |i| if i.is_multiple_of(2) { this.job(Kind::Submit, i / 2) } else { this.job(Kind::Note, i / 2) })
    }
}

fn verdict(answer: Answer, expected: u16) -> Result<(), String> {
    match answer {
        Answer::Status(status, _) if status == expected => Ok(()),
        other => Err(other.describe()),
    }
}
