//! Names for the ids a view shows (batches, rooms, people), read once per
//! view instead of once per row (looked up by a typed id or its uuid). Shared by the timetable, attendance and
//! curricula views, so it belongs to none of them.

use crate::db::read;
use crate::Result;
use branchdesk_api::ids::BranchId;
use rusqlite::Connection;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Default)]
pub struct Names {
    pub batches: HashMap<Uuid, String>,
    pub rooms: HashMap<Uuid, String>,
    pub users: HashMap<Uuid, String>,
}

#[derive(serde::Deserialize)]
struct IdName {
    id: Uuid,
    name: String,
}

impl Names {
    /// Batches and rooms of `branch` (None: every branch) and every user.
    pub fn load(conn: &Connection, branch: Option<BranchId>) -> Result<Names> {
        let branch = branch.map(|b| b.to_string());
        let map = |sql: &str| -> Result<HashMap<Uuid, String>> {
            let mut stmt = conn.prepare_cached(sql)?;
            let rows: Vec<IdName> = if stmt.parameter_count() == 1 {
                read::all(&mut stmt, [&branch])?
            } else {
                read::all(&mut stmt, [])?
            };
            Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
        };
        Ok(Names {
            batches: map("SELECT id, name FROM batches WHERE ?1 IS NULL OR branch_id = ?1")?,
            rooms: map("SELECT id, name FROM rooms WHERE ?1 IS NULL OR branch_id = ?1")?,
            users: map("SELECT id, full_name AS name FROM users")?,
        })
    }

    fn get(map: &HashMap<Uuid, String>, id: impl Into<Uuid>) -> String {
        map.get(&id.into()).cloned().unwrap_or_else(|| "(unknown)".into())
    }
    pub fn batch(&self, id: impl Into<Uuid>) -> String {
        Self::get(&self.batches, id)
    }
    pub fn room(&self, id: impl Into<Uuid>) -> String {
        Self::get(&self.rooms, id)
    }
    pub fn user(&self, id: impl Into<Uuid>) -> String {
        Self::get(&self.users, id)
    }
}
