//! Values that lost a merge, for review: listed with secrets redacted, and
//! resolved by keeping the value in force or taking the losing one back
//! through the write path (a new change, so it wins everywhere after the
//! next sync). Either touches any row of the organisation, so it needs the
//! permission that manages that table, organisation-wide.

use crate::audit::{is_secret, REDACTED};
use crate::db::read;
use crate::write::Scope;
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::system::{Conflict, ListConflicts, ResolveConflict};
use branchdesk_api::ids::BranchId;
use branchdesk_api::tables::{Entity, ScopeKind};
use branchdesk_api::{ApiError, ErrorCode, Permission};
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Deserialize;

/// The permission that manages a synced table's rows (the server's rule
/// for the table, as the desk checks it). No default arm: a new table
/// does not compile until it names one.
pub fn managing_permission(entity: Entity) -> Permission {
    use Entity as E;
    match entity {
        E::Organisations | E::Branches => Permission::ManageOrganisation,
        E::Users | E::RoleGrants | E::StaffProfiles => Permission::ManageUser,
        E::Roles => Permission::ManageRole,
        E::Rooms => Permission::ManageRoom,
        E::Settings => Permission::ManageSetting,
        E::Courses
        | E::Roadmaps
        | E::Curricula
        | E::CurriculumModules
        | E::CurriculumLessons
        | E::LessonResources
        | E::Assignments => Permission::ManageCourse,
        // A file's row never takes a losing value back (see `append_only`).
        E::Batches | E::ClassSessions | E::Events | E::Attachments => Permission::ManageBatch,
        E::Students | E::Guardians | E::StudentGuardians | E::LessonBookmarks | E::LessonHighlights => {
            Permission::ManageStudent
        }
        E::StudentTransfers | E::Enrolments | E::EnrolmentLog | E::Dues => Permission::ManageEnrolment,
        E::Leads | E::LeadActivities => Permission::ManageLead,
        E::Attendance | E::AttendanceMarks | E::SessionLessons | E::Submissions => Permission::MarkAttendance,
        E::TestSittings | E::TestMarks => Permission::MarkAttendance,
        E::QuizPublications | E::QuizAttempts | E::QuizResponses => Permission::MarkAttendance,
        E::PaperTests | E::PaperTestSections | E::Questions | E::Quizzes => Permission::ManageCourse,
        E::Notifications => Permission::ReviewNotification,
        E::Expenses => Permission::ManageExpense,
        E::SalaryConfigs
        | E::SalaryLines
        | E::SalaryPayments
        | E::SalaryComponents
        | E::SalaryAdvances
        | E::CommissionRates => Permission::RunPayroll,
        E::Invoices | E::CashClosings => Permission::CollectPayment,
        E::Receipts | E::ReceiptAllocations | E::ReceiptReversals | E::MoneyReviews => {
            Permission::VoidPayment
        }
    }
}

/// Money once recorded is reversed by a new row, never changed, and an
/// attached file stays the file it is: a losing value is not taken back
/// into these.
fn append_only(entity: Entity) -> bool {
    matches!(
        entity,
        Entity::Receipts
            | Entity::ReceiptAllocations
            | Entity::ReceiptReversals
            | Entity::SalaryPayments
            | Entity::Attachments
    )
}

/// A value as the list shows it: JSON, or `"[redacted]"` for a secret column.
fn shown(column: &str, value: Option<String>) -> Option<String> {
    if is_secret(column) {
        return Some(serde_json::Value::from(REDACTED).to_string());
    }
    value
}

impl Desk {
    /// Unresolved merge conflicts the actor may resolve, newest first.
    pub fn list_conflicts(&self, actor: &Actor, _input: ListConflicts) -> Result<Vec<Conflict>> {
        actor.require_somewhere(Permission::ManageSetting)?;
        let db = self.db();
        let mut stmt = db.conn.prepare_cached(
            "SELECT entity, entity_id, col, losing_value, winning_value, losing_hlc, winning_hlc, detected_at, id
             FROM conflicts WHERE resolved_at IS NULL ORDER BY detected_at DESC LIMIT 500",
        )?;
        // A stamp is 16 hex digits, '-', then the writing desk's id.
        let device = |hlc: String| hlc.get(17..).unwrap_or_default().to_owned();
        let rows: Vec<ConflictRow> = read::all(&mut stmt, [])?;
        Ok(rows
            .into_iter()
            .filter(|c| Entity::parse(&c.entity).is_some_and(|e| actor.can(managing_permission(e), None)))
            .map(|c| Conflict {
                losing_value: shown(&c.col, c.losing_value).unwrap_or_default(),
                winning_value: shown(&c.col, c.winning_value),
                id: c.id,
                entity: c.entity,
                entity_id: c.entity_id,
                column: c.col,
                losing_device: device(c.losing_hlc),
                winning_device: device(c.winning_hlc),
                detected_at: c.detected_at,
            })
            .collect())
    }

    /// Keeps the value in force, or takes back the losing one.
    pub fn resolve_conflict(&self, actor: &Actor, input: ResolveConflict) -> Result<()> {
        actor.require_somewhere(Permission::ManageSetting)?;
        let row: Option<OpenConflict> = self
            .db()
            .conn
            .query_row(
                "SELECT entity, entity_id, col, losing_value FROM conflicts WHERE id = ?1 AND resolved_at IS NULL",
                [&input.id],
                read::row,
            )
            .optional()?;
        let Some(OpenConflict { entity, entity_id, col, losing_value: losing }) = row else {
            return Err(ApiError::not_found("conflict").on("id").into());
        };
        let entity =
            Entity::parse(&entity).ok_or_else(|| ApiError::internal("conflict on an unknown table"))?;
        actor.require(managing_permission(entity), None)?;
        let table = entity.table();
        // Only names the catalogue knows reach the SQL below.
        let column = table.column(&col).ok_or_else(|| ApiError::internal("conflict on an unknown column"))?;
        if input.take_losing_value && is_secret(column.name) {
            return Err(ApiError::invalid(
                "take_losing_value",
                "A password, token or bank detail is never taken back from a conflict: set it again where it is managed.",
            )
            .into());
        }
        if input.take_losing_value && append_only(entity) {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                "Money once recorded is never changed: void or refund the receipt instead.",
            )
            .on("take_losing_value")
            .into());
        }
        let id = uuid::Uuid::parse_str(&entity_id).map_err(|_| ApiError::internal("conflict on a bad id"))?;
        let value: serde_json::Value = serde_json::from_str(&losing)?;
        self.write(Some(actor.user_id), |w| {
            if input.take_losing_value {
                let branch = if table.column("branch_id").is_some() {
                    w.tx()
                        .query_row(
                            &format!("SELECT branch_id FROM {} WHERE id = ?1", table.name),
                            [&entity_id],
                            read::value::<Option<String>>,
                        )
                        .optional()?
                        .flatten()
                        .and_then(|b| uuid::Uuid::parse_str(&b).ok())
                        .map(BranchId)
                } else {
                    None
                };
                let scope = match (table.scope, branch) {
                    (ScopeKind::Organisation, _) => Scope::Organisation,
                    (ScopeKind::Branch | ScopeKind::BranchOrOrganisation, Some(b)) => Scope::Branch(b),
                    (ScopeKind::BranchOrOrganisation, None) => Scope::Organisation,
                    (ScopeKind::Branch, None) => return Err(ApiError::not_found("record").on("id").into()),
                };
                w.set_column(table.name, id, scope, column.name, value)?;
            }
            w.tx().execute(
                "UPDATE conflicts SET resolved_at = ?2 WHERE id = ?1",
                (&input.id, w.now().to_rfc3339()),
            )?;
            Ok(())
        })
    }
}

/// A `conflicts` row as the conflicts list shows it.
#[derive(Deserialize)]
struct ConflictRow {
    id: String,
    entity: String,
    entity_id: String,
    col: String,
    losing_value: Option<String>,
    winning_value: Option<String>,
    losing_hlc: String,
    winning_hlc: String,
    detected_at: DateTime<Utc>,
}

/// An unresolved conflict's losing value and where it belongs.
#[derive(Deserialize)]
struct OpenConflict {
    entity: String,
    entity_id: String,
    col: String,
    losing_value: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_columns_are_shown_redacted() {
        assert_eq!(shown("password_hash", Some("\"$argon2id$x\"".into())).unwrap(), "\"[redacted]\"");
        assert_eq!(shown("bank_account_number", None).unwrap(), "\"[redacted]\"");
        assert_eq!(shown("name", Some("\"Lab 1\"".into())).unwrap(), "\"Lab 1\"");
    }
}
