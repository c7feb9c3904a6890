//! How the reference server delivers notifications and counts what the
//! runtime does: the [`Delivery`] and [`Observer`] it hands to
//! `sigap_runtime::Runtime` (which runs the deadline scanner and the outbox
//! dispatcher, in several processes against one store if need be).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use sigap_core::storage::{OutboxItem, OutboxMessage, Recipient};
use sigap_runtime::{Delivery, Observer, Runtime};

use crate::state::AppState;

/// The runtime of the server: its service, its clock, e-mail and webhooks, its metrics.
pub(crate) fn runtime(state: &Arc<AppState>) -> Runtime {
    let clock = state.clock;
    Runtime::new(state.service.clone(), Arc::new(Deliver(state.clone())))
        .clock(Arc::new(move || clock.now()))
        .observer(Arc::new(Count(state.clone())))
}

/// Notifications by e-mail (when a relay is configured) and webhooks.
struct Deliver(Arc<AppState>);

#[async_trait::async_trait]
impl Delivery for Deliver {
    async fn deliver(&self, item: &OutboxItem) -> Result<(), String> {
        deliver(&self.0, item).await
    }
}

/// The runtime's work in the server's metrics.
struct Count(Arc<AppState>);

impl Observer for Count {
    fn deadlines_recorded(&self, cases: usize) {
        self.0.metrics.deadline_cases.fetch_add(cases as u64, Ordering::Relaxed);
    }

    fn delivered(&self, _item: &OutboxItem) {
        self.0.metrics.outbox_delivered.fetch_add(1, Ordering::Relaxed);
    }

    fn failed(&self, _item: &OutboxItem, _error: &str) {
        self.0.metrics.outbox_failed.fetch_add(1, Ordering::Relaxed);
    }
}

async fn deliver(state: &AppState, item: &OutboxItem) -> Result<(), String> {
    match &item.message {
        OutboxMessage::Notify { notification, recipient, subject, body } => {
            let case = state.store().case(&item.organisation, &item.case).await.map_err(|e| e.to_string())?;
            let Some(case) = case else {
                tracing::warn!(item = %item.id, "the case of a notification is gone; dropped");
                return Ok(());
            };
            let definition = state.service.pinned(&case).await.map_err(|e| e.to_string())?.definition;
            let link = match recipient {
                Recipient::Applicant => format!("{}/lacak/{}", state.config.base_url(), case.tracking_code),
                _ => format!("{}/staf/kasus/{}", state.config.base_url(), item.case),
            };
            let subject = subject.replace("{link}", &link);
            let mut body = body.replace("{link}", &link);
            if *recipient == Recipient::Applicant {
                body.push_str(&complaint_footer(&definition));
            }
            let addresses = sigap_core::effects::addresses(recipient, &definition, &case, &People(state));
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

/// The organisation's complaint channels, as a closing line of an
/// applicant's e-mail (empty when none are declared).
fn complaint_footer(definition: &sigap_core::definition::Definition) -> String {
    let channels = &definition.file().organisation.complaints;
    if channels.is_empty() {
        String::new()
    } else {
        format!("\n\nPengaduan dapat disampaikan melalui: {}.", channels.join("; "))
    }
}

/// The server's accounts as the engine's directory of staff.
struct People<'a>(&'a AppState);

impl sigap_core::effects::Directory for People<'_> {
    fn role_addresses(&self, organisation: &str, role: &str) -> Vec<String> {
        self.0.accounts.holding(organisation, role).filter_map(|a| a.email.clone()).collect()
    }

    fn user_address(&self, user: &str) -> Option<String> {
        self.0.accounts.get(user).and_then(|a| a.email.clone())
    }
}
