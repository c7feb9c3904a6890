//! Background work: the deadline scanner and the outbox dispatcher.
//!
//! Both are safe to run in several processes against one store: the
//! scanner's events are recorded once (optimistic concurrency plus the
//! clock's own flags), and outbox items are leased to one worker at a time.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::TimeDelta;
use sigap_core::storage::{OutboxItem, OutboxMessage, Recipient};

use crate::state::AppState;

/// Records every warn and breach due; on start first, so that clocks that
/// passed while the server was down are recorded at once (and once).
pub(crate) async fn deadline_scanner(state: Arc<AppState>, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        match state.service.scan_deadlines(state.now(), 500).await {
            Ok(n) if n > 0 => {
                state.metrics.deadline_cases.fetch_add(n as u64, Ordering::Relaxed);
                tracing::info!(cases = n, "deadline events recorded");
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "deadline scan failed; retrying"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Delivers outbox items at least once. On shutdown it first delivers
/// what is ready (for at most 10 seconds), so a graceful stop leaves no
/// message behind that could have gone out.
pub(crate) async fn dispatcher(state: Arc<AppState>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let worker =
        format!("{}-{}", std::process::id(), crate::auth::hex(&crate::auth::random_bytes::<4>().unwrap_or_default()));
    let mut deadline: Option<std::time::Instant> = None;
    loop {
        // Checked before every batch, so a backlog cannot hold a stop past its bound.
        if deadline.is_none() && *stop.borrow() {
            deadline = Some(std::time::Instant::now() + Duration::from_secs(10));
        }
        let handled = drain(&state, &worker).await;
        if let Some(deadline) = deadline {
            if handled == 0 || std::time::Instant::now() >= deadline {
                return;
            }
            continue;
        }
        if handled > 0 {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => deadline = Some(std::time::Instant::now() + Duration::from_secs(10)),
        }
    }
}

/// Claims and delivers one batch; returns how many items it handled.
///
/// The batch's cases are delivered concurrently; one case's messages go out
/// in order. What was delivered is marked done in one write at the end of
/// the batch (a crash before it re-sends the batch's messages: delivery is
/// at least once, and each message carries its stable id).
async fn drain(state: &Arc<AppState>, worker: &str) -> usize {
    let now = state.now();
    let items = match state.store().claim_outbox(worker, now, now + TimeDelta::seconds(120), 50).await {
        Ok(items) => items,
        Err(e) => {
            tracing::warn!(error = %e, "outbox unavailable; retrying");
            return 0;
        }
    };
    let handled = items.len();
    let mut by_case: std::collections::BTreeMap<(String, String), Vec<OutboxItem>> = Default::default();
    for item in items {
        by_case.entry((item.organisation.clone(), item.case.to_string())).or_default().push(item);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (_, items) in by_case {
        let (state, worker) = (state.clone(), worker.to_owned());
        tasks.spawn(async move {
            let mut delivered = Vec::new();
            for item in items {
                if deliver_one(&state, &worker, &item).await {
                    delivered.push(item.id);
                }
            }
            delivered
        });
    }
    let mut delivered = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(ids) => delivered.extend(ids),
            Err(e) => {
                tracing::error!(error = %e, "an outbox delivery task failed; its items are retried after their lease")
            }
        }
    }
    if !delivered.is_empty() {
        match state.store().complete_outbox_batch(&delivered, worker).await {
            Ok(lost) if !lost.is_empty() => {
                // Another worker took them over after the lease ran out; it may send them again.
                tracing::warn!(items = lost.len(), "delivered outbox items whose lease had expired");
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, items = delivered.len(), "cannot mark delivered; retried after their lease")
            }
        }
    }
    handled
}

/// Delivers one item; `true` if it went out (to be marked done), `false`
/// if it was given back for a later attempt.
async fn deliver_one(state: &AppState, worker: &str, item: &OutboxItem) -> bool {
    match deliver(state, item).await {
        Ok(()) => {
            state.metrics.outbox_delivered.fetch_add(1, Ordering::Relaxed);
            true
        }
        Err(error) => {
            state.metrics.outbox_failed.fetch_add(1, Ordering::Relaxed);
            let backoff = TimeDelta::seconds(30 * 2i64.pow(item.attempts.min(8)));
            tracing::warn!(item = %item.id, attempts = item.attempts, error = %error, "delivery failed; will retry");
            let _ = state.store().retry_outbox(&item.id, worker, state.now() + backoff, &error).await;
            false
        }
    }
}

async fn deliver(state: &AppState, item: &OutboxItem) -> Result<(), String> {
    match &item.message {
        OutboxMessage::Notify { notification, recipient, subject, body } => {
            let link = match recipient {
                Recipient::Applicant => {
                    let case = state.store().case(&item.organisation, &item.case).await.map_err(|e| e.to_string())?;
                    case.map(|c| format!("{}/lacak/{}", state.config.base_url(), c.tracking_code)).unwrap_or_default()
                }
                _ => format!("{}/staf/kasus/{}", state.config.base_url(), item.case),
            };
            let subject = subject.replace("{link}", &link);
            let body = body.replace("{link}", &link);
            let addresses = addresses(state, item, recipient).await?;
            match (&state.mailer, addresses.is_empty()) {
                (Some(mailer), false) => {
                    for address in &addresses {
                        mailer.send(address, &subject, &body, &item.id).await?;
                    }
                    tracing::info!(item = %item.id, notification = %notification, recipients = addresses.len(), "e-mail sent");
                }
                _ => {
                    // No mail relay (or no address): the message stays readable on the
                    // tracking page or the staff inbox; the log names ids only.
                    tracing::info!(item = %item.id, notification = %notification, "notification kept (no e-mail relay configured)");
                }
            }
            Ok(())
        }
        OutboxMessage::Webhook { endpoint, body } => {
            let Some(hook) = state.webhooks.get(&item.organisation, endpoint) else {
                tracing::warn!(item = %item.id, endpoint = %endpoint, "webhook no longer configured; dropped");
                return Ok(());
            };
            hook.post(&item.id, body, state.now()).await
        }
    }
}

/// The e-mail addresses of a recipient (never logged).
async fn addresses(state: &AppState, item: &OutboxItem, recipient: &Recipient) -> Result<Vec<String>, String> {
    Ok(match recipient {
        Recipient::Applicant => {
            let case = state.store().case(&item.organisation, &item.case).await.map_err(|e| e.to_string())?;
            let Some(case) = case else { return Ok(Vec::new()) };
            let Ok(workflow) = state.service.pinned(&case).await else { return Ok(Vec::new()) };
            workflow
                .definition
                .file()
                .form
                .fields
                .iter()
                .find(|f| f.kind == sigap_core::definition::FieldKind::Email)
                .and_then(|f| case.form.get(&f.id))
                .map(|v| vec![v.display()])
                .unwrap_or_default()
        }
        Recipient::Role(role) => {
            state.accounts.holding(&item.organisation, role).filter_map(|a| a.email.clone()).collect()
        }
        Recipient::User(user) => state.accounts.get(user).and_then(|a| a.email.clone()).into_iter().collect(),
    })
}
