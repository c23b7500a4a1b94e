//! The server's store reaches PostgreSQL over TLS when the URL asks for it:
//! a cluster that refuses plain TCP takes `sslmode=require`, and
//! `sslmode=verify-full` holds only for a certificate the given authority
//! signed for that address.

mod support;

use branchdesk_server::store::postgres::PgStore;
use branchdesk_server::store::Store;
use support::Cluster;

/// A certificate authority and a server certificate it signed for
/// 127.0.0.1: (CA PEM, server certificate PEM, server key PEM).
fn authority_and_server() -> (String, String, String) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name.push(rcgen::DnType::CommonName, "Test database authority");
    let ca = rcgen::CertifiedIssuer::self_signed(ca, ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let server =
        rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap().signed_by(&key, &ca).unwrap();
    (ca.pem(), server.pem(), key.serialize_pem())
}

#[tokio::test]
async fn the_store_connects_over_tls_and_verifies_when_told() {
    let (ca, cert, key) = authority_and_server();
    let cluster = Cluster::start_tls(&cert, &key);
    // Plain TCP is refused by this cluster, so what connects used TLS.
    let plain = PgStore::connect(&cluster.tcp_url("postgres", "disable"), 2).await;
    assert!(plain.is_err(), "the cluster takes no plain TCP");
    let store = PgStore::connect(&cluster.tcp_url("postgres", "require"), 2).await.unwrap();
    assert!(store.bootstrap_code().await.unwrap().is_some(), "migrated and serving over TLS");
    drop(store);

    // verify-full: the right authority passes; another, or none, does not.
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &ca).unwrap();
    let url = cluster.tcp_url("postgres", "verify-full");
    PgStore::connect_with_ca(&url, 2, Some(&ca_file)).await.unwrap();
    let (other_ca, _, _) = authority_and_server();
    let other = dir.path().join("other.pem");
    std::fs::write(&other, other_ca).unwrap();
    let e =
        PgStore::connect_with_ca(&url, 2, Some(&other)).await.err().expect("another authority is refused");
    assert!(e.to_string().to_lowercase().contains("certificate"), "{e}");
    assert!(
        PgStore::connect_with_ca(&url, 2, None).await.is_err(),
        "the system's authorities do not know it"
    );
}
