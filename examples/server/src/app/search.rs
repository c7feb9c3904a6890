//! The case list: every case a person may reach, found by workflow, stage,
//! state, clock, dates received, tracking code and who holds it; sorted,
//! paged and counted, or as a CSV. Both faces send the parameters as the
//! client wrote them (`?workflow=…&state=…`); a bad one is a 400 naming it,
//! in English and in Bahasa Indonesia.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::Serialize;
use sigap_core::definition::Outcome;
use sigap_core::engine::{ClockState, Status, TrackingCode};
use sigap_core::storage::{COUNT_CAP, CaseQuery, CaseSummary, ClockFilter, Order};
use sigap_core::workflow::Workflow;

use super::error::{AppError, FieldProblem};
use super::staff::{reach_filter, visible_workflows, within_reach};
use crate::auth::Account;
use crate::state::AppState;

/// The largest page a client may ask for.
pub(crate) const MAX_LIMIT: usize = 1000;
/// The page size when none is asked for.
pub(crate) const DEFAULT_LIMIT: usize = 50;
/// The most rows a CSV holds: a larger list must be narrowed first, so a
/// file never silently leaves cases out.
pub(crate) const CSV_MAX: usize = COUNT_CAP;

/// Where a case stands, as the list filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum CaseState {
    /// Staff are working on it.
    Open,
    /// It waits on the applicant.
    Waiting,
    /// Closed, however it ended.
    Closed,
    /// Closed with an answer.
    Answered,
    /// Closed, rejected.
    Rejected,
    /// Closed, withdrawn or lapsed.
    Withdrawn,
}

impl CaseState {
    const ALL: [(&'static str, CaseState); 6] = [
        ("open", CaseState::Open),
        ("waiting", CaseState::Waiting),
        ("closed", CaseState::Closed),
        ("answered", CaseState::Answered),
        ("rejected", CaseState::Rejected),
        ("withdrawn", CaseState::Withdrawn),
    ];

    /// Its parameter value.
    pub(crate) fn id(self) -> &'static str {
        Self::ALL.iter().find(|(_, s)| *s == self).map_or("open", |(id, _)| id)
    }

    /// Every state, in the order a page shows them.
    pub(crate) fn all() -> impl Iterator<Item = CaseState> {
        Self::ALL.iter().map(|(_, s)| *s)
    }

    fn narrow(self, query: &mut CaseQuery) {
        let (status, outcome) = match self {
            CaseState::Open => (Status::Open, None),
            CaseState::Waiting => (Status::Waiting, None),
            CaseState::Closed => (Status::Closed, None),
            CaseState::Answered => (Status::Closed, Some(Outcome::Answered)),
            CaseState::Rejected => (Status::Closed, Some(Outcome::Rejected)),
            CaseState::Withdrawn => (Status::Closed, Some(Outcome::Withdrawn)),
        };
        query.statuses = vec![status];
        query.outcomes = outcome.into_iter().collect();
    }

    /// The state of a summary (the most precise one).
    pub(crate) fn of(summary: &CaseSummary) -> CaseState {
        match (summary.status, summary.outcome) {
            (Status::Open, _) => CaseState::Open,
            (Status::Waiting, _) => CaseState::Waiting,
            (Status::Closed, Some(Outcome::Answered)) => CaseState::Answered,
            (Status::Closed, Some(Outcome::Rejected)) => CaseState::Rejected,
            (Status::Closed, Some(Outcome::Withdrawn)) => CaseState::Withdrawn,
            (Status::Closed, None) => CaseState::Closed,
        }
    }
}

/// Who holds the cases to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Holder {
    /// The reader.
    Me,
    /// Nobody.
    Nobody,
    /// A named person of the organisation.
    Person(String),
}

/// A search, read and checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Search {
    /// Only this workflow.
    pub(crate) workflow: Option<String>,
    /// Only these stages.
    pub(crate) stages: Vec<String>,
    /// Only this state.
    pub(crate) state: Option<CaseState>,
    /// Only cases whose stage clock stands so now.
    pub(crate) clock: Vec<ClockState>,
    /// Received on or after this day (the organisation's zone).
    pub(crate) received_from: Option<NaiveDate>,
    /// Received on or before this day.
    pub(crate) received_to: Option<NaiveDate>,
    /// Only this tracking code.
    pub(crate) code: Option<TrackingCode>,
    /// Held by.
    pub(crate) holder: Option<Holder>,
    /// The order.
    pub(crate) sort: Option<Order>,
    /// The page size.
    pub(crate) limit: Option<usize>,
    /// Skip this many.
    pub(crate) offset: usize,
}

const PARAMETERS: &[&str] = &[
    "workflow",
    "stage",
    "state",
    "status",
    "clock",
    "received_from",
    "received_to",
    "code",
    "assigned",
    "sort",
    "limit",
    "offset",
];

fn bad(parameter: &str, message: String, message_id: String) -> AppError {
    let mut e = AppError::bad_request("bad_parameter", format!("{parameter}: {message}"))
        .id(format!("Parameter `{parameter}`: {message_id}"));
    e.fields = vec![FieldProblem {
        field: parameter.to_owned(),
        code: "bad_parameter".to_owned(),
        message: message_id,
        message_en: message,
    }];
    e
}

/// The values of a comma-separated parameter, each trimmed, none empty.
fn values(text: &str) -> Vec<&str> {
    text.split(',').map(str::trim).filter(|v| !v.is_empty()).collect()
}

impl Search {
    /// Reads the parameters of a request (`(name, value)` as sent; an empty
    /// value is no filter, as an untouched select on a page sends).
    pub(crate) fn parse(state: &AppState, account: &Account, pairs: &[(String, String)]) -> Result<Self, AppError> {
        let mut search = Search::default();
        let workflows = visible_workflows(state, account);
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in pairs {
            let name = name.as_str();
            if !PARAMETERS.contains(&name) {
                if name == "lang" {
                    continue;
                }
                return Err(bad(
                    name,
                    format!("unknown parameter; use one of {}", PARAMETERS.join(", ")),
                    format!("tidak dikenal; gunakan salah satu dari {}", PARAMETERS.join(", ")),
                ));
            }
            // `status` is what the list took before `state` (open, waiting,
            // closed): still read, as `state`.
            let name = if name == "status" { "state" } else { name };
            if seen.contains(&name) {
                return Err(bad(
                    name,
                    "given twice; give it once (several values: separate them with commas)".to_owned(),
                    "diberikan dua kali; berikan sekali (beberapa nilai: pisahkan dengan koma)".to_owned(),
                ));
            }
            seen.push(name);
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match name {
                "workflow" => {
                    if !workflows.iter().any(|w| w.id() == value) {
                        let known: Vec<&str> = workflows.iter().map(Workflow::id).collect();
                        return Err(bad(
                            name,
                            format!("no service `{value}` you may view; yours: {}", known.join(", ")),
                            format!(
                                "tidak ada layanan `{value}` yang dapat Anda lihat; layanan Anda: {}",
                                known.join(", ")
                            ),
                        ));
                    }
                    search.workflow = Some(value.to_owned());
                }
                "stage" => search.stages = values(value).into_iter().map(str::to_owned).collect(),
                "state" => {
                    let found = CaseState::ALL.iter().find(|(id, _)| *id == value);
                    let ids: Vec<&str> = CaseState::ALL.iter().map(|(id, _)| *id).collect();
                    search.state = Some(found.map(|(_, s)| *s).ok_or_else(|| {
                        bad(
                            name,
                            format!("`{value}` is not a state; use one of {}", ids.join(", ")),
                            format!("`{value}` bukan status; gunakan salah satu dari {}", ids.join(", ")),
                        )
                    })?);
                }
                "clock" => {
                    for one in values(value) {
                        let state = match one {
                            "on_track" => ClockState::OnTrack,
                            "at_risk" => ClockState::AtRisk,
                            "late" | "breached" => ClockState::Breached,
                            _ => {
                                return Err(bad(
                                    name,
                                    format!("`{one}` is not a clock state; use on_track, at_risk or late"),
                                    format!("`{one}` bukan status waktu; gunakan on_track, at_risk atau late"),
                                ));
                            }
                        };
                        if !search.clock.contains(&state) {
                            search.clock.push(state);
                        }
                    }
                }
                "received_from" | "received_to" => {
                    let day = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
                        bad(
                            name,
                            format!("`{value}` is not a date; write it as YYYY-MM-DD"),
                            format!("`{value}` bukan tanggal; tulis sebagai TTTT-BB-HH"),
                        )
                    })?;
                    if name == "received_from" {
                        search.received_from = Some(day);
                    } else {
                        search.received_to = Some(day);
                    }
                }
                "code" => {
                    search.code = Some(TrackingCode::parse(value).ok_or_else(|| {
                        bad(
                            name,
                            format!("`{value}` is not a tracking code (eight letters and digits, e.g. 7SBW-SYXK)"),
                            format!("`{value}` bukan kode pelacakan (delapan huruf dan angka, mis. 7SBW-SYXK)"),
                        )
                    })?);
                }
                "assigned" => {
                    search.holder = Some(match value {
                        "me" => Holder::Me,
                        "none" => Holder::Nobody,
                        user => {
                            let known =
                                state.accounts.get(user).is_some_and(|a| a.organisation == account.organisation);
                            if !known {
                                return Err(bad(
                                    name,
                                    format!("no person `{user}` in your organisation; use me, none or a user name"),
                                    format!(
                                        "tidak ada pengguna `{user}` di organisasi Anda; gunakan me, none atau nama pengguna"
                                    ),
                                ));
                            }
                            Holder::Person(user.to_owned())
                        }
                    });
                }
                "sort" => {
                    search.sort = Some(match value {
                        "newest" => Order::NewestFirst,
                        "oldest" => Order::OldestFirst,
                        "due" => Order::DueFirst,
                        _ => {
                            return Err(bad(
                                name,
                                format!("`{value}` is not an order; use newest, oldest or due"),
                                format!("`{value}` bukan urutan; gunakan newest, oldest atau due"),
                            ));
                        }
                    });
                }
                "limit" => {
                    let n = value.parse::<usize>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| {
                        bad(
                            name,
                            format!("`{value}`: give a whole number from 1 to {MAX_LIMIT}"),
                            format!("`{value}`: berikan bilangan bulat 1 sampai {MAX_LIMIT}"),
                        )
                    })?;
                    search.limit = Some(n);
                }
                "offset" => {
                    search.offset = value.parse::<usize>().map_err(|_| {
                        bad(
                            name,
                            format!("`{value}`: give a whole number, 0 or more"),
                            format!("`{value}`: berikan bilangan bulat, 0 atau lebih"),
                        )
                    })?;
                }
                _ => unreachable!("every parameter in PARAMETERS is read above"),
            }
        }
        if let (Some(from), Some(to)) = (search.received_from, search.received_to)
            && from > to
        {
            return Err(bad(
                "received_from",
                format!("{from} is after received_to {to}; the first day comes first"),
                format!("{from} sesudah received_to {to}; hari pertama harus lebih dulu"),
            ));
        }
        let scope: Vec<&Workflow> =
            workflows.iter().filter(|w| search.workflow.as_deref().is_none_or(|id| id == w.id())).collect();
        for stage in &search.stages {
            if !scope.iter().any(|w| w.definition.stage(stage).is_some()) {
                return Err(bad(
                    "stage",
                    format!("no stage `{stage}` in the services searched"),
                    format!("tidak ada tahap `{stage}` pada layanan yang dicari"),
                ));
            }
        }
        Ok(search)
    }

    /// The store query for `account` at `now` (reach included).
    pub(crate) fn query(&self, state: &AppState, account: &Account, now: DateTime<Utc>) -> CaseQuery {
        let zone = zone(state, account, self.workflow.as_deref());
        let start_of = |day: NaiveDate| {
            day.and_hms_opt(0, 0, 0)
                .and_then(|t| zone.from_local_datetime(&t).earliest())
                .map(|t| t.with_timezone(&Utc))
        };
        let mut query = CaseQuery {
            organisation: account.organisation.clone(),
            workflow: self.workflow.clone(),
            stages: self.stages.clone(),
            submitted_from: self.received_from.and_then(start_of),
            submitted_before: self.received_to.and_then(|d| d.succ_opt()).and_then(start_of),
            tracking_code: self.code.clone(),
            clock: (!self.clock.is_empty()).then(|| ClockFilter { states: self.clock.clone(), at: now }),
            order: self.sort.unwrap_or_default(),
            limit: self.limit.unwrap_or(DEFAULT_LIMIT),
            offset: self.offset,
            reach: Some(reach_filter(state, account)),
            ..CaseQuery::default()
        };
        if let Some(s) = self.state {
            s.narrow(&mut query);
        }
        match &self.holder {
            Some(Holder::Me) => query.assignee = Some(account.user.clone()),
            Some(Holder::Person(user)) => query.assignee = Some(user.clone()),
            Some(Holder::Nobody) => query.unassigned = true,
            None => {}
        }
        query
    }

    /// The same search with another state (for the counts beside a list).
    pub(crate) fn with_state(&self, state: Option<CaseState>) -> Search {
        Search { state, ..self.clone() }
    }

    /// The parameters that give this search back (for links and the CSV),
    /// without `limit`/`offset` unless asked.
    pub(crate) fn to_pairs(&self, paging: bool) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(w) = &self.workflow {
            out.push(("workflow", w.clone()));
        }
        if !self.stages.is_empty() {
            out.push(("stage", self.stages.join(",")));
        }
        if let Some(s) = self.state {
            out.push(("state", s.id().to_owned()));
        }
        if !self.clock.is_empty() {
            let ids: Vec<&str> = self.clock.iter().map(|c| clock_id(*c)).collect();
            out.push(("clock", ids.join(",")));
        }
        if let Some(d) = self.received_from {
            out.push(("received_from", d.to_string()));
        }
        if let Some(d) = self.received_to {
            out.push(("received_to", d.to_string()));
        }
        if let Some(c) = &self.code {
            out.push(("code", c.to_string()));
        }
        match &self.holder {
            Some(Holder::Me) => out.push(("assigned", "me".to_owned())),
            Some(Holder::Nobody) => out.push(("assigned", "none".to_owned())),
            Some(Holder::Person(u)) => out.push(("assigned", u.clone())),
            None => {}
        }
        match self.sort {
            Some(Order::OldestFirst) => out.push(("sort", "oldest".to_owned())),
            Some(Order::DueFirst) => out.push(("sort", "due".to_owned())),
            Some(Order::NewestFirst) => out.push(("sort", "newest".to_owned())),
            None => {}
        }
        if paging {
            if let Some(limit) = self.limit {
                out.push(("limit", limit.to_string()));
            }
            if self.offset > 0 {
                out.push(("offset", self.offset.to_string()));
            }
        }
        out
    }
}

/// A clock state's parameter value.
pub(crate) fn clock_id(state: ClockState) -> &'static str {
    match state {
        ClockState::OnTrack => "on_track",
        ClockState::AtRisk => "at_risk",
        ClockState::Breached => "late",
        ClockState::Paused => "paused",
        ClockState::Stopped => "stopped",
    }
}

/// The zone dates are read in: the searched workflow's, else the first the
/// reader sees, else Western Indonesia Time.
fn zone(state: &AppState, account: &Account, workflow: Option<&str>) -> chrono_tz::Tz {
    let workflows = visible_workflows(state, account);
    workflows
        .iter()
        .find(|w| workflow.is_none_or(|id| id == w.id()))
        .map_or(chrono_tz::Asia::Jakarta, |w| w.calendar.time_zone())
}

/// A page of the list, with how many match.
#[derive(Debug)]
pub(crate) struct CasePage {
    /// The cases on this page.
    pub(crate) cases: Vec<CaseSummary>,
    /// How many match, up to [`COUNT_CAP`].
    pub(crate) total: usize,
    /// Whether `total` is the whole count (false: at least that many).
    pub(crate) exact: bool,
    /// The page size used.
    pub(crate) limit: usize,
    /// The offset used.
    pub(crate) offset: usize,
}

/// One page of the cases `account` reaches that match, and their count.
pub(crate) async fn page(state: &AppState, account: &Account, search: &Search) -> Result<CasePage, AppError> {
    let query = search.query(state, account, state.now());
    let listed = state.store().list(&query).await?;
    let cases = within_reach(state, account, listed).await?;
    let total = state.store().count(&query).await?;
    Ok(CasePage { cases, total, exact: total < COUNT_CAP, limit: query.effective_limit(), offset: query.offset })
}

/// How many of the matching cases are in each state (the search's own
/// state filter aside), each up to [`COUNT_CAP`].
pub(crate) async fn counts(
    state: &AppState,
    account: &Account,
    search: &Search,
) -> Result<Vec<(CaseState, usize)>, AppError> {
    let now = state.now();
    let mut out = Vec::new();
    for s in CaseState::all().filter(|s| *s != CaseState::Closed) {
        let query = search.with_state(Some(s)).query(state, account, now);
        out.push((s, state.store().count(&query).await?));
    }
    Ok(out)
}

/// Every matching case as CSV (UTF-8, a header line, CRLF-free), in the
/// search's order; more than [`CSV_MAX`] matches is a 400 asking to narrow
/// the search, so a file never leaves cases out. No personal data: a
/// summary holds none.
pub(crate) async fn csv(state: &AppState, account: &Account, search: &Search) -> Result<String, AppError> {
    let mut query = search.query(state, account, state.now());
    query.offset = 0;
    query.limit = CSV_MAX;
    if state.store().count(&query).await? >= CSV_MAX {
        return Err(bad(
            "received_from",
            format!(
                "more than {} cases match; narrow the search (e.g. by the dates received) to export them",
                CSV_MAX - 1
            ),
            format!(
                "lebih dari {} kasus cocok; persempit pencarian (mis. menurut tanggal diterima) untuk mengunduhnya",
                CSV_MAX - 1
            ),
        ));
    }
    let cases = within_reach(state, account, state.store().list(&query).await?).await?;
    let now = state.now();
    let mut out = String::from(
        "tracking_code,workflow,workflow_label,stage,stage_label,state,assignee,received_at,updated_at,due,clock\n",
    );
    for s in &cases {
        let workflow = state.service.workflow(&s.organisation, &s.workflow);
        let label = workflow.as_ref().map_or_else(|| s.workflow.clone(), |w| w.definition.label().to_owned());
        let stage = workflow
            .as_ref()
            .and_then(|w| w.definition.stage(&s.stage).map(|st| st.label.clone()))
            .unwrap_or_else(|| s.stage.clone());
        let cells = [
            s.tracking_code.to_string(),
            s.workflow.clone(),
            label,
            s.stage.clone(),
            stage,
            CaseState::of(s).id().to_owned(),
            s.assignee.clone().unwrap_or_default(),
            s.submitted_at.to_rfc3339(),
            s.updated_at.to_rfc3339(),
            s.due.map(|d| d.to_rfc3339()).unwrap_or_default(),
            s.clock_at(now).map(clock_id).unwrap_or_default().to_owned(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    Ok(out)
}

/// A CSV cell: quoted when it holds a comma, a quote or a line break; a
/// leading `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet does
/// not run it as a formula.
pub(crate) fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_owned() };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("Biro Hukum"), "Biro Hukum");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_cell("-1,2"), "\"'-1,2\"");
    }

    #[test]
    fn every_state_has_its_own_id() {
        let ids: std::collections::BTreeSet<&str> = CaseState::all().map(CaseState::id).collect();
        assert_eq!(ids.len(), 6);
    }
}
