//! Operations on a store: `sigap verify`, `sigap export`, `sigap import`
//! and `sigap report`.
//!
//! The export is JSON Lines: a header line, then every stored definition
//! and calendar, every attachment (base64) and every event of every case in
//! sequence order. Importing it into an empty store (sled or PostgreSQL)
//! reproduces identical histories: the same events, hashes and projections.
//! Since format 2 the undelivered outbox items (notifications and webhooks,
//! with their attempts and last error) follow, and are imported in the same
//! atomic write as their case, so a move between stores loses no message.
//! Idempotency records are not exported: a client retrying a request across
//! the move may create it again.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sigap_core::definition::{Definition, WorkflowFile};
use sigap_core::engine::{Case, CaseId, Event, EventKind, history};
use sigap_core::storage::{Append, CaseSummary, OutboxItem, Store};

use super::emit;
use crate::config::{Config, Overrides};

/// Where the store is: the same flags as `sigap serve`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct StoreArgs {
    /// The configuration file.
    #[arg(long, env = "SIGAP_CONFIG")]
    config: Option<PathBuf>,
    /// The embedded store's folder (sled).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// PostgreSQL instead of sled (also DATABASE_URL).
    #[arg(long)]
    database_url: Option<String>,
    /// The folder of workflow and calendar files (for `report`).
    #[arg(long)]
    workflows: Option<PathBuf>,
}

impl StoreArgs {
    pub(crate) fn config(&self) -> anyhow::Result<Config> {
        Config::load(
            self.config.as_deref(),
            Overrides {
                data_dir: self.data_dir.clone(),
                database_url: self.database_url.clone(),
                workflows: self.workflows.clone(),
                ..Overrides::default()
            },
        )
    }

    pub(crate) async fn open(&self) -> anyhow::Result<Arc<dyn Store>> {
        crate::state::open_store(&self.config()?).await
    }
}

async fn every_case(store: &dyn Store) -> anyhow::Result<Vec<(String, CaseId)>> {
    let mut all = Vec::new();
    let mut after: Option<(String, CaseId)> = None;
    loop {
        let page = store
            .case_ids(after.as_ref().map(|(o, c)| (o.as_str(), c)), 500)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if page.is_empty() {
            return Ok(all);
        }
        after = page.last().cloned();
        all.extend(page);
    }
}

/// `sigap verify`: every case's hash chain, and that it folds to the stored projection.
pub(crate) async fn verify(args: &StoreArgs) -> anyhow::Result<ExitCode> {
    let store = args.open().await?;
    let mut bad = 0usize;
    let cases = every_case(store.as_ref()).await?;
    for (organisation, id) in &cases {
        let problem = match (store.case(organisation, id).await, store.events(organisation, id).await) {
            (Ok(Some(case)), Ok(events)) => match history::verify_against(id, &events, case.version, &case.head) {
                Err(e) => Some(e.to_string()),
                Ok(()) => match Case::fold(&events) {
                    Ok(folded) if folded == case => None,
                    Ok(_) => Some(format!("case {id}: the history does not fold to the stored projection")),
                    Err(e) => Some(format!("case {id}: {e}")),
                },
            },
            (Ok(None), _) => Some(format!("case {id}: listed but its projection is missing")),
            (Err(e), _) | (_, Err(e)) => Some(format!("case {id}: {e}")),
        };
        if let Some(problem) = problem {
            bad += 1;
            emit(&format!("BAD   {organisation}/{id}: {problem}\n"))?;
        }
    }
    emit(&format!("{} case(s) verified, {bad} bad\n", cases.len()))?;
    Ok(if bad == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// One line of an export.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Record {
    Header {
        format: String,
        exported_at: chrono::DateTime<chrono::Utc>,
        cases: usize,
    },
    Definition {
        organisation: String,
        id: String,
        version: String,
        body: String,
    },
    Calendar {
        organisation: String,
        id: String,
        version: String,
        body: String,
    },
    Blob {
        organisation: String,
        id: String,
        base64: String,
    },
    Event {
        organisation: String,
        event: Box<Event>,
    },
    /// An undelivered notification or webhook (since format 2), imported
    /// with its case so that moving stores loses no message.
    Outbox {
        item: Box<OutboxItem>,
    },
}

const EXPORT_FORMAT: &str = "sigap-export/2";
/// Formats `import` reads: 1 had no outbox records.
const IMPORT_FORMATS: [&str; 2] = ["sigap-export/1", EXPORT_FORMAT];

/// `sigap export`: everything, as JSON Lines, to a file or standard output.
pub(crate) async fn export(args: &StoreArgs, output: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let clock = args.config()?.clock();
    let store = args.open().await?;
    let cases = every_case(store.as_ref()).await?;
    let mut out: Box<dyn Write> = match &output {
        Some(path) => Box::new(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut line = |record: &Record| -> anyhow::Result<()> {
        serde_json::to_writer(&mut out, record)?;
        out.write_all(b"\n")?;
        Ok(())
    };
    line(&Record::Header { format: EXPORT_FORMAT.to_owned(), exported_at: clock.now(), cases: cases.len() })?;
    let mut pinned = std::collections::BTreeSet::new();
    let mut blobs = std::collections::BTreeSet::new();
    for (organisation, id) in &cases {
        let Some(case) = store.case(organisation, id).await.map_err(|e| anyhow::anyhow!("{e}"))? else { continue };
        if pinned.insert((organisation.clone(), "d", case.workflow.clone(), case.workflow_version.clone())) {
            let body = store
                .definition(organisation, &case.workflow, &case.workflow_version)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if let Some(body) = body {
                line(&Record::Definition {
                    organisation: organisation.clone(),
                    id: case.workflow.clone(),
                    version: case.workflow_version.clone(),
                    body,
                })?;
            }
        }
        if pinned.insert((organisation.clone(), "c", case.calendar.clone(), case.calendar_version.clone())) {
            let body = store
                .calendar(organisation, &case.calendar, &case.calendar_version)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if let Some(body) = body {
                line(&Record::Calendar {
                    organisation: organisation.clone(),
                    id: case.calendar.clone(),
                    version: case.calendar_version.clone(),
                    body,
                })?;
            }
        }
        for attachment in &case.attachments {
            if blobs.insert((organisation.clone(), attachment.file.id.clone()))
                && let Some(bytes) =
                    store.blob(organisation, &attachment.file.id).await.map_err(|e| anyhow::anyhow!("{e}"))?
            {
                line(&Record::Blob {
                    organisation: organisation.clone(),
                    id: attachment.file.id.clone(),
                    base64: base64::engine::general_purpose::STANDARD.encode(bytes),
                })?;
            }
        }
        for event in store.events(organisation, id).await.map_err(|e| anyhow::anyhow!("{e}"))? {
            line(&Record::Event { organisation: organisation.clone(), event: Box::new(event) })?;
        }
    }
    let mut undelivered = 0usize;
    let mut after: Option<String> = None;
    loop {
        let page = store.outbox_items(after.as_deref(), 500).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let Some(last) = page.last() else { break };
        after = Some(last.id.clone());
        for item in page {
            undelivered += 1;
            line(&Record::Outbox { item: Box::new(item) })?;
        }
    }
    out.flush()?;
    drop(out);
    eprintln!("exported {} case(s), {undelivered} undelivered outbox item(s)", cases.len());
    Ok(ExitCode::SUCCESS)
}

/// `sigap import`: an export into this store. Cases already present with the same history are skipped.
pub(crate) async fn import(args: &StoreArgs, input: PathBuf) -> anyhow::Result<ExitCode> {
    let store = args.open().await?;
    let file = std::io::BufReader::new(
        std::fs::File::open(&input).map_err(|e| anyhow::anyhow!("cannot open {}: {e}", input.display()))?,
    );
    let mut definitions: BTreeMap<(String, String, String), Definition> = BTreeMap::new();
    let mut histories: BTreeMap<(String, CaseId), Vec<Event>> = BTreeMap::new();
    let mut outbox: BTreeMap<(String, CaseId), Vec<OutboxItem>> = BTreeMap::new();
    for (n, line) in file.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let record: Record =
            serde_json::from_str(&line).map_err(|e| anyhow::anyhow!("{} line {}: {e}", input.display(), n + 1))?;
        match record {
            Record::Header { format, .. } if IMPORT_FORMATS.contains(&format.as_str()) => {}
            Record::Header { format, .. } => {
                anyhow::bail!(
                    "{}: format `{format}` is not one this build reads ({})",
                    input.display(),
                    IMPORT_FORMATS.join(", ")
                )
            }
            Record::Definition { organisation, id, version, body } => {
                let file: WorkflowFile =
                    serde_json::from_str(&body).map_err(|e| anyhow::anyhow!("line {}: definition {id}: {e}", n + 1))?;
                let definition = Definition::from_checked(file);
                if definition.version() != version {
                    anyhow::bail!("line {}: definition {id} does not hash to its version {version}", n + 1);
                }
                store.put_definition(&organisation, &id, &version, &body).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                definitions.insert((organisation, id, version), definition);
            }
            Record::Calendar { organisation, id, version, body } => {
                store.put_calendar(&organisation, &id, &version, &body).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            Record::Blob { organisation, id, base64 } => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(base64)
                    .map_err(|e| anyhow::anyhow!("line {}: blob {id}: {e}", n + 1))?;
                store
                    .put_blob(&organisation, &id, &bytes)
                    .await
                    .map_err(|e| anyhow::anyhow!("line {}: blob {id}: {e}", n + 1))?;
            }
            Record::Event { organisation, event } => {
                histories.entry((organisation, event.case.clone())).or_default().push(*event);
            }
            Record::Outbox { item } => {
                outbox.entry((item.organisation.clone(), item.case.clone())).or_default().push(*item);
            }
        }
    }
    // An item must belong to a case of the export, at an event it has.
    for ((organisation, id), items) in &outbox {
        let events = histories.get(&(organisation.clone(), id.clone())).ok_or_else(|| {
            anyhow::anyhow!(
                "refusing to import: outbox item {} names case {id} of {organisation}, which is not in the export",
                items[0].id
            )
        })?;
        if let Some(item) = items.iter().find(|i| i.seq == 0 || i.seq > events.len() as u64) {
            anyhow::bail!(
                "refusing to import: outbox item {} names event {} of case {id}, which has {}",
                item.id,
                item.seq,
                events.len()
            );
        }
    }
    // Every history is checked before anything is written: a bad export imports nothing.
    let mut checked = Vec::with_capacity(histories.len());
    for ((organisation, id), events) in histories {
        let head = history::verify(&id, &events).map_err(|e| anyhow::anyhow!("refusing to import: {e}"))?;
        let case = Case::fold(&events).map_err(|e| anyhow::anyhow!("refusing to import case {id}: {e}"))?;
        checked.push((organisation, id, events, head, case));
    }
    let (mut imported, mut skipped, mut queued) = (0usize, 0usize, 0usize);
    for (organisation, id, events, head, case) in checked {
        if let Some(existing) = store.case(&organisation, &id).await.map_err(|e| anyhow::anyhow!("{e}"))? {
            if existing.head == head {
                skipped += 1;
                continue;
            }
            anyhow::bail!("case {id} exists in the target with a different history; import into an empty store");
        }
        let EventKind::Submitted { workflow, workflow_version, .. } = &events[0].kind else {
            anyhow::bail!("case {id}: the history does not start with a submission");
        };
        let definition =
            definitions.get(&(organisation.clone(), workflow.clone(), workflow_version.clone())).ok_or_else(|| {
                anyhow::anyhow!("case {id}: its definition {workflow} {workflow_version} is not in the export")
            })?;
        let summary = CaseSummary::of(&case, definition);
        // Written with the case, in the same atomic append: a case imported
        // once has its undelivered messages, and a repeat skips both.
        let items = outbox.remove(&(organisation.clone(), id.clone())).unwrap_or_default();
        queued += items.len();
        store
            .append(Append {
                organisation: organisation.clone(),
                case: id.clone(),
                expected_version: 0,
                events,
                state: case,
                summary,
                outbox: items,
                idempotency: None,
            })
            .await
            .map_err(|e| anyhow::anyhow!("case {id}: {e}"))?;
        imported += 1;
    }
    emit(&format!(
        "imported {imported} case(s), {skipped} already present; {queued} undelivered outbox item(s) queued with them\n"
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// `sigap report --year`: the annual evaluation of every workflow, as JSON or CSV.
pub(crate) async fn report(
    args: &StoreArgs,
    year: i32,
    workflow: Option<String>,
    csv: bool,
) -> anyhow::Result<ExitCode> {
    let config = args.config()?;
    let workflows = crate::state::load_workflows(&config.workflows)?;
    let store = crate::state::open_store(&config).await?;
    let mut evaluations = Vec::new();
    for wf in workflows.iter().filter(|w| workflow.as_deref().is_none_or(|id| w.id() == id)) {
        let cases = crate::app::report::cases_of(store.as_ref(), wf, year).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        evaluations.push(sigap_core::report::evaluate(&wf.definition, wf.calendar.time_zone(), &cases, year));
    }
    if evaluations.is_empty() {
        anyhow::bail!("no workflow matches");
    }
    if csv {
        for (i, evaluation) in evaluations.iter().enumerate() {
            let text = sigap_core::report::to_csv(evaluation);
            for (j, line) in text.lines().enumerate() {
                if j == 0 {
                    if i == 0 {
                        emit(&format!("workflow,{line}\n"))?;
                    }
                } else {
                    emit(&format!("{},{line}\n", evaluation.workflow))?;
                }
            }
        }
    } else {
        emit(&(serde_json::to_string_pretty(&evaluations)? + "\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}
