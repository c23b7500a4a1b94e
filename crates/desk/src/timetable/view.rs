//! The week timetable of a branch (or one room or teacher in it) and the
//! double bookings that sync brought together.

use super::clash::{self, Booking};
use super::slots::{fmt_time, week_start, Interval};
use super::store::{self, EventRow, SessionRow};
use crate::names::Names;
use crate::validate::parse_date;
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::timetable::{Event, GetTimetable, ListClashes, TimetableEntry, Week};
use branchdesk_api::ids::BranchId;
use branchdesk_api::Permission;
use chrono::{Duration, NaiveDate};
use rusqlite::Connection;

/// How far ahead the review list looks for double bookings.
pub const CLASH_HORIZON_DAYS: i64 = 120;

enum Item<'a> {
    Session(&'a SessionRow),
    Event(&'a EventRow, NaiveDate),
}

/// Entries for every session and event of a branch between two dates,
/// each marked with what it clashes with.
fn entries(
    conn: &Connection,
    branch: BranchId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<TimetableEntry>> {
    let names = Names::load(conn, Some(branch))?;
    let sessions = store::sessions_of_branch(conn, branch, from, to)?;
    let events = store::events_of_branch(conn, branch, from, to)?;
    let mut items: Vec<Item<'_>> = sessions.iter().map(Item::Session).collect();
    for e in &events {
        for day in e.start_date.iter_days().take_while(|d| *d <= e.end_date) {
            if day >= from && day <= to {
                items.push(Item::Event(e, day));
            }
        }
    }
    // Only live bookings can clash: scheduled sessions and room-booking events.
    let mut bookings: Vec<(usize, Booking)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Session(s) if s.scheduled() => bookings.push((i, Booking::of_session(s))),
            Item::Event(e, day) if e.room_id.is_some() => bookings.push((
                i,
                Booking {
                    id: e.id.into(),
                    batch_id: None,
                    at: Interval { date: *day, start: e.start_min, end: e.end_min },
                    room_id: e.room_id,
                    teacher_id: None,
                },
            )),
            _ => {}
        }
    }
    let plain: Vec<Booking> = bookings.iter().map(|(_, b)| b.clone()).collect();
    let mut clashes: Vec<Vec<String>> = vec![Vec::new(); items.len()];
    let title = |i: usize| match items[i] {
        Item::Session(s) => names.batch(s.batch_id),
        Item::Event(e, _) => e.title.clone(),
    };
    for (a, b) in clash::find_all(&plain) {
        let (ia, ib) = (bookings[a].0, bookings[b].0);
        clashes[ia].push(clash::describe(&title(ib), &plain[b].at));
        clashes[ib].push(clash::describe(&title(ia), &plain[a].at));
    }
    let mut out: Vec<TimetableEntry> = items
        .iter()
        .zip(clashes)
        .map(|(item, clashes_with)| match item {
            Item::Session(s) => {
                let session = super::sessions::view(s, &names);
                TimetableEntry {
                    id: s.id.into(),
                    date: session.date.clone(),
                    start: session.start.clone(),
                    end: session.end.clone(),
                    title: session.batch_name.clone(),
                    room_name: Some(session.room_name.clone()),
                    teacher_name: Some(
                        session.substitute_name.clone().unwrap_or_else(|| session.teacher_name.clone()),
                    ),
                    cancelled: !s.scheduled(),
                    session: Some(session),
                    event: None,
                    clashes_with,
                }
            }
            Item::Event(e, day) => TimetableEntry {
                id: e.id.into(),
                session: None,
                event: Some(Event {
                    id: e.id,
                    branch_id: e.branch_id,
                    kind: e.kind,
                    title: e.title.clone(),
                    start_date: e.start_date.to_string(),
                    end_date: e.end_date.to_string(),
                    start: fmt_time(e.start_min),
                    end: fmt_time(e.end_min),
                    room_id: e.room_id,
                    room_name: e.room_id.map(|r| names.room(r)),
                    batch_id: e.batch_id,
                    cancels: e.cancels,
                    cancelled_sessions: 0,
                }),
                date: day.to_string(),
                start: fmt_time(e.start_min),
                end: fmt_time(e.end_min),
                title: e.title.clone(),
                room_name: e.room_id.map(|r| names.room(r)),
                teacher_name: None,
                cancelled: false,
                clashes_with,
            },
        })
        .collect();
    out.sort_by(|a, b| (&a.date, &a.start, &a.title).cmp(&(&b.date, &b.start, &b.title)));
    Ok(out)
}

impl Desk {
    pub fn get_timetable(&self, actor: &Actor, input: GetTimetable) -> Result<Week> {
        actor.require(Permission::ViewBatch, Some(input.branch_id))?;
        let day = if input.date.trim().is_empty() { self.today() } else { parse_date("date", &input.date)? };
        let monday = week_start(day);
        let sunday = monday + Duration::days(6);
        let db = self.db();
        let mut list = entries(&db.conn, input.branch_id, monday, sunday)?;
        if let Some(room) = input.room_id {
            list.retain(|e| {
                e.session.as_ref().is_some_and(|s| s.room_id == room)
                    || e.event.as_ref().is_some_and(|ev| ev.room_id == Some(room) || ev.room_id.is_none())
            });
        }
        if let Some(teacher) = input.teacher_id {
            list.retain(|e| {
                e.session.as_ref().is_some_and(|s| s.substitute_id.unwrap_or(s.teacher_id) == teacher)
                    || e.event.as_ref().is_some_and(|ev| ev.room_id.is_none())
            });
        }
        Ok(Week {
            week_start: monday.to_string(),
            days: monday.iter_days().take(7).map(|d| d.to_string()).collect(),
            clash_count: list.iter().filter(|e| !e.clashes_with.is_empty()).count() as u32,
            entries: list,
        })
    }

    /// Upcoming double bookings of a branch, for the manager to resolve.
    pub fn list_clashes(&self, actor: &Actor, input: ListClashes) -> Result<Vec<TimetableEntry>> {
        actor.require(Permission::ViewBatch, Some(input.branch_id))?;
        let today = self.today();
        let db = self.db();
        let mut list = entries(&db.conn, input.branch_id, today, today + Duration::days(CLASH_HORIZON_DAYS))?;
        list.retain(|e| !e.clashes_with.is_empty());
        Ok(list)
    }
}
