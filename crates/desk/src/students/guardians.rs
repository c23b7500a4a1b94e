//! Siblings share one guardian: the guardians of a branch with a phone
//! (offered while a student is admitted), an existing guardian chosen by
//! id, and the guardian typed again — same phone and name — linked rather
//! than made twice.

use super::store::{self, GuardianRow};
use super::{phone_key, GuardianPlan};
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::students::{FindGuardians, GuardianChild, GuardianMatch};
use branchdesk_api::ids::{BranchId, GuardianId};
use branchdesk_api::{ApiError, Permission};
use rusqlite::Connection;

/// The fewest digits a phone has (`validate::phone`).
const PHONE_MIN_DIGITS: usize = 7;

/// Guardians of `branch` whose phone is `phone` by its last ten digits,
/// oldest first.
pub(crate) fn with_phone(conn: &Connection, branch: BranchId, phone: &str) -> Result<Vec<GuardianRow>> {
    let key = phone_key(phone);
    if key.len() < PHONE_MIN_DIGITS {
        return Ok(Vec::new());
    }
    Ok(store::guardians_by_phone_digits(conn, branch, &key)?
        .into_iter()
        .filter(|g| g.phone.as_deref().map(phone_key).as_deref() == Some(key.as_str()))
        .collect())
}

/// A name as compared: trimmed, one space between words, any case.
fn name_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The guardian `id` (named `field`), when it is one of `branch`'s.
pub(crate) fn existing(
    conn: &Connection,
    field: &str,
    id: GuardianId,
    branch: BranchId,
) -> Result<GuardianRow> {
    let row = store::guardian_by_id(conn, id)?.ok_or_else(|| ApiError::not_found("guardian").on(field))?;
    if row.branch_id != branch {
        return Err(ApiError::invalid(field, "Choose a guardian of the student's own branch.").into());
    }
    Ok(row)
}

/// A new guardian that is already in the branch — the same phone and the
/// same name — becomes a link to that one (the oldest, if several). An
/// email typed for one who has none is kept on them. A different name
/// with the same phone stays a new guardian: the clerk decided.
pub(crate) fn reuse_same(conn: &Connection, plan: GuardianPlan) -> Result<GuardianPlan> {
    let GuardianPlan::New(new, relation, primary) = plan else { return Ok(plan) };
    let Some(phone) = new.phone.as_deref() else { return Ok(GuardianPlan::New(new, relation, primary)) };
    let name = name_key(&new.full_name);
    let found = with_phone(conn, new.branch_id, phone)?.into_iter().find(|g| name_key(&g.full_name) == name);
    Ok(match found {
        Some(mut same) => {
            if same.email.is_none() && new.email.is_some() {
                same.email = new.email;
                same.updated_at = new.updated_at;
            }
            GuardianPlan::Existing(same, relation, primary)
        }
        None => GuardianPlan::New(new, relation, primary),
    })
}

fn matched(conn: &Connection, g: GuardianRow) -> Result<GuardianMatch> {
    let mut children = Vec::new();
    for link in store::links_of_guardian(conn, g.id)? {
        if let Some(s) = store::student_by_id(conn, link.student_id)? {
            children.push(GuardianChild {
                student_id: link.student_id,
                full_name: s.full_name,
                relation: link.relation,
            });
        }
    }
    Ok(GuardianMatch { id: g.id, full_name: g.full_name, phone: g.phone, email: g.email, children })
}

impl Desk {
    pub fn find_guardians(&self, actor: &Actor, input: FindGuardians) -> Result<Vec<GuardianMatch>> {
        actor.require(Permission::ViewStudent, Some(input.branch_id))?;
        let db = self.db();
        with_phone(&db.conn, input.branch_id, &input.phone)?
            .into_iter()
            .map(|g| matched(&db.conn, g))
            .collect()
    }
}
