//! The real network: HTTPS through rustls (ring), trusting a server either
//! by the pin its desk code carried (a server that made its own
//! certificate) or through the system's certificate authorities. Plain
//! `http://` goes only to this machine (`Desk::check_server_url`).

use crate::{Request, Transport, SNAPSHOT_TIMEOUT};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// Most bytes an answer may have: a pull page or a list is far smaller.
pub const MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;
/// Most bytes a snapshot may have (a large branch is a few hundred MB).
pub const MAX_SNAPSHOT_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// What an error says when the server's certificate is not the pinned one
/// (found again in the error chain to tell the clerk plainly).
const PIN_MISMATCH: &str = "certificate pin mismatch";

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The pin of a certificate: base32 of the first 16 bytes of the SHA-256 of
/// its public key (as the server prints it).
pub fn pin_of(cert: &CertificateDer<'_>) -> Result<String, rustls::Error> {
    let end = webpki::EndEntityCert::try_from(cert)
        .map_err(|e| rustls::Error::General(format!("unreadable certificate: {e:?}")))?;
    let digest = ring::digest::digest(&ring::digest::SHA256, end.subject_public_key_info().as_ref());
    Ok(branchdesk_api::pin::encode(&digest.as_ref()[..16]))
}

/// Trusts exactly the server whose public key has the pin: the name and
/// dates in its certificate do not matter (it made the certificate itself),
/// its handshake signature does (it holds the key).
#[derive(Debug)]
struct Pinned {
    pin: String,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let got = pin_of(end_entity)?;
        if got == self.pin {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(format!(
                "{PIN_MISMATCH}: the server presented {got}, this desk trusts {}",
                self.pin
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// The system's certificate authorities, read once.
fn system_roots() -> Arc<RootCertStore> {
    static ROOTS: OnceLock<Arc<RootCertStore>> = OnceLock::new();
    ROOTS
        .get_or_init(|| {
            let found = rustls_native_certs::load_native_certs();
            for e in &found.errors {
                tracing::warn!(error = %e, "a system certificate could not be read");
            }
            let mut roots = RootCertStore::empty();
            let (added, ignored) = roots.add_parsable_certificates(found.certs);
            tracing::debug!(added, ignored, "system certificate authorities");
            Arc::new(roots)
        })
        .clone()
}

fn tls_config(pin: Option<&str>) -> Result<ClientConfig, String> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let config = match pin {
        Some(pin) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Pinned { pin: pin.to_owned(), provider }))
            .with_no_client_auth(),
        None => {
            let roots = system_roots();
            if roots.is_empty() {
                return Err("this computer trusts no certificate authorities (its system certificates are \
                            missing), so the server cannot be checked; use a desk code that carries the \
                            server's pin"
                    .into());
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
    };
    Ok(config)
}

/// HTTPS with one connection pool per way of trusting the server.
pub struct Https {
    clients: Mutex<HashMap<Option<String>, reqwest::Client>>,
}

impl Default for Https {
    fn default() -> Self {
        Self::new()
    }
}

impl Https {
    pub fn new() -> Self {
        Self { clients: Mutex::new(HashMap::new()) }
    }

    fn client(&self, pin: Option<&str>) -> Result<reqwest::Client, String> {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = clients.get(&pin.map(str::to_owned)) {
            return Ok(c.clone());
        }
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(tls_config(pin)?)
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| describe(&e))?;
        clients.insert(pin.map(str::to_owned), client.clone());
        Ok(client)
    }
}

/// An error with its causes, and a plain sentence for a wrong certificate.
fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    if text.contains(PIN_MISMATCH) {
        return format!(
            "the server presented a different certificate from the one this desk trusts. Someone may be \
             intercepting the connection, or the server's certificate was replaced: ask your administrator \
             before linking again ({text})"
        );
    }
    text
}

impl Transport for Https {
    async fn post(&self, req: Request) -> Result<(u16, Vec<u8>), String> {
        let client = self.client(req.pin.as_deref())?;
        let snapshot = req.url.ends_with("/v1/sync/snapshot");
        let mut builder =
            client.post(req.url).header(reqwest::header::CONTENT_TYPE, "application/json").body(req.body);
        if snapshot {
            // A branch's snapshot may be tens of megabytes over a slow line:
            // give it an hour rather than the minute other requests get.
            builder = builder.timeout(SNAPSHOT_TIMEOUT);
        }
        if let Some(t) = req.token {
            builder = builder.bearer_auth(t);
        }
        let mut res = builder.send().await.map_err(|e| describe(&e))?;
        let status = res.status().as_u16();
        let cap = if snapshot { MAX_SNAPSHOT_BYTES } else { MAX_ANSWER_BYTES };
        if res.content_length().is_some_and(|n| n > cap) {
            return Err(format!("the server's answer is larger than this desk reads ({cap} bytes)"));
        }
        // Chunk by chunk into one buffer: a snapshot is copied once.
        let mut body = Vec::with_capacity(res.content_length().unwrap_or(0).min(1 << 30) as usize);
        while let Some(chunk) = res.chunk().await.map_err(|e| describe(&e))? {
            if body.len() as u64 + chunk.len() as u64 > cap {
                return Err(format!("the server's answer is larger than this desk reads ({cap} bytes)"));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, body))
    }
}
