//! One class session: move it, hand it to a substitute, cancel or restore it.

use super::clash::{Booked, Booking};
use super::slots::{fmt_time, parse_span};
use super::store::{self, SessionRow};
use crate::names::Names;
use crate::validate::parse_date;
use crate::{rooms, validate, Actor, Desk, Result};
use branchdesk_api::commands::timetable::{
    ClassSession, ListMySessionsToday, RescheduleSession, SessionStatus, SetSessionCancelled, SetSubstitute,
};
use branchdesk_api::ids::SessionId;
use branchdesk_api::{ApiError, Permission};

pub(crate) fn view(s: &SessionRow, names: &Names) -> ClassSession {
    ClassSession {
        id: s.id,
        batch_id: s.batch_id,
        batch_name: names.batch(s.batch_id),
        date: s.date.to_string(),
        start: fmt_time(s.start_min),
        end: fmt_time(s.end_min),
        room_id: s.room_id,
        room_name: names.room(s.room_id),
        teacher_id: s.teacher_id,
        teacher_name: names.user(s.teacher_id),
        substitute_id: s.substitute_teacher_id,
        substitute_name: s.substitute_teacher_id.map(|u| names.user(u)),
        status: s.status,
        moved: s.moved,
        slot_date: s.slot_date.to_string(),
        note: s.note.clone(),
    }
}

const NOTE_MAX: usize = 200;

impl Desk {
    fn session_for_change(&self, actor: &Actor, id: SessionId) -> Result<SessionRow> {
        actor.require_somewhere(Permission::ManageBatch)?;
        let s = store::session_by_id(&self.db().conn, id)?
            .ok_or_else(|| ApiError::not_found("session").on("id"))?;
        actor.require(Permission::ManageBatch, Some(s.branch_id))?;
        Ok(s)
    }

    /// Writes one session's change after checking it double-books nobody.
    fn save_session(
        &self,
        actor: &Actor,
        old: &SessionRow,
        new: SessionRow,
        room_field: &str,
        teacher_field: &str,
    ) -> Result<ClassSession> {
        {
            let db = self.db();
            if new.scheduled() {
                let booked =
                    Booked::load(&db.conn, Some(new.room_id), Some(new.taught_by()), new.date, new.date)?;
                booked.refuse_clashes(
                    &db.conn,
                    &[Booking::of_session(&new)],
                    |_| false,
                    room_field,
                    teacher_field,
                )?;
            }
        }
        self.write(Some(actor.user_id), |w| w.update(old, &new).map(|_| ()))?;
        let db = self.db();
        Ok(view(&new, &Names::load(&db.conn, Some(new.branch_id))?))
    }

    pub fn reschedule_session(&self, actor: &Actor, input: RescheduleSession) -> Result<ClassSession> {
        let old = self.session_for_change(actor, input.id)?;
        let date = parse_date("date", &input.date)?;
        let (start, end) = parse_span("start", &input.start, "end", &input.end)?;
        let note = validate::optional("note", &input.note, NOTE_MAX)?;
        let room_id = match input.room_id {
            Some(r) => {
                rooms::by_id(&self.db().conn, r)?
                    .filter(|room| room.branch_id == old.branch_id && room.active)
                    .ok_or_else(|| {
                        ApiError::invalid("room_id", "Choose a room of this branch from the list.")
                    })?;
                r
            }
            None => old.room_id,
        };
        let new = SessionRow {
            date,
            start_min: start,
            end_min: end,
            room_id,
            moved: true,
            note,
            updated_at: self.clock().now(),
            ..old.clone()
        };
        self.save_session(actor, &old, new, "room_id", "date")
    }

    pub fn set_substitute(&self, actor: &Actor, input: SetSubstitute) -> Result<ClassSession> {
        let old = self.session_for_change(actor, input.id)?;
        let note = validate::optional("note", &input.note, NOTE_MAX)?;
        let substitute = match input.substitute_id {
            Some(u) if u == old.teacher_id => None,
            Some(u) => {
                let ok = super::batches::teachers(&self.db().conn, old.branch_id, self.today())?
                    .iter()
                    .any(|t| t.id == u);
                if !ok {
                    return Err(ApiError::invalid(
                        "substitute_id",
                        "Choose a teacher of this branch from the list.",
                    )
                    .into());
                }
                Some(u)
            }
            None => None,
        };
        let new = SessionRow {
            substitute_teacher_id: substitute,
            note,
            updated_at: self.clock().now(),
            ..old.clone()
        };
        self.save_session(actor, &old, new, "substitute_id", "substitute_id")
    }

    pub fn set_session_cancelled(&self, actor: &Actor, input: SetSessionCancelled) -> Result<ClassSession> {
        let old = self.session_for_change(actor, input.id)?;
        let note = validate::optional("note", &input.note, NOTE_MAX)?;
        if input.cancelled && note.is_empty() {
            return Err(ApiError::invalid(
                "note",
                "Say why the session is cancelled; students and pay reports show it.",
            )
            .into());
        }
        let new = SessionRow {
            status: if input.cancelled { SessionStatus::Cancelled } else { SessionStatus::Scheduled },
            cancelled_by_event_id: None,
            note,
            updated_at: self.clock().now(),
            ..old.clone()
        };
        self.save_session(actor, &old, new, "room_id", "id")
    }

    /// The teacher's start page: what they teach today, wherever.
    pub fn list_my_sessions_today(
        &self,
        actor: &Actor,
        _input: ListMySessionsToday,
    ) -> Result<Vec<ClassSession>> {
        actor.may_act()?;
        let db = self.db();
        let names = Names::load(&db.conn, None)?;
        let rows = store::sessions_taught_on(&db.conn, actor.user_id, self.today())?;
        Ok(rows
            .iter()
            .filter(|s| actor.can(Permission::ViewBatch, Some(s.branch_id)))
            .map(|s| view(s, &names))
            .collect())
    }
}
