//! Enquiries: take one, follow it up (calls, visits, messages, notes, the
//! next follow-up date), and admit it in one step.

use crate::enrolments::{check_discount, plan_enrolment, write_enrolment};
use crate::students::store::StudentRow;
use crate::students::{self, check_guardian, write_guardian};
use crate::validate::parse_date;
use crate::write::branch_record;
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::leads::*;
use branchdesk_api::commands::students::{GetStudent, GuardianInput, StudentDetail};
use branchdesk_api::ids::{BranchId, CourseId, LeadId, StudentId, UserId};
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct LeadRow {
    pub id: LeadId,
    pub branch_id: BranchId,
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub guardian_name: String,
    pub guardian_phone: Option<String>,
    pub source: String,
    pub course_id: Option<CourseId>,
    pub owner_id: Option<UserId>,
    pub status: LeadStatus,
    pub lost_reason: String,
    pub next_follow_up: Option<NaiveDate>,
    pub student_id: Option<StudentId>,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(LeadRow, "leads");

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ActivityRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub lead_id: LeadId,
    pub kind: ActivityKind,
    pub outcome: String,
    pub done_by: Option<UserId>,
    pub done_at: DateTime<Utc>,
}
branch_record!(ActivityRow, "lead_activities");

const COLUMNS: &str =
    "id, branch_id, full_name, phone, email, guardian_name, guardian_phone, source, course_id,
    owner_id, status, lost_reason, next_follow_up, student_id, notes, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<LeadRow> {
    crate::db::read::row(r)
}

pub fn by_id(conn: &Connection, id: LeadId) -> Result<Option<LeadRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM leads WHERE id = ?1"))?
        .query_row([id.to_string()], from_row)
        .optional()?)
}

/// Leads linked to a student (after a conversion or a merge).
pub fn of_student(conn: &Connection, student: StudentId) -> Result<Vec<LeadRow>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM leads WHERE student_id = ?1"))?;
    let rows = stmt.query_map([student.to_string()], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn list(conn: &Connection, branch: BranchId, view: LeadView, today: NaiveDate) -> Result<Vec<LeadRow>> {
    let open = "status NOT IN ('CONVERTED', 'LOST')";
    let (filter, dated) = match view {
        LeadView::Open => (open.to_owned(), false),
        LeadView::DueToday => (format!("{open} AND next_follow_up = ?2"), true),
        LeadView::Overdue => (format!("{open} AND next_follow_up < ?2"), true),
        LeadView::All => ("1".to_owned(), false),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM leads WHERE branch_id = ?1 AND {filter}
         ORDER BY next_follow_up IS NULL, next_follow_up, created_at DESC"
    ))?;
    let rows = if dated {
        stmt.query_map((branch.to_string(), today.to_string()), from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()
    } else {
        stmt.query_map([branch.to_string()], from_row)?.collect::<rusqlite::Result<Vec<_>>>()
    };
    Ok(rows?)
}

fn activities(conn: &Connection, lead: LeadId) -> Result<Vec<LeadActivity>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.kind, a.outcome, u.full_name AS done_by, a.done_at FROM lead_activities a
         LEFT JOIN users u ON u.id = a.done_by WHERE a.lead_id = ?1 ORDER BY a.done_at DESC, a.id DESC",
    )?;
    let rows = stmt.query_map([lead.to_string()], |r| {
        Ok(LeadActivity {
            kind: ActivityKind::parse(&r.get::<_, String>("kind")?).unwrap_or_default(),
            outcome: r.get("outcome")?,
            done_by: r.get("done_by")?,
            done_at: r.get("done_at")?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Students, and others among the branch's `open` leads, that look like
/// this enquiry. The caller reads the open leads once for a whole list.
fn duplicates_of(conn: &Connection, l: &LeadRow, open: &[LeadRow]) -> Result<Vec<String>> {
    let phones: Vec<String> = l.phone.iter().chain(l.guardian_phone.iter()).cloned().collect();
    let mut out: Vec<String> = students::possible_duplicates(conn, &l.full_name, &phones, l.student_id)?
        .into_iter()
        .map(|s| format!("Student {} {}", s.code, s.full_name))
        .collect();
    let key = |p: &Option<String>| p.as_deref().map(students::phone_key).filter(|k| k.len() >= 7);
    for other in open.iter().filter(|o| o.id != l.id) {
        let same_phone = key(&l.phone).is_some_and(|k| Some(&k) == key(&other.phone).as_ref());
        let same_family = other.full_name.eq_ignore_ascii_case(&l.full_name)
            && key(&l.guardian_phone).is_some_and(|k| Some(&k) == key(&other.guardian_phone).as_ref());
        if same_phone || same_family {
            out.push(format!("Lead {} ({})", other.full_name, other.status.label()));
        }
    }
    Ok(out)
}

/// One enquiry as shown, checked for duplicates against its branch's open ones.
fn view_one(conn: &Connection, l: &LeadRow, today: NaiveDate) -> Result<Lead> {
    let open = list(conn, l.branch_id, LeadView::Open, today)?;
    view(conn, l, &open)
}

fn view(conn: &Connection, l: &LeadRow, open: &[LeadRow]) -> Result<Lead> {
    Ok(Lead {
        id: l.id,
        branch_id: l.branch_id,
        full_name: l.full_name.clone(),
        phone: l.phone.clone(),
        email: l.email.clone(),
        guardian_name: l.guardian_name.clone(),
        guardian_phone: l.guardian_phone.clone(),
        source: l.source.clone(),
        course_id: l.course_id,
        course_name: match l.course_id {
            Some(c) => crate::academics::courses::by_id(conn, c)?.map(|c| c.name),
            None => None,
        },
        owner_id: l.owner_id,
        owner_name: match l.owner_id {
            Some(u) => crate::users::store::by_id(conn, u)?.map(|u| u.full_name),
            None => None,
        },
        status: l.status,
        lost_reason: l.lost_reason.clone(),
        next_follow_up: l.next_follow_up.map(|d| d.to_string()),
        student_id: l.student_id,
        notes: l.notes.clone(),
        activities: activities(conn, l.id)?,
        possible_duplicates: duplicates_of(conn, l, open)?,
    })
}

fn follow_up(field: &str, value: &str, today: NaiveDate) -> Result<Option<NaiveDate>, ApiError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    let d = parse_date(field, value)?;
    if d < today {
        return Err(ApiError::invalid(field, "Choose today or a later day for the next follow-up."));
    }
    Ok(Some(d))
}

/// A save, checked: the new row, and the stored one it replaces (if any).
pub(crate) fn check_lead(
    conn: &Connection,
    input: &SaveLead,
    author: UserId,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(LeadRow, Option<LeadRow>)> {
    let full_name = validate::required("full_name", "name", &input.full_name, students::NAME_MAX)?;
    let phone = validate::phone("phone", &input.phone)?;
    let email =
        if input.email.trim().is_empty() { None } else { Some(validate::email("email", &input.email)?) };
    let guardian_name = validate::optional("guardian_name", &input.guardian_name, students::NAME_MAX)?;
    let guardian_phone = validate::phone("guardian_phone", &input.guardian_phone)?;
    if phone.is_none() && guardian_phone.is_none() && email.is_none() {
        return Err(ApiError::invalid(
            "phone",
            "Enter a phone number (or the parent's, or an email) to follow up.",
        )
        .into());
    }
    let source = validate::optional("source", &input.source, 60)?;
    let notes = validate::optional("notes", &input.notes, 2000)?;
    let next = follow_up("next_follow_up", &input.next_follow_up, today)?;
    crate::org::store::chosen_branch(conn, input.branch_id)?;
    if let Some(c) = input.course_id {
        crate::academics::courses::by_id(conn, c)?
            .ok_or_else(|| ApiError::invalid("course_id", "Choose a course from the list."))?;
    }
    if let Some(o) = input.owner_id {
        crate::users::store::by_id(conn, o)?
            .filter(|u| u.active)
            .ok_or_else(|| ApiError::invalid("owner_id", "Choose a person from the list."))?;
    }
    let old = match input.id {
        Some(id) => {
            let old = by_id(conn, id)?.ok_or_else(|| ApiError::not_found("enquiry").on("id"))?;
            if old.branch_id != input.branch_id {
                return Err(ApiError::invalid("branch_id", "An enquiry stays in its branch.").into());
            }
            Some(old)
        }
        None => None,
    };
    let row = LeadRow {
        id: old.as_ref().map_or_else(|| LeadId(Uuid::now_v7()), |o| o.id),
        branch_id: input.branch_id,
        full_name,
        phone,
        email,
        guardian_name,
        guardian_phone,
        source,
        course_id: input.course_id,
        owner_id: input.owner_id.or(Some(author)),
        status: old.as_ref().map_or(LeadStatus::New, |o| o.status),
        lost_reason: old.as_ref().map(|o| o.lost_reason.clone()).unwrap_or_default(),
        next_follow_up: next,
        student_id: old.as_ref().and_then(|o| o.student_id),
        notes,
        created_at: old.as_ref().map(|o| o.created_at).unwrap_or(now),
        updated_at: now,
    };
    Ok((row, old))
}

impl Desk {
    fn lead_for(&self, actor: &Actor, id: LeadId) -> Result<LeadRow> {
        actor.require_somewhere(Permission::ManageLead)?;
        let row = by_id(&self.db().conn, id)?.ok_or_else(|| ApiError::not_found("enquiry").on("id"))?;
        actor.require(Permission::ManageLead, Some(row.branch_id))?;
        Ok(row)
    }

    pub fn save_lead(&self, actor: &Actor, input: SaveLead) -> Result<Lead> {
        actor.require(Permission::ManageLead, Some(input.branch_id))?;
        let now = self.clock().now();
        let row = {
            let db = self.db();
            check_lead(&db.conn, &input, actor.user_id, self.today(), now)?
        };
        self.write(Some(actor.user_id), |w| w.upsert(row.1.as_ref(), &row.0))?;
        view_one(&self.db().conn, &row.0, self.today())
    }

    pub fn list_leads(&self, actor: &Actor, input: ListLeads) -> Result<Vec<Lead>> {
        actor.require(Permission::ManageLead, Some(input.branch_id))?;
        let db = self.db();
        let today = self.today();
        let open = list(&db.conn, input.branch_id, LeadView::Open, today)?;
        list(&db.conn, input.branch_id, input.view, today)?.iter().map(|l| view(&db.conn, l, &open)).collect()
    }

    pub fn get_lead(&self, actor: &Actor, input: GetLead) -> Result<Lead> {
        let row = self.lead_for(actor, input.id)?;
        view_one(&self.db().conn, &row, self.today())
    }

    pub fn log_lead_activity(&self, actor: &Actor, input: LogLeadActivity) -> Result<Lead> {
        let old = self.lead_for(actor, input.lead_id)?;
        let outcome = validate::required("outcome", "what happened", &input.outcome, 1000)?;
        let current = old.status;
        if !current.open() {
            return Err(ApiError::conflict(format!(
                "This enquiry is {}; it takes no more follow-ups.",
                current.label().to_lowercase()
            ))
            .on("lead_id")
            .into());
        }
        let status = input.status.unwrap_or(current);
        if status == LeadStatus::Converted {
            return Err(ApiError::invalid("status", "Admit the student to convert an enquiry.").into());
        }
        let lost_reason = validate::optional("lost_reason", &input.lost_reason, 300)?;
        if status == LeadStatus::Lost && lost_reason.is_empty() {
            return Err(ApiError::invalid(
                "lost_reason",
                "Say why the enquiry was lost (fees, timing, chose elsewhere…).",
            )
            .into());
        }
        let next = match input.next_follow_up.trim() {
            "" => old.next_follow_up,
            "none" => None,
            v => follow_up("next_follow_up", v, self.today())?,
        };
        let now = self.clock().now();
        let new = LeadRow { status, lost_reason, next_follow_up: next, updated_at: now, ..old.clone() };
        self.write(Some(actor.user_id), |w| {
            w.insert(&ActivityRow {
                id: Uuid::now_v7(),
                branch_id: old.branch_id,
                lead_id: old.id,
                kind: input.kind,
                outcome: outcome.clone(),
                done_by: Some(actor.user_id),
                done_at: now,
            })?;
            w.update(&old, &new).map(|_| ())
        })?;
        view_one(&self.db().conn, &new, self.today())
    }

    /// One action: student (and guardian) from the lead, enrolled, lead converted.
    pub fn convert_lead(&self, actor: &Actor, input: ConvertLead) -> Result<StudentDetail> {
        let lead = self.lead_for(actor, input.lead_id)?;
        let branch = Some(lead.branch_id);
        actor.require(Permission::ManageStudent, branch)?;
        actor.require(Permission::ManageEnrolment, branch)?;
        if !lead.status.open() {
            return Err(ApiError::conflict("This enquiry is already closed.").on("lead_id").into());
        }
        let today = self.today();
        let now = self.clock().now();
        let input_student = branchdesk_api::commands::students::SaveStudent {
            branch_id: lead.branch_id,
            full_name: lead.full_name.clone(),
            date_of_birth: input.date_of_birth.clone(),
            phone: lead.phone.clone().unwrap_or_default(),
            email: lead.email.clone().unwrap_or_default(),
            notes: lead.notes.clone(),
            ..Default::default()
        };
        let profile = students::check_profile(&input_student, today)?;
        let (student, guardian, enrolment) = {
            let db = self.db();
            let conn = &db.conn;
            let guardian = if let Some(id) = input.guardian_id {
                let relation = match input.guardian_relation.trim() {
                    "" => "Parent".to_owned(),
                    r => validate::required("guardian_relation", "relation (e.g. Mother)", r, 30)?,
                };
                let row = students::guardians::existing(conn, "guardian_id", id, lead.branch_id)?;
                Some(students::GuardianPlan::Existing(row, relation, true))
            } else if lead.guardian_phone.is_some() || !lead.guardian_name.is_empty() {
                let g = GuardianInput {
                    full_name: if lead.guardian_name.is_empty() {
                        "Parent".into()
                    } else {
                        lead.guardian_name.clone()
                    },
                    phone: lead.guardian_phone.clone().unwrap_or_default(),
                    relation: if input.guardian_relation.trim().is_empty() {
                        "Parent".into()
                    } else {
                        input.guardian_relation.clone()
                    },
                    is_primary: true,
                    ..Default::default()
                };
                let plan = check_guardian(conn, "guardian", &g, lead.branch_id, now)?;
                Some(students::guardians::reuse_same(conn, plan)?)
            } else {
                None
            };
            let under = crate::settings::effective_int(
                conn,
                branchdesk_api::settings::GUARDIAN_REQUIRED_UNDER,
                branch,
            )?;
            if let Some(born) = profile.date_of_birth {
                if guardian.is_none() && i64::from(students::age(born, today)) < under {
                    return Err(ApiError::invalid("guardian_relation", format!("A student under {under} needs a guardian; add the parent's phone to the enquiry first.")).into());
                }
            }
            let code = crate::org::store::branch_by_id(conn, lead.branch_id)?
                .map(|b| b.code)
                .unwrap_or_else(|| "S".into());
            let prefix = format!("{code}-{}-", students::desk_tag(self.device_id()));
            let student = StudentRow {
                id: StudentId(Uuid::now_v7()),
                branch_id: lead.branch_id,
                code: format!("{prefix}{:04}", crate::students::store::last_in_series(conn, &prefix)? + 1),
                full_name: profile.full_name,
                date_of_birth: profile.date_of_birth,
                phone: profile.phone,
                email: profile.email,
                address: profile.address,
                school: profile.school,
                grade: profile.grade,
                notes: profile.notes,
                user_id: None,
                photo_b64: None,
                lead_id: Some(lead.id),
                archived_at: None,
                created_at: now,
                updated_at: now,
            };
            let batch = crate::timetable::store::batch_by_id(conn, input.batch_id)?
                .ok_or_else(|| ApiError::invalid("batch_id", "Choose a batch to enrol into."))?;
            let start = if input.start_date.trim().is_empty() {
                today
            } else {
                parse_date("start_date", &input.start_date)?
            };
            let discount = check_discount(
                input.discount_kind,
                input.discount_value,
                &input.discount_reason,
                input.discount_category,
                &batch,
            )?;
            let enrolment = plan_enrolment(conn, &student, &batch, start, discount, now)?;
            (student, guardian, enrolment)
        };
        let converted = LeadRow {
            status: LeadStatus::Converted,
            student_id: Some(student.id),
            next_follow_up: None,
            updated_at: now,
            ..lead.clone()
        };
        self.write(Some(actor.user_id), |w| {
            w.insert(&student)?;
            if let Some(g) = &guardian {
                write_guardian(w, &student, g)?;
            }
            write_enrolment(w, &enrolment, "Admitted from an enquiry")?;
            w.update(&lead, &converted)?;
            w.insert(&ActivityRow {
                id: Uuid::now_v7(),
                branch_id: lead.branch_id,
                lead_id: lead.id,
                kind: ActivityKind::Note,
                outcome: format!("Admitted as {} and enrolled.", student.code),
                done_by: Some(actor.user_id),
                done_at: now,
            })
        })?;
        self.get_student(actor, GetStudent { id: student.id })
    }
}
