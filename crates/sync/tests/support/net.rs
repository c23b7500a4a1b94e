//! A seeded, in-process network between desks and the real server router
//! (sync-design.md, "How we test it"): each request may be dropped, lost
//! after the server committed it (the ack never arrives), delivered twice,
//! held and delivered later (after newer ones), or refused while its desk
//! is partitioned. One RNG decides everything, so a seed replays exactly.

use axum::body::Body;
use axum::http::Request;
use branchdesk_sync::Transport;
use http_body_util::BodyExt;
use proptest::prelude::RngExt;
use proptest::test_runner::TestRng;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

/// How often each fault strikes a request, in percent.
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    pub drop: u32,
    pub lose_ack: u32,
    pub duplicate: u32,
    pub delay: u32,
}

/// What the network did over a run (and over many seeds, summed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub delivered: u64,
    pub dropped: u64,
    pub acks_lost: u64,
    pub duplicated: u64,
    pub delayed: u64,
    pub reordered: u64,
    pub partitioned: u64,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.delivered += o.delivered;
        self.dropped += o.dropped;
        self.acks_lost += o.acks_lost;
        self.duplicated += o.duplicated;
        self.delayed += o.delayed;
        self.reordered += o.reordered;
        self.partitioned += o.partitioned;
    }
}

struct Held {
    path: String,
    token: Option<String>,
    body: Vec<u8>,
}

struct State {
    rng: TestRng,
    faults: Faults,
    cut: BTreeSet<usize>,
    held: Vec<Held>,
    tally: Tally,
    /// The last request of each desk lost its ack (the server committed).
    lost_ack: BTreeSet<usize>,
}

pub struct Net {
    app: axum::Router,
    state: Mutex<State>,
}

impl Net {
    pub fn new(app: axum::Router, rng: TestRng) -> Arc<Net> {
        Arc::new(Net {
            app,
            state: Mutex::new(State {
                rng,
                faults: Faults::default(),
                cut: BTreeSet::new(),
                held: Vec::new(),
                tally: Tally::default(),
                lost_ack: BTreeSet::new(),
            }),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_faults(&self, faults: Faults) {
        self.state().faults = faults;
    }

    pub fn cut(&self, desk: usize, cut: bool) {
        let mut s = self.state();
        if cut {
            s.cut.insert(desk);
        } else {
            s.cut.remove(&desk);
        }
    }

    pub fn heal(&self) {
        self.state().cut.clear();
    }

    pub fn tally(&self) -> Tally {
        self.state().tally
    }

    /// Whether `desk`'s last request was committed by the server but its
    /// answer lost (clears the mark).
    pub fn take_lost_ack(&self, desk: usize) -> bool {
        self.state().lost_ack.remove(&desk)
    }

    /// Delivers every held request now (late arrivals after the others).
    pub async fn flush(&self) {
        let held: Vec<Held> = std::mem::take(&mut self.state().held);
        for h in held {
            let _ = self.deliver(&h.path, h.token.as_deref(), h.body).await;
        }
    }

    async fn deliver(&self, path: &str, token: Option<&str>, body: Vec<u8>) -> (u16, Vec<u8>) {
        let mut req = Request::post(path).header("content-type", "application/json");
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = req.body(Body::from(body)).expect("a request");
        let res = self.app.clone().oneshot(req).await.expect("the router answers");
        let status = res.status().as_u16();
        let bytes = res.into_body().collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
        (status, bytes)
    }

    async fn send(
        &self,
        desk: usize,
        url: String,
        token: Option<String>,
        body: Vec<u8>,
    ) -> Result<(u16, Vec<u8>), String> {
        let path = url.find("/v1/").map(|i| url[i..].to_owned()).unwrap_or(url);
        // Decide everything up front, in one order, so a seed replays.
        let (late, lose_ack, twice) = {
            let mut s = self.state();
            if s.cut.contains(&desk) {
                s.tally.partitioned += 1;
                return Err("the network is cut (partition)".into());
            }
            let f = s.faults;
            let roll = |s: &mut State, pct: u32| pct > 0 && s.rng.random_range(0..100u32) < pct;
            if roll(&mut s, f.drop) {
                s.tally.dropped += 1;
                return Err("the request was lost".into());
            }
            if roll(&mut s, f.delay) {
                s.tally.delayed += 1;
                s.held.push(Held { path, token, body });
                return Err("no answer in time (the request is delayed)".into());
            }
            let late = if !s.held.is_empty() && roll(&mut s, 50) {
                s.tally.reordered += 1;
                let held = s.held.len();
                let i = s.rng.random_range(0..held);
                Some(s.held.remove(i))
            } else {
                None
            };
            let lose_ack = roll(&mut s, f.lose_ack);
            let twice = roll(&mut s, f.duplicate);
            (late, lose_ack, twice)
        };
        if let Some(h) = late {
            // A held request arrives now, after newer ones went through.
            let _ = self.deliver(&h.path, h.token.as_deref(), h.body).await;
        }
        let answer = self.deliver(&path, token.as_deref(), body.clone()).await;
        self.state().tally.delivered += 1;
        if twice {
            self.state().tally.duplicated += 1;
            let _ = self.deliver(&path, token.as_deref(), body).await;
        }
        if lose_ack {
            let mut s = self.state();
            s.tally.acks_lost += 1;
            s.lost_ack.insert(desk);
            return Err("the connection dropped before the answer (the server committed)".into());
        }
        Ok(answer)
    }
}

/// One desk's connection to the network.
pub struct Link {
    pub net: Arc<Net>,
    pub desk: usize,
}

impl Transport for Link {
    async fn post(&self, req: branchdesk_sync::Request) -> Result<(u16, Vec<u8>), String> {
        let branchdesk_sync::Request { url, token, body, .. } = req;
        self.net.send(self.desk, url, token, body).await
    }
}
