//! Which tables replicate, and the triggers that keep every writer but the
//! write path (and the sync applier) away from them.
//!
//! Every table in the schema must be listed here as synced or local; a test
//! fails when a migration adds a table that is neither.

use crate::Result;
use rusqlite::Connection;

/// Written only through `write::Write` (and the sync applier).
pub const SYNCED_TABLES: &[&str] = branchdesk_api::sync::SYNCED_ENTITIES;

/// This desk's own bookkeeping; never replicated.
pub const LOCAL_TABLES: &[&str] = &[
    "device",
    "outbox",
    "audit_log",
    "sessions",
    "login_state",
    "reset_codes",
    "sync_state",
    "sync_cursors",
    "row_clocks",
    "conflicts",
    "student_search_keys",
    "student_search",
    "student_search_data",
    "student_search_idx",
    "student_search_content",
    "student_search_docsize",
    "student_search_config",
    "attendance_drafts",
    "set_aside_changes",
    "key_proofs",
    "unknown_sign_ins",
    "attachment_blobs",
    "channel_settings",
    "deliveries",
    "refinery_schema_history",
];

pub const PERMIT_FUNCTION: &str = "branchdesk_write_permitted";
/// True while the sync applier holds the permit.
pub const APPLYING_FUNCTION: &str = "branchdesk_applying";

/// Money never changed once recorded: a person's action may only add rows
/// (a payment is reversed by a new row); rows as the server holds them
/// still arrive through the applier (a snapshot re-installed over them).
pub const APPEND_ONLY: &[&str] = &["receipts", "receipt_allocations", "receipt_reversals", "salary_payments"];

pub fn install(conn: &Connection) -> Result<()> {
    let mut sql = String::new();
    for table in SYNCED_TABLES {
        for op in ["INSERT", "UPDATE", "DELETE"] {
            sql.push_str(&format!(
                "CREATE TRIGGER IF NOT EXISTS guard_{table}_{op} BEFORE {op} ON {table} \
                 WHEN NOT {PERMIT_FUNCTION}() BEGIN \
                 SELECT RAISE(ABORT, '{table} can only be changed through the Branchdesk write path'); \
                 END;\n",
            ));
        }
    }
    for table in APPEND_ONLY {
        for op in ["UPDATE", "DELETE"] {
            sql.push_str(&format!(
                "CREATE TRIGGER IF NOT EXISTS append_only_{table}_{op} BEFORE {op} ON {table} \
                 WHEN NOT {APPLYING_FUNCTION}() BEGIN \
                 SELECT RAISE(ABORT, '{table} rows are never changed once recorded; a payment is reversed by a new row'); \
                 END;\n",
            ));
        }
    }
    conn.execute_batch(&sql)?;
    Ok(())
}
