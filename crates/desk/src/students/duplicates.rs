//! Possible duplicates (same phone, or same name and guardian phone),
//! flagged when a student or enquiry is entered. Merging two records, on
//! the clerk's word and never silently, is the `merges` service's.

use super::store::StudentRow;
use super::{search, summary};
use crate::actor::Branches;
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::students::*;
use branchdesk_api::ids::StudentId;
use branchdesk_api::Permission;
use rusqlite::Connection;

/// The part of a phone number that identifies it: its last ten digits
/// (so "+91 98450 12345" and "098450-12345" are one number).
pub fn phone_key(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(10)..].iter().collect()
}

/// Others that look like the same person: the same phone (theirs or a
/// guardian's), or the same name with the same guardian phone.
pub(crate) fn possible_duplicates(
    conn: &Connection,
    full_name: &str,
    phones: &[String],
    exclude: Option<StudentId>,
) -> Result<Vec<StudentSummary>> {
    let keys: Vec<String> = phones.iter().map(|p| phone_key(p)).filter(|k| k.len() >= 7).collect();
    let mut found: Vec<StudentRow> = Vec::new();
    for key in &keys {
        for row in search::matching(conn, key, &Branches::All, 50)? {
            if Some(row.id) == exclude || found.iter().any(|f| f.id == row.id) {
                continue;
            }
            let same_phone = row.phone.as_deref().map(phone_key).as_ref() == Some(key);
            let same_name_and_guardian = row.full_name.eq_ignore_ascii_case(full_name)
                && search::phone_digits_of(conn, &row)?.iter().any(|p| &phone_key(p) == key);
            if same_phone || same_name_and_guardian {
                found.push(row);
            }
        }
    }
    found.iter().map(|r| summary(conn, r)).collect()
}

impl Desk {
    pub fn find_duplicates(&self, actor: &Actor, input: FindDuplicates) -> Result<Vec<StudentSummary>> {
        actor.require(Permission::ViewStudent, Some(input.branch_id))?;
        let phones: Vec<String> =
            [input.phone, input.guardian_phone].into_iter().filter(|p| !p.trim().is_empty()).collect();
        possible_duplicates(&self.db().conn, input.full_name.trim(), &phones, None)
    }
}
