//! Merging a duplicate student into the kept record, on the clerk's word:
//! guardians, enrolments, enquiries, dues and receipts follow the kept
//! student. Above students, leads and money, whose rows it moves.

use crate::students::store::{self, LinkRow, StudentRow};
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::students::*;
use branchdesk_api::{ApiError, Permission};

impl Desk {
    pub fn merge_students(&self, actor: &Actor, input: MergeStudents) -> Result<StudentDetail> {
        let keep = self.student_for(actor, "keep", input.keep, Permission::ManageStudent)?;
        let dup = self.student_for(actor, "duplicate", input.duplicate, Permission::ManageStudent)?;
        if keep.id == dup.id {
            return Err(ApiError::invalid("duplicate", "Choose two different students to merge.").into());
        }
        if keep.branch_id != dup.branch_id {
            return Err(ApiError::invalid(
                "duplicate",
                "Both students must be in the same branch; transfer one first.",
            )
            .into());
        }
        let (links, enrols, leads, dues) = {
            let db = self.db();
            // Receipts are never rewritten (money is append-only): the
            // record that holds payments must be the one kept.
            if let Some(r) = crate::money::store::receipts_of_student(&db.conn, dup.id)?.first() {
                return Err(ApiError::invalid(
                    "duplicate",
                    format!(
                        "{} has payments on record (receipt {}); keep that record and merge the other into it.",
                        dup.full_name, r.number
                    ),
                )
                .into());
            }
            (
                store::links_of_student(&db.conn, dup.id)?,
                store::enrolments_of_student(&db.conn, dup.id)?,
                crate::leads::of_student(&db.conn, dup.id)?,
                crate::money::store::dues_of_student(&db.conn, dup.id)?,
            )
        };
        let branch = Some(keep.branch_id);
        if !enrols.is_empty() {
            actor.require(Permission::ManageEnrolment, branch)?;
        }
        if !leads.is_empty() {
            actor.require(Permission::ManageLead, branch)?;
        }
        let now = self.clock().now();
        self.write(Some(actor.user_id), |w| {
            for l in &links {
                let id = store::link_id(keep.id, l.guardian_id);
                if store::link_by_id(w.tx(), id)?.is_none() {
                    w.insert(&LinkRow {
                        id,
                        student_id: keep.id,
                        created_at: now,
                        updated_at: now,
                        ..l.clone()
                    })?;
                }
                w.update(l, &LinkRow { removed_at: Some(now), updated_at: now, ..l.clone() })?;
            }
            for e in &enrols {
                w.update(e, &store::EnrolmentRow { student_id: keep.id, updated_at: now, ..e.clone() })?;
            }
            // Their fees go with their enrolments.
            for d in &dues {
                w.update(
                    d,
                    &crate::money::store::DueRow { student_id: keep.id, updated_at: now, ..d.clone() },
                )?;
            }
            let note = format!("Merged into {} ({}).", keep.code, keep.full_name);
            let notes = if dup.notes.is_empty() { note } else { format!("{}\n{note}", dup.notes) };
            w.update(&dup, &StudentRow { archived_at: Some(now), notes, updated_at: now, ..dup.clone() })?;
            for lead in &leads {
                w.update(
                    lead,
                    &crate::leads::LeadRow { student_id: Some(keep.id), updated_at: now, ..lead.clone() },
                )?;
            }
            Ok(())
        })?;
        self.get_student(actor, GetStudent { id: keep.id })
    }
}
