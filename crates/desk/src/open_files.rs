//! Opening an attached file: who may (each owner's rule) and where it
//! goes. Above `learning` and `money`, whose records own files.

use crate::attachments::{self, store};
use crate::learning::submission_by_id;
use crate::students::own_student;
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::attachments::{AttachmentOwner, OpenAttachment};
use branchdesk_api::commands::imports::SavedFile;
use branchdesk_api::ids::{BranchId, ExpenseId};
use branchdesk_api::{ApiError, ErrorCode, Permission};

impl Desk {
    /// Saves an attached file into `exports/` and answers where; a file
    /// this desk does not hold answers `not_downloaded` (the shell then
    /// fetches it from the server and asks again).
    ///
    /// The row came from another desk: the file must be the one it names
    /// (SHA-256), of a kind the desk takes (told again from the bytes), and
    /// it is saved under a safe base name ending as its kind does.
    pub fn open_attachment(&self, actor: &Actor, input: OpenAttachment) -> Result<SavedFile> {
        actor.may_act()?;
        let opens_some = [Permission::ViewOwnRecord, Permission::ViewBatch, Permission::ManageExpense];
        if !opens_some.iter().any(|p| actor.require_somewhere(*p).is_ok()) {
            return Err(ApiError::denied("You may not open attached files.").into());
        }
        let (row, bytes) = {
            let db = self.db();
            let conn = &db.conn;
            let row = store::by_id(conn, input.id)?
                .filter(|r| r.removed_at.is_none())
                .ok_or_else(|| ApiError::not_found("file").on("id"))?;
            match row.owner_table {
                AttachmentOwner::Submissions => {
                    let sub = submission_by_id(conn, row.owner_id)?;
                    let own = own_student(conn, actor).ok().map(|s| s.id);
                    match sub {
                        Some(s) if own == Some(s.student_id) => {}
                        Some(s) => actor.require(Permission::ViewBatch, Some(s.branch_id))?,
                        None => return Err(ApiError::not_found("file").on("id").into()),
                    }
                }
                AttachmentOwner::Expenses => {
                    let branch: Option<String> = conn
                        .prepare_cached("SELECT branch_id FROM expenses WHERE id = ?1")?
                        .query_row([ExpenseId(row.owner_id).to_string()], crate::db::read::value)
                        .ok();
                    match branch.and_then(|b| b.parse::<uuid::Uuid>().ok()).map(BranchId) {
                        Some(b) => actor.require(Permission::ManageExpense, Some(b))?,
                        None => return Err(ApiError::not_found("file").on("id").into()),
                    }
                }
            }
            let bytes = store::blob(conn, &row.sha256)?;
            (row, bytes)
        };
        let Some(bytes) = bytes else {
            return Err(ApiError::new(
                ErrorCode::NotDownloaded,
                format!(
                    "{} is not downloaded yet. It comes from the server when this desk is online; try again then.",
                    row.file_name
                ),
            )
            .on("id")
            .into());
        };
        if attachments::sha256_hex(&bytes) != row.sha256 {
            return Err(ApiError::conflict(
                "This file is damaged on this desk; ask for it to be attached again.",
            )
            .into());
        }
        let Some((_, endings, _)) = attachments::kind_of(&bytes) else {
            return Err(ApiError::invalid("id", "This file is not of a kind the desk opens.").into());
        };
        let base = crate::exports_dir::safe_file_name(&row.file_name, "attachment");
        let name = match base.rsplit_once('.') {
            Some((_, ext)) if endings.iter().any(|e| e.eq_ignore_ascii_case(ext)) => base,
            _ => format!("{base}.{}", endings[0]),
        };
        let path = self.save_file(&name, &bytes)?;
        Ok(SavedFile { path: path.display().to_string(), rows: 0 })
    }
}
