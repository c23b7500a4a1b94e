//! Courses and roadmaps (ordered courses). Organisation-wide; archived,
//! never deleted.

use crate::write::org_record;
use crate::{error, validate, Actor, Desk, Result};
use branchdesk_api::commands::academics::{
    Course, ListCourses, ListRoadmaps, Roadmap, SaveCourse, SaveRoadmap,
};
use branchdesk_api::ids::{CourseId, RoadmapId};
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

pub const MAX_FEE_MINOR: i64 = branchdesk_api::amount::MAX_MINOR;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CourseRow {
    pub id: CourseId,
    pub code: String,
    pub name: String,
    pub description: String,
    pub duration_hours: u32,
    pub default_fee_minor: i64,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

org_record!(CourseRow, "courses");

impl CourseRow {
    fn view(&self) -> Course {
        Course {
            id: self.id,
            code: self.code.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            duration_hours: self.duration_hours,
            default_fee_minor: self.default_fee_minor,
            active: self.active,
        }
    }
}

const COURSE_COLUMNS: &str =
    "id, code, name, description, duration_hours, default_fee_minor, active, created_at, updated_at";

fn course_from_row(r: &Row<'_>) -> rusqlite::Result<CourseRow> {
    crate::db::read::row(r)
}

pub fn by_id(conn: &Connection, id: CourseId) -> Result<Option<CourseRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COURSE_COLUMNS} FROM courses WHERE id = ?1"))?
        .query_row([id.to_string()], course_from_row)
        .optional()?)
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct RoadmapRow {
    pub id: RoadmapId,
    pub name: String,
    pub description: String,
    /// JSON array of course ids, in order.
    pub course_ids: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

org_record!(RoadmapRow, "roadmaps");

impl RoadmapRow {
    fn view(&self) -> Roadmap {
        Roadmap {
            id: self.id,
            name: self.name.clone(),
            description: self.description.clone(),
            course_ids: serde_json::from_str(&self.course_ids).unwrap_or_default(),
        }
    }
}

fn roadmap_from_row(r: &Row<'_>) -> rusqlite::Result<RoadmapRow> {
    crate::db::read::row(r)
}

const ROADMAP_COLUMNS: &str = "id, name, description, course_ids, active, created_at, updated_at";

impl Desk {
    pub fn list_courses(&self, actor: &Actor, input: ListCourses) -> Result<Vec<Course>> {
        actor.require_somewhere(Permission::ViewBatch)?;
        let db = self.db();
        let mut stmt = db.conn.prepare_cached(&format!(
            "SELECT {COURSE_COLUMNS} FROM courses WHERE ?1 OR active ORDER BY name"
        ))?;
        let rows = stmt.query_map([input.include_inactive], course_from_row)?;
        Ok(rows.map(|r| r.map(|c| c.view())).collect::<rusqlite::Result<_>>()?)
    }

    pub fn save_course(&self, actor: &Actor, input: SaveCourse) -> Result<Course> {
        actor.require(Permission::ManageCourse, None)?;
        let code = validate::code("code", &input.code, 12)?;
        let name = validate::required("name", "course name", &input.name, 80)?;
        let description = validate::optional("description", &input.description, 2000)?;
        if input.duration_hours > 10_000 {
            return Err(ApiError::invalid(
                "duration_hours",
                "Enter the course length in hours, up to 10,000.",
            )
            .into());
        }
        if !(0..=MAX_FEE_MINOR).contains(&input.default_fee_minor) {
            return Err(
                ApiError::invalid("default_fee_minor", "Enter a fee from 0 up to 10,00,00,000.").into()
            );
        }
        let old = match input.id {
            Some(id) => {
                Some(by_id(&self.db().conn, id)?.ok_or_else(|| ApiError::not_found("course").on("id"))?)
            }
            None => None,
        };
        let result = self.write(Some(actor.user_id), |w| {
            let now = w.now();
            let row = CourseRow {
                id: old.as_ref().map(|o| o.id).unwrap_or_else(|| CourseId(Uuid::now_v7())),
                code,
                name,
                description,
                duration_hours: input.duration_hours,
                default_fee_minor: input.default_fee_minor,
                // A new course starts active whatever the form said.
                active: old.is_none() || input.active,
                created_at: old.as_ref().map(|o| o.created_at).unwrap_or(now),
                updated_at: now,
            };
            w.upsert(old.as_ref(), &row)?;
            Ok(row)
        });
        match result {
            Err(e) if error::is_unique_violation(&e) => {
                Err(ApiError::duplicate("code", "Another course already has this code.").into())
            }
            other => Ok(other?.view()),
        }
    }

    pub fn list_roadmaps(&self, actor: &Actor, _input: ListRoadmaps) -> Result<Vec<Roadmap>> {
        actor.require_somewhere(Permission::ViewBatch)?;
        let db = self.db();
        let mut stmt = db
            .conn
            .prepare_cached(&format!("SELECT {ROADMAP_COLUMNS} FROM roadmaps WHERE active ORDER BY name"))?;
        let rows = stmt.query_map([], roadmap_from_row)?;
        Ok(rows.map(|r| r.map(|m| m.view())).collect::<rusqlite::Result<_>>()?)
    }

    pub fn save_roadmap(&self, actor: &Actor, input: SaveRoadmap) -> Result<Roadmap> {
        actor.require(Permission::ManageCourse, None)?;
        let name = validate::required("name", "roadmap name", &input.name, 80)?;
        let description = validate::optional("description", &input.description, 2000)?;
        if input.course_ids.is_empty() {
            return Err(ApiError::invalid("course_ids", "Add at least one course to the roadmap.").into());
        }
        let old = {
            let db = self.db();
            for (i, c) in input.course_ids.iter().enumerate() {
                if input.course_ids[..i].contains(c) {
                    return Err(
                        ApiError::invalid("course_ids", "A course appears only once in a roadmap.").into()
                    );
                }
                by_id(&db.conn, *c)?
                    .ok_or_else(|| ApiError::invalid("course_ids", "Choose courses from the list."))?;
            }
            match input.id {
                Some(id) => Some(
                    db.conn
                        .prepare_cached(&format!("SELECT {ROADMAP_COLUMNS} FROM roadmaps WHERE id = ?1"))?
                        .query_row([id.to_string()], roadmap_from_row)
                        .optional()?
                        .ok_or_else(|| ApiError::not_found("roadmap").on("id"))?,
                ),
                None => None,
            }
        };
        let row = self.write(Some(actor.user_id), |w| {
            let now = w.now();
            let row = RoadmapRow {
                id: old.as_ref().map(|o| o.id).unwrap_or_else(|| RoadmapId(Uuid::now_v7())),
                name,
                description,
                course_ids: serde_json::to_string(&input.course_ids)?,
                active: true,
                created_at: old.as_ref().map(|o| o.created_at).unwrap_or(now),
                updated_at: now,
            };
            w.upsert(old.as_ref(), &row)?;
            Ok(row)
        })?;
        Ok(row.view())
    }
}
