//! What each guardian agreed to receive: a yes or no per kind of message,
//! and the messages a no withdraws. Above `students` (whose guardians it
//! changes) and beside the drafting that reads the answers.

use crate::students::store::{self as students, GuardianRow};
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::students::{ConsentKind, ConsentSet, SetGuardianConsent};
use branchdesk_api::{ApiError, Permission};

impl Desk {
    /// A guardian's yes or no to one kind of message; a no withdraws that
    /// kind's messages to them not yet sent, in the same action.
    pub fn set_guardian_consent(&self, actor: &Actor, input: SetGuardianConsent) -> Result<ConsentSet> {
        let student = self.student_for(actor, "student_id", input.student_id, Permission::ManageStudent)?;
        let (old, withdraw) = {
            let db = self.db();
            students::link_by_id(&db.conn, students::link_id(student.id, input.guardian_id))?
                .filter(|l| l.removed_at.is_none())
                .ok_or_else(|| ApiError::not_found("guardian").on("guardian_id"))?;
            let old = students::guardian_by_id(&db.conn, input.guardian_id)?
                .ok_or_else(|| ApiError::not_found("guardian").on("guardian_id"))?;
            let withdraw = match input.ok {
                true => Vec::new(),
                false => super::unsent_to(&db.conn, &old, input.kind)?,
            };
            (old, withdraw)
        };
        let mut new = old.clone();
        match input.kind {
            ConsentKind::Alerts => new.alerts_ok = input.ok,
            ConsentKind::FeeReminders => new.fee_reminders_ok = input.ok,
            ConsentKind::Promotions => new.promotions_ok = input.ok,
        }
        let withdrawn = withdraw.len() as u32;
        if new.agreed(input.kind) != old.agreed(input.kind) {
            let why =
                format!("Withdrawn: {} said no to {}.", old.full_name, input.kind.label().to_lowercase());
            self.write(Some(actor.user_id), |w| {
                w.update(&old, &GuardianRow { updated_at: w.now(), ..new.clone() })?;
                super::withdraw(w, &withdraw, &why)
            })?;
        }
        Ok(ConsentSet { student: crate::students::view(&self.db().conn, &student)?, withdrawn })
    }
}
