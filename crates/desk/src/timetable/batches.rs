//! Batches and the sessions generated from their weekly schedule.

use super::clash::{Booked, Booking};
use super::slots::{expand, parse_slots, WeeklySlot, MAX_BATCH_DAYS};
use super::store::{self, BatchRow, SessionRow, BATCH_CLOSED, DROPPED_FROM_SCHEDULE};
use crate::academics::{courses, curricula};
use crate::names::Names;
use crate::validate::parse_date;
use crate::write::Write;
use crate::{error, rooms, validate, Actor, Desk, Result};
use branchdesk_api::commands::academics::CurriculumStatus;
use branchdesk_api::commands::timetable::{
    Batch, BatchDetail, FeeFrequency, GetBatch, ListBatches, ListTeachers, SaveBatch, SessionStatus,
    SetBatchActive, Teacher,
};
use branchdesk_api::ids::{BatchId, BranchId, SessionId, UserId};
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use std::collections::HashMap;
use uuid::Uuid;

/// The largest amount a batch field takes (ten crore rupees in paise).
pub const MAX_AMOUNT_MINOR: i64 = branchdesk_api::amount::MAX_MINOR;

pub(crate) fn view(conn: &Connection, b: &BatchRow, names: &Names) -> Result<Batch> {
    let course = courses::by_id(conn, b.course_id)?;
    let rate = match b.commission_rate_id {
        Some(id) => super::rates::by_id(conn, id)?,
        None => None,
    };
    let curriculum_label = match b.curriculum_id {
        Some(id) => curricula::by_id(conn, id)?.map(|c| c.short_label(names)),
        None => None,
    };
    Ok(Batch {
        id: b.id,
        branch_id: b.branch_id,
        course_id: b.course_id,
        course_name: course.map(|c| c.name).unwrap_or_default(),
        curriculum_id: b.curriculum_id,
        curriculum_label,
        name: b.name.clone(),
        teacher_id: b.teacher_id,
        teacher_name: names.user(b.teacher_id),
        assistant_id: b.assistant_id,
        room_id: b.room_id,
        room_name: names.room(b.room_id),
        capacity: b.capacity,
        start_date: b.start_date.to_string(),
        end_date: b.end_date.to_string(),
        slots: b.slots().iter().map(WeeklySlot::view).collect(),
        fee_minor: b.fee_minor,
        fee_frequency: if b.instalments().is_empty() { b.fee_frequency } else { FeeFrequency::Instalments },
        instalments: b.instalments().iter().map(|i| i.view()).collect(),
        comp_model: rate.as_ref().map_or(b.comp_model, |r| r.model),
        comp_amount_minor: rate.as_ref().map_or(b.comp_amount_minor, |r| r.amount_minor),
        commission_rate_id: b.commission_rate_id,
        overheads_minor: b.overheads_minor,
        active: b.active,
    })
}

/// The rate a saved batch is on now.
fn old_rate(
    conn: &Connection,
    batch: Option<BatchId>,
) -> Result<Option<branchdesk_api::ids::CommissionRateId>> {
    Ok(match batch {
        Some(id) => super::store::batch_by_id(conn, id)?.and_then(|b| b.commission_rate_id),
        None => None,
    })
}

fn amount(field: &str, value: i64) -> Result<i64, ApiError> {
    if !(0..=MAX_AMOUNT_MINOR).contains(&value) {
        return Err(ApiError::invalid(field, "Enter an amount from 0 up to 10,00,00,000."));
    }
    Ok(value)
}

/// People who may teach in `branch`: active users holding "mark attendance" there.
pub(crate) fn teachers(conn: &Connection, branch: BranchId, today: NaiveDate) -> Result<Vec<Teacher>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT u.id, u.full_name FROM users u
         JOIN role_grants g ON g.user_id = u.id AND g.revoked_at IS NULL
              AND (g.expires_on IS NULL OR g.expires_on >= ?2)
              AND (g.branch_id IS NULL OR g.branch_id = ?1)
         JOIN roles r ON r.id = g.role_id AND r.deleted_at IS NULL
         WHERE u.active AND EXISTS (SELECT 1 FROM json_each(r.permissions) p WHERE p.value = 'mark:attendance')
         ORDER BY u.full_name",
    )?;
    Ok(crate::db::read::all(&mut stmt, (branch.to_string(), today.to_string()))?)
}

fn require_teacher(
    conn: &Connection,
    field: &str,
    user: UserId,
    branch: BranchId,
    today: NaiveDate,
) -> Result<()> {
    if teachers(conn, branch, today)?.iter().any(|t| t.id == user) {
        return Ok(());
    }
    Err(ApiError::invalid(field, "Choose a teacher of this branch from the list.").into())
}

/// What saving a batch does to its sessions.
#[derive(Default)]
pub(crate) struct SessionPlan {
    pub inserts: Vec<SessionRow>,
    pub updates: Vec<(SessionRow, SessionRow)>,
}

impl SessionPlan {
    /// The bookings the batch will hold from `from` on, for the clash check.
    fn bookings(&self, kept: &[SessionRow]) -> Vec<Booking> {
        self.inserts
            .iter()
            .chain(self.updates.iter().map(|(_, new)| new))
            .chain(kept)
            .filter(|s| s.scheduled())
            .map(Booking::of_session)
            .collect()
    }

    pub(crate) fn apply(&self, w: &mut Write<'_>) -> Result<()> {
        for s in &self.inserts {
            w.insert(s)?;
        }
        for (old, new) in &self.updates {
            w.update(old, new)?;
        }
        Ok(())
    }
}

/// Brings the batch's sessions from `from` on in line with its schedule,
/// dates, room, teacher and the branch's cancelling events. Sessions moved
/// by hand, and ones cancelled by hand, are left as they are.
pub(crate) fn plan_sessions(
    conn: &Connection,
    b: &BatchRow,
    from: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(SessionPlan, Vec<SessionRow>)> {
    let mut existing: HashMap<SessionId, SessionRow> = store::sessions_of_batch(conn, b.id)?
        .into_iter()
        .filter(|s| s.slot_date >= from)
        .map(|s| (s.id, s))
        .collect();
    let events: Vec<_> = store::events_of_branch(conn, b.branch_id, from, b.end_date)?
        .into_iter()
        .filter(|e| e.cancels)
        .collect();
    let mut plan = SessionPlan::default();
    let mut kept = Vec::new();
    let slots = if b.active { b.slots() } else { Vec::new() };
    for (date, slot) in expand(&slots, from, b.end_date) {
        let id = store::session_id(b.id, date, slot.start);
        let cancelling = events.iter().find(|e| e.covers(b.id, date, slot.start, slot.end)).map(|e| e.id);
        let (status, by_event) = match cancelling {
            Some(e) => (SessionStatus::Cancelled, Some(e)),
            None => (SessionStatus::Scheduled, None),
        };
        match existing.remove(&id) {
            // A moved class keeps its day and time; closing the batch took
            // it off, reopening brings it back there.
            Some(old) if old.moved && old.note == BATCH_CLOSED && !old.scheduled() => {
                let new = SessionRow {
                    status: SessionStatus::Scheduled,
                    note: String::new(),
                    updated_at: now,
                    ..old.clone()
                };
                plan.updates.push((old, new));
            }
            Some(old) if old.moved => kept.push(old),
            Some(old) => {
                let automatic = old.scheduled()
                    || old.cancelled_by_event_id.is_some()
                    || old.note == DROPPED_FROM_SCHEDULE
                    || old.note == BATCH_CLOSED;
                let mut new = SessionRow {
                    date,
                    start_min: slot.start,
                    end_min: slot.end,
                    room_id: b.room_id,
                    teacher_id: b.teacher_id,
                    updated_at: now,
                    ..old.clone()
                };
                if automatic {
                    new.status = status;
                    new.cancelled_by_event_id = by_event;
                    if old.note == DROPPED_FROM_SCHEDULE || old.note == BATCH_CLOSED {
                        new.note = String::new();
                    }
                }
                plan.updates.push((old, new));
            }
            None => plan.inserts.push(SessionRow {
                id,
                branch_id: b.branch_id,
                batch_id: b.id,
                slot_date: date,
                slot_start: slot.start,
                date,
                start_min: slot.start,
                end_min: slot.end,
                room_id: b.room_id,
                teacher_id: b.teacher_id,
                substitute_teacher_id: None,
                status,
                moved: false,
                cancelled_by_event_id: by_event,
                note: String::new(),
                created_at: now,
                updated_at: now,
            }),
        }
    }
    // Slots the schedule no longer has, or every class of a closed batch.
    for (_, old) in existing {
        let closing = !b.active && old.scheduled();
        if !closing && (old.moved || !old.scheduled()) {
            kept.push(old);
            continue;
        }
        let new = SessionRow {
            status: SessionStatus::Cancelled,
            note: if closing { BATCH_CLOSED } else { DROPPED_FROM_SCHEDULE }.into(),
            updated_at: now,
            ..old.clone()
        };
        plan.updates.push((old, new));
    }
    Ok((plan, kept))
}

/// Refuses the plan when one of its sessions would double-book the
/// batch's room or teacher (the batch's own current sessions aside).
pub(crate) fn check_clashes(
    conn: &Connection,
    b: &BatchRow,
    plan: &SessionPlan,
    kept: &[SessionRow],
    from: NaiveDate,
) -> Result<()> {
    let candidates = plan.bookings(kept);
    if candidates.is_empty() {
        return Ok(());
    }
    let booked = Booked::load(conn, Some(b.room_id), Some(b.teacher_id), from, b.end_date)?;
    booked.refuse_clashes(conn, &candidates, |other| other.batch_id == Some(b.id), "room_id", "teacher_id")
}

impl Desk {
    pub fn list_batches(&self, actor: &Actor, input: ListBatches) -> Result<Vec<Batch>> {
        actor.require(Permission::ViewBatch, Some(input.branch_id))?;
        let db = self.db();
        let names = Names::load(&db.conn, Some(input.branch_id))?;
        store::batches_of_branch(&db.conn, input.branch_id, input.include_inactive)?
            .iter()
            .map(|b| view(&db.conn, b, &names))
            .collect()
    }

    pub fn get_batch(&self, actor: &Actor, input: GetBatch) -> Result<BatchDetail> {
        actor.require_somewhere(Permission::ViewBatch)?;
        let db = self.db();
        let b =
            store::batch_by_id(&db.conn, input.id)?.ok_or_else(|| ApiError::not_found("batch").on("id"))?;
        actor.require(Permission::ViewBatch, Some(b.branch_id))?;
        let names = Names::load(&db.conn, Some(b.branch_id))?;
        let sessions: Vec<_> = store::sessions_of_batch(&db.conn, b.id)?
            .iter()
            .map(|s| super::sessions::view(s, &names))
            .collect();
        let scheduled = sessions.iter().filter(|s| s.status == SessionStatus::Scheduled).count() as u32;
        Ok(BatchDetail {
            batch: view(&db.conn, &b, &names)?,
            sessions_cancelled: sessions.len() as u32 - scheduled,
            sessions_scheduled: scheduled,
            sessions,
        })
    }

    pub fn list_teachers(&self, actor: &Actor, input: ListTeachers) -> Result<Vec<Teacher>> {
        actor.require(Permission::ViewBatch, Some(input.branch_id))?;
        teachers(&self.db().conn, input.branch_id, self.today())
    }

    pub fn save_batch(&self, actor: &Actor, input: SaveBatch) -> Result<Batch> {
        actor.require(Permission::ManageBatch, Some(input.branch_id))?;
        let today = self.today();
        let name = validate::required("name", "batch name", &input.name, 60)?;
        let start_date = parse_date("start_date", &input.start_date)?;
        let end_date = parse_date("end_date", &input.end_date)?;
        if end_date < start_date {
            return Err(
                ApiError::invalid("end_date", "The end date must be on or after the start date.").into()
            );
        }
        if (end_date - start_date).num_days() > MAX_BATCH_DAYS {
            return Err(ApiError::invalid(
                "end_date",
                "A batch runs at most two years; start a new batch after that.",
            )
            .into());
        }
        let slots = parse_slots(&input.slots)?;
        let (fee_minor, fee_frequency, fee_instalments) = if input.fee_frequency == FeeFrequency::Instalments
        {
            let plan = super::plan::parse_plan(&input.instalments, start_date, end_date)?;
            let total = plan.iter().map(|i| i.amount_minor).sum();
            (total, FeeFrequency::OneTime, serde_json::to_string(&plan)?)
        } else {
            (amount("fee_minor", input.fee_minor)?, input.fee_frequency, "[]".to_owned())
        };
        let comp_amount_minor = amount("comp_amount_minor", input.comp_amount_minor)?;
        let overheads_minor = amount("overheads_minor", input.overheads_minor)?;
        let db = self.db();
        let conn = &db.conn;
        let branch = input.branch_id;
        crate::org::store::chosen_branch(conn, input.branch_id)?;
        if let Some(rate) = input.commission_rate_id {
            // A rate already on the batch may stay after it is retired.
            let kept = old_rate(conn, input.id)? == Some(rate);
            match super::rates::by_id(conn, rate)? {
                Some(r) if r.active || kept => {}
                _ => {
                    return Err(ApiError::invalid("commission_rate_id", "Choose a rate from the list.").into())
                }
            }
        }
        let course = courses::by_id(conn, input.course_id)?
            .ok_or_else(|| ApiError::invalid("course_id", "Choose a course from the list."))?;
        let old = match input.id {
            Some(id) => {
                let old =
                    store::batch_by_id(conn, id)?.ok_or_else(|| ApiError::not_found("batch").on("id"))?;
                if old.branch_id != branch {
                    return Err(ApiError::invalid("branch_id", "A batch stays in its branch.").into());
                }
                Some(old)
            }
            None => None,
        };
        if !course.active && old.as_ref().is_none_or(|o| o.course_id != course.id) {
            return Err(
                ApiError::invalid("course_id", "That course is archived; choose an active one.").into()
            );
        }
        require_teacher(conn, "teacher_id", input.teacher_id, branch, today)?;
        if let Some(a) = input.assistant_id {
            if a == input.teacher_id {
                return Err(ApiError::invalid(
                    "assistant_id",
                    "The assistant must be someone other than the teacher.",
                )
                .into());
            }
            require_teacher(conn, "assistant_id", a, branch, today)?;
        }
        let room = rooms::by_id(conn, input.room_id)?
            .filter(|r| r.branch_id == branch && r.active)
            .ok_or_else(|| ApiError::invalid("room_id", "Choose a room of this branch from the list."))?;
        if input.capacity == 0 {
            return Err(
                ApiError::invalid("capacity", "Enter how many students the batch takes, e.g. 30.").into()
            );
        }
        if input.capacity > room.capacity {
            return Err(ApiError::invalid(
                "capacity",
                format!("{} seats {}; choose a bigger room or a smaller batch.", room.name, room.capacity),
            )
            .into());
        }
        if let Some(o) = &old {
            let taken = store::seats_taken(conn, o.id)?;
            if input.capacity < taken {
                return Err(ApiError::invalid(
                    "capacity",
                    format!("{taken} students are enrolled; the batch needs at least {taken} seats."),
                )
                .into());
            }
        }
        let curriculum_id = match input.curriculum_id {
            Some(id) => {
                let c =
                    curricula::by_id(conn, id)?.filter(|c| c.course_id == course.id).ok_or_else(|| {
                        ApiError::invalid("curriculum_id", "Choose a curriculum version of this course.")
                    })?;
                if c.status != CurriculumStatus::Approved
                    && old.as_ref().and_then(|o| o.curriculum_id) != Some(c.id)
                {
                    return Err(ApiError::invalid(
                        "curriculum_id",
                        "A batch follows an approved curriculum version only.",
                    )
                    .into());
                }
                Some(c.id)
            }
            None => curricula::default_for(conn, course.id, input.teacher_id)?.map(|c| c.id),
        };
        let now = self.clock().now();
        let row = BatchRow {
            id: old.as_ref().map(|o| o.id).unwrap_or_else(|| BatchId(Uuid::now_v7())),
            branch_id: branch,
            course_id: course.id,
            curriculum_id,
            name,
            teacher_id: input.teacher_id,
            assistant_id: input.assistant_id,
            room_id: room.id,
            capacity: input.capacity,
            start_date,
            end_date,
            schedule: serde_json::to_string(&slots)?,
            fee_minor,
            fee_frequency,
            fee_instalments,
            comp_model: input.comp_model,
            comp_amount_minor,
            commission_rate_id: input.commission_rate_id,
            overheads_minor,
            active: old.as_ref().is_none_or(|o| o.active),
            created_at: old.as_ref().map(|o| o.created_at).unwrap_or(now),
            updated_at: now,
        };
        // A new batch gets all its sessions; a changed one keeps its past.
        let from = if old.is_some() { start_date.max(today) } else { start_date };
        let (plan, kept) = plan_sessions(conn, &row, from, now)?;
        check_clashes(conn, &row, &plan, &kept, from)?;
        drop(db);
        let result = self.write(Some(actor.user_id), |w| {
            w.upsert(old.as_ref(), &row)?;
            plan.apply(w)
        });
        match result {
            Err(e) if error::is_unique_violation(&e) => {
                Err(ApiError::duplicate("name", "This branch already has a batch with that name.").into())
            }
            other => {
                other?;
                let db = self.db();
                view(&db.conn, &row, &Names::load(&db.conn, Some(branch))?)
            }
        }
    }

    /// Archiving cancels the batch's sessions from today on; restoring
    /// brings them back (clash-checked).
    pub fn set_batch_active(&self, actor: &Actor, input: SetBatchActive) -> Result<Batch> {
        actor.require_somewhere(Permission::ManageBatch)?;
        let db = self.db();
        let old =
            store::batch_by_id(&db.conn, input.id)?.ok_or_else(|| ApiError::not_found("batch").on("id"))?;
        actor.require(Permission::ManageBatch, Some(old.branch_id))?;
        let now = self.clock().now();
        let row = BatchRow { active: input.active, updated_at: now, ..old.clone() };
        let from = old.start_date.max(self.today());
        let (plan, kept) = plan_sessions(&db.conn, &row, from, now)?;
        check_clashes(&db.conn, &row, &plan, &kept, from)?;
        drop(db);
        self.write(Some(actor.user_id), |w| {
            w.update(&old, &row)?;
            plan.apply(w)
        })?;
        let db = self.db();
        view(&db.conn, &row, &Names::load(&db.conn, Some(row.branch_id))?)
    }

    /// For the clash benchmark: the check `save_batch` runs, without writing.
    #[doc(hidden)]
    pub fn bench_check_batch(&self, batch: BatchId) -> Result<()> {
        let db = self.db();
        let b = store::batch_by_id(&db.conn, batch)?.ok_or_else(|| ApiError::not_found("batch"))?;
        let from = b.start_date;
        let (plan, kept) = plan_sessions(&db.conn, &b, from, self.clock().now())?;
        check_clashes(&db.conn, &b, &plan, &kept, from)
    }
}
