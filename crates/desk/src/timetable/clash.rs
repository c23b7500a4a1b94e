//! Double bookings: a room or a teacher in two places at once.
//!
//! At every write the candidate bookings are checked against the stored
//! ones of the same room and teacher (one indexed read for the whole date
//! range, then an in-memory check per day). A clash that two offline desks
//! made independently cannot be refused; [`find_all`] finds those for the
//! timetable and the manager's review list.

use super::slots::{fmt_time, Interval};
use super::store::{self, EventRow, SessionRow};
use crate::names::Names;
use crate::Result;
use branchdesk_api::ids::{BatchId, RoomId, UserId};
use branchdesk_api::ApiError;
use chrono::NaiveDate;
use rusqlite::Connection;
use std::collections::HashMap;
use uuid::Uuid;

/// Something that occupies a room and/or a teacher for an interval.
#[derive(Debug, Clone)]
pub struct Booking {
    /// The session's or event's id.
    pub id: Uuid,
    /// The batch a session belongs to.
    pub batch_id: Option<BatchId>,
    pub at: Interval,
    pub room_id: Option<RoomId>,
    pub teacher_id: Option<UserId>,
}

impl Booking {
    pub fn of_session(s: &SessionRow) -> Booking {
        Booking {
            id: s.id.into(),
            batch_id: Some(s.batch_id),
            at: Interval { date: s.date, start: s.start_min, end: s.end_min },
            room_id: Some(s.room_id),
            teacher_id: Some(s.taught_by()),
        }
    }

    /// One booking per day of a room-booking event.
    pub fn of_event(e: &EventRow) -> Vec<Booking> {
        let Some(room) = e.room_id else { return Vec::new() };
        e.start_date
            .iter_days()
            .take_while(|d| *d <= e.end_date)
            .map(|date| Booking {
                id: e.id.into(),
                batch_id: None,
                at: Interval { date, start: e.start_min, end: e.end_min },
                room_id: Some(room),
                teacher_id: None,
            })
            .collect()
    }

    fn shares_with(&self, other: &Booking) -> Option<Shared> {
        if !self.at.overlaps(&other.at) {
            return None;
        }
        if self.room_id.is_some() && self.room_id == other.room_id {
            return Some(Shared::Room);
        }
        if self.teacher_id.is_some() && self.teacher_id == other.teacher_id {
            return Some(Shared::Teacher);
        }
        None
    }
}

impl Booking {
    /// True when the two would be in one room or with one teacher at once.
    pub fn clashes_with(&self, other: &Booking) -> bool {
        self.shares_with(other).is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shared {
    Room,
    Teacher,
}

/// The stored bookings of a room and a teacher between two dates, by day.
pub struct Booked {
    by_day: HashMap<NaiveDate, Vec<Booking>>,
    events: HashMap<Uuid, String>,
}

impl Booked {
    pub fn load(
        conn: &Connection,
        room: Option<RoomId>,
        teacher: Option<UserId>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Booked> {
        let mut by_day: HashMap<NaiveDate, Vec<Booking>> = HashMap::new();
        for s in store::sessions_booking(conn, room, teacher, from, to)? {
            by_day.entry(s.date).or_default().push(Booking::of_session(&s));
        }
        let mut events = HashMap::new();
        if let Some(room) = room {
            for e in store::events_booking_room(conn, room, from, to)? {
                events.insert(e.id.into(), e.title.clone());
                for b in Booking::of_event(&e) {
                    by_day.entry(b.at.date).or_default().push(b);
                }
            }
        }
        Ok(Booked { by_day, events })
    }

    /// The first stored booking `candidate` clashes with, skipping those
    /// `ignore` names (the bookings being replaced).
    pub fn first_clash(
        &self,
        candidate: &Booking,
        ignore: impl Fn(&Booking) -> bool,
    ) -> Option<(&Booking, bool)> {
        self.by_day.get(&candidate.at.date)?.iter().find_map(|b| {
            if b.id == candidate.id || ignore(b) {
                return None;
            }
            candidate.shares_with(b).map(|shared| (b, shared == Shared::Room))
        })
    }

    /// Refuses the first clash among `candidates`, naming the other booking.
    pub fn refuse_clashes(
        &self,
        conn: &Connection,
        candidates: &[Booking],
        ignore: impl Fn(&Booking) -> bool,
        room_field: &str,
        teacher_field: &str,
    ) -> Result<()> {
        for c in candidates {
            if let Some((other, room)) = self.first_clash(c, &ignore) {
                let names = Names::load(conn, None)?;
                let what = self.describe(other, &names);
                let (field, message) = if room {
                    let room = other.room_id.map(|r| names.room(r)).unwrap_or_default();
                    (room_field, format!("{room} is already booked for {what}."))
                } else {
                    let who = other.teacher_id.map(|t| names.user(t)).unwrap_or_default();
                    (teacher_field, format!("{who} already teaches {what}."))
                };
                return Err(ApiError::conflict(message).on(field).into());
            }
        }
        Ok(())
    }

    fn describe(&self, b: &Booking, names: &Names) -> String {
        let title = match b.batch_id {
            Some(batch) => names.batch(batch),
            None => self.events.get(&b.id).cloned().unwrap_or_else(|| "an event".into()),
        };
        describe(&title, &b.at)
    }
}

/// "Physics XI-A on Mon 1 Jun 2026, 16:00–17:30"
pub fn describe(title: &str, at: &Interval) -> String {
    format!("{title} on {}, {}–{}", at.date.format("%a %-d %b %Y"), fmt_time(at.start), fmt_time(at.end))
}

/// Every pair of overlapping bookings sharing a room or a teacher, as
/// (booking index, other booking index). Sorted sweep per day and resource.
pub fn find_all(bookings: &[Booking]) -> Vec<(usize, usize)> {
    #[derive(PartialEq, Eq, Hash)]
    enum Held {
        Room(RoomId),
        Teacher(UserId),
    }
    let mut groups: HashMap<(NaiveDate, Held), Vec<usize>> = HashMap::new();
    for (i, b) in bookings.iter().enumerate() {
        if let Some(r) = b.room_id {
            groups.entry((b.at.date, Held::Room(r))).or_default().push(i);
        }
        if let Some(t) = b.teacher_id {
            groups.entry((b.at.date, Held::Teacher(t))).or_default().push(i);
        }
    }
    let mut pairs = Vec::new();
    for mut group in groups.into_values() {
        group.sort_by_key(|&i| bookings[i].at.start);
        for (n, &i) in group.iter().enumerate() {
            for &j in &group[n + 1..] {
                if bookings[j].at.start >= bookings[i].at.end {
                    break;
                }
                if bookings[i].id != bookings[j].id {
                    pairs.push((i, j));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn booking(n: u128, day: i64, start: u16, end: u16, room: u128, teacher: u128) -> Booking {
        Booking {
            id: Uuid::from_u128(n),
            batch_id: None,
            at: Interval {
                date: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap() + chrono::Duration::days(day),
                start,
                end,
            },
            room_id: Some(RoomId(Uuid::from_u128(1000 + room))),
            teacher_id: Some(UserId(Uuid::from_u128(2000 + teacher))),
        }
    }

    proptest! {
        /// The sweep finds exactly the pairs the brute-force definition does.
        #[test]
        fn sweep_matches_brute_force(
            raw in proptest::collection::vec((0i64..3, 0u16..1380, 1u16..180, 0u128..3, 0u128..3), 0..40)
        ) {
            let list: Vec<Booking> = raw.iter().enumerate()
                .map(|(n, &(d, s, len, r, t))| booking(n as u128, d, s, (s + len).min(1440), r, t))
                .collect();
            let mut want = Vec::new();
            for i in 0..list.len() {
                for j in i + 1..list.len() {
                    if list[i].shares_with(&list[j]).is_some() {
                        want.push((i, j));
                    }
                }
            }
            let mut got: Vec<(usize, usize)> = find_all(&list).into_iter().map(|(a, b)| (a.min(b), a.max(b))).collect();
            got.sort_unstable();
            got.dedup();
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn touching_bookings_of_one_room_do_not_clash_but_a_shared_teacher_elsewhere_does() {
        let a = booking(1, 0, 600, 660, 1, 1);
        let b = booking(2, 0, 660, 720, 1, 2);
        let c = booking(3, 0, 630, 690, 2, 1);
        assert!(a.shares_with(&b).is_none());
        assert_eq!(a.shares_with(&c), Some(Shared::Teacher));
        assert_eq!(find_all(&[a, b, c]), vec![(0, 2)]);
    }
}
