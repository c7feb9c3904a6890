//! E-mail through an SMTP relay (lettre). Plain SMTP to a relay the
//! organisation runs (the usual set-up in government networks); the relay
//! does TLS onward.

use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Smtp;

/// Sends one message. `id` (the outbox item's id) becomes the Message-ID,
/// so a receiver can drop a duplicate of an at-least-once delivery.
pub(crate) async fn send(smtp: &Smtp, to: &str, subject: &str, body: &str, id: &str) -> Result<(), String> {
    let message_id: String = id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '.' }).collect();
    let message = Message::builder()
        .from(smtp.from.parse().map_err(|e| format!("the sender address is invalid: {e}"))?)
        .to(to.parse().map_err(|e| format!("a recipient address is invalid: {e}"))?)
        .subject(subject)
        .message_id(Some(format!("<{message_id}@sigap>")))
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_owned())
        .map_err(|e| format!("cannot build the message: {e}"))?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host).port(smtp.port).build();
    transport.send(message).await.map(|_| ()).map_err(|e| format!("SMTP: {e}"))
}
