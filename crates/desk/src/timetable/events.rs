//! Holidays, exams and closures: they cancel sessions or book a room.

use super::clash::{Booked, Booking};
use super::slots::{fmt_time, parse_span, DAY_MINUTES, MAX_BATCH_DAYS};
use super::store::{self, EventRow, SessionRow};
use crate::validate::parse_date;
use crate::{rooms, validate, Actor, Desk, Result};
use branchdesk_api::commands::timetable::{Event, ListEvents, RemoveEvent, SaveEvent, SessionStatus};
use branchdesk_api::ids::EventId;
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use uuid::Uuid;

fn view(conn: &Connection, e: &EventRow) -> Result<Event> {
    let cancelled: u32 = conn
        .prepare_cached("SELECT count(*) FROM class_sessions WHERE cancelled_by_event_id = ?1")?
        .query_row([e.id.to_string()], crate::db::read::value)?;
    Ok(Event {
        id: e.id,
        branch_id: e.branch_id,
        kind: e.kind,
        title: e.title.clone(),
        start_date: e.start_date.to_string(),
        end_date: e.end_date.to_string(),
        start: fmt_time(e.start_min),
        end: fmt_time(e.end_min),
        room_id: e.room_id,
        room_name: match e.room_id {
            Some(r) => rooms::by_id(conn, r)?.map(|room| room.name),
            None => None,
        },
        batch_id: e.batch_id,
        cancels: e.cancels,
        cancelled_sessions: cancelled,
    })
}

/// The scheduled sessions a cancelling event takes off the timetable.
fn sessions_cancelled_by(
    conn: &Connection,
    e: &EventRow,
    now: DateTime<Utc>,
) -> Result<Vec<(SessionRow, SessionRow)>> {
    Ok(store::sessions_of_branch(conn, e.branch_id, e.start_date, e.end_date)?
        .into_iter()
        .filter(|s| s.scheduled() && e.covers(s.batch_id, s.date, s.start_min, s.end_min))
        .map(|s| {
            let new = SessionRow {
                status: SessionStatus::Cancelled,
                cancelled_by_event_id: Some(e.id),
                updated_at: now,
                ..s.clone()
            };
            (s, new)
        })
        .collect())
}

/// The sessions an edit of `old` into `new` changes: those it cancelled
/// and no longer covers come back (clash-checked: their slot may be taken
/// since), those it now covers are taken off. An event that moved its
/// classes keeps its days and hours; a room it books is checked as when
/// it was added.
fn edited_sessions(
    conn: &Connection,
    old: &EventRow,
    new: &EventRow,
    move_to: &str,
    now: DateTime<Utc>,
) -> Result<Vec<(SessionRow, SessionRow)>> {
    if !move_to.trim().is_empty() {
        return Err(ApiError::invalid(
            "move_to",
            "Classes are moved when an event is added. Remove this event and add it again to move them.",
        )
        .into());
    }
    let of_event = store::sessions_of_event(conn, old.id)?;
    let span = |e: &EventRow| (e.start_date, e.end_date, e.start_min, e.end_min, e.cancels, e.batch_id);
    if of_event.iter().any(SessionRow::scheduled) && span(old) != span(new) {
        return Err(ApiError::invalid(
            "start_date",
            "This event moved its classes to another day, so its days and hours stay. Remove it (the classes \
             go back to their own day) and add it again to change them.",
        )
        .into());
    }
    let restored: Vec<(SessionRow, SessionRow)> = of_event
        .into_iter()
        .filter(|s| !s.scheduled() && !new.covers(s.batch_id, s.date, s.start_min, s.end_min))
        .map(|s| {
            let back = SessionRow {
                status: SessionStatus::Scheduled,
                cancelled_by_event_id: None,
                updated_at: now,
                ..s.clone()
            };
            (s, back)
        })
        .collect();
    let bookings = Booking::of_event(new);
    for (_, s) in &restored {
        let booked = Booked::load(conn, Some(s.room_id), Some(s.taught_by()), s.date, s.date)?;
        booked.refuse_clashes(
            conn,
            &[Booking::of_session(s)],
            |b| b.id == old.id.0,
            "start_date",
            "start_date",
        )?;
        if bookings.iter().any(|b| Booking::of_session(s).clashes_with(b)) {
            return Err(ApiError::conflict(format!(
                "The class of {} this event no longer takes off would be in the room it books.",
                branchdesk_api::dates::long(&s.date.to_string())
            ))
            .on("room_id")
            .into());
        }
    }
    let taken = if new.cancels { sessions_cancelled_by(conn, new, now)? } else { Vec::new() };
    if let Some(room) = new.room_id {
        let booked = Booked::load(conn, Some(room), None, new.start_date, new.end_date)?;
        let off: Vec<Uuid> = taken.iter().map(|(s, _)| s.id.into()).collect();
        booked.refuse_clashes(
            conn,
            &bookings,
            |b| b.id == new.id.0 || off.contains(&b.id),
            "room_id",
            "room_id",
        )?;
    }
    Ok(restored.into_iter().chain(taken).collect())
}

impl Desk {
    pub fn list_events(&self, actor: &Actor, input: ListEvents) -> Result<Vec<Event>> {
        actor.require(Permission::ViewBatch, Some(input.branch_id))?;
        let from = if input.from.trim().is_empty() { self.today() } else { parse_date("from", &input.from)? };
        let db = self.db();
        let to = from + chrono::Duration::days(MAX_BATCH_DAYS);
        store::events_of_branch(&db.conn, input.branch_id, from, to)?
            .iter()
            .map(|e| view(&db.conn, e))
            .collect()
    }

    pub fn save_event(&self, actor: &Actor, input: SaveEvent) -> Result<Event> {
        actor.require(Permission::ManageBatch, Some(input.branch_id))?;
        let title = validate::required("title", "event title", &input.title, 80)?;
        let start_date = parse_date("start_date", &input.start_date)?;
        let end_date = if input.end_date.trim().is_empty() {
            start_date
        } else {
            parse_date("end_date", &input.end_date)?
        };
        if end_date < start_date {
            return Err(
                ApiError::invalid("end_date", "The end date must be on or after the start date.").into()
            );
        }
        if (end_date - start_date).num_days() > 366 {
            return Err(ApiError::invalid("end_date", "An event lasts at most a year.").into());
        }
        let (start_min, end_min) = if input.start.trim().is_empty() && input.end.trim().is_empty() {
            (0, DAY_MINUTES)
        } else {
            parse_span("start", &input.start, "end", &input.end)?
        };
        let db = self.db();
        let conn = &db.conn;
        crate::org::store::chosen_branch(conn, input.branch_id)?;
        if let Some(r) = input.room_id {
            rooms::by_id(conn, r)?
                .filter(|room| room.branch_id == input.branch_id && room.active)
                .ok_or_else(|| ApiError::invalid("room_id", "Choose a room of this branch from the list."))?;
        }
        if let Some(b) = input.batch_id {
            store::batch_by_id(conn, b)?.filter(|batch| batch.branch_id == input.branch_id).ok_or_else(
                || ApiError::invalid("batch_id", "Choose a batch of this branch from the list."),
            )?;
        }
        if !input.cancels && input.room_id.is_none() {
            return Err(ApiError::invalid(
                "cancels",
                "An event either cancels the sessions it covers or books a room; choose at least one.",
            )
            .into());
        }
        let now = self.clock().now();
        let old = match input.id {
            Some(id) => Some(
                store::event_by_id(conn, id)?
                    .filter(|e| e.deleted_at.is_none() && e.branch_id == input.branch_id)
                    .ok_or_else(|| ApiError::not_found("event").on("id"))?,
            ),
            None => None,
        };
        let row = EventRow {
            id: old.as_ref().map_or_else(|| EventId(Uuid::now_v7()), |o| o.id),
            branch_id: input.branch_id,
            kind: input.kind,
            title,
            start_date,
            end_date,
            start_min,
            end_min,
            room_id: input.room_id,
            batch_id: input.batch_id,
            cancels: input.cancels,
            deleted_at: None,
            created_at: old.as_ref().map_or(now, |o| o.created_at),
            updated_at: now,
        };
        if let Some(old) = old {
            let sessions = edited_sessions(conn, &old, &row, &input.move_to, now)?;
            drop(db);
            self.write(Some(actor.user_id), |w| {
                w.update(&old, &row)?;
                for (o, n) in &sessions {
                    w.update(o, n)?;
                }
                Ok(())
            })?;
            return view(&self.db().conn, &row);
        }
        let move_to = if input.move_to.trim().is_empty() {
            None
        } else {
            let to = parse_date("move_to", &input.move_to)?;
            if !input.cancels || start_date != end_date {
                return Err(ApiError::invalid(
                    "move_to",
                    "Only a one-day event that takes the classes off moves them.",
                )
                .into());
            }
            if to == start_date {
                return Err(ApiError::invalid("move_to", "Choose another day to move the classes to.").into());
            }
            Some(to)
        };
        let mut cancelled = if row.cancels { sessions_cancelled_by(conn, &row, now)? } else { Vec::new() };
        if let Some(to) = move_to {
            let note = format!("Moved for {}", row.title);
            for (_, new) in cancelled.iter_mut() {
                *new = SessionRow {
                    status: SessionStatus::Scheduled,
                    date: to,
                    moved: true,
                    note: note.clone(),
                    ..new.clone()
                };
            }
            let moving: Vec<Uuid> = cancelled.iter().map(|(s, _)| s.id.into()).collect();
            for (_, s) in &cancelled {
                let booked = Booked::load(conn, Some(s.room_id), Some(s.taught_by()), to, to)?;
                booked.refuse_clashes(
                    conn,
                    &[Booking::of_session(s)],
                    |b| moving.contains(&b.id),
                    "move_to",
                    "move_to",
                )?;
            }
        }
        if let Some(room) = row.room_id {
            let booked = Booked::load(conn, Some(room), None, start_date, end_date)?;
            let cancelled_ids: Vec<Uuid> = cancelled.iter().map(|(s, _)| s.id.into()).collect();
            booked.refuse_clashes(
                conn,
                &Booking::of_event(&row),
                |b| cancelled_ids.contains(&b.id),
                "room_id",
                "room_id",
            )?;
        }
        drop(db);
        self.write(Some(actor.user_id), |w| {
            w.insert(&row)?;
            for (old, new) in &cancelled {
                w.update(old, new)?;
            }
            Ok(())
        })?;
        view(&self.db().conn, &row)
    }

    /// Takes an event off the timetable and brings back the sessions it
    /// cancelled (each clash-checked again: the room may be taken since).
    pub fn remove_event(&self, actor: &Actor, input: RemoveEvent) -> Result<Event> {
        actor.require_somewhere(Permission::ManageBatch)?;
        let db = self.db();
        let old = store::event_by_id(&db.conn, input.id)?
            .filter(|e| e.deleted_at.is_none())
            .ok_or_else(|| ApiError::not_found("event").on("id"))?;
        actor.require(Permission::ManageBatch, Some(old.branch_id))?;
        let now = self.clock().now();
        // Cancelled ones come back; moved ones go back to their own slot.
        let restored: Vec<(SessionRow, SessionRow)> = store::sessions_of_event(&db.conn, old.id)?
            .into_iter()
            .map(|s| {
                let length = s.end_min - s.start_min;
                let back = s.scheduled(); // moved by the event, not cancelled
                let new = SessionRow {
                    status: SessionStatus::Scheduled,
                    cancelled_by_event_id: None,
                    date: if back { s.slot_date } else { s.date },
                    start_min: if back { s.slot_start } else { s.start_min },
                    end_min: if back { s.slot_start + length } else { s.end_min },
                    moved: if back { false } else { s.moved },
                    note: if back { String::new() } else { s.note.clone() },
                    updated_at: now,
                    ..s.clone()
                };
                (s, new)
            })
            .collect();
        for (_, s) in &restored {
            let booked = Booked::load(&db.conn, Some(s.room_id), Some(s.taught_by()), s.date, s.date)?;
            booked.refuse_clashes(&db.conn, &[Booking::of_session(s)], |b| b.id == old.id.0, "id", "id")?;
        }
        let new = EventRow { deleted_at: Some(now), updated_at: now, ..old.clone() };
        drop(db);
        self.write(Some(actor.user_id), |w| {
            w.update(&old, &new)?;
            for (o, n) in &restored {
                w.update(o, n)?;
            }
            Ok(())
        })?;
        view(&self.db().conn, &new)
    }
}
