//! Reads: projections, histories, lists, deadlines and the key-value tables.
//!
//! Every read is one statement on a pooled connection (autocommit, READ
//! COMMITTED): a case's projection and its history may be read at different
//! moments, so a reader that needs both consistent re-reads on a version
//! mismatch, as `Service` does through its compare-and-swap.

use chrono::{DateTime, Utc};
use sigap_core::definition::Outcome;
use sigap_core::engine::{Case, CaseId, ClockState, Event, Status, TrackingCode};
use sigap_core::storage::{
    COUNT_CAP, CaseQuery, CaseSummary, Idempotency, Order, REVOCATION_GRACE, ReachClause, ReachScope, StorageError,
};
use sqlx::{PgPool, Postgres, QueryBuilder};

use crate::append::BEGIN_DURABLE;
use crate::error::{corrupt, from_sqlx};
use crate::rows::{case_id, enum_text, get, summary};

pub(crate) async fn case(pool: &PgPool, organisation: &str, id: &CaseId) -> Result<Option<Case>, StorageError> {
    let doing = format!("reading case {id} of {organisation}");
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT version, state FROM cases WHERE organisation = $1 AND case_id = $2")
            .bind(organisation)
            .bind(id.as_str())
            .fetch_optional(pool)
            .await
            .map_err(|e| from_sqlx(&doing, e))?;
    let Some((version, state)) = row else {
        return Ok(None);
    };
    let case: Case = serde_json::from_str(&state)
        .map_err(|e| corrupt(&format!("the projection of case {id} of {organisation}"), e))?;
    if i64::try_from(case.version).ok() != Some(version) || &case.id != id {
        return Err(StorageError::corrupt(format!(
            "the projection of case {id} of {organisation} records case {} version {}, \
             but its row is at version {version}",
            case.id, case.version
        )));
    }
    Ok(Some(case))
}

pub(crate) async fn events(pool: &PgPool, organisation: &str, id: &CaseId) -> Result<Vec<Event>, StorageError> {
    let doing = format!("reading the history of case {id} of {organisation}");
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT seq, hash, body FROM events WHERE organisation = $1 AND case_id = $2 \
         ORDER BY seq",
    )
    .bind(organisation)
    .bind(id.as_str())
    .fetch_all(pool)
    .await
    .map_err(|e| from_sqlx(&doing, e))?;
    rows.into_iter()
        .map(|(seq, hash, body)| {
            let what = format!("event {seq} of case {id} of {organisation}");
            let event: Event = serde_json::from_str(&body).map_err(|e| corrupt(&what, e))?;
            if event.hash != hash {
                return Err(StorageError::corrupt(format!(
                    "{what} carries hash {}, but its row records {hash}",
                    event.hash
                )));
            }
            Ok(event)
        })
        .collect()
}

pub(crate) async fn find_tracking_code(
    pool: &PgPool,
    code: &TrackingCode,
) -> Result<Option<(String, CaseId)>, StorageError> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT organisation, case_id FROM cases WHERE tracking_code = $1")
            .bind(code.as_str())
            .fetch_optional(pool)
            .await
            .map_err(|e| from_sqlx(&format!("looking up tracking code {code}"), e))?;
    row.map(|(organisation, case)| Ok((organisation, case_id(&case)?))).transpose()
}

/// ` AND column = $n` for one value, ` AND column = ANY($n)` for several
/// (a single `=` lets the planner walk an index in `ORDER BY` order).
fn one_of(q: &mut QueryBuilder<'_, Postgres>, column: &str, values: Vec<String>) {
    match values.len() {
        0 => {}
        1 => {
            q.push(format_args!(" AND {column} = ")).push_bind(values.into_iter().next());
        }
        _ => {
            q.push(format_args!(" AND {column} = ANY(")).push_bind(values).push(")");
        }
    }
}

/// `CaseQuery::reach` as SQL: any clause of the summary's workflow keeps it
/// (the same rule as `ReachScope::keeps`); `visited` uses its GIN index.
fn reach(q: &mut QueryBuilder<'_, Postgres>, clauses: &[ReachClause]) {
    q.push(" AND (");
    if clauses.is_empty() {
        q.push("false");
    }
    for (i, clause) in clauses.iter().enumerate() {
        if i > 0 {
            q.push(" OR ");
        }
        q.push("(workflow = ").push_bind(clause.workflow.clone()).push(" AND ");
        match &clause.scope {
            ReachScope::All => {
                q.push("true");
            }
            ReachScope::Stages { now, visited, role } => {
                q.push("(stage = ANY(").push_bind(now.clone()).push(")");
                if let Some(role) = role {
                    q.push(" OR role = ").push_bind(role.clone());
                }
                if !visited.is_empty() {
                    q.push(" OR visited && ").push_bind(visited.clone()).push("::text[] OR cardinality(visited) = 0");
                }
                q.push(")");
            }
            ReachScope::Assigned { role, performed, supervised, user } => {
                q.push("(((stage = ANY(")
                    .push_bind(performed.clone())
                    .push(") OR role = ")
                    .push_bind(role.clone())
                    .push(") AND (assignee IS NULL OR assignee = ")
                    .push_bind(user.clone())
                    .push(")) OR stage = ANY(")
                    .push_bind(supervised.clone())
                    .push("))");
            }
        }
        q.push(")");
    }
    q.push(")");
}

/// The `WHERE` of a list query: exactly what `CaseQuery::matches` keeps.
fn filters(q: &mut QueryBuilder<'_, Postgres>, query: &CaseQuery) {
    q.push(" WHERE organisation = ").push_bind(query.organisation.clone());
    if let Some(workflow) = &query.workflow {
        q.push(" AND workflow = ").push_bind(workflow.clone());
    }
    one_of(q, "stage", query.stages.clone());
    one_of(q, "role", query.roles.clone());
    if let Some(assignee) = &query.assignee {
        q.push(" AND assignee = ").push_bind(assignee.clone());
    }
    if query.unassigned {
        q.push(" AND assignee IS NULL");
    }
    one_of(q, "status", query.statuses.iter().map(enum_text::<Status>).collect());
    one_of(q, "outcome", query.outcomes.iter().map(enum_text::<Outcome>).collect());
    if let Some(from) = query.submitted_from {
        q.push(" AND submitted_at >= ").push_bind(from);
    }
    if let Some(before) = query.submitted_before {
        q.push(" AND submitted_at < ").push_bind(before);
    }
    if let Some(code) = &query.tracking_code {
        q.push(" AND tracking_code = ").push_bind(code.as_str().to_owned());
    }
    if let Some(clock) = &query.clock {
        // `CaseSummary::clock_at`: not closed, with a due instant, then by
        // where the instant falls. One state is written as a plain range, so
        // the planner can read it from the clock indexes.
        q.push(" AND status <> 'closed' AND due IS NOT NULL AND (");
        let states: Vec<&ClockState> =
            clock.states.iter().filter(|s| !matches!(s, ClockState::Paused | ClockState::Stopped)).collect();
        if states.is_empty() {
            q.push("false");
        }
        for (i, state) in states.into_iter().enumerate() {
            if i > 0 {
                q.push(" OR ");
            }
            match state {
                ClockState::Breached => {
                    q.push("due <= ").push_bind(clock.at);
                }
                ClockState::AtRisk => {
                    q.push("(warn <= ").push_bind(clock.at).push(" AND due > ").push_bind(clock.at).push(")");
                }
                ClockState::OnTrack | ClockState::Paused | ClockState::Stopped => {
                    q.push("(due > ")
                        .push_bind(clock.at)
                        .push(" AND (warn IS NULL OR warn > ")
                        .push_bind(clock.at)
                        .push("))");
                }
            }
        }
        q.push(")");
    }
    if let Some(clauses) = &query.reach {
        reach(q, clauses);
    }
}

pub(crate) async fn list(pool: &PgPool, query: &CaseQuery) -> Result<Vec<CaseSummary>, StorageError> {
    let limit = i64::try_from(query.effective_limit()).unwrap_or(i64::MAX);
    let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
    let mut q = QueryBuilder::<Postgres>::new("");
    let urgent_only = query.clock.as_ref().is_some_and(|c| {
        !c.states.is_empty() && c.states.iter().all(|s| matches!(s, ClockState::Breached | ClockState::AtRisk))
    });
    let newest = " ORDER BY submitted_at DESC, case_id DESC";
    match query.order {
        _ if urgent_only => {
            // Late or at risk: few whatever the table holds, so they are read
            // from the clock indexes first (MATERIALIZED keeps the planner from
            // walking the whole table in the list's order instead), then sorted.
            q.push(concat!("WITH matching AS MATERIALIZED (SELECT ", summary_columns!(), " FROM case_summaries"));
            filters(&mut q, query);
            q.push(concat!(") SELECT ", summary_columns!(), " FROM matching"));
            q.push(match query.order {
                Order::NewestFirst => newest,
                Order::OldestFirst => " ORDER BY submitted_at, case_id",
                Order::DueFirst => " ORDER BY due, submitted_at DESC, case_id DESC",
            });
        }
        Order::NewestFirst | Order::OldestFirst => {
            q.push(concat!("SELECT ", summary_columns!(), " FROM case_summaries"));
            filters(&mut q, query);
            q.push(if query.order == Order::NewestFirst { newest } else { " ORDER BY submitted_at, case_id" });
        }
        Order::DueFirst => {
            // `CaseQuery::compare`: cases not closed with a due instant,
            // earliest first (the clock index's order), then the rest newest
            // first; each part is cut at the page's end before they are joined.
            let reach = limit.saturating_add(offset);
            q.push(concat!("SELECT ", summary_columns!(), " FROM (("));
            q.push(concat!("SELECT ", summary_columns!(), ", 0 AS part FROM case_summaries"));
            filters(&mut q, query);
            q.push(" AND status <> 'closed' AND due IS NOT NULL ORDER BY due, submitted_at DESC, case_id DESC LIMIT ")
                .push_bind(reach)
                .push(") UNION ALL (");
            q.push(concat!("SELECT ", summary_columns!(), ", 1 AS part FROM case_summaries"));
            filters(&mut q, query);
            q.push(" AND (status = 'closed' OR due IS NULL) ORDER BY submitted_at DESC, case_id DESC LIMIT ")
                .push_bind(reach)
                .push(")) AS parts ORDER BY part, CASE WHEN part = 0 THEN due END, submitted_at DESC, case_id DESC");
        }
    }
    q.push(" LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
    let rows = q
        .build()
        .fetch_all(pool)
        .await
        .map_err(|e| from_sqlx(&format!("listing cases of {}", query.organisation), e))?;
    rows.iter().map(summary).collect()
}

/// `min(matches, COUNT_CAP)`: the count stops at the cap, so it costs no
/// more than listing a capped page.
pub(crate) async fn count(pool: &PgPool, query: &CaseQuery) -> Result<usize, StorageError> {
    let mut q = QueryBuilder::<Postgres>::new("SELECT count(*) FROM (SELECT 1 FROM case_summaries");
    filters(&mut q, query);
    q.push(" LIMIT ").push_bind(i64::try_from(COUNT_CAP).unwrap_or(i64::MAX)).push(") AS matching");
    let (n,): (i64,) = q
        .build_query_as()
        .fetch_one(pool)
        .await
        .map_err(|e| from_sqlx(&format!("counting cases of {}", query.organisation), e))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

pub(crate) async fn due(pool: &PgPool, before: DateTime<Utc>, limit: usize) -> Result<Vec<CaseSummary>, StorageError> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        summary_columns!(),
        " FROM case_summaries \
         WHERE status <> 'closed' AND next_deadline IS NOT NULL AND next_deadline <= $1 \
         ORDER BY next_deadline, case_id, organisation LIMIT $2"
    ))
    .bind(before)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(|e| from_sqlx("finding due deadlines", e))?;
    rows.iter().map(summary).collect()
}

pub(crate) async fn case_ids(
    pool: &PgPool,
    after: Option<(&str, &CaseId)>,
    limit: usize,
) -> Result<Vec<(String, CaseId)>, StorageError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let query = match after {
        None => sqlx::query_as::<_, (String, String)>(
            "SELECT organisation, case_id FROM cases ORDER BY organisation, case_id LIMIT $1",
        )
        .bind(limit),
        Some((organisation, case)) => sqlx::query_as(
            "SELECT organisation, case_id FROM cases \
             WHERE (organisation, case_id) > ($2, $3) \
             ORDER BY organisation, case_id LIMIT $1",
        )
        .bind(limit)
        .bind(organisation.to_owned())
        .bind(case.as_str().to_owned()),
    };
    let rows = query.fetch_all(pool).await.map_err(|e| from_sqlx("paging through case ids", e))?;
    rows.into_iter().map(|(organisation, case)| Ok((organisation, case_id(&case)?))).collect()
}

pub(crate) async fn idempotency(
    pool: &PgPool,
    organisation: &str,
    key: &str,
) -> Result<Option<Idempotency>, StorageError> {
    let row = sqlx::query(
        "SELECT fingerprint, case_id, response, at FROM idempotency_keys \
         WHERE organisation = $1 AND key = $2",
    )
    .bind(organisation)
    .bind(key)
    .fetch_optional(pool)
    .await
    .map_err(|e| from_sqlx(&format!("reading idempotency key {key} of {organisation}"), e))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let response: String = get(&row, "response")?;
    Ok(Some(Idempotency {
        key: key.to_owned(),
        fingerprint: get(&row, "fingerprint")?,
        case: case_id(&get::<String>(&row, "case_id")?)?,
        response: serde_json::from_str(&response)
            .map_err(|e| corrupt(&format!("the response recorded under key {key}"), e))?,
        at: get(&row, "at")?,
    }))
}

/// Which versioned document table.
#[derive(Clone, Copy)]
pub(crate) enum Document {
    Definition,
    Calendar,
}

impl Document {
    fn table(self) -> &'static str {
        match self {
            Document::Definition => "definitions",
            Document::Calendar => "calendars",
        }
    }
}

pub(crate) async fn put_document(
    pool: &PgPool,
    document: Document,
    key: [&str; 3],
    body: &str,
) -> Result<(), StorageError> {
    let [organisation, id, version] = key;
    let doing = format!("storing {} {id} version {version}", document.table());
    let mut tx = pool.begin_with(BEGIN_DURABLE).await.map_err(|e| from_sqlx(&doing, e))?;
    sqlx::query(&format!(
        "INSERT INTO {} (organisation, id, version, body) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
        document.table()
    ))
    .bind(organisation)
    .bind(id)
    .bind(version)
    .bind(body)
    .execute(&mut *tx)
    .await
    .map_err(|e| from_sqlx(&doing, e))?;
    tx.commit().await.map_err(|e| from_sqlx(&doing, e))
}

pub(crate) async fn document(
    pool: &PgPool,
    document: Document,
    key: [&str; 3],
) -> Result<Option<String>, StorageError> {
    let [organisation, id, version] = key;
    sqlx::query_scalar(&format!(
        "SELECT body FROM {} WHERE organisation = $1 AND id = $2 AND version = $3",
        document.table()
    ))
    .bind(organisation)
    .bind(id)
    .bind(version)
    .fetch_optional(pool)
    .await
    .map_err(|e| from_sqlx(&format!("reading {} {id} version {version}", document.table()), e))
}

/// Revokes a key until `until` (keeping a later instant); drops entries
/// more than [`REVOCATION_GRACE`] past theirs at the caller's `now` (never
/// by the database's clock).
pub(crate) async fn revoke(
    pool: &PgPool,
    key: &str,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    let doing = "revoking a key";
    let mut tx = pool.begin_with(BEGIN_DURABLE).await.map_err(|e| from_sqlx(doing, e))?;
    sqlx::query("DELETE FROM revoked WHERE until_at < $1")
        .bind(now - REVOCATION_GRACE)
        .execute(&mut *tx)
        .await
        .map_err(|e| from_sqlx(doing, e))?;
    sqlx::query(
        "INSERT INTO revoked (revoked_key, until_at) VALUES ($1, $2) \
         ON CONFLICT (revoked_key) DO UPDATE SET until_at = GREATEST(revoked.until_at, EXCLUDED.until_at)",
    )
    .bind(key)
    .bind(until)
    .execute(&mut *tx)
    .await
    .map_err(|e| from_sqlx(doing, e))?;
    tx.commit().await.map_err(|e| from_sqlx(doing, e))
}

/// Whether a key is refused at `now`.
pub(crate) async fn is_revoked(pool: &PgPool, key: &str, now: DateTime<Utc>) -> Result<bool, StorageError> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM revoked WHERE revoked_key = $1 AND until_at > $2)")
        .bind(key)
        .bind(now)
        .fetch_one(pool)
        .await
        .map_err(|e| from_sqlx("reading revoked keys", e))
}

pub(crate) async fn put_blob(pool: &PgPool, organisation: &str, id: &str, bytes: &[u8]) -> Result<(), StorageError> {
    let doing = format!("storing blob {id} of {organisation}");
    let mut tx = pool.begin_with(BEGIN_DURABLE).await.map_err(|e| from_sqlx(&doing, e))?;
    sqlx::query("INSERT INTO blobs (organisation, id, bytes) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(organisation)
        .bind(id)
        .bind(bytes)
        .execute(&mut *tx)
        .await
        .map_err(|e| from_sqlx(&doing, e))?;
    tx.commit().await.map_err(|e| from_sqlx(&doing, e))
}

pub(crate) async fn blob(pool: &PgPool, organisation: &str, id: &str) -> Result<Option<Vec<u8>>, StorageError> {
    sqlx::query_scalar("SELECT bytes FROM blobs WHERE organisation = $1 AND id = $2")
        .bind(organisation)
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(|e| from_sqlx(&format!("reading blob {id} of {organisation}"), e))
}
