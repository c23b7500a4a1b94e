//! HTTPS for the sync server: the certificate it presents, the pin desks
//! check it by, and a listener that completes TLS handshakes away from the
//! accept loop (a slow or silent client never holds up the next one).
//!
//! With no certificate given, the server makes its own on first start and
//! keeps it beside its data (`tls/cert.pem`, `tls/key.pem`, the key readable
//! by the server's user only). A self-made certificate is trusted by its
//! pin: the first 128 bits of the SHA-256 of its public key, in the codes
//! desks join with. A certificate from a public CA (`--tls-cert` and
//! `--tls-key`) is checked by desks against their system's roots instead.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Semaphore};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// How long a client may take over its handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Handshakes in progress at once; more wait in the kernel's queue.
pub const MAX_HANDSHAKES: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("could not read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("could not write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{path} holds no PEM certificate or key that can be used: {why}")]
    Pem { path: PathBuf, why: String },
    #[error("could not make a certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("the certificate and key do not go together: {0}")]
    Config(#[from] rustls::Error),
}

/// Where the server's certificate comes from.
pub enum Source {
    /// Made on first start and kept in `dir` (trusted by its pin).
    SelfMade { dir: PathBuf },
    /// Given by the operator (a CA's certificate chain and its key).
    Files { cert: PathBuf, key: PathBuf },
}

/// What the server presents and how desks are told to trust it.
pub struct Identity {
    pub config: Arc<ServerConfig>,
    /// The pin of the server's public key; codes carry it when the
    /// certificate is self-made (desks trust a CA's through their roots).
    pub pin: String,
    pub self_made: bool,
}

/// The rustls provider used everywhere in Branchdesk: ring.
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The pin of a certificate's public key: base32 of the first 16 bytes of
/// the SHA-256 of its SubjectPublicKeyInfo (26 characters, lower case).
pub fn pin_of(cert: &CertificateDer<'_>) -> Result<String, String> {
    let end = webpki::EndEntityCert::try_from(cert).map_err(|e| format!("{e:?}"))?;
    let spki = end.subject_public_key_info();
    let digest = ring::digest::digest(&ring::digest::SHA256, spki.as_ref());
    Ok(branchdesk_api::pin::encode(&digest.as_ref()[..16]))
}

/// Loads (or, the first time, makes) the server's certificate.
pub fn load(source: &Source) -> Result<Identity, TlsError> {
    let (chain, key, self_made) = match source {
        Source::SelfMade { dir } => {
            let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
            if !cert.exists() || !key.exists() {
                make_own(dir, &cert, &key)?;
            }
            (read_chain(&cert)?, read_key(&key)?, true)
        }
        Source::Files { cert, key } => (read_chain(cert)?, read_key(key)?, false),
    };
    let pin = pin_of(&chain[0]).map_err(|why| TlsError::Pem {
        path: match source {
            Source::SelfMade { dir } => dir.join("cert.pem"),
            Source::Files { cert, .. } => cert.clone(),
        },
        why,
    })?;
    let config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    Ok(Identity { config: Arc::new(config), pin, self_made })
}

fn make_own(dir: &Path, cert: &Path, key: &Path) -> Result<(), TlsError> {
    std::fs::create_dir_all(dir).map_err(|source| TlsError::Write { path: dir.to_owned(), source })?;
    let mut params =
        rcgen::CertificateParams::new(vec!["branchdesk-server".to_owned(), "localhost".to_owned()])?;
    params.distinguished_name.push(rcgen::DnType::CommonName, "Branchdesk sync server");
    // Trusted by its pin, not its dates; long-lived so desks never meet an
    // expiry they cannot fix.
    params.not_before = rcgen::date_time_ymd(2025, 1, 1);
    params.not_after = rcgen::date_time_ymd(2075, 1, 1);
    let pair = rcgen::KeyPair::generate()?;
    let made = params.self_signed(&pair)?;
    write_private(key, pair.serialize_pem().as_bytes())?;
    std::fs::write(cert, made.pem()).map_err(|source| TlsError::Write { path: cert.to_owned(), source })?;
    Ok(())
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), TlsError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|source| TlsError::Write { path: path.to_owned(), source })?;
    file.write_all(bytes).map_err(|source| TlsError::Write { path: path.to_owned(), source })
}

fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let bytes = std::fs::read(path).map_err(|source| TlsError::Read { path: path.to_owned(), source })?;
    let chain = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::Pem { path: path.to_owned(), why: e.to_string() })?;
    if chain.is_empty() {
        return Err(TlsError::Pem { path: path.to_owned(), why: "no CERTIFICATE block".into() });
    }
    Ok(chain)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let bytes = std::fs::read(path).map_err(|source| TlsError::Read { path: path.to_owned(), source })?;
    PrivateKeyDer::from_pem_slice(&bytes)
        .map_err(|e| TlsError::Pem { path: path.to_owned(), why: e.to_string() })
}

/// A TCP listener whose connections come out TLS-wrapped: handshakes run in
/// their own tasks (at most [`MAX_HANDSHAKES`] at once, each within
/// [`HANDSHAKE_TIMEOUT`]); one that fails is dropped and logged at debug.
pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl TlsListener {
    pub fn new(tcp: TcpListener, config: Arc<ServerConfig>) -> std::io::Result<Self> {
        let local = tcp.local_addr()?;
        let (tx, ready) = mpsc::channel(64);
        let acceptor = TlsAcceptor::from(config);
        let slots = Arc::new(Semaphore::new(MAX_HANDSHAKES));
        tokio::spawn(async move {
            loop {
                let Ok(slot) = slots.clone().acquire_owned().await else { return };
                // The server stopped (its listener dropped): free the port.
                let accepted = tokio::select! {
                    a = tcp.accept() => a,
                    () = tx.closed() => return,
                };
                let (stream, addr) = match accepted {
                    Ok(x) => x,
                    Err(e) => {
                        // Out of file descriptors and the like: wait, go on.
                        tracing::warn!(error = %e, "could not accept a connection");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let (acceptor, ready) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    let _slot = slot;
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let _ = ready.send((tls, addr)).await;
                        }
                        Ok(Err(e)) => tracing::debug!(%addr, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%addr, "TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(Self { ready, local })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(conn) => conn,
            // The accept loop ended (never while the server runs).
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_self_made_certificate_is_kept_and_keeps_its_pin() {
        let dir = tempfile::tempdir().unwrap();
        let source = Source::SelfMade { dir: dir.path().join("tls") };
        let first = load(&source).unwrap();
        assert!(first.self_made);
        assert_eq!(first.pin.len(), 26);
        assert!(first.pin.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        let again = load(&source).unwrap();
        assert_eq!(again.pin, first.pin, "the second start presents the same certificate");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("tls/key.pem")).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the key is readable by its owner only");
        }
        let other = load(&Source::SelfMade { dir: dir.path().join("other") }).unwrap();
        assert_ne!(other.pin, first.pin, "each server makes its own key");
    }

    #[test]
    fn a_missing_or_broken_certificate_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("cert.pem");
        let key = dir.path().join("key.pem");
        let err = load(&Source::Files { cert: cert.clone(), key: key.clone() }).err().unwrap();
        assert!(err.to_string().contains("cert.pem"), "{err}");
        std::fs::write(&cert, "not a certificate").unwrap();
        std::fs::write(&key, "not a key").unwrap();
        let err = load(&Source::Files { cert, key }).err().unwrap();
        assert!(err.to_string().contains("cert.pem"), "{err}");
    }
}
