//! TLS to PostgreSQL, as libpq's `sslmode` reads: `disable`; `prefer` (the
//! default: TLS when the server offers it) and `require` encrypt without
//! checking who answers; `verify-full` also checks the server's certificate
//! chain and name, against `--database-ca` or the system's authorities.
//! Unix sockets carry no TLS (tokio-postgres skips it there).

use super::StoreError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::Path;
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// The connection settings and the TLS connector for a database URL.
pub fn config(
    url: &str,
    ca: Option<&Path>,
) -> Result<(tokio_postgres::Config, MakeRustlsConnect), StoreError> {
    // tokio-postgres knows disable/prefer/require; verify-full is require
    // with the certificate checked here.
    let verify = ["sslmode=verify-full", "sslmode=verify-ca"].iter().any(|m| url.contains(m));
    let url =
        url.replace("sslmode=verify-full", "sslmode=require").replace("sslmode=verify-ca", "sslmode=require");
    let config: tokio_postgres::Config = url.parse()?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Backend(e.to_string()))?;
    let tls = if verify {
        builder.with_root_certificates(roots(ca)?).with_no_client_auth()
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(EncryptOnly(provider)))
            .with_no_client_auth()
    };
    Ok((config, MakeRustlsConnect::new(tls)))
}

fn roots(ca: Option<&Path>) -> Result<Arc<RootCertStore>, StoreError> {
    let mut roots = RootCertStore::empty();
    match ca {
        Some(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| StoreError::Backend(format!("could not read {}: {e}", path.display())))?;
            for cert in CertificateDer::pem_slice_iter(&bytes) {
                let cert = cert.map_err(|e| StoreError::Backend(format!("{}: {e}", path.display())))?;
                roots.add(cert).map_err(|e| StoreError::Backend(format!("{}: {e}", path.display())))?;
            }
        }
        None => {
            roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        }
    }
    if roots.is_empty() {
        return Err(StoreError::Backend(
            "sslmode=verify-full needs a certificate authority: --database-ca, or the system's".into(),
        ));
    }
    Ok(Arc::new(roots))
}

/// `sslmode=require`: the link is encrypted, whoever's certificate it is
/// (libpq's meaning; `verify-full` checks it).
#[derive(Debug)]
struct EncryptOnly(Arc<CryptoProvider>);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
