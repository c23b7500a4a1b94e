//! Email over SMTP (lettre): STARTTLS, TLS from the first byte, or plain to
//! a mail server on this computer; the provider's answer read as sent,
//! worth another try, or failed for good.

use branchdesk_api::commands::channels::{EmailChannel, EmailSecurity};
use branchdesk_api::delivery::{Outcome, Outgoing};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// How long the mail server may take over each step.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A mail server's settings, the certificates it is trusted by beyond the
/// system's (a test server's own, or an office relay's), and how long each
/// step may take.
#[derive(Debug, Clone)]
pub struct Mailer {
    pub channel: EmailChannel,
    pub extra_roots_pem: Vec<Vec<u8>>,
    pub timeout: Duration,
}

impl Mailer {
    pub fn new(channel: EmailChannel) -> Self {
        Self { channel, extra_roots_pem: Vec::new(), timeout: TIMEOUT }
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        let c = &self.channel;
        let mut tls = TlsParameters::builder(c.host.clone());
        for pem in &self.extra_roots_pem {
            tls = tls
                .add_root_certificate(Certificate::from_pem(pem).map_err(|e| format!("certificate: {e}"))?);
        }
        let tls = || tls.clone().build_rustls().map_err(|e| format!("TLS: {e}"));
        let security = match c.security {
            EmailSecurity::StartTls => Tls::Required(tls()?),
            EmailSecurity::Tls => Tls::Wrapper(tls()?),
            EmailSecurity::Plain => Tls::None,
        };
        // The sender's own domain names this desk to the server (EHLO).
        let domain = c.from_address.rsplit('@').next().unwrap_or("localhost").to_owned();
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(c.host.clone())
            .port(c.port)
            .tls(security)
            .hello_name(ClientId::Domain(domain))
            .timeout(Some(self.timeout));
        if !c.username.is_empty() {
            builder = builder.credentials(Credentials::new(c.username.clone(), c.password.clone()));
        }
        Ok(builder.build())
    }

    /// The email for `m`; its Message-ID comes from the message's id, so a
    /// mail system that sees it twice can tell.
    fn message(&self, m: &Outgoing) -> Result<Message, String> {
        let c = &self.channel;
        let from = Mailbox::new(
            (!c.from_name.is_empty()).then(|| c.from_name.clone()),
            c.from_address.parse().map_err(|e| format!("The sender's address {}: {e}", c.from_address))?,
        );
        let to = Mailbox::new(
            (!m.recipient_name.is_empty()).then(|| m.recipient_name.clone()),
            m.recipient
                .parse()
                .map_err(|e| format!("The address {} is not an email address ({e}).", m.recipient))?,
        );
        let domain = c.from_address.rsplit('@').next().unwrap_or("localhost");
        Message::builder()
            .from(from)
            .to(to)
            .subject(m.subject.clone())
            .message_id(Some(format!("<{}@{domain}>", m.id)))
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| format!("The email could not be made: {e}"))
    }

    /// Sends `m`; never panics, and gives up after twice the timeout.
    pub async fn send(&self, m: &Outgoing) -> Outcome {
        let message = match self.message(m) {
            Ok(message) => message,
            Err(reason) => return Outcome::Failed { reason },
        };
        let transport = match self.transport() {
            Ok(t) => t,
            Err(reason) => {
                return Outcome::Retry { reason: format!("The mail settings did not work: {reason}") }
            }
        };
        match tokio::time::timeout(self.timeout * 2, transport.send(message)).await {
            Err(_) => Outcome::Retry { reason: "The mail server did not answer in time.".into() },
            Ok(Ok(response)) => {
                let said = response.message().collect::<Vec<_>>().join(" ");
                Outcome::Sent { provider_ref: format!("{} {said}", response.code()).trim().to_owned() }
            }
            Ok(Err(e)) => read_error(&e),
        }
    }
}

/// A refusal of this message (5xx) fails it; anything else (a server down,
/// busy, slow, a TLS or sign-in problem the office can fix) is tried again.
fn read_error(e: &lettre::transport::smtp::Error) -> Outcome {
    let reason = match e.status() {
        Some(_) => format!("The mail server said: {e}"),
        None => format!("The mail server could not be reached: {e}"),
    };
    // 530/535: the server refused the sign-in, not this message.
    let sign_in = e.status().is_some_and(|c| matches!(c.to_string().as_str(), "530" | "534" | "535"));
    if e.is_permanent() && !sign_in {
        Outcome::Failed { reason }
    } else {
        Outcome::Retry { reason }
    }
}
