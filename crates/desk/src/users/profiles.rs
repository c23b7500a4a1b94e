//! Teacher and staff profiles: what they teach, their place in the
//! organisation, and bank details that only payroll sees in full.

use super::store;
use crate::db::read::{columns, Columns};
use crate::write::org_record;
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::users::{GetStaffProfile, ProfileKind, SaveStaffProfile, StaffProfile};
use branchdesk_api::ids::{BranchId, UserId};
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ProfileRow {
    /// The user's id: one profile per account, on every desk.
    pub id: UserId,
    pub kind: ProfileKind,
    pub specialties: String,
    pub qualifications: String,
    pub bio: String,
    pub department: String,
    pub designation: String,
    pub reporting_manager_id: Option<UserId>,
    pub bank_account_name: String,
    pub bank_account_number: String,
    pub bank_ifsc: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub joined_on: Option<chrono::NaiveDate>,
}

org_record!(ProfileRow, "staff_profiles");

static COLUMNS: Columns = columns!(ProfileRow, "");

pub(crate) fn by_user(conn: &Connection, user: UserId) -> Result<Option<ProfileRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM staff_profiles WHERE id = ?1"))?
        .query_row([user.to_string()], crate::db::read::row)
        .optional()?)
}

/// "•••• 1234": enough to recognise an account, not to use it.
pub fn mask(value: &str, keep: usize) -> String {
    if value.is_empty() {
        return String::new();
    }
    let tail: String = value.chars().rev().take(keep).collect::<Vec<_>>().into_iter().rev().collect();
    format!("•••• {tail}")
}

fn view(conn: &Connection, user: UserId, row: Option<&ProfileRow>, payroll: bool) -> Result<StaffProfile> {
    let Some(p) = row else {
        return Ok(StaffProfile { user_id: user, bank_visible: payroll, ..Default::default() });
    };
    let manager = match p.reporting_manager_id {
        Some(m) => store::by_id(conn, m)?.map(|u| u.full_name),
        None => None,
    };
    let show = |v: &str, keep| if payroll { v.to_owned() } else { mask(v, keep) };
    Ok(StaffProfile {
        user_id: p.id,
        kind: p.kind,
        specialties: p.specialties.clone(),
        qualifications: p.qualifications.clone(),
        bio: p.bio.clone(),
        department: p.department.clone(),
        designation: p.designation.clone(),
        reporting_manager_id: p.reporting_manager_id,
        reporting_manager_name: manager,
        bank_account_name: p.bank_account_name.clone(),
        bank_account_number: show(&p.bank_account_number, 4),
        bank_ifsc: show(&p.bank_ifsc, 0),
        bank_visible: payroll,
        joined_on: p.joined_on.map(|d| d.to_string()),
    })
}

fn account_number(field: &str, v: &str) -> Result<String, ApiError> {
    let v: String = v.chars().filter(|c| !c.is_whitespace() && !validate::is_invisible(*c)).collect();
    if !v.is_empty() && (!(9..=18).contains(&v.len()) || !v.chars().all(|c| c.is_ascii_digit())) {
        return Err(ApiError::invalid(field, "An account number is 9 to 18 digits."));
    }
    Ok(v)
}

/// Indian IFSC: four letters, a zero, six letters or digits.
fn ifsc(field: &str, v: &str) -> Result<String, ApiError> {
    let v = validate::without_invisible(v).trim().to_uppercase();
    // By characters, not bytes: the text may hold any character at all.
    let c: Vec<char> = v.chars().collect();
    let ok = c.is_empty()
        || (c.len() == 11
            && c[..4].iter().all(char::is_ascii_uppercase)
            && c[4] == '0'
            && c[5..].iter().all(char::is_ascii_alphanumeric));
    if !ok {
        return Err(ApiError::invalid(field, "An IFSC looks like HDFC0001234."));
    }
    Ok(v)
}

/// The branches a staff member works in, as their grants name them (None:
/// every branch; no grant at all counts as the whole organisation).
fn their_branches(conn: &Connection, user: UserId, today: NaiveDate) -> Result<Vec<Option<BranchId>>> {
    let held: Vec<Option<BranchId>> =
        super::grants::for_user(conn, user, today)?.into_iter().map(|g| g.grant.branch_id).collect();
    Ok(if held.is_empty() { vec![None] } else { held })
}

/// The actor holds `p` in every branch the person works in.
fn over_all(actor: &Actor, p: Permission, branches: &[Option<BranchId>]) -> bool {
    branches.iter().all(|b| actor.can(p, *b))
}

impl Desk {
    /// A staff profile, to someone who sees users in a branch the person
    /// works in; bank details in full only to someone who runs payroll in
    /// every branch the person works in.
    pub fn get_staff_profile(&self, actor: &Actor, input: GetStaffProfile) -> Result<StaffProfile> {
        actor.require_somewhere(Permission::ViewUser)?;
        let db = self.db();
        store::by_id(&db.conn, input.user_id)?.ok_or_else(|| ApiError::not_found("user").on("user_id"))?;
        let branches = their_branches(&db.conn, input.user_id, self.today())?;
        let sees =
            input.user_id == actor.user_id || branches.iter().any(|b| actor.can(Permission::ViewUser, *b));
        if !sees {
            return Err(ApiError::denied("This person works in branches you do not see.")
                .on("user_id")
                .into());
        }
        let row = by_user(&db.conn, input.user_id)?;
        view(&db.conn, input.user_id, row.as_ref(), over_all(actor, Permission::RunPayroll, &branches))
    }

    pub fn save_staff_profile(&self, actor: &Actor, input: SaveStaffProfile) -> Result<StaffProfile> {
        let user = self.managed_user(actor, input.user_id)?;
        let payroll = {
            let db = self.db();
            over_all(actor, Permission::RunPayroll, &their_branches(&db.conn, user.id, self.today())?)
        };
        let text = |field: &str, v: &str, max| validate::optional(field, v, max);
        let specialties = text("specialties", &input.specialties, 300)?;
        let qualifications = text("qualifications", &input.qualifications, 300)?;
        let bio = text("bio", &input.bio, 2000)?;
        let department = text("department", &input.department, 80)?;
        let designation = text("designation", &input.designation, 80)?;
        let bank_account_name = text("bank_account_name", &input.bank_account_name, 100)?;
        let joined_on = match input.joined_on.trim() {
            "" => None,
            typed => {
                let day = validate::parse_date("joined_on", typed)?;
                if day > self.today() {
                    return Err(ApiError::invalid(
                        "joined_on",
                        "Enter the day they joined, not a day to come.",
                    )
                    .into());
                }
                Some(day)
            }
        };
        let db = self.db();
        if let Some(m) = input.reporting_manager_id {
            if m == user.id {
                return Err(
                    ApiError::invalid("reporting_manager_id", "Someone reports to another person.").into()
                );
            }
            store::by_id(&db.conn, m)?
                .filter(|u| u.active)
                .ok_or_else(|| ApiError::invalid("reporting_manager_id", "Choose a person from the list."))?;
        }
        let old = by_user(&db.conn, user.id)?;
        // Without payroll rights the bank fields come back as they were shown.
        let (number, code) = if payroll {
            (
                account_number("bank_account_number", &input.bank_account_number)?,
                ifsc("bank_ifsc", &input.bank_ifsc)?,
            )
        } else {
            let shown = view(&db.conn, user.id, old.as_ref(), false)?;
            if input.bank_account_number != shown.bank_account_number || input.bank_ifsc != shown.bank_ifsc {
                return Err(ApiError::denied("Only payroll changes bank details.")
                    .on("bank_account_number")
                    .into());
            }
            old.as_ref().map(|o| (o.bank_account_number.clone(), o.bank_ifsc.clone())).unwrap_or_default()
        };
        let now = self.clock().now();
        let row = ProfileRow {
            id: user.id,
            kind: input.kind,
            specialties,
            qualifications,
            bio,
            department,
            designation,
            reporting_manager_id: input.reporting_manager_id,
            bank_account_name: if payroll {
                bank_account_name
            } else {
                old.as_ref().map(|o| o.bank_account_name.clone()).unwrap_or_default()
            },
            bank_account_number: number,
            bank_ifsc: code,
            created_at: old.as_ref().map(|o| o.created_at).unwrap_or(now),
            updated_at: now,
            joined_on,
        };
        drop(db);
        self.write(Some(actor.user_id), |w| w.upsert(old.as_ref(), &row))?;
        let db = self.db();
        view(&db.conn, user.id, Some(&row), payroll)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks_and_bank_formats() {
        assert_eq!(super::mask("123456789012", 4), "•••• 9012");
        assert_eq!(super::mask("", 4), "");
        assert!(super::ifsc("f", "hdfc0001234").is_ok());
        assert!(super::ifsc("f", "HDFC1001234").is_err());
        assert!(super::account_number("f", "1234 5678 9012").is_ok());
        assert!(super::account_number("f", "12AB").is_err());
        assert_eq!(super::ifsc("f", "\u{202A}hdfc0001234\u{202C}").unwrap(), "HDFC0001234");
        assert!(super::ifsc("f", "\u{202A}HDFC000123").unwrap_err().is_for("f"));
        assert!(
            super::ifsc("f", "HDFé000001").unwrap_err().is_for("f"),
            "11 bytes, a character across byte 4"
        );
    }

    proptest::proptest! {
        #[test]
        fn bank_checkers_answer_a_value_or_a_typed_error(s in "(\u{202A}|ज|é|[A-Za-z0-9 ]){0,14}|.*") {
            for r in [super::ifsc("f", &s), super::account_number("f", &s)] {
                if let Err(e) = r {
                    proptest::prop_assert!(e.is_for("f") && e.code == branchdesk_api::ErrorCode::Invalid);
                }
            }
        }
    }
}
