//! What one client, or all of them together, may ask of the server: link
//! attempts per address and in total, how long a request may take, how many
//! run at once, how many snapshots are built at once, how large a pull page
//! grows. `Limits::default()` is what the server runs with; tests shrink it.

use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::serve::IncomingStream;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A token bucket's size and refill: `burst` at once, then one each `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub every: Duration,
}

#[derive(Debug, Clone)]
pub struct Limits {
    /// Link attempts (`/v1/devices/enrol`) from one address.
    pub enrol_per_address: Rate,
    /// Link attempts from everyone together.
    pub enrol_total: Rate,
    /// Every request but the two below must answer within this.
    pub request_timeout: Duration,
    /// A long-poll wait (itself at most `MAX_WAIT_MS`) and its store calls.
    pub wait_timeout: Duration,
    /// Building a snapshot of a large branch on a slow disk.
    pub snapshot_timeout: Duration,
    /// Requests served at once (waits and snapshots not counted); more
    /// queue until one ends or their timeout passes.
    pub concurrent_requests: usize,
    /// Snapshots built at once; another waits up to `snapshot_queue` for a
    /// turn, then is answered 503 `busy`.
    pub concurrent_snapshots: usize,
    pub snapshot_queue: Duration,
    /// A pull page stops before its changes reach this many bytes (always
    /// holding at least one change).
    pub page_bytes: usize,
    /// Take the client's address from the last `X-Forwarded-For` entry (the
    /// one the proxy in front added) instead of the connection's.
    pub trust_forwarded: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            enrol_per_address: Rate { burst: 10, every: Duration::from_secs(6) },
            enrol_total: Rate { burst: 60, every: Duration::from_secs(1) },
            request_timeout: Duration::from_secs(60),
            wait_timeout: Duration::from_millis(branchdesk_api::sync::MAX_WAIT_MS) + Duration::from_secs(30),
            snapshot_timeout: Duration::from_secs(3600),
            concurrent_requests: 256,
            concurrent_snapshots: 3,
            snapshot_queue: Duration::from_secs(10),
            page_bytes: 4 * 1024 * 1024,
            trust_forwarded: false,
        }
    }
}

/// The address a connection came from, for both the plain and the TLS
/// listener (`into_make_service_with_connect_info::<ClientAddr>()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub SocketAddr);

impl Connected<IncomingStream<'_, tokio::net::TcpListener>> for ClientAddr {
    fn connect_info(stream: IncomingStream<'_, tokio::net::TcpListener>) -> Self {
        ClientAddr(*stream.remote_addr())
    }
}

impl Connected<IncomingStream<'_, crate::tls::TlsListener>> for ClientAddr {
    fn connect_info(stream: IncomingStream<'_, crate::tls::TlsListener>) -> Self {
        ClientAddr(*stream.remote_addr())
    }
}

/// The asking client's address as far as the server can tell: the
/// connection's, or the proxy's `X-Forwarded-For` when trusted. None when
/// served without connect info (in-process tests).
pub struct Client(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let trust = parts.extensions.get::<Arc<Guard>>().is_some_and(|g| g.limits.trust_forwarded);
        let forwarded = trust
            .then(|| parts.headers.get_all("x-forwarded-for").iter().next_back().cloned())
            .flatten()
            .and_then(|v| v.to_str().ok()?.rsplit(',').next()?.trim().parse().ok());
        let connected = parts.extensions.get::<ConnectInfo<ClientAddr>>().map(|c| c.0 .0.ip());
        Ok(Client(forwarded.or(connected)))
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn full(rate: Rate, now: Instant) -> Self {
        Bucket { tokens: f64::from(rate.burst), at: now }
    }

    fn refilled(self, rate: Rate, now: Instant) -> Self {
        let gained =
            now.saturating_duration_since(self.at).as_secs_f64() / rate.every.as_secs_f64().max(1e-9);
        Bucket { tokens: (self.tokens + gained).min(f64::from(rate.burst)), at: now }
    }

    /// None when a token is there; else how long until one is.
    fn short(&self, rate: Rate) -> Option<Duration> {
        (self.tokens < 1.0).then(|| rate.every.mul_f64(1.0 - self.tokens))
    }
}

/// The shared state the limits keep: the link-attempt buckets and the
/// snapshot turns.
pub struct Guard {
    pub limits: Limits,
    buckets: Mutex<Buckets>,
    /// Password proofs (`/v1/keys/prove`) are limited as link attempts
    /// are, in buckets of their own.
    proofs: Mutex<Buckets>,
    /// Turns for ordinary requests (`concurrent_requests`).
    pub requests: Arc<tokio::sync::Semaphore>,
    /// Turns for snapshot builds (`concurrent_snapshots`).
    pub snapshots: Arc<tokio::sync::Semaphore>,
}

struct Buckets {
    total: Bucket,
    /// Only addresses whose bucket is not full; IPv6 by /64 (one
    /// subscriber's network).
    by_address: HashMap<IpAddr, Bucket>,
}

impl Guard {
    pub fn new(limits: Limits) -> Self {
        let now = Instant::now();
        let buckets = || {
            Mutex::new(Buckets { total: Bucket::full(limits.enrol_total, now), by_address: HashMap::new() })
        };
        Guard {
            buckets: buckets(),
            proofs: buckets(),
            requests: Arc::new(tokio::sync::Semaphore::new(limits.concurrent_requests.max(1))),
            snapshots: Arc::new(tokio::sync::Semaphore::new(limits.concurrent_snapshots.max(1))),
            limits,
        }
    }

    /// Takes a link attempt from `client`'s bucket and the total one, or
    /// answers how long to wait (nothing is taken then).
    pub fn enrol_attempt(&self, client: Option<IpAddr>) -> Result<(), Duration> {
        self.attempt(&self.buckets, client)
    }

    /// Takes a password-proof attempt, as [`Guard::enrol_attempt`] does.
    pub fn proof_attempt(&self, client: Option<IpAddr>) -> Result<(), Duration> {
        self.attempt(&self.proofs, client)
    }

    fn attempt(&self, buckets: &Mutex<Buckets>, client: Option<IpAddr>) -> Result<(), Duration> {
        let (per, total_rate) = (self.limits.enrol_per_address, self.limits.enrol_total);
        let now = Instant::now();
        let key = client.map(network);
        let mut b = buckets.lock().unwrap_or_else(|p| p.into_inner());
        let total = b.total.refilled(total_rate, now);
        let mine = key
            .and_then(|k| b.by_address.get(&k).copied())
            .unwrap_or_else(|| Bucket::full(per, now))
            .refilled(per, now);
        // The longer wait of the two, so a retry at that time gets through.
        if let Some(wait) = [mine.short(per), total.short(total_rate)].into_iter().flatten().max() {
            return Err(wait);
        }
        b.total = Bucket { tokens: total.tokens - 1.0, ..total };
        if let Some(k) = key {
            b.by_address.insert(k, Bucket { tokens: mine.tokens - 1.0, ..mine });
            if b.by_address.len() > 4096 {
                // A full bucket is the same as none: keep only the others,
                // at most what the total rate let through lately.
                b.by_address.retain(|_, v| v.refilled(per, now).tokens < f64::from(per.burst));
            }
        }
        Ok(())
    }
}

/// The key an address is limited by: itself, or its /64 for IPv6.
fn network(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Whole seconds to wait, rounded up, at least one (Retry-After).
pub fn retry_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(per: u32, total: u32) -> Guard {
        Guard::new(Limits {
            enrol_per_address: Rate { burst: per, every: Duration::from_secs(60) },
            enrol_total: Rate { burst: total, every: Duration::from_secs(1) },
            ..Limits::default()
        })
    }

    #[test]
    fn one_address_runs_dry_and_others_go_on_until_the_total_does() {
        let g = guard(2, 5);
        let a = Some("10.0.0.1".parse().unwrap());
        let b = Some("10.0.0.2".parse().unwrap());
        assert!(g.enrol_attempt(a).is_ok() && g.enrol_attempt(a).is_ok());
        let wait = g.enrol_attempt(a).unwrap_err();
        assert!(wait > Duration::from_secs(50) && wait <= Duration::from_secs(60), "{wait:?}");
        assert!(g.enrol_attempt(b).is_ok() && g.enrol_attempt(b).is_ok());
        assert!(g.enrol_attempt(None).is_ok());
        assert!(g.enrol_attempt(Some("10.0.0.3".parse().unwrap())).is_err(), "the total ran dry");
    }

    #[test]
    fn ipv6_addresses_of_one_network_share_a_bucket() {
        let g = guard(1, 10);
        assert!(g.enrol_attempt(Some("2001:db8:1:2::1".parse().unwrap())).is_ok());
        assert!(g.enrol_attempt(Some("2001:db8:1:2::99".parse().unwrap())).is_err());
        assert!(g.enrol_attempt(Some("2001:db8:1:3::1".parse().unwrap())).is_ok());
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_seconds(Duration::from_secs(6)), 6);
        assert_eq!(retry_seconds(Duration::from_millis(5_500)), 6);
        assert_eq!(retry_seconds(Duration::ZERO), 1);
    }
}
