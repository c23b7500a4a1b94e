//! The Branchdesk sync server.
//!
//! Invariants:
//! - The HTTP layer ([`http`]) validates every request and answers a typed
//!   4xx that names the problem; a store call is one transaction, so a
//!   refused request changes nothing.
//! - Every store backend implements [`store::Store`] with the same meaning;
//!   the same router tests run against each.
//! - A device's ops are stored at most once, in its `seq` order, and every
//!   accepted op gets a gap-free `scope_seq` in commit order.

pub mod authz;
pub mod http;
pub mod limits;
pub mod messages;
pub mod mirror;
pub mod people;
pub mod sender;
pub mod signatures;
pub mod snapshot;
pub mod store;
pub mod tls;
pub mod validate;

pub use http::app;

/// Serves the API over plain HTTP on `listener` until the process ends
/// (tests on loopback; a server behind a TLS-terminating proxy).
pub async fn serve<S: store::Store>(listener: tokio::net::TcpListener, store: S) -> std::io::Result<()> {
    let app = app(store).into_make_service_with_connect_info::<limits::ClientAddr>();
    axum::serve(listener, app).await
}

/// Serves the API over HTTPS on `listener` until the process ends.
pub async fn serve_tls<S: store::Store>(
    listener: tokio::net::TcpListener,
    tls: std::sync::Arc<rustls::ServerConfig>,
    store: S,
) -> std::io::Result<()> {
    let app = app(store).into_make_service_with_connect_info::<limits::ClientAddr>();
    axum::serve(tls::TlsListener::new(listener, tls)?, app).await
}
