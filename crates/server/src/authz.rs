//! Which person may make which change: each op is checked against its
//! author's role grants in force and the branch of the row, before and after
//! the change (sync-design.md: the server authorises the person, not the
//! machine). Pure: the stores gather the facts and call [`check`].

use branchdesk_api::sync::{Op, MOVABLE_ENTITIES};
use branchdesk_api::tables::Entity;
use branchdesk_api::Permission;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// A grant of the op's author: the role's permissions, in one branch or all.
#[derive(Debug, Clone)]
pub struct AuthorGrant {
    pub permissions: Vec<Permission>,
    /// None: every branch.
    pub branch_id: Option<String>,
}

/// What the server knows when it checks one op.
pub struct Facts<'a> {
    pub op: &'a Op,
    /// The row as the server holds it before the op, if any.
    pub before: Option<&'a Map<String, Value>>,
    pub grants: &'a [AuthorGrant],
    /// For a change to an existing user account: the branches of that
    /// user's grants (None: every branch).
    pub target_branches: &'a [Option<String>],
    /// For a grant of a role: that role's permissions as the server holds
    /// them (None: the role is not on record).
    pub granted: Option<&'a [Permission]>,
    /// The rows a student's own change and an attachment are judged by.
    pub related: Related,
}

/// What the server holds of the rows around an op (`store::related`):
/// for an attachment, the record it is attached to; for a row of a
/// student's own (a hand-in, a bookmark, a highlight, a hand-in's file),
/// the user account of that student.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Related {
    pub owner: Option<Map<String, Value>>,
    pub student_account: Option<String>,
}

/// What an attempt is, set when it begins: a student never changes them.
/// (Two desks starting the same attempt offline write the same values:
/// the seed comes from the attempt's id.)
const ATTEMPT_FIXED: &[&str] = &["quiz_id", "student_id", "batch_id", "branch_id", "number", "seed", "drawn"];

/// The columns a student's own hand-in may set (`submissions`); marks,
/// feedback and who graded are the teacher's.
const HAND_IN_COLUMNS: &[&str] = &[
    "id",
    "branch_id",
    "assignment_id",
    "student_id",
    "batch_id",
    "submitted_on",
    "late",
    "text",
    "created_at",
    "updated_at",
];

fn can(grants: &[AuthorGrant], p: Permission, branch: Option<&str>) -> bool {
    grants.iter().any(|g| {
        g.permissions.contains(&p)
            && match (&g.branch_id, branch) {
                (None, _) => true,
                (Some(gb), Some(b)) => gb == b,
                (Some(_), None) => false,
            }
    })
}

fn branch_of(row: &Map<String, Value>) -> Option<&str> {
    row.get("branch_id").and_then(Value::as_str)
}

/// Money the server never lets change once recorded.
pub const APPEND_ONLY: &[&str] = &["receipts", "receipt_allocations", "receipt_reversals", "salary_payments"];

/// Columns two desks recording the same derived money row (one reversal
/// per receipt) may write differently: who, when and why. Every other
/// column of a recorded row says what the money is and stays.
const RECORDED_ASIDE: &[&str] = &["kind", "reason", "reversed_by", "reversed_at", "created_at", "updated_at"];

/// The first column of `op` (an insert over the recorded `before`) that
/// would change what is recorded, if any. Values compare as the signed
/// bytes do (`100` and `100.0` are one number).
fn rewritten<'a>(op: &'a Op, before: &Map<String, Value>) -> Option<&'a str> {
    let bytes = |v: &Value| {
        let mut out = Vec::new();
        branchdesk_api::canonical::push_value(&mut out, v);
        out
    };
    op.columns
        .iter()
        .filter(|(c, _)| !RECORDED_ASIDE.contains(&c.as_str()))
        .find(|(c, v)| before.get(c.as_str()).is_some_and(|held| bytes(held) != bytes(v)))
        .map(|(c, _)| c.as_str())
}

/// What a person changes of their own account: a new password brings a
/// new key pair (signed by the current key, or by a reset code's one-time
/// key, which it clears: `signatures.rs`).
const SELF_SERVICE: &[&str] = &[
    "password_hash",
    "public_key",
    "sealed_key",
    "reset_key",
    "reset_expires_at",
    "must_change_password",
    "totp_sealed",
    "totp_recovery",
    "updated_at",
];

/// The columns a reviewer sets when approving or rejecting a curriculum version.
const REVIEW_COLUMNS: &[&str] = &["status", "reviewer_id", "review_comment", "reviewed_at", "updated_at"];

/// Why accepted money needs a manager's review, if it does: its author did
/// not hold the permission for it in the row's branch. Allocations are part
/// of their receipt and are not flagged on their own.
pub fn flag(f: &Facts<'_>) -> Option<String> {
    let op = f.op;
    let permission = match op.entity.as_str() {
        "receipts" => Permission::CollectPayment,
        "receipt_reversals" => Permission::VoidPayment,
        "salary_payments" => Permission::RunPayroll,
        _ => return None,
    };
    if op.kind != "insert" {
        return None;
    }
    let branch = op.columns.get("branch_id").and_then(Value::as_str).or(f.before.and_then(branch_of));
    if can(f.grants, permission, branch) {
        return None;
    }
    tracing::warn!(entity = %op.entity, id = %op.entity_id, author = ?op.author_user_id,
        "money recorded by someone without the permission: accepted, flagged for review");
    Some(format!(
        "Recorded by someone who could not {} there at the time.",
        permission.label().to_lowercase()
    ))
}

/// Ok, or why the op is refused (shown to the desk).
pub fn check(f: &Facts<'_>) -> Result<(), String> {
    let op = f.op;
    let Some(entity) = Entity::parse(&op.entity) else {
        return Err(format!("{} is not a synced table", op.entity));
    };
    // Money is append-only, on the server as on the desk: a payment once
    // recorded is reversed by a new row, never changed. (Two desks voiding
    // one receipt offline insert the same derived reversal: an insert over
    // a recorded row is that, and merges as any row does.)
    if APPEND_ONLY.contains(&op.entity.as_str()) && op.kind != "insert" {
        return Err(format!(
            "{} rows are never changed once recorded (a payment is reversed by a new row)",
            op.entity
        ));
    }
    // An insert over a recorded row is taken only as the same record
    // again: whatever it says of the money must be what is recorded.
    if APPEND_ONLY.contains(&op.entity.as_str()) {
        if let Some(column) = f.before.and_then(|before| rewritten(op, before)) {
            return Err(format!(
                "{} rows are never changed once recorded: this one is recorded with another {column}",
                op.entity
            ));
        }
    }
    let after_branch = op.columns.get("branch_id").and_then(Value::as_str).or(f.before.and_then(branch_of));
    let before_branch = f.before.and_then(branch_of);
    let refuse = |p: Permission| Err(format!("its author may not {} there", p.label().to_lowercase()));
    // The permission a change needs, and in which branches (old and new row).
    let needs = |p: Permission, org_wide: bool| -> Result<(), String> {
        let mut places = vec![if org_wide { None } else { after_branch }];
        if !org_wide && f.before.is_some() && before_branch != after_branch {
            places.push(before_branch);
        }
        for place in places {
            if !can(f.grants, p, place) {
                return refuse(p);
            }
        }
        Ok(())
    };
    // A transfer: a student's rows published from the branch they leave
    // and landing in another. The sending branch's enrolment manager (or a
    // role over both) may move them; the row must be in that branch now.
    let scope_branch = op.scope.strip_prefix("branch:");
    if MOVABLE_ENTITIES.contains(&op.entity.as_str())
        && scope_branch.is_some()
        && after_branch != scope_branch
    {
        if f.before.is_some() && before_branch != scope_branch {
            return Err("it moves a row from a branch it was not published in".into());
        }
        return if can(f.grants, Permission::ManageEnrolment, scope_branch) {
            Ok(())
        } else {
            refuse(Permission::ManageEnrolment)
        };
    }
    // The author is the student the row belongs to, with their own record's
    // permission in its branch.
    let own_student_row = || {
        f.related.student_account.is_some()
            && f.related.student_account.as_deref() == op.author_user_id.as_deref()
            && needs(Permission::ViewOwnRecord, false).is_ok()
    };
    use Entity as E;
    // Every synced table by name, no default arm: a table added to the
    // catalogue does not compile here until it has a rule of its own.
    match entity {
        E::Organisations | E::Branches => needs(Permission::ManageOrganisation, true),
        // A role may gain only what its editor holds in every branch (it
        // can be granted in any of them).
        E::Roles => {
            needs(Permission::ManageRole, true)?;
            let had = f.before.map(role_permissions).unwrap_or_default();
            let added = op.columns.get("permissions").map(permissions_of).unwrap_or_default();
            match added.into_iter().find(|p| !had.contains(p) && !can(f.grants, *p, None)) {
                Some(p) => Err(format!(
                    "it adds \"{}\" to a role, which its author does not hold in every branch",
                    p.label().to_lowercase()
                )),
                None => Ok(()),
            }
        }
        E::Rooms => needs(Permission::ManageRoom, false),
        E::Courses | E::Roadmaps => needs(Permission::ManageCourse, true),
        E::Batches | E::ClassSessions | E::Events => needs(Permission::ManageBatch, false),
        E::Students | E::Guardians | E::StudentGuardians => needs(Permission::ManageStudent, false),
        E::StudentTransfers => needs(Permission::ManageEnrolment, false),
        // Dues follow enrolments.
        E::Dues => {
            needs(Permission::ManageEnrolment, false).or_else(|_| needs(Permission::CollectPayment, false))
        }
        // Money is never refused after the fact (sync-design.md): money
        // taken offline happened. An author without the permission at
        // their clock time is accepted and flagged for review.
        E::Expenses => needs(Permission::ManageExpense, false),
        E::SalaryConfigs | E::SalaryLines | E::SalaryComponents | E::SalaryAdvances => {
            needs(Permission::RunPayroll, false)
        }
        // The organisation's table of pay rates: payroll over every branch.
        E::CommissionRates => needs(Permission::RunPayroll, true),
        E::Invoices => needs(Permission::CollectPayment, false),
        // A collector's own count of their drawer.
        E::CashClosings => {
            let own = op.columns.get("collector_id").or(f.before.and_then(|b| b.get("collector_id")));
            if own.and_then(Value::as_str) == op.author_user_id.as_deref() {
                needs(Permission::CollectPayment, false)
            } else {
                refuse(Permission::CollectPayment)
            }
        }
        E::Receipts | E::ReceiptAllocations | E::ReceiptReversals | E::SalaryPayments => Ok(()),
        // Written by the server for flagged money; marked by managers.
        E::MoneyReviews => needs(Permission::VoidPayment, false),
        E::Enrolments | E::EnrolmentLog => needs(Permission::ManageEnrolment, false),
        E::Leads | E::LeadActivities => needs(Permission::ManageLead, false),
        E::Attendance | E::AttendanceMarks | E::SessionLessons => needs(Permission::MarkAttendance, false),
        // A paper test and a bank question are the organisation's: a
        // teacher (anyone who marks attendance somewhere) writes one and
        // remains its only editor besides course managers over every
        // branch. A section goes with its paper.
        E::PaperTests | E::PaperTestSections | E::Questions | E::Quizzes => {
            if can(f.grants, Permission::ManageCourse, None) {
                return Ok(());
            }
            if !f.grants.iter().any(|g| g.permissions.contains(&Permission::MarkAttendance)) {
                return refuse(Permission::MarkAttendance);
            }
            let author = op.author_user_id.as_deref();
            let created_by =
                |row: &Map<String, Value>| row.get("created_by").and_then(Value::as_str).map(str::to_owned);
            let authors: Vec<Option<String>> = match entity {
                E::PaperTests | E::Questions | E::Quizzes => {
                    let mut said: Vec<Option<String>> = f.before.map(created_by).into_iter().collect();
                    if let Some(v) = op.columns.get("created_by") {
                        said.push(v.as_str().map(str::to_owned));
                    }
                    said
                }
                _ => match f.related.owner.as_ref() {
                    Some(paper) => vec![created_by(paper)],
                    None => return Err("the paper it belongs to is not on the server".into()),
                },
            };
            if !authors.is_empty() && authors.iter().all(|a| a.as_deref() == author) {
                Ok(())
            } else {
                Err("it changes a paper someone else set (only its author or a course manager over every branch may)"
                    .into())
            }
        }
        E::TestSittings | E::QuizPublications => needs(Permission::MarkAttendance, false),
        // Marks within their section's maximum, as the server holds it
        // (the desk caps them as they are typed; a forged op does not).
        E::TestMarks => {
            needs(Permission::MarkAttendance, false)?;
            let Some(section) = f.related.owner.as_ref() else {
                return Err("the section it is entered in is not on the server".into());
            };
            let max = section.get("max_hundredths").and_then(Value::as_i64).unwrap_or(0);
            match op.columns.get("marks_hundredths").and_then(Value::as_i64) {
                Some(m) if m > max => {
                    Err(format!("its marks are above the section's maximum of {max} hundredths"))
                }
                _ => Ok(()),
            }
        }
        // A quiz is taken by the student alone, who writes answers and
        // time but no teacher's marks or comments, and answers only in an
        // attempt of their own. Scores are never stored (they follow from
        // the answers and the keys), so there is none to forge.
        // The questions drawn and whose attempt it is never change; a
        // submitted attempt is not reopened.
        E::QuizAttempts => needs(Permission::MarkAttendance, false).or_else(|refused| {
            if !own_student_row() {
                return Err(refused);
            }
            let Some(before) = f.before else { return Ok(()) };
            if let Some(c) =
                ATTEMPT_FIXED.iter().find(|c| op.columns.get(**c).is_some_and(|v| before.get(**c) != Some(v)))
            {
                return Err(format!("a student cannot change an attempt's {c}"));
            }
            let submitted = before.get("submitted_at").is_some_and(|v| !v.is_null());
            if submitted && op.columns.get("submitted_at").is_some_and(Value::is_null) {
                return Err("a submitted attempt cannot be reopened".into());
            }
            Ok(())
        }),
        E::QuizResponses => {
            let Some(attempt) = f.related.owner.as_ref() else {
                return Err("the attempt it answers is not on the server".into());
            };
            let student = op.columns.get("student_id").or(f.before.and_then(|b| b.get("student_id")));
            if attempt.get("student_id") != student || branch_of(attempt) != after_branch {
                return Err("it answers in another student's attempt".into());
            }
            needs(Permission::MarkAttendance, false).or_else(|refused| {
                if !own_student_row() {
                    return Err(refused);
                }
                if attempt.get("submitted_at").is_some_and(|v| !v.is_null()) {
                    return Err("it answers in an attempt already submitted".into());
                }
                let teachers = op.columns.iter().find(|(c, v)| match c.as_str() {
                    "graded_hundredths" | "graded_by" => !v.is_null(),
                    "comment" => {
                        let was =
                            f.before.and_then(|b| b.get("comment")).and_then(Value::as_str).unwrap_or("");
                        v.as_str() != Some(was)
                    }
                    _ => false,
                });
                match teachers {
                    Some((c, _)) => Err(format!("a student's own answer cannot set {c}")),
                    None => Ok(()),
                }
            })
        }
        // Graded by the batch's teachers; handed in by the student alone,
        // who sets no marks, feedback or grader.
        E::Submissions => needs(Permission::MarkAttendance, false).or_else(|refused| {
            if !own_student_row() {
                return Err(refused);
            }
            let teachers = op.columns.iter().find(|(c, v)| match c.as_str() {
                c if HAND_IN_COLUMNS.contains(&c) => false,
                "marks" | "graded_by" => !v.is_null(),
                "feedback" => {
                    let was = f.before.and_then(|b| b.get("feedback")).and_then(Value::as_str).unwrap_or("");
                    v.as_str() != Some(was)
                }
                _ => true,
            });
            match teachers {
                Some((c, _)) => Err(format!("a student's own hand-in cannot set {c}")),
                None => Ok(()),
            }
        }),
        // Profiles of staff: their managers; bank details only from payroll.
        E::StaffProfiles => {
            let bank = op
                .columns
                .iter()
                .any(|(c, v)| c.starts_with("bank_") && v.as_str().is_some_and(|s| !s.is_empty()));
            let manages = f.grants.iter().any(|g| g.permissions.contains(&Permission::ManageUser));
            let payroll = f.grants.iter().any(|g| g.permissions.contains(&Permission::RunPayroll));
            if !manages {
                refuse(Permission::ManageUser)
            } else if bank && !payroll {
                refuse(Permission::RunPayroll)
            } else {
                Ok(())
            }
        }
        // A student's own bookmarks and highlights, in their branch.
        E::LessonBookmarks | E::LessonHighlights => match own_student_row() {
            true => Ok(()),
            false => Err("it is another student's (or nobody's) own row".into()),
        },
        // A file goes with its record, in the record's branch: a bill with
        // its expense, a hand-in's file with the hand-in (its student or a
        // teacher of the branch).
        E::Attachments => {
            let Some(owner) = f.related.owner.as_ref() else {
                return Err("the record it is attached to is not on the server".into());
            };
            if branch_of(owner) != after_branch {
                return Err("it is attached to a record of another branch".into());
            }
            let owner_table = op.columns.get("owner_table").or(f.before.and_then(|b| b.get("owner_table")));
            match owner_table.and_then(Value::as_str) {
                Some("expenses") => needs(Permission::ManageExpense, false),
                Some("submissions") => needs(Permission::MarkAttendance, false).or_else(|refused| {
                    if own_student_row() {
                        Ok(())
                    } else {
                        Err(refused)
                    }
                }),
                _ => Err("it is attached to a table that takes no files".into()),
            }
        }
        // Drafted by whoever marked the absence; reviewed by the front desk.
        E::Notifications => {
            if f.before.is_none() {
                needs(Permission::MarkAttendance, false)
                    .or_else(|_| needs(Permission::ReviewNotification, false))
            } else {
                needs(Permission::ReviewNotification, false)
            }
        }
        E::Curricula => {
            if can(f.grants, Permission::ManageCourse, None) {
                return Ok(());
            }
            let review_only = op.columns.keys().all(|c| REVIEW_COLUMNS.contains(&c.as_str()));
            if review_only && f.before.is_some() && can(f.grants, Permission::ApproveCurriculum, None) {
                return Ok(());
            }
            // A teacher's own version, drafted by that teacher.
            let teacher = op.columns.get("teacher_id").or(f.before.and_then(|b| b.get("teacher_id")));
            let own = teacher.and_then(Value::as_str) == op.author_user_id.as_deref();
            if own && f.grants.iter().any(|g| g.permissions.contains(&Permission::DraftCurriculum)) {
                Ok(())
            } else {
                refuse(Permission::ManageCourse)
            }
        }
        // The parts of a version: the desk checks whose version it is; the
        // server checks the author may draft curricula at all.
        E::CurriculumModules | E::CurriculumLessons | E::LessonResources | E::Assignments => {
            let drafts = f.grants.iter().any(|g| g.permissions.contains(&Permission::DraftCurriculum));
            if drafts || can(f.grants, Permission::ManageCourse, None) {
                Ok(())
            } else {
                refuse(Permission::ManageCourse)
            }
        }
        E::Settings => needs(Permission::ManageSetting, after_branch.is_none() && before_branch.is_none()),
        // A grant gives no more than its author holds where it applies;
        // ending one (revoked_at) needs only the right to manage users.
        E::RoleGrants => {
            needs(Permission::ManageUser, after_branch.is_none() && before_branch.is_none())?;
            let gives = f.before.is_none()
                || ["role_id", "branch_id", "expires_on"].iter().any(|c| op.columns.contains_key(*c));
            if !gives {
                return Ok(());
            }
            let Some(permissions) = f.granted else {
                return Err("it grants a role the server does not hold".into());
            };
            match permissions.iter().find(|p| !can(f.grants, **p, after_branch)) {
                Some(p) => Err(format!(
                    "it grants a role allowing \"{}\", which its author does not hold there",
                    p.label().to_lowercase()
                )),
                None => Ok(()),
            }
        }
        E::Users => {
            let own = op.author_user_id.as_deref() == Some(op.entity_id.as_str());
            let self_service =
                op.kind == "update" && op.columns.keys().all(|c| SELF_SERVICE.contains(&c.as_str()));
            if own && self_service {
                return Ok(());
            }
            if f.before.is_none() {
                // A new account: its grants are checked as they arrive.
                return if f.grants.iter().any(|g| g.permissions.contains(&Permission::ManageUser)) {
                    Ok(())
                } else {
                    refuse(Permission::ManageUser)
                };
            }
            // An existing account: managed over every branch its grants name.
            let over: Vec<Option<&str>> = match f.target_branches {
                [] => vec![None],
                list => list.iter().map(|b| b.as_deref()).collect(),
            };
            if over.into_iter().all(|b| can(f.grants, Permission::ManageUser, b)) {
                Ok(())
            } else {
                refuse(Permission::ManageUser)
            }
        }
    }
}

/// A role row's permissions (a JSON list, or its text as a desk stores it).
pub fn role_permissions(role: &Map<String, Value>) -> Vec<Permission> {
    role.get("permissions").map(permissions_of).unwrap_or_default()
}

fn permissions_of(v: &Value) -> Vec<Permission> {
    match v {
        Value::Array(a) => a.iter().filter_map(|p| Permission::parse(p.as_str()?)).collect(),
        Value::String(s) => serde_json::from_str::<Vec<String>>(s)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| Permission::parse(p))
            .collect(),
        _ => vec![],
    }
}

/// The branches named by a user's grants that are not revoked.
pub fn live_grant_branches(grants: &[Map<String, Value>]) -> Vec<Option<String>> {
    grants
        .iter()
        .filter(|g| g.get("revoked_at").is_none_or(Value::is_null))
        .map(|g| g.get("branch_id").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// When money was recorded, by the clock of the desk that recorded it
/// (its op's hybrid logical clock, never later than `now`): money is
/// checked against the grants in force then (sync-design.md). Other ops:
/// None, checked as of now.
pub fn money_time(op: &Op, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if !matches!(
        op.entity.as_str(),
        "receipts" | "receipt_allocations" | "receipt_reversals" | "salary_payments"
    ) {
        return None;
    }
    let ms = i64::from_str_radix(op.hlc.get(..12)?, 16).ok()?;
    Some(DateTime::from_timestamp_millis(ms)?.min(now))
}

/// The grants in force from the server's copies of the author's
/// `role_grants` rows and their `roles` rows, as of `today` (YYYY-MM-DD).
/// With `recorded_at` (money), a grant revoked after that moment still
/// counts; otherwise any revocation does.
pub fn grants_in_force(
    grants: &[Map<String, Value>],
    roles: &[Map<String, Value>],
    today: &str,
    recorded_at: Option<DateTime<Utc>>,
) -> Vec<AuthorGrant> {
    let live = |g: &Map<String, Value>| match g.get("revoked_at").and_then(Value::as_str) {
        None => true,
        Some(at) => recorded_at.is_some_and(|t| {
            DateTime::parse_from_rfc3339(at).is_ok_and(|revoked| revoked.with_timezone(&Utc) > t)
        }),
    };
    let today = recorded_at.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_else(|| today.to_owned());
    let today = today.as_str();
    grants
        .iter()
        .filter(|g| live(g))
        .filter(|g| g.get("expires_on").and_then(Value::as_str).is_none_or(|d| d >= today))
        .filter_map(|g| {
            let role_id = g.get("role_id")?.as_str()?;
            let role = roles.iter().find(|r| r.get("id").and_then(Value::as_str) == Some(role_id))?;
            if role.get("deleted_at").is_some_and(|d| !d.is_null()) {
                return None;
            }
            let perms = role_permissions(role);
            Some(AuthorGrant {
                permissions: perms,
                branch_id: g.get("branch_id").and_then(Value::as_str).map(str::to_owned),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(entity: &str, kind: &str, author: &str, id: &str, cols: Value) -> Op {
        Op {
            seq: 1,
            op_id: "x".into(),
            author_user_id: Some(author.into()),
            scope: "org".into(),
            entity: entity.into(),
            entity_id: id.into(),
            kind: kind.into(),
            columns: cols.as_object().unwrap().clone(),
            hlc: "0".into(),
            schema_version: 2,
            signature: None,
        }
    }

    fn grant(p: &[Permission], branch: Option<&str>) -> AuthorGrant {
        AuthorGrant { permissions: p.to_vec(), branch_id: branch.map(str::to_owned) }
    }

    /// Money taken offline happened: an author without the permission is
    /// accepted and flagged (`flag`), never refused. Allocations are part of
    /// their receipt and flagged with it.
    const ACCEPTED_AND_FLAGGED: &[Entity] =
        &[Entity::Receipts, Entity::ReceiptAllocations, Entity::ReceiptReversals, Entity::SalaryPayments];

    #[test]
    fn every_synced_table_has_a_rule_of_its_own() {
        let director = [grant(Permission::ALL, None)];
        let nobody: [AuthorGrant; 0] = [];
        for entity in Entity::ALL {
            let name = entity.name();
            let cols = json!({ "branch_id": "A", "collector_id": "u", "teacher_id": "u", "title": "x",
                               "owner_table": "expenses" });
            let mut o = op(name, "insert", "u", "row", cols);
            o.scope = if entity.table().scope == branchdesk_api::tables::ScopeKind::Organisation {
                "org".into()
            } else {
                "branch:A".into()
            };
            let as_director = Facts {
                op: &o,
                before: None,
                grants: &director,
                granted: Some(Permission::ALL),
                target_branches: &[],
                // A student's own rows are the student's: here the author's.
                related: mine(Some("u"), Some(json!({ "branch_id": "A" }))),
            };
            assert_eq!(check(&as_director), Ok(()), "{name}: the director may");
            assert_eq!(flag(&as_director), None, "{name}: nothing to review");
            let as_nobody = Facts {
                op: &o,
                before: None,
                grants: &nobody,
                granted: None,
                target_branches: &[],
                related: Default::default(),
            };
            if ACCEPTED_AND_FLAGGED.contains(&entity) {
                assert_eq!(check(&as_nobody), Ok(()), "{name}: money is never refused after the fact");
                assert_eq!(
                    flag(&as_nobody).is_some(),
                    entity != Entity::ReceiptAllocations,
                    "{name}: flagged for review instead"
                );
            } else {
                assert!(check(&as_nobody).is_err(), "{name}: refused to an author holding no grant");
                assert_eq!(flag(&as_nobody), None, "{name}");
            }
        }
        let unknown = op("sqlite_master", "insert", "u", "row", json!({}));
        assert!(check(&Facts {
            op: &unknown,
            before: None,
            grants: &director,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_err());
    }

    #[test]
    fn the_sending_branch_moves_a_student_and_nobody_else_does() {
        let moving = |by: &[AuthorGrant], scope: &str, before_branch: &str| {
            let mut o = op("students", "update", "u", "s", json!({ "branch_id": "B" }));
            o.scope = scope.into();
            let before = json!({ "branch_id": before_branch }).as_object().unwrap().clone();
            check(&Facts {
                op: &o,
                before: Some(&before),
                grants: by,
                granted: None,
                target_branches: &[],
                related: Default::default(),
            })
        };
        let manager_a = [grant(&[Permission::ManageEnrolment, Permission::ManageStudent], Some("A"))];
        assert!(moving(&manager_a, "branch:A", "A").is_ok(), "A's manager sends a student to B");
        let clerk_a = [grant(&[Permission::ManageStudent], Some("A"))];
        assert!(moving(&clerk_a, "branch:A", "A").is_err(), "moving needs the enrolment permission");
        let manager_c = [grant(&[Permission::ManageEnrolment], Some("C"))];
        assert!(moving(&manager_c, "branch:C", "A").is_err(), "published from a branch it is not in");
        assert!(moving(&manager_c, "branch:A", "A").is_err(), "C's manager cannot move A's student");
        // The copy of a shared guardian, made for B and sent from A.
        let mut copy = op("guardians", "insert", "u", "g", json!({ "branch_id": "B", "full_name": "P" }));
        copy.scope = "branch:A".into();
        assert!(check(&Facts {
            op: &copy,
            before: None,
            grants: &manager_a,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_ok());
        // Published in B itself, a row for B needs rights in B.
        copy.scope = "branch:B".into();
        assert!(check(&Facts {
            op: &copy,
            before: None,
            grants: &manager_a,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_err());
    }

    #[test]
    fn a_branch_admin_changes_rooms_of_their_branch_only() {
        let admin = [grant(&[Permission::ManageRoom], Some("A"))];
        let ok = op("rooms", "insert", "u", "r", json!({ "branch_id": "A", "name": "Lab" }));
        assert!(check(&Facts {
            op: &ok,
            before: None,
            grants: &admin,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_ok());
        let other = op("rooms", "insert", "u", "r", json!({ "branch_id": "B", "name": "Lab" }));
        assert!(check(&Facts {
            op: &other,
            before: None,
            grants: &admin,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_err());
        // Moving a room of branch B into A needs rights over B too.
        let before = json!({ "branch_id": "B" }).as_object().unwrap().clone();
        let moved = op("rooms", "update", "u", "r", json!({ "branch_id": "A" }));
        assert!(check(&Facts {
            op: &moved,
            before: Some(&before),
            grants: &admin,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_err());
        // An edit of a row that stays in A, where the op does not repeat the branch.
        let before_a = json!({ "branch_id": "A" }).as_object().unwrap().clone();
        let edit = op("rooms", "update", "u", "r", json!({ "capacity": 40 }));
        assert!(check(&Facts {
            op: &edit,
            before: Some(&before_a),
            grants: &admin,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_ok());
    }

    #[test]
    fn timetable_rows_need_batch_planning_in_their_branch() {
        let admin = [grant(&[Permission::ManageBatch], Some("A"))];
        for entity in ["batches", "class_sessions", "events"] {
            let here = op(entity, "insert", "u", "x", json!({ "branch_id": "A" }));
            assert!(check(&Facts {
                op: &here,
                before: None,
                grants: &admin,
                granted: None,
                target_branches: &[],
                related: Default::default()
            })
            .is_ok());
            let there = op(entity, "insert", "u", "x", json!({ "branch_id": "B" }));
            assert!(check(&Facts {
                op: &there,
                before: None,
                grants: &admin,
                granted: None,
                target_branches: &[],
                related: Default::default()
            })
            .is_err());
        }
        let course = op("courses", "insert", "u", "c", json!({ "code": "PHY" }));
        let branch_wide = [grant(&[Permission::ManageCourse], Some("A"))];
        assert!(check(&Facts {
            op: &course,
            before: None,
            grants: &branch_wide,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_err());
    }

    #[test]
    fn front_desk_rows_need_their_permission_in_their_branch() {
        let clerk = [grant(&[Permission::ManageStudent, Permission::ManageLead], Some("A"))];
        for (entity, ok) in [("students", true), ("guardians", true), ("leads", true), ("enrolments", false)]
        {
            let here = op(entity, "insert", "u", "x", json!({ "branch_id": "A" }));
            assert_eq!(
                check(&Facts {
                    op: &here,
                    before: None,
                    grants: &clerk,
                    granted: None,
                    target_branches: &[],
                    related: Default::default()
                })
                .is_ok(),
                ok,
                "{entity}"
            );
            let there = op(entity, "insert", "u", "x", json!({ "branch_id": "B" }));
            assert!(
                check(&Facts {
                    op: &there,
                    before: None,
                    grants: &clerk,
                    granted: None,
                    target_branches: &[],
                    related: Default::default()
                })
                .is_err(),
                "{entity}"
            );
        }
    }

    #[test]
    fn teachers_draft_their_own_versions_and_reviewers_only_review() {
        let teacher = [grant(&[Permission::DraftCurriculum], Some("A"))];
        let own = op("curricula", "insert", "t", "c", json!({ "teacher_id": "t", "status": "DRAFT" }));
        assert!(check(&Facts {
            op: &own,
            before: None,
            grants: &teacher,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_ok());
        let official = op("curricula", "insert", "t", "c", json!({ "teacher_id": null, "status": "DRAFT" }));
        assert!(check(&Facts {
            op: &official,
            before: None,
            grants: &teacher,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_err());
        let reviewer = [grant(&[Permission::ApproveCurriculum], None)];
        let before = json!({ "teacher_id": null, "status": "PENDING_APPROVAL" }).as_object().unwrap().clone();
        let approve =
            op("curricula", "update", "r", "c", json!({ "status": "APPROVED", "reviewer_id": "r" }));
        assert!(check(&Facts {
            op: &approve,
            before: Some(&before),
            grants: &reviewer,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_ok());
        let rename = op("curricula", "update", "r", "c", json!({ "label": "mine" }));
        assert!(check(&Facts {
            op: &rename,
            before: Some(&before),
            grants: &reviewer,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_err());
        let lesson = op("curriculum_lessons", "insert", "x", "l", json!({ "title": "L" }));
        assert!(check(&Facts {
            op: &lesson,
            before: None,
            grants: &reviewer,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_err());
        assert!(check(&Facts {
            op: &lesson,
            before: None,
            grants: &teacher,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_ok());
    }

    #[test]
    fn organisation_wide_changes_need_an_all_branch_grant() {
        let branch_admin = [grant(Permission::ALL, Some("A"))];
        let role = op("roles", "insert", "u", "r", json!({ "name": "X" }));
        assert!(check(&Facts {
            op: &role,
            before: None,
            grants: &branch_admin,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_err());
        let director = [grant(Permission::ALL, None)];
        assert!(check(&Facts {
            op: &role,
            before: None,
            grants: &director,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_ok());
    }

    #[test]
    fn a_role_gains_only_what_its_editor_holds_everywhere_and_a_grant_gives_no_more() {
        use Permission::*;
        let editor = [grant(&[ManageRole, ManageUser, ViewStudent], None), grant(&[VoidPayment], Some("A"))];
        let before = json!({ "id": "r", "permissions": ["view:student"] });
        let before = before.as_object().unwrap();
        let facts = |o: &Op| -> Result<(), String> {
            check(&Facts {
                op: o,
                before: Some(before),
                grants: &editor,
                target_branches: &[],
                granted: None,
                related: Default::default(),
            })
        };
        let same = op("roles", "update", "u", "r", json!({ "permissions": ["view:student", "manage:user"] }));
        assert!(facts(&same).is_ok(), "held in every branch");
        let more =
            op("roles", "update", "u", "r", json!({ "permissions": "[\"view:student\",\"void:payment\"]" }));
        let e = facts(&more).unwrap_err();
        assert!(e.contains("void payments") || e.contains("void"), "held in one branch only: {e}");
        let fewer = op("roles", "update", "u", "r", json!({ "permissions": [] }));
        assert!(facts(&fewer).is_ok(), "taking away is fine");

        let manager = [grant(&[ManageUser, ViewStudent], Some("A"))];
        let give = |o: &Op, granted: &[Permission]| {
            check(&Facts {
                op: o,
                before: None,
                grants: &manager,
                target_branches: &[],
                granted: Some(granted),
                related: Default::default(),
            })
        };
        let in_a = op("role_grants", "insert", "u", "g", json!({ "branch_id": "A", "role_id": "r" }));
        assert!(give(&in_a, &[ViewStudent]).is_ok());
        assert!(give(&in_a, &[ViewStudent, RunPayroll]).is_err(), "more than the manager holds");
        let unknown = Facts {
            op: &in_a,
            before: None,
            grants: &manager,
            target_branches: &[],
            granted: None,
            related: Default::default(),
        };
        assert!(check(&unknown).is_err(), "a role not on record");
        let held = json!({ "id": "g", "branch_id": "A", "role_id": "r" });
        let revoke = op("role_grants", "update", "u", "g", json!({ "revoked_at": "2026-06-01T09:00:00Z" }));
        let ending = Facts {
            op: &revoke,
            before: held.as_object(),
            grants: &manager,
            target_branches: &[],
            granted: None,
            related: Default::default(),
        };
        assert!(check(&ending).is_ok(), "ending a grant gives nothing");
    }

    #[test]
    fn anyone_changes_their_own_password_but_nothing_else_of_their_account() {
        let none: [AuthorGrant; 0] = [];
        let pw =
            op("users", "update", "me", "me", json!({ "password_hash": "$argon2id$..", "updated_at": "t" }));
        assert!(check(&Facts {
            op: &pw,
            before: None,
            grants: &none,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_ok());
        let name = op("users", "update", "me", "me", json!({ "full_name": "Boss" }));
        assert!(check(&Facts {
            op: &name,
            before: None,
            grants: &none,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_err());
        let other = op("users", "update", "me", "you", json!({ "password_hash": "x" }));
        assert!(check(&Facts {
            op: &other,
            before: None,
            grants: &none,
            granted: None,
            target_branches: &[],
            related: Default::default()
        })
        .is_err());
    }

    #[test]
    fn a_branch_admin_cannot_edit_an_account_with_a_grant_elsewhere() {
        let admin = [grant(&[Permission::ManageUser], Some("A"))];
        let before = json!({ "email": "x@y.in" }).as_object().unwrap().clone();
        let edit = op("users", "update", "admin", "director", json!({ "email": "mine@y.in" }));
        let director = [None];
        assert!(check(&Facts {
            op: &edit,
            before: Some(&before),
            grants: &admin,
            granted: None,
            target_branches: &director,
            related: Default::default()
        })
        .is_err());
        let teacher_a = [Some("A".to_owned())];
        assert!(check(&Facts {
            op: &edit,
            before: Some(&before),
            grants: &admin,
            granted: None,
            target_branches: &teacher_a,
            related: Default::default()
        })
        .is_ok());
        let both = [Some("A".to_owned()), Some("B".to_owned())];
        assert!(check(&Facts {
            op: &edit,
            before: Some(&before),
            grants: &admin,
            granted: None,
            target_branches: &both,
            related: Default::default()
        })
        .is_err());
    }

    #[test]
    fn revoked_expired_and_deleted_grants_give_nothing() {
        let roles = vec![
            json!({ "id": "r1", "permissions": ["manage:room"] }).as_object().unwrap().clone(),
            json!({ "id": "r2", "permissions": "[\"manage:room\"]", "deleted_at": "t" })
                .as_object()
                .unwrap()
                .clone(),
        ];
        let grants = vec![
            json!({ "role_id": "r1", "branch_id": "A", "revoked_at": null, "expires_on": null })
                .as_object()
                .unwrap()
                .clone(),
            json!({ "role_id": "r1", "branch_id": "B", "revoked_at": "t" }).as_object().unwrap().clone(),
            json!({ "role_id": "r1", "branch_id": "C", "expires_on": "2026-01-01" })
                .as_object()
                .unwrap()
                .clone(),
            json!({ "role_id": "r2", "branch_id": "D" }).as_object().unwrap().clone(),
        ];
        let g = grants_in_force(&grants, &roles, "2026-06-01", None);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].branch_id.as_deref(), Some("A"));
    }

    #[test]
    fn money_is_judged_by_the_grants_in_force_when_it_was_recorded() {
        let roles =
            vec![json!({ "id": "r1", "permissions": ["collect:payment"] }).as_object().unwrap().clone()];
        let grants =
            vec![json!({ "role_id": "r1", "branch_id": "A", "revoked_at": "2026-06-01T12:00:00+00:00",
                                  "expires_on": "2026-06-30" })
            .as_object()
            .unwrap()
            .clone()];
        let at = |s: &str| Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc));
        let before = grants_in_force(&grants, &roles, "2026-07-05", at("2026-06-01T11:59:00+00:00"));
        assert_eq!(before.len(), 1, "taken before the revocation, within the grant's dates");
        assert!(grants_in_force(&grants, &roles, "2026-06-01", at("2026-06-01T12:01:00+00:00")).is_empty());
        assert!(
            grants_in_force(&grants, &roles, "2026-06-01", None).is_empty(),
            "other ops: revoked is revoked"
        );
        let mut o = op("receipts", "insert", "u", "r", json!({ "branch_id": "A" }));
        o.hlc = format!("{:012x}{:04x}-dev", 1_780_000_000_000u64, 3);
        let now = Utc::now();
        assert_eq!(
            money_time(&o, now).unwrap().timestamp_millis(),
            1_780_000_000_000.min(now.timestamp_millis())
        );
        o.entity = "rooms".into();
        assert_eq!(money_time(&o, now), None);
    }

    #[test]
    fn recorded_money_is_never_changed() {
        let director = [grant(Permission::ALL, None)];
        for entity in APPEND_ONLY {
            let cols = json!({"branch_id": "b1", "amount_minor": 100});
            let before = cols.as_object().unwrap().clone();
            let insert = op(entity, "insert", "u1", "r1", cols.clone());
            let fresh = Facts {
                op: &insert,
                before: None,
                grants: &director,
                granted: None,
                target_branches: &[],
                related: Default::default(),
            };
            assert!(check(&fresh).is_ok(), "{entity}: a new row is taken");
            let again = Facts {
                op: &insert,
                before: Some(&before),
                grants: &director,
                granted: None,
                target_branches: &[],
                related: Default::default(),
            };
            assert!(check(&again).is_ok(), "{entity}: the same derived row from a second desk merges");
            let update = op(entity, "update", "u1", "r1", json!({"amount_minor": 1}));
            let changed = Facts {
                op: &update,
                before: Some(&before),
                grants: &director,
                granted: None,
                target_branches: &[],
                related: Default::default(),
            };
            let why = check(&changed).unwrap_err();
            assert!(why.contains("never changed"), "{entity}: {why}");
            // Inserted again over the recorded row with another amount.
            let mut again = op(entity, "insert", "u1", "r1", json!({"branch_id": "b1", "amount_minor": 1}));
            let rewrite = Facts {
                op: &again,
                before: Some(&before),
                grants: &director,
                granted: None,
                target_branches: &[],
                related: Default::default(),
            };
            let why = check(&rewrite).unwrap_err();
            assert!(why.contains("another amount_minor"), "{entity}: {why}");
            again.columns.insert("amount_minor".into(), json!(100.0));
            again.columns.insert("updated_at".into(), json!("later"));
            let same = Facts {
                op: &again,
                before: Some(&before),
                grants: &director,
                granted: None,
                target_branches: &[],
                related: Default::default(),
            };
            assert!(check(&same).is_ok(), "{entity}: the same amount, written otherwise, at another time");
        }
        // Two desks void one receipt offline: one derived reversal, each
        // with its own reason and moment.
        let voided = json!({"receipt_id": "r", "amount_minor": 100, "kind": "VOID", "reason": "typo",
                            "reversed_at": "t1"});
        let before = voided.as_object().unwrap().clone();
        let cols = json!({"receipt_id": "r", "amount_minor": 100, "kind": "BOUNCE", "reason": "cheque bounced",
                          "reversed_at": "t2"});
        let bounced = op("receipt_reversals", "insert", "u2", "v", cols);
        let second = Facts {
            op: &bounced,
            before: Some(&before),
            grants: &director,
            granted: None,
            target_branches: &[],
            related: Default::default(),
        };
        assert!(check(&second).is_ok(), "the second desk's reversal merges");
    }

    fn mine(student_account: Option<&str>, owner: Option<Value>) -> Related {
        Related {
            owner: owner.map(|o| o.as_object().unwrap().clone()),
            student_account: student_account.map(str::to_owned),
        }
    }

    fn judged(
        o: &Op,
        before: Option<&Map<String, Value>>,
        grants: &[AuthorGrant],
        related: Related,
    ) -> Result<(), String> {
        check(&Facts { op: o, before, grants, target_branches: &[], granted: None, related })
    }

    #[test]
    fn a_student_writes_their_own_hand_in_and_never_its_marks() {
        let student = [grant(&[Permission::ViewOwnRecord], Some("A"))];
        let hand_in = json!({ "id": "x", "branch_id": "A", "student_id": "s1", "text": "F = ma", "submitted_on": "2026-06-03",
                              "late": false, "marks": null, "graded_by": null, "feedback": "" });
        let o = op("submissions", "insert", "u1", "x", hand_in.clone());
        assert!(judged(&o, None, &student, mine(Some("u1"), None)).is_ok());
        assert!(judged(&o, None, &student, mine(Some("u2"), None)).is_err(), "another student's hand-in");
        assert!(judged(&o, None, &student, mine(None, None)).is_err(), "a student the server does not know");
        let mut graded = hand_in.clone();
        graded["marks"] = json!(20);
        let e =
            judged(&op("submissions", "insert", "u1", "x", graded), None, &student, mine(Some("u1"), None));
        assert!(e.unwrap_err().contains("marks"));
        // Handing in again leaves the teacher's feedback as it is.
        let before = json!({ "branch_id": "A", "student_id": "s1", "feedback": "Redo Q2" })
            .as_object()
            .unwrap()
            .clone();
        let again = op("submissions", "update", "u1", "x", json!({ "text": "v2", "updated_at": "t" }));
        assert!(judged(&again, Some(&before), &student, mine(Some("u1"), None)).is_ok());
        let wiped = op("submissions", "update", "u1", "x", json!({ "feedback": "" }));
        assert!(judged(&wiped, Some(&before), &student, mine(Some("u1"), None)).is_err());
        // In another branch than their grant, no.
        let there = op("submissions", "insert", "u1", "x", json!({ "branch_id": "B", "student_id": "s1" }));
        assert!(judged(&there, None, &student, mine(Some("u1"), None)).is_err());
        // A teacher of the branch grades.
        let teacher = [grant(&[Permission::MarkAttendance], Some("A"))];
        let grade = op("submissions", "update", "t", "x", json!({ "marks": 18, "graded_by": "t" }));
        assert!(judged(&grade, Some(&before), &teacher, mine(Some("u1"), None)).is_ok());
        // Bookmarks are the student's own too.
        let mark =
            op("lesson_bookmarks", "insert", "u1", "b", json!({ "branch_id": "A", "student_id": "s1" }));
        assert!(judged(&mark, None, &student, mine(Some("u1"), None)).is_ok());
        assert!(judged(&mark, None, &student, mine(Some("u9"), None)).is_err());
    }

    #[test]
    fn a_file_goes_with_its_record_in_its_branch() {
        let file = |owner: &str| {
            op(
                "attachments",
                "insert",
                "u1",
                "f",
                json!({ "branch_id": "A", "owner_table": owner, "owner_id": "r" }),
            )
        };
        let student = [grant(&[Permission::ViewOwnRecord], Some("A"))];
        let hand_in = Some(json!({ "branch_id": "A", "student_id": "s1" }));
        assert!(judged(&file("submissions"), None, &student, mine(Some("u1"), hand_in.clone())).is_ok());
        assert!(judged(&file("submissions"), None, &student, mine(Some("u2"), hand_in.clone())).is_err());
        let e = judged(&file("submissions"), None, &student, mine(Some("u1"), None)).unwrap_err();
        assert!(e.contains("not on the server"), "{e}");
        let elsewhere = Some(json!({ "branch_id": "B", "student_id": "s1" }));
        assert!(judged(&file("submissions"), None, &student, mine(Some("u1"), elsewhere)).is_err());
        // A bill goes with an expense, by whoever manages the branch's expenses.
        let expense = Some(json!({ "branch_id": "A" }));
        assert!(judged(&file("expenses"), None, &student, mine(None, expense.clone())).is_err());
        let manager = [grant(&[Permission::ManageExpense], Some("A"))];
        assert!(judged(&file("expenses"), None, &manager, mine(None, expense.clone())).is_ok());
        let other_branch = [grant(&[Permission::ManageExpense], Some("B"))];
        assert!(judged(&file("expenses"), None, &other_branch, mine(None, expense)).is_err());
        assert!(
            judged(&file("leads"), None, &manager, mine(None, Some(json!({ "branch_id": "A" })))).is_err()
        );
    }

    proptest::proptest! {
        /// Whatever columns a hand-in op carries and whoever writes it, it
        /// is taken only from a teacher of its branch, or from its own
        /// student setting no marks, grader or new feedback.
        #[test]
        fn only_a_teacher_or_the_student_themselves_writes_a_hand_in(
            teacher in proptest::bool::ANY,
            own in proptest::bool::ANY,
            branch_granted in proptest::bool::ANY,
            sets_marks in proptest::bool::ANY,
            sets_feedback in proptest::bool::ANY,
        ) {
            let p = if teacher { Permission::MarkAttendance } else { Permission::ViewOwnRecord };
            let grants = [grant(&[p], Some(if branch_granted { "A" } else { "B" }))];
            let mut cols = json!({ "branch_id": "A", "student_id": "s1", "text": "x" });
            if sets_marks { cols["marks"] = json!(5); }
            if sets_feedback { cols["feedback"] = json!("ok"); }
            let o = op("submissions", "insert", "u1", "x", cols);
            let verdict = judged(&o, None, &grants, mine(Some(if own { "u1" } else { "u2" }), None));
            let allowed = branch_granted && (teacher || (own && !sets_marks && !sets_feedback));
            proptest::prop_assert_eq!(verdict.is_ok(), allowed, "{:?}", verdict);
        }
    }

    #[test]
    fn a_student_answers_only_in_their_own_attempt_and_never_grades() {
        let student = [grant(&[Permission::ViewOwnRecord], Some("A"))];
        let attempt = json!({ "id": "a", "branch_id": "A", "student_id": "s1", "quiz_id": "q", "number": 1,
                              "time_used_ms": 1000, "drawn": "[]" });
        let start = op("quiz_attempts", "insert", "u1", "a", attempt);
        assert!(judged(&start, None, &student, mine(Some("u1"), None)).is_ok());
        assert!(judged(&start, None, &student, mine(Some("u2"), None)).is_err(), "another student's attempt");
        let theirs = Some(json!({ "branch_id": "A", "student_id": "s1" }));
        let answer = |cols: Value| op("quiz_responses", "insert", "u1", "r", cols);
        let given = json!({ "branch_id": "A", "attempt_id": "a", "student_id": "s1", "chosen": "[0]",
                            "graded_hundredths": null, "graded_by": null, "comment": "" });
        assert!(judged(&answer(given.clone()), None, &student, mine(Some("u1"), theirs.clone())).is_ok());
        // The same answer in someone else's attempt, however it names the student.
        let bilal = Some(json!({ "branch_id": "A", "student_id": "s2" }));
        let e = judged(&answer(given.clone()), None, &student, mine(Some("u1"), bilal.clone())).unwrap_err();
        assert!(e.contains("another student's attempt"), "{e}");
        let mut as_bilal = given.clone();
        as_bilal["student_id"] = json!("s2");
        // (The server finds the account of the student the op names: Bilal's.)
        assert!(judged(&answer(as_bilal), None, &student, mine(Some("u2"), bilal)).is_err());
        let e = judged(&answer(given.clone()), None, &student, mine(Some("u1"), None)).unwrap_err();
        assert!(e.contains("not on the server"), "{e}");
        // A student's own marks or comment: refused; a teacher's: taken.
        for (column, value) in
            [("graded_hundredths", json!(400)), ("graded_by", json!("u1")), ("comment", json!("ok"))]
        {
            let mut graded = given.clone();
            graded[column] = value;
            let e = judged(&answer(graded.clone()), None, &student, mine(Some("u1"), theirs.clone()))
                .unwrap_err();
            assert!(e.contains(column), "{e}");
            let teacher = [grant(&[Permission::MarkAttendance], Some("A"))];
            let mut by_teacher = answer(graded);
            by_teacher.author_user_id = Some("t".into());
            assert!(judged(&by_teacher, None, &teacher, mine(Some("u1"), theirs.clone())).is_ok());
        }
    }

    #[test]
    fn marks_stay_within_their_sections_maximum() {
        let teacher = [grant(&[Permission::MarkAttendance], Some("A"))];
        let section = Some(json!({ "test_id": "p", "max_hundredths": 3000 }));
        let mark = |m: Value| {
            op(
                "test_marks",
                "insert",
                "t",
                "m",
                json!({ "branch_id": "A", "section_id": "s", "marks_hundredths": m }),
            )
        };
        assert!(
            judged(&mark(json!(3000)), None, &teacher, mine(None, section.clone())).is_ok(),
            "full marks"
        );
        assert!(
            judged(&mark(json!(null)), None, &teacher, mine(None, section.clone())).is_ok(),
            "absent or cleared"
        );
        let e = judged(&mark(json!(3001)), None, &teacher, mine(None, section.clone())).unwrap_err();
        assert!(e.contains("maximum"), "{e}");
        let e = judged(&mark(json!(1000)), None, &teacher, mine(None, None)).unwrap_err();
        assert!(e.contains("not on the server"), "{e}");
        let elsewhere = [grant(&[Permission::MarkAttendance], Some("B"))];
        assert!(judged(&mark(json!(1000)), None, &elsewhere, mine(None, section)).is_err());
    }

    #[test]
    fn a_student_never_redraws_or_reopens_an_attempt_nor_answers_after_submitting() {
        let student = [grant(&[Permission::ViewOwnRecord], Some("A"))];
        let held = json!({ "branch_id": "A", "student_id": "s1", "quiz_id": "q", "number": 1, "seed": 7,
                           "drawn": "[1]", "submitted_at": null });
        let held = held.as_object().unwrap().clone();
        let change = |cols: Value| op("quiz_attempts", "update", "u1", "a", cols);
        let ok = change(json!({ "time_used_ms": 5000, "position": 2 }));
        assert!(judged(&ok, Some(&held), &student, mine(Some("u1"), None)).is_ok());
        for (c, v) in
            [("drawn", json!("[2]")), ("seed", json!(8)), ("number", json!(2)), ("student_id", json!("s2"))]
        {
            let e =
                judged(&change(json!({ c: v })), Some(&held), &student, mine(Some("u1"), None)).unwrap_err();
            assert!(e.contains(c), "{e}");
        }
        // The same value again (a desk sending the row whole) is no change.
        assert!(judged(&change(json!({ "seed": 7 })), Some(&held), &student, mine(Some("u1"), None)).is_ok());
        let mut submitted = held.clone();
        submitted.insert("submitted_at".into(), json!("2026-06-01T10:00:00Z"));
        let reopen = change(json!({ "submitted_at": null }));
        assert!(judged(&reopen, Some(&submitted), &student, mine(Some("u1"), None))
            .unwrap_err()
            .contains("reopened"));
        // Not submitted yet, nothing is reopened; submitted, its time may
        // still arrive from another desk that held it open.
        assert!(judged(&reopen, Some(&held), &student, mine(Some("u1"), None)).is_ok());
        assert!(judged(&ok, Some(&submitted), &student, mine(Some("u1"), None)).is_ok());
        let teacher = [grant(&[Permission::MarkAttendance], Some("A"))];
        let mut by_teacher = reopen.clone();
        by_teacher.author_user_id = Some("t".into());
        assert!(
            judged(&by_teacher, Some(&submitted), &teacher, mine(Some("u1"), None)).is_ok(),
            "a teacher may reopen"
        );
        // No answer goes into a submitted attempt.
        let answer = op(
            "quiz_responses",
            "update",
            "u1",
            "r",
            json!({ "branch_id": "A", "student_id": "s1", "chosen": "[0]" }),
        );
        let closed =
            Some(json!({ "branch_id": "A", "student_id": "s1", "submitted_at": "2026-06-01T10:00:00Z" }));
        let e = judged(&answer, None, &student, mine(Some("u1"), closed)).unwrap_err();
        assert!(e.contains("already submitted"), "{e}");
    }

    proptest::proptest! {
        /// Whatever an answer op carries and whoever writes it, it is taken
        /// only in the attempt it names the student of, from a teacher of
        /// the branch or from that student setting no teacher's column.
        #[test]
        fn only_the_student_answers_and_only_a_teacher_grades(
            teacher in proptest::bool::ANY,
            own in proptest::bool::ANY,
            same_student in proptest::bool::ANY,
            branch_granted in proptest::bool::ANY,
            grades in proptest::bool::ANY,
        ) {
            let p = if teacher { Permission::MarkAttendance } else { Permission::ViewOwnRecord };
            let grants = [grant(&[p], Some(if branch_granted { "A" } else { "B" }))];
            let mut cols = json!({ "branch_id": "A", "attempt_id": "a", "student_id": "s1", "chosen": "[1]" });
            if grades { cols["graded_hundredths"] = json!(100); }
            let attempt = json!({ "branch_id": "A", "student_id": if same_student { "s1" } else { "s2" } });
            let o = op("quiz_responses", "insert", "u1", "r", cols);
            let verdict = judged(&o, None, &grants, mine(Some(if own { "u1" } else { "u2" }), Some(attempt)));
            let allowed = same_student && branch_granted && (teacher || (own && !grades));
            proptest::prop_assert_eq!(verdict.is_ok(), allowed, "{:?}", verdict);
        }
    }

    #[test]
    fn a_paper_is_changed_by_its_author_or_a_course_manager_over_every_branch() {
        let teacher = [grant(&[Permission::MarkAttendance], Some("A"))];
        let clerk = [grant(&[Permission::ManageStudent, Permission::CollectPayment], Some("A"))];
        let head = [grant(&[Permission::ManageCourse], None)];
        let branch_head = [grant(&[Permission::ManageCourse], Some("A"))];
        let paper = |author: &str| json!({ "id": "p", "name": "Weekly Test", "held_on": "2026-06-14", "created_by": author });
        let new = |by: &str, author: &str| op("paper_tests", "insert", by, "p", paper(author));
        assert!(judged(&new("u1", "u1"), None, &teacher, mine(None, None)).is_ok(), "a teacher sets a paper");
        assert!(judged(&new("u1", "u2"), None, &teacher, mine(None, None)).is_err(), "as someone else's");
        assert!(
            judged(&new("u1", "u1"), None, &clerk, mine(None, None)).is_err(),
            "the front desk sets none"
        );
        assert!(
            judged(&new("u1", "u1"), None, &branch_head, mine(None, None)).is_err(),
            "a branch's course manager is not a teacher"
        );
        let held = paper("u1").as_object().unwrap().clone();
        let rename = |by: &str| op("paper_tests", "update", by, "p", json!({ "name": "Renamed" }));
        assert!(judged(&rename("u1"), Some(&held), &teacher, mine(None, None)).is_ok());
        assert!(
            judged(&rename("u2"), Some(&held), &teacher, mine(None, None)).is_err(),
            "another teacher's paper"
        );
        assert!(
            judged(&rename("u3"), Some(&held), &head, mine(None, None)).is_ok(),
            "a course manager over every branch"
        );
        let steal = op("paper_tests", "update", "u1", "p", json!({ "created_by": "u9" }));
        assert!(
            judged(&steal, Some(&held), &teacher, mine(None, None)).is_err(),
            "handing the paper to another author"
        );
        // A section goes with its paper as the server holds it.
        let section = |by: &str| {
            op("paper_test_sections", "update", by, "s", json!({ "test_id": "p", "max_hundredths": 1 }))
        };
        assert!(judged(&section("u1"), None, &teacher, mine(None, Some(paper("u1")))).is_ok());
        assert!(
            judged(&section("u2"), None, &teacher, mine(None, Some(paper("u1")))).is_err(),
            "grace on another's paper"
        );
        assert!(
            judged(&section("u1"), None, &teacher, mine(None, None)).is_err(),
            "a paper the server does not hold"
        );
        // Marks are entered in a branch by its teachers.
        let mut mark =
            op("test_marks", "insert", "u1", "m", json!({ "branch_id": "A", "marks_hundredths": 1200 }));
        mark.scope = "branch:A".into();
        let physics = Some(json!({ "max_hundredths": 3000 }));
        assert!(judged(&mark, None, &teacher, mine(None, physics.clone())).is_ok());
        let mut elsewhere = mark.clone();
        elsewhere.columns.insert("branch_id".into(), json!("B"));
        elsewhere.scope = "branch:B".into();
        assert!(judged(&elsewhere, None, &teacher, mine(None, physics.clone())).is_err());
        assert!(judged(&mark, None, &clerk, mine(None, physics)).is_err());
    }

    /// Mutants that survived every test (scripts/mutants.sh, issue 28):
    /// staff bank details, settings and grants of one branch, revoked
    /// grants, and a grant revoked at the very moment money was taken.
    #[test]
    fn bank_details_settings_and_grants_need_what_they_say() {
        let with = |perms: &[Permission], branch: Option<&str>| vec![grant(perms, branch)];
        let manager = with(&[Permission::ManageUser], None);
        let payroll = with(&[Permission::ManageUser, Permission::RunPayroll], None);
        let profile = |cols: Value| op("staff_profiles", "update", "u1", "p1", cols);
        let bank = profile(json!({ "bank_account": "0012345678" }));
        assert!(judged(&bank, None, &manager, mine(None, None)).is_err(), "bank details only from payroll");
        assert!(judged(&bank, None, &payroll, mine(None, None)).is_ok());
        let cleared = profile(json!({ "bank_account": "" }));
        assert!(
            judged(&cleared, None, &manager, mine(None, None)).is_ok(),
            "an empty bank field is not a detail"
        );
        let phone = profile(json!({ "phone": "9876543210" }));
        assert!(judged(&phone, None, &manager, mine(None, None)).is_ok());
        assert!(judged(&phone, None, &with(&[Permission::RunPayroll], None), mine(None, None)).is_err());

        // A branch's own setting by its branch's setting manager; the
        // organisation's needs every branch.
        let branch_admin = with(&[Permission::ManageSetting], Some("A"));
        let mut local =
            op("settings", "insert", "u1", "s1", json!({ "branch_id": "A", "key": "receipt.footer" }));
        local.scope = "branch:A".into();
        assert!(judged(&local, None, &branch_admin, mine(None, None)).is_ok());
        let org = op("settings", "insert", "u1", "s2", json!({ "branch_id": null, "key": "receipt.footer" }));
        assert!(judged(&org, None, &branch_admin, mine(None, None)).is_err());

        // Changing an existing grant's role is a new grant: no escalation.
        let branch_manager = with(&[Permission::ManageUser], Some("A"));
        let held = json!({ "role_id": "r1", "branch_id": "A", "user_id": "u9" }).as_object().unwrap().clone();
        let mut regrant = op("role_grants", "update", "u1", "g1", json!({ "role_id": "r-payroll" }));
        regrant.scope = "branch:A".into();
        let payroll_role = [Permission::RunPayroll];
        let facts = Facts {
            op: &regrant,
            before: Some(&held),
            grants: &branch_manager,
            target_branches: &[],
            granted: Some(&payroll_role),
            related: mine(None, None),
        };
        assert!(check(&facts).is_err(), "it grants payroll its author does not hold");
        let mut revoke =
            op("role_grants", "update", "u1", "g1", json!({ "revoked_at": "2026-06-02T10:00:00Z" }));
        revoke.scope = "branch:A".into();
        assert!(judged(&revoke, Some(&held), &branch_manager, mine(None, None)).is_ok(), "ending a grant");

        let grants = [
            json!({ "branch_id": "A" }),
            json!({ "branch_id": null }),
            json!({ "branch_id": "B", "revoked_at": "2026-06-01T12:00:00+00:00" }),
            json!({ "branch_id": "C", "revoked_at": null }),
        ]
        .map(|g| g.as_object().unwrap().clone());
        assert_eq!(live_grant_branches(&grants), [Some("A".to_owned()), None, Some("C".to_owned())]);

        let roles =
            vec![json!({ "id": "r1", "permissions": ["collect:payment"] }).as_object().unwrap().clone()];
        let revoked =
            vec![json!({ "role_id": "r1", "branch_id": "A", "revoked_at": "2026-06-01T12:00:00+00:00" })
                .as_object()
                .unwrap()
                .clone()];
        let at = |s: &str| Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc));
        assert!(
            grants_in_force(&revoked, &roles, "2026-06-01", at("2026-06-01T12:00:00+00:00")).is_empty(),
            "money taken at the very moment of the revocation is not covered by it"
        );
    }
}
