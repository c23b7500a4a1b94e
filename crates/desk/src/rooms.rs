//! Rooms of a branch, where batches meet. Archived, never deleted.

use crate::write::{Record, Scope};
use crate::{error, org, validate, Actor, Desk, Result};
use branchdesk_api::commands::org::{ListRooms, Room, SaveRoom, SetRoomActive};
use branchdesk_api::ids::{BranchId, RoomId};
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

pub const MAX_CAPACITY: u32 = 1_000;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct RoomRow {
    pub id: RoomId,
    pub branch_id: BranchId,
    pub name: String,
    pub capacity: u32,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Record for RoomRow {
    const TABLE: &'static str = "rooms";
    fn id(&self) -> Uuid {
        self.id.into()
    }
    fn scope(&self) -> Scope {
        Scope::Branch(self.branch_id)
    }
}

impl RoomRow {
    fn view(&self) -> Room {
        Room {
            id: self.id,
            branch_id: self.branch_id,
            name: self.name.clone(),
            capacity: self.capacity,
            active: self.active,
        }
    }
}

const COLUMNS: &str = "id, branch_id, name, capacity, active, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<RoomRow> {
    crate::db::read::row(r)
}

pub(crate) fn by_id(conn: &Connection, id: RoomId) -> Result<Option<RoomRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM rooms WHERE id = ?1"))?
        .query_row([id.to_string()], from_row)
        .optional()?)
}

fn for_branch(conn: &Connection, branch: BranchId, include_inactive: bool) -> Result<Vec<RoomRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM rooms WHERE branch_id = ?1 AND (?2 OR active) ORDER BY name"
    ))?;
    let rows = stmt.query_map(rusqlite::params![branch.to_string(), include_inactive], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A new room row with the given fields, for services and benchmarks.
pub fn new_row(branch: BranchId, name: String, capacity: u32, now: DateTime<Utc>) -> RoomRow {
    RoomRow {
        id: RoomId(Uuid::now_v7()),
        branch_id: branch,
        name,
        capacity,
        active: true,
        created_at: now,
        updated_at: now,
    }
}

impl Desk {
    pub fn list_rooms(&self, actor: &Actor, input: ListRooms) -> Result<Vec<Room>> {
        actor.require(Permission::ViewRoom, Some(input.branch_id))?;
        let db = self.db();
        Ok(for_branch(&db.conn, input.branch_id, input.include_inactive)?.iter().map(RoomRow::view).collect())
    }

    pub fn save_room(&self, actor: &Actor, input: SaveRoom) -> Result<Room> {
        actor.require(Permission::ManageRoom, Some(input.branch_id))?;
        let name = validate::required("name", "room name", &input.name, 60)?;
        if input.capacity == 0 || input.capacity > MAX_CAPACITY {
            return Err(
                ApiError::invalid("capacity", format!("Enter a capacity from 1 to {MAX_CAPACITY}.")).into()
            );
        }
        let existing = {
            let db = self.db();
            org::store::branch_by_id(&db.conn, input.branch_id)?
                .ok_or_else(|| ApiError::invalid("branch_id", "Choose a branch from the list."))?;
            match input.id {
                Some(id) => {
                    let old = by_id(&db.conn, id)?.ok_or_else(|| ApiError::not_found("room").on("id"))?;
                    // Moving a room between branches would need rights in both; not offered.
                    if old.branch_id != input.branch_id {
                        return Err(ApiError::invalid("branch_id", "A room stays in its branch.").into());
                    }
                    Some(old)
                }
                None => None,
            }
        };
        let result = self.write(Some(actor.user_id), |w| match existing {
            Some(old) => {
                let new = RoomRow { name, capacity: input.capacity, updated_at: w.now(), ..old.clone() };
                w.update(&old, &new)?;
                Ok(new)
            }
            None => {
                let row = new_row(input.branch_id, name, input.capacity, w.now());
                w.insert(&row)?;
                Ok(row)
            }
        });
        match result {
            Err(e) if error::is_unique_violation(&e) => {
                Err(ApiError::duplicate("name", "This branch already has a room with that name.").into())
            }
            other => Ok(other?.view()),
        }
    }

    pub fn set_room_active(&self, actor: &Actor, input: SetRoomActive) -> Result<Room> {
        actor.require_somewhere(Permission::ManageRoom)?;
        let old = by_id(&self.db().conn, input.id)?.ok_or_else(|| ApiError::not_found("room").on("id"))?;
        actor.require(Permission::ManageRoom, Some(old.branch_id))?;
        let new = self.write(Some(actor.user_id), |w| {
            let new = RoomRow { active: input.active, updated_at: w.now(), ..old.clone() };
            w.update(&old, &new)?;
            Ok(new)
        })?;
        Ok(new.view())
    }
}

impl Desk {
    /// For the write-path benchmark only: `n` new rooms in one write.
    #[doc(hidden)]
    pub fn bench_insert_rooms_in_one_write(&self, actor: &Actor, branch: BranchId, n: usize) -> Result<()> {
        actor.require(Permission::ManageRoom, Some(branch))?;
        self.write(Some(actor.user_id), |w| {
            for i in 0..n {
                w.insert(&new_row(branch, format!("Bulk room {i}"), 30, w.now()))?;
            }
            Ok(())
        })
    }
}
