//! Instant search: any three characters of a student's name, code, phone
//! or guardian's phone (the trigram index `student_search`, kept by
//! triggers), or the start of a name or code for one or two characters.

use super::store::{self, StudentRow, STUDENT_COLUMNS};
use crate::actor::Branches;
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::students::{SearchStudents, StudentSummary};
use branchdesk_api::Permission;
use rusqlite::Connection;

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 200;
/// How many index matches a search looks at before sorting by name.
const CANDIDATES: u32 = 400;

/// What to look for: a phone-like query is matched by its digits only
/// ("98450 12345" finds "+91-98450-12345").
fn needle(query: &str) -> String {
    let q = query.trim();
    let phone_like =
        q.chars().any(|c| c.is_ascii_digit()) && q.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if phone_like {
        q.chars().filter(char::is_ascii_digit).collect()
    } else {
        q.to_owned()
    }
}

/// Students matching `query`, best first, in `branches`.
pub(crate) fn matching(
    conn: &Connection,
    query: &str,
    branches: &Branches,
    limit: u32,
) -> Result<Vec<StudentRow>> {
    let needle = needle(query);
    if needle.is_empty() {
        return Ok(Vec::new());
    }
    let scope = match branches {
        Branches::All => String::new(),
        // Branch ids are UUIDs we hold, never user text.
        Branches::Only(set) if set.is_empty() => return Ok(Vec::new()),
        Branches::Only(set) => format!(
            " AND s.branch_id IN ({})",
            set.iter().map(|b| format!("'{b}'")).collect::<Vec<_>>().join(",")
        ),
    };
    let mut stmt;
    let rows = if needle.chars().count() >= 3 {
        // The first matches in index order, then sorted by name: ranking
        // every match of a short, common query ("ash" in 100,000 names)
        // costs more than a keystroke may take.
        stmt = conn.prepare_cached(&format!(
            "SELECT {STUDENT_COLUMNS}
             FROM (SELECT rowid AS k FROM student_search WHERE student_search MATCH ?1 LIMIT {CANDIDATES}) f
             JOIN student_search_keys k ON k.k = f.k
             JOIN students s ON s.id = k.student_id
             WHERE 1{scope}
             ORDER BY s.archived_at IS NOT NULL, s.full_name LIMIT ?2"
        ))?;
        let phrase = format!("\"{}\"", needle.replace('"', "\"\""));
        stmt.query_map(rusqlite::params![phrase, limit], store::student_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?
    } else {
        // Names or codes starting with the letters: two index range scans.
        stmt = conn.prepare_cached(&format!(
            "SELECT {STUDENT_COLUMNS} FROM students s
             WHERE s.id IN (SELECT id FROM (SELECT id FROM students
                                           WHERE full_name COLLATE NOCASE >= ?1 AND full_name COLLATE NOCASE < ?3
                                           ORDER BY full_name COLLATE NOCASE LIMIT {CANDIDATES})
                            UNION SELECT id FROM (SELECT id FROM students WHERE code >= ?1 AND code < ?3
                                                  ORDER BY code LIMIT {CANDIDATES})){scope}
             ORDER BY s.archived_at IS NOT NULL, s.full_name LIMIT ?2"
        ))?;
        // The first string after every string starting with the needle.
        let upper = format!("{needle}{}", char::MAX);
        stmt.query_map(rusqlite::params![needle, limit, upper], store::student_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?
    };
    Ok(rows)
}

/// The digits of a student's phone and their guardians' phones.
pub(crate) fn phone_digits_of(conn: &Connection, s: &StudentRow) -> Result<Vec<String>> {
    let digits = |p: &str| p.chars().filter(char::is_ascii_digit).collect::<String>();
    let mut out: Vec<String> = s.phone.iter().map(|p| digits(p)).collect();
    for link in store::links_of_student(conn, s.id)? {
        if let Some(g) = store::guardian_by_id(conn, link.guardian_id)? {
            out.extend(g.phone.iter().map(|p| digits(p)));
        }
    }
    Ok(out)
}

impl Desk {
    pub fn search_students(&self, actor: &Actor, input: SearchStudents) -> Result<Vec<StudentSummary>> {
        actor.require_somewhere(Permission::ViewStudent)?;
        let limit = match input.limit {
            0 => DEFAULT_LIMIT,
            n => n.min(MAX_LIMIT),
        };
        let db = self.db();
        matching(&db.conn, &input.query, &actor.branches_with(Permission::ViewStudent), limit)?
            .iter()
            .map(|s| super::summary(&db.conn, s))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn phone_like_queries_match_by_digits() {
        assert_eq!(super::needle(" 98450 12345 "), "9845012345");
        assert_eq!(super::needle("+91-2345"), "912345");
        assert_eq!(super::needle("Asha"), "Asha");
        assert_eq!(super::needle("K2-7QX"), "K2-7QX");
    }
}
