//! E-mail over SMTP (lettre): plain to a relay on the organisation's own
//! network, or protected by STARTTLS or TLS with a password, verifying the
//! server's certificate against the system's authorities and any the
//! configuration adds (rustls; no OpenSSL to install).

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Smtp, SmtpSecurity};

/// A configured SMTP connection, built once when the server starts so that
/// a wrong sender, an unreadable certificate file or bad TLS settings stop
/// the start with a clear message instead of failing every delivery.
pub(crate) struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// Builds the transport from `[smtp]` (its password already read).
    pub(crate) fn new(smtp: &Smtp) -> anyhow::Result<Self> {
        let from: Mailbox =
            smtp.from.parse().map_err(|e| anyhow::anyhow!("smtp.from {:?} is not an address: {e}", smtp.from))?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host).port(smtp.port());
        if smtp.security != SmtpSecurity::None {
            let mut parameters = TlsParameters::builder(smtp.host.clone());
            if let Some(path) = &smtp.ca_file {
                let (pem, _) = crate::webhook::read_ca_file(path, "smtp.ca_file")?;
                let certificate = Certificate::from_pem(&pem)
                    .map_err(|e| anyhow::anyhow!("smtp.ca_file {}: not PEM certificates: {e}", path.display()))?;
                parameters = parameters.add_root_certificate(certificate);
            }
            let parameters = parameters
                .build_rustls()
                .map_err(|e| anyhow::anyhow!("smtp: cannot set up TLS for {}: {e}", smtp.host))?;
            builder = builder.tls(match smtp.security {
                SmtpSecurity::Tls => Tls::Wrapper(parameters),
                _ => Tls::Required(parameters),
            });
        }
        if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self { transport: builder.build(), from })
    }

    /// Sends one message. `id` (the outbox item's id) becomes the
    /// Message-ID, so a receiver can drop a duplicate of an at-least-once
    /// delivery.
    pub(crate) async fn send(&self, to: &str, subject: &str, body: &str, id: &str) -> Result<(), String> {
        let message_id: String =
            id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '.' }).collect();
        let message = Message::builder()
            .from(self.from.clone())
            .to(to.parse().map_err(|e| format!("a recipient address is invalid: {e}"))?)
            .subject(subject)
            .message_id(Some(format!("<{message_id}@sigap>")))
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| format!("SMTP: {e}"))
    }
}
